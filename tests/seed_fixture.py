"""Load the ontology and the seed graph, and run SPARQL over them, for the seed tests.

This is the tests' stand-in for the project's store until that lands: it uses pyoxigraph
directly, loads ``ontology/careerkg.ttl`` and every ``graph/seed/*.ttl`` into the default graph
of an in-memory ``pyoxigraph.Store``, and converts query results to plain Python values.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

__all__ = [
    "ARTICLE",
    "ONTOLOGY",
    "QUERIES",
    "ROOT",
    "SEED",
    "SEED_FILES",
    "SHAPES",
    "CannedQuery",
    "article_text",
    "bind_term",
    "canned_queries",
    "run_canned",
    "seed_store",
    "select",
    "to_python",
]

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "careerkg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
SEED = ROOT / "graph" / "seed"
SEED_FILES = sorted(SEED.glob("*.ttl"))
QUERIES = ROOT / "queries"

# The article the seed is built from: shared/ sits beside the repository (as in CI);
# CAREERKG_ARTICLE overrides it.
ARTICLE = Path(
    os.environ.get(
        "CAREERKG_ARTICLE", ROOT.parent / "shared" / "seed" / "000_8aab05cd52fbbe2a.txt"
    )
)

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
        "unsignedShort", "unsignedByte",
    )
}


def seed_store() -> ox.Store:
    """Return an in-memory store holding the ontology and all seed files (default graph)."""
    store = ox.Store()
    for path in [ONTOLOGY, *SEED_FILES]:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def article_text() -> str:
    """Return the text of the source article, failing clearly when it is not there."""
    if not ARTICLE.is_file():
        raise FileNotFoundError(
            f"source article not found at {ARTICLE}; put shared/ beside the repository "
            "or set CAREERKG_ARTICLE to the article's path"
        )
    return ARTICLE.read_text(encoding="utf-8")


def to_python(term: ox.NamedNode | ox.BlankNode | ox.Literal | None):
    """Convert a pyoxigraph term to Python.

    IRIs become ``str``; xsd integer types ``int``; xsd:decimal ``Decimal``; xsd:double and
    xsd:float ``float``; xsd:boolean ``bool``; every other literal its lexical form (``str``);
    an unbound variable ``None``.
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype == XSD + "decimal":
            return Decimal(term.value)
        if datatype in (XSD + "double", XSD + "float"):
            return float(term.value)
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return term.value


def select(store: ox.Store, query: str, **bindings) -> list[dict[str, object]]:
    """Run a SELECT query and return its rows as dicts of Python values.

    Keyword arguments bind variables of the query (pyoxigraph substitutions, which need the
    variable in the SELECT clause); values are pyoxigraph terms.
    """
    substitutions = {ox.Variable(name): term for name, term in bindings.items()}
    result = store.query(query, substitutions=substitutions or None)
    names = [variable.value for variable in result.variables]
    return [{name: to_python(solution[name]) for name in names} for solution in result]


@dataclass
class CannedQuery:
    """A ``queries/*.rq`` file: its header (title, description, parameters) and its text."""

    path: Path
    text: str
    title: str | None = None
    description: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def prefixes(self) -> dict[str, str]:
        return dict(re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", self.text))


_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*?)\s*$")


def _parse(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    query = CannedQuery(path=path, text=text)
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            name, _, default = value.partition("=")
            query.params[name.strip()] = default.strip()
        else:
            setattr(query, key, value)
    return query


def canned_queries() -> list[CannedQuery]:
    """Return every canned query of ``queries/``, sorted by file name."""
    return [_parse(path) for path in sorted(QUERIES.glob("*.rq"))]


def bind_term(store: ox.Store, term: str, prefixes: dict[str, str]):
    """Turn a parameter value written as a SPARQL term (``role:data-scientist``, ``"EDA"``,
    ``<https://...>``, ``42``) into a pyoxigraph term, using the query's prefixes."""
    probe = f"SELECT ?value WHERE {{ BIND ({term} AS ?value) }}"
    return next(iter(store.query(probe, prefixes=prefixes)))["value"]


def run_canned(store: ox.Store, query: CannedQuery, **params: str) -> list[dict[str, object]]:
    """Run a canned query with its parameters bound: the defaults of its header, overridden
    by ``params`` (values written as SPARQL terms)."""
    values = {**query.params, **params}
    bindings = {name: bind_term(store, term, query.prefixes) for name, term in values.items()}
    return select(store, query.text, **bindings)

"""The seed tests' helpers, on the project's own code: the real store, the real canned-query
library, the real term conversion.  (No second implementation of any of them.)"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from careerkg.graph.article import ARTICLE_ENV, article_path, read_article, resolve_span
from careerkg.graph.factory import open_store
from careerkg.graph.library import CannedQuery, load_library
from careerkg.graph.results import term_to_python
from careerkg.graph.sparql import bind_values
from careerkg.graph.store import Store

__all__ = [
    "ARTICLE_COUNTS",
    "ONTOLOGY",
    "QUERIES",
    "ROOT",
    "SEED",
    "SEED_FILES",
    "SHAPES",
    "CannedQuery",
    "article_text",
    "passage_spans",
    "seed_spans",
    "canned_queries",
    "env_path",
    "query_prefixes",
    "run_canned",
    "seed_store",
    "source_files_graphs",
    "source_files_union",
    "same_graph",
    "select",
]

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "careerkg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
SEED = ROOT / "graph" / "seed"
SEED_FILES = sorted(SEED.glob("*.ttl"))
QUERIES = ROOT / "queries"



def env_path(name: str) -> Path | None:
    """The path an environment variable names (third-party test material: the article, the
    W3C suites), made absolute against the repository root (``.ci/run`` gives paths relative
    to it, e.g. ``../shared/w3c``); None when the variable is not set."""
    value = os.environ.get(name)
    if not value:
        return None
    return (ROOT / Path(value).expanduser()).resolve()


#: What the article states, counted by hand from its text (not from the graph): its two
#: roles, the 28 skills and 14 tools it names, the 8 industries it lists and its 20 salary
#: figures.  The home page, ``careerkg info`` and the seed tests are checked against these.
ARTICLE_COUNTS = {"roles": 2, "skills": 28, "tools": 14, "industries": 8, "salary_figures": 20}


def source_files_graphs() -> dict[str, rdflib.Graph]:
    """The ontology and the seed read straight from ``ontology/*.ttl`` and
    ``graph/seed/*.ttl`` by rdflib (not by the store), so that counts and exports can be
    checked against something careerkg did not produce: source name → graph.  The SHACL
    shapes (``ontology/shapes.ttl``) validate the data and are not part of it."""
    ontology = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path != SHAPES:
            ontology.parse(path, format="turtle")
    seed = rdflib.Graph()
    for path in SEED_FILES:
        seed.parse(path, format="turtle")
    return {"ontology": ontology, "seed": seed}


def source_files_union() -> rdflib.Graph:
    """What an export must hold: the union of :func:`source_files_graphs`."""
    union = rdflib.Graph()
    for graph in source_files_graphs().values():
        union += graph
    return union


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _by_value(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph with decimal and integer literals in one lexical form per value (an
    export may write the canonical ``-0.1`` for the file's ``-0.10``: the same value)."""
    out = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.datatype is not None and not o.ill_typed:
            if str(o.datatype) == _XSD + "decimal":
                o = rdflib.Literal(format(Decimal(str(o)).normalize(), "f"), datatype=o.datatype)
            elif str(o.datatype) == _XSD + "integer":
                o = rdflib.Literal(str(int(str(o))), datatype=o.datatype)
        out.add((s, p, o))
    return out


def same_graph(a: rdflib.Graph, b: rdflib.Graph) -> bool:
    """Whether two graphs are isomorphic, literals compared by value where their datatype
    fixes one (decimals, integers), otherwise term for term."""
    return isomorphic(_by_value(a), _by_value(b))


def seed_store() -> Store:
    """The seed graph as careerkg serves it: an in-memory store with the ontology and the
    seed in their named graphs."""
    return open_store(None)


#: Why the tests that need the article are skipped without it.
NO_ARTICLE = (
    f"{ARTICLE_ENV} is not set: the source article is third-party text, not part of the "
    "repository; set it to the article's path (.ci/run does) to check the repository against it"
)


def article_text() -> str:
    """The source article as the selectors count it (``careerkg.graph.article``), from the
    file ``CAREERKG_ARTICLE`` names; the calling test is skipped when it is unset."""
    path = article_path()
    if path is None:
        pytest.skip(NO_ARTICLE)
    return read_article(path)


def passage_spans(store: Store, text: str) -> dict[str, str]:
    """Every passage's span of ``text``, resolved from its position selector in ``store``."""
    found = select(store, """
        SELECT ?passage ?start ?end WHERE {
          ?passage a <https://w3id.org/careerkg/ontology#Passage> ;
                   <http://www.w3.org/ns/oa#hasSelector> ?selector .
          ?selector <http://www.w3.org/ns/oa#start> ?start ;
                    <http://www.w3.org/ns/oa#end> ?end .
        }""")
    return {row["passage"]: resolve_span(text, row["start"], row["end"]) for row in found}


def seed_spans() -> dict[str, str]:
    """Every seed passage's span of the article (the calling test is skipped without it)."""
    return passage_spans(seed_store(), article_text())


def _rows(store: Store, text: str) -> list[dict[str, object]]:
    result = store.query(text)
    return [
        {name: term_to_python(term) for name, term in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def select(store: Store, query: str, **bindings: ox.NamedNode | ox.Literal):
    """Run a SELECT query and return its rows as dicts of Python values (``None`` where a
    variable is unbound).  Keyword arguments bind variables (pyoxigraph terms)."""
    return _rows(store, bind_values(query, {name: str(term) for name, term in bindings.items()}))


def canned_queries() -> list[CannedQuery]:
    """Every canned query of ``queries/``, sorted by name."""
    return list(load_library().values())


def query_prefixes(query: CannedQuery) -> dict[str, str]:
    """The prefixes a canned query declares."""
    return dict(re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", query.text))


def run_canned(store: Store, query: CannedQuery, **params: str) -> list[dict[str, object]]:
    """Run a canned query with its parameters bound (defaults overridden by ``params``,
    written as SPARQL terms), as the CLI and the web UI do."""
    return _rows(store, query.bind(params))

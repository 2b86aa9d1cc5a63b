"""The seed tests' helpers, on the project's own code: the real store, the real canned-query
library, the real term conversion.  (No second implementation of any of them.)"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox

from careerkg.graph.factory import open_store
from careerkg.graph.library import CannedQuery, load_library
from careerkg.graph.results import term_to_python
from careerkg.graph.sparql import bind_values
from careerkg.graph.store import Store

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
    "canned_queries",
    "query_prefixes",
    "run_canned",
    "seed_store",
    "select",
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


def seed_store() -> Store:
    """The seed graph as careerkg serves it: an in-memory store with the ontology and the
    seed in their named graphs."""
    return open_store(None)


def article_text() -> str:
    """Return the text of the source article, failing clearly when it is not there."""
    if not ARTICLE.is_file():
        raise FileNotFoundError(
            f"source article not found at {ARTICLE}; put shared/ beside the repository "
            "or set CAREERKG_ARTICLE to the article's path"
        )
    return ARTICLE.read_text(encoding="utf-8")


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

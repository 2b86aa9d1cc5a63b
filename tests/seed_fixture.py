"""The seed tests' helpers, on the project's own code: the real store, the real canned-query
library, the real term conversion.  (No second implementation of any of them.)"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from careerkg.graph.article import ARTICLE_ENV, article_path, read_article, resolve_span
from careerkg.graph.factory import open_store
from careerkg.graph.library import CannedQuery, load_library
from careerkg.graph.results import term_to_python
from careerkg.graph.sparql import bind_values
from careerkg.graph.store import Store

__all__ = [
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

"""A person's SPARQL text, run on a store: the one path of ``careerkg query`` and of
``careerkg.KnowledgeGraph.query``.

The project's prefixes (``ckg:``, ``role:``, ``skill:`` ... see
:mod:`~careerkg.graph.namespaces`) may be used without ``PREFIX`` lines, and a syntax error
points at the line and column of the text as the person wrote it.
"""

from __future__ import annotations

from .results import QueryResult, ResultInfo
from .sparql import QuerySyntaxError, with_default_prefixes
from .store import Store

__all__ = ["run_text", "run_text_serialized"]


def _prepared(text: str) -> tuple[str, int]:
    """The text sent to the engine, and how many lines were put in front of the person's."""
    full = with_default_prefixes(text)
    return full, full.count("\n") - text.count("\n")


def run_text(store: Store, text: str) -> QueryResult:
    """Run ``text`` (project prefixes implied) and collect the answer.

    Raises
    ------
    QuerySyntaxError
        With the line and column in ``text`` itself.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> run_text(open_store(None), "ASK { role:data-scientist a ckg:Role }").boolean
    True
    >>> run_text(open_store(None), "SELECT ?r WHERE { ?r a ckg:Role")
    Traceback (most recent call last):
    ...
    careerkg.graph.sparql.QuerySyntaxError: line 1, column 32: ...
    """
    full, shift = _prepared(text)
    try:
        return store.query(full)
    except QuerySyntaxError as error:
        raise error.shifted(shift) from None


def run_text_serialized(store: Store, text: str, fmt: str) -> tuple[bytes, ResultInfo]:
    """Run ``text`` (project prefixes implied) and have the engine write the answer as
    ``fmt`` (a results format for SELECT/ASK, an RDF format for CONSTRUCT/DESCRIBE)."""
    full, shift = _prepared(text)
    try:
        return store.query_serialized(full, fmt)
    except QuerySyntaxError as error:
        raise error.shifted(shift) from None

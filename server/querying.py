"""Running a visitor's SPARQL: the checks every web path applies, then the store.

The SPARQL endpoint, the query page's plain form and the canned-query pages all come through
here, so the rules are the same everywhere: updates are refused (403), ``SERVICE`` is
refused (400, it would make this server send requests), a query longer than
``MAX_QUERY_LENGTH`` is refused (400), the project's prefixes may be used without declaring
them, relative IRIs resolve against the endpoint's address, every query has the app's time
limit and row cap, a syntax error points at the line and column of the text the visitor
wrote, and every query gets a line in the query log (:func:`~careerkg.server.logs.log_query`).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from flask import current_app, url_for

from careerkg.graph.errors import ForbiddenQuery, QueryTimeout
from careerkg.graph.results import QueryResult, ResultInfo
from careerkg.graph.sparql import QueryInfo, QuerySyntaxError, analyse, with_default_prefixes

from .errors import HttpProblem, ServiceRefused, UpdateRefused
from .logs import log_query
from .state import state

__all__ = ["Prepared", "prepare", "check_query", "run_query", "run_query_serialized"]


@dataclass(frozen=True)
class Prepared:
    """A query checked and ready for the store."""

    #: The text sent to the engine (with any project prefixes it needed).
    text: str
    info: QueryInfo
    #: Lines added in front of the visitor's text.
    line_offset: int
    #: The visitor's text as sent (for the query log).
    original: str = ""


def prepare(text: str) -> Prepared:
    """Check a visitor's query (:func:`check_query` with the app's settings and the
    endpoint's address) and log a refusal.

    Raises
    ------
    HttpProblem, UpdateRefused, ServiceRefused, QuerySyntaxError
        As :func:`check_query`.
    """
    try:
        return check_query(text, current_app.config.get("MAX_QUERY_LENGTH"),
                           url_for("sparql.endpoint", _external=True))
    except (HttpProblem, ForbiddenQuery) as error:
        log_query(text, getattr(error, "form", None), "refused")
        raise


def check_query(text: str, longest: int | None, base: str) -> Prepared:
    """Check a visitor's query and add the project prefixes it uses but does not declare.

    Parameters
    ----------
    text
        The query as the visitor sent it.
    longest
        Most characters accepted (None: no limit).
    base
        The endpoint's own address, against which relative IRIs resolve.

    Raises
    ------
    HttpProblem
        400 for a query longer than ``longest`` characters.
    UpdateRefused
        For a SPARQL update (the public endpoint is read-only).
    ServiceRefused
        For a query that calls ``SERVICE``.
    QuerySyntaxError
        For an empty text.

    The refusals carry the query's ``form`` (for the query log).
    """
    if not text or not text.strip():
        raise QuerySyntaxError("the query is empty", 1, 1)
    if longest and len(text) > longest:
        raise HttpProblem(400, f"the query is {len(text):,} characters long; this endpoint "
                               f"accepts at most {longest:,}",
                          detail={"length": len(text), "limit": longest})
    info = analyse(text)
    refusal = None
    if info.is_update:
        refusal = UpdateRefused(
            "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP ...) "
            "are not accepted here"
        )
    elif info.uses_service:
        refusal = ServiceRefused(
            "SERVICE is not allowed: this endpoint does not query other endpoints on your "
            "behalf; query them directly"
        )
    if refusal is not None:
        refusal.form = info.form
        raise refusal
    # Relative IRIs (``<s>``) resolve against the endpoint's own address, and a query may use
    # the project's prefixes without declaring them; both go on one line in front.
    with_prefixes = with_default_prefixes(text)
    full = (f"BASE <{base}> {with_prefixes}" if with_prefixes != text
            else f"BASE <{base}>\n{text}")
    return Prepared(full, info, 1, text)


@contextlib.contextmanager
def _logged(prepared: Prepared, log=log_query):
    """Log the outcome of running ``prepared`` with ``log`` (:func:`log_query` or one like
    it); the body sets ``entry["rows"]`` etc."""
    entry: dict = {}
    started = time.perf_counter()
    outcome = "error"
    try:
        yield entry
        outcome = "ok"
    except QuerySyntaxError:
        outcome = "syntax"
        raise
    except QueryTimeout:
        outcome = "timeout"
        raise
    finally:
        log(prepared.original, prepared.info.form, outcome,
            duration=time.perf_counter() - started, **entry)


def _shift(error: QuerySyntaxError, prepared: Prepared) -> QuerySyntaxError:
    return error.shifted(prepared.line_offset)


def _dataset(default_graphs, named_graphs) -> dict:
    """Protocol dataset: when either list is given, the dataset is exactly what is given."""
    if default_graphs or named_graphs:
        return {"default_graphs": list(default_graphs or []),
                "named_graphs": list(named_graphs or [])}
    return {}


def run_query(prepared: Prepared, *, default_graphs=None, named_graphs=None,
              limit: int | None = None) -> QueryResult:
    """Run a prepared query with the app's time limit and row cap.

    Parameters
    ----------
    prepared
        From :func:`prepare`.
    default_graphs, named_graphs
        The protocol dataset (``default-graph-uri`` / ``named-graph-uri``).
    limit
        Row cap; the app's ``MAX_ROWS`` when not given (never above it).

    Returns
    -------
    QueryResult
    """
    app_state = state()
    cap = app_state.max_rows if limit is None else min(limit, app_state.max_rows)
    with _logged(prepared) as entry:
        try:
            result = app_state.store.query(
                prepared.text, limit=cap, timeout=app_state.timeout,
                **_dataset(default_graphs, named_graphs),
            )
        except QuerySyntaxError as error:
            raise _shift(error, prepared) from None
        info = result.info()
        entry.update(rows=info.rows, truncated=info.truncated)
    return result


def run_query_serialized(prepared: Prepared, fmt: str, *, default_graphs=None,
                         named_graphs=None, limit: int | None = None, app_state=None,
                         log=log_query) -> tuple[bytes, ResultInfo]:
    """Run a prepared query and serialize its answer as ``fmt`` where it runs.

    ``limit`` is the row cap, as for :func:`run_query`.  ``app_state`` and ``log`` (the
    query log writer) default to the current app's; the lean path of
    :mod:`~careerkg.server.front` passes its own, outside Flask.

    Returns
    -------
    bytes, ResultInfo
        The serialized answer and whether it was cut at the row cap.
    """
    app_state = app_state or state()
    cap = app_state.max_rows if limit is None else min(limit, app_state.max_rows)
    with _logged(prepared, log) as entry:
        try:
            body, meta = app_state.store.query_serialized(
                prepared.text, fmt, limit=cap, timeout=app_state.timeout,
                **_dataset(default_graphs, named_graphs),
            )
        except QuerySyntaxError as error:
            raise _shift(error, prepared) from None
        entry.update(rows=meta.rows, truncated=meta.truncated)
    return body, meta

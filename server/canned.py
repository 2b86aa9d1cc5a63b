"""``/queries``: the canned query library, each query a page that runs it, with twins.

``/queries/<name>`` shows the query's title, description, parameters and its answer as a
table; ``/queries/<name>.json`` and ``/queries/<name>.csv`` are the same answer as SPARQL JSON
(JSON-LD for a CONSTRUCT) and CSV.  Parameters come from the query string
(``?role=data scientist``); missing ones take their defaults.  A parameter whose default is a
role takes any name of a role (label, code, IRI, prefixed name): :func:`resolve_role_param`
turns it into the role's IRI, and an unknown or ambiguous name answers a page listing the
candidates as links.

Answers come a page at a time (``?page=``, ``?limit=``, :data:`DEFAULT_PAGE_SIZE` rows by
default), the twins too: :func:`paged_text` puts ``LIMIT``/``OFFSET`` on the query, whose own
``ORDER BY`` keeps the pages stable.  One row more than the page is asked for, so a page
knows whether another follows; the twins say so in a ``Link: <...>; rel="next"`` header.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, g, jsonify, render_template, request, url_for

from careerkg.graph.errors import NotFound
from careerkg.graph.formats import RDF_FORMATS, RESULTS_FORMATS
from careerkg.graph.library import CannedQuery, canned_query, load_library
from careerkg.graph.overlap import RoleRef
from careerkg.graph.parameters import RoleParamError, bind_names, compact_name
from careerkg.graph.parameters import resolve_role_param as _resolve_role_param
from careerkg.graph.results import QueryResult, triples_table
from careerkg.graph.sparql import analyse

from .errors import HttpProblem, problem_response
from .params import int_arg
from .querying import prepare, run_query, run_query_serialized
from .state import state, store

__all__ = ["bp", "TWINS", "DEFAULT_PAGE_SIZE", "Paging", "paged_text", "resolve_role_param"]

bp = Blueprint("canned", __name__)

#: Suffix → (results format, RDF format for CONSTRUCT answers, media type of a CSV twin).
TWINS = {".json": ("json", "jsonld"), ".csv": ("csv", None)}
#: Rows per page when ``?limit=`` is not given.
DEFAULT_PAGE_SIZE = 100
#: The highest ``?page=`` (far beyond any answer; it only keeps OFFSET a sane number).
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Paging:
    """Which page of an answer: ``page`` (from 1) of ``limit`` rows."""

    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def _paging() -> Paging:
    return Paging(int_arg("page", 1, MAX_PAGE),
                  int_arg("limit", min(DEFAULT_PAGE_SIZE, state().max_rows), state().max_rows))


def paged_text(text: str, paging: Paging, extra: int = 1) -> str:
    """``text`` asking for one page of its answer (and ``extra`` rows more, to learn whether
    another page follows).

    A query with its own top-level ``LIMIT`` becomes a subquery, so that the page is cut
    from its answer; otherwise ``LIMIT`` and ``OFFSET`` go at its end, after its
    ``ORDER BY``.  An ``ASK`` has no pages.

    >>> paged_text("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", Paging(3, 10))
    'SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\\nLIMIT 11 OFFSET 20'
    >>> print(paged_text("PREFIX x: <http://x/>\\nSELECT ?s { ?s x:p ?o } LIMIT 5", Paging(1, 2)))
    PREFIX x: <http://x/>
    SELECT * WHERE { { SELECT ?s { ?s x:p ?o } LIMIT 5 } }
    LIMIT 3 OFFSET 0
    """
    info = analyse(text)
    if info.form == "ASK":
        return text
    page = f"\nLIMIT {paging.limit + extra} OFFSET {paging.offset}"
    if info.limit is None:
        return text.rstrip() + page
    prologue, body = _split_prologue(text)
    return f"{prologue}SELECT * WHERE {{ {{ {body.strip()} }} }}{page}"


def _split_prologue(text: str) -> tuple[str, str]:
    """The ``PREFIX``/``BASE`` lines (and comments) of a query, and the rest."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not stripped.upper().startswith(
                ("PREFIX", "BASE")):
            return "".join(lines[:i]), "".join(lines[i:])
    return text, ""


def _lookup(name: str) -> CannedQuery:
    try:
        return canned_query(name)
    except NotFound as error:
        raise NotFound(f"{error} (the list is at /queries)") from None


def resolve_role_param(param: str, value: str) -> RoleRef:
    """The role ``value`` names in this app's store (see
    :func:`careerkg.graph.parameters.resolve_role_param`, the one place where canned-query
    parameters meet role names).

    Raises
    ------
    RoleParamError
        No role, or several, has that name; it lists the candidates.
    """
    return _resolve_role_param(store(), param, value)


def _bound_text(canned: CannedQuery, resolved: dict | None = None) -> str:
    """The canned query with the request's parameters bound; each role parameter's role
    goes into ``resolved`` (parameter name → :class:`RoleRef`)."""
    values = {p.name: request.args.get(p.name) or "" for p in canned.params}
    try:
        return bind_names(store(), canned, values, resolved)
    except ValueError as error:
        raise HttpProblem(400, f"{canned.name}: {error}") from None


def _page_url(canned: CannedQuery, suffix: str = "", **changes) -> str:
    args = {**request.args.to_dict(), **changes}
    return url_for("canned.query", name=canned.name + suffix,
                   **{k: v for k, v in args.items() if v is not None})


def _role_error_page(canned: CannedQuery, error: RoleParamError, suffix: str | None):
    candidates = [
        {"iri": iri, "label": label, "name": compact_name(iri),
         "link": _page_url(canned, suffix or "", **{error.param: compact_name(iri)},
                           page=None)}
        for iri, label in error.candidates
    ]
    if suffix:
        return problem_response(error.status, error.message,
                                detail={"parameter": error.param, "candidates": candidates})
    values = {p.name: request.args.get(p.name) or p.default for p in canned.params}
    return render_template(
        "canned_query.html", canned=canned, values=values, result=None, text=None,
        role_error={"message": error.message, "candidates": candidates}, twins=None,
        pages=None, roles={},
    ), error.status


@bp.route("/queries")
@bp.route("/queries.json", endpoint="library_json")
def library():
    """The list of canned queries (HTML, or JSON at ``/queries.json``)."""
    queries = list(load_library().values())
    if request.path.endswith(".json"):
        return jsonify([
            {**q.to_dict(), "url": url_for("canned.query", name=q.name, _external=True)}
            for q in queries
        ])
    return render_template("queries.html", queries=queries)


@bp.route("/queries/<name>")
def query(name: str):
    """One canned query, run: an HTML page, or its ``.json`` / ``.csv`` twin; one page of
    the answer (``?page=``, ``?limit=``)."""
    suffix = next((s for s in TWINS if name.endswith(s)), None)
    if suffix:
        g.error_format = "json" if suffix == ".json" else "text"
        canned = _lookup(name[: -len(suffix)])
    else:
        canned = _lookup(name)
    paging = _paging()
    resolved: dict = {}
    try:
        text = _bound_text(canned, resolved)
    except RoleParamError as error:
        return _role_error_page(canned, error, suffix)
    if suffix:
        return _twin(canned, text, paging, suffix)
    result, more = _run_page(text, paging)
    values = {p.name: request.args.get(p.name) or p.default for p in canned.params}
    return render_template(
        "canned_query.html", canned=canned, text=text, result=result, values=values,
        twins={s: _page_url(canned, s) for s in TWINS}, role_error=None,
        roles={name: {"label": ref.label, "name": compact_name(ref.iri)}
               for name, ref in resolved.items()},
        pages=_pages(canned, paging, len(result), more, result.kind == "boolean"),
    )


def _pages(canned: CannedQuery, paging: Paging, shown: int, more: bool, boolean: bool):
    """What the page says about paging: rows X–Y (of N when this is the last page), and
    links to the previous and next pages."""
    if boolean:
        return None
    first = paging.offset + 1
    return {
        "first": first if shown else None,
        "last": paging.offset + shown,
        "total": None if more else paging.offset + shown,
        "page": paging.page,
        "limit": paging.limit,
        "previous": _page_url(canned, page=paging.page - 1) if paging.page > 1 else None,
        "next": _page_url(canned, page=paging.page + 1) if more else None,
        "start": _page_url(canned, page=None) if paging.page > 1 else None,
    }


def _run_page(text: str, paging: Paging) -> tuple[QueryResult, bool]:
    """One page of the answer, and whether another may follow.  A graph answer (CONSTRUCT)
    is paged by solutions, whose triples are not counted: after a page with triples,
    another may follow."""
    if analyse(text).returns_graph:
        result = run_query(prepare(paged_text(text, paging, extra=0)))
        return result, bool(result.triples)
    result = run_query(prepare(paged_text(text, paging)), limit=paging.limit)
    more, result.truncated = result.truncated, False  # cut at the page, not the row cap
    return result, more


def _twin(canned: CannedQuery, text: str, paging: Paging, suffix: str):
    results_fmt, graph_fmt = TWINS[suffix]
    graph = analyse(text).returns_graph
    if graph and graph_fmt is None:
        # A CSV of triples: the graph answer as a subject/predicate/object table.
        result, more = _run_page(text, paging)
        body = triples_table(result.triples, "csv")
        media = RESULTS_FORMATS["csv"].media_type
    else:
        fmt = graph_fmt if graph else results_fmt
        prepared = prepare(paged_text(text, paging, extra=0 if graph else 1))
        body, outcome = run_query_serialized(prepared, fmt,
                                             limit=None if graph else paging.limit)
        more = bool(outcome.rows) if graph else outcome.truncated
        media = (RDF_FORMATS[fmt] if graph else RESULTS_FORMATS[fmt]).media_type
    response = Response(body, mimetype=media)
    response.headers["X-Careerkg-Page"] = str(paging.page)
    if more:
        following = _page_url(canned, suffix, page=paging.page + 1)
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response

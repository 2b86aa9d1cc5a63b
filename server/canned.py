"""``/queries``: the canned query library, each query a page that runs it, with twins.

``/queries/<name>`` shows the query's title, description, parameters and its answer as a
table; ``/queries/<name>.json`` and ``/queries/<name>.csv`` are the same answer as SPARQL JSON
(JSON-LD for a CONSTRUCT) and CSV.  Parameters come from the query string
(``?role=role:data-scientist``); missing ones take their defaults.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, render_template, request, url_for

from careerkg.graph.errors import NotFound
from careerkg.graph.formats import RDF_FORMATS, RESULTS_FORMATS
from careerkg.graph.library import CannedQuery, canned_query, load_library
from careerkg.graph.results import triples_table

from .errors import HttpProblem
from .querying import prepare, run_query, run_query_serialized

__all__ = ["bp", "TWINS"]

bp = Blueprint("canned", __name__)

#: Suffix → (results format, RDF format for CONSTRUCT answers, media type of a CSV twin).
TWINS = {".json": ("json", "jsonld"), ".csv": ("csv", None)}


def _lookup(name: str) -> CannedQuery:
    try:
        return canned_query(name)
    except NotFound as error:
        raise NotFound(f"{error} (the list is at /queries)") from None


def _bound_text(canned: CannedQuery) -> str:
    values = {p.name: request.args[p.name] for p in canned.params if request.args.get(p.name)}
    try:
        return canned.bind(values)
    except ValueError as error:
        raise HttpProblem(400, f"{canned.name}: {error}") from None


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
    """One canned query, run: an HTML page, or its ``.json`` / ``.csv`` twin."""
    suffix = next((s for s in TWINS if name.endswith(s)), None)
    if suffix:
        g.error_format = "json" if suffix == ".json" else "text"
        return _twin(_lookup(name[: -len(suffix)]), suffix)
    canned = _lookup(name)
    text = _bound_text(canned)
    prepared = prepare(text)
    result = run_query(prepared)
    values = {p.name: request.args.get(p.name) or p.default for p in canned.params}
    return render_template(
        "canned_query.html", canned=canned, text=text, result=result, values=values,
        twins={s: url_for("canned.query", name=canned.name + s, **request.args)
               for s in TWINS},
    )


def _twin(canned: CannedQuery, suffix: str):
    prepared = prepare(_bound_text(canned))
    results_fmt, graph_fmt = TWINS[suffix]
    graph = prepared.info.returns_graph
    if graph and graph_fmt is None:
        # A CSV of triples: the graph answer as a subject/predicate/object table.
        result = run_query(prepared)
        body, truncated = triples_table(result.triples, "csv"), result.truncated
        media = RESULTS_FORMATS["csv"].media_type
    else:
        fmt = graph_fmt if graph else results_fmt
        body, outcome = run_query_serialized(prepared, fmt)
        truncated = outcome.truncated
        media = (RDF_FORMATS[fmt] if graph else RESULTS_FORMATS[fmt]).media_type
    response = Response(body, mimetype=media)
    if truncated:
        response.headers["X-Careerkg-Truncated"] = "true"
    return response

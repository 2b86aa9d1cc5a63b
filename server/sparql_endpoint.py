"""``/sparql``: the SPARQL 1.1 Protocol query endpoint (read-only) and its service description.

Queries come by GET (``?query=``), POST ``application/x-www-form-urlencoded`` or POST
``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` give the dataset
(FROM / FROM NAMED name graphs in the store; nothing is ever fetched).  The answer's format
is chosen by :mod:`~careerkg.server.negotiation` (a ``format`` / ``output`` / ``results``
parameter, else ``Accept``); the bytes are produced by the query worker.  HEAD answers as
GET without the body.  A GET with no query returns the service description.  A GET with a query
from a browser (``Accept`` prefers HTML, no ``format``: someone followed a link) is sent
with 303 to the query page, which shows the answer as a table.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, redirect, request, url_for

from careerkg.graph.formats import RDF_FORMATS, RESULTS_FORMATS
from careerkg.graph.namespaces import DCT, RDF, REGISTRY_GRAPH, SD, VOID, XSD
from careerkg.graph.namespaces import FORMATS as W3C_FORMATS
from careerkg.graph.stats import dataset_sizes
from careerkg.graph.store import DEFAULT_GRAPH_NAMES

from .errors import HttpProblem, UpdateRefused
from .negotiation import (
    GRAPH_FORMATS,
    GRAPH_OFFERS,
    RESULT_OFFERS,
    choose_format,
    format_parameter,
    prefers_html,
    representation,
)
from .querying import prepare, run_query_serialized
from .state import state, store

__all__ = ["bp"]

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"

RDF_TYPE = ox.NamedNode(RDF + "type")
XSD_INTEGER = ox.NamedNode(XSD + "integer")

#: careerkg format name → its IRI in the W3C formats registry (for the service description).
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"], endpoint="endpoint_slash")
def endpoint():
    """Answer one SPARQL protocol request."""
    text, default_graphs, named_graphs = _read_request()
    if text is None:
        return service_description()
    if request.method in ("GET", "HEAD") and _wants_a_page():
        response = redirect(url_for("query_ui.query_page", query=text, run=1), code=303)
        response.vary.add("Accept")
        return response
    prepared = prepare(text)
    graph = prepared.info.returns_graph
    fmt = choose_format(GRAPH_OFFERS if graph else RESULT_OFFERS)
    body, outcome = run_query_serialized(
        prepared, fmt, default_graphs=default_graphs, named_graphs=named_graphs
    )
    return representation(body, fmt, truncated=outcome.truncated, limit=outcome.limit)


def _wants_a_page() -> bool:
    """Whether the request comes from a person's browser: HTML preferred, no ``format``."""
    return not format_parameter() and prefers_html()


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise HttpProblem(400, f"give one {name} per request, not {len(values)}")
    return values[0] if values else None


def _graph_names(values: list[str], parameter: str) -> list[str]:
    """The protocol dataset's graph names, each checked to be an IRI (400 if not); the
    default graph may be named only in ``default-graph-uri``."""
    for value in values:
        if value in DEFAULT_GRAPH_NAMES:
            if parameter == "default-graph-uri":
                continue
            raise HttpProblem(400, f"{parameter}={value!r} names the default graph, which is "
                                   "not a named graph")
        try:
            ox.NamedNode(value)
        except ValueError as error:
            raise HttpProblem(400, f"{parameter}={value!r} is not a valid IRI: {error}") \
                from None
    return values


def _read_request() -> tuple[str | None, list[str], list[str]]:
    """The query text (None when there is none) and the protocol dataset of a request."""
    text, default_graphs, named_graphs = _read_query_and_dataset()
    return (text, _graph_names(default_graphs, "default-graph-uri"),
            _graph_names(named_graphs, "named-graph-uri"))


def _read_query_and_dataset() -> tuple[str | None, list[str], list[str]]:
    args = request.args
    default_graphs = args.getlist("default-graph-uri")
    named_graphs = args.getlist("named-graph-uri")
    if request.method in ("GET", "HEAD"):
        if "update" in args:
            raise UpdateRefused("this endpoint is read-only: updates are not accepted "
                                "(and never by GET)")
        return _one(args.getlist("query"), "query"), default_graphs, named_graphs
    mimetype = request.mimetype
    if mimetype == FORM:
        form = request.form
        if "update" in form:
            raise UpdateRefused("this endpoint is read-only: SPARQL updates are not accepted")
        default_graphs += form.getlist("default-graph-uri")
        named_graphs += form.getlist("named-graph-uri")
        text = _one(form.getlist("query"), "query")
        if text is None:
            raise HttpProblem(400, "the form has no 'query' field")
        return text, default_graphs, named_graphs
    if mimetype == QUERY_BODY:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise HttpProblem(
                415, f"a query must be sent as UTF-8, not {charset.upper()}",
                headers={"Accept-Post": f"{QUERY_BODY}; charset=utf-8, {FORM}"},
            )
        try:
            return request.get_data().decode("utf-8"), default_graphs, named_graphs
        except UnicodeDecodeError as error:
            message = f"the query is not valid UTF-8 (byte {error.start})"
            raise HttpProblem(400, message) from None
    if mimetype == UPDATE_BODY:
        raise UpdateRefused("this endpoint is read-only: SPARQL updates are not accepted")
    if not mimetype:
        raise HttpProblem(
            400, f"a POST needs a Content-Type: {FORM} (with query=...) or {QUERY_BODY} "
            "(the query as the body)"
        )
    raise HttpProblem(
        415, f"cannot read a POST of {mimetype}; send {FORM} (with query=...) or {QUERY_BODY}",
        headers={"Accept-Post": f"{QUERY_BODY}, {FORM}"},
    )


def service_description():
    """The SPARQL service description of this endpoint (Turtle unless asked otherwise)."""
    fmt = choose_format(GRAPH_OFFERS)
    here = url_for("sparql.endpoint", _external=True)
    endpoint_node = ox.NamedNode(here)
    app_state = state()

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    triples = [
        ox.Triple(endpoint_node, RDF_TYPE, iri(SD + "Service")),
        ox.Triple(endpoint_node, iri(SD + "endpoint"), endpoint_node),
        ox.Triple(endpoint_node, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
        ox.Triple(endpoint_node, iri(SD + "feature"), iri(SD + "UnionDefaultGraph")),
        ox.Triple(endpoint_node, iri(SD + "defaultEntailmentRegime"),
                  iri("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(endpoint_node, iri(DCT + "title"), ox.Literal("careerkg SPARQL endpoint")),
        ox.Triple(
            endpoint_node, iri(DCT + "description"),
            ox.Literal(
                "Read-only SPARQL 1.1 query endpoint over the careerkg knowledge graph of data "
                f"careers. Each query may run {app_state.timeout:g} s; answers are capped at "
                f"{app_state.max_rows} rows (a capped answer carries the header "
                "X-Careerkg-Truncated: true). Updates and SERVICE are refused."
            ),
        ),
    ]
    triples += [
        ox.Triple(endpoint_node, iri(SD + "resultFormat"), iri(W3C_FORMATS + FORMAT_IRIS[name]))
        for name in (*RESULTS_FORMATS, *GRAPH_FORMATS)
    ]
    dataset = ox.BlankNode()
    default_graph = ox.BlankNode()
    default_size, graph_sizes = dataset_sizes(store())
    titles = {source.graph: source.title for source in store().sources()}
    titles[REGISTRY_GRAPH] = "careerkg source registry (which graph holds each source)"
    triples += [
        ox.Triple(endpoint_node, iri(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, iri(SD + "Dataset")),
        ox.Triple(dataset, iri(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, iri(SD + "Graph")),
        ox.Triple(default_graph, iri(VOID + "triples"), ox.Literal(str(default_size),
                                                               datatype=XSD_INTEGER)),
    ]
    for name, size in graph_sizes.items():
        named, graph_node = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, iri(SD + "namedGraph"), named),
            ox.Triple(named, RDF_TYPE, iri(SD + "NamedGraph")),
            ox.Triple(named, iri(SD + "name"), iri(name)),
            ox.Triple(named, iri(SD + "graph"), graph_node),
            ox.Triple(graph_node, RDF_TYPE, iri(SD + "Graph")),
            ox.Triple(graph_node, iri(VOID + "triples"),
                      ox.Literal(str(size), datatype=XSD_INTEGER)),
        ]
        if name in titles:
            triples.append(ox.Triple(graph_node, iri(DCT + "title"), ox.Literal(titles[name])))
    info = RDF_FORMATS[fmt]
    body = ox.serialize(
        triples, format=info.engine,
        prefixes={"sd": SD, "formats": W3C_FORMATS, "void": VOID, "dct": DCT},
    )
    return representation(body, fmt)

"""``/sparql``: the SPARQL 1.1 Protocol query endpoint (read-only) and its service description.

Queries come by GET (``?query=``), POST ``application/x-www-form-urlencoded`` or POST
``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` give the dataset
(FROM / FROM NAMED name graphs in the store; nothing is ever fetched).  The answer's format
is chosen by the ``format`` parameter, else by ``Accept``; the bytes are produced by the
query worker.  A GET with no query returns the service description.  A GET with a query
from a browser (``Accept`` prefers HTML, no ``format``: someone followed a link) is sent
with 303 to the query page, which shows the answer as a table.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request, url_for

from careerkg.graph.formats import (
    RDF_FORMATS,
    RESULTS_FORMATS,
    negotiate,
    rdf_format,
    results_format,
)
from careerkg.graph.namespaces import DCT, RDF, SD, VOID
from careerkg.graph.namespaces import FORMATS as W3C_FORMATS
from careerkg.graph.store import DEFAULT_GRAPH_NAMES

from .errors import HttpProblem, UpdateRefused
from .querying import prepare, run_query_serialized
from .state import state, store

__all__ = ["bp", "GRAPH_FORMATS", "RESULT_OFFERS", "GRAPH_OFFERS", "choose_format"]

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"

#: RDF formats offered for CONSTRUCT / DESCRIBE answers and RDF documents.
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
RESULT_OFFERS = {name: info.media_types for name, info in RESULTS_FORMATS.items()}
GRAPH_OFFERS = {name: RDF_FORMATS[name].media_types for name in GRAPH_FORMATS}
#: What a browser asks for, beside the result formats (for sending people to /query).
HTML_OFFER = {"html": ("text/html", "application/xhtml+xml")}

#: Names of RDF formats that clients send in ``format`` beyond those of graph/formats.py
#: (SPARQLWrapper sends ``rdf+xml`` and ``n3``; Turtle is valid N3).
GRAPH_FORMAT_ALIASES = {
    "json": "jsonld", "application/json": "jsonld", "rdf+xml": "rdfxml", "n3": "turtle",
    "text/n3": "turtle",
}

RDF_TYPE = ox.NamedNode(RDF + "type")

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
    if request.method == "GET" and _wants_a_page():
        response = redirect(url_for("query_ui.query_page", query=text, run=1), code=303)
        response.vary.add("Accept")
        return response
    prepared = prepare(text)
    graph = prepared.info.returns_graph
    fmt = choose_format(graph=graph)
    body, outcome = run_query_serialized(
        prepared, fmt, default_graphs=default_graphs, named_graphs=named_graphs
    )
    media = (RDF_FORMATS[fmt] if graph else RESULTS_FORMATS[fmt]).media_type
    response = Response(body, mimetype=media)
    response.vary.add("Accept")
    if outcome.truncated:
        response.headers["X-Careerkg-Truncated"] = "true"
        response.headers["X-Careerkg-Limit"] = str(outcome.limit)
    return response


def _wants_a_page() -> bool:
    """Whether the request comes from a person's browser: HTML preferred, no ``format``."""
    if request.args.get("format"):
        return False
    offers = {**RESULT_OFFERS, **HTML_OFFER}
    return negotiate(request.headers.get("Accept"), offers, "json") == "html"


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
    if request.method == "GET":
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


def choose_format(*, graph: bool) -> str:
    """The answer format: the ``format`` parameter if given, else negotiated from ``Accept``.

    Parameters
    ----------
    graph
        Whether the answer is RDF (CONSTRUCT / DESCRIBE / a document) or a result set.

    Returns
    -------
    str
        A name in :data:`GRAPH_OFFERS` or :data:`RESULT_OFFERS`.

    Raises
    ------
    HttpProblem
        400 for an unknown ``format``, 406 when nothing in ``Accept`` can be produced.
    """
    offers = GRAPH_OFFERS if graph else RESULT_OFFERS
    requested = request.values.get("format")
    if requested:
        name = requested.strip().lower()
        try:
            if graph:
                name = rdf_format(GRAPH_FORMAT_ALIASES.get(name, name)).name
            else:
                name = results_format(name).name
        except ValueError:
            name = None
        if name not in offers:
            kind = "an RDF graph" if graph else "a result set"
            raise HttpProblem(
                400, f"unknown format {requested!r} for {kind}; use one of: {', '.join(offers)}"
            )
        return name
    chosen = negotiate(request.headers.get("Accept"), offers, next(iter(offers)))
    if chosen is None:
        media = ", ".join(m for types in offers.values() for m in types)
        raise HttpProblem(406, f"cannot answer in any type the request accepts; available: "
                               f"{media}")
    return chosen


def service_description():
    """The SPARQL service description of this endpoint (Turtle unless asked otherwise)."""
    fmt = choose_format(graph=True)
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
    sources = store().sources()
    triples += [
        ox.Triple(endpoint_node, iri(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, iri(SD + "Dataset")),
        ox.Triple(dataset, iri(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, iri(SD + "Graph")),
        ox.Triple(default_graph, iri(VOID + "triples"),
                  ox.Literal(str(sum(s.triples for s in sources)),
                             datatype=iri("http://www.w3.org/2001/XMLSchema#integer"))),
    ]
    for source in sources:
        named, graph_node = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, iri(SD + "namedGraph"), named),
            ox.Triple(named, RDF_TYPE, iri(SD + "NamedGraph")),
            ox.Triple(named, iri(SD + "name"), iri(source.graph)),
            ox.Triple(named, iri(SD + "graph"), graph_node),
            ox.Triple(graph_node, RDF_TYPE, iri(SD + "Graph")),
            ox.Triple(graph_node, iri(DCT + "title"), ox.Literal(source.title)),
            ox.Triple(graph_node, iri(VOID + "triples"),
                      ox.Literal(str(source.triples),
                                 datatype=iri("http://www.w3.org/2001/XMLSchema#integer"))),
        ]
    info = RDF_FORMATS[fmt]
    body = ox.serialize(
        triples, format=info.engine,
        prefixes={"sd": SD, "formats": W3C_FORMATS, "void": VOID, "dct": DCT},
    )
    response = Response(body, mimetype=info.media_type)
    response.vary.add("Accept")
    return response

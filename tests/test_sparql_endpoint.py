"""``/sparql`` through Flask's test client, on the app's real store (memory, worker processes).

Methods, content negotiation and every format, the service description, read-only (403),
malformed queries (400 with line and column), SERVICE (400, nothing sent), FROM that fetches
nothing, the time limit, the row cap, CORS.  Expected answers come from the seed graph
queried directly, not from constants.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import re
import threading
import time

import pyoxigraph as ox
import pytest
import rdflib

from careerkg.graph.formats import RDF_FORMATS, RESULTS_FORMATS, rdf_format
from careerkg.graph.namespaces import CKG, PREFIXES, REGISTRY_GRAPH
from careerkg.server import close_app, create_app

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
ROLES = f"SELECT ?role WHERE {{ ?role a <{CKG}Role> }} ORDER BY ?role"
ENDPOINT = "http://localhost/sparql"
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
)


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json(force=True)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def _expected_roles(seed_store) -> list[dict]:
    return [{"role": row["role"]} for row in seed_store.query(ROLES).to_python()]


# -- the three ways to send a query --------------------------------------------------------

def test_get_post_form_and_post_direct_give_the_same_answer(client, seed_store):
    expected = _expected_roles(seed_store)
    assert len(expected) >= 2
    by_get = client.get("/sparql", query_string={"query": ROLES})
    by_form = client.post("/sparql", data={"query": ROLES})
    by_body = client.post("/sparql", data=ROLES.encode(),
                          content_type="application/sparql-query")
    for response in (by_get, by_form, by_body):
        assert response.mimetype == "application/sparql-results+json"
        assert _rows(response) == expected


def test_ask_true_and_false(client):
    yes = client.get("/sparql", query_string={"query": f"ASK {{ ?r a <{CKG}Role> }}"})
    no = client.get("/sparql", query_string={"query": f"ASK {{ ?r a <{CKG}NoSuchClass> }}"})
    assert yes.get_json() == {"head": {}, "boolean": True}
    assert no.get_json() == {"head": {}, "boolean": False}


# -- content negotiation -----------------------------------------------------------------

@pytest.mark.parametrize("name", list(RESULTS_FORMATS))
def test_select_in_every_results_format(client, seed_store, name):
    info = RESULTS_FORMATS[name]
    expected = [tuple(row) for row in seed_store.query(ROLES).rows]
    for response in (
        client.get("/sparql", query_string={"query": ROLES}, headers={"Accept": info.media_type}),
        client.get("/sparql", query_string={"query": ROLES, "format": name}),
    ):
        assert response.status_code == 200
        assert response.mimetype == info.media_type
        if name == "csv":  # lossy by design: plain values, header without "?"
            table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
            assert table == [["role"], *([t.value for t in row] for row in expected)]
            continue
        parsed = ox.parse_query_results(
            response.data, format=ox.QueryResultsFormat.from_media_type(info.media_type)
        )
        assert [tuple(s) for s in parsed] == expected


@pytest.mark.parametrize("name", ["json", "xml"])
def test_ask_in_json_and_xml(client, name):
    response = client.get("/sparql", query_string={"query": "ASK {}"},
                          headers={"Accept": RESULTS_FORMATS[name].media_type})
    parsed = ox.parse_query_results(
        response.data, format=ox.QueryResultsFormat.from_media_type(response.mimetype))
    assert bool(parsed) is True


def test_accept_with_quality_values_picks_the_preferred_format(client):
    response = client.get("/sparql", query_string={"query": ROLES},
                          headers={"Accept": "application/sparql-results+json;q=0.5, text/csv"})
    assert response.mimetype == "text/csv"
    assert response.headers["Vary"] == "Accept"


CONSTRUCT = (
    f"CONSTRUCT {{ ?role a <{CKG}Role> ; ?p ?label }} WHERE {{ ?role a <{CKG}Role> ; ?p ?label "
    "FILTER(?p = <http://www.w3.org/2000/01/rdf-schema#label>) }"
)


@pytest.mark.parametrize("name", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_construct_in_every_rdf_format(client, seed_store, name):
    info = RDF_FORMATS[name]
    expected = set(seed_store.query(CONSTRUCT).triples)
    assert expected
    for response in (
        client.get("/sparql", query_string={"query": CONSTRUCT},
                   headers={"Accept": info.media_type}),
        client.get("/sparql", query_string={"query": CONSTRUCT, "format": name}),
    ):
        assert response.status_code == 200
        assert response.mimetype == info.media_type
        assert {q.triple for q in ox.parse(response.data, format=info.engine)} == expected


def test_construct_defaults_to_turtle_and_describe_works(client):
    role = f"{PREFIXES['role']}data-scientist"
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{role}>"})
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (rdflib.URIRef(role), rdflib.RDF.type, rdflib.URIRef(CKG + "Role")) in graph


def test_nothing_acceptable_is_406_and_unknown_format_is_400(client):
    refused = client.get("/sparql", query_string={"query": ROLES},
                         headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "application/sparql-results+json" in refused.get_data(as_text=True)
    unknown = client.get("/sparql", query_string={"query": ROLES, "format": "yaml"})
    assert unknown.status_code == 400 and "'yaml'" in unknown.get_data(as_text=True)
    unknown_output = client.get("/sparql", query_string={"query": ROLES, "output": "yaml"})
    assert unknown_output.status_code == 400 and "output='yaml'" in unknown_output.text


# -- negotiation edge cases (docs/server.md, "Formats") -----------------------------------

@pytest.mark.parametrize(("form", "expected"), [
    ("SELECT", "text/csv"), ("ASK", "text/csv"), ("CONSTRUCT", "text/turtle"),
])
def test_a_text_range_gets_a_text_type(client, form, expected):
    query = {"SELECT": ROLES, "ASK": "ASK {}", "CONSTRUCT": CONSTRUCT}[form]
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "text/*"})
    assert response.status_code == 200 and response.mimetype == expected
    plain = client.get("/sparql", query_string={"query": CONSTRUCT},
                       headers={"Accept": "text/plain"})
    assert plain.mimetype == "application/n-triples"  # N-Triples' text/plain alias


@pytest.mark.parametrize("parameter", ["format", "output", "results"])
def test_every_format_parameter_sparqlwrapper_sends_is_read(client, parameter):
    response = client.get("/sparql", query_string={"query": ROLES, parameter: "tsv"})
    assert response.mimetype == "text/tab-separated-values"
    graph = client.get("/sparql", query_string={"query": CONSTRUCT, parameter: "rdf+xml"})
    assert graph.mimetype == "application/rdf+xml"


def test_the_format_parameter_wins_over_accept(client):
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "n3"},
                          headers={"Accept": "application/n-triples"})
    assert response.mimetype == "text/turtle"
    # A format of the other kind is set aside: Accept decides, else the default.
    for accept, expected in (("application/ld+json", "application/ld+json"),
                             (None, "text/turtle")):
        headers = {"Accept": accept} if accept else {}
        graph_as_csv = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "csv"},
                                  headers=headers)
        assert graph_as_csv.status_code == 200 and graph_as_csv.mimetype == expected


def test_a_results_only_client_gets_the_default_rdf_type_for_a_graph(client, seed_store):
    response = client.get("/sparql", query_string={"query": CONSTRUCT},
                          headers={"Accept": "application/sparql-results+xml"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    parsed = {q.triple for q in ox.parse(response.data, format=ox.RdfFormat.TURTLE)}
    assert parsed == set(seed_store.query(CONSTRUCT).triples)
    # A type no answer has is still 406.
    refused = client.get("/sparql", query_string={"query": CONSTRUCT},
                         headers={"Accept": "image/png"})
    assert refused.status_code == 406


# -- service description -----------------------------------------------------------------

def test_get_without_query_is_the_service_description(client, app):
    response = client.get("/sparql")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    service = rdflib.URIRef(ENDPOINT)
    # W3C service-description tests: RDF, a matching sd:endpoint triple, the schema's shape.
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(o) for o in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    assert len(formats) == 8
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, rdflib.RDF.type, SD.Dataset) in graph
    assert (graph.value(dataset, SD.defaultGraph), rdflib.RDF.type, SD.Graph) in graph
    names = {str(graph.value(n, SD.name)) for n in graph.objects(dataset, SD.namedGraph)}
    sources = {s.graph for s in app.extensions["careerkg"].store.sources()}
    assert names == sources | {REGISTRY_GRAPH}  # every graph a query can see


def _count(client, pattern: str) -> int:
    answer = client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"}).json
    return int(answer["results"]["bindings"][0]["n"]["value"])


def test_the_service_description_counts_what_queries_see(client):
    graph = rdflib.Graph().parse(data=client.get("/sparql").data, format="turtle")
    void_triples = rdflib.URIRef("http://rdfs.org/ns/void#triples")
    dataset = graph.value(rdflib.URIRef(ENDPOINT), SD.defaultDataset)
    default = graph.value(dataset, SD.defaultGraph)
    assert int(graph.value(default, void_triples)) == _count(client, "?s ?p ?o")
    described = {str(graph.value(n, SD.name)): int(graph.value(graph.value(n, SD.graph),
                                                               void_triples))
                 for n in graph.objects(dataset, SD.namedGraph)}
    assert described[REGISTRY_GRAPH] > 0
    for name, size in described.items():
        assert size == _count(client, f"GRAPH <{name}> {{ ?s ?p ?o }}"), name


def test_service_description_is_negotiable(client):
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    triples = {q.triple for q in ox.parse(response.data, format=ox.RdfFormat.JSON_LD)}
    endpoint = ox.NamedNode(ENDPOINT)
    assert ox.Triple(endpoint, ox.NamedNode(str(SD.endpoint)), endpoint) in triples


# -- read-only ---------------------------------------------------------------------------

INSERT = f"INSERT DATA {{ <urn:x:a> a <{CKG}Role> }}"


@pytest.mark.parametrize("how", ["get-update", "form-update", "update-body", "update-as-query"])
def test_updates_are_refused_with_403(client, how):
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{CKG}Role> }}"
    before = _rows(client.get("/sparql", query_string={"query": count}))
    if how == "get-update":
        response = client.get("/sparql", query_string={"update": INSERT})
    elif how == "form-update":
        response = client.post("/sparql", data={"update": INSERT})
    elif how == "update-body":
        response = client.post("/sparql", data=INSERT.encode(),
                               content_type="application/sparql-update")
    else:
        response = client.post("/sparql", data={"query": INSERT})
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert _rows(client.get("/sparql", query_string={"query": count})) == before


# -- malformed queries -------------------------------------------------------------------

def _engine_position(text: str) -> tuple[int, int]:
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(text)
    line, column = re.search(r"(\d+):(\d+)", str(caught.value)).groups()
    return int(line), int(column)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE {\n  ?s ?p ?o\n  FILTER(\n}",
    "SELECT ?x WHERE { ?x a ckg:Role ;\n   ckg:requiresSkill ?s .\n} LIMIT many",
])
def test_malformed_query_is_400_with_the_parsers_line_and_column(client, text):
    line, column = _engine_position(
        text if "ckg:" not in text else f"PREFIX ckg: <{CKG}>\n{text}")
    if "ckg:" in text:
        line -= 1  # positions are reported in the text the visitor wrote
    response = client.get("/sparql", query_string={"query": text})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f"line {line}, column {column}" in body, body
    as_json = client.get("/sparql", query_string={"query": text},
                         headers={"Accept": "application/json"})
    error = as_json.get_json()["error"]
    assert (error["line"], error["column"]) == (line, column)
    assert error["status"] == 400 and error["reason"]


def test_empty_query_is_400(client):
    response = client.post("/sparql", data={"query": "  "})
    assert response.status_code == 400 and "empty" in response.get_data(as_text=True)


# -- protocol errors ---------------------------------------------------------------------

def test_protocol_errors(client):
    assert client.put("/sparql", query_string={"query": "ASK {}"}).status_code == 405
    assert client.post("/sparql", data=b"ASK {}", content_type="text/plain").status_code == 415
    no_type = client.post("/sparql", data=b"ASK {}")
    assert no_type.status_code == 400 and "Content-Type" in no_type.get_data(as_text=True)
    two = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert two.status_code == 400
    utf16 = client.post("/sparql", data="ASK {}".encode("utf-16"),
                        content_type="application/sparql-query; charset=UTF-16")
    assert utf16.status_code == 415 and "UTF-8" in utf16.get_data(as_text=True)
    bad_bytes = client.post("/sparql", data=b"ASK { \xff }",
                            content_type="application/sparql-query")
    assert bad_bytes.status_code == 400


def test_the_project_prefixes_need_no_declaration_and_relative_iris_resolve(client):
    ask = client.get("/sparql", query_string={"query": "ASK { role:data-scientist a ckg:Role }"})
    assert ask.get_json()["boolean"] is True
    relative = client.get("/sparql", query_string={"query": "SELECT (<s> AS ?x) {}"})
    assert _rows(relative) == [{"x": "http://localhost/s"}]


# -- the dataset ---------------------------------------------------------------------------

def test_default_and_named_graph_uris_choose_the_dataset(client, app):
    sources = {s.name: s.graph for s in app.extensions["careerkg"].store.sources()}
    count = f"SELECT (COUNT(?r) AS ?n) WHERE {{ ?r a <{CKG}Role> }}"
    in_seed = _rows(client.get("/sparql", query_string={
        "query": count, "default-graph-uri": sources["seed"]}))
    in_ontology = _rows(client.get("/sparql", query_string={
        "query": count, "default-graph-uri": sources["ontology"]}))
    assert int(in_seed[0]["n"]) >= 2 and int(in_ontology[0]["n"]) == 0
    named = _rows(client.post("/sparql", data={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "named-graph-uri": sources["ontology"]}))
    assert named == [{"g": sources["ontology"]}]


@pytest.fixture
def loopback_stub():
    """An HTTP server on loopback that records every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.end_headers()
            self.wfile.write(b"<urn:x:stolen> <urn:x:p> <urn:x:o> .\n")

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", hits
    server.shutdown()


def test_service_is_refused_and_nothing_is_sent(client, loopback_stub):
    url, hits = loopback_stub
    response = client.get("/sparql", query_string={
        "query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 400 and "SERVICE" in response.get_data(as_text=True)
    time.sleep(0.2)
    assert hits == []
    # The word inside a string is not a SERVICE call.
    assert client.get("/sparql", query_string={
        "query": 'SELECT ("SERVICE" AS ?x) {}'}).status_code == 200


def test_from_names_graphs_in_the_store_and_fetches_nothing(client, loopback_stub, tmp_path):
    url, hits = loopback_stub
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:x:secret> <urn:x:p> <urn:x:o> .\n")
    for source in (url, secret.as_uri()):
        for clause in ("FROM", "FROM NAMED"):
            query = (f"SELECT * {clause} <{source}> WHERE {{ {{ ?s ?p ?o }} UNION "
                     f"{{ GRAPH ?g {{ ?s ?p ?o }} }} }}")
            assert _rows(client.get("/sparql", query_string={"query": query})) == []
    time.sleep(0.2)
    assert hits == []


# -- limits ----------------------------------------------------------------------------------

def test_a_runaway_query_is_stopped_at_the_time_limit():
    app = create_app({"TESTING": True, "QUERY_TIMEOUT": 1, "MIN_WORKERS": 1})
    try:
        client = app.test_client()
        started = time.monotonic()
        response = client.get("/sparql", query_string={"query": RUNAWAY})
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "time limit of 1 s" in response.get_data(as_text=True)
        assert elapsed < 2.0
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    finally:
        close_app(app)


def test_answers_are_capped_and_say_so(seed_store):
    app = create_app({"TESTING": True, "MAX_ROWS": 5, "MIN_WORKERS": 1})
    try:
        client = app.test_client()
        everything = "SELECT * WHERE { ?s ?p ?o }"
        capped = client.get("/sparql", query_string={"query": everything})
        assert capped.headers["X-Careerkg-Truncated"] == "true"
        data = capped.get_json(force=True)
        assert len(data["results"]["bindings"]) == 5
        assert data["careerkg"] == {"truncated": True, "limit": 5}
        as_csv = client.get("/sparql", query_string={"query": everything, "format": "csv"})
        assert as_csv.headers["X-Careerkg-Truncated"] == "true"
        assert len(as_csv.data.decode().strip().splitlines()) == 1 + 5
        graph = client.get("/sparql", query_string={
            "query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"})
        assert graph.headers["X-Careerkg-Truncated"] == "true"
        assert len(list(ox.parse(graph.data, format=rdf_format("ntriples").engine))) == 5
        small = client.get("/sparql", query_string={"query": everything + " LIMIT 5"})
        assert "X-Careerkg-Truncated" not in small.headers
        assert "careerkg" not in small.get_json(force=True)
    finally:
        close_app(app)


# -- CORS ----------------------------------------------------------------------------------

def test_cors_for_get_post_and_preflight(client):
    got = client.get("/sparql", query_string={"query": "ASK {}"},
                     headers={"Origin": "https://tools.example"})
    assert got.headers["Access-Control-Allow-Origin"] == "*"
    posted = client.post("/sparql", data={"query": "ASK {}"},
                         headers={"Origin": "https://tools.example"})
    assert posted.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={
        "Origin": "https://tools.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_errors_are_json_for_json_clients(client):
    response = client.get("/sparql", query_string={"query": "ASK {"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400
    assert json.load(io.BytesIO(response.data))["error"]["line"] == 1


@pytest.mark.remote
def test_the_endpoint_over_a_remote_store(oxigraph_server, seed_store):
    oxigraph_server.clear()
    app = create_app({"TESTING": True, "CAREERKG_STORE": oxigraph_server.query_url,
                      "QUERY_TIMEOUT": 5})
    try:
        client = app.test_client()
        roles = _rows(client.get("/sparql", query_string={"query": ROLES}))
        assert roles == _expected_roles(seed_store)
        graph = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "ntriples"})
        triples = {q.triple for q in ox.parse(graph.data, format=ox.RdfFormat.N_TRIPLES)}
        assert triples == set(seed_store.query(CONSTRUCT).triples)
        assert client.get("/sparql", query_string={"query": INSERT}).status_code == 403
        assert client.get("/sparql", query_string={"query": "ASK {"}).status_code == 400
        assert client.get("/id/role/data-scientist").status_code == 200
    finally:
        close_app(app)

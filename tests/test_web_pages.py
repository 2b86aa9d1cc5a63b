"""The web pages through Flask's test client: home, canned queries and their twins, entity
pages with content negotiation, /resource, the ontology, the plain query form, /export.

Every expectation is computed from the seed graph itself (``seed_store``), so the tests
follow the data as it grows.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from careerkg.graph.errors import InputError
from careerkg.graph.factory import open_store
from careerkg.graph.library import load_library
from careerkg.graph.namespaces import CKG, ID
from careerkg.graph.stats import graph_counts
from careerkg.server import close_app, create_app
from careerkg.server.config import DEFAULTS, DOCUMENTATION

LIBRARY = load_library()
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


class Page(HTMLParser):
    """The parts of an HTML page the tests read: links, tables, elements by id, text."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tables: list[list[list[str]]] = []
        self.text_parts: list[str] = []
        self.forms: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self.data_counts: dict[str, str] = {}
        self._count: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "form":
            self.forms.append(attrs)
        if "data-count" in attrs:
            self._count = attrs["data-count"]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._count:
            self.data_counts[self._count] = data.strip()
            self._count = None

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def _page(response) -> Page:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


# -- home --------------------------------------------------------------------------------------

def test_home_page_counts_links_and_export_button(client, seed_store):
    page = _page(client.get("/"))
    counts = graph_counts(seed_store)
    assert {k: int(v.replace(",", "")) for k, v in page.data_counts.items()} == counts
    for target in ("/query", "/queries", "/overlap", "/compare", "/ontology", "/sparql",
                   "/export"):
        assert target in page.links, target
    assert {"method": "get", "action": "/export", "class": "export-form"} in page.forms
    assert "Export Turtle" in page.text
    roles = seed_store.query(f"SELECT ?r WHERE {{ ?r a <{CKG}Role> }}").to_python()
    for row in roles:
        assert "/id/" + row["r"][len(ID):] in page.links


def test_settings_are_all_documented():
    assert set(DEFAULTS) == set(DOCUMENTATION)
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "server.md").read_text()
    for key in DEFAULTS:
        assert f"`{key}`" in docs, f"docs/server.md does not document {key}"


def test_unknown_setting_is_refused():
    with pytest.raises(ValueError, match="QUERY_TIMEOT"):
        create_app({"QUERY_TIMEOT": 3, "STORE": open_store(None)})


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "404" in Page(response.get_data(as_text=True)).text


# -- canned queries -------------------------------------------------------------------------

def test_the_library_page_lists_every_canned_query(client):
    assert LIBRARY, "the canned query library (queries/*.rq) is empty"
    page = _page(client.get("/queries"))
    for name, canned in LIBRARY.items():
        assert f"/queries/{name}" in page.links
        assert f"/queries/{name}.json" in page.links and f"/queries/{name}.csv" in page.links
        assert canned.title in page.text
    listed = client.get("/queries.json").get_json()
    assert [q["name"] for q in listed] == list(LIBRARY)


def _expected(seed_store, name):
    return seed_store.query(LIBRARY[name].bind())


@pytest.mark.parametrize("name", list(LIBRARY))
def test_each_canned_query_page_and_its_twins(client, seed_store, name):
    expected = _expected(seed_store, name)
    page = _page(client.get(f"/queries/{name}"))
    assert LIBRARY[name].title in page.text
    as_json = client.get(f"/queries/{name}.json")
    as_csv = client.get(f"/queries/{name}.csv")
    assert as_json.status_code == 200 and as_csv.status_code == 200
    assert as_csv.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    if expected.kind == "bindings":
        results = page.tables[-1]
        assert results[0] == expected.variables
        assert len(results) - 1 == len(expected.rows)
        assert as_json.mimetype == "application/sparql-results+json"
        data = as_json.get_json()
        assert data["head"]["vars"] == expected.variables
        assert len(data["results"]["bindings"]) == len(expected.rows)
        assert table[0] == expected.variables and len(table) - 1 == len(expected.rows)
    elif expected.kind == "graph":
        assert as_json.mimetype == "application/ld+json"
        parsed = {q.triple for q in ox.parse(as_json.data, format=ox.RdfFormat.JSON_LD)}
        assert parsed == set(expected.triples)
        assert table[0] == ["subject", "predicate", "object"]
        assert len(table) - 1 == len(expected.triples)
    else:
        assert as_json.get_json()["boolean"] == expected.boolean


def test_canned_query_parameters_come_from_the_query_string(client, seed_store):
    with_params = [q for q in LIBRARY.values() if q.params]
    assert with_params, "no canned query takes parameters"
    canned = with_params[0]
    param = canned.params[0]
    roles = [r["r"] for r in seed_store.query(
        f"SELECT ?r WHERE {{ ?r a <{CKG}Role> }} ORDER BY ?r").to_python()]
    other = next((r for r in roles if r.rsplit("/", 1)[-1] not in param.default), roles[0])
    expected = seed_store.query(canned.bind({param.name: other}))
    response = client.get(f"/queries/{canned.name}.json", query_string={param.name: other})
    if expected.kind == "bindings":
        assert len(response.get_json()["results"]["bindings"]) == len(expected.rows)
    page = _page(client.get(f"/queries/{canned.name}", query_string={param.name: other}))
    assert other in page.text or other in " ".join(page.links) or not expected.rows


def test_canned_query_errors(client):
    missing = client.get("/queries/shared-skils")
    assert missing.status_code == 404 and "shared-skills" in missing.get_data(as_text=True)
    as_json = client.get("/queries/no-such-query.json")
    assert as_json.status_code == 404 and as_json.get_json()["error"]["status"] == 404
    with_params = next(q for q in LIBRARY.values() if q.params)
    bad = client.get(f"/queries/{with_params.name}",
                     query_string={with_params.params[0].name: "<not an iri>"})
    assert bad.status_code == 400


# -- entity pages ------------------------------------------------------------------------------

def _entities(seed_store) -> list[str]:
    return [row["s"] for row in seed_store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }} '
        "ORDER BY ?s").to_python()]


def _label(seed_store, iri: str) -> str | None:
    for predicate in (SKOS_PREF, RDFS_LABEL):
        rows = seed_store.query(
            f'SELECT ?l WHERE {{ <{iri}> <{predicate}> ?l FILTER(LANG(?l) = "" || '
            f'LANGMATCHES(LANG(?l), "en")) }} ORDER BY ?l LIMIT 1').to_python()
        if rows:
            return rows[0]["l"]
    return None


def test_every_careerkg_iri_dereferences_to_its_page(client, seed_store):
    entities = _entities(seed_store)
    assert len(entities) > 50
    for iri in entities:
        response = client.get("/id/" + iri[len(ID):])
        page = _page(response)
        label = _label(seed_store, iri)
        if label:
            assert label.split()[0] in page.text, iri
        assert iri in page.text


def test_an_entity_page_shows_labels_types_properties_and_incoming_links(client, seed_store):
    from careerkg.server.describe import VALUES_SHOWN

    # The entity with the most incoming links (all listed on one page) shows every part.
    iri = seed_store.query(
        f'SELECT ?o (COUNT(?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?o), "{ID}")) }} '
        f"GROUP BY ?o HAVING(COUNT(?s) <= {VALUES_SHOWN}) ORDER BY DESC(?n) ?o LIMIT 1"
    ).to_python()[0]["o"]
    page = _page(client.get("/id/" + iri[len(ID):]))
    outgoing = seed_store.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}").to_python()
    incoming = seed_store.query(f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }}").to_python()
    assert outgoing and incoming
    links = set(page.links)
    for row in outgoing:
        if isinstance(row["o"], str) and row["o"].startswith(ID):
            assert "/id/" + row["o"][len(ID):] in links
    for row in incoming:
        if row["s"].startswith(ID):
            assert "/id/" + row["s"][len(ID):] in links
    assert {"Labels", "Types", "Properties", "Incoming links"} <= set(page.text_parts)


@pytest.mark.parametrize("how", ["accept", "suffix"])
@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_entity_content_negotiation(client, seed_store, how, fmt):
    iri = _entities(seed_store)[0]
    media = {"turtle": "text/turtle", "jsonld": "application/ld+json"}[fmt]
    path = "/id/" + iri[len(ID):]
    if how == "accept":
        response = client.get(path, headers={"Accept": media})
    else:
        response = client.get(path + {"turtle": ".ttl", "jsonld": ".jsonld"}[fmt])
    assert response.status_code == 200 and response.mimetype == media
    triples = {q.triple for q in ox.parse(
        response.data, format=ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.JSON_LD)}
    node = ox.NamedNode(iri)
    expected_out = {ox.Triple(node, p, o) for p, o in seed_store.query(
        f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}").rows}
    expected_in = {ox.Triple(s, p, node) for s, p in seed_store.query(
        f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }}").rows}
    assert expected_out <= triples and expected_in <= triples


def test_browsers_get_html_and_unknown_iris_are_404(client, seed_store):
    iri = _entities(seed_store)[0]
    path = "/id/" + iri[len(ID):]
    browser = client.get(path, headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.mimetype == "text/html" and "Accept" in browser.headers["Vary"]
    assert client.get("/id/role/no-such-role").status_code == 404
    assert client.get("/id/role/no-such-role.ttl").status_code == 404


def test_role_pages_link_to_compare_and_overlap(client, seed_store):
    role = seed_store.query(f"SELECT ?r WHERE {{ ?r a <{CKG}Role> }} LIMIT 1").to_python()[0]["r"]
    page = _page(client.get("/id/" + role[len(ID):]))
    targets = {(urlsplit(link).path, key, value)
               for link in page.links for key, values in parse_qs(urlsplit(link).query).items()
               for value in values}
    assert ("/compare", "a", role) in targets
    assert ("/overlap", "role", role) in targets


def test_any_other_iri_has_its_page_at_resource(client, seed_store):
    outside = seed_store.query(
        'SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isIRI(?o) && '
        '!STRSTARTS(STR(?o), "https://w3id.org/careerkg/")) } ORDER BY ?o LIMIT 1'
    ).to_python()[0]["o"]
    page = _page(client.get("/resource", query_string={"iri": outside}))
    assert outside in page.text
    turtle = client.get("/resource", query_string={"iri": outside},
                        headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=turtle.data, format="turtle")
    assert any(o == rdflib.URIRef(outside) for o in graph.objects())
    as_jsonld = client.get("/resource", query_string={"iri": outside, "format": "jsonld"})
    assert as_jsonld.mimetype == "application/ld+json"
    assert client.get("/resource", query_string={"iri": "urn:x:nothing"}).status_code == 404
    assert client.get("/resource").status_code == 400
    assert client.get("/resource", query_string={"iri": "a b"}).status_code == 400


def test_resource_forwards_careerkg_iris_to_their_address(client, seed_store):
    iri = _entities(seed_store)[0]
    response = client.get("/resource", query_string={"iri": iri, "format": "ttl"})
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.path == "/id/" + iri[len(ID):]
    assert parse_qs(target.query) == {"format": ["ttl"]}
    term = client.get("/resource", query_string={"iri": CKG + "Role"})
    assert term.status_code == 303 and term.headers["Location"].endswith("/ontology#Role")


def test_the_ontology_page_and_document(client, seed_store):
    classes = [r["c"] for r in seed_store.query(
        f'SELECT ?c WHERE {{ ?c a <http://www.w3.org/2002/07/owl#Class> '
        f'FILTER(STRSTARTS(STR(?c), "{CKG}")) }}').to_python()]
    assert classes
    page = _page(client.get("/ontology"))
    for iri in classes:
        assert iri[len(CKG):] in page.ids
    source = next(s for s in seed_store.sources() if s.name == "ontology")
    expected = rdflib.Graph()
    for t in seed_store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{source.graph}> {{ ?s ?p ?o }} }}",
            default_graphs=[]).triples:
        expected.parse(data=f"{t} .", format="nt")
    for response in (client.get("/ontology.ttl"),
                     client.get("/ontology", headers={"Accept": "text/turtle"})):
        assert response.mimetype == "text/turtle"
        graph = rdflib.Graph().parse(data=response.data, format="turtle")
        assert rdflib.compare.isomorphic(graph, expected)
    assert client.get("/ontology.jsonld").mimetype == "application/ld+json"


# -- the plain query form ------------------------------------------------------------------------

def test_the_query_page_preloads_prefixes_and_the_library(client):
    response = client.get("/query")
    page = _page(response)
    settings = json.loads(
        response.get_data(as_text=True).split('id="careerkg-settings">', 1)[1]
        .split("</script>", 1)[0])
    assert settings["endpoint"] == "http://localhost/sparql"
    assert "PREFIX ckg: <" + CKG + ">" in settings["query"]
    assert [item["name"] for item in settings["library"]] == list(LIBRARY)
    for canned in LIBRARY.values():
        assert canned.title in page.text and canned.description.split()[0] in page.text
    assert "query-text" in page.ids


def test_the_plain_form_runs_the_query_and_renders_a_table(client, seed_store):
    query = f"SELECT ?role WHERE {{ ?role a <{CKG}Role> }} ORDER BY ?role"
    page = _page(client.get("/query", query_string={"query": query, "run": "1"}))
    expected = seed_store.query(query).to_python()
    table = page.tables[-1]
    assert table[0] == ["role"] and len(table) == 1 + len(expected)
    for row in expected:
        assert "/id/" + row["role"][len(ID):] in page.links
    assert any(link.startswith("/sparql?") and "format=csv" in link for link in page.links)


def test_the_plain_form_reports_errors_where_they_are(client):
    text = "SELECT * WHERE {\n ?s ?p\n}"
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(text)
    line, column = str(caught.value).split("error at ", 1)[1].split(":")[:2]
    bad = client.get("/query", query_string={"query": text, "run": "1"})
    assert bad.status_code == 400
    assert f"line {line}, column {column}" in Page(bad.get_data(as_text=True)).text
    update = client.get("/query", query_string={"query": "CLEAR ALL", "run": "1"})
    assert update.status_code == 403 and "read-only" in update.get_data(as_text=True)
    prefilled = _page(client.get("/query", query_string={"query": "ASK {}"}))
    assert "ASK {}" in prefilled.text and not prefilled.tables


def test_a_capped_answer_shows_a_notice():
    app = create_app({"TESTING": True, "MAX_ROWS": 3, "MIN_WORKERS": 1})
    try:
        client = app.test_client()
        page = _page(client.get("/query", query_string={
            "query": "SELECT * WHERE { ?s ?p ?o }", "run": "1"}))
        assert len(page.tables[-1]) == 1 + 3
        assert "Only the first 3 rows are shown" in page.text
    finally:
        close_app(app)


# -- graph data is text, never markup ------------------------------------------------------------

HOSTILE = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/careerkg/id/role/hostile> a <https://w3id.org/careerkg/ontology#Role> ;
    rdfs:label "<script>alert(1)</script>" ;
    rdfs:comment "\\" onmouseover=\\"alert(2)" ;
    rdfs:seeAlso <javascript:alert(3)> .
"""


def test_hostile_literals_and_iris_render_inert(tmp_path):
    data = tmp_path / "hostile.ttl"
    data.write_text(HOSTILE)
    app = create_app({"TESTING": True, "CAREERKG_DATA": [str(data)], "MIN_WORKERS": 1})
    try:
        client = app.test_client()
        for response in (
            client.get("/id/role/hostile"),
            client.get("/query", query_string={"run": "1", "query":
                       "SELECT ?l ?o WHERE { role:hostile ?p ?l . role:hostile rdfs:seeAlso ?o }"}),
        ):
            html = response.get_data(as_text=True)
            assert response.status_code == 200
            assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
            assert 'href="javascript:' not in html and "onmouseover=\"alert" not in html
    finally:
        close_app(app)


def test_a_bad_data_file_is_reported_with_file_and_line(tmp_path):
    data = tmp_path / "broken.ttl"
    data.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n<urn:x:a> <urn:x:b> .\n")
    with pytest.raises(InputError) as caught:
        create_app({"TESTING": True, "CAREERKG_DATA": [str(data)], "MIN_WORKERS": 1})
    assert caught.value.file and caught.value.file.endswith("broken.ttl")
    assert caught.value.line == 2


# -- export ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_export_is_identical_to_the_cli(client, cli, fmt):
    response = client.get("/export", query_string={} if fmt == "turtle" else {"format": fmt})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    result = cli("export", "--format", fmt)
    assert result.exit_code == 0
    assert response.data == result.stdout_bytes


def test_shared_headers_csp_and_cors(client):
    page = client.get("/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Access-Control-Allow-Origin" not in page.headers
    assert client.get("/export").headers["Access-Control-Allow-Origin"] == "*"


def test_long_lists_are_cut_on_pages_with_a_query_for_the_rest(tmp_path):
    from careerkg.server.describe import VALUES_SHOWN

    extra = VALUES_SHOWN + 7
    data = tmp_path / "many.ttl"
    data.write_text("".join(
        f"<https://w3id.org/careerkg/id/skill/generated-{i:03d}> "
        f"<http://www.w3.org/2004/02/skos/core#related> "
        f"<https://w3id.org/careerkg/id/role/data-scientist> .\n"
        for i in range(extra)))
    app = create_app({"TESTING": True, "CAREERKG_DATA": [str(data)], "MIN_WORKERS": 1})
    try:
        client = app.test_client()
        page = _page(client.get("/id/role/data-scientist"))
        generated = [link for link in page.links if "/id/skill/generated-" in link]
        assert len(generated) == VALUES_SHOWN
        assert "and 7 more" in page.text
        more = next(link for link in page.links if link.startswith("/query?"))
        query = parse_qs(urlsplit(more).query)["query"][0]
        table = _page(client.get("/query", query_string={"query": query, "run": "1"})).tables[-1]
        assert len(table) - 1 == extra
    finally:
        close_app(app)

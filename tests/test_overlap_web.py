"""The overlap views on the web (issue 4): the JSON API through Flask's test client, the
pages, and a real headless Chromium drawing /overlap and /compare."""

from __future__ import annotations

import io
import json
import re
import threading
from html.parser import HTMLParser
from urllib.parse import urlsplit

import networkx as nx
import pytest
from werkzeug.serving import make_server

from careerkg.graph import overlap as ov
from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.namespaces import ID
from careerkg.graph.store import Payload
from careerkg.server import create_app

MLE = ID + "role/machine-learning-engineer"
DS = ID + "role/data-scientist"
PYTHON = ID + "tool/python"
HOSTILE_ROLE = '<script>alert("role")</script>'
HOSTILE_TOOL = '"onmouseover=alert(1) x="'
HOSTILE_TURTLE = f"""
@prefix ckg: <https://w3id.org/careerkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{ID}role/evil> a ckg:Role ; rdfs:label {json.dumps(HOSTILE_ROLE)} ;
    ckg:requiresSkill <{ID}skill/programming> ;
    ckg:usesTool <{PYTHON}>, <javascript:alert(1)>, <{ID}tool/evil> .
<javascript:alert(1)> a ckg:Tool ; rdfs:label "javascript link" .
<{ID}tool/evil> a ckg:Tool ; rdfs:label {json.dumps(HOSTILE_TOOL)} .
"""


@pytest.fixture(scope="module")
def store():
    kg = open_store(None)
    kg.replace_source("extra", Payload(data=f"""
        @prefix ckg: <https://w3id.org/careerkg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{ID}role/quant> a ckg:Role ; rdfs:label "Quant" ; skos:altLabel "Analyst" .
        <{ID}role/bi> a ckg:Role ; rdfs:label "BI analyst" ; skos:altLabel "Analyst" ;
            skos:notation "15-2051.01" ; ckg:usesTool <{PYTHON}>, <{ID}tool/sql> .
    """.encode(), format=rdf_format("turtle")))
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def client(store):
    return create_app({"STORE": store, "TESTING": True}).test_client()


class Links(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if "id" in attrs:
            self.ids.add(attrs["id"])


# -- the JSON API --------------------------------------------------------------------------

def test_api_overlap_is_the_json_of_the_cli(seed_store, client, cli):
    seed_client = create_app({"STORE": seed_store, "TESTING": True}).test_client()
    answer = seed_client.get("/api/overlap", query_string={"a": "mle", "b": "data scientist"})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    from_cli = json.loads(cli("overlap", "mle", "data scientist", "--format", "json").stdout)
    assert answer.json == from_cli
    assert (answer.json["a"]["iri"], answer.json["a"]["label"]) == (
        MLE, "Machine learning engineer")
    assert {i["label"] for i in answer.json["shared"]} == {"Python", "R", "Programming"}
    tools = seed_client.get("/api/overlap?a=mle&b=ds&by=tools").json
    assert tools["jaccard"] == pytest.approx(2 / 14)


def test_api_similar(client):
    answer = client.get("/api/similar", query_string={"role": "15-2051.01", "k": 2}).json
    assert answer["role"]["iri"] == ID + "role/bi" and answer["role"]["codes"] == ["15-2051.01"]
    # BI analyst: Python, SQL.  Data scientist has both (overlap 1), ML engineer Python only.
    assert [s["iri"] for s in answer["similar"]] == [DS, MLE]
    assert answer["similar"][0]["overlap_coefficient"] == 1.0
    assert len(client.get("/api/similar?role=ds&k=1").json["similar"]) == 1


@pytest.mark.parametrize("url, status, words", [
    ("/api/overlap?a=astronaut&b=ds", 404, "no role named 'astronaut'"),
    ("/api/overlap?a=analyst&b=ds", 400, "'analyst' names 2 roles"),
    ("/api/overlap?a=ds", 400, "'b' is missing"),
    ("/api/overlap?a=ds&b=mle&by=industries", 400, "by='industries'"),
    ("/api/similar?role=ds&k=0", 400, "out of range"),
    ("/api/similar?role=ds&k=many", 400, "not a whole number"),
    ("/api/similar?role=ds&metric=cosine", 400, "metric='cosine'"),
    ("/api/overlap-graph?format=dot", 400, "format='dot'"),
])
def test_api_errors_say_what_is_wrong(client, url, status, words):
    answer = client.get(url)
    assert answer.status_code == status and answer.mimetype == "application/json"
    assert words in answer.json["error"]["message"]


def test_api_role_errors_list_candidates(client):
    unknown = client.get("/api/similar?role=data%20scientst").json["error"]
    assert unknown["candidates"][0] == {"iri": DS, "label": "Data scientist",
                                        "href": "/id/role/data-scientist"}
    ambiguous = client.get("/api/similar?role=Analyst").json["error"]
    assert {c["iri"] for c in ambiguous["candidates"]} == {ID + "role/bi", ID + "role/quant"}


def test_api_overlap_graph_formats(client):
    answer = client.get("/api/overlap-graph")
    assert answer.status_code == 200 and "Content-Disposition" not in answer.headers
    G = nx.node_link_graph(answer.json)
    assert G.nodes[PYTHON]["href"] == "/id/tool/python"
    assert G.nodes[PYTHON]["status"] == "shared" and G.nodes[PYTHON]["shared_by"] == 3
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        download = client.get(f"/api/overlap-graph?format={fmt}")
        assert download.mimetype == ov.EXPORT_FORMATS[fmt][0]
        assert download.headers["Content-Disposition"] == (
            f'attachment; filename="careerkg-overlap.{fmt}"')
        H = reader(io.BytesIO(download.data))
        assert set(H.nodes) == set(G.nodes) and "href" not in H.nodes[PYTHON]
    ego = nx.node_link_graph(client.get("/api/overlap-graph?role=bi&k=1&industries=1").json)
    assert {n for n, d in ego.nodes(data=True) if d["layer"] == "role"} == {ID + "role/bi", DS}
    assert any(d["layer"] == "industry" for _, d in ego.nodes(data=True))
    assert "attachment" in client.get("/api/overlap-graph?download=1").headers[
        "Content-Disposition"]


# -- the pages through the test client -----------------------------------------------------

def test_compare_page(client):
    answer = client.get("/compare?a=ds&b=mle")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    page = Links(html)
    assert {"column-shared", "column-only_a", "column-only_b", "gap", "gap-reverse",
            "salary-chart"} <= page.ids
    assert 'data-score="jaccard">0.071<' in html
    assert "What Data scientist must learn to become Machine learning engineer" in html
    # the qualifiers are visible: "more than $150,000" is over, "around $89,000" is about
    assert "over $150,000" in html and "about $89,000" in html and "up to $115,000" in html
    assert "10–20% lower than Tech hubs" in html
    assert len(re.findall(r'<g class="bar side-[ab] q-', html)) >= 20
    assert "/id/tool/python" in page.hrefs
    assert "/api/overlap?a=" in html


def test_compare_page_pickers_suggestions_and_errors(client):
    empty = client.get("/compare")
    assert empty.status_code == 200 and 'list="role-names"' in empty.get_data(as_text=True)
    assert '<option value="Data scientist">' in empty.get_data(as_text=True)
    one = client.get("/compare?a=ds").get_data(as_text=True)
    assert "Roles most like" in one and "compare with Machine learning engineer" in one
    wrong = client.get("/compare?a=data%20scientst&b=mle")
    assert wrong.status_code == 404
    text = wrong.get_data(as_text=True)
    assert "no role named &#39;data scientst&#39;" in text
    link = next(h for h in Links(text).hrefs if "a=https" in h)
    assert client.get(link).status_code == 200


def test_overlap_page(client):
    answer = client.get("/overlap")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    settings = json.loads(re.search(
        r'<script type="application/json" id="overlap-settings">(.*?)</script>', html, re.S
    ).group(1))
    assert settings["graph"].startswith("/api/overlap-graph?format=json")
    assert client.get(settings["graph"]).status_code == 200
    assert "vendor/cytoscape.min.js" in html and "overlap.js" in html
    assert "<td><a href=\"/id/tool/python\">Python</a></td>" in html
    centred = client.get("/overlap?role=mle").get_data(as_text=True)
    assert "Skill overlap: Machine learning engineer" in centred
    assert client.get("/overlap?role=nobody").status_code == 404


def test_role_pages_link_to_their_views(client):
    hrefs = Links(client.get("/id/role/data-scientist").get_data(as_text=True)).hrefs
    views = [h for h in hrefs
             if urlsplit(h).path in ("/compare", "/overlap") and urlsplit(h).query]
    assert len(views) == 2
    for href in views:
        answer = client.get(href)
        assert answer.status_code == 200, href
        assert "Data scientist" in answer.get_data(as_text=True)


# -- a real browser ------------------------------------------------------------------------

def _overlap_ready(page, url):
    page.goto(url)
    page.wait_for_selector("#overlap-graph[data-ready='true']")
    return page.evaluate("window.careerkgOverlap.cy.nodes().length")


def _click_node(page, iri):
    """Centre the node, then click the canvas where it is drawn (a real mouse click)."""
    box = page.evaluate(
        """(id) => { const cy = window.careerkgOverlap.cy; const node = cy.getElementById(id);
                     cy.zoom(3); cy.center(node); const p = node.renderedPosition();
                     const r = cy.container().getBoundingClientRect();
                     return {x: r.left + p.x, y: r.top + p.y}; }""", iri)
    page.mouse.click(box["x"], box["y"])


@pytest.mark.browser
def test_overlap_draws_the_network_and_a_click_opens_the_entity(page, page_log, live_server):
    expected = len(nx.node_link_graph(
        json.loads(_get(live_server.url + "/api/overlap-graph"))).nodes)
    assert _overlap_ready(page, live_server.url + "/overlap") == expected
    shared = page.evaluate("window.careerkgOverlap.cy.nodes('[status = \"shared\"]')"
                           ".map(n => n.data('label')).sort()")
    assert shared == ["Programming", "Python", "R"]
    # the kind filter hides the skills
    page.uncheck("#kind-filters input[value='skill']")
    visible = page.evaluate("window.careerkgOverlap.cy.nodes(':visible')"
                            ".map(n => n.data('kind'))")
    assert "skill" not in visible and "role" in visible
    page.check("#kind-filters input[value='skill']")
    page.fill("#node-search", "tensor")
    assert page.text_content("#search-count") == "1 found"
    page.fill("#node-search", "")
    with page.expect_navigation():
        _click_node(page, PYTHON)
    assert urlsplit(page.url).path == "/id/tool/python"
    assert page.text_content("h1") == "Python"
    assert page_log.errors == [] and page_log.outside_requests == []


@pytest.mark.browser
def test_compare_shows_the_salary_chart(page, page_log, live_server):
    page.goto(live_server.url + "/compare?a=mle&b=ds")
    chart = page.locator("#salary-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 400 and box["height"] > 300
    bars = page.locator("#salary-chart g.bar")
    assert bars.count() >= 20
    senior = page.locator("#salary-chart g.bar.q-at-least text", has_text="over $150,000")
    assert senior.count() == 1 and senior.is_visible()
    assert page.locator("#salary-chart g.bar.q-approximate text",
                        has_text="about $89,000").is_visible()
    band = page.locator("#salary-chart rect.band").first
    assert band.bounding_box()["width"] > 5  # a relative range drawn as a band
    page.click("#swap-roles")
    page.wait_for_url("**/compare?a=*")
    assert page.text_content(".scores h2").split()[:2] == ["Data", "scientist"]
    assert page_log.errors == [] and page_log.outside_requests == []


@pytest.mark.browser
def test_hostile_labels_render_inert(page, page_log, start_live_server, tmp_path):
    data = tmp_path / "hostile.ttl"
    data.write_text(HOSTILE_TURTLE, encoding="utf-8")
    server = start_live_server("--data", str(data))
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url + "/compare?a=" + ID + "role/evil&b=ds")
    assert page.text_content(".scores h2 a.role-a-name") == HOSTILE_ROLE
    assert page.get_by_text(HOSTILE_TOOL, exact=True).count() >= 1
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    _overlap_ready(page, server.url + "/overlap?role=" + ID + "role/evil")
    labels = page.evaluate("window.careerkgOverlap.cy.nodes().map(n => n.data('label'))")
    assert HOSTILE_ROLE in labels and HOSTILE_TOOL in labels
    with page.expect_navigation():
        _click_node(page, "javascript:alert(1)")
    assert urlsplit(page.url).path == "/resource"  # a page about the IRI, never a script
    # the role network: the label drawn as text on the canvas and in the table
    page.goto(server.url + "/overlap?view=network&family=all")
    page.wait_for_selector("#overlap-graph[data-ready='true']")
    labels = page.evaluate("window.careerkgOverlap.cy.nodes().map(n => n.data('label'))")
    assert HOSTILE_ROLE in labels
    assert page.locator("table.nearest-table a", has_text=HOSTILE_ROLE).count() >= 1
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    with page.expect_navigation():
        _click_node(page, ID + "role/evil")
    assert urlsplit(page.url).path == "/id/role/evil"
    assert dialogs == [] and page_log.errors == []


@pytest.fixture(scope="module")
def csp_server():
    """The real app with a strict Content-Security-Policy, served from a thread."""
    kg = open_store(None)
    app = create_app({"STORE": kg, "CONTENT_SECURITY_POLICY": "default-src 'self'"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    kg.close()


@pytest.mark.browser
def test_the_views_work_under_a_strict_content_security_policy(page, page_log, csp_server):
    assert _overlap_ready(page, csp_server + "/overlap") > 40
    page.goto(csp_server + "/compare?a=mle&b=ds")
    assert page.locator("#salary-chart g.bar").count() >= 20
    assert page.locator("#swap-roles").is_visible()
    assert page_log.errors == []


def _get(url: str) -> bytes:
    import requests

    return requests.get(url, timeout=10).content

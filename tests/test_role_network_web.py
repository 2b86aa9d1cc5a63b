"""The role network on the web (issue 13, item 6) with the O*NET text files of data/onet
imported: /api/role-network and /overlap through the real Flask app, then a real headless
Chromium drawing every role (family=all) and staying responsive, and a click on a role."""

from __future__ import annotations

import csv
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from conftest import ONET_DIR

from careerkg.graph import overlap as ov
from careerkg.graph.factory import open_store
from careerkg.graph.importers import import_source
from careerkg.graph.namespaces import ID
from careerkg.server import create_app

DS_CODE = "15-2051.00"


@pytest.fixture(scope="module")
def occupations() -> dict[str, str]:
    """O*NET-SOC code → title, read from the file itself."""
    with open(ONET_DIR / "Occupation Data.txt", encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {r["O*NET-SOC Code"]: r["Title"] for r in rows}


@pytest.fixture(scope="module")
def seed_roles(seed_store) -> set[str]:
    rows = seed_store.query("SELECT ?r WHERE { ?r a <https://w3id.org/careerkg/ontology#Role> }")
    return {row["r"] for row in rows.to_python()}


@pytest.fixture(scope="module")
def onet_client():
    kg = open_store(None)
    import_source("onet", kg, ONET_DIR)
    yield create_app({"STORE": kg, "TESTING": True}).test_client()
    kg.close()


def codes_of(answer) -> dict[str, str]:
    return {c: n["id"] for n in answer["nodes"] for c in n["codes"]}


def test_the_default_family_is_the_data_careers(onet_client, occupations, seed_roles):
    answer = onet_client.get("/api/role-network").json
    family = {c for c in occupations if c.startswith(("15-2", "15-12"))}
    assert family <= set(codes_of(answer)) and len(family) > 20
    ids = {n["id"] for n in answer["nodes"]}
    assert seed_roles <= ids  # the seed's own roles
    others = [n for n in answer["nodes"] if n["codes"] and not any(
        c.startswith(("15-2", "15-12")) for c in n["codes"])]
    assert all(n["id"] in seed_roles or n["codes"][0] in occupations for n in others)
    assert len(answer["nodes"]) <= len(family) + len(seed_roles) + len(others)
    assert "Butchers and Meat Cutters" not in {n["label"] for n in answer["nodes"]}
    # every edge joins two roles of the network (their positions in "nodes"), weighted in
    # (0, 1]
    count = len(answer["nodes"])
    assert answer["edges"] and all(
        isinstance(e["source"], int) and isinstance(e["target"], int)
        and 0 <= e["source"] < count and 0 <= e["target"] < count
        and e["source"] != e["target"] and 0 < e["weight"] <= 1
        for e in answer["edges"])
    assert len({(e["source"], e["target"]) for e in answer["edges"]}) == len(answer["edges"])


def test_family_all_has_every_role_and_few_edges(onet_client, occupations, seed_roles):
    answer = onet_client.get("/api/role-network?family=all&edges=3").json
    assert len(answer["nodes"]) == len(occupations) + len(seed_roles) > 1000
    assert set(codes_of(answer)) >= set(occupations)
    assert len(answer["edges"]) <= 3 * len(answer["nodes"])
    assert answer["graph"]["communities"] >= 5
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in answer["nodes"])
    assert sum(n["hub"] for n in answer["nodes"]) >= answer["graph"]["communities"]


def test_a_soc_group_and_a_threshold(onet_client, occupations):
    answer = onet_client.get("/api/role-network?family=29&threshold=0.2").json
    assert set(codes_of(answer)) == {c for c in occupations if c.startswith("29")}
    assert all(e["weight"] >= 0.2 for e in answer["edges"])
    looser = onet_client.get("/api/role-network?family=29").json
    assert len(looser["edges"]) > len(answer["edges"])


def test_the_neighbourhood_of_a_role(onet_client):
    answer = onet_client.get(f"/api/role-network?role={DS_CODE}&k=5").json
    centre = [n for n in answer["nodes"] if n["center"]]
    assert [c["codes"] for c in centre] == [[DS_CODE]] and centre[0]["hub"]
    assert 6 <= len(answer["nodes"]) <= 1 + 5 + 25
    similar = onet_client.get(f"/api/similar?role={DS_CODE}&k=5").json["similar"]
    # within the family (data careers) the centre's nearest roles are in its neighbourhood
    ids = {n["id"] for n in answer["nodes"]}
    data = {n["id"] for n in onet_client.get("/api/role-network").json["nodes"]}
    assert {s["iri"] for s in similar if s["iri"] in data} <= ids


@pytest.mark.parametrize("query, words", [
    ("family=bogus", "family='bogus'"), ("threshold=2", "out of range"),
    ("threshold=abc", "not a number"), ("threshold=nan", "out of range"),
    ("edges=0", "out of range"), ("edges=99", "out of range"),
])
def test_bad_parameters_say_what_is_wrong(onet_client, query, words):
    answer = onet_client.get("/api/role-network?" + query)
    assert answer.status_code == 400 and words in answer.json["error"]["message"]
    page = onet_client.get("/overlap?view=network&" + query)
    assert page.status_code == 400
    assert onet_client.get("/overlap?view=grid").status_code == 400


def settings_of(html: str) -> dict:
    return json.loads(re.search(
        r'<script type="application/json" id="overlap-settings">(.*?)</script>', html, re.S
    ).group(1))


def test_the_page_picks_the_network_on_a_big_graph(onet_client):
    html = onet_client.get("/overlap").get_data(as_text=True)
    assert settings_of(html)["mode"] == "network" and 'id="nearest-roles"' in html
    assert "Data Scientists" in html and 'id="family-filter"' in html
    assert "15 Computer and Mathematical" in html
    old = onet_client.get("/overlap?roles=300&top=1000").get_data(as_text=True)
    assert settings_of(old)["mode"] == "network"  # the old query no longer freezes a tab
    bipartite = onet_client.get("/overlap?view=bipartite&roles=300&top=1000")
    text = bipartite.get_data(as_text=True)
    graph = parse_qs(urlsplit(settings_of(text)["graph"]).query)
    assert graph["roles"] == ["60"] and graph["top"] == ["300"] and 'id="clipped"' in text
    centred = onet_client.get(f"/overlap?role={DS_CODE}").get_data(as_text=True)
    assert "Role network: Data Scientists" in centred
    assert "/api/role-network?role=" in settings_of(centred)["graph"]


def test_the_table_lists_each_roles_nearest_roles(onet_client):
    html = onet_client.get("/overlap?family=15-2").get_data(as_text=True)
    network = onet_client.get("/api/role-network?family=15-2").json
    rows = re.findall(r'<tr data-iri="([^"]+)">(.*?)</tr>', html, re.S)
    assert {iri for iri, _ in rows} == {n["id"] for n in network["nodes"]}
    best = max(network["edges"], key=lambda e: e["weight"])
    row = dict(rows)[network["nodes"][best["source"]]["id"]]
    assert f'{best["weight"]:.2f}' in row


# -- a real browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def onet_server(tmp_path_factory):
    from conftest import LiveServer

    path = tmp_path_factory.mktemp("network") / "store"
    kg = open_store(str(path))
    import_source("onet", kg, ONET_DIR)
    kg.close()
    server = LiveServer("--store", str(path), "--timeout", "30", startup_timeout=60)
    yield server
    server.close()


#: How long a frame waits after the draw: a requestAnimationFrame ping, in ms.
PING = """() => new Promise(done => { const t = performance.now();
  requestAnimationFrame(() => done(performance.now() - t)); })"""


@pytest.mark.browser
def test_every_role_draws_and_stays_responsive(page, page_log, onet_server):
    expected = requests.get(onet_server.url + "/api/role-network?family=all", timeout=60).json()
    page.set_default_timeout(60000)  # a hang guard only; the budget is the benchmark's
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(onet_server.url + "/overlap?family=all")
    page.wait_for_selector("#overlap-graph[data-ready='true']")
    # the JSON is asked for once: the page's preload, which the script's fetch takes
    assert len([url for url in asked if "/api/role-network" in url]) == 1
    cy = "window.careerkgOverlap.cy"
    assert page.evaluate(f"{cy}.nodes().length") == len(expected["nodes"]) > 1000
    ids = [n["id"] for n in expected["nodes"]]
    # the links are lines on a canvas under Cytoscape's, as large as the drawing, with
    # every edge of the JSON; the tooltip's count of links is the role's edges in the JSON
    layer = "window.careerkgOverlap.links"
    assert page.evaluate(f"{layer}.count") == len(expected["edges"])
    box = page.locator("#overlap-graph").bounding_box()
    size = page.evaluate(f"[{layer}.canvas.clientWidth, {layer}.canvas.clientHeight]")
    assert abs(size[0] - (box["width"] - 2)) <= 1 and abs(size[1] - (box["height"] - 2)) <= 1
    # how many pixels the lines cover, and their mean opacity (0-255)
    ink = f"""() => {{ const c = {layer}.canvas;
        const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let inked = 0, sum = 0;
        for (let i = 3; i < pixels.length; i += 4) {{
          if (pixels[i] > 0) {{ inked++; sum += pixels[i]; }} }}
        return [inked, inked ? sum / inked : 0]; }}"""
    inked, alpha = page.evaluate(ink)
    assert inked > 10000 and alpha > 20
    degree = {i: 0 for i in range(len(ids))}
    for e in expected["edges"]:
        degree[e["source"]] += 1
        degree[e["target"]] += 1
    counted = page.evaluate(f"{cy}.nodes().map(n => [n.id(), n.data('links')])")
    assert dict(counted) == {ids[i]: n for i, n in degree.items()}
    # the table under the drawing (read after the script ran) has its community colours
    swatch = page.locator(".nearest-table .swatch").first
    assert swatch.evaluate("el => getComputedStyle(el).backgroundColor") not in (
        "rgba(0, 0, 0, 0)", "transparent")
    hubs = page.evaluate(f"{cy}.nodes('[hub = 1]').map(n => n.data('label'))")
    assert len(hubs) >= expected["graph"]["communities"] and all(hubs)
    assert page.evaluate(PING) < 1000
    timing = page.evaluate("window.careerkgOverlap.timing")
    assert timing["drawn"] >= timing["started"]
    # the whole network is in view; labels of roles other than hubs come once zoomed in far
    # enough to read them, for the roles on the screen
    other = next(n for n in expected["nodes"] if not n["hub"])
    label_of = f"(id) => {cy}.getElementById(id).style('label')"
    assert page.evaluate(f"""() => {{ const box = {cy}.extent();
        return {cy}.nodes().filter(n => {{ const p = n.position();
          return p.x < box.x1 || p.x > box.x2 || p.y < box.y1 || p.y > box.y2; }}).length; }}"""
                         ) == 0
    assert page.evaluate(label_of, other["id"]) == ""
    page.evaluate(f"(id) => {{ {cy}.zoom(1.5); {cy}.center({cy}.getElementById(id)); }}",
                  other["id"])
    page.wait_for_function(f"(id) => {cy}.getElementById(id).hasClass('labelled')",
                           arg=other["id"])
    assert page.evaluate(label_of, other["id"]) == other["label"]
    assert page.evaluate(f"{cy}.nodes('.labelled').length") < len(ids) / 2
    # the search finds a role, and the links fade with the other roles; a click on it opens
    # its page
    page.fill("#node-search", "data scientists")
    assert page.text_content("#search-count") == "1 found"
    frame = "() => new Promise(done => requestAnimationFrame(() => done()))"
    page.evaluate(frame)
    faded = page.evaluate(ink)
    page.fill("#node-search", "")  # the same view, nothing faded
    page.evaluate(frame)
    shown = page.evaluate(ink)
    assert faded[0] > 0 and faded[1] * 3 < shown[1]  # opacity 0.12, not 0.7
    page.fill("#node-search", "data scientists")
    target = next(n for n in expected["nodes"] if DS_CODE in n["codes"])
    box = page.evaluate(
        """(id) => { const cy = window.careerkgOverlap.cy; const node = cy.getElementById(id);
                     cy.zoom(2); cy.center(node); const p = node.renderedPosition();
                     const r = cy.container().getBoundingClientRect();
                     return {x: r.left + p.x, y: r.top + p.y}; }""", target["id"])
    with page.expect_navigation():
        page.mouse.click(box["x"], box["y"])
    assert urlsplit(page.url).path == urlsplit(target["href"]).path
    assert page.text_content("h1") == "Data Scientists"
    assert page_log.errors == [] and page_log.outside_requests == []


@pytest.mark.browser
def test_the_toggle_goes_to_the_role_skill_view_and_back(page, page_log, onet_server):
    page.goto(onet_server.url + f"/overlap?role={DS_CODE}")
    page.wait_for_selector("#overlap-graph[data-ready='true']")
    with page.expect_navigation():
        page.click("#view-toggle")
    page.wait_for_selector("#overlap-graph[data-ready='true']")
    assert page.evaluate("window.careerkgOverlap.settings.mode") == "bipartite"
    assert page.evaluate("window.careerkgOverlap.cy.nodes('[layer = \"role\"]').length") == 9
    with page.expect_navigation():
        page.click("#view-toggle")
    assert page.evaluate("() => JSON.parse(document.getElementById('overlap-settings')"
                         ".textContent).mode") == "network"
    assert page_log.errors == []


def test_seed_roles_are_in_the_seed_namespace(seed_roles):
    assert seed_roles and all(r.startswith(ID + "role/") for r in seed_roles)
    assert ov.DATA_FAMILY == ("15-2", "15-12")

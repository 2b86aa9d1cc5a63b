"""Every kind of page on a 390 px wide phone screen, in a real headless Chromium: nothing
wider than the screen (no sideways scrolling of the page), inputs a finger can hit (at least
40 px tall), chart text at least 11 px as drawn.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

WIDTH = 390

PAGES = {
    "home": "/",
    "query": "/query",
    "query-answer": "/query?run=1&query=" + quote(
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 60"),
    "canned list": "/queries",
    "canned page": "/queries/career-gap",
    "canned with a role error": "/queries/salary-by-experience?role=scientist",
    "entity": "/id/source/passage-who-ds",
    "role page": "/id/role/data-scientist",
    "tool page": "/id/tool/python",
    "skill page": "/id/skill/statistical-analysis",
    "industry page": "/id/industry/technology",
    "browse roles": "/browse/roles",
    "browse a family": "/browse/roles?family=15",
    "browse tools": "/browse/tools",
    "browse skills": "/browse/skills",
    "ontology": "/ontology",
    "compare": "/compare?a=data%20scientist&b=machine%20learning%20engineer",
    "overlap": "/overlap",
    "overlap network": "/overlap?view=network&family=all",
    "error": "/no-such-page",
}

#: Inputs shorter than 40 px (checkboxes and radios are tapped by their label; CodeMirror's
#: own input is a hidden 1-line textarea that never shows).
SMALL_INPUTS = """() => Array.from(document.querySelectorAll('input, select, textarea, button'))
  .filter(el => !['checkbox', 'radio', 'hidden'].includes(el.type))
  .filter(el => !el.closest('.CodeMirror'))
  .filter(el => { const r = el.getBoundingClientRect();
                  return r.width > 0 && getComputedStyle(el).visibility !== 'hidden'; })
  .filter(el => el.getBoundingClientRect().height < 40)
  .map(el => el.outerHTML.slice(0, 120) + ' ' + el.getBoundingClientRect().height)"""

#: The font size of each SVG text of the salary chart as drawn on the screen (its CSS size
#: times the scale of the viewBox to the drawn width).
CHART_TEXT_SIZES = """() => {
  const svg = document.querySelector('#salary-chart');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Array.from(svg.querySelectorAll('text'))
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_page_is_wider_than_a_phone(live_server, phone, path):
    phone.goto(live_server.url + path)
    phone.wait_for_load_state("load")
    if path.startswith("/query"):
        phone.wait_for_selector("#yasgui .CodeMirror")
        if "run=1" in path:
            phone.wait_for_selector(".yasr_results table tbody tr")
    if path.startswith("/overlap"):
        phone.wait_for_selector("#overlap-graph[data-ready]", state="attached")
    assert phone.evaluate("innerWidth") == WIDTH
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert phone.evaluate(SMALL_INPUTS) == []


@pytest.mark.parametrize("name", ["compare", "role page"])
def test_the_salary_chart_text_is_readable_on_a_phone(live_server, phone, name):
    phone.goto(live_server.url + PAGES[name])
    sizes = phone.evaluate(CHART_TEXT_SIZES)
    assert len(sizes) > 20
    assert min(sizes) >= 11
    # The chart scrolls inside its box; the page does not.
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    source = phone.locator(".chart-source")
    assert source.is_visible() and "Figures:" in source.inner_text()


def test_the_role_network_is_a_table_on_a_phone(live_server, phone):
    """The network's box is hidden (nothing is drawn); each role is listed with its nearest
    roles and their scores, and the page does not scroll sideways."""
    network = phone.request.get(live_server.url + "/api/role-network?family=all").json()
    asked: list[str] = []
    phone.on("request", lambda r: asked.append(r.url))
    phone.goto(live_server.url + "/overlap?view=network&family=all")
    phone.wait_for_selector("#overlap-graph[data-ready='list']", state="attached")
    # the page's preload of the network's JSON is for wider screens: a phone does not load it
    assert not [url for url in asked if "/api/role-network" in url]
    assert not phone.locator("#overlap-graph").is_visible()
    table = phone.locator("table.nearest-table")
    assert table.is_visible() and table.bounding_box()["width"] <= WIDTH
    rows = phone.locator("table.nearest-table tbody tr")
    assert rows.count() == len(network["nodes"])
    best = max(network["edges"], key=lambda e: e["weight"])
    source = network["nodes"][best["source"]]["id"]  # an edge's ends are node positions
    row = phone.locator(f"table.nearest-table tr[data-iri='{source}']")
    assert f"{best['weight']:.2f}" in row.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH

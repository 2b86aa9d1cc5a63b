"""The query page in a real headless Chromium (Debian's, driven by Playwright) on a live server.

/query loads YASGUI from this server, a canned query from the library runs, its rows appear,
a result link leads to the entity's page — with no console errors and no request leaving the
machine.  With JavaScript off, the plain form runs the query and shows an HTML table.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from careerkg.graph.library import load_library
from careerkg.graph.namespaces import ID

pytestmark = pytest.mark.browser

#: Finds a link in the results table that points at a careerkg IRI and that a click on its
#: middle reaches (not hidden under a column resizer or an ellipsis).
CLICKABLE_RESULT_LINK = """(prefix) => {
  const links = Array.from(document.querySelectorAll('.yasr_results td a[data-iri]'));
  const index = links.findIndex((a) => {
    if (!a.dataset.iri.startsWith(prefix)) return false;
    a.scrollIntoView({ block: 'center', inline: 'nearest' });
    const box = a.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && (hit === a || a.contains(hit));
  });
  if (index >= 0) links[index].setAttribute('data-test-target', 'yes');
  return index;
}"""


def _canned_with_entity_links(seed_store) -> tuple[str, int]:
    """The first canned query (library order) whose answer links to careerkg entities."""
    for name, canned in load_library().items():
        result = seed_store.query(canned.bind())
        if result.kind == "bindings" and any(
            t is not None and getattr(t, "value", "").startswith(ID)
            for row in result.rows for t in row
        ):
            return name, len(result.rows)
    pytest.fail("no canned query returns links to careerkg entities")


def test_query_page_runs_a_canned_query_and_follows_a_result_link(
        live_server, page, page_log, seed_store):
    name, rows = _canned_with_entity_links(seed_store)
    page.goto(live_server.url + "/query")
    page.wait_for_selector("#yasgui .yasqe .CodeMirror")
    assert page.is_hidden("#plain-query")
    page.click(f"a[data-canned='{name}']")
    page.wait_for_selector(".yasr_results table tbody tr td a[data-iri]")
    shown = page.locator(".yasr_results table tbody tr").count()
    assert shown == min(rows, 50)  # YASR's first page
    # The query is in the page's address, ready to share.
    address = parse_qs(urlsplit(page.url).query)
    assert address["query"][0] == load_library()[name].bind()
    # Downloads point at this endpoint.
    csv_link = page.get_attribute("#download-csv", "href")
    assert csv_link.startswith(live_server.url + "/sparql?") and "format=csv" in csv_link

    assert page.evaluate(CLICKABLE_RESULT_LINK, ID) >= 0
    target = page.locator("a[data-test-target='yes']")
    iri = target.get_attribute("data-iri")
    with page.expect_navigation():
        target.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == "/id/" + iri[len(ID):]
    assert page.locator("h1").inner_text().strip()
    assert iri in page.locator(".entity-iri").inner_text()

    assert page_log.errors == []
    assert page_log.outside_requests == []
    assert all(u.startswith(live_server.url) or u.startswith("data:")
               for u in page_log.requests), page_log.requests


def test_a_shared_query_url_opens_and_runs(live_server, page, page_log, seed_store):
    query = "SELECT ?role WHERE { ?role a ckg:Role } ORDER BY ?role"
    expected = seed_store.query(
        "PREFIX ckg: <https://w3id.org/careerkg/ontology#>\n" + query).to_python()
    page.goto(live_server.url + "/query?" + _encode({"query": query}))
    page.wait_for_selector(".yasr_results table tbody tr td a[data-iri]")
    assert page.locator(".yasr_results table tbody tr").count() == len(expected)
    editor = page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert editor == query
    assert page_log.errors == [] and page_log.outside_requests == []


def test_a_malformed_query_shows_the_error(live_server, page, page_log):
    page.goto(live_server.url + "/query?" + _encode({"query": "SELECT * WHERE { ?s ?p"}))
    page.wait_for_selector(".yasr .errorResult, .yasr_results .errorResult, .yasr .error",
                           timeout=15000)
    assert "line 1" in page.locator(".yasr").inner_text()
    # The 400 answer itself is logged by the browser; nothing else may be.
    assert [e for e in page_log.errors if "400" not in e] == []


def test_without_javascript_the_plain_form_runs_the_query(live_server, browser, seed_store):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        requests_made = []
        page.on("request", lambda r: requests_made.append(r.url))
        page.goto(live_server.url + "/query")
        assert page.is_visible("#plain-query textarea")
        query = "SELECT ?role WHERE { ?role a ckg:Role } ORDER BY ?role"
        page.fill("#query-text", query)
        with page.expect_navigation():
            page.click(".plain-form button[type=submit]")
        rows = page.locator("table.results tbody tr")
        expected = seed_store.query(
            "PREFIX ckg: <https://w3id.org/careerkg/ontology#>\n" + query).to_python()
        assert rows.count() == len(expected)
        assert rows.first.locator("a").get_attribute("href").startswith("/id/role/")
        assert not any(u.endswith(".js") for u in requests_made), requests_made
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/queries", "/ontology", "/id/role/data-scientist"])
def test_pages_load_without_console_errors(live_server, page, page_log, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    page.wait_for_load_state("load")
    assert page_log.errors == [] and page_log.outside_requests == []


def _encode(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)

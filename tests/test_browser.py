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
    page.wait_for_selector(".yasr .query-error", timeout=15000)
    assert "Line 1, column" in page.locator(".yasr .query-error").inner_text()
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


# -- what a visitor reads in the editor: errors, cells, downloads --------------------------------

RUN_IN_EDITOR = """(query) => {
  const cm = document.querySelector('#yasgui .CodeMirror').CodeMirror;
  cm.setValue(query);
  document.querySelector('#yasgui .yasqe_queryButton').click();
}"""


def _editor_ready(page, url):
    page.goto(url)
    page.wait_for_selector("#yasgui .yasqe .CodeMirror")


def test_a_failing_query_reads_as_a_message_and_hides_the_downloads(live_server, page, page_log):
    _editor_ready(page, live_server.url + "/query")
    page.evaluate(RUN_IN_EDITOR, "SELECT ?role WHERE { ?role a ckg:Role }")
    page.wait_for_selector(".yasr_results table tbody tr")
    assert page.is_visible("#download-csv")
    page.evaluate(RUN_IN_EDITOR, "SELECT ?x WHERE {\n  ?x foo:bar ?y .\n}")
    error = page.wait_for_selector(".query-error")
    text = error.inner_text()
    assert "Line 2, column" in text
    assert "unknown prefix 'foo:'" in text
    # The place, under the line the visitor wrote; no raw answer, no character ranges.
    assert page.locator(".query-error-line").inner_text().startswith("  ?x foo:bar ?y .\n")
    assert "{" not in page.locator(".query-error-message").inner_text()
    assert "\\u{" not in text and "..=" not in text
    assert page.is_hidden("#downloads")
    assert page.get_attribute("#download-csv", "href") is None
    page.click(".query-error-go")
    cursor = page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getCursor()")
    assert cursor["line"] == 1
    assert [e for e in page_log.errors if "400" not in e] == []


def test_cells_show_values_with_their_type_on_hover(live_server, page, page_log, seed_store):
    query = ("SELECT ?fig ?amount ?label ?occupation WHERE { ?fig a ckg:SalaryFigure ; "
             "ckg:amount ?amount ; rdfs:label ?label . "
             "VALUES ?occupation { <https://w3id.org/careerkg/id/onet/occupation/15-2051.00> } "
             "} ORDER BY ?fig LIMIT 5")
    expected = seed_store.query(
        "PREFIX ckg: <https://w3id.org/careerkg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + query).to_python()
    _editor_ready(page, live_server.url + "/query")
    page.evaluate(RUN_IN_EDITOR, query)
    page.wait_for_selector(".yasr_results table tbody tr")
    cells = page.evaluate("""() => Array.from(
        document.querySelectorAll('.yasr_results tbody tr')).map(tr =>
          Array.from(tr.querySelectorAll('td')).slice(1).map(td => {
            const inner = td.querySelector('a, span.literal');
            return {text: td.innerText.trim(), title: inner ? inner.title : null,
                    whole: inner ? inner.scrollWidth <= td.clientWidth + 1 : false};
          }))""")
    assert len(cells) == len(expected)
    for row, want in zip(cells, expected, strict=True):
        fig, amount, label, occupation = row
        assert fig["text"] == "salary:" + want["fig"].rsplit("/", 1)[1]
        # Literals without quotes or tags; the datatype or language on hover.
        assert amount["text"] == str(want["amount"]) and amount["title"] == "xsd:decimal"
        assert label["text"] == want["label"] and label["title"] == "language: en"
        # An IRI no prefix covers keeps its end: the O*NET code is whole and visible.
        assert occupation["text"] == "…/occupation/15-2051.00" and occupation["whole"]
        for cell in row:
            assert not cell["text"].startswith('"') and "^^" not in cell["text"]
            assert "@en" not in cell["text"]
    assert page_log.errors == []


def test_hostile_values_in_cells_stay_text(page, page_log, start_live_server, tmp_path):
    data = tmp_path / "hostile.ttl"
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix ckg: <https://w3id.org/careerkg/ontology#> .\n"
        "<https://w3id.org/careerkg/id/role/hostile> a ckg:Role ;\n"
        "  rdfs:label \"<img src=x onerror=alert(1)>\" ;\n"
        "  rdfs:comment \"\\\" onmouseover=\\\"alert(2)\"@en ;\n"
        "  rdfs:seeAlso <javascript:alert(3)> , <https://x.example/a'onmouseover='alert(4)> .\n",
        encoding="utf-8")
    server = start_live_server("--data", str(data))
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _editor_ready(page, server.url + "/query")
    page.evaluate(RUN_IN_EDITOR, "SELECT ?p ?o WHERE { role:hostile ?p ?o } ORDER BY ?p ?o")
    page.wait_for_selector(".yasr_results table tbody tr")
    texts = page.locator(".yasr_results tbody td").all_inner_texts()
    assert "<img src=x onerror=alert(1)>" in texts
    assert '" onmouseover="alert(2)' in texts
    assert page.locator(".yasr_results img").count() == 0
    assert page.locator(".yasr_results [onmouseover], .yasr_results [onerror]").count() == 0
    hrefs = page.eval_on_selector_all(".yasr_results tbody a", "as => as.map(a => a.href)")
    assert hrefs and all(h.startswith(server.url + "/resource?iri=") for h in hrefs)
    page.hover(".yasr_results tbody span.literal >> nth=0")
    assert dialogs == [] and page_log.errors == []


def test_on_a_phone_the_editor_comes_first_and_a_canned_answer_comes_into_view(
        live_server, browser, seed_store):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        _editor_ready(page, live_server.url + "/query")
        editor = page.locator("#yasgui .CodeMirror").bounding_box()
        library = page.locator(".library-panel").bounding_box()
        assert editor["y"] < 844 / 2 and editor["y"] < library["y"]
        name = "tools-per-role"
        page.locator(f"a[data-canned='{name}']").scroll_into_view_if_needed()
        page.click(f"a[data-canned='{name}']")
        page.wait_for_selector(".yasr_results table tbody tr")
        page.wait_for_timeout(300)
        table = page.locator(".yasr_results table").bounding_box()
        assert 0 <= table["y"] < 844, table  # the answer's top is on the screen
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        context.close()


def test_an_error_the_server_found_reads_the_same(live_server, page, page_log):
    # run=1: the server ran the query (the plain form's path) and the editor shows its error.
    page.goto(live_server.url + "/query?" + _encode(
        {"query": "SELECT * WHERE { ?s nope:x ?o }", "run": "1"}))
    error = page.wait_for_selector(".yasr .query-error")
    assert "Line 1, column" in error.inner_text()
    assert "unknown prefix 'nope:'" in error.inner_text()
    assert page.is_hidden("#downloads")

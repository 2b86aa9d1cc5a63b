"""Probes on a live ``careerkg serve``: nothing gets out, nothing gets in, nothing runs.

* Every way SPARQL, the protocol, the admin API and ``--data`` could make the server read a
  local file or open a connection — SERVICE, FROM, FROM NAMED, the protocol dataset, LOAD,
  USING, JSON-LD remote contexts, RDF/XML external entities and DTDs — is aimed at a loopback
  stub that counts hits and at a local file holding a secret marker: 0 hits, and the marker
  in no answer and no log line.
* An entity-expansion bomb is refused in under a second without the server growing.
* Hostile literals and IRIs (``<script>``, quote-breaking attributes, ``<img onerror>``,
  ``javascript:`` IRIs) loaded with ``--data`` are shown by every view — the YASGUI results
  table (from the endpoint and from the server's own answer), the plain table, entity pages,
  canned query pages, the home page, the overlap network and the comparison — in a real
  headless Chromium: no script runs, no dialog opens, no ``javascript:`` link is live, no
  inline event handler exists, and the Content-Security-Policy header is there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from urllib.parse import quote, urlencode

import psutil
import pytest
import requests
from conftest import LiveServer, free_port, wait_until

from careerkg.graph.namespaces import CKG, ID

from .conftest import tree

TOKEN = "probe-admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EVIL_ROLE = ID + "role/evil"
EVIL_TOOL = ID + "tool/evil"
SCRIPT_IRI = "javascript:window.__pwned='iri'"
ALERT_IRI = "javascript:alert(1)"


def hostile_turtle(stub_url: str) -> str:
    """Payloads that set ``window.__pwned``, open a dialog or fetch from the stub if they
    ever run or render as markup."""
    labels = {
        "role": "<script>window.__pwned='label'</script>Evil role",
        "alt": "\"onmouseover=\"window.__pwned='attr'\" x=\"",
        "comment": f"'><img src=x onerror=\"window.__pwned='img'\"><img src=\"{stub_url}/img\">",
        "tool": "<img src=x onerror=alert('tool')>\"'><svg onload=window.__pwned='svg'>",
    }
    return f"""
@prefix ckg: <{CKG}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{EVIL_ROLE}> a ckg:Role ; rdfs:label {json.dumps(labels["role"])} ;
    skos:prefLabel {json.dumps(labels["role"])} ;
    skos:altLabel {json.dumps(labels["alt"])} ;
    rdfs:comment {json.dumps(labels["comment"])} ;
    skos:definition {json.dumps(labels["comment"])} ;
    ckg:requiresSkill <{ID}skill/programming> ;
    ckg:usesTool <{ID}tool/python>, <{SCRIPT_IRI}>, <{ALERT_IRI}>, <{EVIL_TOOL}> .
<{SCRIPT_IRI}> a ckg:Tool ; rdfs:label "javascript link" .
<{ALERT_IRI}> a ckg:Tool ; rdfs:label {json.dumps(labels["alt"])} .
<{EVIL_TOOL}> a ckg:Tool ; rdfs:label {json.dumps(labels["tool"])} ;
    rdfs:seeAlso <{ALERT_IRI}>, <data:text/html,%3Cscript%3Ealert(1)%3C/script%3E> .
"""


@pytest.fixture(scope="module")
def server(stub, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "hostile.ttl"
    data.write_text(hostile_turtle(stub.url), encoding="utf-8")
    live = LiveServer("--data", str(data), "--timeout", "5",
                      env={"CAREERKG_ADMIN_TOKEN": TOKEN})
    yield live
    live.close()


class Answers:
    """Every answer of the probes, checked for the secret at the end."""

    def __init__(self):
        self.texts: list[str] = []

    def keep(self, response: requests.Response) -> requests.Response:
        self.texts.append(response.text)
        return response


@pytest.fixture(scope="module")
def answers():
    return Answers()


# -- nothing gets out --------------------------------------------------------------------------

def _queries(stub_url: str, secret_path) -> list[tuple[str, str, int]]:
    file_iri = secret_path.as_uri()
    return [
        ("SERVICE", f"SELECT * WHERE {{ SERVICE <{stub_url}/sparql> {{ ?s ?p ?o }} }}", 400),
        ("SERVICE SILENT", f"SELECT * WHERE {{ SERVICE SILENT <{stub_url}/s> {{ ?s ?p ?o }} }}",
         400),
        ("SERVICE escaped",
         f"SELECT * WHERE {{ SERVI\\u0043E <{stub_url}/sparql> {{ ?s ?p ?o }} }}", 400),
        ("SERVICE variable", f"SELECT * WHERE {{ BIND(<{stub_url}/v> AS ?e) SERVICE ?e "
                             "{ ?s ?p ?o } }", 400),
        ("FROM file", f"SELECT ?o FROM <{file_iri}> WHERE {{ ?s ?p ?o }}", 200),
        ("FROM stub", f"SELECT ?o FROM <{stub_url}/from.ttl> WHERE {{ ?s ?p ?o }}", 200),
        ("FROM NAMED file",
         f"SELECT ?o FROM NAMED <{file_iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", 200),
        ("FROM NAMED stub",
         f"SELECT ?o FROM NAMED <{stub_url}/named.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
         200),
        ("GRAPH file", f"SELECT ?o WHERE {{ GRAPH <{file_iri}> {{ ?s ?p ?o }} }}", 200),
        ("DESCRIBE file", f"DESCRIBE <{file_iri}>", 200),
        ("LOAD as a query", f"LOAD <{stub_url}/load.ttl>", 403),
        ("LOAD a file as a query", f"LOAD <{file_iri}> INTO GRAPH <urn:x:g>", 403),
    ]


def test_queries_never_reach_out(server, stub, secret, answers, figures):
    secret_path, _marker = secret
    endpoint = server.url + "/sparql"
    for name, query, status in _queries(stub.url, secret_path):
        for send in (
            lambda q: requests.get(endpoint, params={"query": q}, timeout=10),
            lambda q: requests.post(endpoint, data={"query": q}, timeout=10),
            lambda q: requests.post(endpoint, data=q.encode(), timeout=10,
                                    headers={"Content-Type": "application/sparql-query"}),
        ):
            answer = answers.keep(send(query))
            assert answer.status_code == status, (name, answer.text)
            figures["probes"] += 1
    assert stub.hits == []


def test_the_protocol_dataset_and_updates_never_reach_out(server, stub, secret, answers,
                                                          figures):
    secret_path, _marker = secret
    endpoint = server.url + "/sparql"
    select = "SELECT ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    for params in ({"default-graph-uri": secret_path.as_uri()},
                   {"named-graph-uri": stub.url + "/named"},
                   {"default-graph-uri": stub.url + "/d", "named-graph-uri": secret_path.as_uri()}):
        answer = answers.keep(requests.get(endpoint, params={"query": select, **params},
                                           timeout=10))
        assert answer.status_code == 200 and answer.json()["results"]["bindings"] == []
        figures["probes"] += 1
    load = f"LOAD <{stub.url}/update.ttl>"
    for request in (
        lambda: requests.post(endpoint, data={"update": load}, timeout=10),
        lambda: requests.get(endpoint, params={"update": load}, timeout=10),
        lambda: requests.post(endpoint, data=load, timeout=10,
                              headers={"Content-Type": "application/sparql-update"}),
        lambda: requests.post(server.url + "/admin/update", data=load, timeout=10,
                              headers={"Content-Type": "application/sparql-update"}),
    ):
        answer = answers.keep(request())
        assert answer.status_code in (401, 403), answer.text
        figures["probes"] += 1
    for page in (f"/resource?iri={quote(secret_path.as_uri())}",
                 f"/resource?iri={quote(stub.url)}/r", "/id/..%2F..%2Fetc%2Fpasswd",
                 "/static/..%2F..%2F..%2Fetc%2Fpasswd"):
        answer = answers.keep(requests.get(server.url + page, timeout=10))
        assert answer.status_code in (400, 404), (page, answer.status_code)
        figures["probes"] += 1
    assert stub.hits == []


def test_the_admin_api_never_reaches_out(server, stub, secret, answers, figures):
    secret_path, _marker = secret
    file_iri = secret_path.as_uri()
    updates = [
        f"LOAD <{stub.url}/admin.ttl>",
        f"LOAD SILENT <{file_iri}> INTO GRAPH <urn:x:g>",
        f"INSERT DATA {{ <urn:x:a> <urn:x:b> 'c' }} ; LOAD <{stub.url}/second.ttl>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{stub.url}/sparql> {{ ?s ?p ?o }} }}",
        f"l\\u006fad <{stub.url}/escaped.ttl>",
    ]
    for update in updates:
        answer = answers.keep(requests.post(
            server.url + "/admin/update", data=update, timeout=10,
            headers={**AUTH, "Content-Type": "application/sparql-update"}))
        assert answer.status_code == 400, (update, answer.text)
        figures["probes"] += 1
    # USING names a graph of the store (none here): nothing is read from the file.
    using = (f"INSERT {{ GRAPH <urn:x:copy> {{ ?s ?p ?o }} }} USING <{file_iri}> "
             "WHERE { ?s ?p ?o }")
    answer = requests.post(server.url + "/admin/update", data={"update": using},
                           headers=AUTH, timeout=10)
    assert answer.status_code == 200, answer.text
    copied = requests.get(server.url + "/sparql", timeout=10, params={
        "query": "SELECT * WHERE { GRAPH <urn:x:copy> { ?s ?p ?o } }"}).json()
    assert copied["results"]["bindings"] == []
    figures["probes"] += 1

    uploads = [
        ("application/ld+json", json.dumps({"@context": f"{stub.url}/context.jsonld",
                                            "@id": "urn:x:a", "name": "x"})),
        ("application/ld+json", json.dumps({"@context": [{"@vocab": "urn:x:"},
                                                         f"{stub.url}/list.jsonld"],
                                            "@id": "urn:x:a", "name": "x"})),
        ("application/ld+json", json.dumps({"@id": "urn:x:a", "urn:x:p": {
            "@context": f"{stub.url}/nested.jsonld", "name": "x"}})),
        ("application/ld+json", json.dumps({"@context": {"@import": f"{stub.url}/import"},
                                            "@id": "urn:x:a"})),
        ("application/rdf+xml",
         f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY s SYSTEM "{file_iri}">]>'
         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
         '<rdf:Description rdf:about="urn:x:a"><rdf:value>&s;</rdf:value></rdf:Description>'
         "</rdf:RDF>"),
        ("application/rdf+xml",
         f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{stub.url}/dtd"> %p;]>'
         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
    ]
    for content_type, body in uploads:
        answer = answers.keep(requests.put(
            server.url + "/admin/sources/probe", data=body.encode(), timeout=10,
            headers={**AUTH, "Content-Type": content_type}))
        assert answer.status_code == 400, (body, answer.text)
        assert answer.json()["error"]["file"] == "probe" + (
            ".jsonld" if "json" in content_type else ".rdf")
        figures["probes"] += 1
    # An external DTD without declarations is harmless: it is not fetched.
    external_dtd = (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{stub.url}/x.dtd">'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                    '<rdf:Description rdf:about="urn:x:a"><rdf:value>v</rdf:value>'
                    "</rdf:Description></rdf:RDF>")
    answer = requests.put(server.url + "/admin/sources/probe-dtd", data=external_dtd,
                          headers={**AUTH, "Content-Type": "application/rdf+xml"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["triples"] == 1
    requests.delete(server.url + "/admin/sources/probe-dtd", headers=AUTH, timeout=10)
    # The same through the importer.
    context_file = json.dumps({"@context": f"{stub.url}/import.jsonld", "@id": "urn:x:a"})
    answer = answers.keep(requests.post(
        server.url + "/admin/import/rdf", headers=AUTH, timeout=10,
        files={"file": ("remote-context.jsonld", context_file.encode())}))
    assert answer.status_code == 400 and answer.json()["error"]["file"] == "remote-context.jsonld"
    figures["probes"] += 2
    assert stub.hits == []


def test_an_entity_bomb_is_refused_at_once(server, answers, figures):
    entities = '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    bombs = [
        f'<?xml version="1.0"?><!DOCTYPE r [{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="urn:x:a"><rdf:value>&j;</rdf:value></rdf:Description>'
        "</rdf:RDF>",
        # The declarations pushed past what a quick look at the start would see.
        f'<?xml version="1.0"?><!--{"x" * 70_000}--><!DOCTYPE r [{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="urn:x:a"><rdf:value>&j;</rdf:value></rdf:Description>'
        "</rdf:RDF>",
    ]
    processes = tree(server.process.pid)
    before = sum(p.memory_info().rss for p in processes if p.is_running())
    for bomb in bombs:
        started = time.monotonic()
        answer = answers.keep(requests.put(
            server.url + "/admin/sources/bomb", data=bomb.encode(), timeout=30,
            headers={**AUTH, "Content-Type": "application/rdf+xml"}))
        elapsed = time.monotonic() - started
        assert answer.status_code == 400 and elapsed < 1.0, (answer.text, elapsed)
        figures["bombs refused"] += 1
        figures["slowest bomb ms"] = max(figures["slowest bomb ms"], round(elapsed * 1000))
    after = sum(p.memory_info().rss for p in tree(server.process.pid) if p.is_running())
    assert after - before < 50 * 1024 * 1024, (before, after)


@pytest.mark.parametrize("name, body", [
    ("context.jsonld", '{"@context": "STUB/data-context.jsonld", "@id": "urn:x:a", "n": 1}'),
    ("entity.rdf", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "STUB/entity">]>'
                   '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                   '<rdf:Description rdf:about="urn:x:a"><rdf:value>&e;</rdf:value>'
                   "</rdf:Description></rdf:RDF>"),
])
def test_data_files_never_reach_out(stub, tmp_path, name, body, figures):
    data = tmp_path / name
    data.write_text(body.replace("STUB", stub.url))
    run = subprocess.run(
        [sys.executable, "-m", "careerkg.cli", "serve", "--port", str(free_port()),
         "--data", str(data)], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and str(data) in run.stderr, run.stderr
    assert stub.hits == []
    figures["probes"] += 1


def test_the_secret_is_in_no_answer_and_no_log(server, secret, answers):
    _path, marker = secret
    assert answers.texts and not [t for t in answers.texts if marker in t]
    assert marker not in server.log() and TOKEN not in server.log()


# -- nothing runs ----------------------------------------------------------------------------

LIVE_SCRIPT_LINKS = """() => Array.from(document.querySelectorAll('a[href], area[href]'))
  .map((a) => a.getAttribute('href').trim().toLowerCase())
  .filter((h) => /^(javascript|data|vbscript):/.test(h.replace(/[\\s\\u0000-\\u001f]/g, '')))"""
INLINE_HANDLERS = """() => Array.from(document.querySelectorAll('*'))
  .filter((e) => Array.from(e.attributes).some((a) => a.name.toLowerCase().startsWith('on')))
  .map((e) => e.outerHTML.slice(0, 120))"""
INJECTED = """() => Array.from(document.querySelectorAll(
  'img[src="x"], svg[onload], script:not([src]):not([type="application/json"])'))
  .map((e) => e.outerHTML.slice(0, 120))"""
#: A query whose answer carries every hostile term (labels, the javascript: IRIs).
HOSTILE_QUERY = (f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(?s IN (<{EVIL_ROLE}>, <{EVIL_TOOL}>,"
                 f" <{SCRIPT_IRI}>, <{ALERT_IRI}>)) }}")


def _hostile_canned_pages(server) -> list[str]:
    """Canned queries (with their default parameters) whose answer shows a hostile label."""
    names = [q["name"] for q in requests.get(server.url + "/queries.json", timeout=10).json()]
    pages = []
    for name in names:
        answer = requests.get(f"{server.url}/queries/{name}.json", timeout=10)
        if answer.ok and "window.__pwned" in answer.text:
            pages.append(f"/queries/{name}")
    return pages


def _check_page(page, url, dialogs, figures, *, ready=None):
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    if ready:
        page.wait_for_selector(ready, timeout=15000)
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__pwned") is None, url
    assert page.evaluate(LIVE_SCRIPT_LINKS) == [], url
    assert page.evaluate(INLINE_HANDLERS) == [], url
    assert page.evaluate(INJECTED) == [], url
    assert dialogs == [], url
    figures["pages checked in Chromium"] += 1


@pytest.mark.browser
def test_hostile_data_is_inert_in_every_view(server, stub, page, page_log, figures):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    results = ".yasr_results table tbody tr"
    views = [
        (f"/query?{urlencode({'query': HOSTILE_QUERY})}", results),
        (f"/query?{urlencode({'query': HOSTILE_QUERY, 'run': 1})}", results),
        (f"/sparql?{urlencode({'query': HOSTILE_QUERY})}", results),
        ("/id/role/evil", "h1"), ("/id/tool/evil", "h1"),
        (f"/resource?{urlencode({'iri': SCRIPT_IRI})}", "h1"),
        (f"/resource?{urlencode({'iri': ALERT_IRI})}", "h1"),
        ("/", "h1"),
        # role, tool and browse pages list the hostile role and tool by name
        ("/id/tool/python", ".roles-needing"), ("/browse/roles", ".browse-roles"),
        ("/browse/tools?page=1", ".browse-tools"),
        (f"/overlap?{urlencode({'role': EVIL_ROLE})}", "#overlap-graph[data-ready='true']"),
        (f"/overlap?{urlencode({'role': EVIL_ROLE, 'view': 'network'})}",
         "#overlap-graph[data-ready='true']"),
        ("/overlap?view=network&family=all", "table.nearest-table"),
        (f"/compare?{urlencode({'a': EVIL_ROLE, 'b': 'ds'})}", ".scores"),
        ("/search?q=window", "ol.search-results"), ("/search?q=onmouseover", "ol.search-results"),
        *[(path, "table.results") for path in _hostile_canned_pages(server)],
    ]
    assert any(path.startswith("/queries/") for path, _ in views), "no canned page shows them"
    for path, ready in views:
        _check_page(page, server.url + path, dialogs, figures, ready=ready)
    # The hostile text is there, as text.
    page.goto(server.url + f"/query?{urlencode({'query': HOSTILE_QUERY, 'run': 1})}")
    page.wait_for_selector(results)
    shown = page.locator(".yasr_results").inner_text()
    assert "<script>window.__pwned='label'</script>" in shown and "javascript:" in shown
    page.goto(server.url + "/id/role/evil")
    assert page.locator("h1").inner_text() == "<script>window.__pwned='label'</script>Evil role"
    # In the overlap network a click on the javascript: tool opens a page about it.
    page.goto(server.url + f"/overlap?{urlencode({'role': EVIL_ROLE})}")
    page.wait_for_selector("#overlap-graph[data-ready='true']")
    href = page.evaluate(f"window.careerkgOverlap.cy.getElementById({json.dumps(SCRIPT_IRI)})"
                         ".data('href')")
    assert href.startswith("/resource?iri=javascript")
    assert page.evaluate("() => window.__pwned") is None
    assert stub.hits == [] and page_log.outside_requests == []


@pytest.mark.browser
def test_hostile_data_is_inert_without_javascript(server, browser, stub, figures):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for path in (f"/query?{urlencode({'query': HOSTILE_QUERY, 'run': 1})}",
                     "/id/role/evil", "/id/tool/python", "/browse/roles",
                     f"/compare?{urlencode({'a': EVIL_ROLE, 'b': 'ds'})}",
                     "/search?q=window"):
            response = page.goto(server.url + path)
            assert response.status == 200
            html = page.content()  # JavaScript is off: the markup itself must be inert
            assert "window.__pwned='label'" in html  # the label is there, as text
            assert "<script>window.__pwned" not in html
            injected = page.locator('img[src="x"], [onerror], [onload], [onmouseover], '
                                    'script:not([src]):not([type="application/json"])')
            assert injected.count() == 0, path
            links = [a.get_attribute("href") or "" for a in page.locator("a").all()]
            assert not [h for h in links if h.strip().lower().startswith("javascript:")]
            figures["pages checked in Chromium"] += 1
        assert stub.hits == []
    finally:
        context.close()


@pytest.mark.browser
def test_hostile_labels_are_inert_in_search_suggestions(server, stub, page, page_log, figures):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url + "/")
    answer = requests.get(server.url + "/api/search", params={"q": "window", "limit": 8},
                          timeout=10).json()
    assert {hit["iri"] for hit in answer} >= {EVIL_ROLE, EVIL_TOOL}
    page.locator("#site-search-q").press_sequentially("window", delay=30)
    page.wait_for_selector("#site-search-list li[role=option]")
    shown = page.locator("#site-search-list .suggestion-label").all_inner_texts()
    assert shown == [hit["label"] for hit in answer]  # the labels, as text
    page.locator("#site-search-q").press_sequentially(" pwned", delay=30)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate(INLINE_HANDLERS) == [] and page.evaluate(INJECTED) == []
    assert dialogs == [] and stub.hits == [] and page_log.outside_requests == []
    page.locator("#site-search-list li[role=option]", has_text="Evil role").click()
    page.wait_for_url("**/id/role/evil")
    assert page.evaluate("() => window.__pwned") is None
    figures["pages checked in Chromium"] += 1


def test_no_worker_is_left_busy(server):
    """Nothing under the server burns CPU past the query time limit (5 s): a server that has
    just started (this test run alone) is polled until its start-up work is done."""
    from .conftest import busy_processes

    wait_until(lambda: busy_processes(tree(server.process.pid), window=0.5) == [],
               timeout=5 + 10, what="no process under the server busy", interval=0)
    assert all(p.status() != psutil.STATUS_ZOMBIE for p in tree(server.process.pid))

"""Operating the public server: /healthz, structured logs without secrets, security headers,
browsers sent from /sparql to the query page (where a query runs once), graceful shutdown,
the query-process pool shrinking back, and the input checks under the SPARQL and RDF paths."""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import psutil
import pytest
import requests
from conftest import wait_until

from careerkg.graph.errors import InputError
from careerkg.graph.executor import IsolatedStore, PoolConfig
from careerkg.graph.formats import rdf_format
from careerkg.graph.sparql import analyse
from careerkg.graph.store import HEAD_BYTES, Payload, check_rdf_input
from careerkg.server import create_app
from careerkg.server.logs import JsonLinesFormatter, query_fingerprint

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ROLES = "SELECT ?role WHERE { ?role a ckg:Role } ORDER BY ?role"


@pytest.fixture(scope="module")
def isolated():
    store = IsolatedStore(None, PoolConfig(min_workers=1, max_workers=3, timeout=5))
    yield store
    store.close()


@pytest.fixture
def client(isolated):
    return create_app({"STORE": isolated}).test_client()


# -- /healthz ------------------------------------------------------------------------------

def test_healthz_reports_the_store_and_the_pool(client, isolated):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    report = answer.json
    assert report["status"] == "ok" and report["store"] == "memory"
    assert report["sources"] == len(isolated.sources())
    assert report["pool"]["zygote_alive"] is True and report["pool"]["max_workers"] == 3
    assert set(report) <= {"status", "store", "sources", "pool", "answered_ms", "warm_up",
                           "preparing"}
    assert report["warm_up"] == "off" and report["preparing"] == []  # nothing secret either


def test_healthz_is_503_when_the_store_is_gone():
    store = IsolatedStore(None, PoolConfig(min_workers=1, max_workers=2))
    client = create_app({"STORE": store}).test_client()
    assert client.get("/healthz").status_code == 200
    store.close()
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json["status"] == "unavailable"
    assert answer.json["reason"]


# -- logs ----------------------------------------------------------------------------------

def _fields(caplog, logger: str) -> list[dict]:
    return [r.fields for r in caplog.records if r.name == logger]


def test_each_request_and_query_gets_a_log_line(client, caplog):
    query = "SELECT ?role WHERE { ?role a <https://w3id.org/careerkg/ontology#Role> }"
    with caplog.at_level(logging.INFO, logger="careerkg"):
        answer = client.get("/sparql", query_string={"query": query, "secret": "s3cr3t"},
                            headers={"Authorization": "Bearer not-logged-0123456789"})
        client.get("/sparql", query_string={"query": "SELECT * WHERE {"})
        client.get("/sparql", query_string={"query": "SELECT * { SERVICE <urn:x> {} }"})
    access = _fields(caplog, "careerkg.access")
    assert [a["status"] for a in access] == [200, 400, 400]
    first = access[0]
    assert first["path"] == "/sparql" and first["method"] == "GET"
    assert first["client"] == "127.0.0.1" and first["bytes"] == len(answer.data)
    assert first["duration_ms"] >= 0 and first["request_id"] == answer.headers["X-Request-Id"]
    queries = _fields(caplog, "careerkg.query")
    assert [q["outcome"] for q in queries] == ["ok", "syntax", "refused"]
    assert queries[0]["form"] == "SELECT" and queries[0]["rows"] == 2
    assert queries[0]["truncated"] is False and queries[0]["length"] == len(query)
    assert queries[0]["sha256"] == query_fingerprint(query)
    text = caplog.text + json.dumps(access + queries)
    for secret in ("s3cr3t", "not-logged", "Authorization", "?role a"):
        assert secret not in text


def test_a_timeout_is_logged_as_such(isolated, caplog):
    app = create_app({"STORE": isolated, "QUERY_TIMEOUT": 0.5})
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with caplog.at_level(logging.INFO, logger="careerkg"):
        assert app.test_client().post("/sparql", data={"query": runaway}).status_code == 503
    assert _fields(caplog, "careerkg.query")[-1]["outcome"] == "timeout"


def test_log_lines_are_json():
    record = logging.makeLogRecord({"name": "careerkg.access", "msg": "request",
                                    "levelname": "INFO", "fields": {"path": "/\n\"x"}})
    line = JsonLinesFormatter().format(record)
    assert "\n" not in line and json.loads(line)["path"] == "/\n\"x"


# -- headers and browsers ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%7B%7D", "/healthz", "/nowhere"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "base-uri 'self'", "form-action 'self'"):
        assert directive in policy
    assert "script-src" not in policy  # scripts fall back to default-src 'self': none inline
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_a_browser_following_a_sparql_link_gets_the_query_page(client):
    answer = client.get("/sparql", query_string={"query": ROLES},
                        headers={"Accept": BROWSER_ACCEPT})
    assert answer.status_code == 303
    target = urlsplit(answer.headers["Location"])
    assert target.path == "/query"
    assert parse_qs(target.query) == {"query": [ROLES], "run": ["1"]}
    # SPARQL clients are not redirected, nor is a browser that asks for a format.
    for headers, params in [({}, {}), ({"Accept": "*/*"}, {}),
                            ({"Accept": BROWSER_ACCEPT}, {"format": "csv"}),
                            ({"Accept": "application/sparql-results+json, text/html;q=0.5"},
                             {})]:
        plain = client.get("/sparql", query_string={"query": ROLES, **params}, headers=headers)
        assert plain.status_code == 200, (headers, params)


@pytest.mark.parametrize("parameter, value, words", [
    ("default-graph-uri", " ", "is not a valid IRI"),
    ("named-graph-uri", "relative", "is not a valid IRI"),
    ("named-graph-uri", "", "names the default graph"),
    ("named-graph-uri", "urn:x-arq:DefaultGraph", "names the default graph"),
])
def test_protocol_graph_names_are_checked(client, parameter, value, words):
    """Found by the fuzzer: these were 500s."""
    answer = client.get("/sparql", query_string=[("query", "ASK {}"), (parameter, value)],
                        headers={"Accept": "application/json"})
    assert answer.status_code == 400 and words in answer.json["error"]["message"]
    fine = client.get("/sparql", query_string=[("query", "ASK {}"),
                                               ("default-graph-uri", "default")])
    assert fine.status_code == 200


@pytest.mark.browser
def test_a_query_link_runs_the_query_once(live_server, page, page_log):
    """/sparql?query=... from a browser → /query?...&run=1: the server's answer is shown in
    YASGUI and no second request is made for it."""
    page.goto(live_server.url + "/sparql?" + urlencode({"query": ROLES}))
    assert urlsplit(page.url).path == "/query"
    page.wait_for_selector(".yasr_results table tbody tr td a[data-iri]")
    assert page.locator(".yasr_results table tbody tr").count() == 2
    assert page.get_attribute("#download-csv", "href").endswith("format=csv")
    page.wait_for_timeout(300)
    sparql = [u for u in page_log.requests if urlsplit(u).path == "/sparql"]
    assert len(sparql) == 1, sparql  # the link itself, answered 303; never run again
    # Without run=1 the page asks the endpoint once.
    page_log.requests.clear()
    page.goto(live_server.url + "/query?" + urlencode({"query": ROLES}))
    page.wait_for_selector(".yasr_results table tbody tr td a[data-iri]")
    page.wait_for_timeout(300)
    assert len([u for u in page_log.requests if urlsplit(u).path == "/sparql"]) == 1
    assert page_log.errors == [] and page_log.outside_requests == []


# -- shutdown and the pool -----------------------------------------------------------------

SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . VALUES ?k { 1 2 } }")


def test_sigterm_lets_requests_in_flight_finish(start_live_server, seed_store):
    expected = seed_store.query(SLOW).to_python()[0]["n"]
    server = start_live_server("--timeout", "30")
    children = server.process and psutil.Process(server.process.pid).children(recursive=True)
    outcome = {}

    def slow():
        started = time.monotonic()
        answer = requests.post(server.url + "/sparql", data={"query": SLOW}, timeout=60)
        outcome.update(status=answer.status_code, body=answer.json(),
                       seconds=time.monotonic() - started)

    thread = threading.Thread(target=slow)
    thread.start()
    wait_until(lambda: outcome or requests.get(server.url + "/healthz", timeout=5)
               .json()["pool"]["busy"] >= 1, what="the slow query to be running")
    assert not outcome, "the slow query finished before it was seen running"
    server.process.send_signal(signal.SIGTERM)
    thread.join(timeout=60)
    assert outcome["status"] == 200, outcome
    assert int(outcome["body"]["results"]["bindings"][0]["n"]["value"]) == expected
    assert server.process.wait(timeout=30) == 0
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == []
    log = server.log()
    assert "Shutting down granian" in log and "store closed" in log


def test_the_pool_shrinks_back_to_its_minimum():
    # A time limit the three slow queries cannot reach on a busy machine (a worker killed
    # for its time is not "idle"), and an idle_timeout long enough that queries ending at
    # different moments still find each other's workers warm.
    store = IsolatedStore(None, PoolConfig(min_workers=1, max_workers=4, timeout=120,
                                           idle_timeout=3.0))
    try:
        threads = [threading.Thread(target=store.query, args=(SLOW,)) for _ in range(3)]
        for thread in threads:
            thread.start()
        wait_until(lambda: store.pool_state()["busy"] == 3, what="three busy workers")
        for thread in threads:
            thread.join()
        assert store.pool_state()["idle"] == 3, "a burst's workers stay warm for a while"
        # The reaper ends idle workers after idle_timeout; polled, not slept for.
        wait_until(lambda: store.pool_state()["idle"] == 1, timeout=10,
                   what="the pool back at one idle worker")
        assert store.pool_state()["busy"] == 0
        assert len(store.worker_pids()) == 2  # the zygote and one worker
    finally:
        store.close()


# -- what the engines are never given ------------------------------------------------------

@pytest.mark.parametrize("text, service, load", [
    ("SELECT * { SERVI\\u0043E <http://127.0.0.1:9/> { ?s ?p ?o } }", True, False),
    ("SELECT * { \\U00000053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", True, False),
    ("SELECT * { ?s ?p 'SERVICE' } # SERVICE", False, False),
    ('SELECT * { ?s ?p "\\u0022 SERVICE" }', True, False),  # read both ways: refused
    ("L\\u004fAD <file:///etc/passwd>", False, True),
    ("INSERT DATA { <urn:a> <urn:b> 'LOAD' }", False, False),
    ("CLEAR ALL ; load <http://127.0.0.1:9/>", False, True),
])
def test_analyse_sees_keywords_however_written(text, service, load):
    info = analyse(text)
    assert (info.uses_service, info.uses_load) == (service, load)


BOMB_ENTITIES = '<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(6))


def test_an_entity_bomb_behind_a_long_prolog_is_refused(memory_store):
    fmt = rdf_format("rdfxml")
    padding = "<!--" + "x" * HEAD_BYTES + "-->"
    bomb = (f'<?xml version="1.0"?>{padding}<!DOCTYPE r [{BOMB_ENTITIES}]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="urn:s"><rdf:value>&g;</rdf:value></rdf:Description>'
            '</rdf:RDF>').encode()
    started = time.monotonic()
    with pytest.raises(InputError, match="prolog"):
        memory_store.replace_source("bomb", Payload(data=bomb, format=fmt, label="bomb.rdf"))
    assert time.monotonic() - started < 1.0
    assert memory_store.source("bomb") is None
    # A long document whose prolog is short is fine, as is an external DTD (never fetched).
    body = "".join(f'<rdf:Description rdf:about="urn:s{i}"><rdf:value>{"v" * 50}</rdf:value>'
                   "</rdf:Description>" for i in range(2000))
    document = ('<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/x.dtd">'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                f"{body}</rdf:RDF>").encode()
    assert len(document) > HEAD_BYTES
    check_rdf_input(document[:HEAD_BYTES], fmt, "ok.rdf")
    source, _changed = memory_store.replace_source("long", Payload(data=document, format=fmt))
    assert source.triples == 2000

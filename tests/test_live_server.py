"""A real ``careerkg serve`` (granian, worker processes) exercised by real SPARQL clients.

SPARQLWrapper and rdflib's ``SPARQLStore`` run SELECT, ASK and CONSTRUCT against it; a
runaway query is stopped at its deadline while other queries keep being answered, and no
process is left burning CPU; SIGTERM stops everything; ``--data`` and ``--store`` work and
a broken data file is reported with its file and line.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time

import psutil
import pytest
import rdflib
import requests
from conftest import wait_until
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from reliability.conftest import busy_processes, tree
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from careerkg.graph.namespaces import CKG

ROLE = rdflib.URIRef(CKG + "Role")
SELECT_ROLES = f"SELECT ?role WHERE {{ ?role a <{CKG}Role> }} ORDER BY ?role"
ASK_ROLES = f"ASK {{ ?role a <{CKG}Role> }}"
CONSTRUCT_ROLES = (
    f"CONSTRUCT {{ ?role a <{CKG}Role> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }} "
    f"WHERE {{ ?role a <{CKG}Role> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
)
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
)


def _roles(seed_store) -> list[str]:
    return [row["role"] for row in seed_store.query(SELECT_ROLES).to_python()]


def test_the_server_logs_where_it_listens(live_server):
    assert re.search(rf"careerkg serving .+ at {re.escape(live_server.url)}/",
                     live_server.log())
    assert "Starting granian" in live_server.log()  # a production server, not Flask's own


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_ask_construct(live_server, seed_store, method):
    endpoint = live_server.url + "/sparql"

    def wrapper(query, fmt):
        client = SPARQLWrapper(endpoint)
        client.setMethod(method)
        client.setQuery(query)
        client.setReturnFormat(fmt)
        return client.query().convert()

    expected = _roles(seed_store)
    as_json = wrapper(SELECT_ROLES, JSON)
    assert [b["role"]["value"] for b in as_json["results"]["bindings"]] == expected
    as_xml = wrapper(SELECT_ROLES, XML)
    assert [u.firstChild.data for u in as_xml.getElementsByTagName("uri")] == expected
    assert wrapper(ASK_ROLES, JSON)["boolean"] is True
    turtle = wrapper(CONSTRUCT_ROLES, TURTLE)
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert sorted(str(s) for s in graph.subjects(rdflib.RDF.type, ROLE)) == expected
    rdfxml = wrapper(CONSTRUCT_ROLES, XML)
    assert sorted(str(s) for s in rdfxml.subjects(rdflib.RDF.type, ROLE)) == expected


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rdflib_sparqlstore_select_ask_construct(live_server, seed_store, method):
    graph = rdflib.Graph(store=SPARQLStore(live_server.url + "/sparql", method=method))
    expected = _roles(seed_store)
    assert [str(row.role) for row in graph.query(SELECT_ROLES)] == expected
    assert graph.query(ASK_ROLES).askAnswer is True
    constructed = graph.query(CONSTRUCT_ROLES).graph
    assert sorted(str(s) for s in constructed.subjects(rdflib.RDF.type, ROLE)) == expected
    assert sorted(str(s) for s in graph.subjects(rdflib.RDF.type, ROLE)) == expected


def test_a_runaway_query_is_stopped_while_others_are_answered(start_live_server):
    limit = 2.0
    server = start_live_server("--timeout", str(limit))
    endpoint = server.url + "/sparql"
    outcome = {}

    def runaway():
        started = time.monotonic()
        response = requests.post(endpoint, data={"query": RUNAWAY}, timeout=limit + 30)
        outcome.update(status=response.status_code, text=response.text,
                       elapsed=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    wait_until(lambda: outcome or requests.get(server.url + "/healthz", timeout=5)
               .json()["pool"]["busy"] >= 1, what="the runaway to be running")
    assert not outcome, outcome
    latencies = []
    while thread.is_alive():
        started = time.monotonic()
        answer = requests.get(endpoint, params={"query": ASK_ROLES}, timeout=5)
        latencies.append(time.monotonic() - started)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        time.sleep(0.1)
    thread.join()
    assert outcome["status"] == 503, outcome
    assert f"time limit of {limit:g} s" in outcome["text"]
    assert outcome["elapsed"] <= limit + 1.0, outcome
    assert len(latencies) >= 5 and max(latencies) < 1.0, latencies
    # The killed worker's CPU is freed: nothing under the server keeps a core busy.
    assert busy_processes(tree(server.process.pid)) == []
    assert requests.get(endpoint, params={"query": ASK_ROLES}, timeout=5).json()["boolean"]


def test_sigterm_stops_the_server_and_its_query_processes(start_live_server, tmp_path):
    store = tmp_path / "kg"
    server = start_live_server("--store", str(store))
    response = requests.get(server.url + "/sparql", params={"query": ASK_ROLES}, timeout=5)
    assert response.json()["boolean"] is True
    children = tree(server.process.pid)[1:]
    assert len(children) >= 3  # the app process, the zygote, query workers
    assert server.stop() == 0
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == []
    assert not list(tmp_path.glob(".careerkg-snapshots-*")), "snapshots left behind"
    # The store is closed and unlocked: the CLI can open it at once.
    run = subprocess.run([sys.executable, "-m", "careerkg.cli", "info", "--store", str(store)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_data_files_are_added_at_start_up(start_live_server, tmp_path):
    data = tmp_path / "extra-roles.ttl"
    data.write_text(
        f"<https://w3id.org/careerkg/id/role/data-steward> a <{CKG}Role> ;\n"
        '  <http://www.w3.org/2000/01/rdf-schema#label> "Data steward"@en .\n'
    )
    server = start_live_server("--data", str(data))
    assert "1 data file" in server.log()
    answer = requests.get(server.url + "/sparql", params={"query": SELECT_ROLES}, timeout=5)
    roles = [b["role"]["value"] for b in answer.json()["results"]["bindings"]]
    assert "https://w3id.org/careerkg/id/role/data-steward" in roles
    page = requests.get(server.url + "/id/role/data-steward", timeout=5)
    assert page.status_code == 200 and "Data steward" in page.text


def test_a_broken_data_file_stops_start_up_with_file_and_line(tmp_path):
    data = tmp_path / "broken.ttl"
    data.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n<urn:x:a> <urn:x:b> .\n")
    from conftest import free_port

    run = subprocess.run(
        [sys.executable, "-m", "careerkg.cli", "serve", "--port", str(free_port()),
         "--data", str(data)],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode != 0
    assert f"{data}:2" in run.stderr, run.stderr
    unknown = tmp_path / "roles.yaml"
    unknown.write_text("x")
    run = subprocess.run(
        [sys.executable, "-m", "careerkg.cli", "serve", "--data", str(unknown)],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode != 0 and "cannot tell the RDF format" in run.stderr


def test_pages_and_static_files_are_served(live_server):
    home = requests.get(live_server.url + "/", timeout=5)
    assert home.status_code == 200 and "careerkg" in home.text
    css = requests.get(live_server.url + "/static/careerkg.css", timeout=5)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    # The editor's files come from npm (make setup), never from a CDN.
    script = requests.get(live_server.url + "/static/vendor/yasgui.min.js", timeout=5)
    assert script.status_code == 200 and len(script.content) > 100_000, (
        "server/static/vendor/ is not installed: run `make setup`")


# -- HTTP conformance over the wire (issue 17): curl, a raw socket, roqet, SPARQLWrapper -------

def _curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "--silent", "--show-error", *args], capture_output=True,
                          timeout=30, check=True)


def _headers(raw: bytes) -> dict[str, str]:
    lines = raw.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    return {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}


def test_curl_head_answers_like_get_without_a_body(live_server):
    url = live_server.url + "/sparql?query=" + requests.utils.quote(SELECT_ROLES)
    head = _curl("--head", url).stdout
    get = _curl("--include", url).stdout
    assert head.startswith(b"HTTP/1.1 200") and get.startswith(b"HTTP/1.1 200")
    head_headers, get_headers = _headers(head), _headers(get)
    assert head_headers["content-type"] == "application/sparql-results+json"
    assert head_headers["content-length"] == get_headers["content-length"]
    assert len(get.split(b"\r\n\r\n", 1)[1]) == int(get_headers["content-length"])
    assert head.endswith(b"\r\n\r\n")  # nothing after the headers


def test_curl_gets_gzip_with_the_right_length_and_vary(live_server, seed_store, tmp_path):
    raw = tmp_path / "export.gz"
    headers = _curl("--dump-header", "-", "--output", str(raw), "--header",
                    "Accept-Encoding: gzip", live_server.url + "/export").stdout
    found = _headers(headers)
    assert found["content-encoding"] == "gzip"
    assert int(found["content-length"]) == raw.stat().st_size
    assert "Accept-Encoding" in found["vary"]
    import gzip

    assert gzip.decompress(raw.read_bytes()) == seed_store.export("turtle")
    decoded = _curl("--compressed", live_server.url + "/export").stdout
    assert decoded == seed_store.export("turtle")
    small = _headers(_curl("--include", "--header", "Accept-Encoding: gzip",
                           live_server.url + "/sparql?query=ASK%7B%7D").stdout)
    assert "content-encoding" not in small


def _raw_request(server, request: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_an_http11_request_without_host_is_400(live_server):
    without = _raw_request(live_server, b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert without.startswith(b"HTTP/1.1 400"), without[:200]
    assert b"Host" in without
    with_host = _raw_request(
        live_server, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert with_host.startswith(b"HTTP/1.1 200"), with_host[:200]
    old = _raw_request(live_server, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert old.startswith(b"HTTP/1.0 200"), old[:200]  # HTTP/1.0 has no Host requirement
    curl = subprocess.run(["curl", "--silent", "--output", "/dev/null", "--write-out",
                           "%{http_code}", "--header", "Host:", live_server.url + "/healthz"],
                          capture_output=True, text=True, timeout=30)
    assert curl.stdout == "400"


def test_a_long_get_query_gets_careerkgs_414_and_the_same_by_post_works(live_server):
    from careerkg.server.front import MAX_REQUEST_LINE

    long_query = SELECT_ROLES.replace("ORDER BY", "# " + "x" * 9000 + "\nORDER BY")
    refused = requests.get(live_server.url + "/sparql", params={"query": long_query},
                           timeout=10)
    assert refused.status_code == 414
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert "POST" in refused.text and f"{MAX_REQUEST_LINE:,}" in refused.text
    posted = requests.post(live_server.url + "/sparql", data={"query": long_query}, timeout=10)
    assert posted.status_code == 200
    # A request line just inside the limit is still the app's.
    fits = "ASK {} #" + "y" * (MAX_REQUEST_LINE - 100)
    assert requests.get(live_server.url + "/sparql", params={"query": fits},
                        timeout=10).status_code == 200


def _roqet(server, query: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["roqet", "-i", "sparql11-query", "-p", server.url + "/sparql",
                           "-e", query, *args], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def roqet():
    import shutil

    if shutil.which("roqet") is None:
        pytest.fail("roqet is not installed: run `make test` (it installs rasqal-utils)")


def test_roqet_select(live_server, seed_store, roqet):
    run = _roqet(live_server, SELECT_ROLES, "-r", "csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["role", *_roles(seed_store)]


DESCRIBE_ROLE = "DESCRIBE <https://w3id.org/careerkg/id/role/data-scientist>"


@pytest.mark.parametrize("query", [CONSTRUCT_ROLES, DESCRIBE_ROLE, ASK_ROLES])
def test_roqet_graph_and_boolean_queries_are_answered(live_server, roqet, query):
    """roqet asks for SPARQL XML results whatever the query: a graph query gets Turtle (not
    406) and ASK its boolean.  (roqet 0.9.33 itself reads only result sets from a remote
    endpoint, so the answer it got is checked in the access log and with its own Accept.)"""
    before = live_server.log().count('"path": "/sparql"')
    run = _roqet(live_server, query)
    assert "HTTP status" not in run.stderr, run.stderr  # roqet's words for a refusal
    lines = [line for line in live_server.log().splitlines() if '"path": "/sparql"' in line]
    assert len(lines) > before and '"status": 200' in lines[-1], lines[-1:]
    same = requests.get(live_server.url + "/sparql", params={"query": query},
                        headers={"Accept": "application/sparql-results+xml"}, timeout=10)
    assert same.status_code == 200
    if query == ASK_ROLES:
        assert same.headers["Content-Type"].startswith("application/sparql-results+xml")
        assert "<boolean>true</boolean>" in same.text
    else:
        assert same.headers["Content-Type"].startswith("text/turtle")
        assert len(rdflib.Graph().parse(data=same.text, format="turtle")) > 0


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::DeprecationWarning")
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_every_return_format_on_every_query_form(live_server, method):
    """SPARQLWrapper sends format=, output= and results= with its own Accept; every
    combination gets an answer (a results format on a graph query: the default RDF type)."""
    from SPARQLWrapper import CSV, JSONLD, N3, RDFXML, TSV

    forms = {"SELECT": SELECT_ROLES, "ASK": ASK_ROLES, "CONSTRUCT": CONSTRUCT_ROLES}
    expected = {
        ("SELECT", JSON): "application/sparql-results+json",
        ("SELECT", XML): "application/sparql-results+xml",
        ("SELECT", CSV): "text/csv", ("SELECT", TSV): "text/tab-separated-values",
        ("ASK", JSON): "application/sparql-results+json",
        ("ASK", XML): "application/sparql-results+xml",
        ("CONSTRUCT", TURTLE): "text/turtle", ("CONSTRUCT", N3): "text/turtle",
        ("CONSTRUCT", XML): "application/rdf+xml", ("CONSTRUCT", RDFXML): "application/rdf+xml",
        ("CONSTRUCT", JSONLD): "application/ld+json", ("CONSTRUCT", JSON): "application/ld+json",
        ("CONSTRUCT", CSV): "text/turtle", ("CONSTRUCT", TSV): "text/turtle",
    }
    for (form, fmt), media in expected.items():
        client = SPARQLWrapper(live_server.url + "/sparql")
        client.setMethod(method)
        client.setQuery(forms[form])
        client.setReturnFormat(fmt)
        response = client.query().response
        assert response.status == 200, (form, fmt)
        assert response.headers["Content-Type"].split(";")[0] == media, (form, fmt)


def test_serve_logs_readable_lines_on_a_terminal_and_json_otherwise(tmp_path):
    import os
    import pty
    import signal

    from conftest import free_port

    controller, terminal = pty.openpty()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "careerkg.cli", "serve", "--port", str(port)],
        stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"careerkg serving" not in seen and time.monotonic() < deadline:
            seen += os.read(controller, 65536)
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        while b"/healthz" not in seen and time.monotonic() < deadline:
            seen += os.read(controller, 65536)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        os.close(controller)
    lines = seen.decode("utf-8", "replace").splitlines()
    serving = next(line for line in lines if "careerkg serving" in line)
    access = next(line for line in lines if "/healthz" in line)
    assert not serving.lstrip().startswith("{") and "INFO" in serving
    assert "path=/healthz" in access and "status=200" in access
    assert not any(line.lstrip().startswith("{") for line in lines)


def test_serve_writes_json_lines_with_log_format_json(live_server, start_live_server):
    import json

    assert all(json.loads(line) for line in live_server.log().splitlines() if line.strip())
    server = start_live_server("--log-format", "text")
    assert "careerkg serving" in server.log() and not server.log().lstrip().startswith("{")

"""A real ``careerkg serve`` (gunicorn, worker processes) exercised by real SPARQL clients.

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
    assert "Starting gunicorn" in live_server.log()  # a production server, not Flask's own


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
    assert len(children) >= 3  # the gunicorn worker, the zygote, query workers
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

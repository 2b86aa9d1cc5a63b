"""Reads in worker processes: deadlines that hold, a pool that heals, writes that show."""

from __future__ import annotations

import http.server
import os
import signal
import threading
import time

import psutil
import pytest
from conftest import wait_until
from reliability.conftest import busy_processes

from careerkg.graph.errors import QueryTimeout, StoreError
from careerkg.graph.executor import IsolatedStore, PoolConfig
from careerkg.graph.formats import rdf_format
from careerkg.graph.sparql import QuerySyntaxError
from careerkg.graph.store import Payload

RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)
LIGHT = "SELECT ?s WHERE { ?s a <https://w3id.org/careerkg/ontology#Role> } LIMIT 5"


@pytest.fixture(params=["memory", "disk"])
def isolated(request, tmp_path):
    spec = None if request.param == "memory" else str(tmp_path / "store")
    store = IsolatedStore(spec, PoolConfig(min_workers=2, max_workers=4, timeout=1.5))
    yield store
    store.close()


def pool_processes(store: IsolatedStore) -> list[psutil.Process]:
    zygote = psutil.Process(store.zygote_pid)
    return [zygote, *zygote.children(recursive=True)]


def test_a_runaway_query_is_stopped_on_time_while_others_answer(isolated):
    answered = []
    stop = threading.Event()

    def light_queries():
        while not stop.is_set():
            started = time.monotonic()
            isolated.query(LIGHT)
            answered.append(time.monotonic() - started)

    light = threading.Thread(target=light_queries)
    light.start()
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit of 1.5 s"):
        isolated.query(RUNAWAY)
    elapsed = time.monotonic() - started
    stop.set()
    light.join()
    assert 1.5 <= elapsed < 2.5
    assert len(answered) > 10, "light queries kept answering during the runaway"
    # The stopped worker's CPU is freed within a moment (a runaway left running would burn
    # on for good).
    wait_until(lambda: busy_processes(pool_processes(isolated), window=0.3, threshold=50) == [],
               timeout=5, what="no worker left burning CPU")
    assert isolated.query(LIGHT).rows


def test_a_longer_deadline_can_be_given_per_query(isolated):
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        isolated.query(RUNAWAY, timeout=0.5)
    assert time.monotonic() - started < 1.4


def test_a_worker_killed_mid_query_is_replaced(isolated):
    def kill_busy_worker():
        busy = wait_until(
            lambda: busy_processes(psutil.Process(isolated.zygote_pid).children(), window=0.1),
            timeout=4, what="a worker running the runaway")
        os.kill(busy[0][0], signal.SIGKILL)

    killer = threading.Thread(target=kill_busy_worker)
    killer.start()
    with pytest.raises(StoreError, match="stopped unexpectedly"):
        isolated.query(RUNAWAY, timeout=5)
    killer.join()
    assert isolated.query(LIGHT).rows


def test_errors_cross_the_process_boundary_intact(isolated):
    with pytest.raises(QuerySyntaxError) as caught:
        isolated.query("SELECT ?s WHERE { ?s ?p }")
    assert caught.value.line == 1 and caught.value.column


def test_serialization_happens_in_the_worker(isolated):
    body, meta = isolated.query_serialized(LIGHT, "csv", limit=1)
    assert body.startswith(b"s\r\n")
    assert meta.rows == 1 and meta.truncated is True


def test_writes_are_seen_by_later_reads(isolated):
    ask = "ASK { <http://example.org/a> ?p ?o }"
    assert isolated.query(ask).boolean is False
    source, changed = isolated.replace_source(
        "example",
        Payload(data=b"<http://example.org/a> <http://example.org/p> 1 .",
                format=rdf_format("turtle")),
    )
    assert changed and source.triples == 1
    for _ in range(6):  # every worker, old or new, sees the write
        assert isolated.query(ask).boolean is True
    assert "example" in [s.name for s in isolated.sources()]
    isolated.drop_source("example")
    assert isolated.query(ask).boolean is False


def test_close_leaves_no_process_behind(tmp_path):
    store = IsolatedStore(None, PoolConfig(min_workers=2))
    processes = pool_processes(store)
    assert len(processes) == 3
    store.close()
    gone, alive = psutil.wait_procs(processes, timeout=5)
    assert alive == []


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")
def test_workers_cannot_reach_the_network():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    store = IsolatedStore(None, PoolConfig(min_workers=1, timeout=5))
    try:
        assert store.network_isolated
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        with pytest.raises(Exception):  # noqa: B017 - any failure will do, as long as no hit
            store.query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        assert _CountingHandler.hits == 0
    finally:
        store.close()
        server.shutdown()

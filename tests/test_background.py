"""Slow values computed in the background (careerkg.graph.background) and kept beside a disk
store (careerkg.graph.overlap.kept): a request waits for them at most until its deadline,
then gets 503 + Retry-After, and the next start of a server reads them back instead of
rebuilding them."""

from __future__ import annotations

import pickle
import threading
import time

import networkx as nx
import pytest
from conftest import wait_until

from careerkg.graph import background
from careerkg.graph.background import deadline, prepare
from careerkg.graph.errors import StillPreparing
from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.overlap import kept, model
from careerkg.graph.overlap.weighted import weighted_matrix
from careerkg.graph.store import Payload
from careerkg.graph.warm import warm_up
from careerkg.server import close_app, create_app

# -- prepare ---------------------------------------------------------------------------------


def _key(name: str):
    return ("test_background", name, time.monotonic_ns())


def test_callers_of_one_key_share_one_run():
    calls, release = [], threading.Event()

    def build():
        calls.append(1)
        release.wait(10)
        return "value"

    key, answers = _key("shared"), []
    threads = [threading.Thread(target=lambda: answers.append(prepare(key, build, what="x")))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    wait_until(lambda: calls, what="the build to start")
    release.set()
    for thread in threads:
        thread.join(10)
    assert answers == ["value"] * 5 and calls == [1]


def test_a_deadline_stops_the_wait_not_the_work():
    release, kept_values = threading.Event(), {}

    def build():
        release.wait(10)
        kept_values["v"] = 42
        return 42

    key = _key("deadline")
    started = time.monotonic()
    with deadline(0.2), pytest.raises(StillPreparing) as raised:
        prepare(key, build, what="the answer")
    assert time.monotonic() - started < 2
    error = raised.value
    assert error.retry_after >= 1 and not error.busy
    assert "the answer is still being prepared" in str(error) and "time limit" in str(error)
    assert "the answer" in background.running()
    release.set()
    wait_until(lambda: kept_values.get("v") == 42, what="the build to finish on its own")
    wait_until(lambda: "the answer" not in background.running(), what="the run to end")


def test_without_a_deadline_the_caller_waits_as_long_as_it_takes():
    def build():
        time.sleep(0.3)
        return "slow"

    assert background.remaining() is None
    assert prepare(_key("no deadline"), build, what="x") == "slow"


def test_a_failed_build_reaches_its_callers_and_is_tried_again():
    attempts = []

    def build():
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first attempt fails")
        return "second"

    key = _key("retry")
    with pytest.raises(ValueError, match="first attempt fails"):
        prepare(key, build, what="x")
    assert prepare(key, build, what="x") == "second" and len(attempts) == 2


def test_past_max_running_a_request_is_told_to_come_back():
    release = threading.Event()
    keys = [_key(f"busy {i}") for i in range(background.MAX_RUNNING)]
    holders = [threading.Thread(target=prepare, args=(k, lambda: release.wait(10)),
                                kwargs={"what": "busy"}) for k in keys]
    for holder in holders:
        holder.start()
    try:
        wait_until(lambda: background.running().count("busy") == background.MAX_RUNNING,
                   what="the runs to start")
        with deadline(5), pytest.raises(StillPreparing) as raised:
            prepare(_key("one more"), lambda: 1, what="one more")
        assert raised.value.busy and "time limit" in str(raised.value)
        # without a deadline (the CLI, the API) it runs anyway
        assert prepare(_key("no deadline"), lambda: 2, what="one more") == 2
    finally:
        release.set()
        for holder in holders:
            holder.join(10)


def test_a_build_that_needs_another_value_computes_it_in_its_own_thread():
    threads = {}

    def inner():
        threads["inner"] = threading.current_thread()
        return 2

    def outer():
        threads["outer"] = threading.current_thread()
        return prepare(_key("inner"), inner, what="inner") + 1

    assert prepare(_key("outer"), outer, what="outer") == 3
    assert threads["inner"] is threads["outer"] is not threading.current_thread()


# -- kept beside the store ---------------------------------------------------------------------


def _edges(G: nx.Graph) -> set:
    return {tuple(sorted(e)) for e in G.edges}


def test_warm_up_keeps_the_graph_and_a_new_store_object_reads_it_back(tmp_path):
    folder = tmp_path / "kg"
    store = open_store(str(folder))
    try:
        fresh = model.requirements_graph(store)
        warm_up(store)
        path = kept.kept_path(store)
        assert path == tmp_path / "kg.overlap.pickle" and path.is_file()
        fingerprint = store.fingerprint()
    finally:
        store.close()
    again = open_store(str(folder))
    try:
        loaded = kept.load_kept(again, fingerprint)
        assert loaded is not None
        assert set(loaded.nodes) == set(fresh.nodes) and _edges(loaded) == _edges(fresh)
        assert loaded.graph["weights"] == fresh.graph["weights"]
        # the similarity computed by the warm-up came back with it (not computed again)
        from careerkg.graph.overlap.derived import kept_values
        assert ("matrix", "all") in kept_values(loaded)
        assert weighted_matrix(loaded) is kept_values(loaded)[("matrix", "all")]
        # the cached graph of the store is the kept one
        model.clear_cache(again)
        G = model.cached_requirements_graph(again)
        assert _edges(G) == _edges(fresh) and ("matrix", "all") in kept_values(G)
    finally:
        again.close()


@pytest.fixture
def warm_store(tmp_path):
    """A disk store (the seed) after :func:`warm_up`: its graph kept beside it."""
    store = open_store(str(tmp_path / "kg"))
    warm_up(store)
    yield store
    store.close()


def test_a_kept_graph_of_other_sources_or_other_code_is_not_read(warm_store, monkeypatch):
    store = warm_store
    fingerprint = store.fingerprint()
    assert kept.load_kept(store, fingerprint) is not None
    # the data changed: another source
    store.replace_source("extra", Payload(data=b"<urn:x:a> <urn:x:b> <urn:x:c> .\n",
                                          format=rdf_format("ntriples")))
    assert store.fingerprint() != fingerprint
    assert kept.load_kept(store, store.fingerprint()) is None
    # the code changed
    monkeypatch.setattr(kept, "_code_digest", lambda: "another version")
    assert kept.load_kept(store, fingerprint) is None


def test_a_damaged_kept_file_is_ignored_and_replaced(warm_store, caplog):
    store = warm_store
    path = kept.kept_path(store)
    key = kept.kept_key(store)
    path.write_bytes(pickle.dumps(key) + b"not a pickle")
    assert kept.load_kept(store, store.fingerprint()) is None
    assert "ignoring" in caplog.text and str(path) in caplog.text
    path.write_bytes(b"\x00garbage")
    model.clear_cache(store)
    G = model.cached_requirements_graph(store)  # built from the store instead
    assert G.number_of_edges() > 0
    kept.keep(store, G)
    assert kept.kept_key(store)[:2] == key[:2]  # the same sources and code
    assert kept.load_kept(store, store.fingerprint()) is not None
    # a graph with more computed values is kept again; one with fewer is not
    weighted_matrix(G)
    kept.keep(store, G)
    assert ("matrix", "all") in kept.kept_key(store)[2]
    model.clear_cache(store)
    store_graph = model.requirements_graph(store)
    store_graph.graph["fingerprint"] = store.fingerprint()
    kept.keep(store, store_graph)
    assert ("matrix", "all") in kept.kept_key(store)[2]


def test_a_store_in_memory_keeps_nothing(seed_store):
    assert kept.kept_path(seed_store) is None
    assert kept.keep(seed_store, model.cached_requirements_graph(seed_store)) is None


# -- in a request ----------------------------------------------------------------------------


def test_a_request_waits_for_the_graph_until_its_time_limit_then_gets_503(tmp_path,
                                                                          monkeypatch):
    """While the requirement graph is being built, a request waits at most the query time
    limit, is answered 503 with Retry-After and says why; the build goes on, and a later
    request gets the answer."""
    release = threading.Event()
    real = model.requirements_graph

    def slow(store, *args, **kwargs):
        release.wait(30)
        return real(store, *args, **kwargs)

    monkeypatch.setattr(model, "requirements_graph", slow)
    store = open_store(str(tmp_path / "kg"))
    app = create_app({"TESTING": True, "STORE": store, "QUERY_TIMEOUT": 0.5,
                      "MIN_WORKERS": 1})
    client = app.test_client()
    try:
        started = time.monotonic()
        answer = client.get("/api/similar?role=data-scientist")
        assert time.monotonic() - started < 5
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) >= 1
        message = answer.json["error"]["message"]
        assert "requirement graph is still being prepared" in message
        assert "time limit" in message
        page = client.get("/compare?a=data-scientist&b=machine-learning-engineer",
                          headers={"Accept": "text/html"})
        assert page.status_code == 503 and b"still being prepared" in page.data
        release.set()
        wait_until(lambda: client.get("/api/similar?role=data-scientist").status_code == 200,
                   what="the graph to be ready")
        assert client.get("/api/similar?role=data-scientist").json
    finally:
        release.set()
        close_app(app)
        store.close()


# -- the export and the service description's counts, once per set of sources -------------------

TOKEN = "admin-token-for-the-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _void_default_size(client) -> int:
    import rdflib

    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    graph = rdflib.Graph().parse(data=client.get("/sparql").data, format="turtle")
    dataset = next(graph.objects(None, sd.defaultDataset))
    default = graph.value(dataset, sd.defaultGraph)
    return int(graph.value(default, rdflib.URIRef("http://rdfs.org/ns/void#triples")))


def test_the_export_is_written_once_per_set_of_sources_and_sent_from_the_file(tmp_path):
    store = open_store(str(tmp_path / "kg"))
    app = create_app({"TESTING": True, "STORE": store, "MIN_WORKERS": 1})
    client = app.test_client()
    try:
        first = client.get("/export")
        assert first.status_code == 200 and first.data == store.export("turtle")
        files = sorted((tmp_path / "kg.export").iterdir())
        assert [f.suffix for f in files] == [".ttl"] and files[0].read_bytes() == first.data
        assert first.headers["Content-Disposition"].startswith("attachment")
        assert "careerkg.ttl" in first.headers["Content-Disposition"]
        assert "Accept" in first.headers["Vary"] and first.headers["ETag"]
        again = client.get("/export", headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        nt = client.get("/export?format=ntriples")
        assert nt.data == store.export("ntriples")
        assert len(list((tmp_path / "kg.export").iterdir())) == 2
        # new sources: a new export, the old files gone
        store.replace_source("extra", Payload(data=b"<urn:x:a> <urn:x:b> <urn:x:c> .\n",
                                              format=rdf_format("ntriples")))
        after = client.get("/export")
        assert b"urn:x:a" in after.data and after.data == store.export("turtle")
        assert [f.suffix for f in (tmp_path / "kg.export").iterdir()] == [".ttl"]
    finally:
        close_app(app)
        store.close()


def test_the_export_of_a_store_in_memory_is_kept_in_memory(seed_store):
    app = create_app({"TESTING": True, "STORE": seed_store, "MIN_WORKERS": 1})
    try:
        from careerkg.graph.exported import exported

        assert app.test_client().get("/export").data == seed_store.export("turtle")
        assert exported(seed_store, "turtle") is exported(seed_store, "turtle")
    finally:
        close_app(app)


def test_the_counts_are_kept_and_a_raw_update_makes_them_counted_again(tmp_path):
    store = open_store(str(tmp_path / "kg"))
    app = create_app({"TESTING": True, "STORE": store, "MIN_WORKERS": 1,
                      "ADMIN_TOKEN": TOKEN})
    client = app.test_client()
    try:
        warm_up(store)
        assert kept.kept_path(store).is_file()
        before = _void_default_size(client)
        assert "dataset sizes" in background._PER_SOURCES[store]  # counted once, kept
        insert = "INSERT DATA { GRAPH <urn:x:admin> { <urn:x:s> <urn:x:p> <urn:x:o> } }"
        answer = client.post("/admin/update", headers=AUTH, data=insert,
                             content_type="application/sparql-update")
        assert answer.status_code == 200
        assert _void_default_size(client) == before + 1
        # what was derived from the graph before the update is gone (it does not show in
        # the sources' fingerprint), in memory and beside the store
        assert not kept.kept_path(store).exists()
        assert not (tmp_path / "kg.search.sqlite").exists()
    finally:
        close_app(app)
        store.close()

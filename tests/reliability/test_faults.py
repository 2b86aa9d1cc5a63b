"""Faults on a live ``careerkg serve``.

* A query process killed in the middle of a query: the client gets a clean 5xx JSON error,
  the next query is answered, the pool is whole again.
* The whole server killed with SIGKILL in the middle of an admin import of the real O*NET
  files into an on-disk store, then started again on the same folder: it opens, the sources
  are consistent (no O*NET, or all of it; no graph that no source names; no snapshot folder
  left by the dead server), queries work, and the import can be redone to completion.

Both on the seed graph and on the full graph (``careerkg build``), plus:

* ``careerkg build`` killed with SIGKILL while it writes the full graph: the store opens
  consistent (no graph that no source names, no mark of a graph being loaded, no bulk-load
  file left), and ``careerkg build`` run again completes, with the same sources and triples
  as an uninterrupted build.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pyoxigraph as ox
import requests
from conftest import ONET_DIR, LiveServer, wait_until

from careerkg.graph.namespaces import CKG

from .conftest import STARTUP, kill_tree, store_options, tree

TOKEN = "faults-admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ASK = f"ASK {{ ?r a <{CKG}Role> }}"
REGISTRY = "https://w3id.org/careerkg/graph/registry"
ONET_FILES = ["Occupation Data.txt", "Technology Skills.txt"]
#: Kills of a query process, and of the whole server during an import.
WORKER_KILLS = 3
SERVER_KILLS = 2


def _query_processes(server: LiveServer) -> list[psutil.Process]:
    """The query processes: the children of the zygote (``careerkg.graph.executor``)."""
    for process in tree(server.process.pid):
        try:
            if "careerkg.graph.executor" in " ".join(process.cmdline()):
                return process.children()
        except psutil.NoSuchProcess:
            continue
    raise AssertionError("no zygote under the server")


def _busy_worker(server: LiveServer) -> psutil.Process:
    """The query process running the runaway query: once the pool says a query is in
    progress, the process whose CPU time grows most (on a busy machine it may get well under
    a core, so no fixed share is asked for)."""
    wait_until(lambda: requests.get(server.url + "/healthz", timeout=5).json()["pool"]["busy"],
               timeout=30, what="the runaway query in a query process")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        before = {}
        for process in _query_processes(server):
            with contextlib.suppress(psutil.NoSuchProcess):
                before[process] = sum(process.cpu_times()[:2])
        time.sleep(0.3)
        grown = []
        for process, used in before.items():
            with contextlib.suppress(psutil.NoSuchProcess):
                grown.append((sum(process.cpu_times()[:2]) - used, process.pid, process))
        grown.sort(key=lambda g: g[:2], reverse=True)
        if grown and grown[0][0] > 0 and (len(grown) == 1 or grown[0][0] > 2 * grown[1][0]):
            return grown[0][2]
    raise AssertionError("no query process took the runaway query")


def _runaway(endpoint: str, outcome: dict) -> None:
    started = time.monotonic()
    answer = requests.post(endpoint, data={"query": RUNAWAY}, timeout=60,
                           headers={"Accept": "application/json"})
    outcome.update(status=answer.status_code, body=answer.json(),
                   seconds=time.monotonic() - started)


def test_a_query_process_killed_mid_query(graph, figures):
    server = LiveServer(*store_options(graph), "--timeout", "30", startup_timeout=STARTUP)
    try:
        endpoint = server.url + "/sparql"
        for _ in range(WORKER_KILLS):
            outcome: dict = {}
            thread = threading.Thread(target=_runaway, args=(endpoint, outcome))
            thread.start()
            worker = _busy_worker(server)
            worker.kill()
            thread.join(timeout=30)
            assert 500 <= outcome["status"] < 600, outcome
            assert "stopped unexpectedly" in outcome["body"]["error"]["message"]
            assert outcome["seconds"] < 10  # answered when the process died, not at 30 s
            answer = requests.get(endpoint, params={"query": ASK}, timeout=10)
            assert answer.status_code == 200 and answer.json()["boolean"] is True
            figures["query processes killed"] += 1
        health = requests.get(server.url + "/healthz", timeout=5).json()
        assert health["status"] == "ok" and health["pool"]["busy"] == 0
    finally:
        server.close()


def _graphs(server: LiveServer) -> set[str]:
    answer = requests.get(server.url + "/sparql", timeout=10, params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    return {b["g"]["value"] for b in answer.json()["results"]["bindings"]}


def _pending(server: LiveServer) -> bool:
    answer = requests.get(server.url + "/sparql", timeout=10, params={
        "query": f"ASK {{ GRAPH <{REGISTRY}> {{ ?g a <{CKG}PendingGraph> }} }}"})
    return answer.status_code == 200 and answer.json()["boolean"]


def _bulk_loading(store) -> bool:
    try:
        return any(name.startswith("bulk-") for name in os.listdir(store))
    except FileNotFoundError:
        return False


def _import(server: LiveServer) -> requests.Response:
    files = [("file", (name, (ONET_DIR / name).read_bytes())) for name in ONET_FILES]
    return requests.post(server.url + "/admin/import/onet", headers=AUTH, files=files,
                         timeout=300)


STOPPED = (psutil.STATUS_STOPPED, psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)


def _freeze(pid: int) -> None:
    """SIGSTOP a process and its descendants: nothing they do moves on until the SIGKILL."""
    for process in tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGSTOP)
    for process in tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            wait_until(lambda p=process: p.status() in STOPPED, timeout=10,
                       what=f"process {process.pid} to stop", interval=0.005)


def _import_until_killed(server: LiveServer) -> None:
    with contextlib.suppress(requests.ConnectionError):
        _import(server)


def _leftovers(store) -> int:
    """What a crashed import left in the store (opened read-only as the crash left it):
    graphs that no source names, and marks of graphs being loaded."""
    kg = ox.Store.read_only(str(store))
    try:
        named = {g.value for g in kg.named_graphs()}
        live = {row[0].value for row in kg.query(
            f"SELECT ?g WHERE {{ GRAPH <{REGISTRY}> {{ ?g <{CKG}sourceName> ?n }} }}")}
        pending = {row[0].value for row in kg.query(
            f"SELECT ?g WHERE {{ GRAPH <{REGISTRY}> {{ ?g a <{CKG}PendingGraph> }} }}")}
        return len((named - live - {REGISTRY}) | pending)
    finally:
        del kg


def test_the_server_killed_mid_import_restarts_consistent(tmp_path, figures):
    store = tmp_path / "kg"
    env = {"CAREERKG_ADMIN_TOKEN": TOKEN}
    states = []
    for attempt in range(SERVER_KILLS):
        server = LiveServer("--store", str(store), env=env)
        try:
            thread = threading.Thread(target=_import_until_killed, args=(server,), daemon=True)
            thread.start()
            # Kill once the import is writing: Oxigraph's bulk loader puts its bulk-*.sst
            # files in the store's folder while it loads (a little later on each attempt).
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and thread.is_alive() and not _bulk_loading(store):
                time.sleep(0.005)
            if attempt:
                time.sleep(0.1 * attempt)
            # Freeze the whole server (SIGSTOP), then look at the store: what is seen is
            # what the SIGKILL meets, whatever the timing.
            _freeze(server.process.pid)
            states.append("while writing" if _bulk_loading(store)
                          else "after writing" if not thread.is_alive() else "before writing")
            kill_tree(server.process.pid)
        finally:
            server.close()
        thread.join(timeout=30)
        figures["leftovers of killed imports"] += _leftovers(store)

        restarted = LiveServer("--store", str(store), env=env)
        try:
            sources = {s["name"]: s for s in requests.get(
                restarted.url + "/admin/sources", headers=AUTH, timeout=10).json()}
            live = {s["graph"] for s in sources.values()}
            assert _graphs(restarted) - live == {REGISTRY}, "a graph that no source names"
            assert not _pending(restarted)
            assert not _bulk_loading(store), "the bulk loader's files were left behind"
            snapshots = list(tmp_path.glob(".careerkg-snapshots-*"))
            assert len(snapshots) == 1, snapshots  # the dead server's were removed
            answer = requests.get(restarted.url + "/sparql", params={"query": ASK}, timeout=10)
            assert answer.json()["boolean"] is True
            if "onet" in sources:  # then all of it
                count = requests.get(restarted.url + "/sparql", timeout=10, params={
                    "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{sources['onet']['graph']}>"
                             " { ?s ?p ?o } }"}).json()
                assert int(count["results"]["bindings"][0]["n"]["value"]) == \
                    sources["onet"]["triples"]
                requests.delete(restarted.url + "/admin/sources/onet", headers=AUTH, timeout=30)
            figures["server kills survived"] += 1
        finally:
            restarted.close()

    # Redone to completion, and the CLI reads the same state from the folder.
    final = LiveServer("--store", str(store), env=env)
    try:
        answer = _import(final)
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert report["changed"] is True and report["counts"]["roles"] > 900
        roles = requests.get(final.url + "/sparql", timeout=10, params={
            "query": "ASK { <https://w3id.org/careerkg/id/onet/occupation/15-2051.00> a "
                     f"<{CKG}Role> }}"}).json()
        assert roles["boolean"] is True
    finally:
        final.close()
    listed = subprocess.run([sys.executable, "-m", "careerkg.cli", "sources", "--store",
                             str(store)], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "onet" in listed.stdout, listed.stderr
    assert f"{report['triples']:,}" in listed.stdout or str(report["triples"]) in listed.stdout
    figures["server kills while writing"] = states.count("while writing")
    assert "while writing" in states, states
    assert figures["leftovers of killed imports"] > 0  # there was something to recover


def _source_triples(store) -> dict[str, int]:
    """Each source's name → the triples its graph holds, read from the folder (read-only)."""
    kg = ox.Store.read_only(str(store))
    try:
        return {row[0].value: int(row[1].value) for row in kg.query(
            f"SELECT ?n (COUNT(*) AS ?t) WHERE {{ GRAPH <{REGISTRY}> {{ ?g <{CKG}sourceName> ?n }}"
            " GRAPH ?g { ?s ?p ?o } } GROUP BY ?n")}
    finally:
        del kg


def _careerkg(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "careerkg.cli", *args], capture_output=True,
                          text=True, **kwargs)


def test_careerkg_build_killed_mid_write_then_completes(full_store, tmp_path, figures):
    store = tmp_path / "kg"
    # A store that holds the ontology and seed already (they are bulk-loaded too when a new
    # store is opened): the first graph the build marks as being loaded is an import's.
    seeded = _careerkg("sources", "--store", str(store), timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    build = subprocess.Popen([sys.executable, "-m", "careerkg.cli", "build", "--quiet",
                              "--store", str(store)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # Kill while the build writes its import.  It opens the store (a few writes), then
        # reads and checks all of its input, writing nothing, then loads: once its write
        # calls have been still for 2 s (reading), the first write after is the load's
        # start; the build is frozen (SIGSTOP) at it, the store's folder looked at, killed.
        process = psutil.Process(build.pid)

        def written() -> int:
            return process.io_counters().write_chars

        wait_until(lambda: build.poll() is not None or written() > 0, timeout=300,
                   what="careerkg build to open its store", interval=0.01)
        quiet = {"value": written(), "since": time.monotonic()}

        def reading() -> bool:
            now = written()
            if now != quiet["value"]:
                quiet.update(value=now, since=time.monotonic())
            return build.poll() is not None or time.monotonic() - quiet["since"] > 2

        wait_until(reading, timeout=600, what="careerkg build to read", interval=0.05)
        baseline = written()
        wait_until(lambda: build.poll() is not None or written() > baseline, timeout=1800,
                   what="careerkg build to write", interval=0.002)
        assert build.poll() is None, "the build ended before it was killed"
        _freeze(build.pid)
        state = "while writing"
        figures["bulk-load files seen at the kill"] = int(_bulk_loading(store))
        kill_tree(build.pid)
    finally:
        if build.poll() is None:
            build.kill()
        build.wait(timeout=30)
    # (kill_tree reaps the process, so Popen does not see its signal: it was stopped when
    # the SIGKILL was sent, so it cannot have finished.)
    assert state == "while writing"
    figures["build kills while writing"] += 1
    figures["leftovers of the killed build"] = _leftovers(store)

    # The store as the next command finds it (opening it for writing recovers): consistent.
    listed = _careerkg("sources", "--format", "json", "--store", str(store), timeout=300)
    assert listed.returncode == 0, listed.stderr
    assert not _bulk_loading(store), "the bulk loader's files were left behind"
    assert _leftovers(store) == 0

    # Built again to completion: the same sources, each with the same triples, as the
    # uninterrupted build of the same data.
    started = time.monotonic()
    rebuilt = _careerkg("build", "--quiet", "--format", "json", "--store", str(store),
                        timeout=1800)
    figures["rebuild after the kill s"] = round(time.monotonic() - started, 1)
    assert rebuilt.returncode == 0, rebuilt.stderr
    report = json.loads(rebuilt.stdout)
    assert all(s["changed"] for s in report["sources"])  # the killed step was not taken as done
    assert _leftovers(store) == 0
    assert _source_triples(store) == _source_triples(full_store)

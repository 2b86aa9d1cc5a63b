"""What the reliability suite shares: a loopback stub that counts every request it gets, a
file of secrets, process-tree helpers, and the figures each module reports.

Each module records its figures with the ``figures`` fixture (``figures["requests"] += 1``);
at the end of the run a one-line summary per module is printed, and the figures are written
as JSON to the file named by ``CAREERKG_RELIABILITY_REPORT`` when it is set.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import pytest

#: module name → its figures, in the order the modules ran.
FIGURES: dict[str, Counter] = {}


@pytest.fixture
def figures(request) -> Counter:
    """The figures of the current module, on the graph it runs on when it runs on several
    (``test_load[full]``): a Counter; plain values may be set too."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "graph" in callspec.params:
        name += f"[{callspec.params['graph']}]"
    return FIGURES.setdefault(name, Counter())


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for module, values in FIGURES.items():
        text = ", ".join(f"{key} {value}" for key, value in values.items())
        terminalreporter.write_line(f"{module}: {text}")
    target = os.environ.get("CAREERKG_RELIABILITY_REPORT")
    if target:
        Path(target).write_text(json.dumps({m: dict(v) for m, v in FIGURES.items()}, indent=2,
                                           default=str) + "\n")


class Stub:
    """A loopback HTTP server that answers every request with a small RDF document and
    counts it: any hit means careerkg reached out."""

    def __init__(self):
        self.hits: list[tuple[str, str]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                stub.hits.append((self.command, self.path))
                body = b'{"@context": {"name": "http://schema.org/name"}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_PUT = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def stub():
    server = Stub()
    yield server
    server.close()


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> tuple[Path, str]:
    """A local file holding a marker that must never appear in any answer."""
    marker = f"SECRET-{uuid.uuid4().hex}"
    path = tmp_path_factory.mktemp("secret") / "secret.ttl"
    path.write_text(f'<urn:x:secret> <urn:x:is> "{marker}" .\n')
    return path, marker


def tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def busy_processes(processes: list[psutil.Process], window: float = 1.0,
                   threshold: float = 20.0) -> list[tuple[int, float]]:
    """Processes that used more than ``threshold`` % of a core over ``window`` seconds."""
    alive = []
    for process in processes:
        try:
            process.cpu_percent(None)
            alive.append(process)
        except psutil.NoSuchProcess:
            pass
    time.sleep(window)
    busy = []
    for process in alive:
        try:
            usage = process.cpu_percent(None)
        except psutil.NoSuchProcess:
            continue
        if usage > threshold:
            busy.append((process.pid, usage))
    return busy


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every descendant at once (a crash, not a shutdown)."""
    processes = tree(pid)
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGKILL)
    psutil.wait_procs(processes, timeout=10)


#: The graphs the suite runs on: the seed (built into every store) and the full graph
#: (``careerkg build`` of the repository's data/, the ``full_store`` fixture).
GRAPHS = ["seed", "full"]


def pytest_generate_tests(metafunc):
    """Each module runs on its ``GRAPHS`` (the suite's by default)."""
    if "graph" in metafunc.fixturenames:
        graphs = getattr(metafunc.module, "GRAPHS", GRAPHS)
        metafunc.parametrize("graph", graphs, indirect=True, scope="module")


@pytest.fixture(scope="module")
def graph(request, tmp_path_factory) -> tuple[str, Path | None]:
    """``(name, folder)``: the graph a module's tests run on — ``("seed", None)`` (a store in
    memory) or ``("full", a writable copy of the full graph's folder)``, shared by the
    module's tests (one server or store on it at a time)."""
    if request.param == "seed":
        return "seed", None
    from conftest import copy_store

    full = request.getfixturevalue("full_store")
    return "full", copy_store(full, tmp_path_factory.mktemp("full-graph") / "store")


#: Seconds a ``careerkg serve`` may take to start (opening the full graph takes a while on a
#: busy machine).
STARTUP = 120.0


def store_options(graph: tuple[str, Path | None]) -> list[str]:
    """The ``careerkg serve`` options that serve ``graph``."""
    return [] if graph[1] is None else ["--store", str(graph[1])]

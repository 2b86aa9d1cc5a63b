"""The engines compared: careerkg's server, `oxigraph serve`, and rdflib in this process.

Servers run as subprocesses on free loopback ports and are queried with the SPARQL 1.1
Protocol (a form POST) through one ``requests.Session`` per client, like a user's script.
Memory is summed over a server's whole process tree (careerkg runs an app process, a zygote
and query workers): RSS, and PSS, which shares pages that forked workers have in common.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

from .workload import Answer, BenchQuery, answer_from_http, answer_from_rdflib

__all__ = [
    "free_port",
    "executable",
    "ServerProcess",
    "OxigraphServer",
    "CareerkgServer",
    "HttpSparql",
    "RdflibEngine",
    "tree_memory",
    "wait_until_answering",
]

ACCEPT_RESULTS = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples"
PING = "ASK { ?s ?p ?o }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def executable(name: str) -> str:
    """A console script of this environment (the virtualenv's first, then ``PATH``)."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"the `{name}` command is not installed; install the project with "
            "`pip install -e '.[test,bench]'`"
        )
    return found


@dataclass
class Memory:
    """Memory of a process tree, in bytes, with each process's share."""

    rss: int
    pss: int
    uss: int
    processes: int
    #: (command line, abbreviated; rss, pss, uss in MB) of each process.
    each: list[tuple[str, float, float, float]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"rss_mb": self.rss / 2**20, "pss_mb": self.pss / 2**20,
                "uss_mb": self.uss / 2**20, "processes": self.processes,
                "each": [{"process": name, "rss_mb": round(r, 1), "pss_mb": round(p, 1),
                          "uss_mb": round(u, 1)} for name, r, p, u in self.each]}


def tree_memory(pid: int) -> Memory:
    """RSS, PSS and USS summed over a process and all its descendants."""
    root = psutil.Process(pid)
    rss = pss = uss = count = 0
    each = []
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.ZombieProcess):
            info = process.memory_full_info()
            p_pss = getattr(info, "pss", info.rss)
            p_uss = getattr(info, "uss", info.rss)
            rss += info.rss
            pss += p_pss
            uss += p_uss
            count += 1
            name = " ".join(Path(a).name if i == 0 else a
                            for i, a in enumerate(process.cmdline()[:4]))
            each.append((name[:60], info.rss / 2**20, p_pss / 2**20, p_uss / 2**20))
    return Memory(rss, pss, uss, count, each)


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float = 60.0,
                         interval: float = 0.01) -> float:
    """Poll ``url`` with a tiny ASK until it answers 200; return the seconds waited.

    Raises ``RuntimeError`` if the process exits or nothing answers within ``timeout``.
    """
    start = time.perf_counter()
    session = requests.Session()
    last = "no answer"
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} ({last})")
        try:
            response = session.post(url, data={"query": PING},
                                    headers={"Accept": ACCEPT_RESULTS}, timeout=5)
            if response.status_code == 200:
                return time.perf_counter() - start
            last = f"HTTP {response.status_code}: {response.text[:200]}"
        except requests.RequestException as error:
            last = str(error)
        time.sleep(interval)
    raise RuntimeError(f"nothing answered at {url} within {timeout:g} s ({last})")


class ServerProcess:
    """A server subprocess; stopped (with its children) by :meth:`stop`."""

    name = "server"

    def __init__(self, command: list[str], query_url: str, log: Path, env: dict | None = None):
        self.command = command
        self.query_url = query_url
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdout=self._log_file, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )
        self.ready_after: float | None = None

    def wait_ready(self, timeout: float = 120.0) -> float:
        try:
            waited = wait_until_answering(self.query_url, self.process, timeout)
        except RuntimeError as error:
            self.stop()
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{self.name} did not start: {error}\n{tail}") from None
        self.ready_after = time.perf_counter() - self.started
        return waited

    @property
    def pid(self) -> int:
        return self.process.pid

    def memory(self) -> Memory:
        return tree_memory(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log_file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class OxigraphServer(ServerProcess):
    """`oxigraph serve` on a store directory, with the union of its graphs as default graph
    (so it answers the same queries as careerkg, whose default graph is that union)."""

    name = "oxigraph serve"

    def __init__(self, location: Path | None, log: Path):
        port = free_port()
        command = [executable("oxigraph"), "serve", "--bind", f"127.0.0.1:{port}",
                   "--union-default-graph"]
        if location is not None:
            command[2:2] = ["--location", str(location)]
        super().__init__(command, f"http://127.0.0.1:{port}/query", log)
        self.base_url = f"http://127.0.0.1:{port}"

    def load_nquads(self, path: Path) -> float:
        """POST an N-Quads file to the server's graph store endpoint; return the seconds."""
        start = time.perf_counter()
        with open(path, "rb") as body:
            response = requests.post(f"{self.base_url}/store", data=body, timeout=600,
                                     headers={"Content-Type": "application/n-quads"})
        if response.status_code >= 300:
            raise RuntimeError(f"oxigraph serve refused the data: HTTP {response.status_code} "
                               f"{response.text[:300]}")
        return time.perf_counter() - start


class CareerkgServer(ServerProcess):
    """`careerkg serve` on a store directory (or the in-memory seed graph)."""

    name = "careerkg serve"

    def __init__(self, store: Path | None, log: Path, extra: list[str] | None = None):
        port = free_port()
        # No per-client limits (a benchmark is one client address sending thousands of
        # queries, eight at a time); every other setting is the default a user gets, the
        # access log included.
        command = [executable("careerkg"), "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--rate-limit", "0"]
        if store is not None:
            command += ["--store", str(store)]
        command += extra or []
        env = {"CAREERKG_MAX_CONCURRENT_PER_CLIENT": "0"}
        if store is None:
            env["CAREERKG_STORE"] = ""
        super().__init__(command, f"http://127.0.0.1:{port}/sparql", log, env)


class HttpSparql:
    """A SPARQL endpoint queried over HTTP with one session (keep-alive)."""

    def __init__(self, name: str, url: str):
        self.name = name
        self.url = url
        self.session = requests.Session()

    def request(self, query: BenchQuery) -> requests.Response:
        accept = ACCEPT_GRAPH if query.returns_graph else ACCEPT_RESULTS
        response = self.session.post(self.url, data={"query": query.text},
                                     headers={"Accept": accept}, timeout=300)
        if response.status_code != 200:
            raise RuntimeError(
                f"{self.name} answered {query.name} with HTTP {response.status_code}: "
                f"{response.text[:300]}"
            )
        return response

    def run(self, query: BenchQuery) -> bytes:
        return self.request(query).content

    def answer(self, query: BenchQuery) -> Answer:
        response = self.request(query)
        return answer_from_http(response.content, response.headers.get("Content-Type", ""))

    def close(self) -> None:
        self.session.close()


class RdflibEngine:
    """Plain rdflib: an in-memory ``Graph`` evaluating SPARQL in this process."""

    name = "rdflib"

    def __init__(self):
        import rdflib

        self.graph = rdflib.Graph()

    def load(self, path: Path, fmt: str) -> float:
        start = time.perf_counter()
        self.graph.parse(str(path), format=fmt)
        return time.perf_counter() - start

    def __len__(self) -> int:
        return len(self.graph)

    def run(self, query: BenchQuery):
        """Evaluate and materialise the result (rows or triples), as a caller would use it."""
        result = self.graph.query(query.text)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return list(result.graph)
        if result.type == "ASK":
            return result.askAnswer
        return list(result)

    def answer(self, query: BenchQuery) -> Answer:
        return answer_from_rdflib(self.graph.query(query.text))

"""The HTTP path measured with a native load generator (``wrk``) beside the Python clients.

Python clients add ~0.7 ms per request and saturate near 1,600 requests/s on this kind of
machine, which hides most of a server's own cost; ``wrk`` (C, Debian's package, installed by
``make bench``) does not.  Each measure alternates the servers compared (A, B, A, B ...) and
takes the median of each one's runs, so that other work on the machine weighs on both alike;
the ratio is what the table reports.

* **latency**: a small SELECT (``lookup-role``) by POST, one connection: median latency;
* **throughput**: the small SELECTs on ``/sparql``, eight connections: requests/s;
* **pages and static files** against a bare Flask app (``return "ok"`` and Flask's own
  static route on the same file) under the same server and settings as ``careerkg serve``;
* **rdflib-endpoint** (FastAPI + rdflib, what a Python user would otherwise deploy) serving
  the same data: the heavier queries with the Python client, and throughput with ``wrk``.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests

from .datasets import Dataset
from .engines import ACCEPT_RESULTS, HttpSparql, ServerProcess, executable, free_port
from .report import Row
from .workload import SIMPLE_QUERIES, workload

__all__ = ["Wrk", "wrk_available", "measure_http", "BareFlaskServer", "RdflibEndpointServer",
           "measure_rdflib_endpoint", "HEAVY_QUERIES"]

#: Queries that do real work (joins, aggregates): the rdflib-endpoint comparison.
HEAVY_QUERIES = ("shared-skills", "salary-by-level-industry", "top-similar")
CONNECTIONS = 8
ROUNDS = 2


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


@dataclass
class WrkResult:
    p50_ms: float
    requests_per_s: float
    non_2xx: int
    errors: int


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


class Wrk:
    """``wrk`` against one URL: GET, or POST of a SPARQL query as a form (a Lua script)."""

    def __init__(self, url: str, query: str | None = None):
        self.url = url
        self.script: Path | None = None
        if query is not None:
            handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
            body = "query=" + quote(query, safe="")
            handle.write(
                'wrk.method = "POST"\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                f'wrk.headers["Accept"] = "{ACCEPT_RESULTS}"\n'
                f"wrk.body = {body!r}\n".replace("'", '"')
            )
            handle.close()
            self.script = Path(handle.name)

    def run(self, connections: int, seconds: float) -> WrkResult:
        command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}",
                   f"-d{max(1, round(seconds))}s", "--latency"]
        if self.script is not None:
            command += ["-s", str(self.script)]
        out = subprocess.run([*command, self.url], capture_output=True, text=True,
                             timeout=seconds + 60, check=True).stdout
        p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        rate = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.MULTILINE)
        non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                           r"timeout (\d+)", out)
        if p50 is None or rate is None:
            raise RuntimeError(f"cannot read wrk's output:\n{out}")
        return WrkResult(float(p50.group(1)) * _UNITS[p50.group(2)], float(rate.group(1)),
                         int(non_2xx.group(1)) if non_2xx else 0,
                         sum(map(int, errors.groups())) if errors else 0)

    def close(self) -> None:
        if self.script is not None:
            self.script.unlink(missing_ok=True)


def _alternate(runs: dict[str, Wrk], connections: int, seconds: float, problems: list[str],
               label: str) -> dict[str, list[WrkResult]]:
    """Run each ``wrk`` in turn, :data:`ROUNDS` times (A, B, A, B)."""
    results: dict[str, list[WrkResult]] = {name: [] for name in runs}
    for _ in range(ROUNDS if seconds >= 1 else 1):
        for name, wrk in runs.items():
            result = wrk.run(connections, seconds)
            if result.non_2xx or result.errors:
                problems.append(f"{label}: {name} answered {result.non_2xx} requests with an "
                                f"error status and had {result.errors} socket errors")
            results[name].append(result)
    return results


def _median(results: list[WrkResult], field: str) -> float:
    return statistics.median(getattr(r, field) for r in results)


def measure_http(ds: Dataset, careerkg_url: str, oxigraph_url: str, seconds: float
                 ) -> tuple[list[Row], list[str]]:
    """Rows: small-query latency at one connection and throughput at eight, native client,
    careerkg against `oxigraph serve` (alternated)."""
    problems: list[str] = []
    small = workload(ds.params, list(SIMPLE_QUERIES))[0]
    runs = {"careerkg": Wrk(careerkg_url, small.text),
            "oxigraph serve": Wrk(oxigraph_url, small.text)}
    try:
        one = _alternate(runs, 1, seconds, problems, f"{ds.name} / wrk, 1 connection")
        many = _alternate(runs, CONNECTIONS, seconds, problems,
                          f"{ds.name} / wrk, {CONNECTIONS} connections")
    finally:
        for wrk in runs.values():
            wrk.close()
    details = {name: {"p50_ms": [r.p50_ms for r in one[name]],
                      "requests_per_s": [r.requests_per_s for r in many[name]]}
               for name in runs}
    rows = [
        Row("http latency (native)", f"{small.name}, 1 connection, wrk, median", ds.name, "ms",
            _median(one["careerkg"], "p50_ms"), _median(one["oxigraph serve"], "p50_ms"),
            details=details),
        Row("http throughput (native)", f"/sparql, {small.name}, {CONNECTIONS} connections, wrk",
            ds.name, "req/s", _median(many["careerkg"], "requests_per_s"),
            _median(many["oxigraph serve"], "requests_per_s"), details=details),
    ]
    return rows, problems


class BareFlaskServer(ServerProcess):
    """A bare Flask app (``/`` answers ``ok``; Flask's static route serves careerkg's static
    files) under granian with ``careerkg serve``'s settings (one worker, same threads)."""

    name = "bare Flask"

    def __init__(self, log: Path, threads: int = 16):
        port = free_port()
        command = [executable("granian"), "--interface", "wsgi", "--http", "1", "--no-ws",
                   "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                   "--blocking-threads", str(threads), "--no-access-log",
                   "benchmarks.bare_app:app"]
        super().__init__(command, f"http://127.0.0.1:{port}/", log,
                         env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        self.base_url = f"http://127.0.0.1:{port}"

    def wait_ready(self, timeout: float = 60.0) -> float:
        import time

        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the bare Flask app exited: {self.log.read_text()[-500:]}")
            try:
                if requests.get(self.query_url, timeout=2).status_code == 200:
                    return time.perf_counter() - start
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError("the bare Flask app did not start")


def measure_pages(size: str, careerkg_base: str, bare: BareFlaskServer, seconds: float
                  ) -> tuple[list[Row], list[str]]:
    """Rows: a page and a static file at eight connections, careerkg against the bare app."""
    problems: list[str] = []
    rows = []
    for label, ours, theirs in (
        ("a page (/healthz)", careerkg_base + "/healthz", bare.base_url + "/"),
        ("a static file (/static/favicon.svg)", careerkg_base + "/static/favicon.svg",
         bare.base_url + "/static/favicon.svg"),
    ):
        runs = {"careerkg": Wrk(ours), "bare Flask": Wrk(theirs)}
        results = _alternate(runs, CONNECTIONS, seconds, problems, f"{size} / {label}")
        rows.append(Row(
            "pages vs bare Flask", f"{label}, {CONNECTIONS} connections, wrk", size, "req/s",
            _median(results["careerkg"], "requests_per_s"),
            _median(results["bare Flask"], "requests_per_s"),
            "bare Flask, same server", details={n: [r.requests_per_s for r in v]
                                                for n, v in results.items()}))
    return rows, problems


class RdflibEndpointServer(ServerProcess):
    """``rdflib-endpoint serve`` (FastAPI + rdflib under uvicorn) on RDF files."""

    name = "rdflib-endpoint"

    def __init__(self, files: list[Path], log: Path):
        port = free_port()
        command = [executable("rdflib-endpoint"), "serve", "--host", "127.0.0.1",
                   "--port", str(port), *map(str, files)]
        super().__init__(command, f"http://127.0.0.1:{port}/", log)


def measure_rdflib_endpoint(ds: Dataset, careerkg_url: str, endpoint: RdflibEndpointServer,
                            seconds: float, reps: int) -> tuple[list[Row], list[str]]:
    """Rows: the heavier queries (Python client, median of ``reps``, alternated) and the
    small-query throughput (``wrk``, eight connections), careerkg against rdflib-endpoint."""
    import time

    problems: list[str] = []
    rows: list[Row] = []
    ours, theirs = HttpSparql("careerkg", careerkg_url), HttpSparql("rdflib-endpoint",
                                                                    endpoint.query_url)
    try:
        for query in workload(ds.params, list(HEAVY_QUERIES)):
            times: dict[str, list[float]] = {"careerkg": [], "rdflib-endpoint": []}
            try:
                for _ in range(reps):
                    for name, client in (("careerkg", ours), ("rdflib-endpoint", theirs)):
                        start = time.perf_counter()
                        client.run(query)
                        times[name].append((time.perf_counter() - start) * 1000)
            except RuntimeError as error:
                problems.append(f"{ds.name} / rdflib-endpoint, {query.name}: {error}")
                continue
            rows.append(Row("vs rdflib-endpoint", f"{query.name} ({query.title}), Python client",
                            ds.name, "ms", statistics.median(times["careerkg"]), None,
                            other=statistics.median(times["rdflib-endpoint"]),
                            other_label="rdflib-endpoint", details=times))
    finally:
        ours.close()
        theirs.close()
    small = workload(ds.params, list(SIMPLE_QUERIES))[0]
    runs = {"careerkg": Wrk(careerkg_url, small.text),
            "rdflib-endpoint": Wrk(endpoint.query_url, small.text)}
    try:
        results = _alternate(runs, CONNECTIONS, seconds, problems,
                             f"{ds.name} / rdflib-endpoint throughput")
    finally:
        for wrk in runs.values():
            wrk.close()
    rows.append(Row("throughput vs rdflib-endpoint",
                    f"/sparql, {small.name}, {CONNECTIONS} connections, wrk", ds.name, "req/s",
                    _median(results["careerkg"], "requests_per_s"),
                    _median(results["rdflib-endpoint"], "requests_per_s"), "rdflib-endpoint",
                    details={n: [r.requests_per_s for r in v] for n, v in results.items()}))
    return rows, problems

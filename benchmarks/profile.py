"""Profiles behind the misses: where careerkg's time goes, layer by layer.

``python -m benchmarks.profile layers [--size esco] [--query lookup-role]``
    Median latency of one query through each layer careerkg adds, from the engine to HTTP:
    pyoxigraph alone (query + its own JSON serializer), ``OxigraphStore.query_serialized``
    (rows collected in Python, careerkg's JSON writer), ``IsolatedStore`` (a worker process
    and the pipe to it), the Flask app called as WSGI in-process (routing, checks, headers),
    ``careerkg serve`` over HTTP (granian), and `oxigraph serve` over HTTP for reference.
``python -m benchmarks.profile server [--size esco] [--query lookup-role] [--seconds 8]``
    The same query in a loop against ``careerkg serve`` while py-spy samples the thread holding
    the GIL in every process of the server (``--subprocesses --gil``: CPU spent in Python, not
    threads waiting); writes py-spy's raw (collapsed-stack) profile, which
    flame-graph tools read, and prints the hottest frames by own time, per process.
``python -m benchmarks.profile similar [--size esco]``
    pyinstrument on ``similar_roles`` (top-10 similar roles for one role).
``python -m benchmarks.profile export [--size esco]`` / ``load``
    pyinstrument on ``Store.export("turtle")`` / ``Store.replace_source`` of the size's data.

Sizes are prepared as the harness prepares them (the ESCO size takes about half a minute).
py-spy and pyinstrument come with the ``bench`` extra:
``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from .datasets import Dataset, prepare_generated, prepare_onet, prepare_seed
from .engines import ACCEPT_RESULTS, CareerkgServer, HttpSparql, OxigraphServer, executable
from .generate import DATA_DIR
from .workload import BenchQuery, workload

__all__ = ["main", "layer_latencies"]


def _dataset(size: str, work: Path) -> Dataset:
    if size == "seed":
        return prepare_seed(work)
    if size == "onet":
        return prepare_onet(work)
    scale = {"esco": 1.0, "esco-10%": 0.1, "esco-1%": 0.01}[size]
    return prepare_generated(work, scale)


def _median_ms(run, seconds: float = 2.0) -> float:
    for _ in range(10):
        run()
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _query(ds: Dataset, name: str) -> BenchQuery:
    return {q.name: q for q in workload(ds.params)}[name]


def _wsgi_call(app, query: BenchQuery):
    """A function that POSTs ``query`` to ``/sparql`` by calling the WSGI app directly (no
    server, no test-client wrapping) and reads the whole body."""
    from urllib.parse import urlencode

    from werkzeug.test import EnvironBuilder

    body = urlencode({"query": query.text}).encode()
    base = EnvironBuilder(
        path="/sparql", method="POST", data=body,
        content_type="application/x-www-form-urlencoded",
        headers={"Accept": ACCEPT_RESULTS},
    ).get_environ()

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise RuntimeError(f"/sparql answered {status}")

    def call():
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO(body)
        chunks = app(environ, start_response)
        try:
            return b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    return call


def layer_latencies(ds: Dataset, query: BenchQuery, seconds: float = 2.0) -> dict[str, float]:
    """Median milliseconds of ``query`` through each layer (see the module docstring)."""
    import pyoxigraph as ox

    from careerkg.graph.store import OxigraphStore
    from careerkg.server import create_app

    out: dict[str, float] = {}
    engine = ox.Store.read_only(str(ds.careerkg_store))
    out["pyoxigraph query + its JSON serializer"] = _median_ms(
        lambda: engine.query(query.text, use_default_graph_as_union=True).serialize(
            format=ox.QueryResultsFormat.JSON), seconds)
    engine = None  # release the read-only handle before the next layers open theirs
    store = OxigraphStore(ds.careerkg_store, read_only=True)
    out["OxigraphStore.query_serialized (careerkg rows + JSON)"] = _median_ms(
        lambda: store.query_serialized(query.text, "json", limit=10000), seconds)
    store.close()
    app = create_app({"CAREERKG_STORE": str(ds.careerkg_store), "RATE_LIMIT": 0,
                      "MAX_CONCURRENT_PER_CLIENT": 0})
    try:
        isolated = app.extensions["careerkg"].store
        out["IsolatedStore.query_serialized (+ worker process)"] = _median_ms(
            lambda: isolated.query_serialized(query.text, "json", limit=10000, timeout=10),
            seconds)
        out["Flask app as a WSGI call (+ routing, checks, headers)"] = _median_ms(
            _wsgi_call(app, query), seconds)
    finally:
        app.extensions["careerkg"].close()
    logs = Path(tempfile.mkdtemp(prefix="careerkg-profile-"))
    with CareerkgServer(ds.careerkg_store, logs / "careerkg.log") as server:
        server.wait_ready()
        http = HttpSparql("careerkg", server.query_url)
        out["careerkg serve over HTTP (+ granian, client)"] = _median_ms(
            lambda: http.run(query), seconds)
        http.close()
    with OxigraphServer(ds.oxigraph_store, logs / "oxigraph.log") as server:
        server.wait_ready()
        http = HttpSparql("oxigraph serve", server.query_url)
        out["oxigraph serve over HTTP (reference)"] = _median_ms(lambda: http.run(query),
                                                                 seconds)
        http.close()
    shutil.rmtree(logs, ignore_errors=True)
    return out


def _hottest(raw: Path, top: int = 12) -> str:
    """Own-time totals per process from py-spy's raw (collapsed) output."""
    own: dict[str, Counter] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        # With --subprocesses a child's stack is under its parents' "process ..." frames.
        process = [f for f in frames if f.startswith("process ")][-1][:80]
        own.setdefault(process, Counter())[frames[-1][:100]] += int(count)
    lines = []
    for process, counter in sorted(own.items(), key=lambda kv: -sum(kv[1].values())):
        lines.append(f"{process}: {sum(counter.values())} samples")
        lines += [f"    {n:6d}  {frame}" for frame, n in counter.most_common(top)]
    return "\n".join(lines)


def profile_server(ds: Dataset, query: BenchQuery, seconds: float, out: Path) -> str:
    """Loop ``query`` against ``careerkg serve`` while py-spy records all its processes."""
    logs = out.parent
    with CareerkgServer(ds.careerkg_store, logs / "careerkg-profile.log") as server:
        server.wait_ready()
        http = HttpSparql("careerkg", server.query_url)
        for _ in range(20):
            http.run(query)
        raw = out.with_suffix(".raw.txt")
        spy = subprocess.Popen([
            executable("py-spy"), "record", "--pid", str(server.pid), "--subprocesses",
            "--gil", "--rate", "500", "--duration", str(int(seconds)), "--format", "raw",
            "--output", str(raw),
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        samples = []
        while spy.poll() is None:
            start = time.perf_counter()
            http.run(query)
            samples.append(time.perf_counter() - start)
        http.close()
    summary = (f"{len(samples)} requests, median {statistics.median(samples) * 1000:.2f} ms\n"
               + _hottest(raw))
    return summary


def _pyinstrument(run, label: str) -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    run()
    profiler.stop()
    return f"== {label}\n" + profiler.output_text(unicode=False, color=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["layers", "server", "similar", "export", "load"])
    parser.add_argument("--size", default="esco",
                        choices=["seed", "onet", "esco", "esco-10%", "esco-1%"])
    parser.add_argument("--query", default="lookup-role", help="a benchmark query name")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--work", type=Path, default=DATA_DIR / "profile",
                        help="scratch directory where the size is prepared")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/profile"))
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    ds = _dataset(args.size, args.work)
    if args.what == "layers":
        query = _query(ds, args.query)
        figures = layer_latencies(ds, query)
        width = max(map(len, figures))
        for layer, ms in figures.items():
            print(f"{layer.ljust(width)}  {ms:8.3f} ms")
        args.out.with_suffix(".layers.json").write_text(json.dumps(
            {"size": ds.name, "query": query.name, "median_ms": figures}, indent=2))
    elif args.what == "server":
        print(profile_server(ds, _query(ds, args.query), args.seconds, args.out))
    elif args.what == "similar":
        from careerkg.graph.factory import open_store
        from careerkg.graph.overlap import requirements_graph, similar_roles

        store = open_store(str(ds.careerkg_store), seed=False, read_only=True)
        link = "skill" if ds.params.link.endswith("requiresSkill>") else "tool"
        graph = requirements_graph(store, layers=(link,))
        role, by = ds.params.role_a.strip("<>"), f"{link}s"
        similar_roles(graph, role, by=by)
        print(_pyinstrument(lambda: [similar_roles(graph, role, by=by) for _ in range(50)],
                            "50 x similar_roles"))
    elif args.what == "export":
        from careerkg.graph.factory import open_store

        store = open_store(str(ds.careerkg_store), seed=False, read_only=True)
        print(_pyinstrument(lambda: store.export("turtle"), "Store.export('turtle')"))
    else:
        from careerkg.graph.factory import open_store
        from careerkg.graph.formats import rdf_format
        from careerkg.graph.store import Payload

        if ds.data_file is None:
            parser.error("the seed size has no data of its own to load")
        target = args.work / "profile-load"
        shutil.rmtree(target, ignore_errors=True)
        store = open_store(str(target), seed=False)
        print(_pyinstrument(
            lambda: store.replace_source("data", Payload(path=ds.data_file,
                                                         format=rdf_format(ds.data_format))),
            "Store.replace_source"))
        store.close()
        shutil.rmtree(target, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

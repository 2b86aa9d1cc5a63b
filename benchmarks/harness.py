"""One benchmark run: prepare every size, measure every family, print and write the table.

Order of a run, per size (seed, O*NET, generated ESCO-sized graph):

1. prepare the size (careerkg store, the copy for `oxigraph serve`, files for rdflib);
2. load and export (careerkg vs pyoxigraph vs rdflib), which also loads rdflib;
3. start ``careerkg serve`` and ``oxigraph serve`` on the size's stores;
4. query latency, after checking that all engines give the same answers;
5. throughput with eight concurrent clients;
6. memory of both servers' process trees; stop the servers;
7. the same servers on in-memory stores (``careerkg serve --data``, ``oxigraph serve`` with
   no location, loaded over HTTP): query latency and memory;
8. role similarity (careerkg vs networkx); on O*NET, the overlap view of every role drawn
   in a real Chromium (time to a drawn view, and a frame right after it);

then start-up time of ``careerkg serve`` on the seed graph, search latency on a generated
vocabulary the size of the full graph (a hundredth of it in tiny mode), and the overlap
analytics on O*NET 29.2 imported without Related Occupations (size ``onet-29.2``, not in tiny
mode): the similarity's precision against O*NET's Related Occupations, and the time of
similar, next and path (:mod:`benchmarks.measure_overlap`), and (size ``build``, not in
tiny mode) the full ``careerkg build`` of ``data/`` with its wall and CPU time.  Engines
disagreeing,
a server failing to start or a measure erroring are reported as problems: the run still
writes its table, and exits 1.
"""

from __future__ import annotations

import gc
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from .datasets import (
    Dataset,
    generated_size_name,
    prepare_generated,
    prepare_onet,
    prepare_seed,
)
from .engines import CareerkgServer, HttpSparql, OxigraphServer, executable
from .generate import DATA_DIR
from .measure_build import measure_build
from .measure_http import (
    BareFlaskServer,
    RdflibEndpointServer,
    measure_http,
    measure_pages,
    measure_rdflib_endpoint,
    wrk_available,
)
from .measure_load import measure_load_and_export
from .measure_overlap import measure_overlap
from .measure_overlap_view import measure_overlap_view
from .measure_queries import measure_queries
from .measure_search import FULL_SIZE, SearchVocabulary, measure_search
from .measure_servers import measure_startup, memory_rows
from .measure_similarity import measure_similarity
from .measure_throughput import ClientPool, measure_throughput
from .report import Row, format_markdown, format_table, verdict, write_json
from .timing import Budget

__all__ = ["Mode", "MODES", "run", "RESULTS_DIR"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
CLIENTS = 8
#: Seconds without requests after which careerkg's pool is back to its minimum (the default
#: WORKER_IDLE_TIMEOUT of 10 s plus the reaper's period): "at rest".
REST_SECONDS = 16
#: rdflib-endpoint holds the graph in rdflib: it is compared up to this size.
RDFLIB_ENDPOINT_MAX = 300_000


@dataclass(frozen=True)
class Mode:
    """How big and how thorough a run is."""

    name: str
    #: Size of the generated graph, as a fraction of ESCO's (1.0 = about 1M triples).
    scale: float
    onet: bool
    #: rdflib is loaded and queried on sizes up to this many triples.
    rdflib_max_triples: int
    #: rdflib's Turtle serializer is timed on sizes up to this many triples.
    rdflib_export_max_triples: int
    query: Budget
    rdflib_query: Budget
    throughput_seconds: float
    load_reps: int
    startup_reps: int
    networkx_seconds: float
    similarity: Budget
    #: Also run both servers on in-memory stores (latency and memory).
    in_memory: bool = True


MODES: dict[str, Mode] = {
    "full": Mode("full", 1.0, True, 2_000_000, 2_000_000, Budget(1.5, 5, 300),
                 Budget(3.0, 1, 50), 5.0, 3, 3, 6.0, Budget(1.0, 5, 200)),
    "quick": Mode("quick", 0.1, True, 2_000_000, 2_000_000, Budget(0.4, 3, 100),
                  Budget(0.8, 1, 20), 2.0, 2, 2, 2.0, Budget(0.3, 3, 50)),
    "tiny": Mode("tiny", 0.01, False, 2_000_000, 2_000_000, Budget(0.05, 2, 10),
                 Budget(0.1, 1, 5), 0.5, 1, 1, 0.3, Budget(0.05, 2, 10)),
}


class Progress:
    def __init__(self):
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.start:6.1f} s] {message}", file=sys.stderr,
              flush=True)


def environment(mode: Mode) -> dict:
    """What the figures depend on: machine, versions, mode."""
    try:
        oxigraph_version = subprocess.run(
            [executable("oxigraph"), "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, RuntimeError, subprocess.SubprocessError):
        oxigraph_version = "unknown"
    packages = {}
    for name in ("careerkg", "pyoxigraph", "rdflib", "networkx", "scipy", "numpy", "flask",
                 "granian", "rdflib-endpoint", "requests"):
        try:
            packages[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing package is just not listed
            packages[name] = None
    return {
        "mode": mode.name,
        "mode_settings": asdict(mode),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "oxigraph_cli": oxigraph_version,
        "packages": packages,
        "started": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "load_average_at_start": os.getloadavg(),
    }


def _measure_size(ds: Dataset, mode: Mode, work: Path, pool: ClientPool, log: Progress,
                  rows: list[Row], problems: list[str], notes: list[str]) -> None:
    rdflib_on = ds.triples <= mode.rdflib_max_triples
    log(f"{ds.name}: load and export ({ds.data_triples:,} triples of its own)")
    found, rdflib, issues = measure_load_and_export(
        ds, ds.root, reps=mode.load_reps, rdflib=rdflib_on,
        rdflib_export=ds.triples <= mode.rdflib_export_max_triples,
    )
    rows += found
    problems += issues
    log(f"{ds.name}: starting careerkg serve and oxigraph serve")
    logs = ds.root / "logs"
    reference = None
    careerkg = CareerkgServer(ds.careerkg_store, logs / "careerkg.log")
    oxigraph = OxigraphServer(ds.oxigraph_store, logs / "oxigraph.log")
    try:
        careerkg.wait_ready()
        oxigraph.wait_ready()
        ck_http = HttpSparql("careerkg", careerkg.query_url)
        ox_http = HttpSparql("oxigraph serve", oxigraph.query_url)
        log(f"{ds.name}: query latency (answers checked first)")
        found, issues, reference = measure_queries(ds, ck_http, ox_http, rdflib, mode.query,
                                                   mode.rdflib_query)
        rows += found
        problems += issues
        log(f"{ds.name}: throughput, {pool.clients} clients")
        row, issues = measure_throughput(
            ds, {"careerkg": careerkg.query_url, "oxigraph serve": oxigraph.query_url},
            pool, mode.throughput_seconds,
        )
        rows.append(row)
        problems += issues
        if wrk_available():
            log(f"{ds.name}: the HTTP path with wrk (native client), alternated")
            found, issues = measure_http(ds, careerkg.query_url, oxigraph.query_url,
                                         mode.throughput_seconds)
            rows += found
            problems += issues
            if ds.name == largest_name(mode):
                _measure_http_peers(ds, mode, careerkg, log, rows, problems, notes)
        else:
            notes.append("wrk is not installed (`make bench` installs it): no native HTTP rows")
        rows += memory_rows(ds.name, ds.triples, careerkg, oxigraph)
        if ds.name == largest_name(mode):
            log(f"{ds.name}: memory at rest (the worker pool back to its minimum)")
            time.sleep(REST_SECONDS)
            rows += memory_rows(ds.name, ds.triples, careerkg, oxigraph,
                                family="memory at rest")
        ck_http.close()
        ox_http.close()
    finally:
        careerkg.stop()
        oxigraph.stop()
    del rdflib
    if mode.in_memory and reference is not None:
        log(f"{ds.name}: in-memory stores: careerkg serve --data, oxigraph serve without a "
            "location")
        _measure_in_memory(ds, mode, reference, rows, problems)
    gc.unfreeze()
    gc.collect()
    log(f"{ds.name}: role similarity")
    found, issues = measure_similarity(ds, mode.similarity, mode.networkx_seconds)
    rows += found
    problems += issues
    if ds.name == "onet":
        log(f"{ds.name}: the overlap view of every role, drawn in Chromium")
        found, issues = measure_overlap_view(ds, mode.load_reps + 2, ds.root / "logs")
        rows += found
        problems += issues


def largest_name(mode: Mode) -> str:
    """The name of the generated (ESCO-sized) graph of ``mode``."""
    return generated_size_name(mode.scale)


def _measure_http_peers(ds: Dataset, mode: Mode, careerkg: CareerkgServer, log: Progress,
                        rows: list[Row], problems: list[str], notes: list[str]) -> None:
    """Pages and static files against a bare Flask app under the same server, and the
    Python peer, rdflib-endpoint, on the same data (up to :data:`RDFLIB_ENDPOINT_MAX`)."""
    logs = ds.root / "logs"
    base = careerkg.query_url.rsplit("/", 1)[0]
    log(f"{ds.name}: pages and static files against a bare Flask app")
    bare = BareFlaskServer(logs / "bare-flask.log")
    try:
        bare.wait_ready()
        found, issues = measure_pages(ds.name, base, bare, mode.throughput_seconds)
        rows += found
        problems += issues
    finally:
        bare.stop()
    if ds.triples > RDFLIB_ENDPOINT_MAX or ds.data_file is None:
        notes.append(f"rdflib-endpoint is compared up to {RDFLIB_ENDPOINT_MAX:,} triples")
        return
    if shutil.which("rdflib-endpoint") is None and not (
            Path(sys.executable).parent / "rdflib-endpoint").is_file():
        notes.append("rdflib-endpoint is not installed (`make bench` installs it): no rows")
        return
    log(f"{ds.name}: rdflib-endpoint on the same data")
    endpoint = RdflibEndpointServer([ds.builtin_file, ds.data_file], logs / "rdflib-endpoint.log")
    try:
        endpoint.wait_ready(timeout=600)
        found, issues = measure_rdflib_endpoint(ds, careerkg.query_url, endpoint,
                                                mode.throughput_seconds, mode.load_reps + 1)
        rows += found
        problems += issues
    finally:
        endpoint.stop()


def _measure_in_memory(ds: Dataset, mode: Mode, reference, rows: list[Row],
                       problems: list[str]) -> None:
    """Latency and memory with both servers holding the graph in memory."""
    import pyoxigraph as ox

    logs = ds.root / "logs"
    quads = ds.root / "all.nq"
    engine = ox.Store.read_only(str(ds.careerkg_store))
    engine.dump(str(quads), format=ox.RdfFormat.N_QUADS)
    del engine
    extra = ["--data", str(ds.data_file)] if ds.data_file is not None else []
    careerkg = CareerkgServer(None, logs / "careerkg-memory.log", extra)
    oxigraph = OxigraphServer(None, logs / "oxigraph-memory.log")
    try:
        oxigraph.wait_ready()
        ox_load = oxigraph.load_nquads(quads)
        careerkg.wait_ready(timeout=300)
        ck_http = HttpSparql("careerkg", careerkg.query_url)
        ox_http = HttpSparql("oxigraph serve", oxigraph.query_url)
        found, issues, _ = measure_queries(ds, ck_http, ox_http, None, mode.query,
                                           mode.rdflib_query, family="query latency (in memory)",
                                           reference=reference)
        rows.extend(found)
        problems.extend(issues)
        found = memory_rows(ds.name, ds.triples, careerkg, oxigraph, family="memory (in memory)")
        for row in found:  # what holding the graph in memory costs at start
            row.details["careerkg_ready_after_s"] = careerkg.ready_after
            row.details["oxigraph_ready_after_s"] = oxigraph.ready_after
            row.details["oxigraph_load_over_http_s"] = ox_load
        rows.extend(found)
        ck_http.close()
        ox_http.close()
    finally:
        careerkg.stop()
        oxigraph.stop()
        quads.unlink(missing_ok=True)


def run(mode: Mode, out: Path, *, work: Path | None = None, keep: bool = False,
        sizes: list[str] | None = None) -> int:
    """Run every measure of ``mode``; print the table, write JSON to ``out`` and Markdown
    beside it.  Returns the exit status: 0, or 1 when any problem was found.

    Parameters
    ----------
    mode
        One of :data:`MODES`.
    out
        The JSON file to write (``benchmarks/results/latest.json`` by default).
    work
        Scratch directory for stores (``benchmarks/.data/run``); emptied first.
    keep
        Keep the scratch stores afterwards (for profiling).
    sizes
        Only these sizes (``seed``, ``onet``, ``esco``, ``onet-29.2``, ``build``), all by default.
    """
    log = Progress()
    started = time.perf_counter()
    meta = environment(mode)
    log(f"{mode.name} mode; load average {meta['load_average_at_start'][0]:.1f} on "
        f"{meta['cpus']} cores (other work on the machine makes every figure noisier)")
    work = work or DATA_DIR / "run"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    rows: list[Row] = []
    problems: list[str] = []
    notes: list[str] = []
    datasets: dict[str, dict] = {}
    wanted = set(sizes or ("seed", "onet", "esco", "onet-29.2", "build"))
    preparers = [("seed", lambda: prepare_seed(work))]
    if mode.onet:
        preparers.append(("onet", lambda: prepare_onet(work)))
    else:
        notes.append(f"O*NET size skipped in {mode.name} mode")
    preparers.append(("esco", lambda: prepare_generated(work, mode.scale)))
    largest = None
    pool = ClientPool(CLIENTS)
    seed_store = None
    try:
        for key, prepare in preparers:
            if key not in wanted:
                continue
            log(f"preparing size {key}")
            try:
                ds = prepare()
            except Exception as error:  # noqa: BLE001 - the run goes on without this size
                problems.append(f"size {key} could not be prepared: {error}")
                traceback.print_exc()
                continue
            datasets[ds.name] = ds.to_dict()
            if key == "esco":
                largest = ds.name
                if mode.scale < 1:
                    notes.append(f"{mode.name} mode: the generated graph is {ds.name} of the "
                                 "ESCO size; targets stated for 1M triples are checked on it")
            if key == "seed":
                seed_store = ds.oxigraph_store
            try:
                _measure_size(ds, mode, work, pool, log, rows, problems, notes)
            except Exception as error:  # noqa: BLE001
                problems.append(f"{ds.name}: measuring failed: {error}")
                traceback.print_exc()
        if "seed" in wanted:
            log("start-up time of careerkg serve")
            try:
                rows.append(measure_startup(seed_store, work / "logs", mode.startup_reps))
            except Exception as error:  # noqa: BLE001
                problems.append(f"start-up: {error}")
                traceback.print_exc()
        if "onet-29.2" in wanted and mode.onet:
            log("overlap analytics on O*NET 29.2 without Related Occupations")
            try:
                found, issues = measure_overlap(work, mode.similarity)
                rows += found
                problems += issues
            except Exception as error:  # noqa: BLE001
                problems.append(f"overlap analytics: {error}")
                traceback.print_exc()
        elif "onet-29.2" in wanted:
            notes.append(f"overlap analytics on O*NET 29.2 skipped in {mode.name} mode")
        if wanted & {"seed", "onet", "esco"}:
            log("search latency")
            try:
                scale = 0.01 if mode.name == "tiny" else 1.0
                vocabulary = SearchVocabulary({k: max(1, int(v * scale))
                                               for k, v in FULL_SIZE.items()})
                rows += measure_search(mode.query, vocabulary)
            except Exception as error:  # noqa: BLE001
                problems.append(f"search: {error}")
                traceback.print_exc()
        if "build" in wanted and mode.name != "tiny":
            log("careerkg build of data/ (wall and CPU time)")
            try:
                rows += measure_build(work)
            except Exception as error:  # noqa: BLE001
                problems.append(f"build: {error}")
                traceback.print_exc()
    finally:
        pool.close()
    for row in rows:
        verdict(row, largest or "")
    meta["finished"] = datetime.now(UTC).replace(microsecond=0).isoformat()
    meta["duration_s"] = time.perf_counter() - started
    meta["load_average_at_end"] = os.getloadavg()
    busy = meta["load_average_at_start"][0]
    if busy > 0.5:
        notes.append(f"the machine was busy with other work when the run started (load "
                     f"average {busy:.1f} on {os.cpu_count()} cores): figures are noisy")
    print(format_table(rows))
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    misses = [r for r in rows if r.verdict.startswith("MISS")]
    print(f"{sum(r.verdict.startswith('PASS') for r in rows)} targets met, {len(misses)} missed, "
          f"{len(problems)} problems; {meta['duration_s']:.0f} s")
    write_json(out, meta, rows, {"datasets": datasets, "notes": notes, "problems": problems})
    out.with_suffix(".md").write_text(format_markdown(rows, meta))
    print(f"wrote {out} and {out.with_suffix('.md')}")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)

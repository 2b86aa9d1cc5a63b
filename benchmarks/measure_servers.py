"""Server-level measures: start-up time to the first answer, and resident memory.

Start-up: the clock starts just before ``careerkg serve`` (the in-memory seed graph, the
default a user gets) is launched and stops when ``/sparql`` first answers a query with 200;
polled every 10 ms.  `oxigraph serve` on a store of the same graph is shown for comparison.

Memory: RSS and PSS summed over each server's whole process tree (careerkg: granian's main
process and the app process, the zygote and every query worker; Oxigraph: one process), taken
after the latency and throughput runs, when caches are warm and the worker pool is full, and
again "at rest" on the largest size, once the pool is back to its minimum.
RSS counts a page shared by forked workers once per process; PSS splits it between them.
With in-memory stores the graph lives in careerkg's zygote and every worker is a
copy-on-write fork of it, so RSS counts the graph once per worker and PSS once in all.
"""

from __future__ import annotations

from pathlib import Path

from .engines import CareerkgServer, OxigraphServer, ServerProcess
from .report import Row
from .timing import Timing

__all__ = ["measure_startup", "memory_rows"]


def measure_startup(seed_oxigraph_store: Path | None, logs: Path, reps: int) -> Row:
    """One row: seconds from launching each server to its first answered query."""
    careerkg, oxigraph = Timing(), Timing()
    for n in range(reps):
        server = CareerkgServer(None, logs / f"startup-careerkg-{n}.log")
        try:
            server.wait_ready(timeout=60)
            careerkg.samples.append(server.ready_after)
        finally:
            server.stop()
        if seed_oxigraph_store is not None:
            ox_server = OxigraphServer(seed_oxigraph_store, logs / f"startup-oxigraph-{n}.log")
            try:
                ox_server.wait_ready(timeout=60)
                oxigraph.samples.append(ox_server.ready_after)
            finally:
                ox_server.stop()
    return Row(
        "start-up", "`careerkg serve` (seed graph) → first answer", "seed", "s",
        careerkg.median, oxigraph.median if oxigraph.samples else None,
        "oxigraph serve on the seed store",
        details={"careerkg": careerkg.to_dict(),
                 "oxigraph": oxigraph.to_dict() if oxigraph.samples else None},
    )


def memory_rows(size: str, triples: int, careerkg: ServerProcess, oxigraph: ServerProcess,
                *, family: str = "memory") -> list[Row]:
    """Two rows (RSS, with the target, and PSS) for both servers' process trees, in MB."""
    ours, theirs = careerkg.memory(), oxigraph.memory()
    details = {"careerkg": ours.to_dict(), "oxigraph": theirs.to_dict()}
    return [
        Row(family, f"RSS of all server processes ({ours.processes} vs {theirs.processes}), "
            f"{triples:,} triples", size, "MB", ours.rss / 2**20, theirs.rss / 2**20,
            details=details),
        Row(f"{family}, PSS", "PSS of all server processes (shared pages split)", size, "MB",
            ours.pss / 2**20, theirs.pss / 2**20, details=details),
    ]

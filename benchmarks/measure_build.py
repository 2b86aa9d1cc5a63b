"""The full build: ``careerkg build`` of the repository's ``data/`` into a new disk store,
then again on the built store (a no-op: every source only hashes its input).

Each build runs as its own process; the row gives its wall time and, because the machine may
be shared, its CPU time (user + system, of the process and its children) beside it.  The
target (issue 11: the whole build ≤ 120 s on a 2-core machine) is checked on the wall time.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import time
from pathlib import Path

from .engines import executable
from .report import Row

__all__ = ["measure_build"]


def _timed_build(store: Path, data: Path | None) -> tuple[float, float, float, str]:
    """Wall, user and system seconds of one ``careerkg build``, and its last output line."""
    command = [executable("careerkg"), "build", "--store", str(store), "-q"]
    if data is not None:
        command += ["--from", str(data)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"careerkg build failed ({done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()[-500:]}")
    lines = done.stdout.strip().splitlines()
    return (wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime,
            lines[-1] if lines else "")


def measure_build(work: Path, data: Path | None = None) -> list[Row]:
    """Two rows: the first build of the full graph and the second (no-op) build."""
    store = work / "build-store"
    shutil.rmtree(store, ignore_errors=True)
    rows = []
    for measure, family in (("`careerkg build` of data/ into a new disk store", "build"),
                            ("`careerkg build` again (nothing changed)", "rebuild")):
        wall, user, system, summary = _timed_build(store, data)
        rows.append(Row(
            family, measure, "full graph", "s", wall,
            notes=f"CPU {user + system:.1f} s (user {user:.1f} + sys {system:.1f})",
            details={"wall_s": wall, "user_s": user, "sys_s": system,
                     "cpu_s": user + system, "summary": summary},
        ))
    shutil.rmtree(store, ignore_errors=True)
    return rows

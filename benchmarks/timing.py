"""Timing: medians of repeated runs after a warm-up, with a time budget per measure.

Every figure of the harness is a median of several runs.  How many runs depends on how long
one takes: as many as fit in a budget, between a minimum and a maximum, so a 0.2 ms lookup
is run hundreds of times and a 14 s rdflib aggregation once or twice.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["Timing", "Budget", "time_repeated", "time_interleaved", "quiet_gc", "stopwatch"]


@dataclass
class Timing:
    """Wall-clock samples of one measure, in seconds."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def to_dict(self) -> dict:
        ordered = sorted(self.samples)
        return {
            "median_s": self.median,
            "min_s": ordered[0],
            "max_s": ordered[-1],
            "runs": len(ordered),
        }


@dataclass(frozen=True)
class Budget:
    """How many timed runs to make: as many as fit in ``seconds``, within [``least``, ``most``]."""

    seconds: float
    least: int = 3
    most: int = 200

    def runs_for(self, one_run: float) -> int:
        if one_run <= 0:
            return self.most
        return max(self.least, min(self.most, int(self.seconds / one_run)))


@contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection while timing (a collection over a million rdflib terms
    in this process would land in a random sample); collect once afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as elapsed: ...`` then ``elapsed[0]`` is the duration in seconds."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def time_repeated(run: Callable[[], object], budget: Budget, *, first: float | None = None
                  ) -> Timing:
    """Time ``run`` repeatedly (the caller has already warmed it up).

    Parameters
    ----------
    run
        The work to time; its result is discarded.
    budget
        How many runs to make.
    first
        The duration of the warm-up run, if known, to size the number of runs without an
        extra probe.

    Returns
    -------
    Timing
        The samples.
    """
    timing = Timing()
    with quiet_gc():
        if first is None:
            start = time.perf_counter()
            run()
            first = time.perf_counter() - start
            timing.samples.append(first)
        for _ in range(budget.runs_for(first) - len(timing.samples)):
            start = time.perf_counter()
            run()
            timing.samples.append(time.perf_counter() - start)
    return timing


def time_interleaved(runs: dict[str, Callable[[], object]], budget: Budget,
                     firsts: dict[str, float]) -> dict[str, Timing]:
    """Time several engines on the same work in alternation (A, B, A, B ...), so that a slow
    phase of the machine affects them alike.  The number of rounds is sized on the slowest."""
    rounds = budget.runs_for(max(firsts.values()) if firsts else 0.0)
    timings = {name: Timing() for name in runs}
    with quiet_gc():
        for _ in range(rounds):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                timings[name].samples.append(time.perf_counter() - start)
    return timings

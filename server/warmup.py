"""Warming the caches a big graph needs before its first visitor asks.

On the full graph the role ↔ requirement graph (compare, similar, next, path, the role
network) and the search index take seconds to build; without a warm-up the first visitor
of each waits for it.  ``careerkg serve`` starts :func:`warm_up` in a background thread, so
the server answers at once and those pages are fast by the time anyone opens them.
"""

from __future__ import annotations

import logging
import threading

from careerkg.graph.store import Store
from careerkg.graph.warm import warm_up

__all__ = ["warm_up", "start_warm_up"]

log = logging.getLogger("careerkg.warmup")


def _run(store: Store) -> None:
    try:
        seconds = warm_up(store)
    except Exception:  # a cold cache is only slower: the pages build it on demand
        log.exception("warming the caches failed; pages will build them on first use")
    else:
        log.info("caches warm in %.1f s", seconds)


def start_warm_up(store: Store) -> threading.Thread:
    """Run :func:`warm_up` in a daemon thread (it never blocks start-up or shutdown)."""
    thread = threading.Thread(target=_run, args=(store,), name="careerkg-warm-up", daemon=True)
    thread.start()
    return thread

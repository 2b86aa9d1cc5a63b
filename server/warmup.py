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

__all__ = ["WarmUp", "warm_up", "start_warm_up"]

log = logging.getLogger("careerkg.warmup")


class WarmUp:
    """The warm-up of one app: ``state`` is ``running``, ``done`` or ``failed`` (shown by
    ``/healthz``, so that a deployment can wait for it)."""

    def __init__(self, store: Store):
        self.state = "running"
        self.seconds: float | None = None
        self.thread = threading.Thread(target=self._run, args=(store,),
                                       name="careerkg-warm-up", daemon=True)

    def _run(self, store: Store) -> None:
        try:
            self.seconds = warm_up(store)
        except Exception:  # a cold cache is only slower: the pages build it on demand
            self.state = "failed"
            log.exception("warming the caches failed; pages will build them on first use")
        else:
            self.state = "done"
            log.info("caches warm in %.1f s", self.seconds)


def start_warm_up(store: Store) -> WarmUp:
    """Run :func:`warm_up` in a daemon thread (it never blocks start-up or shutdown)."""
    started = WarmUp(store)
    started.thread.start()
    return started

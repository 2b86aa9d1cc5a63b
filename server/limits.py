"""Per-client limits, applied to every request in one place (before and after it).

* **Body size** — a request that declares a body larger than ``MAX_CONTENT_LENGTH``
  (``ADMIN_MAX_CONTENT_LENGTH`` on the admin API) is answered 413 before anything reads it.
  A body without ``Content-Length`` (chunked) is refused with 411: werkzeug would silently
  cut it at the limit, and a cut query or upload is a different one.
* **Rate** — a token bucket per client: ``RATE_LIMIT`` requests in a burst, refilled evenly
  over ``RATE_PERIOD`` seconds; past it, 429 with ``Retry-After`` (whole seconds).
* **Concurrency** — at most ``MAX_CONCURRENT_PER_CLIENT`` requests of one client in
  progress; past it, 429 with ``Retry-After: 1``.  With the worker pool's own maximum this
  keeps one client's flood of slow queries from taking every query process.

The client is :func:`~careerkg.server.logs.client_address` (the peer, or what the trusted
proxy saw).  ``/healthz`` and static files are exempt.  The server runs one app process
(granian, one worker process, threads), so in-process counters see every request.  The
lean ``/sparql`` path of :mod:`careerkg.server.front` takes from the same limiter.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, g, request

from .errors import HttpProblem
from .logs import client_address

__all__ = ["Limiter", "RateLimited", "init_app", "EXEMPT_ENDPOINTS"]

#: Endpoints no limit applies to.
EXEMPT_ENDPOINTS = frozenset({"static", "health.healthz"})
#: Buckets kept before idle (full) ones are forgotten.
MAX_TRACKED_CLIENTS = 10_000


class RateLimited(HttpProblem):
    """429: a client went past its rate or concurrency limit."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(429, message, headers={"Retry-After": str(retry_after)},
                         detail={"retry_after": retry_after})


@dataclass
class _Bucket:
    tokens: float
    updated: float


class Limiter:
    """Rate and concurrency limits per client (thread-safe).

    Parameters
    ----------
    rate
        Requests allowed per ``period`` (0: no rate limit).
    period
        Seconds.
    concurrent
        Requests of one client in progress at once (0: no limit).
    clock
        The time source (``time.monotonic``).

    Examples
    --------
    >>> now = [0.0]
    >>> limiter = Limiter(2, 10, 0, clock=lambda: now[0])
    >>> limiter.take("a"), limiter.take("a"), limiter.take("a")
    (0, 0, 5)
    >>> now[0] = 5.0
    >>> limiter.take("a")
    0
    """

    def __init__(self, rate: int, period: float, concurrent: int, *, clock=time.monotonic):
        self.rate = int(rate)
        self.period = float(period)
        self.concurrent = int(concurrent)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._running: dict[str, int] = {}

    @property
    def _refill(self) -> float:
        """Tokens per second."""
        return self.rate / self.period if self.period > 0 else math.inf

    def take(self, client: str) -> int:
        """Take one request from ``client``'s bucket.

        Returns
        -------
        int
            0 when the request may go ahead, else the seconds to wait before one will.
        """
        if self.rate <= 0:
            return 0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= MAX_TRACKED_CLIENTS:
                    self._forget_idle(now)
                bucket = self._buckets[client] = _Bucket(float(self.rate), now)
            else:
                refilled = bucket.tokens + (now - bucket.updated) * self._refill
                bucket.tokens = min(self.rate, refilled)
                bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, math.ceil((1 - bucket.tokens) / self._refill))

    def _forget_idle(self, now: float) -> None:
        full = [c for c, b in self._buckets.items()
                if b.tokens + (now - b.updated) * self._refill >= self.rate]
        for client in full:
            del self._buckets[client]
        if len(self._buckets) >= MAX_TRACKED_CLIENTS:  # everyone is busy: oldest go first
            oldest = sorted(self._buckets, key=lambda c: self._buckets[c].updated)
            for client in oldest[: len(oldest) // 2]:
                del self._buckets[client]

    def enter(self, client: str) -> bool:
        """Count a request of ``client`` as in progress; False when it has too many."""
        if self.concurrent <= 0:
            return True
        with self._lock:
            running = self._running.get(client, 0)
            if running >= self.concurrent:
                return False
            self._running[client] = running + 1
            return True

    def leave(self, client: str) -> None:
        """The request counted by :meth:`enter` is over."""
        if self.concurrent <= 0:
            return
        with self._lock:
            running = self._running.get(client, 0) - 1
            if running > 0:
                self._running[client] = running
            else:
                self._running.pop(client, None)

    def in_progress(self) -> int:
        """Requests counted as in progress, over all clients."""
        with self._lock:
            return sum(self._running.values())


def _limiter() -> Limiter:
    return current_app.extensions["careerkg.limits"]


def _body_limit() -> int | None:
    config = current_app.config
    if request.blueprint == "admin":
        return config.get("ADMIN_MAX_CONTENT_LENGTH")
    return config.get("MAX_CONTENT_LENGTH")


def _before_request() -> None:
    if request.endpoint in EXEMPT_ENDPOINTS:
        return
    if request.content_length is None and \
            "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        raise HttpProblem(411, "send the request body with a Content-Length (not chunked)")
    limit = _body_limit()
    if limit is not None and request.content_length is not None and \
            request.content_length > limit:
        raise HttpProblem(
            413, f"the request body is {request.content_length:,} bytes; this server accepts "
                 f"at most {limit:,} here", detail={"limit": limit})
    client = client_address()
    limiter = _limiter()
    wait = limiter.take(client)
    if wait:
        raise RateLimited(
            f"too many requests from {client}: at most {limiter.rate} per "
            f"{limiter.period:g} s; try again in {wait} s", wait)
    if not limiter.enter(client):
        raise RateLimited(
            f"too many requests from {client} in progress at once (at most "
            f"{limiter.concurrent}); wait for one to finish", 1)
    g.limits_client = client


def _after_request(_exc=None) -> None:
    client = g.pop("limits_client", None)
    if client is not None:
        _limiter().leave(client)


def init_app(app: Flask) -> None:
    """Apply the limits of ``app.config`` to every request of ``app``."""
    config = app.config
    app.extensions["careerkg.limits"] = Limiter(
        int(config.get("RATE_LIMIT") or 0), float(config.get("RATE_PERIOD") or 60.0),
        int(config.get("MAX_CONCURRENT_PER_CLIENT") or 0),
    )
    app.before_request(_before_request)
    app.teardown_request(_after_request)

"""Slow values computed once, in the background, while a request waits at most until its
deadline.

Some answers need a value that takes seconds to compute on the full graph and is then
shared by every request: the role ↔ requirement graph, its similarity matrices, a role
network's layout, an export file.  Computing one in a request thread ties that request up
for as long as it takes (tens of seconds on a busy machine), past any time limit.

:func:`prepare` runs such a computation in a background thread, once per key (callers that
ask for a key being computed wait for the same run), and waits for it at most until the
deadline of the current context (:func:`deadline`); when the deadline comes first it raises
:class:`~careerkg.graph.errors.StillPreparing` and the computation goes on, so that a later
request finds it done.  Without a deadline (the CLI, the Python API, a warm-up) it waits
for as long as the computation takes.  At most :data:`MAX_RUNNING` computations run at once;
past that a request with a deadline is told to come back instead of starting one more.

The value is not kept here: ``build`` stores it in its caller's cache before it returns, so
that a result nobody waited for is not lost.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from .errors import StillPreparing

__all__ = ["MAX_RUNNING", "deadline", "forget_store", "per_sources", "prepare", "remaining",
           "running"]

T = TypeVar("T")

#: Computations running at once, at most (each holds a thread and, mostly, a core).
MAX_RUNNING = 4

#: Monotonic time by which the current request wants its answer (None: no limit).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "careerkg_deadline", default=None)

_LOCK = threading.Lock()
_RUNS: dict[Hashable, tuple[Future, float, str]] = {}
#: Seconds the last computation of each kind (``what``) took: the Retry-After estimate.
_LAST: dict[str, float] = {}
_LOCAL = threading.local()


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Within this block, :func:`prepare` waits at most ``seconds`` from now (None: no limit).

    >>> with deadline(5):
    ...     0 < remaining() <= 5
    True
    >>> remaining() is None
    True
    """
    token = _DEADLINE.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline (None when there is none)."""
    until = _DEADLINE.get()
    return None if until is None else max(0.0, until - time.monotonic())


def running() -> list[str]:
    """What is being computed now (the ``what`` of each run)."""
    with _LOCK:
        return [what for _, _, what in _RUNS.values()]


def _retry_after(what: str, started: float) -> int:
    expected = _LAST.get(what, 10.0)
    return max(1, math.ceil(expected - (time.monotonic() - started)))


def _run(key: Hashable, build: Callable[[], T], future: Future, what: str) -> None:
    _LOCAL.inside = True
    started = time.monotonic()
    try:
        value = build()
    except BaseException as error:  # handed to every waiter, then forgotten (retried later)
        future.set_exception(error)
    else:
        _LAST[what] = time.monotonic() - started
        future.set_result(value)
    finally:
        with _LOCK:
            _RUNS.pop(key, None)


def prepare(key: Hashable, build: Callable[[], T], *, what: str) -> T:
    """``build()``, computed once per ``key`` in a background thread; waits for it until the
    current deadline.

    Parameters
    ----------
    key
        What is computed: callers asking for the same key while it runs share the run.
    build
        Computes the value and keeps it where its caller looks first (a cache), so that a
        value finished after its requester gave up is kept.
    what
        Its name for people ("the similarity of the roles").

    Raises
    ------
    StillPreparing
        The deadline came first (the computation goes on), or :data:`MAX_RUNNING` other
        computations are running.
    """
    inside = getattr(_LOCAL, "inside", False)
    asked = time.monotonic()
    with _LOCK:
        entry = _RUNS.get(key)
        if entry is None:
            if inside:
                # Called from a computation: do it here (never wait on a queue).
                future, started = Future(), time.monotonic()
                _RUNS[key] = (future, started, what)
                start = None
            elif len(_RUNS) >= MAX_RUNNING and _DEADLINE.get() is not None:
                raise StillPreparing(what, 0.0, retry_after=5, busy=True)
            else:
                future, started = Future(), time.monotonic()
                _RUNS[key] = (future, started, what)
                start = threading.Thread(target=_run, args=(key, build, future, what),
                                         name=f"careerkg-prepare {what}", daemon=True)
        else:
            future, started, _ = entry
            start = None
    if entry is None:
        if start is None:
            _run(key, build, future, what)
        else:
            start.start()
    try:
        return future.result(timeout=remaining())
    except FutureTimeout:
        raise StillPreparing(what, time.monotonic() - asked,
                             retry_after=_retry_after(what, started)) from None


_PER_SOURCES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def per_sources(store, name: str, build: Callable[[], T], *, what: str) -> T:
    """``build()``, once per ``store`` and set of its sources (its
    :meth:`~careerkg.graph.store.Store.fingerprint`), through :func:`prepare`: for values
    such as counts that every visitor of a page would otherwise compute again."""
    fingerprint = store.fingerprint()
    with _LOCK:
        entry = _PER_SOURCES.get(store, {}).get(name)
    if entry is not None and entry[0] == fingerprint:
        return entry[1]

    def compute() -> T:
        value = build()
        with _LOCK:
            _PER_SOURCES.setdefault(store, {})[name] = (fingerprint, value)
        return value

    return prepare((id(store), name, fingerprint), compute, what=what)


def forget_store(store) -> None:
    """Forget the :func:`per_sources` values of ``store`` (after a change its sources do not
    show: a raw SPARQL update)."""
    with _LOCK:
        _PER_SOURCES.pop(store, None)

"""Reads in worker processes with hard deadlines.

Neither Oxigraph nor rdflib can cancel a running query, and a thread cannot be killed, so a
public endpoint runs every read in a separate process and kills it at its deadline.

How the processes are arranged::

    app process (Flask, many threads)        zygote (one thread, no network)
      IsolatedStore ── control socket ──────▶  memory: holds the graph, applies writes
        pool of connections ◀── fd passing ──  forks a worker on request
          worker 1 … worker N  (each a fork of the zygote: a copy-on-write snapshot of the
                                in-memory graph, or a read-only view of a disk snapshot)

* The zygote is started with ``python -c`` :data:`ZYGOTE_COMMAND` (a fresh interpreter, so
  it is single-threaded and fork is safe there); it never serves a query itself.
* In-memory store: the zygote owns the graph.  Writes go to the zygote; workers forked after
  a write see it, older workers are retired when they come back to the pool.
* On-disk store: this process owns the read-write store; after each write it makes a
  hard-linked snapshot (milliseconds) that new workers open read-only.
* A worker past its deadline is killed with SIGKILL (its CPU is freed at once) and the caller
  gets :class:`~careerkg.graph.errors.QueryTimeout`; the pool forks another on demand.
* Where the kernel allows it (root), the zygote and so every worker run in an empty network
  namespace: even a query that got past the SERVICE check could not open a connection.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from .errors import QueryTimeout, StoreError
from .loading import prepare_store
from .store import OxigraphStore, Payload, Store

__all__ = ["IsolatedStore", "PoolConfig"]

#: What the zygote process runs (its command line names this module, for ``ps``).
ZYGOTE_COMMAND = ("import sys; from careerkg.graph.executor import _zygote_main; "
                  "_zygote_main(int(sys.argv[1]), int(sys.argv[2]))")

log = logging.getLogger("careerkg.executor")

#: Operations a worker may run (all read-only).
READ_OPS = frozenset(
    {"query", "query_serialized", "export", "sources", "graph_names", "dump_graph", "count"}
)
#: Operations the writer runs.
WRITE_OPS = frozenset({"update", "replace_source", "drop_source", "recover"})


@dataclass
class PoolConfig:
    #: Workers kept ready.
    min_workers: int = 2
    #: Upper bound on simultaneous queries; further callers wait for a free worker.
    max_workers: int = 8
    #: Workers beyond ``min_workers`` idle this long (seconds) are stopped: a burst of
    #: queries keeps reusing warm workers, and the memory comes back after it.
    idle_timeout: float = 10.0
    #: Default deadline of a read, in seconds.
    timeout: float = 10.0
    #: How long a caller waits for a free worker before giving up, in seconds.
    queue_timeout: float = 30.0
    #: Cut the network off from workers where the kernel allows it.
    isolate_network: bool = True
    #: Extra RDF files loaded into a memory store at start (``careerkg serve --data``).
    data_files: list[str] = field(default_factory=list)
    seed: bool = True


# ------------------------------------------------------------------------------------------
# Worker side


def _serve_reads(conn: Connection, store: Store) -> None:
    """A worker's loop: run read operations until the connection closes."""
    while True:
        try:
            op, args, kwargs = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            if op not in READ_OPS:
                raise StoreError(f"operation {op!r} is not allowed in a read worker")
            value = getattr(store, op)(*args, **kwargs)
            reply = ("ok", value)
        except Exception as error:  # noqa: BLE001 - the caller re-raises it
            reply = ("error", error)
        try:
            conn.send(reply)
        except pickle.PicklingError as error:
            conn.send(("error", StoreError(f"cannot return the result: {error}")))
        except (BrokenPipeError, OSError):
            os._exit(0)


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _cut_network() -> bool:
    """Move this process into a new, empty network namespace (needs CAP_SYS_ADMIN)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(0x40000000) == 0  # CLONE_NEWNET
    except Exception:  # noqa: BLE001
        return False


def _zygote_main(control_fd: int, fd_channel_fd: int) -> None:
    # No death signal here: Linux sends it when the *thread* that started this process
    # ends, not the process.  The zygote ends when its control socket reaches EOF, which
    # happens when the app process exits however it exits; its workers, whose parent is
    # this single-threaded process, do get the death signal.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    control = Connection(control_fd)
    fd_channel = socket.socket(fileno=fd_channel_fd)
    config: dict = control.recv()
    isolated = _cut_network() if config["isolate_network"] else False
    store: Store | None = None
    try:
        if config["kind"] == "memory":
            store = prepare_store(
                OxigraphStore(None), seed=config["seed"], data_files=config["data_files"]
            )
        control.send(("ok", {"network_isolated": isolated, "pid": os.getpid()}))
    except Exception as error:  # noqa: BLE001
        control.send(("error", error))
        os._exit(1)
    snapshot = config.get("snapshot")
    while True:
        try:
            message = control.recv()
        except (EOFError, OSError):
            os._exit(0)
        command = message[0]
        if command == "spawn":
            if message[1]:
                snapshot = message[1]
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            pid = os.fork()
            if pid == 0:
                ours.close()
                control.close()
                fd_channel.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _die_with_parent()
                worker_store = store if store is not None else OxigraphStore(
                    snapshot, read_only=True
                )
                _serve_reads(Connection(theirs.detach()), worker_store)
                os._exit(0)
            theirs.close()
            control.send(("ok", pid))
            socket.send_fds(fd_channel, [b"w"], [ours.fileno()])
            ours.close()
        elif command == "write":
            _op, args, kwargs = message[1:]
            try:
                if _op not in WRITE_OPS:
                    raise StoreError(f"operation {_op!r} is not a write")
                control.send(("ok", getattr(store, _op)(*args, **kwargs)))
            except Exception as error:  # noqa: BLE001
                control.send(("error", error))
        elif command == "stop":
            os._exit(0)


# ------------------------------------------------------------------------------------------
# App side


class _Worker:
    __slots__ = ("pid", "conn", "generation", "idle_since")

    def __init__(self, pid: int, conn: Connection, generation: int):
        self.pid = pid
        self.conn = conn
        self.generation = generation
        self.idle_since = time.monotonic()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.conn.close()


class IsolatedStore(Store):
    """A local store whose reads run in worker processes with deadlines.

    >>> store = IsolatedStore(None)                               # doctest: +SKIP
    >>> store.query("SELECT * { ?s ?p ?o } LIMIT 1", timeout=2)   # doctest: +SKIP
    """

    def __init__(self, spec: str | None, config: PoolConfig | None = None):
        self.config = config or PoolConfig()
        self.location = None if spec is None else str(spec)
        self.kind = "memory" if spec is None else "disk"
        self._lock = threading.Lock()  # guards the zygote channel and the pool lists
        self._idle: list[_Worker] = []
        self._busy = 0
        self._available = threading.Condition(self._lock)
        self._generation = 0
        self._closed = False
        self._write_lock = threading.Lock()  # one write at a time
        self._writer: OxigraphStore | None = None
        self._snapshots: Path | None = None
        self._snapshot: str | None = None
        if self.kind == "disk":
            self._writer = prepare_store(
                OxigraphStore(spec), seed=self.config.seed, data_files=self.config.data_files
            )
            location = Path(spec).expanduser().resolve()
            prefix = f".careerkg-snapshots-{location.name}-"
            # This process holds the store's lock, so snapshot folders of this store that
            # exist now were left by a process that died without closing it.
            for stale in location.parent.glob(prefix + "*"):
                shutil.rmtree(stale, ignore_errors=True)
            self._snapshots = Path(tempfile.mkdtemp(prefix=prefix, dir=location.parent))
            self._snapshot = self._new_snapshot()
        self._start_zygote()
        with self._lock:
            for _ in range(self.config.min_workers):
                self._idle.append(self._spawn_locked())
        self._stopping = threading.Event()
        threading.Thread(
            target=self._reap_idle_workers, name="careerkg-pool-reaper", daemon=True
        ).start()

    # -- zygote ----------------------------------------------------------------------
    def _start_zygote(self) -> None:
        control_ours, control_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        fds_ours, fds_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        child_fds = [control_theirs.fileno(), fds_theirs.fileno()]
        self._zygote = subprocess.Popen(
            # Not ``-m``: the ``careerkg`` package imports this module, so runpy would run a
            # second copy of it as __main__ (and warn on standard error, breaking JSON logs).
            [sys.executable, "-c", ZYGOTE_COMMAND, *map(str, child_fds)],
            pass_fds=child_fds,
            close_fds=True,
        )
        control_theirs.close()
        fds_theirs.close()
        self._control = Connection(control_ours.detach())
        self._fd_channel = fds_ours
        self._control.send(
            {
                "kind": self.kind,
                "isolate_network": self.config.isolate_network,
                "data_files": [str(Path(p).resolve()) for p in self.config.data_files]
                if self.kind == "memory" else [],
                "seed": self.config.seed,
                "snapshot": self._snapshot,
            }
        )
        status, value = self._control.recv()
        if status != "ok":
            raise value
        self.network_isolated = value["network_isolated"]
        self.zygote_pid = value["pid"]

    def _spawn_locked(self) -> _Worker:
        self._control.send(("spawn", self._snapshot))
        status, pid = self._control.recv()
        if status != "ok":
            raise StoreError(f"could not start a query worker: {pid}")
        _msg, fds, _flags, _addr = socket.recv_fds(self._fd_channel, 16, 1)
        return _Worker(pid, Connection(fds[0]), self._generation)

    def pool_state(self) -> dict:
        """The worker pool at this moment (for health checks and monitoring).

        Returns
        -------
        dict
            ``idle`` and ``busy`` workers, ``min_workers`` / ``max_workers``, whether the
            zygote is alive and whether workers are cut off from the network.
        """
        with self._lock:
            return {
                "idle": len(self._idle),
                "busy": self._busy,
                "min_workers": self.config.min_workers,
                "max_workers": self.config.max_workers,
                "zygote_alive": not self._closed and self._zygote.poll() is None,
                "network_isolated": self.network_isolated,
            }

    def worker_pids(self) -> list[int]:
        """Process ids of the idle workers and the zygote (for tests and monitoring)."""
        with self._lock:
            return [self.zygote_pid, *(w.pid for w in self._idle)]

    # -- running reads ---------------------------------------------------------------
    def _acquire(self, deadline: float) -> _Worker:
        with self._available:
            while True:
                if self._closed:
                    raise StoreError("the store is closed")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.generation == self._generation:
                        self._busy += 1
                        return worker
                    worker.kill()
                if self._busy < self.config.max_workers:
                    worker = self._spawn_locked()
                    self._busy += 1
                    return worker
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StoreError(
                        f"all {self.config.max_workers} query workers stayed busy for "
                        f"{self.config.queue_timeout:g} s; try again later"
                    )
                self._available.wait(remaining)

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._available:
            self._busy -= 1
            if healthy and worker.generation == self._generation and not self._closed:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)  # the most recently used is taken first
            else:
                worker.kill()
            self._trim_locked()
            while len(self._idle) < self.config.min_workers and not self._closed:
                try:
                    self._idle.append(self._spawn_locked())
                except (StoreError, OSError) as error:
                    log.warning("could not refill the worker pool: %s", error)
                    break
            self._available.notify()

    def _trim_locked(self) -> None:
        """Stop workers beyond the minimum that stayed idle ``idle_timeout`` seconds.

        The idle list is used as a stack, so the coldest workers are at its front."""
        cutoff = time.monotonic() - self.config.idle_timeout
        while len(self._idle) > self.config.min_workers and self._idle[0].idle_since <= cutoff:
            self._idle.pop(0).kill()

    def _reap_idle_workers(self) -> None:
        """A daemon thread: shrink the pool after a burst even when no query comes."""
        interval = max(0.05, min(self.config.idle_timeout / 2, 5.0))
        while not self._stopping.wait(interval):
            with self._lock:
                if not self._closed:
                    self._trim_locked()

    def _read(self, op: str, *args, timeout: float | None = None, **kwargs):
        limit = self.config.timeout if timeout is None else timeout
        worker = self._acquire(time.monotonic() + self.config.queue_timeout)
        healthy = False
        try:
            worker.conn.send((op, args, kwargs))
            if not worker.conn.poll(limit):
                log.warning("killed worker %s: %s past its %.3g s deadline", worker.pid, op, limit)
                raise QueryTimeout(limit)
            status, value = worker.conn.recv()
            healthy = True
        except (EOFError, OSError) as error:
            raise StoreError(f"the query worker stopped unexpectedly ({error})") from None
        finally:
            self._release(worker, healthy)
        if status == "error":
            raise value
        return value

    def query(self, text, *, default_graphs=None, named_graphs=None, limit=None, timeout=None):
        return self._read(
            "query", text, default_graphs=default_graphs, named_graphs=named_graphs,
            limit=limit, timeout=timeout,
        )

    def query_serialized(self, text, fmt, *, timeout=None, **options):
        return self._read("query_serialized", text, fmt, timeout=timeout, **options)

    def export(self, fmt="turtle"):
        return self._read("export", fmt, timeout=max(self.config.timeout, 600))

    def sources(self):
        return self._read("sources")

    def graph_names(self):
        return self._read("graph_names")

    def dump_graph(self, graph, fmt):
        return self._read("dump_graph", graph, fmt, timeout=max(self.config.timeout, 600))

    def count(self):
        return self._read("count")

    # -- writes ----------------------------------------------------------------------
    def _write(self, op: str, *args, **kwargs):
        with self._write_lock:
            return self._write_locked(op, *args, **kwargs)

    def _write_locked(self, op: str, *args, **kwargs):
        if self._writer is not None:
            value = getattr(self._writer, op)(*args, **kwargs)
            with self._lock:
                self._snapshot = self._new_snapshot()
                self._generation += 1
                self._prune_snapshots()
            return value
        payload = next((a for a in args if isinstance(a, Payload)), None)
        if payload is not None and payload.triples is not None:
            payload.triples = list(payload.triples)
        with self._lock:
            self._control.send(("write", op, args, kwargs))
            status, value = self._control.recv()
            self._generation += 1
            for worker in self._idle:
                worker.kill()
            self._idle.clear()
        if status == "error":
            raise value
        return value

    def update(self, text):
        return self._write("update", text)

    def replace_source(self, name, payload, **kwargs):
        return self._write("replace_source", name, payload, **kwargs)

    def drop_source(self, name):
        return self._write("drop_source", name)

    def recover(self):
        return self._write("recover")

    def _answer(self, text, default_graphs, named_graphs, timeout):  # pragma: no cover
        raise NotImplementedError  # reads go to a worker's store

    def _insert(self, payload, graph):  # pragma: no cover - writes go to the writer
        raise NotImplementedError

    def _drop_graph(self, graph):  # pragma: no cover
        raise NotImplementedError

    def _new_snapshot(self) -> str:
        target = self._snapshots / f"g{time.time_ns()}"
        self._writer.snapshot(str(target))
        return str(target)

    def _prune_snapshots(self) -> None:
        """Delete all but the two newest snapshots (a query still running on the previous
        one keeps working; workers of older generations are already retired)."""
        for path in sorted(self._snapshots.iterdir())[:-2]:
            shutil.rmtree(path, ignore_errors=True)

    # -- life cycle ------------------------------------------------------------------
    def close(self) -> None:
        with self._available:
            if self._closed:
                return
            self._closed = True
            self._stopping.set()
            for worker in self._idle:
                worker.kill()
            self._idle.clear()
            self._available.notify_all()
        with contextlib.suppress(OSError):
            self._control.send(("stop",))
        with contextlib.suppress(Exception):
            self._zygote.wait(timeout=5)
        if self._zygote.poll() is None:
            self._zygote.kill()
        if self._writer is not None:
            self._writer.close()
            shutil.rmtree(self._snapshots, ignore_errors=True)

    def __del__(self):
        with contextlib.suppress(Exception):
            self.close()


if __name__ == "__main__":
    _zygote_main(int(sys.argv[1]), int(sys.argv[2]))

"""What one app holds for its whole life: the store, the canned queries, asset checks.

The store is opened once per app (never per request), by
:func:`~careerkg.graph.factory.open_store`, and closed by :meth:`AppState.close`.  A local
store's zygote process lives as long as its control socket: it exits when the store is
closed or the app process ends, however it ends (it has no death signal of its own, since
Linux would send that when the *thread* that started it ends; its workers do have one).
"""

from __future__ import annotations

import logging
import threading
from importlib.resources import files

from flask import current_app

from careerkg.graph.executor import PoolConfig
from careerkg.graph.factory import open_store, store_spec
from careerkg.graph.loading import data_source_name, load_rdf_file
from careerkg.graph.store import Store

__all__ = ["AppState", "state", "store", "VENDOR_FILES"]

log = logging.getLogger("careerkg.server")

#: The third-party browser files the query page needs (copied by scripts/vendor_assets.py).
VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css")


class AppState:
    """The store and shared, read-only things of one app.

    Parameters
    ----------
    config
        The app's settings (see :mod:`careerkg.server.config`).
    """

    def __init__(self, config: dict):
        self.config = config
        self._lock = threading.Lock()
        self._closed = False
        self.owns_store = config.get("STORE") is None
        #: The warm-up (:class:`careerkg.server.warmup.WarmUp`) when ``WARM_UP`` is on.
        self.warm_up = None
        self.store: Store = self._open(config)
        vendor = files("careerkg.server").joinpath("static", "vendor")
        self.has_vendor_assets = all(vendor.joinpath(f).is_file() for f in VENDOR_FILES)

    @staticmethod
    def _open(config: dict) -> Store:
        data = [str(p) for p in config.get("CAREERKG_DATA") or []]
        if config.get("STORE") is not None:  # a store the caller opened (tests, tools)
            store = config["STORE"]
            for path in data:
                load_rdf_file(store, path, data_source_name(path))
            return store
        pool = PoolConfig(
            min_workers=int(config["MIN_WORKERS"]),
            max_workers=int(config["MAX_WORKERS"]),
            idle_timeout=float(config["WORKER_IDLE_TIMEOUT"]),
            timeout=float(config["QUERY_TIMEOUT"]),
            queue_timeout=float(config["QUEUE_TIMEOUT"]),
            isolate_network=bool(config["ISOLATE_NETWORK"]),
        )
        return open_store(
            store_spec(config.get("CAREERKG_STORE")),
            update_endpoint=config.get("CAREERKG_UPDATE_ENDPOINT"),
            data_files=data,
            pool=pool,
        )

    @property
    def timeout(self) -> float:
        return float(self.config["QUERY_TIMEOUT"])

    @property
    def max_rows(self) -> int:
        return int(self.config["MAX_ROWS"])

    def describe_store(self) -> str:
        """The store as a person reads it (in log lines and on the home page)."""
        if self.store.kind == "memory":
            text = "an in-memory graph of the packaged sources"
        else:
            text = self.store.describe()
        data = self.config.get("CAREERKG_DATA") or []
        if data:
            text += f" plus {len(data)} data file{'s' if len(data) != 1 else ''}"
        return text

    def close(self) -> None:
        """Close the store if this app opened it (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self.owns_store:
            self.store.close()


def state() -> AppState:
    """The :class:`AppState` of the app handling the current request."""
    return current_app.extensions["careerkg"]


def store() -> Store:
    """The store of the app handling the current request."""
    return state().store

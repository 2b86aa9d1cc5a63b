"""Opening a store: the one place that chooses which kind from a ``--store`` value.

Everything that opens a store — the CLI, the web app, tools and tests — calls
:func:`open_store`.  The stores themselves (:mod:`~careerkg.graph.store`,
:mod:`~careerkg.graph.remote`, the isolation layer in :mod:`~careerkg.graph.executor`) and
the loading steps (:mod:`~careerkg.graph.loading`) sit below this module; none imports it.

=================================  ===========================================================
``spec``                           store
=================================  ===========================================================
``None`` (and no CAREERKG_STORE)   Oxigraph in memory, built from the packaged sources
a path                             Oxigraph on disk (created, and seeded, if new)
an ``http(s)://`` URL              :class:`~careerkg.graph.remote.RemoteStore`
either local kind with ``pool``    :class:`~careerkg.graph.executor.IsolatedStore`
=================================  ===========================================================
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .executor import IsolatedStore, PoolConfig
from .loading import prepare_store
from .remote import RemoteStore
from .store import OxigraphStore, Store

__all__ = ["open_store", "store_spec", "is_remote"]

_URL = re.compile(r"^https?://", re.IGNORECASE)


def is_remote(spec: str | os.PathLike | None) -> bool:
    """Whether a ``--store`` value names a SPARQL endpoint (rather than a folder).

    >>> is_remote("HTTPS://kg.example/sparql"), is_remote("./http-store"), is_remote(None)
    (True, False, False)
    """
    return bool(spec) and bool(_URL.match(str(spec)))


def store_spec(store: str | None = None) -> str | None:
    """The store to use: the ``--store`` option, else ``CAREERKG_STORE``, else memory."""
    return store or os.environ.get("CAREERKG_STORE") or None


def open_store(
    spec: str | os.PathLike | None = None,
    *,
    update_endpoint: str | None = None,
    seed: bool = True,
    read_only: bool = False,
    data_files: Iterable[str | os.PathLike] = (),
    pool: PoolConfig | None = None,
) -> Store:
    """Open the store named by ``spec`` (path, URL or ``None`` for memory).

    A new memory or disk store gets the packaged ontology and seed sources; an existing
    one is brought up to date with them when they changed; then each of ``data_files`` is
    loaded as its own source.  ``seed=False`` opens the store as it is (for tests and tools
    that want an empty graph); ``read_only`` opens a disk store read-only, untouched.
    With ``pool``, a local store runs its reads in worker processes with deadlines (what the
    web server uses); a remote store has its own engine's limits and ignores it.
    """
    data = [str(path) for path in data_files]
    if is_remote(spec):
        store: Store = RemoteStore(
            str(spec), update_endpoint or os.environ.get("CAREERKG_UPDATE_ENDPOINT") or None
        )
    else:
        location = Path(spec).expanduser() if spec else None
        if pool is not None:
            config = dataclasses.replace(pool, seed=seed, data_files=data)
            return IsolatedStore(None if location is None else str(location), config)
        store = OxigraphStore(location, read_only=read_only)
    if read_only:
        return store
    return prepare_store(store, seed=seed, data_files=data)

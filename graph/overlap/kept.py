"""The requirement graph of an on-disk store, and what was computed from it, kept in a file
beside the store (``<store>.overlap.pickle``) so that a server starting on a store it has
seen before has them in a second instead of rebuilding them (tens of seconds on the full
graph: reading ~400,000 rows with SPARQL, then the weighted similarity).

The file is careerkg's own, written by careerkg beside the store it describes (as the search
index is); it is read only when it names the store's current sources
(:meth:`~careerkg.graph.store.Store.fingerprint`) and this code (a digest of the overlap
package's source), so a change of data or of code makes it be rebuilt, never misread.  A
file that cannot be read is ignored (and replaced at the next :func:`keep`).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from functools import cache
from pathlib import Path

import networkx as nx

from ..files import write_atomic
from ..store import Store
from .derived import kept_values, restore

__all__ = ["keep", "kept_key", "kept_path", "load_kept"]

log = logging.getLogger("careerkg.overlap")

#: The file's suffix beside the store's folder.
SUFFIX = "overlap.pickle"


@cache
def _code_digest() -> str:
    """A digest of the overlap package's source: kept values are only read back by the
    code that computed them."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def kept_path(store: Store) -> Path | None:
    """The file beside ``store`` (None for a store in memory or remote)."""
    return store.beside(SUFFIX)


#: What reading a damaged or foreign file may raise.
_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError)


def _read(store: Store, accept=None) -> tuple[tuple, dict | None] | None:
    """``(key, payload)`` of the file kept beside ``store``: its key, and the graph with its
    values when ``accept(key)`` says so (else None); None when there is no readable file."""
    path = kept_path(store)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            key = pickle.load(handle)  # noqa: S301 - careerkg's own file (module docstring)
            if not isinstance(key, tuple):
                return None
            payload = pickle.load(handle) if accept is not None and accept(key) else None  # noqa: S301
    except _UNREADABLE as error:
        log.warning("ignoring %s: %s", path, error)
        return None
    return key, payload


def kept_key(store: Store) -> tuple | None:
    """The key of the file kept beside ``store`` (sources' fingerprint, code digest, the
    keys of the values kept with the graph), or None when there is none or it cannot be
    read."""
    found = _read(store)
    return None if found is None else found[0]


def load_kept(store: Store, fingerprint: str) -> nx.Graph | None:
    """The graph kept beside ``store`` for its sources as they are now (``fingerprint``,
    :meth:`~careerkg.graph.store.Store.fingerprint`), with its computed values restored, or
    None."""
    found = _read(store, accept=lambda key: key[:2] == (fingerprint, _code_digest()))
    if found is None or found[1] is None:
        return None
    G = found[1]["graph"]
    restore(G, found[1]["values"])
    return G


def keep(store: Store, G: nx.Graph) -> Path | None:
    """Write ``G`` (built by :func:`~careerkg.graph.overlap.model.cached_requirements_graph`,
    which records the sources it was read from) and the values computed from it so far
    beside ``store``, unless the file there already holds them (or more); the file, or None when the
    store is not on disk or its folder cannot be written."""
    path = kept_path(store)
    fingerprint = G.graph.get("fingerprint")
    if path is None or fingerprint is None:
        return None
    values = kept_values(G)
    key = (fingerprint, _code_digest(), frozenset(values))
    there = kept_key(store)
    if there is not None and there[:2] == key[:2] and there[2] >= key[2]:
        return path  # already kept, with as much
    data = (pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL)
            + pickle.dumps({"graph": G, "values": values}, protocol=pickle.HIGHEST_PROTOCOL))
    try:
        return write_atomic(path, data)
    except OSError as error:
        log.warning("could not keep the requirement graph beside the store: %s", error)
        return None

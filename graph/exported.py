"""The whole graph as one document (``/export``), written once per set of sources.

Serializing the full graph takes a minute on a busy machine and holds the whole document in
memory; a download must not do that each time.  :func:`exported` writes it once per
format and set of sources — for an on-disk store into a folder beside it
(``<store>.export/``), otherwise kept in memory — in the background for a request with a
deadline (:mod:`careerkg.graph.background`), and hands back the file (or the bytes).  The
bytes are those of :meth:`~careerkg.graph.store.Store.export` (``careerkg export``).
"""

from __future__ import annotations

from pathlib import Path

from .background import per_sources, prepare
from .files import write_atomic
from .formats import rdf_format
from .store import Store

__all__ = ["exported", "export_folder"]

def export_folder(store: Store) -> Path | None:
    """The folder beside an on-disk store that keeps its exports (None otherwise)."""
    return store.beside("export")


def _file_name(fingerprint: str, fmt: str) -> str:
    return f"careerkg-{fingerprint[:16]}{rdf_format(fmt).extensions[0]}"


def exported(store: Store, fmt: str = "turtle") -> Path | bytes:
    """``store``'s whole graph in ``fmt``: a file beside an on-disk store, or bytes."""
    what = f"the export of the whole graph ({rdf_format(fmt).name})"
    folder = export_folder(store)
    if folder is None:
        return per_sources(store, f"export {fmt}", lambda: store.export(fmt), what=what)
    fingerprint = store.fingerprint()
    path = folder / _file_name(fingerprint, fmt)
    if path.is_file():
        return path

    def write() -> Path:
        folder.mkdir(exist_ok=True)
        written = write_atomic(path, store.export(fmt))
        for old in folder.glob("careerkg-*"):  # exports of earlier sources
            if not old.name.startswith(f"careerkg-{fingerprint[:16]}."):
                old.unlink(missing_ok=True)
        return written

    return prepare((id(store), "export", fingerprint, fmt), write, what=what)

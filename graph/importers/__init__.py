"""Importers: outside data onto the careerkg ontology, one source (named graph) each.

Every importer has the same signature::

    import_xxx(store, path, *, name=None, progress=False) -> ImportReport

It reads and validates *all* of its input first (raising
:class:`~careerkg.graph.errors.InputError` with the file, line and column of the first
problem), builds the source's triples, and hands them to
:meth:`~careerkg.graph.store.Store.replace_source` once — so a bad file never changes the
store, and importing the same input again changes nothing.

=============  ===================================================  ===================
kind           input                                                default source name
=============  ===================================================  ===================
``onet``       a folder of O*NET database text files                ``onet``
``esco``       ESCO's export: its two zips, or a folder of its CSV  ``esco``
``bls``        BLS OEWS national wages (.xlsx), SOC crosswalk       ``bls``
``crosswalk``  the ESCO → O*NET-SOC crosswalk (.xlsx)               ``crosswalk``
``csv``        a CSV file of your own roles (docs/import.md)        ``csv-<file stem>``
``rdf``        a Turtle, N-Triples, JSON-LD or RDF/XML file         ``rdf-<file stem>``
=============  ===================================================  ===================
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..store import Store
from .bls import import_bls
from .common import ImportReport
from .crosswalk import import_crosswalk
from .csvroles import import_csv
from .esco import import_esco
from .onet import import_onet
from .rdffile import import_rdf

__all__ = ["IMPORTERS", "ImportReport", "import_source"]

Importer = Callable[..., ImportReport]

#: kind → importer function
IMPORTERS: dict[str, Importer] = {
    "onet": import_onet,
    "esco": import_esco,
    "csv": import_csv,
    "rdf": import_rdf,
    "bls": import_bls,
    "crosswalk": import_crosswalk,
}


def import_source(
    kind: str,
    store: Store,
    path: str | Path,
    *,
    name: str | None = None,
    progress: bool = False,
) -> ImportReport:
    """Import ``path`` with the importer for ``kind`` (``onet``, ``esco``, ``csv``, ``rdf``,
    ``bls``, ``crosswalk``).

    Parameters
    ----------
    kind : str
        Which importer.
    store : Store
        The store to import into.
    path : str or Path
        The input folder or file.
    name : str, optional
        The source name, instead of the importer's default.
    progress : bool
        Show progress bars on standard error (only when it is a terminal).

    Returns
    -------
    ImportReport

    Raises
    ------
    ValueError
        For an unknown ``kind``.
    InputError
        For malformed input (the store is then unchanged).
    """
    try:
        importer = IMPORTERS[kind]
    except KeyError:
        raise ValueError(
            f"unknown import kind {kind!r}; use one of: {', '.join(IMPORTERS)}"
        ) from None
    return importer(store, path, name=name, progress=progress)

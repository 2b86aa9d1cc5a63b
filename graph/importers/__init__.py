"""Importers: outside data onto the careerkg ontology, one source (named graph) each.

Every import runs through :func:`~.pipeline.run_import` (the steps, and the interface an
importer implements, are documented in :mod:`careerkg.graph.importers.pipeline`): it reads
and validates *all* of its input first (raising :class:`~careerkg.graph.errors.InputError`
with the file, line and column of the first problem), builds the source's triples, and hands
them to :meth:`~careerkg.graph.store.Store.replace_source` once — so a bad file never changes
the store, and importing the same input again changes nothing.

=============  ================================================  =====================
kind           input                                             default source name
=============  ================================================  =====================
``onet``       a folder or zip of the O*NET database (xlsx/txt)  ``onet``
``esco``       ESCO's export: its two zips, or a folder of CSV   ``esco``
``bls``        BLS OEWS national wages (.xlsx), SOC crosswalk    ``bls``
``crosswalk``  the ESCO → O*NET-SOC crosswalk (.xlsx)            ``crosswalk``
``csv``        a CSV file of your own roles (docs/import.md)     ``csv-<file stem>``
``rdf``        a Turtle, N-Triples, JSON-LD or RDF/XML file      ``rdf-<file stem>``
=============  ================================================  =====================
"""

from __future__ import annotations

from pathlib import Path

from ..store import Store
from .bls import BLS_IMPORTER
from .common import ImportReport
from .crosswalk import CROSSWALK_IMPORTER
from .csvroles import CSV_IMPORTER
from .esco import ESCO_IMPORTER
from .onet import ONET_IMPORTER
from .pipeline import Importer, run_import
from .rdffile import RDF_IMPORTER

__all__ = ["IMPORTERS", "ImportReport", "Importer", "import_source", "run_import"]

#: kind → importer (one line per importer)
IMPORTERS: dict[str, Importer] = {
    importer.kind: importer
    for importer in (ONET_IMPORTER, ESCO_IMPORTER, BLS_IMPORTER, CROSSWALK_IMPORTER,
                     CSV_IMPORTER, RDF_IMPORTER)
}


def import_source(
    kind: str,
    store: Store,
    path: str | Path,
    *,
    name: str | None = None,
    progress: bool = False,
    **options,
) -> ImportReport:
    """Import ``path`` with the importer for ``kind`` (``onet``, ``esco``, ``bls``,
    ``crosswalk``, ``csv``, ``rdf``).

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
    **options
        The importer's own options (its ``options``, such as O*NET's ``without``).

    Returns
    -------
    ImportReport

    Raises
    ------
    ValueError
        For an unknown ``kind`` or option.
    InputError
        For malformed input (the store is then unchanged).
    """
    try:
        importer = IMPORTERS[kind]
    except KeyError:
        raise ValueError(
            f"unknown import kind {kind!r}; use one of: {', '.join(IMPORTERS)}"
        ) from None
    return run_import(importer, store, path, name=name, progress=progress, **options)

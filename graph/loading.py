"""Putting sources into a store: the packaged ones, RDF files, and the steps of opening.

Below :mod:`careerkg.graph.factory` (which chooses a store and calls :func:`prepare_store`)
and beside the stores: it uses only the :class:`~careerkg.graph.store.Store` interface.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .builtin import ensure_builtin_sources
from .errors import InputError
from .formats import RDF_FORMATS, rdf_format_for_path
from .store import Payload, Source, Store, file_digest

__all__ = ["TRIPLE_FORMATS", "data_source_name", "load_rdf_file", "prepare_store"]

#: The RDF formats a source can come in: one graph each (N-Quads and TriG hold several).
TRIPLE_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")


def load_rdf_file(
    store: Store,
    path: str | Path,
    name: str,
    *,
    title: str | None = None,
    digest: str | None = None,
    base_iri: str | None = None,
) -> tuple[Source, bool]:
    """Load one RDF file as source ``name``, all or nothing (the store-side step of every
    "load this file" path: ``careerkg serve --data``, the RDF importer).

    Parameters
    ----------
    store
        Where to load.
    path
        A Turtle, N-Triples, JSON-LD or RDF/XML file (format from its extension).
    name
        The source name.
    title
        The source's title (default: the file name).
    digest
        What makes a reload a no-op when unchanged (default: :func:`file_digest` of the
        file); the source is not reloaded when the live source has this digest.
    base_iri
        The base for relative IRIs in the file (default: the file's own ``file:`` URL, as
        RDF tools do).

    Returns
    -------
    tuple[Source, bool]
        The live source and whether anything changed.

    Raises
    ------
    InputError
        On a missing file, an unknown or several-graph format, or a syntax error (with the
        file, line and column).
    """
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file", file=str(file))
    try:
        fmt = rdf_format_for_path(str(file))
    except ValueError as error:
        raise InputError(str(error).split(": ", 1)[-1], file=str(file)) from None
    if fmt.name not in TRIPLE_FORMATS:
        known = ", ".join(RDF_FORMATS[f].extensions[0] for f in TRIPLE_FORMATS)
        raise InputError(
            f"{fmt.name} holds several graphs and a source is one graph: convert the file to "
            f"a triple format ({known})", file=str(file),
        )
    return store.replace_source(
        name,
        Payload(path=file, format=fmt, base_iri=base_iri or file.resolve().as_uri()),
        title=title or file.name,
        digest=digest or file_digest(file),
    )


def data_source_name(path: str | Path) -> str:
    """The source name of a ``--data`` file.

    >>> data_source_name("extra/My Roles.ttl")
    'data-my-roles'
    """
    return "data-" + "".join(c if c.isalnum() else "-" for c in Path(path).stem.lower())[:50]


def prepare_store(
    store: Store, *, recover: bool = True, seed: bool = True, data_files: Iterable = ()
) -> Store:
    """The steps after opening a writable store: drop what a crash left, load the packaged
    sources (unless these versions are there), then each ``--data`` file as its own source."""
    if recover:
        store.recover()
    if seed:
        ensure_builtin_sources(store)
    for path in data_files:
        load_rdf_file(store, path, data_source_name(path))
    return store

"""Import any RDF file (Turtle, N-Triples, JSON-LD, RDF/XML) as a source of its own.

The file's triples go as they are into the source's named graph (default name
``rdf-<file stem>``); the format comes from the extension (``.ttl``, ``.nt``, ``.jsonld`` /
``.json``, ``.rdf`` / ``.owl`` / ``.xml``).  Syntax errors are reported with the file, line
and column the parser gives, and nothing is written.  Formats that hold several graphs
(N-Quads, TriG) are refused: a source is one graph.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..formats import RDF_FORMATS, rdf_format_for_path
from ..stats import class_counts
from ..store import Payload, Store
from .common import ImportReport, digest_of, slugify, timer, unchanged

__all__ = ["import_rdf", "default_name"]

TRIPLE_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")


def default_name(path: Path, prefix: str) -> str:
    """``<prefix>-<stem>`` as a valid source name.

    >>> default_name(Path("My Roles.ttl"), "rdf")
    'rdf-my-roles'
    """
    return f"{prefix}-{slugify(path.stem)}"[:64]


def import_rdf(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False
) -> ImportReport:
    """Import one RDF file as a source, all or nothing.

    Parameters
    ----------
    store : Store
        Where to import.
    path : str or Path
        A Turtle, N-Triples, JSON-LD or RDF/XML file (format from its extension).
    name : str, optional
        The source name (default ``rdf-<file stem>``).
    progress : bool
        Unused: the engine parses the file in one call.

    Returns
    -------
    ImportReport

    Raises
    ------
    InputError
        On a missing file, an unknown extension or a syntax error (with line and column).
    """
    started = timer()
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    try:
        fmt = rdf_format_for_path(str(path))
    except ValueError as error:
        raise InputError(str(error).split(": ", 1)[-1], file=str(path)) from None
    if fmt.name not in TRIPLE_FORMATS:
        known = ", ".join(RDF_FORMATS[f].extensions[0] for f in TRIPLE_FORMATS)
        raise InputError(
            f"{fmt.name} holds several graphs and a source is one graph: convert the file to "
            f"a triple format ({known})", file=str(path),
        )
    name = name or default_name(path, "rdf")
    digest = digest_of("rdf", [path])
    if (report := unchanged(store, name, digest, started)) is not None:
        return report
    title = f"RDF file {path.name}"
    source, changed = store.replace_source(
        name, Payload(path=path, format=fmt),
        title=title, digest=digest,
    )
    counts = {k: v for k, v in class_counts(store, [source.graph]).items() if v}
    return ImportReport(name, title, source.triples, counts, changed, timer() - started)

"""One import pipeline: the steps every import takes, written once.

:func:`run_import` is the only entry point of an import.  It does, in this order:

1. **locate** — ask the importer what the input is (cheap: which files, no parsing);
2. **digest** — hash the importer's kind and version, the input files' names and bytes,
   what else the result depends on and the options; if the live source already has this
   digest, stop here and report "unchanged" (a re-import reads nothing: idempotent);
3. **read** — the importer reads and validates *all* of its input and produces the
   source's triples; bad input raises :class:`~careerkg.graph.errors.InputError` naming
   the file (and sheet), line or row, and column — nothing has been written yet;
4. **load** — the triples go into a fresh named graph of the source with
   :meth:`~careerkg.graph.store.Store.replace_source`, which switches the registry to it
   only once it is complete (all or nothing), with a progress bar on a terminal;
5. **report** — an :class:`~careerkg.graph.importers.common.ImportReport`.

The importer interface (the contract for new importers)
-------------------------------------------------------
An importer is an instance of a subclass of :class:`Importer` registered in
``careerkg.graph.importers.IMPORTERS`` under its ``kind``.  It sets:

``kind``
    The word after ``careerkg import`` (``onet``); also the default source name unless
    ``default_name`` is overridden (``csv-<file stem>`` for files).
``title``
    The source's title (shown by ``careerkg sources``).
``options``
    The keyword options it accepts beyond name/progress, as ``{option: default}``
    (``{"without": ()}`` for O*NET).  They go into the digest, so importing with other
    options rebuilds.

and implements two methods:

``locate(self, store, path, name, options) -> Found``
    (``name`` is the source name the import will have.)  Check that ``path`` is what the
    importer reads (a folder, a zip, a file) and return a
    :class:`Found`: ``files`` — every input file the result depends on (their bytes are
    hashed), ``depends`` — anything else it depends on as strings (the seed's digest when
    it links to the seed, other sources' digests ...), ``where`` — how to name the input in
    messages, and ``state`` — anything the importer wants to hand itself for ``read``.
    Raise :class:`InputError` when the input is missing or of the wrong kind.  Do not parse
    here: this step runs even when the import turns out to have nothing to do.

``read(self, store, found, progress) -> Reading``
    Read and validate everything, then return a :class:`Reading`: ``triples`` (any
    iterable of ``pyoxigraph.Triple``, or a :class:`~.common.Builder`) *or* ``payload`` (a
    :class:`~careerkg.graph.store.Payload` the store parses itself, such as an RDF file),
    ``counts`` (what was imported by kind: ``{"roles": 1016, ...}``; when empty, the report
    counts the new graph's instances by class) and ``warnings`` (strings for people).
    ``progress`` says whether to show progress bars
    (:func:`~careerkg.graph.importers.common.progress`) while reading.  Never write to the
    store: the pipeline does that once, at the end.

An importer of one file subclasses :class:`FileImporter` instead: its default source name is
``<kind>-<file stem>`` and its ``title`` may use ``{name}`` (the file's name).

A module keeps a function with the historic signature for its callers::

    def import_onet(store, path, *, name=None, progress=False, **options) -> ImportReport:
        return run_import(ONET, store, path, name=name, progress=progress, **options)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from ..stats import class_counts
from ..store import Payload, Store
from .common import Builder, ImportReport, digest_of, progress, slugify, timer

__all__ = ["Importer", "FileImporter", "Found", "Reading", "run_import", "load_triples"]


@dataclass
class Found:
    """What an importer found at the path it was given (before reading it)."""

    #: The input files whose names and bytes the result depends on.
    files: list[Path]
    #: How to name the input in messages and as the payload's label.
    where: str
    #: Other things the result depends on (digests of sources it links to ...).
    depends: list[str] = field(default_factory=list)
    #: The importer's own hand-over from ``locate`` to ``read``.
    state: Any = None
    #: The options the import was run with (set by the pipeline).
    options: dict = field(default_factory=dict)


@dataclass
class Reading:
    """What an importer read: the source's content, counts and warnings."""

    triples: Iterable[ox.Triple] | Builder | None = None
    payload: Payload | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class Importer:
    """Base of the importers (see the module docstring for the contract)."""

    kind: str = ""
    title: str = ""
    options: Mapping[str, Any] = {}

    def __init_subclass__(cls, *, kind: str | None = None, title: str | None = None, **kw):
        """``class OnetImporter(Importer, kind="onet", title=...)`` sets the two class fields."""
        super().__init_subclass__(**kw)
        if kind is not None:
            cls.kind = kind
        if title is not None:
            cls.title = title

    def default_name(self, path: Path) -> str:
        """The source name when none is given: the importer's kind."""
        return self.kind

    def title_for(self, path: Path) -> str:
        """The source's title (the class's ``title`` unless it depends on the input)."""
        return self.title

    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        raise NotImplementedError

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        raise NotImplementedError


class FileImporter(Importer):
    """An importer of one file: named ``<kind>-<file stem>`` unless given a name, titled
    ``title`` with ``{name}`` the file's name."""

    def default_name(self, path: Path) -> str:
        return file_source_name(path, self.kind)

    def title_for(self, path: Path) -> str:
        return self.title.format(name=path.name)

    @staticmethod
    def require_file(path: Path) -> None:
        if not path.is_file():
            raise InputError("no such file", file=str(path))


def file_source_name(path: Path, prefix: str) -> str:
    """``<prefix>-<stem>`` as a valid source name.

    >>> file_source_name(Path("My Roles.ttl"), "rdf")
    'rdf-my-roles'
    """
    return f"{prefix}-{slugify(path.stem)}"[:64]


def _options(importer: Importer, given: dict) -> dict:
    unknown = sorted(set(given) - set(importer.options))
    if unknown:
        known = ", ".join(importer.options) or "none"
        raise ValueError(f"the {importer.kind} importer has no option {unknown[0]!r} "
                         f"(its options: {known})")
    return {**importer.options, **given}


def run_import(
    importer: Importer,
    store: Store,
    path: str | Path,
    *,
    name: str | None = None,
    progress: bool = False,
    **options,
) -> ImportReport:
    """Import ``path`` with ``importer`` as one source, all or nothing (see the module
    docstring for the steps).

    Parameters
    ----------
    importer : Importer
        Reads the input's format.
    store : Store
        Where to import (memory, disk or remote).
    path : str or Path
        The input, as the importer documents it.
    name : str, optional
        The source name (default: the importer's, such as ``onet`` or ``csv-<file stem>``).
    progress : bool
        Show progress bars on standard error (only when it is a terminal).
    **options
        The importer's own options (such as O*NET's ``without``).

    Returns
    -------
    ImportReport
        ``changed`` is False when the same input was already imported.

    Raises
    ------
    InputError
        On malformed input, naming the file and where in it; the store is unchanged.
    ValueError
        For an option the importer does not have.
    """
    started = timer()
    path = Path(path)
    options = _options(importer, options)
    name = name or importer.default_name(path)
    found = importer.locate(store, path, name, options)
    found.options = options
    option_text = [f"{k}={sorted(v) if isinstance(v, set | tuple | list) else v}"
                   for k, v in sorted(options.items())]
    digest = digest_of(importer.kind, found.files, *found.depends, *option_text)
    title = importer.title_for(path)
    current = store.source(name)
    if current is not None and current.digest == digest:
        return ImportReport(name, current.title, current.triples, changed=False,
                            seconds=timer() - started)
    reading = importer.read(store, found, progress)
    if reading.payload is not None:
        source, changed = store.replace_source(name, reading.payload, title=title,
                                               digest=digest)
        triples = source.triples
        counts = reading.counts or {
            k: v for k, v in class_counts(store, [source.graph]).items() if v
        }
    else:
        triples, changed = load_triples(
            store, name, reading.triples or [], title=title, digest=digest,
            where=found.where, show_progress=progress,
        )
        counts = reading.counts
    return ImportReport(name, title, triples, dict(counts), changed, timer() - started,
                        list(reading.warnings))


def load_triples(
    store: Store,
    name: str,
    triples: Iterable[ox.Triple] | Builder,
    *,
    title: str,
    digest: str,
    where: str,
    show_progress: bool,
) -> tuple[int, bool]:
    """Hand triples to the store as source ``name`` (all or nothing), with a progress bar."""
    listed = triples.triples() if isinstance(triples, Builder) else list(triples)
    bar = progress(total=len(listed), desc=f"loading {name}", unit="triple",
                   enabled=show_progress)
    # Without a visible bar the list itself is handed over (it pickles, for stores that
    # load in another process); with one, a generator advances the bar as the store reads.
    feed: Iterable[ox.Triple] = listed if bar.disable else _counting(listed, bar)
    try:
        source, changed = store.replace_source(
            name, Payload(triples=feed, label=where), title=title, digest=digest
        )
    finally:
        bar.close()
    return source.triples, changed


def _counting(triples: list[ox.Triple], bar) -> Iterator[ox.Triple]:
    for start in range(0, len(triples), 4096):
        chunk = triples[start:start + 4096]
        yield from chunk
        bar.update(len(chunk))

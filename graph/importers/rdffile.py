"""Import any RDF file (Turtle, N-Triples, JSON-LD, RDF/XML) as a source of its own.

The file's triples go as they are into the source's named graph (default name
``rdf-<file stem>``); the format comes from the extension (``.ttl``, ``.nt``, ``.jsonld`` /
``.json``, ``.rdf`` / ``.owl`` / ``.xml``).  Syntax errors are reported with the file, line
and column the parser gives, and nothing is written.  Formats that hold several graphs
(N-Quads, TriG) are refused: a source is one graph.
"""

from __future__ import annotations

from pathlib import Path

from ..loading import rdf_file_payload
from ..store import Store
from .pipeline import FileImporter, Found, Reading, run_import

__all__ = ["import_rdf", "RDF_IMPORTER"]


class RdfImporter(FileImporter, kind="rdf", title="RDF file {name}"):
    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        # the checks (a file, of a one-graph format) before anything is read
        return Found([path], str(path), state=rdf_file_payload(path))

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        # The engine parses the file in one call while loading (syntax errors then, with
        # their line and column); the counts are those of the loaded graph.
        return Reading(payload=found.state)


RDF_IMPORTER = RdfImporter()


def import_rdf(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False
):
    """Import one RDF file as a source (default name ``rdf-<file stem>``), all or nothing.

    ``path`` is a Turtle, N-Triples, JSON-LD or RDF/XML file (format from its extension);
    ``progress`` is unused, the engine parses the file in one call.
    The other parameters, the result and the errors are those of
    :func:`~careerkg.graph.importers.pipeline.run_import`;
    an error names a missing file, an unknown extension or a syntax error's line and column.
    """
    return run_import(RDF_IMPORTER, store, path, name=name, progress=progress)

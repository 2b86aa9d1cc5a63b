"""Serialization formats as data: names, media types, file extensions, engine formats.

Every part of careerkg that reads or writes RDF or SPARQL results (CLI, importers, export,
the server's content negotiation in :mod:`careerkg.server.negotiation`) looks formats up
here rather than branching on names.  Nothing here knows HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

__all__ = [
    "RdfFormatInfo",
    "ResultsFormatInfo",
    "RDF_FORMATS",
    "RESULTS_FORMATS",
    "rdf_format",
    "rdf_format_for_path",
    "results_format",
]


@dataclass(frozen=True)
class RdfFormatInfo:
    name: str
    engine: ox.RdfFormat
    media_type: str
    extensions: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    other_media_types: tuple[str, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_media_types)

    def __reduce__(self):  # the engine's format objects do not pickle; names do
        return rdf_format, (self.name,)


@dataclass(frozen=True)
class ResultsFormatInfo:
    name: str
    media_type: str
    extension: str
    other_media_types: tuple[str, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_media_types)


RDF_FORMATS: dict[str, RdfFormatInfo] = {
    f.name: f
    for f in (
        RdfFormatInfo(
            "turtle", ox.RdfFormat.TURTLE, "text/turtle", (".ttl",), ("ttl",),
            ("application/x-turtle",),
        ),
        RdfFormatInfo(
            "ntriples", ox.RdfFormat.N_TRIPLES, "application/n-triples", (".nt",),
            ("nt", "n-triples"), ("text/plain",),
        ),
        RdfFormatInfo(
            "jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", (".jsonld", ".json"),
            ("json-ld",),
        ),
        RdfFormatInfo(
            "rdfxml", ox.RdfFormat.RDF_XML, "application/rdf+xml", (".rdf", ".owl", ".xml"),
            ("xml", "rdf/xml", "rdf"),
        ),
        RdfFormatInfo("nquads", ox.RdfFormat.N_QUADS, "application/n-quads", (".nq",), ("nq",)),
        RdfFormatInfo("trig", ox.RdfFormat.TRIG, "application/trig", (".trig",)),
    )
}

RESULTS_FORMATS: dict[str, ResultsFormatInfo] = {
    f.name: f
    for f in (
        ResultsFormatInfo(
            "json", "application/sparql-results+json", ".srj", ("application/json",)
        ),
        ResultsFormatInfo(
            "xml", "application/sparql-results+xml", ".srx", ("application/xml", "text/xml")
        ),
        ResultsFormatInfo("csv", "text/csv", ".csv"),
        ResultsFormatInfo("tsv", "text/tab-separated-values", ".tsv"),
    )
}

_RDF_BY_NAME = {
    alias: f for f in RDF_FORMATS.values() for alias in (f.name, *f.aliases, *f.media_types)
}
_RDF_BY_EXT = {ext: f for f in RDF_FORMATS.values() for ext in f.extensions}
_RESULTS_BY_NAME = {
    alias: f for f in RESULTS_FORMATS.values() for alias in (f.name, *f.media_types)
}


def rdf_format(name: str) -> RdfFormatInfo:
    """Look up an RDF format by name, alias or media type (case-insensitive)."""
    return _look_up(_RDF_BY_NAME, name, "RDF", RDF_FORMATS)


def rdf_format_for_path(path: str) -> RdfFormatInfo:
    """Guess an RDF format from a file name's extension."""
    lower = str(path).lower()
    for ext, fmt in _RDF_BY_EXT.items():
        if lower.endswith(ext):
            return fmt
    known = ", ".join(sorted(_RDF_BY_EXT))
    raise ValueError(f"{path}: cannot tell the RDF format from the extension (known: {known})")


def results_format(name: str) -> ResultsFormatInfo:
    """Look up a SPARQL results format by name or media type (case-insensitive)."""
    return _look_up(_RESULTS_BY_NAME, name, "results", RESULTS_FORMATS)


def _look_up(table: dict, name: str, kind: str, formats: dict):
    """``table[name]`` (trimmed, lower case), or a ValueError listing ``formats``."""
    try:
        return table[name.strip().lower()]
    except KeyError:
        known = ", ".join(formats)
        raise ValueError(f"unknown {kind} format {name!r}; use one of: {known}") from None

"""Content negotiation: which representation of an answer a request gets, and the response.

The format table itself (names, media types, engine formats) is data in
:mod:`careerkg.graph.formats`; choosing one from a request is HTTP, and lives here, for the
SPARQL endpoint, the entity pages, ``/export`` and error answers alike.

The rules (also in ``docs/server.md``):

1. A format parameter — ``format``, or ``output`` / ``results`` as SPARQLWrapper sends them
   (the first one given) — that names a representation this answer has **wins over**
   ``Accept``: it is what the person wrote in the URL.  ``n3`` means Turtle (valid N3),
   ``xml`` means RDF/XML for a graph, ``json`` JSON-LD.
2. A format parameter naming a representation of the *other* kind (``format=csv`` on a
   CONSTRUCT) is set aside and ``Accept`` decides; a name careerkg does not know is 400.
3. ``Accept`` is read by werkzeug (quality values, wildcards, the more specific range
   first).  Among equally good matches, the main media type of each format (in the order
   offered) comes before its aliases, so ``text/*`` gets CSV for results and Turtle for
   graphs (never ``text/xml``), and ``*/*`` or no ``Accept`` the default.
4. A graph answer whose ``Accept`` names result types but nothing a graph can be (``roqet``
   sends ``application/sparql-results+xml`` for every query) gets the default RDF format;
   otherwise nothing acceptable is 406, naming what is available.
"""

from __future__ import annotations

from flask import Response, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import BadRequest, NotAcceptable

from careerkg.graph.formats import RDF_FORMATS, RESULTS_FORMATS, rdf_format, results_format

__all__ = [
    "FORMAT_PARAMETERS",
    "GRAPH_FORMATS",
    "RESULT_OFFERS",
    "GRAPH_OFFERS",
    "PAGE_OFFERS",
    "HTML_TYPES",
    "best_offer",
    "prefers_html",
    "choose_format",
    "format_parameter",
    "media_type",
    "representation",
]

#: Parameters that name the answer's format, in the order they are read.
FORMAT_PARAMETERS = ("format", "output", "results")
#: RDF formats offered for CONSTRUCT / DESCRIBE answers and RDF documents.
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: format name → its media types (the first is the one answers carry).
RESULT_OFFERS = {name: info.media_types for name, info in RESULTS_FORMATS.items()}
GRAPH_OFFERS = {name: RDF_FORMATS[name].media_types for name in GRAPH_FORMATS}
PAGE_OFFERS = {"html": HTML_TYPES, **GRAPH_OFFERS}

#: Names of RDF formats that clients send in ``format`` beyond those of graph/formats.py
#: (SPARQLWrapper sends ``rdf+xml``, ``n3``, ``json-ld``; Turtle is valid N3).
_GRAPH_ALIASES = {
    "json": "jsonld", "application/json": "jsonld", "rdf+xml": "rdfxml", "n3": "turtle",
    "text/n3": "turtle", "text/rdf+n3": "turtle",
}


def best_offer(offers: dict[str, tuple[str, ...]], default: str,
               accept: MIMEAccept | None = None) -> str | None:
    """The offer (name → its media types) that ``accept`` (the request's ``Accept``)
    prefers.

    ``default`` when there is no ``Accept`` or it accepts anything; None when nothing
    offered is acceptable.
    """
    accept = request.accept_mimetypes if accept is None else accept
    if not accept:
        return default
    names = [default, *(n for n in offers if n != default)]
    # Main media types first, aliases after: werkzeug keeps the first of equal matches.
    ordered = [(offers[n][0], n) for n in names] + [(m, n) for n in names for m in offers[n][1:]]
    chosen = accept.best_match([media for media, _name in ordered])
    return None if chosen is None else dict(reversed(ordered))[chosen]


def prefers_html(accept: MIMEAccept | None = None) -> bool:
    """Whether ``accept`` (the request's ``Accept``) prefers a page to any results format:
    a person's browser, which gets the query page rather than raw results."""
    return best_offer({**RESULT_OFFERS, "html": HTML_TYPES}, "json", accept) == "html"


def format_parameter() -> tuple[str, str] | None:
    """The first format parameter given (``format``, ``output``, ``results``) and its value."""
    for parameter in FORMAT_PARAMETERS:
        value = request.values.get(parameter, "").strip()
        if value:
            return parameter, value
    return None


def _named(value: str, offers: dict[str, tuple[str, ...]]) -> str | None:
    """The offer a format name (or media type) means, or None if it is not offered."""
    name = value.lower()
    if name in offers:
        return name
    candidates = []
    if "html" in offers:
        candidates.append(lambda: "html" if name in ("html", *HTML_TYPES) else None)
    if any(n in RDF_FORMATS for n in offers):
        candidates.append(lambda: rdf_format(_GRAPH_ALIASES.get(name, name)).name)
    if any(n in RESULTS_FORMATS for n in offers):
        candidates.append(lambda: results_format(name).name)
    for candidate in candidates:
        try:
            found = candidate()
        except ValueError:
            continue
        if found in offers:
            return found
    return None


def _known(value: str) -> bool:
    every = {**RESULT_OFFERS, **PAGE_OFFERS}
    return _named(value, every) is not None or _named(value, {**RDF_FORMATS}) is not None


def choose_format(offers: dict[str, tuple[str, ...]], default: str | None = None, *,
                  accept: MIMEAccept | None = None,
                  given: tuple[str, str] | None | bool = False) -> str:
    """The representation a request gets, by the rules of this module.

    Parameters
    ----------
    offers
        :data:`RESULT_OFFERS`, :data:`GRAPH_OFFERS`, :data:`PAGE_OFFERS` (or a subset).
    default
        The answer to "anything" (default: the first offer).
    accept, given
        The ``Accept`` header and the format parameter (name, value; None: there is
        none) to decide by; by default, the current request's.

    Raises
    ------
    werkzeug.exceptions.BadRequest
        For a format name careerkg does not know.
    werkzeug.exceptions.NotAcceptable
        When nothing acceptable can be given.
    """
    default = default or next(iter(offers))
    accept = request.accept_mimetypes if accept is None else accept
    given = format_parameter() if given is False else given
    if given:
        parameter, value = given
        name = _named(value, offers)
        if name is not None:
            return name
        if not _known(value):
            raise BadRequest(f"unknown format {parameter}={value!r}; use one of: "
                             f"{', '.join(offers)}")
    chosen = best_offer(offers, default, accept)
    if chosen is None and any(n in RDF_FORMATS for n in offers):
        accepted = [media for media, _q in accept]
        if any(results_type in accepted for types in RESULT_OFFERS.values()
               for results_type in types):
            chosen = default
    if chosen is None:
        available = ", ".join(types[0] for types in offers.values())
        raise NotAcceptable(f"cannot answer in any type the request accepts; available: "
                            f"{available}")
    return chosen


def media_type(name: str) -> str:
    """The media type an answer in format ``name`` carries."""
    if name == "html":
        return HTML_TYPES[0]
    info = RDF_FORMATS.get(name) or RESULTS_FORMATS[name]
    return info.media_type


def representation(body, name: str, *, truncated: bool = False, limit: int | None = None,
                   filename: str | None = None) -> Response:
    """The response carrying ``body`` in format ``name``, varying by ``Accept``.

    ``truncated`` (with the row cap ``limit``) adds ``X-Careerkg-Truncated``; ``filename``
    makes it a download.
    """
    response = Response(body, mimetype=media_type(name))
    response.vary.add("Accept")
    if truncated:
        response.headers["X-Careerkg-Truncated"] = "true"
        if limit is not None:
            response.headers["X-Careerkg-Limit"] = str(limit)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

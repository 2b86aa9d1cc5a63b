"""gzip for text answers that are worth it: ``Accept-Encoding: gzip`` and at least
:data:`MIN_SIZE` bytes.

Only buffered bodies of text types (HTML, CSS, scripts, JSON, XML, CSV/TSV, the RDF
syntaxes, SVG) are compressed; a body that already has a ``Content-Encoding``, a streamed or
file-backed one (static files keep their ``ETag`` and ranges) and partial content are left
alone.  Every answer that could be compressed carries ``Vary: Accept-Encoding``, so a cache
never gives a compressed body to a client that did not ask for one.  ``Content-Length`` is
that of the compressed body (werkzeug sets it when the body is replaced).

Cost (measured with ``timeit`` on the seed graph's answers, on a loaded 2-core machine; see
``docs/server.md``): a 253 KB SPARQL JSON answer takes 5.2 ms at level 1 (→ 18 KB), 8.5 ms
at level 6 (→ 14 KB), 11.5 ms at level 9; the 126 KB Turtle export 3.4 / 11.6 / 16.1 ms
(→ 26 / 21 / 21 KB).  Level 1 gets most of the saving for a third to a half of the CPU.
Small answers — the hot path of ASK and short SELECTs — are under :data:`MIN_SIZE` and never
touched.
"""

from __future__ import annotations

import gzip

from flask import Flask, request

__all__ = ["MIN_SIZE", "LEVEL", "compressible", "gzipped", "init_app"]

#: Smallest body compressed: below it the saving is a packet at most, and the CPU is not.
MIN_SIZE = 1400
#: gzip level: 1 saves 93 % of a JSON answer; 6 saves 94 % at 1.6-3× the CPU.
LEVEL = 1

_TEXT_TYPES = frozenset({
    "application/json", "application/javascript", "application/xml", "application/rdf+xml",
    "application/n-triples", "application/n-quads", "application/trig", "application/ld+json",
    "application/sparql-results+json", "application/sparql-results+xml",
    "application/graphml+xml", "application/gexf+xml", "image/svg+xml",
})


def compressible(mimetype: str | None) -> bool:
    """Whether a media type is text that gzip shrinks."""
    if not mimetype:
        return False
    return (mimetype.startswith("text/") or mimetype in _TEXT_TYPES
            or mimetype.endswith(("+json", "+xml")))


def gzipped(body: bytes) -> bytes:
    """``body`` compressed as every gzipped answer is (level :data:`LEVEL`, no time stamp)."""
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


def _compress(response):
    if (response.direct_passthrough or response.is_streamed or response.status_code == 206
            or response.status_code < 200 or response.status_code in (204, 304)
            or "Content-Encoding" in response.headers
            or not compressible(response.mimetype)):
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] <= 0:
        return response
    response.set_data(gzipped(body))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:  # another body, another entity tag
        response.set_etag(etag + "-gzip", weak=weak)
    return response


def init_app(app: Flask) -> None:
    """Compress the app's answers (register before the access log, which logs the bytes sent)."""
    app.after_request(_compress)

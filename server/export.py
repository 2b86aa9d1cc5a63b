"""``/export``: the whole graph as one download, byte-identical to ``careerkg export``."""

from __future__ import annotations

from flask import Blueprint, send_file

from careerkg.graph.exported import exported
from careerkg.graph.formats import RDF_FORMATS

from .negotiation import GRAPH_OFFERS, choose_format, media_type, representation
from .state import store

__all__ = ["bp"]

bp = Blueprint("export", __name__)


@bp.route("/export")
def export():
    """Turtle by default; ``?format=ntriples|jsonld|rdfxml`` (or ``Accept``) for the others.
    Written once per set of sources (:mod:`careerkg.graph.exported`), then sent from the
    file, with ``ETag``/``Last-Modified`` and ranges."""
    fmt = choose_format(GRAPH_OFFERS)
    body = exported(store(), fmt)
    filename = f"careerkg{RDF_FORMATS[fmt].extensions[0]}"
    if isinstance(body, bytes):
        return representation(body, fmt, filename=filename)
    response = send_file(body, mimetype=media_type(fmt), conditional=True, etag=True,
                         as_attachment=True, download_name=filename, max_age=0)
    response.vary.add("Accept")
    return response

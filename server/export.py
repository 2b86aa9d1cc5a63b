"""``/export``: the whole graph as one download, byte-identical to ``careerkg export``."""

from __future__ import annotations

from flask import Blueprint, Response

from careerkg.graph.formats import RDF_FORMATS

from .sparql_endpoint import choose_format
from .state import store

__all__ = ["bp"]

bp = Blueprint("export", __name__)


@bp.route("/export")
def export():
    """Turtle by default; ``?format=ntriples|jsonld|rdfxml`` (or ``Accept``) for the others."""
    fmt = choose_format(graph=True)
    info = RDF_FORMATS[fmt]
    response = Response(store().export(fmt), mimetype=info.media_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="careerkg{info.extensions[0]}"'
    )
    response.vary.add("Accept")
    return response

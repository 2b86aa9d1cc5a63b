"""``/export``: the whole graph as one download, byte-identical to ``careerkg export``."""

from __future__ import annotations

from flask import Blueprint

from careerkg.graph.formats import RDF_FORMATS

from .negotiation import GRAPH_OFFERS, choose_format, representation
from .state import store

__all__ = ["bp"]

bp = Blueprint("export", __name__)


@bp.route("/export")
def export():
    """Turtle by default; ``?format=ntriples|jsonld|rdfxml`` (or ``Accept``) for the others."""
    fmt = choose_format(GRAPH_OFFERS)
    return representation(store().export(fmt), fmt,
                          filename=f"careerkg{RDF_FORMATS[fmt].extensions[0]}")

"""Search: ``/search?q=`` (a results page), ``/api/search?q=&type=&limit=`` (JSON) and the
suggestions of the search box in every page's header.

Both answer with :func:`careerkg.graph.search.search` — the function ``careerkg search``
calls — so the page, the API and the command list the same things in the same order.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, render_template, request

from careerkg.graph.search import TYPES, search

from .errors import HttpProblem
from .state import store

__all__ = ["bp", "MAX_LIMIT", "MAX_QUERY_LENGTH"]

bp = Blueprint("search", __name__)

#: Most results one request may ask for, and the default of the API and of the page.
MAX_LIMIT = 100
API_LIMIT = 10
PAGE_LIMIT = 50
#: Longest search text accepted (longer is a 400: no name is that long).
MAX_QUERY_LENGTH = 200


def _arguments(default_limit: int) -> tuple[str, str | None, int]:
    text = " ".join((request.args.get("q") or "").split())
    if len(text) > MAX_QUERY_LENGTH:
        raise HttpProblem(400, f"the search text is {len(text):,} characters long; "
                               f"give at most {MAX_QUERY_LENGTH}")
    kind = request.args.get("type") or None
    if kind is not None and kind not in TYPES:
        raise HttpProblem(400, f"type={kind!r} is not known; use one of: {', '.join(TYPES)}")
    raw = request.args.get("limit")
    limit = default_limit
    if raw not in (None, ""):
        try:
            limit = int(raw)
        except ValueError:
            raise HttpProblem(400, f"limit={raw!r} is not a whole number") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise HttpProblem(400, f"limit={limit} is out of range: use 1 to {MAX_LIMIT}")
    return text, kind, limit


@bp.route("/api/search")
def api_search():
    """The things whose names match ``q``: a JSON list of ``{iri, label, type, code, score,
    matched}``, best first."""
    g.error_format = "json"
    text, kind, limit = _arguments(API_LIMIT)
    hits = search(store(), text, type=kind, limit=limit) if text else []
    return jsonify([hit.to_dict() for hit in hits])


@bp.route("/search")
def search_page():
    """The results page (also what the header's search box submits without JavaScript)."""
    text, kind, limit = _arguments(PAGE_LIMIT)
    hits = search(store(), text, type=kind, limit=limit) if text else []
    return render_template("search.html", q=text, type=kind, types=list(TYPES), hits=hits,
                           limit=limit)

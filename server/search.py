"""Search: ``/search?q=`` (a results page), ``/api/search?q=&type=&limit=`` (JSON) and the
suggestions of the search box in every page's header; ``/api/resolve?name=&type=`` (one
name → one thing).

An unknown or ambiguous name (:class:`~careerkg.graph.search.NameNotFound`,
:class:`~careerkg.graph.search.AmbiguousName`), wherever a view resolves one, is answered
here for the whole app: 404 or 400 with the candidates as links (HTML) or as
``{iri, label, href}`` (JSON).

Both answer with :func:`careerkg.graph.search.search` — the function ``careerkg search``
calls — so the page, the API and the command list the same things in the same order.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, render_template, request

from careerkg.graph.search import TYPES, AmbiguousName, NameNotFound, resolve_name, search

from .errors import HttpProblem, problem_response
from .links import local_url
from .params import int_arg
from .state import store

__all__ = ["bp", "MAX_LIMIT", "MAX_QUERY_LENGTH", "candidate_links"]

bp = Blueprint("search", __name__)

#: Most results one request may ask for, and the default of the API and of the page.
MAX_LIMIT = 100
API_LIMIT = 10
PAGE_LIMIT = 50
#: Longest search text accepted (longer is a 400: no name is that long).
MAX_QUERY_LENGTH = 200


def candidate_links(error: NameNotFound | AmbiguousName) -> list[dict]:
    """The candidates of a name error, each with the path of its page."""
    return [{"iri": iri, "label": label, "href": local_url(iri)}
            for iri, label in error.candidates]


@bp.app_errorhandler(NameNotFound)
def _unknown_name(error: NameNotFound):
    return problem_response(404, str(error), detail={"candidates": candidate_links(error)})


@bp.app_errorhandler(AmbiguousName)
def _ambiguous_name(error: AmbiguousName):
    return problem_response(400, str(error), detail={"candidates": candidate_links(error)})


def _text(name: str) -> str:
    text = " ".join((request.args.get(name) or "").split())
    if len(text) > MAX_QUERY_LENGTH:
        raise HttpProblem(400, f"the {name} is {len(text):,} characters long; "
                               f"give at most {MAX_QUERY_LENGTH}")
    return text


def _type() -> str | None:
    kind = request.args.get("type") or None
    if kind is not None and kind not in TYPES:
        raise HttpProblem(400, f"type={kind!r} is not known; use one of: {', '.join(TYPES)}")
    return kind


def _arguments(default_limit: int) -> tuple[str, str | None, int]:
    text, kind = _text("q"), _type()
    return text, kind, int_arg("limit", default_limit, MAX_LIMIT)


@bp.route("/api/search")
def api_search():
    """The things whose names match ``q``: a JSON list of ``{iri, label, type, code, score,
    matched}``, best first."""
    g.error_format = "json"
    text, kind, limit = _arguments(API_LIMIT)
    hits = search(store(), text, type=kind, limit=limit) if text else []
    return jsonify([hit.to_dict() for hit in hits])


@bp.route("/api/resolve")
def api_resolve():
    """The one thing ``name`` names (``type`` role by default, ``any`` for any type):
    ``{iri, label, type, matched_by}``; 404/400 with the candidates otherwise."""
    g.error_format = "json"
    name = _text("name")
    kind = None if request.args.get("type") == "any" else (_type() or "role")
    found = resolve_name(store(), name, kind)
    return jsonify({"iri": found.iri, "label": found.label, "type": found.type,
                    "matched_by": found.matched_by})


@bp.route("/search")
def search_page():
    """The results page (also what the header's search box submits without JavaScript)."""
    text, kind, limit = _arguments(PAGE_LIMIT)
    hits = search(store(), text, type=kind, limit=limit) if text else []
    return render_template("search.html", q=text, type=kind, types=list(TYPES), hits=hits,
                           limit=limit)

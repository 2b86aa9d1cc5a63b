"""Career moves: where a role can go next, the path between two roles, the skills market.

* ``/next?role=..`` and ``/api/next?role=..&top=..`` (the JSON of ``careerkg next``);
* ``/path?a=..&b=..`` and ``/api/path?a=..&b=..&max_steps=..`` (of ``careerkg path``);
* ``/skills`` and ``/api/skills?top=..&by=roles|wage&min_roles=..`` (of ``careerkg skills``).

Every answer comes from :mod:`careerkg.graph.overlap` (``next_report``, ``path_report``,
``skills_report``), the functions the CLI calls; names are resolved with
:func:`careerkg.graph.search.resolve_name` (an unknown or ambiguous name is answered by the
search blueprint's app-wide handlers: 404 / 400 with the candidates).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from careerkg.graph import overlap as ov
from careerkg.graph.search import AmbiguousName, NameNotFound, resolve_name

from .errors import HttpProblem, problem_response
from .overlap import BY_LABELS, _api_json, _by, _picker_names, _role_error
from .params import int_arg
from .state import store

__all__ = ["bp"]

bp = Blueprint("transitions", __name__)

#: Query parameters' default and most.
LIMITS = {"top": (10, 100), "max_steps": (ov.MAX_STEPS, 10), "skills": (50, 1000),
          "min_roles": (ov.WAGE_MIN_ROLES, 10_000)}
#: Missing requirements shown per role on the pages before "and N more".
SHOWN = 8


@bp.errorhandler(ov.NoTransition)
def _no_path(error: ov.NoTransition):
    return problem_response(404, str(error))


def _name(key: str, required: bool = True) -> str:
    value = (request.args.get(key) or "").strip()
    if not value and required:
        raise HttpProblem(400, f"the parameter {key!r} is missing: give a role's label, code "
                               "or IRI")
    return value


def _order() -> str:
    order = request.args.get("by") or "roles"
    if order not in ov.MARKET_ORDERS:
        raise HttpProblem(400, f"by={order!r} is not known; use one of: "
                               f"{', '.join(ov.MARKET_ORDERS)}")
    return order


# -- JSON API ------------------------------------------------------------------------------

@bp.route("/api/next")
def api_next():
    """The roles reachable from ``role`` with the least to learn."""
    _api_json()
    return jsonify(ov.next_report(store(), _name("role"), int_arg("top", *LIMITS["top"]), _by()))


@bp.route("/api/path")
def api_path():
    """The path from role ``a`` to role ``b`` that needs the least learning."""
    _api_json()
    return jsonify(ov.path_report(store(), _name("a"), _name("b"),
                                  int_arg("max_steps", *LIMITS["max_steps"]), _by()))


@bp.route("/api/skills")
def api_skills():
    """Skills and technologies by how many roles need them, or by those roles' wages."""
    _api_json()
    return jsonify(ov.skills_report(store(), int_arg("top", *LIMITS["skills"]), _order(),
                                    int_arg("min_roles", *LIMITS["min_roles"])))


# -- pages ---------------------------------------------------------------------------------

def _resolved(kg, key: str, errors: dict, page: str) -> str | None:
    """The IRI the parameter ``key`` names, or None (its error, if any, into ``errors``)."""
    name = _name(key, required=False)
    if not name:
        return None
    try:
        return resolve_name(kg, name, "role").iri
    except (NameNotFound, AmbiguousName) as problem:
        errors[key] = _role_error(problem, lambda iri: url_for(
            page, **{**request.args, key: iri}))
        errors[key]["status"] = 404 if isinstance(problem, NameNotFound) else 400
    return None


def _status(errors: dict) -> int:
    return max((e.pop("status") for e in errors.values()), default=200)


def _page(template: str, errors: dict, **context) -> Response:
    """A career-move page with the role picker, the ``by`` choices and the role errors."""
    status = _status(errors)
    body = render_template(
        template, by_labels=BY_LABELS, errors=errors, shown=SHOWN,
        picker=_picker_names(ov.cached_requirements_graph(store())), **context,
    )
    return Response(body, status=status)


@bp.route("/next")
def next_page():
    """Where a role can go next, least to learn first."""
    by, top = _by(), int_arg("top", *LIMITS["top"])
    errors: dict = {}
    role = _resolved(store(), "role", errors, "transitions.next_page")
    report = ov.next_report(store(), role, top, by) if role else None
    return _page(
        "overlap/next.html", errors, name=_name("role", required=False), by=by, top=top,
        report=report,
        api_url=url_for("transitions.api_next", role=role, top=top, by=by) if report else None,
    )


@bp.route("/path")
def path_page():
    """The path between two roles that needs the least learning."""
    by, max_steps = _by(), int_arg("max_steps", *LIMITS["max_steps"])
    errors: dict = {}
    ends = {key: _resolved(store(), key, errors, "transitions.path_page") for key in ("a", "b")}
    report = message = None
    if ends["a"] and ends["b"]:
        try:
            report = ov.path_report(store(), ends["a"], ends["b"], max_steps, by)
        except ov.NoTransition as problem:  # an answer, not an error of the request
            message = str(problem)
    return _page(
        "overlap/path.html", errors, names={k: _name(k, required=False) for k in ("a", "b")},
        by=by, max_steps=max_steps, limits=LIMITS, report=report, message=message,
        api_url=url_for("transitions.api_path", a=ends["a"], b=ends["b"],
                        max_steps=max_steps, by=by) if report else None,
    )


@bp.route("/skills")
def skills_page():
    """The skills market: demand and pay per skill and technology."""
    order = _order()
    top = int_arg("top", *LIMITS["skills"])
    min_roles = int_arg("min_roles", *LIMITS["min_roles"])
    report = ov.skills_report(store(), top, order, min_roles)
    return render_template(
        "overlap/skills.html", report=report, order=order, top=top, min_roles=min_roles,
        api_url=url_for("transitions.api_skills", top=top, by=order, min_roles=min_roles),
    )

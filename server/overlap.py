"""Overlap views: the role network, two roles side by side, and their JSON and exports.

* ``/overlap`` — the interactive network (Cytoscape.js, served from ``static/vendor``):
  roles and their skills/tools, coloured shared vs role-specific, sized by degree, filters by
  kind and category, search; a click on a node opens its entity page.  On a large import it
  shows the ego network of one role (``?role=``) or the most central roles, capped.
* ``/compare?a=..&b=..`` — shared, only-A, only-B, scores, the learning gaps and a
  server-rendered SVG salary chart that shows each figure's qualifier
  (:mod:`careerkg.server.salary_chart`).
* ``/api/overlap?a=..&b=..`` (the JSON of ``careerkg overlap``),
  ``/api/similar?role=..&k=..&metric=weighted|jaccard|overlap`` (of ``careerkg similar``),
  ``/api/overlap-graph?format=json|graphml|gexf`` (the export of ``careerkg overlap-graph``).

The analytics are :mod:`careerkg.graph.overlap` (the salary figures
:mod:`careerkg.graph.salaries`); the graph is cached per store generation there, so a request
does not rebuild it.
"""

from __future__ import annotations

import re
import weakref
from collections import Counter

from flask import Blueprint, Response, g, jsonify, render_template, request, url_for
from markupsafe import Markup

from careerkg.graph import overlap as ov
from careerkg.graph.namespaces import ID
from careerkg.graph.roles import SOC_MAJOR_GROUPS
from careerkg.graph.salaries import salary_figures

from .errors import HttpProblem, problem_response
from .links import local_url
from .params import int_arg
from .salary_chart import salary_chart
from .state import store

__all__ = ["bp"]

bp = Blueprint("overlap", __name__)

BY_LABELS = {"skills": "skills", "tools": "tools", "all": "skills and tools"}
#: Caps of the network view (query parameters ``k``, ``top``, ``roles``), default and most.
LIMITS = {"k": (8, 50), "top": (150, 1000), "roles": (40, 300)}
#: Most roles listed in a role picker's suggestions (a datalist); more are found by typing.
PICKER_LIMIT = 5000
#: The rendered datalist of role names per requirement graph (:func:`_picker_names`).
_PICKERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: The role network (``view=network``): edges per role (``edges``) default and most; the
#: most roles drawn; the most roles listed in its table and neighbours listed per role (the
#: JSON has them all).
NETWORK_EDGES = (4, 20)
NETWORK_MAX_ROLES = 1500
NETWORK_TABLE_ROWS = 250
NEAREST_LISTED = 6
#: The role-skill drawing (``view=bipartite``) stays legible up to these many roles and
#: requirements; larger ``roles``/``top`` are cut to them on the page (not in the export).
BIPARTITE_MAX = {"roles": 60, "top": 300}
#: ``view`` when not given: the role-skill drawing for a graph of at most this many roles,
#: else the role network.
SMALL_GRAPH_ROLES = 40
VIEWS = ("network", "bipartite")
FAMILY = re.compile(r"^(all|data|\d{2}(-\d{1,4}(\.\d{1,2})?)?)$")


# -- request parameters ---------------------------------------------------------------------

def _by() -> str:
    by = request.args.get("by") or "all"
    if by not in ov.BY_CHOICES:
        raise HttpProblem(400, f"by={by!r} is not known; use one of: {', '.join(ov.BY_CHOICES)}")
    return by


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "yes", "on")


def _required(name: str) -> str:
    value = (request.args.get(name) or "").strip()
    if not value:
        raise HttpProblem(400, f"the parameter {name!r} is missing: give a role's label, code "
                               "or IRI")
    return value


def _family() -> str:
    family = (request.args.get("family") or "data").strip()
    if not FAMILY.match(family):
        raise HttpProblem(400, f"family={family!r} is not known; use all, data or an "
                               "O*NET-SOC code prefix such as 15 or 15-2")
    return family


def _threshold() -> float:
    raw = request.args.get("threshold")
    if raw in (None, ""):
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise HttpProblem(400, f"threshold={raw!r} is not a number") from None
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise HttpProblem(400, f"threshold={raw} is out of range: use 0 to 1")
    return value


def _view_kind(roles: list[str]) -> str:
    """``view`` from the query string, else the default for a graph of ``roles``."""
    view = request.args.get("view") or ""
    if view and view not in VIEWS:
        raise HttpProblem(400, f"view={view!r} is not known; use network or bipartite")
    if view:
        return view
    return "bipartite" if len(roles) <= SMALL_GRAPH_ROLES else "network"


def _candidates(error) -> list[dict]:
    return [{"iri": iri, "label": label, "href": local_url(iri)}
            for iri, label in error.candidates]


def _api_json() -> None:
    g.error_format = "json"


@bp.errorhandler(ov.RoleNotFound)
def _unknown_role(error: ov.RoleNotFound):
    return problem_response(404, str(error), detail={"candidates": _candidates(error)})


@bp.errorhandler(ov.AmbiguousRole)
def _ambiguous_role(error: ov.AmbiguousRole):
    return problem_response(400, str(error), detail={"candidates": _candidates(error)})


# -- JSON API ------------------------------------------------------------------------------

@bp.route("/api/overlap")
def api_overlap():
    """Two roles compared: the JSON of ``careerkg overlap --format json``."""
    _api_json()
    return jsonify(ov.overlap_report(store(), _required("a"), _required("b"), _by()))


@bp.route("/api/similar")
def api_similar():
    """The ``k`` roles most similar to ``role``: the JSON of ``careerkg similar``."""
    _api_json()
    metric = request.args.get("metric") or "weighted"
    if metric not in ov.SIMILARITY_METRICS:
        raise HttpProblem(400, f"metric={metric!r} is not known; use one of: "
                               f"{', '.join(ov.SIMILARITY_METRICS)}")
    k = int_arg("k", 10, 1000)
    return jsonify(ov.similar_report(store(), _required("role"), k, _by(), metric))


def _view_options() -> dict:
    """How much of the network to show or export, from the query string."""
    return {
        "by": _by(),
        "k": int_arg("k", *LIMITS["k"]),
        "max_items": int_arg("top", *LIMITS["top"]),
        "max_roles": int_arg("roles", *LIMITS["roles"]),
        "industries": _flag("industries"),
    }


def _center() -> ov.RoleRef | None:
    name = (request.args.get("role") or "").strip()
    return ov.resolve_role(store(), name) if name else None


def _view(G, center: ov.RoleRef | None, options: dict, *, capped: bool = True):
    """The overlap view; uncapped (whole graph) unless capped or caps are asked for."""
    return ov.overlap_view(
        G, center=center.iri if center else None, by=options["by"], k=options["k"],
        industries=options["industries"],
        max_roles=options["max_roles"] if capped or "roles" in request.args else None,
        max_items=options["max_items"] if capped or "top" in request.args else None,
    )


@bp.route("/api/overlap-graph")
def api_overlap_graph():
    """The overlap graph as node-link JSON (nodes carry ``href``, their page here), GraphML or
    GEXF.  Without ``top``/``roles`` a GraphML or GEXF download holds the whole graph."""
    _api_json()
    fmt = request.args.get("format") or "json"
    if fmt not in ov.EXPORT_FORMATS:
        raise HttpProblem(400, f"format={fmt!r} is not known; use one of: "
                               f"{', '.join(ov.EXPORT_FORMATS)}")
    options = _view_options()
    view = _view(ov.cached_requirements_graph(store()), _center(), options,
                 capped=fmt == "json")
    if fmt == "json":
        for node, data in view.nodes(data=True):
            data["href"] = local_url(node)
    media_type, extension = ov.EXPORT_FORMATS[fmt]
    response = Response(ov.export_graph(view, fmt), mimetype=media_type)
    if fmt != "json" or _flag("download"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="careerkg-overlap{extension}"'
        )
    return response


def _network(G, center: ov.RoleRef | None, roles: list[str] | None = None):
    """The role network the query string asks for, and its options (``roles``: every role
    of ``G``, when known)."""
    options = {"family": _family(), "threshold": _threshold(),
               "edges": int_arg("edges", *NETWORK_EDGES), "k": int_arg("k", *LIMITS["k"]),
               "by": _by()}
    family = options["family"]
    seeds = [r for r in (ov.roles_of(G) if roles is None else roles)
             if r.startswith(ID + "role/")]
    pool = ov.family_roles(G, family, seeds=seeds,
                           matches=ov.role_matches(store()) if family == "data" else ())
    network = ov.prepared_role_network(
        G, pool, center=center.iri if center else None, threshold=options["threshold"],
        k=options["edges"], neighbours=options["k"], max_nodes=NETWORK_MAX_ROLES,
        by=options["by"],
    )
    return network, options


def _network_json(network) -> dict:
    """The network as JSON; an edge names its roles by their position in ``nodes`` (an IRI
    repeated in each of thousands of edges would double the size of the answer)."""
    index = {n: i for i, n in enumerate(network)}
    nodes = [{"id": n, "label": d["label"], "codes": list(d["codes"]),
              "community": d["community"], "colour": d["colour"], "x": d["x"], "y": d["y"],
              "strength": d["strength"], "hub": d["hub"], "center": d["center"],
              "href": local_url(n)} for n, d in network.nodes(data=True)]
    edges = [{"source": index[a], "target": index[b], "weight": round(w, 4)}
             for a, b, w in network.edges(data="weight")]
    return {"graph": dict(network.graph), "nodes": nodes, "edges": edges}


@bp.route("/api/role-network")
def api_role_network():
    """The role-to-role network (roles, their most similar roles, communities and a layout)
    as JSON: ``graph``, ``nodes`` (``id``, ``label``, ``codes``, ``community``, ``colour``,
    ``x``, ``y``, ``strength``, ``hub``, ``center``, ``href``), ``edges`` (``source`` and
    ``target``, positions in ``nodes``; ``weight``)."""
    _api_json()
    G = ov.cached_requirements_graph(store())
    network, _options = _network(G, _center())
    return jsonify(_network_json(network))


def _nearest_table(network, limit: int) -> list[dict]:
    """The ``limit`` strongest roles of the network, strongest first, each with its
    neighbours, best first."""
    nodes = network.nodes
    rows = []
    for n in sorted(network, key=lambda n: (-nodes[n]["strength"], nodes[n]["label"].lower(),
                                            n))[:limit]:
        near = sorted(network.adj[n].items(), key=lambda kv: (-kv[1]["weight"], kv[0]))
        rows.append({"iri": n, **nodes[n],
                     "near": [{"iri": m, "label": nodes[m]["label"], "score": e["weight"]}
                              for m, e in near[:NEAREST_LISTED]]})
    return rows


# -- pages ---------------------------------------------------------------------------------

def _picker_names(G, roles: list[str] | None = None) -> Markup:
    """The role pickers' suggestions, ``<datalist id="role-names">``: each role once, with a
    name that finds it (its label when no other role has it).  Rendered once per requirement
    graph (it lists every role, a few hundred kB on a large import); ``roles``: every role of
    ``G``, when known."""
    html = _PICKERS.get(G)
    if html is not None:
        return html
    roles = ov.roles_of(G) if roles is None else roles
    counts = Counter(G.nodes[r]["label"].lower() for r in roles)
    out = []
    for role in roles:
        data = G.nodes[role]
        label = data["label"]
        codes = data.get("codes") or ()
        value = label if counts[label.lower()] == 1 else (codes[0] if codes else role)
        out.append({"value": value, "label": label, "codes": ", ".join(codes), "iri": role})
    out.sort(key=lambda r: (r["label"].lower(), r["iri"]))
    html = _PICKERS[G] = Markup(render_template("overlap/_role_names.html",
                                                names=out[:PICKER_LIMIT]))
    return html


def _role_error(error, link) -> dict:
    """A role-name error for a page: the message, and each candidate with ``link``, the
    URL of this page with that candidate chosen."""
    candidates = _candidates(error)
    return {"message": error.summary if candidates else str(error),
            "candidates": [{**c, "link": link(c["iri"])} for c in candidates]}


@bp.route("/overlap")
def overlap_page():
    """The interactive views: the role network (``view=network``) or roles and their
    requirements (``view=bipartite``, for small selections)."""
    options = _view_options()
    G = ov.cached_requirements_graph(store())
    roles = ov.roles_of(G)
    kind = _view_kind(roles)
    error, status, center = None, 200, None
    def link(iri):
        return url_for("overlap.overlap_page", **{**request.args, "role": iri})

    try:
        center = _center()
    except ov.RoleNotFound as problem:
        error, status = _role_error(problem, link), 404
    except ov.AmbiguousRole as problem:
        error, status = _role_error(problem, link), 400
    common = {"error": error, "name": request.args.get("role") or "", "options": options,
              "center": center, "picker": _picker_names(G, roles), "by_labels": BY_LABELS,
              "limits": LIMITS, "kind": kind}
    if kind == "network":
        network, net = _network(G, center, roles)
        query = {"role": center.iri if center else None, "by": options["by"],
                 "family": net["family"], "threshold": net["threshold"] or None,
                 "edges": net["edges"], "k": options["k"]}
        query = {k: v for k, v in query.items() if v is not None}
        body = render_template(
            "overlap/network.html", **common, network=network, net=net,
            rows=_nearest_table(network, NETWORK_TABLE_ROWS),
            rows_total=network.number_of_nodes(),
            families=_families(roles, G), edge_limit=NETWORK_EDGES[1],
            settings={"mode": "network",
                      "graph": url_for("overlap.api_role_network", **query),
                      "compare": url_for("overlap.compare_page")},
            toggle=url_for("overlap.overlap_page", **{**request.args, "view": "bipartite"}),
        )
        return Response(body, status=status)
    clipped = {name: options[key] > BIPARTITE_MAX[name]
               for name, key in (("roles", "max_roles"), ("top", "max_items"))}
    options["max_roles"] = min(options["max_roles"], BIPARTITE_MAX["roles"])
    options["max_items"] = min(options["max_items"], BIPARTITE_MAX["top"])
    view = _view(G, center, options)
    query = {k: v for k, v in {
        "role": center.iri if center else None, "by": options["by"], "k": options["k"],
        "top": options["max_items"], "roles": options["max_roles"],
        "industries": "1" if options["industries"] else None,
    }.items() if v is not None}
    shared = sorted(
        (n for n, d in view.nodes(data=True) if d.get("status") == "shared"),
        key=lambda n: (-view.nodes[n]["shared_by"], view.nodes[n]["label"].lower()),
    )
    body = render_template(
        "overlap/overlap.html",
        **common,
        view=view,
        clipped=any(clipped.values()),
        bipartite_max=BIPARTITE_MAX,
        roles_in_view=[n for n, d in view.nodes(data=True) if d["layer"] == "role"],
        shared=shared,
        settings={
            "mode": "bipartite",
            "graph": url_for("overlap.api_overlap_graph", format="json", **query),
            "compare": url_for("overlap.compare_page"),
        },
        downloads={
            fmt: url_for("overlap.api_overlap_graph", format=fmt, download="1", **query)
            for fmt in ov.EXPORT_FORMATS
        },
        toggle=url_for("overlap.overlap_page", **{**request.args, "view": "network"}),
    )
    return Response(body, status=status)


def _families(roles: list[str], G) -> list[tuple[str, str]]:
    """The family filter's choices: ``(value, text)``, the SOC major groups present among
    ``roles`` (nodes of ``G``)."""
    nodes = G.nodes
    counts = Counter(c[:2] for r in roles for c in nodes[r].get("codes", ())
                     if c[2:3] == "-" and c[:2].isdigit())
    out = [("data", "Data careers (15-2xxx, 15-12xx, the seed's roles)"),
           ("all", f"All roles ({len(roles)})")]
    out += [(group, f"{group} {SOC_MAJOR_GROUPS.get(group, '')} ({n})".replace("  ", " "))
            for group, n in sorted(counts.items())]
    return out


def _by_category(items: list[dict]) -> list[tuple[str, list[dict]]]:
    """Items (sorted by category) as ``(category label, items)`` groups, in order."""
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item.get("category_label") or ov.NO_CATEGORY, []).append(item)
    return list(groups.items())


@bp.route("/compare")
def compare_page():
    """Two roles side by side, with the salary chart; role pickers choose any two roles."""
    kg = store()
    G = ov.cached_requirements_graph(kg)
    by = _by()
    names = {side: (request.args.get(side) or "").strip() for side in ("a", "b")}
    found: dict[str, ov.RoleRef] = {}
    errors: dict[str, dict] = {}
    status = 200
    for side, name in names.items():
        if not name:
            continue
        try:
            found[side] = ov.resolve_role(kg, name)
        except (ov.RoleNotFound, ov.AmbiguousRole) as problem:
            errors[side] = _role_error(problem, lambda iri, side=side: url_for(
                "overlap.compare_page", **{**request.args, side: iri}))
            status = max(status, 404 if isinstance(problem, ov.RoleNotFound) else 400)
    comparison = chart = grouped = None
    suggestions: list[dict] = []
    if "a" in found and "b" in found:
        comparison = ov.compare_roles(G, found["a"].iri, found["b"].iri, by)
        grouped = {key: _by_category(getattr(comparison, key))
                   for key in ("shared", "only_a", "only_b")}
        chart = salary_chart(salary_figures(kg, [found["a"].iri, found["b"].iri]),
                             found["a"].iri, found["b"].iri)
    elif "a" in found and not errors:
        suggestions = ov.similar_roles(G, found["a"].iri, k=8, by=by)
    body = render_template(
        "overlap/compare.html",
        names=names,
        found=found,
        errors=errors,
        by=by,
        by_labels=BY_LABELS,
        comparison=comparison,
        grouped=grouped,
        chart=chart,
        suggestions=suggestions,
        picker=_picker_names(G),
        api_url=url_for("overlap.api_overlap", a=found["a"].iri, b=found["b"].iri, by=by)
        if comparison else None,
    )
    return Response(body, status=status)

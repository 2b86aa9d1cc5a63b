"""Where a role can go next, and how to get from one role to another, learning the least.

* :func:`next_roles` — the roles reachable from one with the least to learn: among its most
  similar roles (weighted, :mod:`~careerkg.graph.overlap.weighted`), those whose requirements
  it already covers best, each with what it shares, what it lacks (most important to the
  target first) and the change in median wage;
* :func:`transition_path` — the sequence of roles from A to B that minimises what must be
  learned: a shortest path (networkx) over the transition graph, in which every role has an
  edge to each of its :data:`DEGREE` most similar roles, costing what the move adds
  (:meth:`~careerkg.graph.overlap.similarity.WeightedMatrix.costs`, 0 to 1) plus
  :data:`STEP_COST` per move;
* :func:`next_report` and :func:`path_report` resolve names first and give the JSON of
  ``careerkg next`` / ``/api/next`` and ``careerkg path`` / ``/api/path``.

"What must be learned" is :func:`~careerkg.graph.overlap.weighted.uncovered`: the
requirements the source holds neither as such, nor as the same thing in another taxonomy,
nor through a narrower requirement.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from ..errors import NotFound
from ..labels import label_pattern, local_name, pick_label
from ..namespaces import CKG, SKOS
from ..search import resolve_name
from ..store import Store
from .derived import derived
from .model import _check_by, _role, cached_requirements_graph, requirement_weight
from .weighted import BLOCK_SHARES, features_of, held_features, uncovered, weighted_matrix

__all__ = [
    "DEGREE",
    "STEP_COST",
    "MAX_STEPS",
    "NoTransition",
    "role_ref",
    "to_learn",
    "wage_of",
    "next_roles",
    "related_occupations",
    "transition_graph",
    "transition_path",
    "next_report",
    "path_report",
]

#: Out-degree of each role in the transition graph: its most similar roles.  On O*NET 29.2,
#: 10 left Registered Nurses 5 moves from Medical and Health Services Managers (150 roles
#: within 4 moves); 20 reaches 372 within 4 moves, the manager among them.
DEGREE = 20
#: Added to each move's cost, so that of two equally cheap routes the shorter wins.
STEP_COST = 0.05
#: Default most moves of a path.
MAX_STEPS = 4
#: How many of the most similar roles :func:`next_roles` weighs (at least; 5 x ``k``).
CANDIDATES = 50


class NoTransition(NotFound):
    """No path between two roles within the allowed number of steps."""


def role_ref(G: nx.Graph, role: str) -> dict:
    """``{iri, label, code}`` of a role (``code`` its first code, or None)."""
    data = G.nodes[role]
    codes = data.get("codes") or ()
    return {"iri": role, "label": data["label"], "code": codes[0] if codes else None}


def wage_of(G: nx.Graph, role: str) -> float | None:
    """The role's median annual wage (USD), or None where unknown."""
    return G.graph.get("median_wage", {}).get(role)


def to_learn(G: nx.Graph, source: str, target: str, by: str = "all",
             held: set[str] | None = None) -> list[dict]:
    """What ``source`` must learn to do ``target``: :func:`uncovered`, most important to the
    target first — by block (skills weigh most in the similarity), then the target's weight
    of the requirement (``importance``, 0 to 1), then the rarer first, then by label.

    Each entry: ``iri``, ``label``, ``kind``, ``layer``, ``importance``.  ``held``: as for
    :func:`uncovered`.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x"], "b": ["x", "y", "z"]},
    ...                            weights={("b", "y"): 0.25})
    >>> [(m["iri"], m["importance"]) for m in to_learn(G, "a", "b")]
    [('z', 1.0), ('y', 0.25)]
    """
    items = uncovered(G, source, target, by, held)

    def key(item):
        data = G.nodes[item]
        weight = requirement_weight(G, target, item)
        # A requirement node's neighbours are roles: its degree is how many need it.
        return (-BLOCK_SHARES.get(data["layer"], 0.0) * weight, len(G[item]),
                data["label"].lower(), item)

    out = []
    for item in sorted(items, key=key):
        data = G.nodes[item]
        out.append({"iri": item, "label": data["label"], "kind": data["kind"],
                    "layer": data["layer"], "importance": requirement_weight(G, target, item)})
    return out


def _wage_change(G: nx.Graph, source: str, target: str) -> float | None:
    a, b = wage_of(G, source), wage_of(G, target)
    return None if a is None or b is None else b - a


def next_roles(G: nx.Graph, role: str, k: int = 10, by: str = "all") -> list[dict]:
    """The ``k`` roles reachable from ``role`` with the least to learn.

    Among ``role``'s most similar roles (at least :data:`CANDIDATES`), those it covers
    best: ranked by ``cost`` (the weighted share of the target's requirements it lacks, 0 to
    1), then by similarity, then IRI.

    Returns
    -------
    list of dict
        ``role`` (``iri``, ``label``, ``code``), ``shared`` (the target's requirements
        ``role`` already holds), ``missing`` (:func:`to_learn`), ``similarity``, ``cost``
        and ``wage_change`` (target's median wage − source's; None where either is unknown).

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["x", "y", "z"],
    ...                             "c": ["x", "p", "q"]}, wages={"a": 50000, "b": 70000})
    >>> [(n["role"]["iri"], n["shared"], [m["iri"] for m in n["missing"]], n["wage_change"])
    ...  for n in next_roles(G, "a")]
    [('b', 2, ['z'], 20000.0), ('c', 1, ['p', 'q'], None)]
    """
    _check_by(by)
    _role(G, role)
    if k < 1:
        raise ValueError(f"k must be at least 1 (got {k})")
    m = weighted_matrix(G, by)
    ranked = m.top_k(role, max(CANDIDATES, 5 * k))
    if not ranked:
        return []
    rows = np.array([m.index_of(r) for r, _s in ranked])
    costs = m.costs(m.index_of(role), rows)
    order = sorted(range(len(ranked)), key=lambda t: (costs[t], -ranked[t][1], ranked[t][0]))
    held = held_features(G, role, by)
    f = features_of(G)
    layers = _check_by(by)
    out = []
    for t in order[:k]:
        target, score = ranked[t]
        needs = [n for n in G[target] if G.nodes[n].get("layer") in layers]
        out.append({
            "role": role_ref(G, target),
            "shared": sum(1 for n in needs if f.of(n) in held),
            "requirements": len(needs),
            "missing": to_learn(G, role, target, by, held),
            "similarity": score,
            "cost": float(costs[t]),
            "wage_change": _wage_change(G, role, target),
        })
    return out


def transition_graph(G: nx.Graph, by: str = "all", degree: int = DEGREE) -> nx.DiGraph:
    """The roles, each with an edge to its ``degree`` most similar roles; an edge's ``cost``
    is what the move adds (0 to 1) plus :data:`STEP_COST`, its ``similarity`` the weighted
    similarity.  Cached per graph, ``by`` and ``degree``."""
    return derived(G, ("transitions", by, degree), lambda: _build_transitions(G, by, degree),
                   what="the transition graph")


def _build_transitions(G: nx.Graph, by: str, degree: int) -> nx.DiGraph:
    m = weighted_matrix(G, by)
    D = nx.DiGraph(name=f"role transitions (by {by}, degree {degree})")
    D.add_nodes_from(m.roles)
    chunk = 256
    for start in range(0, len(m.roles), chunk):
        rows = np.arange(start, min(start + chunk, len(m.roles)))
        scores = m.all_scores(rows)
        for r, i in enumerate(rows):
            scores[r, i] = 0.0
            line = scores[r]
            candidates = np.flatnonzero(line > 0)
            if len(candidates) > degree:
                candidates = candidates[np.lexsort((candidates, -line[candidates]))[:degree]]
            if not len(candidates):
                continue
            costs = m.costs(int(i), candidates)
            for j, cost in zip(candidates.tolist(), costs.tolist(), strict=True):
                D.add_edge(m.roles[i], m.roles[j], cost=cost + STEP_COST,
                           similarity=float(line[j]))
    return D


def _bounded_path(D: nx.DiGraph, a: str, b: str, max_steps: int) -> list[str] | None:
    """The cheapest path from ``a`` to ``b`` of at most ``max_steps`` edges (Bellman–Ford
    limited to that many rounds), or None."""
    best = {a: (0.0, [a])}
    frontier = dict(best)
    found = None
    for _ in range(max_steps):
        reached: dict[str, tuple[float, list[str]]] = {}
        for node, (cost, path) in frontier.items():
            for nxt, data in D[node].items():
                if nxt in path:
                    continue
                total = cost + data["cost"]
                if nxt not in reached or total < reached[nxt][0]:
                    reached[nxt] = (total, [*path, nxt])
        if b in reached and (found is None or reached[b][0] < found[0]):
            found = reached[b]
        frontier = {n: v for n, v in reached.items() if n not in best or v[0] < best[n][0]}
        best.update(frontier)
        if not frontier:
            break
    return found[1] if found else None


def transition_path(G: nx.Graph, a: str, b: str, max_steps: int = MAX_STEPS,
                    by: str = "all") -> dict:
    """The sequence of roles from ``a`` to ``b`` that minimises what must be learned.

    The networkx shortest path (Dijkstra, by ``cost``) over :func:`transition_graph`; when
    it takes more than ``max_steps`` moves, the cheapest path of at most ``max_steps``.

    Returns
    -------
    dict
        ``steps``: ``{role, learn, wage, similarity}`` per role, first ``a`` (nothing to
        learn), last ``b``; ``learn`` is :func:`to_learn` from the step before;
        ``similarity`` the weighted similarity to the step before.  ``cost`` the path's total
        cost, ``max_steps`` as given.

    Raises
    ------
    NoTransition
        When no path of at most ``max_steps`` moves exists.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "m": ["y", "z"], "b": ["z", "w"]})
    >>> [s["role"]["iri"] for s in transition_path(G, "a", "b")["steps"]]
    ['a', 'm', 'b']
    """
    _check_by(by)
    _role(G, a)
    _role(G, b)
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1 (got {max_steps})")
    D = transition_graph(G, by)
    path: list[str] | None
    if a == b:
        path = [a]
    else:
        try:
            path = nx.dijkstra_path(D, a, b, weight="cost")
        except nx.NetworkXNoPath:
            path = None
        if path is not None and len(path) - 1 > max_steps:
            path = _bounded_path(D, a, b, max_steps)
    if path is None:
        label_a, label_b = G.nodes[a]["label"], G.nodes[b]["label"]
        raise NoTransition(
            f"no path from {label_a} to {label_b} within {max_steps} "
            f"step{'s' if max_steps != 1 else ''}: each step goes "
            f"to one of a role's {DEGREE} most similar roles; allow more steps, or compare "
            "the two roles directly")
    steps = []
    total = 0.0
    for n, role in enumerate(path):
        step = {"role": role_ref(G, role), "learn": [], "wage": wage_of(G, role),
                "similarity": None}
        if n:
            edge = D[path[n - 1]][role]
            total += edge["cost"]
            step["learn"] = to_learn(G, path[n - 1], role, by)
            step["similarity"] = edge["similarity"]
        steps.append(step)
    return {"steps": steps, "cost": total, "max_steps": max_steps, "by": by}


def _related_query(role: str) -> str:
    return f"""SELECT ?other ?tier ?index ?code ?labelP ?labelR WHERE {{
  <{role}> <{CKG}relatedOccupation> ?link . ?link <{CKG}relatedRole> ?other .
  OPTIONAL {{ ?link <{CKG}relatednessTier> ?tier }}
  OPTIONAL {{ ?link <{CKG}relatednessIndex> ?index }}
  OPTIONAL {{ ?other <{SKOS}notation> ?code }}
  {label_pattern("other", "label")}
}}"""


def related_occupations(store: Store, role: str) -> list[dict]:
    """O*NET's own list of occupations related to ``role`` (its Related Occupations file,
    when imported): ``role`` (``iri``, ``label``, ``code``), ``tier`` and ``index`` (O*NET's
    rank), in O*NET's order.  Shown beside the computed moves, never used to compute them.
    """
    found: dict[str, dict] = {}
    for row in store.query(_related_query(role)).to_python():
        other = row["other"]
        entry = found.setdefault(other, {
            "role": {"iri": other, "label": pick_label(row, "label") or local_name(other),
                     "code": None},
            "tier": str(row["tier"]) if "tier" in row else None,
            "index": int(row["index"]) if "index" in row else None,
        })
        if "code" in row and (entry["role"]["code"] is None
                              or str(row["code"]) < entry["role"]["code"]):
            entry["role"]["code"] = str(row["code"])
    return sorted(found.values(), key=lambda e: (e["index"] is None, e["index"] or 0,
                                                 e["role"]["label"].lower()))


def _resolve(store: Store, name: str) -> str:
    return resolve_name(store, name, "role").iri


def next_report(store: Store, role: str, k: int = 10, by: str = "all") -> dict:
    """Resolve a role name and list where it can go next: the JSON of ``careerkg next``
    and ``/api/next`` — ``role`` (with ``wage``), ``by``, ``next``, and ``related``
    (:func:`related_occupations`: O*NET's own list, empty when not imported)."""
    _check_by(by)
    if k < 1:
        raise ValueError(f"k must be at least 1 (got {k})")
    iri = _resolve(store, role)
    G = cached_requirements_graph(store)
    return {"role": {**role_ref(G, iri), "wage": wage_of(G, iri)}, "by": by,
            "next": next_roles(G, iri, k, by), "related": related_occupations(store, iri)}


def path_report(store: Store, a: str, b: str, max_steps: int = MAX_STEPS,
                by: str = "all") -> dict:
    """Resolve two role names and find the path between them: the JSON of ``careerkg
    path`` and ``/api/path`` — ``a``, ``b``, ``steps``, ``cost``, ``max_steps``, ``by``."""
    _check_by(by)
    iri_a, iri_b = _resolve(store, a), _resolve(store, b)
    G = cached_requirements_graph(store)
    return {"a": role_ref(G, iri_a), "b": role_ref(G, iri_b),
            **transition_path(G, iri_a, iri_b, max_steps, by)}

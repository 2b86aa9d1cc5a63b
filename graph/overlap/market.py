"""The skills market: which skills and technologies the most roles need, and what those
roles earn.

:func:`skills_market` ranks every requirement (skills and technologies: the ``skill`` and
``tool`` layers) by how many roles require it (``by="roles"``) or by the median of those
roles' median wages (``by="wage"``, over requirements with at least ``min_roles`` roles of
known wage).  O*NET's hot technologies are marked (``hot``).  Wages are the roles' median
annual wages (:func:`careerkg.graph.salaries.median_wages`, the BLS figures); a requirement
none of whose roles has one gets ``median_wage`` None.
"""

from __future__ import annotations

import statistics

import networkx as nx

from ..store import Store
from .derived import derived
from .model import cached_requirements_graph, item_summary

__all__ = ["MARKET_ORDERS", "MARKET_LAYERS", "WAGE_MIN_ROLES", "skills_market",
           "skills_report"]

#: What :func:`skills_market` can rank by.
MARKET_ORDERS = ("roles", "wage")
#: The requirement layers of the market.
MARKET_LAYERS = ("skill", "tool")
#: Ranking by wage counts requirements with at least this many roles of known wage.
WAGE_MIN_ROLES = 5


def _entries(G: nx.Graph) -> list[dict]:
    wages = G.graph.get("median_wage", {})
    out = []
    for node, data in G.nodes(data=True):
        if data.get("layer") not in MARKET_LAYERS:
            continue
        roles = [r for r in G[node] if G.nodes[r].get("layer") == "role"]
        if not roles:
            continue
        known = [wages[r] for r in roles if r in wages]
        out.append({**item_summary(G, node), "roles": len(roles),
                    "wage_roles": len(known),
                    "median_wage": statistics.median(known) if known else None,
                    "hot": bool(data.get("hot"))})
    return out


def _ranked(G: nx.Graph, by: str, min_roles: int) -> list[dict]:
    entries = derived(G, "market", lambda: _entries(G), what="the skills market")
    if by == "roles":
        return sorted(entries, key=lambda e: (
            -e["roles"], -(e["median_wage"] or 0.0), e["label"].lower(), e["iri"]))
    return sorted((e for e in entries if e["wage_roles"] >= min_roles), key=lambda e: (
        -e["median_wage"], -e["roles"], e["label"].lower(), e["iri"]))


def skills_market(G: nx.Graph, top: int | None = 20, by: str = "roles",
                  min_roles: int = WAGE_MIN_ROLES) -> list[dict]:
    """Skills and technologies ranked by demand or pay.

    Parameters
    ----------
    top : int or None
        How many to return (None: all).
    by : {"roles", "wage"}
        ``roles``: most roles first (ties: higher median wage, then label).  ``wage``:
        highest median wage of their roles first, among those with at least ``min_roles``
        roles of known wage (ties: more roles, then label).
    min_roles : int
        See ``by``.

    Returns
    -------
    list of dict
        :func:`item_summary` plus ``roles``, ``wage_roles`` (roles with a known wage),
        ``median_wage`` (None when none is known) and ``hot``; each with ``rank``.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["py", "sql"], "b": ["py"], "c": ["sql", "r"]},
    ...                            wages={"a": 100, "b": 80, "c": 60}, hot=["py"])
    >>> [(s["iri"], s["roles"], s["median_wage"], s["hot"]) for s in skills_market(G, 2)]
    [('py', 2, 90.0, True), ('sql', 2, 80.0, False)]
    >>> [s["iri"] for s in skills_market(G, by="wage", min_roles=1)]
    ['py', 'sql', 'r']
    """
    if by not in MARKET_ORDERS:
        raise ValueError(f"unknown order {by!r}; use one of: {', '.join(MARKET_ORDERS)}")
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1 (got {top})")
    ranked = derived(G, ("market", by, min_roles), lambda: _ranked(G, by, min_roles),
                     what="the skills market")
    if top is not None:
        ranked = ranked[:top]
    return [{**e, "rank": n} for n, e in enumerate(ranked, start=1)]


def skills_report(store: Store, top: int = 20, by: str = "roles",
                  min_roles: int = WAGE_MIN_ROLES) -> dict:
    """The JSON of ``careerkg skills`` and ``/api/skills``: ``by``, ``min_roles``,
    ``roles`` (how many roles the graph has), ``roles_with_wage``, ``skills``."""
    G = cached_requirements_graph(store)
    roles = sum(1 for _n, d in G.nodes(data=True) if d.get("layer") == "role")
    return {"by": by, "min_roles": min_roles, "roles": roles,
            "roles_with_wage": len(G.graph.get("median_wage", {})),
            "skills": skills_market(G, top, by, min_roles)}

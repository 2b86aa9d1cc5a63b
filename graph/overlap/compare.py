"""Two roles compared: what they share, what only one has, how similar they are (overall and
per category), and what each must learn to become the other.

:func:`compare_roles` gathers it all in a :class:`RoleComparison`; :func:`overlap_report`
resolves two names first and gives its JSON (``careerkg overlap``, ``/api/overlap``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from ..store import Store
from .model import (
    NO_CATEGORY,
    _check_by,
    _prevalence,
    cached_requirements_graph,
    item_summary,
    role_items,
)
from .names import resolve_role
from .weighted import uncovered, weighted_matrix

__all__ = [
    "RoleComparison",
    "jaccard",
    "overlap_coefficient",
    "category_overlap",
    "learning_gap",
    "compare_roles",
    "overlap_report",
]


def _jaccard(a: set, b: set) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _overlap(a: set, b: set) -> float:
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0


def jaccard(G: nx.Graph, a: str, b: str, by: str = "all") -> float:
    """Jaccard similarity of two roles' requirements: ``|A ∩ B| / |A ∪ B|`` (0 if both are
    empty).

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y", "z"], "b": ["y", "z", "w"]})
    >>> jaccard(G, "a", "b")
    0.5
    """
    return _jaccard(role_items(G, a, by), role_items(G, b, by))


def overlap_coefficient(G: nx.Graph, a: str, b: str, by: str = "all") -> float:
    """Overlap (Szymkiewicz–Simpson) coefficient: ``|A ∩ B| / min(|A|, |B|)`` (0 if either is
    empty).  1 when one role's requirements are a subset of the other's.

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["x", "y", "z", "w"]})
    >>> overlap_coefficient(G, "a", "b"), jaccard(G, "a", "b")
    (1.0, 0.5)
    """
    return _overlap(role_items(G, a, by), role_items(G, b, by))


def _category_key(G: nx.Graph, node: str) -> tuple[str, str | None]:
    data = G.nodes[node]
    return (data.get("category_label") or NO_CATEGORY, data.get("category"))


def category_overlap(G: nx.Graph, a: str, b: str, by: str = "all") -> list[dict]:
    """Overlap of two roles per requirement category, sorted by category label.

    Each entry has ``category`` (IRI or None), ``category_label``, the counts ``shared``,
    ``only_a``, ``only_b``, and ``jaccard`` and ``overlap_coefficient`` within the category.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict(
    ...     {"a": ["py", "sql", "calc"], "b": ["py", "r"]},
    ...     categories={"py": "lang", "sql": "lang", "r": "lang", "calc": "math"})
    >>> [(c["category"], c["shared"], c["jaccard"]) for c in category_overlap(G, "a", "b")]
    [('lang', 1, 0.3333333333333333), ('math', 0, 0.0)]
    """
    items_a, items_b = role_items(G, a, by), role_items(G, b, by)
    groups: dict[tuple, tuple[set, set]] = {}
    for items, side in ((items_a, 0), (items_b, 1)):
        for node in items:
            groups.setdefault(_category_key(G, node), (set(), set()))[side].add(node)
    out = []
    for (label, iri), (in_a, in_b) in sorted(groups.items(), key=lambda kv: (kv[0][0].lower(),
                                                                            kv[0][1] or "")):
        out.append({
            "category": iri, "category_label": label,
            "shared": len(in_a & in_b), "only_a": len(in_a - in_b), "only_b": len(in_b - in_a),
            "jaccard": _jaccard(in_a, in_b), "overlap_coefficient": _overlap(in_a, in_b),
        })
    return out


def _depth(G: nx.Graph, node: str) -> int:
    """How many ``broader`` steps lead from ``node`` to a root (within the graph)."""
    depth, seen = 0, {node}
    current = node
    while True:
        parents = [p for p in G.nodes[current].get("broader", ()) if p in G and p not in seen]
        if not parents:
            return depth
        current = parents[0]
        seen.add(current)
        depth += 1


def learning_gap(G: nx.Graph, a: str, b: str, by: str = "all") -> list[dict]:
    """What role ``a`` must learn to become role ``b``: ``b``'s requirements that ``a``
    lacks, in learning order.  What ``a`` lacks is
    :func:`~careerkg.graph.overlap.weighted.uncovered`: a requirement ``a`` has as the
    same thing in another taxonomy (``skos:exactMatch``/``closeMatch``), or through a
    narrower skill (``skos:broader``), is not to be learned.

    The order: categories with the most missing items first (ties by category label);
    within a category, what an item builds on (its broader skill, the skill a tool
    supports) before the item, then items more roles
    require (more transferable) before rarer ones, then by label.  Each entry is an
    :func:`item_summary` plus ``rank`` (1-based) and ``roles`` (how many roles require it).

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict(
    ...     {"ds": ["py"], "mle": ["py", "ops", "k8s", "cuda"], "sre": ["k8s"]},
    ...     categories={"ops": "eng", "k8s": "eng", "cuda": "hw"},
    ...     broader={"k8s": "ops"})
    >>> [g["iri"] for g in learning_gap(G, "ds", "mle")]
    ['ops', 'k8s', 'cuda']
    >>> [g["iri"] for g in learning_gap(G, "sre", "mle")]  # k8s is a kind of ops
    ['py', 'cuda']
    """
    missing = set(uncovered(G, a, b, by))
    per_category = Counter(_category_key(G, n) for n in missing)

    def key(node):
        category = _category_key(G, node)
        return (-per_category[category], category[0].lower(), category[1] or "",
                _depth(G, node), -_prevalence(G, node), G.nodes[node]["label"].lower(), node)

    out = []
    for rank, node in enumerate(sorted(missing, key=key), start=1):
        out.append({**item_summary(G, node), "rank": rank, "roles": _prevalence(G, node)})
    return out


def _sorted_items(G: nx.Graph, nodes: Iterable[str]) -> list[dict]:
    def key(node):
        label, iri = _category_key(G, node)
        return (label.lower(), iri or "", G.nodes[node]["label"].lower(), node)

    return [item_summary(G, n) for n in sorted(nodes, key=key)]


@dataclass
class RoleComparison:
    """Two roles compared: what they share, what only one has, scores, and the gaps."""

    a: dict
    b: dict
    by: str
    shared: list[dict]
    only_a: list[dict]
    only_b: list[dict]
    jaccard: float
    overlap_coefficient: float
    categories: list[dict] = field(default_factory=list)
    gap: list[dict] = field(default_factory=list)
    gap_reverse: list[dict] = field(default_factory=list)
    similarity: float = 0.0
    #: How many of b's requirements a holds (also through equivalents and narrower skills),
    #: and the other way round.
    held_of_b: int = 0
    held_of_a: int = 0

    @property
    def explanation(self) -> list[str]:
        """The scores in words, one sentence each."""
        a, b = self.a["label"], self.b["label"]
        shared, union = len(self.shared), len(self.shared) + len(self.only_a) + len(self.only_b)
        smaller = min(self.a["items"], self.b["items"])
        return [
            f"They share {shared} of {union} requirements (Jaccard "
            f"{self.jaccard:.3f} = {shared} / {union}).",
            f"{shared} of the {smaller} requirements of the role with fewer are shared "
            f"(overlap coefficient {self.overlap_coefficient:.3f}).",
            f"{a} already has {self.held_of_b} of the {self.b['items']} requirements of {b}, "
            f"counting the same thing in another taxonomy and narrower skills; "
            f"{len(self.gap)} to learn.",
            f"{b} has {self.held_of_a} of the {self.a['items']} requirements of {a}; "
            f"{len(self.gap_reverse)} to learn.",
            f"Weighted similarity {self.similarity:.3f}: requirements weighed by importance "
            "and rarity, skills and knowledge counting 90%, technologies and equipment 5% "
            "each (1 = the same profile).",
        ]

    def to_dict(self) -> dict:
        """The JSON of ``careerkg overlap --format json`` and ``/api/overlap``."""
        return {
            "a": self.a, "b": self.b, "by": self.by,
            "shared": self.shared, "only_a": self.only_a, "only_b": self.only_b,
            "jaccard": self.jaccard, "overlap_coefficient": self.overlap_coefficient,
            "similarity": self.similarity,
            "held_of_b": self.held_of_b, "held_of_a": self.held_of_a,
            "explanation": self.explanation,
            "categories": self.categories,
            "gap": self.gap, "gap_reverse": self.gap_reverse,
        }


def compare_roles(G: nx.Graph, a: str, b: str, by: str = "all") -> RoleComparison:
    """Everything about two roles' overlap.

    Parameters
    ----------
    G : networkx.Graph
        A requirement graph (:func:`requirements_graph`).
    a, b : str
        The roles' IRIs.
    by : {"all", "skills", "tools"}
        What counts as a requirement.

    Returns
    -------
    RoleComparison
        ``shared``, ``only_a`` and ``only_b`` sorted by category, then label; ``jaccard``
        and ``overlap_coefficient``; ``categories`` (:func:`category_overlap`); ``gap``,
        :func:`learning_gap` from ``a`` to ``b`` (what ``a`` must learn), and
        ``gap_reverse`` from ``b`` to ``a``; ``similarity`` (weighted), ``held_of_b`` /
        ``held_of_a`` (requirements of one the other already holds) and ``explanation``
        (the scores in words).

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y", "z"], "b": ["y", "z", "w"]})
    >>> c = compare_roles(G, "a", "b")
    >>> [i["iri"] for i in c.shared], c.jaccard, c.overlap_coefficient
    (['y', 'z'], 0.5, 0.6666666666666666)
    >>> [i["iri"] for i in c.gap]
    ['w']
    """
    items_a, items_b = role_items(G, a, by), role_items(G, b, by)
    wm = weighted_matrix(G, by)
    gap, gap_reverse = learning_gap(G, a, b, by), learning_gap(G, b, a, by)
    return RoleComparison(
        a={**item_summary(G, a), "items": len(items_a)},
        b={**item_summary(G, b), "items": len(items_b)},
        by=by,
        shared=_sorted_items(G, items_a & items_b),
        only_a=_sorted_items(G, items_a - items_b),
        only_b=_sorted_items(G, items_b - items_a),
        jaccard=_jaccard(items_a, items_b),
        overlap_coefficient=_overlap(items_a, items_b),
        categories=category_overlap(G, a, b, by),
        gap=gap,
        gap_reverse=gap_reverse,
        similarity=float(wm.scores(wm.index_of(a), [wm.index_of(b)])[0]),
        held_of_b=len(items_b) - len(gap),
        held_of_a=len(items_a) - len(gap_reverse),
    )


def overlap_report(store: Store, a: str, b: str, by: str = "all") -> dict:
    """Resolve two role names and compare them: the JSON of ``careerkg overlap`` and
    ``/api/overlap`` (:meth:`RoleComparison.to_dict`).

    Raises :class:`RoleNotFound` / :class:`AmbiguousRole` for a bad name, ``ValueError`` for
    a bad ``by``.
    """
    _check_by(by)
    role_a, role_b = resolve_role(store, a), resolve_role(store, b)
    G = cached_requirements_graph(store)
    return compare_roles(G, role_a.iri, role_b.iri, by).to_dict()

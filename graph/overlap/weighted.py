"""The weighted role similarity, and what a role holds and lacks: importance x
distinctiveness, across taxonomies and up the skill hierarchy.

A role's requirements are weighed by **how much they matter** — O*NET's importance rating
``(IM − 1) / 4`` (1 "not important" counts 0, 5 counts 1), 0.5
for an ESCO optional skill, 1 for anything unrated (an ESCO essential skill, the seed's
requirements, a technology) — and by **how distinctive they are**: the IDF
``1 + ln((1 + n) / (1 + df))`` of the block (1 for what every role has, Microsoft Excel;
up to about 8 for what one role has).

Requirements that are the same thing in two taxonomies are one *feature*: items linked by
``skos:exactMatch`` / ``skos:closeMatch`` (directly, or to the same outside concept) are
merged; seed tools and O*NET technologies of one name are already one node (the importer
links them).  A narrower skill counts toward its broader ones (``skos:broader``, the whole
chain): a role needing linear algebra also has mathematics, with the same weight.

Requirements form three **blocks**, compared separately and blended (:data:`BLOCK_SHARES`):
skills and knowledge (0.90), technologies (``ckg:usesTool``, 0.05) and equipment (O*NET's
Tools Used, ``ckg:usesEquipment``, 0.05).  Within a block the score is the cosine of the two
roles' weight x IDF vectors; the blend averages the blocks in which both roles have
something.  A role with technologies but no skills is compared on skills as the mean skill
profile of its :data:`IMPUTED_FROM` nearest roles by technologies and equipment (weighted by
that similarity) — for the similarity only: what it holds and lacks stays its own.
Measured against O*NET's Related Occupations (withheld from the import) it reaches the
precision figure in ``docs/overlap.md``.

What a role **holds**: its requirements weighing at least :data:`HELD` (a rated one from
importance 3, O*NET OnLine's cut-off) and everything broader.  A target's requirement is
*covered* when its feature is held — no "must learn machine learning" for a role that
requires a narrower machine-learning skill, or the same skill in another taxonomy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .derived import derived
from .model import _check_by, _role, requirement_weight, roles_of
from .similarity import WeightedBlock, WeightedMatrix

__all__ = [
    "BLOCK_SHARES",
    "WEIGHTED_LAYERS",
    "HELD",
    "IMPUTED_FROM",
    "Features",
    "features_of",
    "weighted_requirements",
    "held_features",
    "uncovered",
    "weighted_matrix",
]

#: Each block's share of the blended similarity (the layer of its requirements → share).
BLOCK_SHARES = {"skill": 0.90, "tool": 0.05, "equipment": 0.05}
#: The blocks each ``by`` compares: ``all`` adds the equipment block to ``BY_CHOICES``.
WEIGHTED_LAYERS = {"skills": ("skill",), "tools": ("tool",), "all": ("skill", "tool",
                                                                     "equipment")}
#: A requirement weighing at least this much is held by the role (rated: importance ≥ 3).
HELD = 0.5
#: A role with no skills (O*NET's newer occupations, Data Scientists among them, have
#: technologies but no ratings) is compared on skills as the weighted mean of the skill
#: profiles of this many roles most like it by its other blocks.
IMPUTED_FROM = 10

_ITEM_LAYERS = ("skill", "tool", "equipment")


@dataclass(frozen=True)
class Features:
    """Items merged into features, and each feature's broader features.

    ``feature`` maps an item (a requirement node of ``G``, or a skill's broader concept)
    to its feature: the smallest IRI of the items it is the same as; ``broader`` maps a
    feature to all features above it (transitively).
    """

    feature: dict[str, str]
    broader: dict[str, frozenset[str]]

    def of(self, item: str) -> str:
        return self.feature.get(item, item)

    def with_broader(self, items: Iterable[str]) -> set[str]:
        """The features of ``items`` and every feature broader than them."""
        out: set[str] = set()
        for item in items:
            f = self.of(item)
            out.add(f)
            out |= self.broader.get(f, frozenset())
        return out


class _UnionFind:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def features_of(G: nx.Graph) -> Features:
    """The features of ``G``'s requirements (cached per graph).

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict(
    ...     {"a": ["seed:ml"], "b": ["esco:ml", "esco:dl"]},
    ...     matches={"seed:ml": ["http://esco/ml"], "esco:ml": ["http://esco/ml"]},
    ...     broader={"esco:dl": "esco:ml"})
    >>> f = features_of(G)
    >>> f.of("esco:ml"), sorted(f.with_broader(["esco:dl"]))
    ('esco:ml', ['esco:dl', 'esco:ml'])
    """
    return derived(G, "features", lambda: _build_features(G),
                   what="the requirements' features")


def _build_features(G: nx.Graph) -> Features:
    uf = _UnionFind()
    items = [(n, d) for n, d in G.nodes(data=True) if d.get("layer") in _ITEM_LAYERS]
    for node, data in items:
        uf.find((data["layer"], node))
        for match in data.get("matches", ()):
            uf.union((data["layer"], node), (data["layer"], match))
    # Each class is named by its smallest item node (outside concepts only join classes).
    members: dict = {}
    for node, data in items:
        members.setdefault(uf.find((data["layer"], node)), []).append(node)
    feature = {}
    for nodes in members.values():
        name = min(nodes)
        for node in nodes:
            feature[node] = name
    parents: dict[str, set[str]] = {}
    for skill, ups in G.graph.get("skill_broader", {}).items():
        for up in ups:
            parent = feature.get(up, up)
            child = feature.get(skill, skill)
            if parent != child:
                parents.setdefault(child, set()).add(parent)
    broader: dict[str, frozenset[str]] = {}
    for start in parents:
        seen: set[str] = set()
        stack = list(parents[start])
        while stack:
            up = stack.pop()
            if up in seen or up == start:
                continue
            seen.add(up)
            stack.extend(parents.get(up, ()))
        broader[start] = frozenset(seen)
    return Features(feature, broader)


def weighted_requirements(G: nx.Graph, role: str, layers: Iterable[str]) -> dict[str, float]:
    """``role``'s requirements in ``layers`` with their weights (0 to 1): its requirement
    edges, and the items it is rated on without requiring them (below importance 3).

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"r": ["x"]}, weights={("r", "y"): 0.25})
    >>> weighted_requirements(G, "r", ["skill"])
    {'x': 1.0, 'y': 0.25}
    """
    layers = tuple(layers)
    out = {n: requirement_weight(G, role, n) for n in G[_role(G, role)]
           if G.nodes[n].get("layer") in layers}
    for item, weight in _rated_only(G).get(role, {}).items():
        if G.nodes[item].get("layer") in layers:
            out.setdefault(item, weight)
    return out


def _rated_only(G: nx.Graph) -> dict[str, dict[str, float]]:
    """role → item → weight of the rated items that are not requirement edges."""
    def build():
        out: dict[str, dict[str, float]] = {}
        for (role, item), weight in G.graph.get("weights", {}).items():
            if item in G and role in G and not G.has_edge(role, item):
                out.setdefault(role, {})[item] = weight
        return out

    return derived(G, "rated", build, what="the rated requirements")


def held_features(G: nx.Graph, role: str, by: str = "all") -> set[str]:
    """The features ``role`` holds in the blocks of ``by``: its requirements weighing at
    least :data:`HELD`, and everything broader than them."""
    layers = WEIGHTED_LAYERS[by]
    held = [n for n, w in weighted_requirements(G, role, layers).items() if w >= HELD]
    return features_of(G).with_broader(held)


def uncovered(G: nx.Graph, source: str, target: str, by: str = "all",
              held: set[str] | None = None) -> list[str]:
    """``target``'s requirements (in the layers of ``by``) that ``source`` does not hold,
    neither as such, nor as the same thing in another taxonomy, nor through a narrower
    requirement.  Unsorted.  ``held`` may give :func:`held_features` of ``source``, when
    known.

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"mle": ["deep-learning"], "ds": ["ml", "sql"]},
    ...                            broader={"deep-learning": "ml"})
    >>> sorted(uncovered(G, "mle", "ds"))
    ['sql']
    """
    layers = _check_by(by)
    if held is None:
        held = held_features(G, source, by)
    f = features_of(G)
    return [n for n in G[_role(G, target)]
            if G.nodes[n].get("layer") in layers and f.of(n) not in held]


def weighted_matrix(G: nx.Graph, by: str = "all") -> WeightedMatrix:
    """The :class:`~careerkg.graph.overlap.similarity.WeightedMatrix` of ``G`` for ``by``
    (cached per graph and ``by``).

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["x", "y"], "c": ["x", "z"]})
    >>> m = weighted_matrix(G)
    >>> [(r, round(s, 3)) for r, s in m.top_k("a", 2)]
    [('b', 1.0), ('c', 0.312)]
    """
    _check_by(by)
    return derived(G, ("matrix", by), lambda: _build_matrix(G, by),
                   what="the similarity of the roles")


def _build_matrix(G: nx.Graph, by: str) -> WeightedMatrix:
    roles = roles_of(G)
    role_index = {r: i for i, r in enumerate(roles)}
    f = features_of(G)
    blocks = []
    for layer in WEIGHTED_LAYERS[by]:
        columns: dict[str, int] = {}
        entries = []
        for role in roles:
            for item, weight in weighted_requirements(G, role, (layer,)).items():
                column = columns.setdefault(f.of(item), len(columns))
                entries.append((role_index[role], column, weight))
        ancestors = {}
        for feature in list(columns):
            ups = f.broader.get(feature)
            if ups:
                ancestors[columns[feature]] = [columns.setdefault(u, len(columns))
                                               for u in sorted(ups)]
        names = sorted(columns, key=columns.get)
        if not entries:
            continue
        blocks.append(WeightedBlock.build(layer, BLOCK_SHARES[layer], len(roles), names,
                                          entries, ancestors, held=HELD))
    matrix = WeightedMatrix(roles, role_index, blocks)
    matrix.impute("skill", IMPUTED_FROM)
    return matrix


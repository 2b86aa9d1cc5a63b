"""Views over all roles: the sparse role matrix and the roles most like one, the role-role
projection, central roles and requirements, co-occurring requirements, components and
communities, a role's ego network, and the overlap view that is drawn and exported.

All-pairs similarity and top-k use sparse matrices (:mod:`careerkg.graph.overlap.similarity`);
per-pair work stays in networkx.  The matrices are cached per graph object (see
:func:`role_matrix`).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Iterable

import networkx as nx
import numpy as np

from ..background import prepare
from ..errors import NotFound
from ..namespaces import CKG, SKOS
from ..store import Store
from .derived import derived
from .model import (
    GRAPH_QUERY_TIMEOUT,
    _check_by,
    _prevalence,
    _role,
    cached_requirements_graph,
    item_summary,
    role_items,
    roles_of,
)
from .names import resolve_role
from .similarity import RoleMatrix, pairwise_similarity, similarity_scores, top_k_similar
from .weighted import weighted_matrix

__all__ = [
    "SIMILARITY_METRICS",
    "role_matrix",
    "similar_roles",
    "similar_report",
    "role_projection",
    "central_roles",
    "item_centrality",
    "co_occurring_items",
    "role_components",
    "role_communities",
    "ego_network",
    "overlap_view",
    "DATA_FAMILY",
    "COMMUNITY_COLOURS",
    "family_roles",
    "role_matches",
    "role_network",
    "prepared_role_network",
]


def _restricted(G: nx.Graph, layers: Iterable[str]) -> nx.Graph:
    """``G`` with only roles and the given layers (``G`` itself when nothing is left out;
    else a copy, which networkx walks much faster than a subgraph view)."""
    keep = [n for n, d in G.nodes(data=True) if d.get("layer") in ("role", *layers)]
    return G if len(keep) == len(G) else G.subgraph(keep).copy()


def role_matrix(G: nx.Graph, by: str = "all") -> RoleMatrix:
    """The roles x requirements sparse matrix of ``G`` (cached per graph and ``by``).

    The cache assumes a graph is not changed once its matrix is built (graphs from
    :func:`requirements_graph` are treated as read-only); only a change in its number of
    nodes is noticed (counting edges costs as much as a top-k query).

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["y"]})
    >>> role_matrix(G).sizes.tolist()
    [2, 1]
    """
    layers = _check_by(by)

    def build() -> RoleMatrix:
        roles = roles_of(G)
        pairs = [
            (r, n) for r in roles for n in G[r] if G.nodes[n].get("layer") in layers
        ]
        return RoleMatrix.from_pairs(roles, pairs)

    return derived(G, ("roles x requirements", by, G.number_of_nodes()), build,
                   what="the roles x requirements matrix")


#: The metrics :func:`similar_roles` ranks by: the weighted similarity (default; see
#: :mod:`careerkg.graph.overlap.weighted`), Jaccard, the overlap coefficient.
SIMILARITY_METRICS = ("weighted", "jaccard", "overlap")


def _check_metric(metric: str) -> str:
    if metric not in SIMILARITY_METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of: "
                         f"{', '.join(SIMILARITY_METRICS)}")
    return metric


def similar_roles(
    G: nx.Graph, role: str, k: int = 10, by: str = "all", metric: str = "weighted"
) -> list[dict]:
    """The ``k`` roles most similar to ``role``.

    Parameters
    ----------
    G : networkx.Graph
        A requirement graph.
    role : str
        The role's IRI.
    k : int
        How many roles to return at most.
    by : {"all", "skills", "tools"}
        What counts as a requirement.
    metric : {"weighted", "jaccard", "overlap"}
        What to rank by: the weighted similarity (importance x IDF cosine across skills,
        technologies and equipment, :mod:`~careerkg.graph.overlap.weighted`), Jaccard or
        the overlap coefficient of the requirement sets (roles sharing at least one).

    Returns
    -------
    list of dict
        :func:`item_summary` of each role plus ``items`` (its requirement count),
        ``shared``, ``jaccard``, ``overlap_coefficient`` and ``similarity`` (the weighted
        similarity); best first, ties broken by shared count (Jaccard, overlap), then IRI.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["y"], "c": ["x", "y", "z"],
    ...                             "d": ["q"]})
    >>> [(s["iri"], s["shared"]) for s in similar_roles(G, "a", metric="jaccard")]
    [('c', 2), ('b', 1)]
    """
    _check_metric(metric)
    _role(G, role)
    rm = role_matrix(G, by)
    wm = weighted_matrix(G, by)
    if metric == "weighted":
        found = wm.top_k(role, k)
    else:
        ranked = [r for r, _score, _shared in top_k_similar(rm, role, k, metric)]
        weighted = wm.scores(wm.index_of(role), np.array([wm.index_of(r) for r in ranked],
                                                         dtype=np.int64))
        found = list(zip(ranked, weighted.tolist(), strict=True))
    if not found:
        return []
    mine = set(rm.matrix.indices[rm.matrix.indptr[rm.index_of(role)]:
                                 rm.matrix.indptr[rm.index_of(role) + 1]].tolist())
    size = len(mine)
    out = []
    for other, score in found:
        j = rm.index_of(other)
        theirs = rm.matrix.indices[rm.matrix.indptr[j]:rm.matrix.indptr[j + 1]]
        shared = len(mine.intersection(theirs.tolist()))
        other_size = len(theirs)
        union = size + other_size - shared
        smaller = min(size, other_size)
        out.append({
            **item_summary(G, other), "items": other_size, "shared": shared,
            "jaccard": shared / union if union else 0.0,
            "overlap_coefficient": shared / smaller if smaller else 0.0,
            "similarity": float(score),
        })
    return out


def similar_report(
    store: Store, role: str, k: int = 10, by: str = "all", metric: str = "weighted"
) -> dict:
    """Resolve a role name and list its ``k`` most similar roles: the JSON of
    ``careerkg similar`` and ``/api/similar`` — ``role``, ``by``, ``metric``, ``similar``.
    """
    _check_by(by)
    _check_metric(metric)
    if k < 1:
        raise ValueError(f"k must be at least 1 (got {k})")
    ref = resolve_role(store, role)
    G = cached_requirements_graph(store)
    items = len(role_items(G, ref.iri, by))
    return {
        "role": {**item_summary(G, ref.iri), "items": items},
        "by": by,
        "metric": metric,
        "similar": similar_roles(G, ref.iri, k, by, metric),
    }


def role_projection(
    G: nx.Graph,
    by: str = "all",
    metric: str = "jaccard",
    *,
    min_weight: float = 0.0,
    k: int | None = None,
) -> nx.Graph:
    """The role-role graph: an edge between roles sharing requirements, weighted by overlap.

    Like :func:`networkx.algorithms.bipartite.overlap_weighted_projected_graph`, computed
    with one sparse product.  Edges carry ``weight`` (the ``metric``: ``jaccard``,
    ``overlap`` or ``shared``), ``shared``, ``jaccard`` and ``overlap_coefficient``.

    Parameters
    ----------
    min_weight : float
        Leave out edges lighter than this.
    k : int, optional
        Keep only each role's ``k`` heaviest edges (a k-nearest-neighbour graph).  On a large
        taxonomy almost every pair shares something; use ``k`` or ``min_weight`` there.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["y", "z"], "c": ["q"]})
    >>> P = role_projection(G)
    >>> sorted(P.nodes), list(P.edges(data="weight"))
    (['a', 'b', 'c'], [('a', 'b', 0.3333333333333333)])
    """
    if metric not in ("jaccard", "overlap", "shared"):
        raise ValueError(f"unknown metric {metric!r}; use jaccard, overlap or shared")
    rm = role_matrix(G, by)
    counts = pairwise_similarity(rm, "shared")
    P = nx.Graph(name=f"role projection ({metric}, by {by})")
    for role in rm.roles:
        P.add_node(role, **G.nodes[role])
    for i, role in enumerate(rm.roles):
        lo, hi = counts.indptr[i], counts.indptr[i + 1]
        cols, shared = counts.indices[lo:hi], counts.data[lo:hi]
        own = np.full(len(cols), rm.sizes[i])
        scores = {m: similarity_scores(shared, own, rm.sizes[cols], m)
                  for m in ("jaccard", "overlap", "shared")}
        keep = np.flatnonzero(scores[metric] >= min_weight)
        if k is not None:
            keep = keep[np.lexsort((cols[keep], -scores[metric][keep]))][:k]
        elif len(keep):
            keep = keep[cols[keep] > i]  # each pair once
        for t in keep.tolist():
            P.add_edge(
                role, rm.roles[cols[t]], weight=float(scores[metric][t]),
                shared=int(shared[t]), jaccard=float(scores["jaccard"][t]),
                overlap_coefficient=float(scores["overlap"][t]),
            )
    return P


def central_roles(G: nx.Graph, by: str = "all", n: int | None = None) -> list[tuple[str, float]]:
    """Roles by their total Jaccard similarity to all others (weighted degree in the role
    projection), highest first: the roles most like the rest.  Cached with the matrix.

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["y"], "c": ["x"], "d": ["q"]})
    >>> [r for r, _ in central_roles(G)]
    ['a', 'b', 'c', 'd']
    """
    rm = role_matrix(G, by)

    def build() -> list[tuple[str, float]]:
        totals = pairwise_similarity(rm, "jaccard").sum(axis=1).A1
        order = sorted(range(len(rm.roles)), key=lambda i: (-totals[i], rm.roles[i]))
        return [(rm.roles[i], float(totals[i])) for i in order]

    ranked = derived(G, ("central roles", by, G.number_of_nodes()), build,
                     what="the central roles")
    return ranked if n is None else ranked[:n]


def item_centrality(
    G: nx.Graph,
    by: str = "all",
    measure: str = "degree",
    *,
    top: int | None = None,
    sample: int | None = None,
    seed: int = 0,
) -> list[dict]:
    """Which requirements connect the most roles.

    ``measure="degree"`` (default): the share of all roles that require the item (bipartite
    degree centrality).  ``measure="betweenness"``: betweenness centrality in the bipartite
    graph, how often the item lies on shortest paths between nodes (estimated from
    ``sample`` random sources when given; exact betweenness is slow on a large taxonomy).

    Each entry is an :func:`item_summary` plus ``roles`` (count) and ``score``; highest
    first, ties by label.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["py", "sql"], "b": ["py"], "c": ["py", "r"]})
    >>> [(c["iri"], c["roles"], round(c["score"], 3)) for c in item_centrality(G, top=2)]
    [('py', 3, 1.0), ('r', 1, 0.333)]
    """
    layers = _check_by(by)
    roles = roles_of(G)
    items = [n for n, d in G.nodes(data=True) if d.get("layer") in layers]
    if measure == "degree":
        scores = {n: _prevalence(G, n) / len(roles) if roles else 0.0 for n in items}
    elif measure == "betweenness":
        sub = _restricted(G, layers)
        kept = min(sample, sub.number_of_nodes()) if sample else None
        scores = nx.betweenness_centrality(sub, k=kept, seed=seed)
    else:
        raise ValueError(f"unknown measure {measure!r}; use degree or betweenness")
    ranked = sorted(items, key=lambda n: (-scores[n], G.nodes[n]["label"].lower(), n))
    if top is not None:
        ranked = ranked[:top]
    return [
        {**item_summary(G, n), "roles": _prevalence(G, n), "score": float(scores[n])}
        for n in ranked
    ]


def co_occurring_items(G: nx.Graph, item: str, by: str = "all", k: int = 10) -> list[dict]:
    """Requirements that appear together with ``item`` in the same roles.

    Each entry is an :func:`item_summary` plus ``together`` (roles requiring both) and
    ``jaccard`` of the two items' role sets; most frequent first.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["py", "sql"], "b": ["py", "sql"], "c": ["py", "r"]})
    >>> [(c["iri"], c["together"]) for c in co_occurring_items(G, "py")]
    [('sql', 2), ('r', 1)]
    """
    layers = _check_by(by)
    if item not in G or G.nodes[item].get("layer") == "role":
        raise NotFound(f"{item!r} is not a requirement in this graph")
    roles = set(G[item])
    together: Counter = Counter()
    for role in roles:
        for other in G[role]:
            if other != item and G.nodes[other].get("layer") in layers:
                together[other] += 1
    def jac(other):
        theirs = set(G[other])
        return len(roles & theirs) / len(roles | theirs)

    ranked = sorted(together, key=lambda n: (-together[n], -jac(n),
                                             G.nodes[n]["label"].lower(), n))[:k]
    return [{**item_summary(G, n), "together": together[n], "jaccard": jac(n)} for n in ranked]


def role_components(G: nx.Graph, by: str = "all") -> list[list[str]]:
    """Groups of roles connected through shared requirements (connected components of the
    bipartite graph), largest first; each group sorted by IRI.

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x"], "b": ["x", "y"], "c": ["z"]})
    >>> role_components(G)
    [['a', 'b'], ['c']]
    """
    groups = []
    for component in nx.connected_components(_restricted(G, _check_by(by))):
        roles = sorted(n for n in component if G.nodes[n]["layer"] == "role")
        if roles:
            groups.append(roles)
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def role_communities(
    G: nx.Graph, by: str = "all", *, k: int = 10, resolution: float = 1.0, seed: int = 0
) -> list[list[str]]:
    """Communities of similar roles: Louvain on the k-nearest-neighbour role projection
    (Jaccard-weighted), largest first; each community sorted by IRI.

    Using each role's ``k`` closest neighbours keeps this fast on a large taxonomy, where
    nearly every pair of roles shares something.  The ``seed`` makes it deterministic.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({
    ...     "a": ["x", "y", "z"], "b": ["x", "y", "z"], "c": ["p", "q", "r"],
    ...     "d": ["p", "q", "r"], "e": ["x", "z"]})
    >>> role_communities(G, k=2)
    [['a', 'b', 'e'], ['c', 'd']]
    """
    P = role_projection(G, by, "jaccard", k=k)
    found = nx.community.louvain_communities(P, weight="weight", resolution=resolution,
                                             seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def ego_network(
    G: nx.Graph, role: str, by: str = "all", *, radius: int = 2, max_roles: int | None = None
) -> nx.Graph:
    """The neighbourhood of ``role``: its requirements (radius 1) and the roles sharing them
    (radius 2), with the edges among them.

    ``max_roles`` (with radius 2) keeps only the most similar other roles (weighted) and
    the requirements of the kept roles; without it, radius 2 on a large taxonomy reaches
    most roles.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x"], "b": ["x", "y"], "c": ["z"]})
    >>> sorted(ego_network(G, "a"))
    ['a', 'b', 'x']
    >>> sorted(ego_network(G, "a", radius=1))
    ['a', 'x']
    """
    sub = _restricted(G, _check_by(by))
    _role(G, role)
    if max_roles is None or radius < 2:
        return nx.ego_graph(sub, role, radius=radius).copy()
    roles = [role, *(s["iri"] for s in similar_roles(G, role, k=max_roles, by=by))]
    return sub.subgraph(set(roles).union(*(sub[r] for r in roles))).copy()


def overlap_view(
    G: nx.Graph,
    *,
    center: str | None = None,
    roles: Iterable[str] | None = None,
    by: str = "all",
    k: int = 8,
    max_roles: int | None = 40,
    max_items: int | None = 150,
    industries: bool = False,
) -> nx.Graph:
    """The overlap graph to draw or export: some roles, their requirements, and which
    requirements they share.

    Which roles: ``center`` and its ``k`` most similar roles (an ego network); else
    ``roles``; else all roles, or the ``max_roles`` most central ones (:func:`central_roles`)
    when there are more.  Which requirements: those of the chosen roles in the layers of
    ``by`` (plus industries when ``industries``), at most ``max_items`` — the ones most
    shared among the chosen roles first.

    Parameters
    ----------
    G : networkx.Graph
        A requirement graph.
    center : str, optional
        A role IRI: show its ego network.
    roles : iterable of str, optional
        Show these roles (when there is no ``center``).
    by : {"all", "skills", "tools"}
        Which requirement layers to show.
    k : int
        How many similar roles join ``center``.
    max_roles, max_items : int or None
        Caps on roles (without ``center`` or ``roles``) and requirements; None for no cap.
    industries : bool
        Add the industries that hire the roles.

    Returns
    -------
    networkx.Graph
        A new graph.  Every node gets ``degree`` (in the view) and ``status``: ``role``,
        ``shared`` (required by two or more roles of the view) or ``specific`` (by one);
        requirements get ``shared_by`` (that count).  ``graph`` records ``center``, ``by``,
        ``truncated`` and ``roles_total``.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["y", "z"], "c": ["q"]})
    >>> V = overlap_view(G, roles=["a", "b"])
    >>> sorted((n, d["status"]) for n, d in V.nodes(data=True))
    [('a', 'role'), ('b', 'role'), ('x', 'specific'), ('y', 'shared'), ('z', 'specific')]
    """
    layers = set(_check_by(by)) | ({"industry"} if industries else set())
    all_roles = roles_of(G)
    truncated = False
    if center is not None:
        _role(G, center)
        chosen = [center, *(s["iri"] for s in similar_roles(G, center, k=k, by=by))]
    elif roles is not None:
        chosen = [_role(G, r) for r in dict.fromkeys(roles)]
    elif max_roles is not None and len(all_roles) > max_roles:
        chosen = [r for r, _ in central_roles(G, by, max_roles)]
        truncated = True
    else:
        chosen = all_roles
    counts: Counter = Counter()
    for role in chosen:
        for item in G[role]:
            if G.nodes[item].get("layer") in layers:
                counts[item] += 1
    items = sorted(counts, key=lambda n: (-counts[n], -_prevalence(G, n),
                                          G.nodes[n]["label"].lower(), n))
    if max_items is not None and len(items) > max_items:
        items = items[:max_items]
        truncated = True
    V = G.subgraph([*chosen, *items]).copy()
    V.graph.clear()  # not the whole graph's weights and wages
    V.graph.update(
        name="careerkg overlap view", by=by, center=center or "", truncated=truncated,
        roles_total=len(all_roles),
    )
    for node, data in V.nodes(data=True):
        data["degree"] = V.degree(node)
        if data["layer"] == "role":
            data["status"] = "role"
        else:
            data["shared_by"] = counts[node]
            data["status"] = "shared" if counts[node] >= 2 else "specific"
    return V


# ------------------------------------------------------------------------------------------
# The role network: roles joined to their most similar roles, for drawing at any size

#: The default slice of the role network: the data-career occupations by SOC code prefix
#: (15-2xxx mathematical science, 15-12xx computer occupations), with the seed's own roles
#: and the roles they name as close matches (see :func:`family_roles`).
DATA_FAMILY = ("15-2", "15-12")

#: One colour per community, largest community first; smaller ones and lone roles are grey.
COMMUNITY_COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
    "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#637939", "#843c39",
)
OTHER_COLOUR = "#9aa5ad"

_NETWORKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NETWORK_LOCK = threading.Lock()
_NETWORK_CACHE_SIZE = 16


def _scores_between(G: nx.Graph, by: str, metric: str, rows: list[str], cols: list[str]
                    ) -> np.ndarray:
    """The similarity of each of ``rows`` to each of ``cols`` (roles; a dense array): the one
    place the role network reads scores from the similarity engine — the weighted similarity
    (:func:`~careerkg.graph.overlap.weighted.weighted_matrix`, as :func:`similar_roles`), or
    Jaccard / the overlap coefficient of the sparse role matrix."""
    if metric == "weighted":
        wm = weighted_matrix(G, by)
        r = np.array([wm.index_of(x) for x in rows], dtype=np.int64)
        c = np.array([wm.index_of(x) for x in cols], dtype=np.int64)
        return wm.all_scores(r)[:, c] if len(r) and len(c) else np.zeros((len(r), len(c)))
    rm = role_matrix(G, by)
    r = [rm.index_of(x) for x in rows]
    c = [rm.index_of(x) for x in cols]
    return pairwise_similarity(rm, metric)[r][:, c].toarray()


def family_roles(
    G: nx.Graph, family: str = "data", *, seeds: Iterable[str] = (),
    matches: Iterable[tuple[str, str]] = (),
) -> list[str]:
    """The roles of a family, sorted by IRI.

    ``family`` is ``all``; ``data`` — roles with a code starting with one of
    :data:`DATA_FAMILY`, the roles in ``seeds`` and every role a chosen role names in
    ``matches`` (pairs of IRIs, such as ``skos:closeMatch`` links); or a code prefix such as
    ``15`` or ``29-11`` (roles with a code starting with it).

    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x"], "b": ["x"], "c": ["y"]})
    >>> G.nodes["a"]["codes"] = ("15-2051.00",); G.nodes["b"]["codes"] = ("29-1141.00",)
    >>> family_roles(G, "data"), family_roles(G, "29"), family_roles(G, "data", seeds=["c"])
    (['a'], ['b'], ['a', 'c'])
    """
    roles = roles_of(G)
    if family == "all":
        return roles
    prefixes = DATA_FAMILY if family == "data" else (family,)
    chosen = {r for r in roles
              if any(c.startswith(prefixes) for c in G.nodes[r].get("codes", ()))}
    if family == "data":
        chosen.update(r for r in seeds if r in G and G.nodes[r].get("layer") == "role")
        for a, b in matches:
            for one, other in ((a, b), (b, a)):
                if one in chosen and other in G and G.nodes[other].get("layer") == "role":
                    chosen.add(other)
    return sorted(chosen)


def role_matches(store: Store) -> list[tuple[str, str]]:
    """The pairs of roles that a store links with ``skos:closeMatch`` or ``skos:exactMatch``
    (for the ``data`` family of :func:`family_roles`), sorted."""
    rows = store.query(f"""SELECT DISTINCT ?a ?b WHERE {{
      ?a <{SKOS}closeMatch>|<{SKOS}exactMatch> ?b . ?a a <{CKG}Role> . ?b a <{CKG}Role> }}""",
                       timeout=GRAPH_QUERY_TIMEOUT).to_python()
    return sorted((row["a"], row["b"]) for row in rows)


def _top_k_edges(scores: np.ndarray, k: int, threshold: float) -> dict:
    """Each role's ``k`` best partners (score > 0 and >= threshold; ties by position) from a
    square matrix of scores: ``{(i, j): score}`` with ``i < j``.  A score may differ by
    direction (the weighted similarity compares a role without skills from a borrowed
    profile): an edge weighs the larger of its two."""
    edges: dict[tuple[int, int], float] = {}
    for i in range(scores.shape[0]):
        vals = scores[i]
        cand = np.flatnonzero((vals > 0) & (vals >= threshold))
        cand = cand[cand != i]
        if len(cand) > k:
            cand = cand[np.lexsort((cand, -vals[cand]))[:k]]
        for j in cand.tolist():
            edges[(min(i, j), max(i, j))] = float(max(scores[i, j], scores[j, i]))
    return edges


def _communities(N: nx.Graph, seed: int) -> list[list[str]]:
    """Louvain communities of ``N`` (seeded), largest first, ties by smallest IRI."""
    found = nx.community.louvain_communities(N, weight="weight", seed=seed) if N.number_of_edges() \
        else [{n} for n in N]
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def _layout(N: nx.Graph, communities: list[list[str]], seed: int) -> dict[str, tuple]:
    """Positions in pixels: each community laid out on its own (seeded spring layout, which
    is quick for groups of a few hundred), the groups packed in rows, largest first, and the
    roles without any edge in a grid after them.  Deterministic for a seed."""
    unit = 70.0  # about one label's width per node
    groups = [c for c in communities if len(c) > 1]
    lone = [c[0] for c in communities if len(c) == 1]
    boxes = []
    for members in groups:
        side = unit * (np.sqrt(len(members)) + 1)
        sub = N.subgraph(members)
        if len(members) == 2:
            pos = {members[0]: np.array([-0.5, 0.0]), members[1]: np.array([0.5, 0.0])}
        else:
            pos = nx.spring_layout(sub, weight="weight", seed=seed, iterations=50)
        inner = side - unit
        boxes.append((side, {n: (p + 1.0) / 2.0 * inner + unit / 2 for n, p in pos.items()}))
    total = sum(side * side for side, _ in boxes) + len(lone) * unit * unit
    width = max(np.sqrt(total) * 1.3, unit * 4)
    out: dict[str, tuple] = {}
    x = y = row = 0.0
    for side, pos in boxes:
        if x > 0 and x + side > width:
            x, y, row = 0.0, y + row, 0.0
        for n, (px, py) in pos.items():
            out[n] = (round(float(x + px), 1), round(float(y + py), 1))
        x, row = x + side, max(row, side)
    y += row + (unit if boxes else 0)
    per_row = max(1, int(width // unit))
    for i, n in enumerate(lone):
        out[n] = (round((i % per_row) * unit + unit / 2, 1), round(y + (i // per_row) * unit, 1))
    return out


def role_network(
    G: nx.Graph,
    roles: Iterable[str] | None = None,
    *,
    center: str | None = None,
    threshold: float = 0.0,
    k: int = 4,
    neighbours: int = 8,
    max_nodes: int = 1500,
    by: str = "all",
    metric: str = "weighted",
    labels: int = 3,
    seed: int = 0,
) -> nx.Graph:
    """The role-to-role network to draw: roles joined to their most similar roles, in
    communities, laid out.

    Which roles: with ``center``, the centre, its ``neighbours`` most similar roles among
    ``roles`` (all roles when None) and theirs (two steps); else ``roles`` (all when None).
    At most ``max_nodes`` either way (the first by IRI; ``graph["truncated"]`` says so).
    Which edges: each role's ``k`` most similar roles of the network scoring at least
    ``threshold`` (a k-nearest-neighbour graph, so at most ``k`` x roles edges).

    The scores are the similarity engine's (:func:`_scores_between`; ``metric`` as in
    :func:`similar_roles`: ``weighted`` by default, ``jaccard`` or ``overlap``);
    communities are Louvain's on the network (seeded), numbered 0 for the largest; the
    layout is computed here, so a browser only draws.  Results are cached per graph and arguments.

    Returns
    -------
    networkx.Graph
        Nodes (role IRIs) carry ``label``, ``codes``, ``community``, ``colour``, ``x``, ``y``,
        ``strength`` (sum of edge weights), ``hub`` (True for the ``labels`` strongest roles of
        each community and the centre: labelled when the whole network is shown) and
        ``center``; edges carry ``weight``.  ``graph`` has ``roles_total``, ``truncated``,
        ``threshold``, ``k``, ``metric``, ``by``, ``center`` and ``communities``.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["x", "y"], "c": ["p", "q"],
    ...                             "d": ["p", "q"], "e": ["z"]})
    >>> N = role_network(G, k=2)
    >>> sorted(N.edges), N.nodes["a"]["community"] == N.nodes["b"]["community"]
    ([('a', 'b'), ('c', 'd')], True)
    >>> sorted(role_network(G, center="a", neighbours=1))
    ['a', 'b']
    """
    if k < 1 or neighbours < 1 or max_nodes < 1:
        raise ValueError("k, neighbours and max_nodes must be at least 1")
    _check_metric(metric)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1 (got {threshold})")
    pool = roles_of(G) if roles is None else sorted({_role(G, r) for r in roles})
    key = (tuple(pool), center, threshold, k, neighbours, max_nodes, by, metric, labels, seed)
    with _NETWORK_LOCK:
        cached = _NETWORKS.setdefault(G, {})
        if key in cached:
            return cached[key]
    if center is not None:
        _role(G, center)
        allowed = sorted({*pool, center})
        chosen, frontier = [center], [center]
        for _step in range(2):
            if not frontier:
                break
            scores = _scores_between(G, by, metric, frontier, allowed)
            reached: list[str] = []
            for row, role in zip(scores, frontier, strict=True):
                cand = np.flatnonzero((row > 0) & (row >= threshold))
                cand = [j for j in cand[np.lexsort((cand, -row[cand]))].tolist()
                        if allowed[j] != role][:neighbours]
                reached.extend(allowed[j] for j in cand if allowed[j] not in chosen)
            reached = list(dict.fromkeys(reached))
            chosen.extend(reached)
            frontier = reached
        names, truncated = chosen[:max_nodes], len(chosen) > max_nodes
    else:
        names, truncated = pool[:max_nodes], len(pool) > max_nodes
    N = nx.Graph()
    N.graph.update(roles_total=len(roles_of(G)), truncated=truncated, threshold=threshold, k=k,
                   metric=metric, by=by, center=center or "")
    for role in names:
        data = G.nodes[role]
        N.add_node(role, label=data["label"], codes=tuple(data.get("codes", ())),
                   center=role == center)
    scores = _scores_between(G, by, metric, names, names)
    for (i, j), weight in _top_k_edges(scores, k, threshold).items():
        N.add_edge(names[i], names[j], weight=float(weight))
    communities = _communities(N, seed)
    positions = _layout(N, communities, seed)
    for number, members_of in enumerate(communities):
        coloured = len(members_of) > 1 and number < len(COMMUNITY_COLOURS)
        strength = {n: sum(w for _, _, w in N.edges(n, data="weight")) for n in members_of}
        hubs = set(sorted(members_of, key=lambda n: (-strength[n], n))[:labels])
        for n in members_of:
            N.nodes[n].update(
                community=number, colour=COMMUNITY_COLOURS[number] if coloured else OTHER_COLOUR,
                x=positions[n][0], y=positions[n][1], strength=round(strength[n], 4),
                hub=(n in hubs and len(members_of) > 1) or n == center,
            )
    N.graph["communities"] = sum(1 for c in communities if len(c) > 1)
    with _NETWORK_LOCK:
        cached = _NETWORKS.setdefault(G, {})
        if len(cached) >= _NETWORK_CACHE_SIZE:
            cached.pop(next(iter(cached)))
        cached[key] = N
    return N


def prepared_role_network(G: nx.Graph, roles: Iterable[str] | None = None, **options) -> nx.Graph:
    """:func:`role_network`, computed in the background for a request with a deadline
    (:func:`careerkg.graph.background.prepare`): the request waits for it at most until then,
    and the network, once done, is in :func:`role_network`'s cache for the next request."""
    pool = None if roles is None else tuple(roles)
    key = (id(G), "role network", pool, tuple(sorted(options.items())))
    return prepare(key, lambda: role_network(G, pool, **options), what="the role network")

"""Skill overlap between roles: the role ↔ requirement graph and the views built on it.

The model is a bipartite :class:`networkx.Graph` read from the store with SPARQL (one query
per layer, never a second copy of the data):

* role nodes — every ``ckg:Role``;
* requirement nodes, in layers — ``skill`` (objects of ``ckg:requiresSkill``), ``tool``
  (objects of ``ckg:usesTool``: languages, frameworks, libraries, software) and, as an
  optional layer for the views, ``industry`` (objects of ``ckg:hiredIn``).

Node attributes: ``iri``, ``label``, ``layer`` (``role``, ``skill``, ``tool``, ``industry``),
``kind`` (``role``, ``skill``, ``programming-language``, ``framework``, ``library``,
``software``, ``tool``, ``industry``), ``bipartite`` (0 for roles, 1 otherwise), and for
requirements ``category`` / ``category_label`` (the ``ckg:category``) and ``broader`` (what
they build on: the ``skos:broader`` skills of a sub-skill, the ``ckg:supportsSkill`` skill of a
tool); roles carry ``codes`` (``skos:notation``, such as O*NET-SOC codes).  Edge attributes:
``relation`` (``requiresSkill``, ``usesTool``, ``hiredIn``) and ``predicate`` (its IRI).

The functions are graph-first, like networkx's own: ``compare_roles(G, a, b)``,
``similar_roles(G, role)``, ``role_projection(G)``, ``item_centrality(G)``,
``co_occurring_items(G, item)``, ``role_communities(G)``, ``ego_network(G, role)``,
``overlap_view(G, ...)``.  ``by`` chooses what a role's requirements are: ``skills``,
``tools`` or ``all`` (both).  All-pairs similarity and top-k use sparse matrices
(:mod:`careerkg.graph.similarity`); per-pair work stays in networkx.

Caching: :func:`cached_requirements_graph` keeps one graph per store, rebuilt when the store's
*generation* changes.  The generation is the list of live sources with their named graphs,
read from the source registry (one small query); every change made through
``replace_source`` / ``drop_source`` loads into a fresh named graph, so it changes the
generation.  The sparse matrices are cached per graph object (see :func:`role_matrix`).  A
raw SPARQL update that bypasses the registry is not seen: call :func:`clear_cache` after
one.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import networkx as nx
import numpy as np
import pyoxigraph as ox

from .errors import CareerKGError, NotFound
from .namespaces import CKG, PREFIXES
from .similarity import RoleMatrix, pairwise_similarity, similarity_scores, top_k_similar
from .sparql import sparql_term
from .store import Store

__all__ = [
    "BY_CHOICES",
    "EXPORT_FORMATS",
    "AmbiguousRole",
    "RoleNotFound",
    "RoleRef",
    "RoleComparison",
    "SalaryFigure",
    "requirements_graph",
    "requirements_from_dict",
    "cached_requirements_graph",
    "clear_cache",
    "resolve_role",
    "roles_of",
    "role_items",
    "item_summary",
    "jaccard",
    "overlap_coefficient",
    "category_overlap",
    "learning_gap",
    "compare_roles",
    "role_matrix",
    "similar_roles",
    "role_projection",
    "central_roles",
    "item_centrality",
    "co_occurring_items",
    "role_components",
    "role_communities",
    "ego_network",
    "overlap_view",
    "overlap_report",
    "similar_report",
    "export_graph",
    "salary_figures",
    "salary_wording",
]

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class _Layer:
    name: str
    predicate: str
    base_class: str

    @property
    def relation(self) -> str:
        return self.predicate[len(CKG):]


_LAYERS = {
    "skill": _Layer("skill", CKG + "requiresSkill", CKG + "Skill"),
    "tool": _Layer("tool", CKG + "usesTool", CKG + "Tool"),
    "industry": _Layer("industry", CKG + "hiredIn", CKG + "Industry"),
}

#: What ``by`` may be, and the layers each counts as a role's requirements.
BY_CHOICES: dict[str, tuple[str, ...]] = {
    "skills": ("skill",),
    "tools": ("tool",),
    "all": ("skill", "tool"),
}

NO_CATEGORY = "(no category)"

#: Time limit of each query that reads the graph (seconds).  These are careerkg's own
#: queries, linear in the size of the data, so they get more time than a visitor's query.
GRAPH_QUERY_TIMEOUT = 120.0


class RoleNotFound(NotFound):
    """No role has this name; ``candidates`` lists close ones as ``(iri, label)``."""

    def __init__(self, message: str, candidates: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.candidates = candidates or []


class AmbiguousRole(CareerKGError, LookupError):
    """A name shared by several roles; ``candidates`` lists them as ``(iri, label)``."""

    def __init__(self, message: str, candidates: list[tuple[str, str]]):
        super().__init__(message)
        self.candidates = candidates


# ------------------------------------------------------------------------------------------
# Building the graph


def _label_pattern(var: str, out: str) -> str:
    """SPARQL binding ``?out`` to ``?var``'s English or untagged skos:prefLabel, else
    rdfs:label (two OPTIONALs; the caller picks the first non-empty in Python)."""
    lang = "(lang(?{0}) = '' || langMatches(lang(?{0}), 'en'))"
    return (
        f"OPTIONAL {{ ?{var} <{SKOS}prefLabel> ?{out}P FILTER{lang.format(out + 'P')} }} "
        f"OPTIONAL {{ ?{var} <{RDFS}label> ?{out}R FILTER{lang.format(out + 'R')} }}"
    )


def _pick_label(row: Mapping, out: str) -> str | None:
    return row.get(out + "P") or row.get(out + "R")


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


_ROLES_QUERY = f"""SELECT ?node ?labelP ?labelR ?code WHERE {{
  ?node a <{CKG}Role> .
  {_label_pattern("node", "label")}
  OPTIONAL {{ ?node <{SKOS}notation> ?code }}
}}"""


def _layer_query(layer: _Layer) -> str:
    """Edges of one layer and the metadata of its nodes, in one query (a UNION)."""
    return f"""SELECT ?role ?node ?labelP ?labelR ?type ?category ?catP ?catR ?broader WHERE {{
  {{ ?role <{layer.predicate}> ?node . ?role a <{CKG}Role> }}
  UNION
  {{
    {{ SELECT DISTINCT ?node WHERE {{ ?r <{layer.predicate}> ?node . ?r a <{CKG}Role> }} }}
    {_label_pattern("node", "label")}
    OPTIONAL {{ ?node a ?type FILTER(STRSTARTS(STR(?type), "{CKG}")) }}
    OPTIONAL {{ ?node <{CKG}category> ?category . {_label_pattern("category", "cat")} }}
    OPTIONAL {{ ?node <{SKOS}broader>|<{CKG}supportsSkill> ?broader }}
  }}
}}"""


def _add_role(G: nx.Graph, iri: str, label: str | None = None, codes=()) -> None:
    G.add_node(
        iri, iri=iri, label=label or _local_name(iri), layer="role", kind="role",
        bipartite=0, codes=tuple(sorted(set(codes))),
    )


def _add_item(
    G: nx.Graph, iri: str, layer: str, *, label=None, kind=None, category=None,
    category_label=None, broader=(),
) -> None:
    G.add_node(
        iri, iri=iri, label=label or _local_name(iri), layer=layer, kind=kind or layer,
        bipartite=1, category=category,
        category_label=(category_label or _local_name(category)) if category else None,
        broader=tuple(sorted(set(broader))),
    )


def _add_requirement(G: nx.Graph, role: str, item: str, layer: str) -> None:
    spec = _LAYERS[layer]
    G.add_edge(role, item, relation=spec.relation, predicate=spec.predicate)


def requirements_graph(
    store: Store, layers: Iterable[str] = ("skill", "tool", "industry")
) -> nx.Graph:
    """The bipartite role ↔ requirement graph of a store, read with SPARQL.

    Parameters
    ----------
    store : Store
        Any store (memory, disk, isolated, remote).
    layers : iterable of str
        Which requirement layers to read: ``skill``, ``tool``, ``industry``.

    Returns
    -------
    networkx.Graph
        Nodes keyed by IRI with the attributes described in the module docstring.  Every
        ``ckg:Role`` is a node, also one without requirements.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> G = requirements_graph(open_store(None))
    >>> G.nodes["https://w3id.org/careerkg/id/tool/python"]["kind"]
    'programming-language'
    """
    G = nx.Graph(name="careerkg role requirements")
    for row in store.query(_ROLES_QUERY, timeout=GRAPH_QUERY_TIMEOUT).to_python():
        iri = row["node"]
        if iri not in G:
            _add_role(G, iri, _pick_label(row, "label"))
        data = G.nodes[iri]
        if not data["label"] or data["label"] == _local_name(iri):
            data["label"] = _pick_label(row, "label") or data["label"]
        if "code" in row:
            data["codes"] = tuple(sorted({*data["codes"], str(row["code"])}))
    for name in layers:
        layer = _LAYERS[name]
        edges = []
        meta: dict[str, dict] = {}
        rows = store.query(_layer_query(layer), timeout=GRAPH_QUERY_TIMEOUT).to_python()
        for row in rows:
            node = row["node"]
            if "role" in row:
                edges.append((row["role"], node))
                continue
            entry = meta.setdefault(node, {"types": set(), "broader": set()})
            entry.setdefault("label", _pick_label(row, "label"))
            if "type" in row:
                entry["types"].add(row["type"])
            if "category" in row and "category" not in entry:
                entry["category"] = row["category"]
                entry["category_label"] = _pick_label(row, "cat")
            if "broader" in row:
                entry["broader"].add(row["broader"])
        for node, entry in meta.items():
            if node in G and G.nodes[node]["layer"] == "role":
                continue  # a role used as a requirement keeps its role attributes
            specific = sorted(t for t in entry["types"] if t != layer.base_class)
            kind = _kebab(specific[0][len(CKG):]) if specific else layer.name
            _add_item(
                G, node, layer.name, label=entry.get("label"), kind=kind,
                category=entry.get("category"), category_label=entry.get("category_label"),
                broader=entry["broader"],
            )
        for role, node in edges:
            _add_requirement(G, role, node, layer.name)
    return G


def requirements_from_dict(
    requirements: Mapping[str, Iterable[str]],
    *,
    layer: str = "skill",
    categories: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    broader: Mapping[str, str] | None = None,
) -> nx.Graph:
    """A requirement graph from plain data: ``{role: [item, ...]}`` (for examples and tests).

    Parameters
    ----------
    requirements : mapping
        Each role's requirements.
    layer : str
        The layer of every item (``skill``, ``tool`` or ``industry``).
    categories, labels, broader : mapping, optional
        Item → category, node → label, item → parent item.

    Examples
    --------
    >>> G = requirements_from_dict({"ds": ["python", "stats"], "mle": ["python", "ops"]})
    >>> sorted(G["python"])
    ['ds', 'mle']
    >>> G.nodes["ds"]["layer"], G.nodes["python"]["layer"]
    ('role', 'skill')
    """
    if layer not in _LAYERS:
        raise ValueError(f"unknown layer {layer!r}; use one of: {', '.join(_LAYERS)}")
    categories = categories or {}
    labels = labels or {}
    broader = broader or {}
    G = nx.Graph(name="careerkg role requirements")
    for role in requirements:
        _add_role(G, role, labels.get(role))
    for role, items in requirements.items():
        for item in items:
            if item not in G:
                _add_item(
                    G, item, layer, label=labels.get(item), category=categories.get(item),
                    category_label=labels.get(categories.get(item, "")),
                    broader=[broader[item]] if item in broader else (),
                )
            _add_requirement(G, role, item, layer)
    return G


# ------------------------------------------------------------------------------------------
# Caching per store generation

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def _generation(store: Store) -> tuple:
    return tuple((s.name, s.graph) for s in store.sources())


def cached_requirements_graph(store: Store) -> nx.Graph:
    """:func:`requirements_graph` of ``store`` (all layers), rebuilt only when its sources
    change.  Treat the returned graph as read-only: it is shared between callers.
    """
    generation = _generation(store)
    with _CACHE_LOCK:
        entry = _CACHE.get(store)
        if entry is not None and entry[0] == generation:
            return entry[1]
        G = requirements_graph(store)
        _CACHE[store] = (generation, G)
        return G


def clear_cache(store: Store | None = None) -> None:
    """Forget cached graphs (of one store, or of all)."""
    with _CACHE_LOCK:
        if store is None:
            _CACHE.clear()
        else:
            _CACHE.pop(store, None)


# ------------------------------------------------------------------------------------------
# Naming roles


@dataclass(frozen=True)
class RoleRef:
    """A role found by :func:`resolve_role`, and how its name matched."""

    iri: str
    label: str
    matched_by: str

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label}


_MATCH_TIERS = ("IRI", "code", "local name", "label", "alternative label")


def _role_name_query(name: str, iri: str | None) -> str:
    q = str(ox.Literal(name))  # an escaped SPARQL string literal
    branches = []
    if iri is not None:
        branches.append(f"{{ ?role a <{CKG}Role> FILTER(LCASE(STR(?role)) = "
                        f"LCASE({ox.Literal(iri)})) BIND(0 AS ?tier) }}")
    branches += [
        f"{{ ?role a <{CKG}Role> ; <{SKOS}notation> ?n FILTER(LCASE(STR(?n)) = LCASE({q})) "
        f"BIND(1 AS ?tier) }}",
        f"{{ ?role a <{CKG}Role> FILTER(STRENDS(LCASE(STR(?role)), CONCAT('/', LCASE({q}))) || "
        f"STRENDS(LCASE(STR(?role)), CONCAT('#', LCASE({q})))) BIND(2 AS ?tier) }}",
        f"{{ ?role a <{CKG}Role> ; <{SKOS}prefLabel>|<{RDFS}label> ?n "
        f"FILTER(LCASE(STR(?n)) = LCASE({q})) BIND(3 AS ?tier) }}",
        f"{{ ?role a <{CKG}Role> ; <{SKOS}altLabel> ?n "
        f"FILTER(LCASE(STR(?n)) = LCASE({q})) BIND(4 AS ?tier) }}",
    ]
    return (
        "SELECT DISTINCT ?role ?tier ?labelP ?labelR WHERE { "
        + " UNION ".join(branches)
        + f" {_label_pattern('role', 'label')} }}"
    )


_ALL_ROLE_NAMES = f"""SELECT ?role ?name ?labelP ?labelR WHERE {{
  ?role a <{CKG}Role> .
  {_label_pattern("role", "label")}
  OPTIONAL {{ ?role <{SKOS}prefLabel>|<{RDFS}label>|<{SKOS}altLabel>|<{SKOS}notation> ?name
             FILTER(lang(?name) = '' || langMatches(lang(?name), 'en')) }}
}}"""


def _as_iri(name: str) -> str | None:
    """The IRI a name spells (``<...>``, ``http(s)://...`` or a known ``prefix:local``)."""
    if not re.match(r"^(<.*>|https?://\S+|[A-Za-z][\w.-]*:\S*)$", name):
        return None
    try:
        term = sparql_term(name, PREFIXES)
    except ValueError:
        return None
    return term[1:-1] if term.startswith("<") else None


def resolve_role(store: Store, name: str) -> RoleRef:
    """Find the role a person means by ``name``.

    ``name`` may be the role's IRI (``<...>`` or bare), a prefixed name
    (``role:data-scientist``), its local name (``data-scientist``), a code
    (``skos:notation``, such as the O*NET-SOC code ``15-2051.00``), a label or an
    alternative label — case-insensitively.  The first of these kinds of match that finds
    anything decides: a code beats a label, a label beats an alternative label.

    Parameters
    ----------
    store : Store
        Where the roles are.
    name : str
        What the person typed (spaces are normalised).

    Returns
    -------
    RoleRef
        The role's IRI and label, and which kind of name matched.

    Raises
    ------
    RoleNotFound
        No role has that name; the message lists close names (difflib) or some roles.
    AmbiguousRole
        Several roles match at the same level; the message lists them with their IRIs.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> resolve_role(open_store(None), "ML engineer").iri
    'https://w3id.org/careerkg/id/role/machine-learning-engineer'
    """
    name = " ".join(str(name).split())
    if not name:
        raise RoleNotFound("no role named: the name is empty")
    iri = _as_iri(name)
    rows = store.query(_role_name_query(name, iri)).to_python()
    if rows:
        best = min(int(r["tier"]) for r in rows)
        found: dict[str, str] = {}
        for row in rows:
            if int(row["tier"]) == best:
                found.setdefault(row["role"], _pick_label(row, "label") or _local_name(row["role"]))
        if len(found) == 1:
            (role, label), = found.items()
            return RoleRef(role, label, _MATCH_TIERS[best])
        candidates = sorted(found.items(), key=lambda kv: (kv[1].lower(), kv[0]))
        listed = "; ".join(f"{label} <{role}>" for role, label in candidates)
        raise AmbiguousRole(
            f"{name!r} names {len(candidates)} roles (by {_MATCH_TIERS[best]}): {listed}. "
            "Name one by its IRI or code.",
            candidates,
        )
    raise _not_found(store, name)


def _not_found(store: Store, name: str) -> RoleNotFound:
    labels: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    for row in store.query(_ALL_ROLE_NAMES).to_python():
        role = row["role"]
        labels.setdefault(role, _pick_label(row, "label") or _local_name(role))
        keys = names.setdefault(role, {_local_name(role).lower(), role.lower()})
        if "name" in row:
            keys.add(str(row["name"]).lower())
    wanted = name.lower()
    by_key: dict[str, set[str]] = {}
    for role, keys in names.items():
        for key in keys:
            by_key.setdefault(key, set()).add(role)
    close = difflib.get_close_matches(wanted, list(by_key), n=8, cutoff=0.6)
    hits: list[str] = []
    for key in close:
        hits.extend(sorted(by_key[key] - set(hits)))
    if len(wanted) >= 3:
        hits.extend(sorted(
            r for r, keys in names.items()
            if r not in hits and any(wanted in k for k in keys if not k.startswith("http"))
        ))
    hits = hits[:10]
    if hits:
        candidates = [(r, labels[r]) for r in hits]
        listed = "; ".join(f"{label} <{role}>" for role, label in candidates)
        return RoleNotFound(f"no role named {name!r}; did you mean: {listed}?", candidates)
    every = sorted(labels.items(), key=lambda kv: (kv[1].lower(), kv[0]))
    candidates = every[:10]
    listed = "; ".join(f"{label} <{role}>" for role, label in candidates)
    more = f" (and {len(every) - 10} more)" if len(every) > 10 else ""
    if not every:
        return RoleNotFound(f"no role named {name!r}: the graph has no roles")
    return RoleNotFound(f"no role named {name!r}; the roles are: {listed}{more}", candidates)


# ------------------------------------------------------------------------------------------
# One role, two roles


def _check_by(by: str) -> tuple[str, ...]:
    try:
        return BY_CHOICES[by]
    except KeyError:
        raise ValueError(f"unknown --by {by!r}; use one of: {', '.join(BY_CHOICES)}") from None


def _role(G: nx.Graph, role: str) -> str:
    if role not in G or G.nodes[role].get("layer") != "role":
        raise RoleNotFound(f"{role!r} is not a role of this graph")
    return role


def _restricted(G: nx.Graph, layers: Iterable[str]) -> nx.Graph:
    """``G`` with only roles and the given layers (``G`` itself when nothing is left out;
    else a copy, which networkx walks much faster than a subgraph view)."""
    keep = [n for n, d in G.nodes(data=True) if d.get("layer") in ("role", *layers)]
    return G if len(keep) == len(G) else G.subgraph(keep).copy()


def roles_of(G: nx.Graph) -> list[str]:
    """Every role node, sorted by IRI.

    >>> roles_of(requirements_from_dict({"b": ["x"], "a": []}))
    ['a', 'b']
    """
    return sorted(n for n, d in G.nodes(data=True) if d.get("layer") == "role")


def role_items(G: nx.Graph, role: str, by: str = "all") -> set[str]:
    """The requirements of ``role`` in the layers ``by`` selects.

    >>> G = requirements_from_dict({"ds": ["python", "stats"]})
    >>> sorted(role_items(G, "ds"))
    ['python', 'stats']
    """
    layers = _check_by(by)
    return {n for n in G[_role(G, role)] if G.nodes[n].get("layer") in layers}


def item_summary(G: nx.Graph, node: str) -> dict:
    """A node as JSON-ready data: ``iri``, ``label``, ``kind``, ``layer``, ``category``,
    ``category_label``.

    >>> G = requirements_from_dict({"ds": ["sql"]}, categories={"sql": "lang"})
    >>> item_summary(G, "sql")["category"]
    'lang'
    """
    data = G.nodes[node]
    out = {"iri": data["iri"], "label": data["label"], "kind": data["kind"],
           "layer": data["layer"]}
    if data["layer"] == "role":
        out["codes"] = list(data.get("codes", ()))
    else:
        out["category"] = data.get("category")
        out["category_label"] = data.get("category_label")
    return out


def _jaccard(a: set, b: set) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _overlap(a: set, b: set) -> float:
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0


def jaccard(G: nx.Graph, a: str, b: str, by: str = "all") -> float:
    """Jaccard similarity of two roles' requirements: ``|A ∩ B| / |A ∪ B|`` (0 if both are
    empty).

    >>> G = requirements_from_dict({"a": ["x", "y", "z"], "b": ["y", "z", "w"]})
    >>> jaccard(G, "a", "b")
    0.5
    """
    return _jaccard(role_items(G, a, by), role_items(G, b, by))


def overlap_coefficient(G: nx.Graph, a: str, b: str, by: str = "all") -> float:
    """Overlap (Szymkiewicz–Simpson) coefficient: ``|A ∩ B| / min(|A|, |B|)`` (0 if either is
    empty).  1 when one role's requirements are a subset of the other's.

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


def _prevalence(G: nx.Graph, node: str) -> int:
    return sum(1 for n in G[node] if G.nodes[n].get("layer") == "role")


def learning_gap(G: nx.Graph, a: str, b: str, by: str = "all") -> list[dict]:
    """What role ``a`` must learn to become role ``b``: ``b``'s requirements that ``a``
    lacks, in learning order.

    The order: categories with the most missing items first (ties by category label);
    within a category, what an item builds on (its broader skill, the skill a tool
    supports) before the item, then items more roles
    require (more transferable) before rarer ones, then by label.  Each entry is an
    :func:`item_summary` plus ``rank`` (1-based) and ``roles`` (how many roles require it).

    Examples
    --------
    >>> G = requirements_from_dict(
    ...     {"ds": ["py"], "mle": ["py", "ops", "k8s", "cuda"], "sre": ["k8s"]},
    ...     categories={"ops": "eng", "k8s": "eng", "cuda": "hw"},
    ...     broader={"k8s": "ops"})
    >>> [g["iri"] for g in learning_gap(G, "ds", "mle")]
    ['ops', 'k8s', 'cuda']
    """
    missing = role_items(G, b, by) - role_items(G, a, by)
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

    def to_dict(self) -> dict:
        """The JSON of ``careerkg overlap --format json`` and ``/api/overlap``."""
        return {
            "a": self.a, "b": self.b, "by": self.by,
            "shared": self.shared, "only_a": self.only_a, "only_b": self.only_b,
            "jaccard": self.jaccard, "overlap_coefficient": self.overlap_coefficient,
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
        ``gap_reverse`` from ``b`` to ``a``.

    Examples
    --------
    >>> G = requirements_from_dict({"a": ["x", "y", "z"], "b": ["y", "z", "w"]})
    >>> c = compare_roles(G, "a", "b")
    >>> [i["iri"] for i in c.shared], c.jaccard, c.overlap_coefficient
    (['y', 'z'], 0.5, 0.6666666666666666)
    >>> [i["iri"] for i in c.gap]
    ['w']
    """
    items_a, items_b = role_items(G, a, by), role_items(G, b, by)
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
        gap=learning_gap(G, a, b, by),
        gap_reverse=learning_gap(G, b, a, by),
    )


# ------------------------------------------------------------------------------------------
# All roles: sparse similarity


_MATRICES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MATRIX_LOCK = threading.Lock()


def role_matrix(G: nx.Graph, by: str = "all") -> RoleMatrix:
    """The roles x requirements sparse matrix of ``G`` (cached per graph and ``by``).

    The cache assumes a graph is not changed once its matrix is built (graphs from
    :func:`requirements_graph` are treated as read-only); only a change in its number of
    nodes is noticed (counting edges costs as much as a top-k query).

    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["y"]})
    >>> role_matrix(G).sizes.tolist()
    [2, 1]
    """
    layers = _check_by(by)
    shape = G.number_of_nodes()
    with _MATRIX_LOCK:
        cached = _MATRICES.setdefault(G, {})
        entry = cached.get(by)
        if entry is not None and entry[0] == shape:
            return entry[1]
    roles = roles_of(G)
    pairs = [
        (r, n) for r in roles for n in G[r] if G.nodes[n].get("layer") in layers
    ]
    matrix = RoleMatrix.from_pairs(roles, pairs)
    with _MATRIX_LOCK:
        _MATRICES.setdefault(G, {})[by] = (shape, matrix)
    return matrix


def similar_roles(
    G: nx.Graph, role: str, k: int = 10, by: str = "all", metric: str = "jaccard"
) -> list[dict]:
    """The ``k`` roles most similar to ``role`` (sharing at least one requirement).

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
    metric : {"jaccard", "overlap"}
        What to rank by (the overlap coefficient for ``overlap``).

    Returns
    -------
    list of dict
        :func:`item_summary` of each role plus ``items`` (its requirement count),
        ``shared``, ``jaccard`` and ``overlap_coefficient``; best first, ties broken by
        shared count, then IRI.

    Examples
    --------
    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["y"], "c": ["x", "y", "z"],
    ...                             "d": ["q"]})
    >>> [(s["iri"], s["shared"]) for s in similar_roles(G, "a")]
    [('c', 2), ('b', 1)]
    """
    if metric not in ("jaccard", "overlap"):
        raise ValueError(f"unknown metric {metric!r}; use jaccard or overlap")
    _role(G, role)
    rm = role_matrix(G, by)
    size = int(rm.sizes[rm.index_of(role)])
    out = []
    for other, _score, shared in top_k_similar(rm, role, k, metric):
        other_size = int(rm.sizes[rm.index_of(other)])
        out.append({
            **item_summary(G, other), "items": other_size, "shared": shared,
            "jaccard": shared / (size + other_size - shared),
            "overlap_coefficient": shared / min(size, other_size),
        })
    return out


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

    >>> G = requirements_from_dict({"a": ["x", "y"], "b": ["y"], "c": ["x"], "d": ["q"]})
    >>> [r for r, _ in central_roles(G)]
    ['a', 'b', 'c', 'd']
    """
    rm = role_matrix(G, by)
    with _MATRIX_LOCK:
        ranked = _MATRICES.get(G, {}).get(("central", by))
    if ranked is None or ranked[0] is not rm:
        totals = pairwise_similarity(rm, "jaccard").sum(axis=1).A1
        order = sorted(range(len(rm.roles)), key=lambda i: (-totals[i], rm.roles[i]))
        ranked = (rm, [(rm.roles[i], float(totals[i])) for i in order])
        with _MATRIX_LOCK:
            _MATRICES.setdefault(G, {})[("central", by)] = ranked
    return ranked[1] if n is None else ranked[1][:n]


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

    ``max_roles`` (with radius 2) keeps only the most similar other roles (by Jaccard) and
    the requirements of the kept roles; without it, radius 2 on a large taxonomy reaches
    most roles.

    Examples
    --------
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
# Reports: what the CLI and the HTTP API print (one JSON shape for both)


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


def similar_report(
    store: Store, role: str, k: int = 10, by: str = "all", metric: str = "jaccard"
) -> dict:
    """Resolve a role name and list its ``k`` most similar roles: the JSON of
    ``careerkg similar`` and ``/api/similar`` — ``role``, ``by``, ``metric``, ``similar``.
    """
    _check_by(by)
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


# ------------------------------------------------------------------------------------------
# Export

#: format → (media type, file extension)
EXPORT_FORMATS = {
    "json": ("application/json", ".json"),
    "graphml": ("application/graphml+xml", ".graphml"),
    "gexf": ("application/gexf+xml", ".gexf"),
}

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _portable(value):
    """An attribute value every format can store: no None, lists joined, XML-safe text."""
    if isinstance(value, tuple | list | set | frozenset):
        value = " ".join(str(v) for v in value)
    if isinstance(value, str):
        return _XML_INVALID.sub("\ufffd", value)
    return value


def export_graph(G: nx.Graph, fmt: str = "json") -> bytes:
    """Serialize a graph as node-link JSON, GraphML or GEXF (for Gephi and Cytoscape).

    Parameters
    ----------
    G : networkx.Graph
        Usually an :func:`overlap_view`.
    fmt : {"json", "graphml", "gexf"}
        The format (see :data:`EXPORT_FORMATS` for media types).

    Returns
    -------
    bytes
        UTF-8 text.

    Attribute values become portable: absent values are left out, tuples (``codes``,
    ``broader``) become space-separated text.  Read the result back with
    :func:`networkx.node_link_graph`, :func:`networkx.read_graphml` or
    :func:`networkx.read_gexf`.

    Examples
    --------
    >>> G = requirements_from_dict({"a": ["x"]})
    >>> H = nx.node_link_graph(json.loads(export_graph(G, "json")))
    >>> sorted(H.edges)
    [('a', 'x')]
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
    H = nx.Graph()
    H.graph.update({k: _portable(v) for k, v in G.graph.items() if v is not None})
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: _portable(v) for k, v in data.items() if v is not None})
    for a, b, data in G.edges(data=True):
        H.add_edge(a, b, **{k: _portable(v) for k, v in data.items() if v is not None})
    if fmt == "json":
        return json.dumps(nx.node_link_data(H), ensure_ascii=False, indent=1).encode()
    if fmt == "graphml":
        out = io.BytesIO()
        nx.write_graphml(H, out, encoding="utf-8")
        return out.getvalue()
    out = io.BytesIO()
    nx.write_gexf(H, out, encoding="utf-8")
    return out.getvalue()


# ------------------------------------------------------------------------------------------
# Salaries


_QUALIFIERS = {
    CKG + "Exact": "exact",
    CKG + "Approximate": "approximate",
    CKG + "AtLeast": "at-least",
    CKG + "UpTo": "up-to",
    CKG + "RelativeRange": "relative-range",
}
_DIMENSIONS = {
    CKG + "OverallDimension": "overall",
    CKG + "ExperienceDimension": "experience",
    CKG + "LocationDimension": "location",
    CKG + "IndustryDimension": "industry",
}
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class SalaryFigure:
    """One ``ckg:SalaryFigure`` as the compare view needs it."""

    iri: str
    role: str
    dimension: str  # overall | experience | location | industry
    group: str | None  # the level / location / industry IRI
    group_label: str
    group_order: int | None
    qualifier: str  # exact | approximate | at-least | up-to | relative-range
    amount: Decimal | None
    currency: str | None
    stated_as: str | None
    year: str | None
    relative_min: Decimal | None = None
    relative_max: Decimal | None = None
    relative_to_amount: Decimal | None = None
    relative_to_label: str | None = None

    @property
    def wording(self) -> str:
        """How the figure reads: ``about $89,000``, ``over $150,000``, ``10–20% lower than
        Tech hubs``."""
        text = salary_wording(
            self.qualifier, self.amount, self.currency, self.relative_min, self.relative_max
        )
        if self.qualifier == "relative-range" and self.relative_to_label:
            text += f" than {self.relative_to_label}"
        return text

    @property
    def band(self) -> tuple[Decimal, Decimal] | None:
        """For a relative range with a known base amount: the low and high amounts."""
        if self.qualifier != "relative-range" or self.relative_to_amount is None:
            return None
        low = self.relative_min if self.relative_min is not None else self.relative_max
        high = self.relative_max if self.relative_max is not None else self.relative_min
        if low is None:
            return None
        base = self.relative_to_amount
        return (base * (1 + low), base * (1 + high))

    def to_dict(self) -> dict:
        band = self.band
        return {
            "iri": self.iri, "role": self.role, "dimension": self.dimension,
            "group": self.group, "group_label": self.group_label,
            "qualifier": self.qualifier, "wording": self.wording,
            "amount": float(self.amount) if self.amount is not None else None,
            "currency": self.currency, "stated_as": self.stated_as, "year": self.year,
            "band": [float(band[0]), float(band[1])] if band else None,
        }


def salary_wording(
    qualifier: str,
    amount: Decimal | float | None,
    currency: str | None = "USD",
    relative_min: Decimal | float | None = None,
    relative_max: Decimal | float | None = None,
) -> str:
    """A figure as a person reads it, showing its qualifier.

    Examples
    --------
    >>> salary_wording("at-least", 150000)
    'over $150,000'
    >>> salary_wording("approximate", 89000)
    'about $89,000'
    >>> salary_wording("up-to", 115000), salary_wording("exact", 112806)
    ('up to $115,000', '$112,806')
    >>> salary_wording("relative-range", None, None, -0.20, -0.10)
    '10–20% lower'
    """
    if qualifier == "relative-range":
        values = sorted(abs(float(v)) * 100 for v in (relative_min, relative_max)
                        if v is not None)
        if not values:
            return "relative range"
        sign = float(relative_min if relative_min is not None else relative_max)
        direction = "lower" if sign < 0 else "higher"
        span = f"{values[0]:g}–{values[-1]:g}" if values[0] != values[-1] else f"{values[0]:g}"
        return f"{span}% {direction}"
    if amount is None:
        return "no amount"
    sign = _CURRENCY_SIGNS.get(currency or "", "")
    number = f"{Decimal(str(amount)):,.0f}"
    money = f"{sign}{number}" if sign else f"{number} {currency}".strip()
    prefix = {"approximate": "about ", "at-least": "over ", "up-to": "up to "}.get(qualifier, "")
    return prefix + money


def _salary_query(roles: list[str]) -> str:
    values = " ".join(f"<{r}>" for r in roles)
    return f"""SELECT ?fig ?role ?dimension ?qualifier ?amount ?currency ?statedAs ?year
       ?group ?groupP ?groupR ?order ?relMin ?relMax ?baseAmount ?baseP ?baseR WHERE {{
  VALUES ?role {{ {values} }}
  ?fig a <{CKG}SalaryFigure> ; <{CKG}role> ?role .
  OPTIONAL {{ ?fig <{CKG}dimension> ?dimension }}
  OPTIONAL {{ ?fig <{CKG}qualifier> ?qualifier }}
  OPTIONAL {{ ?fig <{CKG}amount> ?amount }}
  OPTIONAL {{ ?fig <https://schema.org/currency> ?currency }}
  OPTIONAL {{ ?fig <{CKG}statedAs> ?statedAs }}
  OPTIONAL {{ ?fig <{CKG}year> ?year }}
  OPTIONAL {{ ?fig <{CKG}experienceLevel>|<{CKG}location>|<{CKG}industry> ?group .
             {_label_pattern("group", "group")}
             OPTIONAL {{ ?group <{CKG}position> ?order }} }}
  OPTIONAL {{ ?fig <{CKG}relativeMin> ?relMin }}
  OPTIONAL {{ ?fig <{CKG}relativeMax> ?relMax }}
  OPTIONAL {{ ?fig <{CKG}relativeTo> ?relTo
             OPTIONAL {{ ?relTo <{CKG}amount> ?baseAmount }}
             OPTIONAL {{ ?relTo <{CKG}experienceLevel>|<{CKG}location>|<{CKG}industry> ?base .
                        {_label_pattern("base", "base")} }} }}
}}"""


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def salary_figures(store: Store, roles: Iterable[str]) -> list[SalaryFigure]:
    """The salary figures of some roles, read with one query.

    Parameters
    ----------
    store : Store
        Where the ``ckg:SalaryFigure`` observations are.
    roles : iterable of str
        Role IRIs.

    Returns
    -------
    list of SalaryFigure
        Ordered by dimension (overall, experience, location, industry), then the group's
        ``ckg:position`` or label, then the order of ``roles``.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> ds = "https://w3id.org/careerkg/id/role/data-scientist"
    >>> figures = salary_figures(open_store(None), [ds])
    >>> all(f.role == ds for f in figures)
    True
    """
    roles = list(dict.fromkeys(roles))
    if not roles:
        return []
    found: dict[str, SalaryFigure] = {}
    for row in store.query(_salary_query(roles)).to_python():
        if row["fig"] in found:
            continue
        group = row.get("group")
        order = row.get("order")
        found[row["fig"]] = SalaryFigure(
            iri=row["fig"], role=row["role"],
            dimension=_DIMENSIONS.get(row.get("dimension", ""), "overall"),
            group=group,
            group_label=(_pick_label(row, "group") or _local_name(group)) if group else "Overall",
            group_order=int(order) if isinstance(order, int) else None,
            qualifier=_QUALIFIERS.get(row.get("qualifier", ""), "exact"),
            amount=_decimal(row.get("amount")),
            currency=str(row["currency"]) if "currency" in row else None,
            stated_as=str(row["statedAs"]) if "statedAs" in row else None,
            year=str(row["year"]) if "year" in row else None,
            relative_min=_decimal(row.get("relMin")),
            relative_max=_decimal(row.get("relMax")),
            relative_to_amount=_decimal(row.get("baseAmount")),
            relative_to_label=_pick_label(row, "base"),
        )
    dims = list(_DIMENSIONS.values())
    return sorted(
        found.values(),
        key=lambda f: (dims.index(f.dimension), f.group_order if f.group_order is not None
                       else 1 << 30, f.group_label.lower(), roles.index(f.role), f.iri),
    )


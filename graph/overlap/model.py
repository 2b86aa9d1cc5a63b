"""The role ↔ requirement graph: reading it from a store, building it from plain data, and
keeping one per store.

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
``by`` chooses what a role's requirements are: ``skills``, ``tools`` or ``all`` (both); see
:data:`BY_CHOICES`.

Caching: :func:`cached_requirements_graph` keeps one graph per store, rebuilt when the store's
*generation* changes.  The generation is the store's fingerprint (its live sources with their
named graphs and digests, read from the source registry: one small query); every change made through
``replace_source`` / ``drop_source`` loads into a fresh named graph, so it changes the
generation.  A raw SPARQL update that bypasses the registry is not seen: call
:func:`clear_cache` after one.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from ..background import prepare
from ..labels import label_pattern, local_name, pick_label
from ..namespaces import CKG, SKOS
from ..salaries import median_wages
from ..store import Store
from .names import RoleNotFound

__all__ = [
    "BY_CHOICES",
    "OPTIONAL_WEIGHT",
    "requirement_weight",
    "NO_CATEGORY",
    "GRAPH_QUERY_TIMEOUT",
    "requirements_graph",
    "requirements_from_dict",
    "cached_requirements_graph",
    "clear_cache",
    "roles_of",
    "role_items",
    "item_summary",
]


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
    "equipment": _Layer("equipment", CKG + "usesEquipment", CKG + "Equipment"),
}

#: The weight of an ESCO optional skill (an essential one, like any unrated requirement,
#: weighs 1; a rated one weighs ``(importance − 1) / 4``, 0 to 1).
OPTIONAL_WEIGHT = 0.5

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


# ------------------------------------------------------------------------------------------
# Building the graph


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


_ROLES_QUERY = f"""SELECT ?node ?labelP ?labelR ?code WHERE {{
  ?node a <{CKG}Role> .
  {label_pattern("node", "label")}
  OPTIONAL {{ ?node <{SKOS}notation> ?code }}
}}"""


def _layer_query(layer: _Layer) -> str:
    """Edges of one layer and the metadata of its nodes, in one query (a UNION)."""
    return f"""SELECT ?role ?node ?labelP ?labelR ?type ?category ?catP ?catR ?broader ?match ?hot
  WHERE {{
  {{ ?role <{layer.predicate}> ?node . ?role a <{CKG}Role> }}
  UNION
  {{
    {{ SELECT DISTINCT ?node WHERE {{ ?r <{layer.predicate}> ?node . ?r a <{CKG}Role> }} }}
    {label_pattern("node", "label")}
    OPTIONAL {{ ?node a ?type FILTER(STRSTARTS(STR(?type), "{CKG}")) }}
    OPTIONAL {{ ?node <{CKG}category> ?category . {label_pattern("category", "cat")} }}
    OPTIONAL {{ ?node <{SKOS}broader>|<{CKG}supportsSkill> ?broader }}
    OPTIONAL {{ ?node <{SKOS}exactMatch>|<{SKOS}closeMatch> ?match }}
    OPTIONAL {{ ?node <{CKG}hotTechnology> true BIND(true AS ?hot) }}
  }}
}}"""


#: How much each rated requirement matters: O*NET's importance ratings (scale IM, 1–5) of
#: every rated skill and knowledge element, also those below the cut-off that makes a
#: ``ckg:requiresSkill``; and ESCO's optional skills (the essential ones are the default).
_WEIGHTS_QUERY = f"""SELECT ?role ?item ?importance ?optional WHERE {{
  {{ ?role <{CKG}skillRequirement> ?req . ?role a <{CKG}Role> .
     ?req <{CKG}requiredSkill> ?item ; <{CKG}importance> ?importance }}
  UNION
  {{ ?role <{CKG}optionalSkill> ?item . ?role a <{CKG}Role> BIND(true AS ?optional) }}
}}"""


def _add_role(G: nx.Graph, iri: str, label: str | None = None, codes=()) -> None:
    G.add_node(
        iri, iri=iri, label=label or local_name(iri), layer="role", kind="role",
        bipartite=0, codes=tuple(sorted(set(codes))),
    )


def _add_item(
    G: nx.Graph, iri: str, layer: str, *, label=None, kind=None, category=None,
    category_label=None, broader=(), matches=(), hot=False,
) -> None:
    G.add_node(
        iri, iri=iri, label=label or local_name(iri), layer=layer, kind=kind or layer,
        bipartite=1, category=category,
        category_label=(category_label or local_name(category)) if category else None,
        broader=tuple(sorted(set(broader))), matches=tuple(sorted(set(matches))), hot=hot,
    )


def _add_requirement(G: nx.Graph, role: str, item: str, layer: str) -> None:
    spec = _LAYERS[layer]
    G.add_edge(role, item, relation=spec.relation, predicate=spec.predicate)


def requirements_graph(
    store: Store, layers: Iterable[str] = ("skill", "tool", "industry", "equipment")
) -> nx.Graph:
    """The bipartite role ↔ requirement graph of a store, read with SPARQL.

    Parameters
    ----------
    store : Store
        Any store (memory, disk, isolated, remote).
    layers : iterable of str
        Which requirement layers to read: ``skill``, ``tool``, ``industry``,
        ``equipment``.

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
            _add_role(G, iri, pick_label(row, "label"))
        data = G.nodes[iri]
        if not data["label"] or data["label"] == local_name(iri):
            data["label"] = pick_label(row, "label") or data["label"]
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
            entry = meta.setdefault(node, {"types": set(), "broader": set(), "matches": set()})
            entry.setdefault("label", pick_label(row, "label"))
            if "type" in row:
                entry["types"].add(row["type"])
            if "category" in row and "category" not in entry:
                entry["category"] = row["category"]
                entry["category_label"] = pick_label(row, "cat")
            if "broader" in row:
                entry["broader"].add(row["broader"])
            if "match" in row:
                entry["matches"].add(row["match"])
            if "hot" in row:
                entry["hot"] = True
        for node, entry in meta.items():
            if node in G and G.nodes[node]["layer"] == "role":
                continue  # a role used as a requirement keeps its role attributes
            specific = sorted(t for t in entry["types"] if t != layer.base_class)
            kind = _kebab(specific[0][len(CKG):]) if specific else layer.name
            _add_item(
                G, node, layer.name, label=entry.get("label"), kind=kind,
                category=entry.get("category"), category_label=entry.get("category_label"),
                broader=entry["broader"], matches=entry["matches"],
                hot=entry.get("hot", False),
            )
        for role, node in edges:
            _add_requirement(G, role, node, layer.name)
    G.graph["weights"] = _read_weights(store, G)
    G.graph["skill_broader"] = _read_skill_broader(store)
    G.graph["median_wage"] = {r: w for r, w in median_wages(store).items() if r in G}
    return G


_SKILL_BROADER_QUERY = f"""SELECT ?skill ?parent WHERE {{
  ?skill a <{CKG}Skill> ; <{SKOS}broader> ?parent .
}}"""


def _read_skill_broader(store: Store) -> dict[str, tuple[str, ...]]:
    """Every skill's ``skos:broader`` parents (also of skills no role requires, so that a
    chain of broader skills is whole)."""
    parents: dict[str, set[str]] = {}
    for row in store.query(_SKILL_BROADER_QUERY, timeout=GRAPH_QUERY_TIMEOUT).to_python():
        parents.setdefault(row["skill"], set()).add(row["parent"])
    return {k: tuple(sorted(v)) for k, v in parents.items()}


def _read_weights(store: Store, G: nx.Graph) -> dict[tuple[str, str], float]:
    """``(role, item) → weight`` of the requirements rated or marked optional (see
    :func:`requirement_weight`); requirements not here weigh 1.  O*NET's "not relevant" flag
    (on the level scale) is not used: the importance says it, and using the flag too made
    the similarity worse against O*NET's Related Occupations (docs/overlap.md)."""
    weights: dict[tuple[str, str], float] = {}
    for row in store.query(_WEIGHTS_QUERY, timeout=GRAPH_QUERY_TIMEOUT).to_python():
        role, item = row["role"], row["item"]
        if role not in G:
            continue
        if "optional" in row:
            weights.setdefault((role, item), OPTIONAL_WEIGHT)
            continue
        weight = (float(row["importance"]) - 1.0) / 4.0
        weights[(role, item)] = min(1.0, max(0.0, weight))
    return weights


def requirements_from_dict(
    requirements: Mapping[str, Iterable[str]],
    *,
    layer: str | Mapping[str, str] = "skill",
    categories: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    broader: Mapping[str, str] | None = None,
    matches: Mapping[str, Iterable[str]] | None = None,
    weights: Mapping[tuple[str, str], float] | None = None,
    wages: Mapping[str, float] | None = None,
    hot: Iterable[str] = (),
) -> nx.Graph:
    """A requirement graph from plain data: ``{role: [item, ...]}`` (for examples and tests).

    Parameters
    ----------
    requirements : mapping
        Each role's requirements.
    layer : str or mapping
        The layer of every item (``skill``, ``tool``, ``equipment`` or ``industry``), or
        item → layer (items not named are skills).
    categories, labels, broader : mapping, optional
        Item → category, node → label, item → parent item.
    matches : mapping, optional
        Item → the IRIs it is a ``skos:exactMatch``/``closeMatch`` of.
    weights : mapping, optional
        ``(role, item)`` → how much the requirement matters, 0 to 1 (default 1); a pair
        that is not a requirement of the role adds a rated-but-not-required item.
    wages : mapping, optional
        Role → median annual wage.
    hot : iterable
        Items flagged hot technologies.

    Examples
    --------
    >>> G = requirements_from_dict({"ds": ["python", "stats"], "mle": ["python", "ops"]})
    >>> sorted(G["python"])
    ['ds', 'mle']
    >>> G.nodes["ds"]["layer"], G.nodes["python"]["layer"]
    ('role', 'skill')
    """
    def layer_of(item):
        name = layer if isinstance(layer, str) else layer.get(item, "skill")
        if name not in _LAYERS:
            raise ValueError(f"unknown layer {name!r}; use one of: {', '.join(_LAYERS)}")
        return name

    categories = categories or {}
    labels = labels or {}
    broader = broader or {}
    matches = matches or {}
    hot = set(hot)
    G = nx.Graph(name="careerkg role requirements")
    for role in requirements:
        _add_role(G, role, labels.get(role))
    extra = [(r, i) for r, i in (weights or {}) if i not in requirements.get(r, ())]
    for role, items in [*requirements.items(), *((r, [i]) for r, i in extra)]:
        for item in items:
            if item not in G:
                _add_item(
                    G, item, layer_of(item), label=labels.get(item),
                    category=categories.get(item),
                    category_label=labels.get(categories.get(item, "")),
                    broader=[broader[item]] if item in broader else (),
                    matches=matches.get(item, ()), hot=item in hot,
                )
            if item in requirements.get(role, ()):
                _add_requirement(G, role, item, layer_of(item))
    G.graph["weights"] = {tuple(k): float(v) for k, v in (weights or {}).items()}
    G.graph["skill_broader"] = {
        item: (parent,) for item, parent in broader.items()
        if item not in G or G.nodes[item]["layer"] == "skill"
    }
    G.graph["median_wage"] = {r: float(w) for r, w in (wages or {}).items()}
    return G


def requirement_weight(G: nx.Graph, role: str, item: str) -> float:
    """How much ``item`` matters to ``role``, 0 to 1: a rated requirement's
    ``(importance − 1) / 4`` (O*NET's scale IM, 1–5), an ESCO
    optional skill's :data:`OPTIONAL_WEIGHT`, otherwise 1.

    >>> G = requirements_from_dict({"r": ["x", "y"]}, weights={("r", "x"): 0.25})
    >>> requirement_weight(G, "r", "x"), requirement_weight(G, "r", "y")
    (0.25, 1.0)
    """
    return G.graph.get("weights", {}).get((role, item), 1.0)


# ------------------------------------------------------------------------------------------
# Caching per store generation

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def cached_requirements_graph(store: Store) -> nx.Graph:
    """:func:`requirements_graph` of ``store`` (all layers), rebuilt only when its sources
    change.  Treat the returned graph as read-only: it is shared between callers.

    An on-disk store keeps the graph (and what was computed from it) in a file beside it
    (:mod:`~careerkg.graph.overlap.kept`), read instead of the store when its sources are
    the ones it was built from.  The build runs in the background: a request with a
    deadline (:func:`careerkg.graph.background.deadline`) waits for it at most until then.
    """
    fingerprint = store.fingerprint()
    with _CACHE_LOCK:
        entry = _CACHE.get(store)
        if entry is not None and entry[0] == fingerprint:
            return entry[1]

    def build() -> nx.Graph:
        from .kept import load_kept

        G = load_kept(store, fingerprint)
        if G is None:
            G = requirements_graph(store)
            G.graph["fingerprint"] = fingerprint
        with _CACHE_LOCK:
            _CACHE[store] = (fingerprint, G)
        return G

    return prepare((id(store), "requirements", fingerprint), build,
                   what="the role ↔ requirement graph")


def clear_cache(store: Store | None = None) -> None:
    """Forget cached graphs (of one store, or of all)."""
    with _CACHE_LOCK:
        if store is None:
            _CACHE.clear()
        else:
            _CACHE.pop(store, None)


# ------------------------------------------------------------------------------------------
# Reading the graph: shared by the comparison and the views


def _check_by(by: str) -> tuple[str, ...]:
    try:
        return BY_CHOICES[by]
    except KeyError:
        raise ValueError(f"unknown --by {by!r}; use one of: {', '.join(BY_CHOICES)}") from None


def _role(G: nx.Graph, role: str) -> str:
    if role not in G or G.nodes[role].get("layer") != "role":
        raise RoleNotFound(f"{role!r} is not a role of this graph")
    return role


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


def _prevalence(G: nx.Graph, node: str) -> int:
    """How many roles require ``node``."""
    return sum(1 for n in G[node] if G.nodes[n].get("layer") == "role")

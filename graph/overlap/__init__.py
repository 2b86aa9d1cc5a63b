"""Skill overlap between roles: the role ↔ requirement graph and the views built on it.

The functions are graph-first, like networkx's own: ``compare_roles(G, a, b)``,
``similar_roles(G, role)``, ``role_projection(G)``, ``item_centrality(G)``,
``co_occurring_items(G, item)``, ``role_communities(G)``, ``ego_network(G, role)``,
``overlap_view(G, ...)``, where ``G`` is a requirement graph (:func:`requirements_graph` of a
store, :func:`cached_requirements_graph` to share one per store, or
:func:`requirements_from_dict` for plain data).  ``by`` chooses what a role's requirements
are: ``skills``, ``tools`` or ``all`` (both).

Everything public is importable from here; the modules, one purpose each:

* :mod:`~careerkg.graph.overlap.model` — the graph (its nodes, edges and attributes), read
  from a store or built from a dict, and its cache per store generation;
* :mod:`~careerkg.graph.overlap.names` — the role a person means by a name, code or IRI;
* :mod:`~careerkg.graph.overlap.compare` — two roles compared, and the learning gaps;
* :mod:`~careerkg.graph.overlap.views` — all roles at once: similar roles, the role
  projection, centrality, components and communities, ego networks, the overlap view;
* :mod:`~careerkg.graph.overlap.similarity` — the sparse matrices behind the views;
* :mod:`~careerkg.graph.overlap.export` — GraphML, GEXF and node-link JSON.

Salaries are not overlap: they are :mod:`careerkg.graph.salaries`.

Examples
--------
>>> from careerkg.graph import overlap
>>> G = overlap.requirements_from_dict({"ds": ["python", "stats"], "mle": ["python", "ops"]})
>>> overlap.compare_roles(G, "ds", "mle").jaccard
0.3333333333333333
"""

from __future__ import annotations

from .compare import (
    RoleComparison,
    category_overlap,
    compare_roles,
    jaccard,
    learning_gap,
    overlap_coefficient,
    overlap_report,
)
from .export import EXPORT_FORMATS, export_graph
from .model import (
    BY_CHOICES,
    NO_CATEGORY,
    cached_requirements_graph,
    clear_cache,
    item_summary,
    requirements_from_dict,
    requirements_graph,
    role_items,
    roles_of,
)
from .names import AmbiguousRole, RoleNotFound, RoleRef, resolve_role
from .views import (
    central_roles,
    co_occurring_items,
    ego_network,
    item_centrality,
    overlap_view,
    role_communities,
    role_components,
    role_matrix,
    role_projection,
    similar_report,
    similar_roles,
)

__all__ = [
    "BY_CHOICES",
    "EXPORT_FORMATS",
    "NO_CATEGORY",
    "AmbiguousRole",
    "RoleNotFound",
    "RoleRef",
    "RoleComparison",
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
]

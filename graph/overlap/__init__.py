"""Skill overlap between roles: the role ↔ requirement graph and the views built on it.

The functions are graph-first, like networkx's own: ``compare_roles(G, a, b)``,
``similar_roles(G, role)``, ``next_roles(G, role)``, ``transition_path(G, a, b)``,
``skills_market(G)``, ``role_projection(G)``, ``item_centrality(G)``,
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
* :mod:`~careerkg.graph.overlap.weighted` — the weighted similarity (importance x IDF,
  across taxonomies and up the skill hierarchy) and what a role holds and lacks;
* :mod:`~careerkg.graph.overlap.transitions` — where a role can go next, and the path from
  one role to another that needs the least learning;
* :mod:`~careerkg.graph.overlap.market` — the skills market: demand and pay per skill;
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

from . import compare, export, market, model, names, transitions, views, weighted
from .compare import *  # noqa: F403
from .export import *  # noqa: F403
from .market import *  # noqa: F403
from .model import *  # noqa: F403
from .names import *  # noqa: F403
from .transitions import *  # noqa: F403
from .views import *  # noqa: F403
from .weighted import *  # noqa: F403

#: Every module's public names (``similarity`` is the views' engine, imported from there).
__all__ = [*model.__all__, *names.__all__, *compare.__all__, *views.__all__, *export.__all__,
           *weighted.__all__, *transitions.__all__, *market.__all__]

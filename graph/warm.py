"""Preparing what a big graph needs before its first visitor asks: the search index, the
role ↔ requirement graph and the weighted similarity, and keeping them beside an on-disk
store so that the next start finds them ready.

``careerkg build`` ends with :func:`prepare_kept` (what can be kept); ``careerkg serve``
runs :func:`warm_up` (that, and the counts its pages show, which live in memory) in a
background thread at start (:mod:`careerkg.server.warmup`).
"""

from __future__ import annotations

import shutil
import time

from .background import forget_store
from .browse import browse_roles
from .exported import export_folder
from .overlap import cached_requirements_graph, clear_cache, role_matrix, skills_market
from .overlap.kept import keep, kept_path
from .overlap.transitions import transition_graph
from .overlap.weighted import weighted_matrix
from .search import clear_search_cache, index_path, search_index
from .stats import dataset_sizes, graph_counts
from .store import Store

__all__ = ["prepare_kept", "warm_up", "forget"]


def prepare_kept(store: Store) -> None:
    """Build (or read back) the search index, the requirement graph, the weighted similarity,
    the role matrix, the transition graph and the skills market of ``store``, and keep them
    beside it when it is on disk (unless they are kept there already)."""
    search_index(store)
    G = cached_requirements_graph(store)
    weighted_matrix(G)
    role_matrix(G)
    transition_graph(G)
    skills_market(G)
    keep(store, G)


def warm_up(store: Store) -> float:
    """Count what the home page and the service description show, then
    :func:`prepare_kept`; the seconds it took."""
    started = time.perf_counter()
    graph_counts(store)  # the home page's figures,
    browse_roles(store)  # its role list and families,
    dataset_sizes(store)  # the service description's counts
    prepare_kept(store)
    return time.perf_counter() - started


def forget(store: Store) -> None:
    """Forget what was derived from ``store``'s graph, in memory and beside it, after a
    change its sources do not show (a raw SPARQL update): the next use derives it anew."""
    clear_cache(store)
    clear_search_cache(store)
    forget_store(store)
    for path in (kept_path(store), index_path(store)):
        if path is not None:
            path.unlink(missing_ok=True)
    folder = export_folder(store)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)

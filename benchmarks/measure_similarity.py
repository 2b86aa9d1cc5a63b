"""Role similarity: careerkg's overlap module against networkx's own functions.

Both sides start from the same bipartite role ↔ skill graph, read from the store by
:func:`careerkg.graph.overlap.requirements_graph` (requirements are skills, or tools where a
graph has no skills, as the query workload chooses).

* All pairs: careerkg's :func:`~careerkg.graph.overlap.similarity.pairwise_similarity` on the
  role matrix (Jaccard) against networkx's
  :func:`~networkx.algorithms.bipartite.overlap_weighted_projected_graph` with
  ``jaccard=True``.  networkx's work is one loop iteration per role, independent of the others,
  so when the whole loop would take too long it is run for a random sample of roles within a
  time budget and scaled by (all roles / sampled roles) — the table says so.  For the sampled
  roles, networkx's weights must equal careerkg's.
* Top-10 for one role: careerkg's :func:`~careerkg.graph.overlap.similar_roles` (the
  function the web view and the CLI call) against :func:`networkx.jaccard_coefficient` over
  every other role and a heap.  Both must rank the same roles with the same scores.
"""

from __future__ import annotations

import heapq
import random
import time

import networkx as nx
from networkx.algorithms import bipartite

from careerkg.graph.factory import open_store
from careerkg.graph.namespaces import CKG
from careerkg.graph.overlap import (
    requirements_graph,
    role_matrix,
    roles_of,
    similar_roles,
)
from careerkg.graph.overlap.similarity import pairwise_similarity

from .datasets import Dataset
from .report import Row
from .timing import Budget, quiet_gc, time_repeated

__all__ = ["measure_similarity"]


def _networkx_top_k(G: nx.Graph, roles: list[str], role: str, k: int
                    ) -> list[tuple[str, float]]:
    pairs = [(role, other) for other in roles if other != role]
    scored = ((v, p) for _u, v, p in nx.jaccard_coefficient(G, pairs) if p > 0)
    return heapq.nlargest(k, scored, key=lambda item: item[1])


def _same_top_k(ours: list[tuple[str, float]], theirs: list[tuple[str, float]]) -> str | None:
    """Same scores, and the same roles above the last (tied) score."""
    a = [round(s, 9) for _r, s in ours]
    b = [round(s, 9) for _r, s in theirs]
    if a != b:
        return f"scores differ: careerkg {a[:5]}..., networkx {b[:5]}..."
    if not a:
        return None
    last = a[-1]
    above_a = {r for r, s in ours if round(s, 9) > last}
    above_b = {r for r, s in theirs if round(s, 9) > last}
    if above_a != above_b:
        return f"roles differ: {sorted(above_a ^ above_b)[:4]}"
    return None


def measure_similarity(ds: Dataset, budget: Budget, networkx_seconds: float
                       ) -> tuple[list[Row], list[str]]:
    """Rows for all-pairs and top-10 similarity on ``ds``, and disagreements found."""
    problems: list[str] = []
    link = ds.params.link.strip("<>")
    layer, by = ("skill", "skills") if link == CKG + "requiresSkill" else ("tool", "tools")
    store = open_store(str(ds.careerkg_store), seed=False, read_only=True)
    start = time.perf_counter()
    G = requirements_graph(store, layers=(layer,))
    graph_seconds = time.perf_counter() - start
    store.close()
    roles = roles_of(G)
    start = time.perf_counter()
    rm = role_matrix(G, by)
    matrix_seconds = time.perf_counter() - start

    # careerkg: all pairs on the (cached) role matrix.
    first = time.perf_counter()
    similarity = pairwise_similarity(rm, "jaccard")
    first = time.perf_counter() - first
    ours = time_repeated(lambda: pairwise_similarity(rm, "jaccard"), budget, first=first)

    # networkx: the projection, on a random sample of roles if the whole would be too slow.
    order = list(roles)
    random.Random(1).shuffle(order)
    spent, done = 0.0, 0
    checked = 0
    with quiet_gc():
        while done < len(order) and spent < networkx_seconds:
            chunk = order[done:done + max(1, min(50, len(order) // 20))]
            start = time.perf_counter()
            projected = bipartite.overlap_weighted_projected_graph(G, chunk, jaccard=True)
            spent += time.perf_counter() - start
            done += len(chunk)
            for role in chunk[:3]:  # networkx's weights must be careerkg's
                i = rm.index_of(role)
                row = similarity.getrow(i)
                expected = {rm.roles[j]: round(float(w), 9)
                            for j, w in zip(row.indices, row.data, strict=True) if w > 0}
                got = {v: round(d["weight"], 9) for v, d in projected[role].items()
                       if d["weight"] > 0}
                checked += 1
                if got != expected:
                    problems.append(f"{ds.name} / all-pairs: networkx and careerkg disagree on "
                                    f"{role} ({len(got)} vs {len(expected)} similar roles)")
                    break
            del projected
    estimate = spent * len(order) / done
    extrapolated = done < len(order)
    pairs = similarity.nnz // 2
    rows = [Row(
        "all-pairs similarity", f"Jaccard, {len(roles):,} roles ({pairs:,} similar pairs)",
        ds.name, "s", ours.median, other=estimate,
        other_label="networkx, extrapolated" if extrapolated else "networkx",
        notes=(f"networkx timed on {done:,} of {len(roles):,} roles ({spent:.1f} s) and scaled "
               f"by {len(roles) / done:.1f}" if extrapolated else ""),
        details={"careerkg": ours.to_dict(), "networkx_seconds": spent,
                 "networkx_roles_timed": done, "roles": len(roles),
                 "requirements_graph_s": graph_seconds, "role_matrix_s": matrix_seconds,
                 "rows_checked": checked},
    )]

    # Top-10 for one role.
    role = ds.params.role_a.strip("<>")
    k = 10
    first = time.perf_counter()
    top = similar_roles(G, role, k=k, by=by, metric="jaccard")
    first = time.perf_counter() - first
    ours_top = time_repeated(lambda: similar_roles(G, role, k=k, by=by, metric="jaccard"),
                             budget, first=first)
    first = time.perf_counter()
    theirs = _networkx_top_k(G, roles, role, k)
    first = time.perf_counter() - first
    theirs_timing = time_repeated(lambda: _networkx_top_k(G, roles, role, k), budget,
                                  first=first)
    difference = _same_top_k([(t["iri"], t["jaccard"]) for t in top], theirs)
    if difference:
        problems.append(f"{ds.name} / top-10 similar: {difference}")
    rows.append(Row(
        "top-10 similar", "similar_roles(G, role, k=10)", ds.name, "ms",
        ours_top.median * 1000, other=theirs_timing.median * 1000,
        other_label="networkx jaccard_coefficient",
        notes=f"NOT COMPARABLE: {difference}" if difference else "",
        details={"careerkg": ours_top.to_dict(), "networkx": theirs_timing.to_dict(),
                 "role": role},
    ))
    rows.append(Row(
        "overlap set-up", "requirements graph from store + role matrix (once per store)",
        ds.name, "s", graph_seconds + matrix_seconds,
        details={"requirements_graph_s": graph_seconds, "role_matrix_s": matrix_seconds},
    ))
    return rows, problems

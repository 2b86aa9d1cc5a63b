"""The overlap analytics on the full O*NET graph: how good the similarity is, and how fast
similar, next and path answer.

**Quality.** O*NET 29.2 is imported *without* Related Occupations (``without=("related",)``),
so nothing of the reference can reach the computed similarity; the reference is read from the
raw ``data/onet-29.2/Related Occupations.xlsx`` with openpyxl (not careerkg's reader): for each
occupation that has a list, its related occupations (every tier, 20 each).  For each such
occupation the O*NET occupations are ranked by :func:`careerkg.graph.overlap.similar_roles`'s
metric (itself left out; the seed's roles are not in the reference's universe, so they are
left out too), and

* precision@10 = (related among the top 10) / 10,
* recall@20 = (related among the top 20) / (its related occupations),

averaged over the occupations.  Target: precision@10 ≥ 0.55 (issue 13).  The same is computed
for Jaccard and the overlap coefficient, for comparison.

**Speed.** On the same graph: ``similar_roles(G, role, k=10)``, ``next_roles(G, role)`` and
``transition_path(G, a, b)`` (after a first call that builds the cached matrices and the
transition graph, timed separately), for a few occupations.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from careerkg.graph.factory import open_store
from careerkg.graph.importers.onet import import_onet
from careerkg.graph.overlap import (
    NoTransition,
    cached_requirements_graph,
    next_roles,
    similar_roles,
    transition_path,
    weighted_matrix,
)
from careerkg.graph.overlap.similarity import RoleMatrix
from careerkg.graph.overlap.views import role_matrix

from .report import Row
from .timing import Budget, quiet_gc, time_repeated

__all__ = ["ONET_29_DIR", "related_reference", "related_quality", "measure_overlap",
           "withheld_graph"]

ROOT = Path(__file__).resolve().parent.parent
ONET_29_DIR = ROOT / "data" / "onet-29.2"
ONET_PREFIX = "https://w3id.org/careerkg/id/onet/occupation/"
#: Occupations whose speed is measured: Data Scientists, Registered Nurses, Electricians.
TIMED = ("15-2051.00", "29-1141.00", "47-2111.00")
PATH_PAIRS = (("15-2051.00", "15-1252.00"), ("29-1141.00", "11-9111.00"))


def related_reference(folder: Path = ONET_29_DIR) -> dict[str, set[str]]:
    """Occupation code → its related occupations' codes, from the raw workbook."""
    import openpyxl

    book = openpyxl.load_workbook(folder / "Related Occupations.xlsx", read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(c).strip() for c in next(rows)]
        code, other = header.index("O*NET-SOC Code"), header.index("Related O*NET-SOC Code")
        out: dict[str, set[str]] = {}
        for row in rows:
            if row[code]:
                out.setdefault(str(row[code]).strip(), set()).add(str(row[other]).strip())
        return out
    finally:
        book.close()


def _ranked(G, by: str, metric: str):
    """(O*NET role IRIs, a function giving role i's scores over them)."""
    if metric == "weighted":
        m = weighted_matrix(G, by)
        roles = m.roles
        return roles, lambda i: m.scores(i)
    rm: RoleMatrix = role_matrix(G, by)
    shared = (rm.matrix @ rm.transposed).tocsr()

    def scores(i):
        counts = shared[i].toarray().ravel().astype(float)
        if metric == "jaccard":
            denominator = rm.sizes[i] + rm.sizes - counts
        else:
            denominator = np.minimum(rm.sizes[i], rm.sizes).astype(float)
        return np.divide(counts, denominator, out=np.zeros_like(counts),
                         where=denominator > 0)

    return rm.roles, scores


def related_quality(G, reference: dict[str, set[str]], metric: str = "weighted",
                    by: str = "all") -> dict:
    """precision@10 and recall@20 of ``metric`` against ``reference`` (see the module)."""
    roles, scores_of = _ranked(G, by, metric)
    onet = np.array([r.startswith(ONET_PREFIX) for r in roles])
    index = {r[len(ONET_PREFIX):]: i for i, r in enumerate(roles) if r.startswith(ONET_PREFIX)}
    precision, recall, evaluated = [], [], 0
    for code, related in sorted(reference.items()):
        if code not in index or not related:
            continue
        i = index[code]
        scores = np.where(onet, scores_of(i), -1.0)
        scores[i] = -1.0
        # Best first; ties by IRI (the product's order), roles sorted by IRI already.
        order = np.lexsort((np.arange(len(roles)), -scores))[:20]
        top = [roles[j][len(ONET_PREFIX):] for j in order if scores[j] > 0]
        precision.append(len(set(top[:10]) & related) / 10)
        recall.append(len(set(top[:20]) & related) / len(related))
        evaluated += 1
    return {"metric": metric, "by": by, "occupations": evaluated,
            "precision_at_10": float(np.mean(precision)) if precision else 0.0,
            "recall_at_20": float(np.mean(recall)) if recall else 0.0}


def withheld_graph(work: Path, folder: Path = ONET_29_DIR):
    """An on-disk store of O*NET 29.2 without Related Occupations, and its requirement
    graph; ``(store, G, import seconds)``."""
    store = open_store(str(work / "onet-29.2-without-related"))
    start = time.perf_counter()
    import_onet(store, folder, without=("related",))
    seconds = time.perf_counter() - start
    return store, cached_requirements_graph(store), seconds


def measure_overlap(work: Path, budget: Budget) -> tuple[list[Row], list[str]]:
    """Rows for the similarity's quality and the overlap analytics' speed."""
    problems: list[str] = []
    rows: list[Row] = []
    size = "onet-29.2"
    store, G, import_seconds = withheld_graph(work)
    try:
        reference = related_reference()
        for metric in ("weighted", "jaccard", "overlap"):
            quality = related_quality(G, reference, metric)
            for key, label in (("precision_at_10", "precision@10"),
                               ("recall_at_20", "recall@20")):
                family = ("similarity quality" if metric == "weighted" and key ==
                          "precision_at_10" else "similarity quality (info)")
                rows.append(Row(
                    family, f"{label} vs O*NET Related Occupations, {metric}", size, "",
                    quality[key],
                    notes=f"{quality['occupations']} occupations; Related Occupations "
                          "withheld from the import",
                    details={**quality, "import_seconds": import_seconds},
                ))
        codes = {G.nodes[n].get("codes", ("",))[0]: n for n in G
                 if G.nodes[n].get("layer") == "role" and G.nodes[n].get("codes")}
        for code in TIMED:
            role = codes.get(code)
            if role is None:
                problems.append(f"overlap timing: no occupation {code}")
                continue
            for family, call in (
                ("overlap: similar", lambda role=role: similar_roles(G, role, k=10)),
                ("overlap: next", lambda role=role: next_roles(G, role)),
            ):
                first = time.perf_counter()
                call()
                first = time.perf_counter() - first
                with quiet_gc():
                    timing = time_repeated(call, budget, first=first)
                rows.append(Row(family, f"{code}, k=10", size, "ms", timing.median * 1000,
                                details={"first_call_s": first, **timing.to_dict()}))
        for a, b in PATH_PAIRS:
            if a not in codes or b not in codes:
                problems.append(f"overlap timing: no occupation {a} or {b}")
                continue

            def path(a=a, b=b):
                try:
                    return len(transition_path(G, codes[a], codes[b])["steps"]) - 1
                except NoTransition:  # the answer "none within the steps" is timed too
                    return None

            first = time.perf_counter()
            moves = path()
            first = time.perf_counter() - first
            with quiet_gc():
                timing = time_repeated(path, budget, first=first)
            rows.append(Row("overlap: path", f"{a} → {b}", size, "ms", timing.median * 1000,
                            notes=f"{moves} moves" if moves is not None else "no path",
                            details={"first_call_s": first, "moves": moves,
                                     **timing.to_dict()}))
    finally:
        store.close()
    return rows, problems

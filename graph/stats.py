"""Counts that describe the graph (``careerkg info``, the home page)."""

from __future__ import annotations

from .namespaces import CKG
from .store import Store

__all__ = ["COUNTED_CLASSES", "graph_counts"]

#: What ``info`` counts: name → class IRI.
COUNTED_CLASSES = {
    "roles": CKG + "Role",
    "skills": CKG + "Skill",
    "tools": CKG + "Tool",
    "industries": CKG + "Industry",
    "salary_figures": CKG + "SalaryFigure",
}


def graph_counts(store: Store) -> dict[str, int]:
    """Triples in the live sources, then instances of each counted class."""
    selects = " ".join(
        f"{{ SELECT (COUNT(DISTINCT ?{n}) AS ?{n}_n) WHERE {{ ?{n} a <{iri}> }} }}"
        for n, iri in COUNTED_CLASSES.items()
    )
    row = store.query(f"SELECT * WHERE {{ {selects} }}").to_python()[0]
    return {"triples": store.count(), **{n: row[f"{n}_n"] for n in COUNTED_CLASSES}}

"""Counts that describe the graph (``careerkg info``, the home page)."""

from __future__ import annotations

from .namespaces import CKG
from .store import Store

__all__ = ["COUNTED_CLASSES", "graph_counts", "class_counts"]

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
    return {"triples": store.count(), **class_counts(store)}


def class_counts(store: Store, graphs: list[str] | None = None) -> dict[str, int]:
    """Instances of each counted class, in the union of the live sources or in ``graphs``."""
    selects = " ".join(
        f"{{ SELECT (COUNT(DISTINCT ?{n}) AS ?{n}_n) WHERE {{ ?{n} a <{iri}> }} }}"
        for n, iri in COUNTED_CLASSES.items()
    )
    row = store.query(f"SELECT * WHERE {{ {selects} }}", default_graphs=graphs).to_python()[0]
    return {n: row[f"{n}_n"] for n in COUNTED_CLASSES}

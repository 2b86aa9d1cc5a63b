"""Counts that describe the graph (``careerkg info``, the home page)."""

from __future__ import annotations

from .background import per_sources
from .namespaces import CKG
from .store import Store

__all__ = ["COUNTED_CLASSES", "graph_counts", "class_counts", "dataset_sizes"]

#: What ``info`` counts: name → class IRI.
COUNTED_CLASSES = {
    "roles": CKG + "Role",
    "skills": CKG + "Skill",
    "tools": CKG + "Tool",
    "industries": CKG + "Industry",
    "salary_figures": CKG + "SalaryFigure",
}


def graph_counts(store: Store) -> dict[str, int]:
    """Triples in the live sources, then instances of each counted class (counted once per
    set of sources)."""
    return per_sources(store, "graph counts",
                       lambda: {"triples": store.count(), **class_counts(store)},
                       what="the graph's counts")


#: Seconds :func:`dataset_sizes` may take (careerkg's own queries, linear in the data).
COUNT_TIMEOUT = 300.0


def dataset_sizes(store: Store) -> tuple[int, dict[str, int]]:
    """Triples in the default graph and in each named graph, counted as queries see them
    (the service description's figures): once per set of sources (counting every triple
    takes seconds on the full graph)."""
    def count() -> tuple[int, dict[str, int]]:
        default = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                              timeout=COUNT_TIMEOUT)
        named = store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
            timeout=COUNT_TIMEOUT)
        return (int(default.rows[0][0].value),
                {row[0].value: int(row[1].value) for row in named.rows})

    return per_sources(store, "dataset sizes", count, what="the count of the graph's triples")


def class_counts(store: Store, graphs: list[str] | None = None) -> dict[str, int]:
    """Instances of each counted class, in the union of the live sources or in ``graphs``."""
    selects = " ".join(
        f"{{ SELECT (COUNT(DISTINCT ?{n}) AS ?{n}_n) WHERE {{ ?{n} a <{iri}> }} }}"
        for n, iri in COUNTED_CLASSES.items()
    )
    row = store.query(f"SELECT * WHERE {{ {selects} }}", default_graphs=graphs).to_python()[0]
    return {n: row[f"{n}_n"] for n in COUNTED_CLASSES}

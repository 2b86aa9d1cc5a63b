"""SPARQL query latency: careerkg's ``/sparql`` against `oxigraph serve` and plain rdflib.

For each query of the workload: every engine answers once (the warm-up), the answers are
compared as sets of rows, then careerkg and `oxigraph serve` are timed in alternation over
HTTP — one client, one keep-alive session each, the full response body read — and rdflib
in this process (query evaluated and every row or triple materialised).  A query on which the
engines disagree is reported and not timed.

The servers run twice per size: on disk (``careerkg serve --store``, ``oxigraph serve
--location``) and in memory (``careerkg serve --data``, ``oxigraph serve`` without a
location, loaded over HTTP).  rdflib is timed once; its answers and medians are reused for the
second pair.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .datasets import Dataset
from .engines import HttpSparql, RdflibEngine
from .report import Row
from .timing import Budget, time_interleaved, time_repeated
from .workload import Answer, answer_difference, workload

__all__ = ["measure_queries", "RdflibReference"]


@dataclass
class RdflibReference:
    """rdflib's answer and timing of each query, kept for the second pair of servers."""

    answers: dict[str, Answer] = field(default_factory=dict)
    medians_ms: dict[str, float] = field(default_factory=dict)
    details: dict[str, dict] = field(default_factory=dict)


def measure_queries(ds: Dataset, careerkg: HttpSparql, oxigraph: HttpSparql,
                    rdflib: RdflibEngine | None, budget: Budget, rdflib_budget: Budget, *,
                    family: str = "query latency",
                    reference: RdflibReference | None = None,
                    ) -> tuple[list[Row], list[str], RdflibReference]:
    """Latency rows (milliseconds) for every workload query, and the disagreements found.

    Parameters
    ----------
    rdflib
        rdflib loaded with the size's data, to time; or None.
    reference
        rdflib's answers and medians from an earlier call, used instead of timing it again.

    Returns
    -------
    rows, problems, reference
        The rows, the disagreements, and rdflib's answers and medians (for a later call).
    """
    rows: list[Row] = []
    problems: list[str] = []
    reference = reference or RdflibReference()
    engines = [careerkg, oxigraph, *([rdflib] if rdflib is not None else [])]
    for query in workload(ds.params):
        answers, firsts = {}, {}
        errors = []
        for engine in engines:
            start = time.perf_counter()
            try:
                answers[engine.name] = engine.answer(query)
            except Exception as error:  # noqa: BLE001 - reported in the table
                errors.append(f"{engine.name}: {error}")
            firsts[engine.name] = time.perf_counter() - start
        if rdflib is None and query.name in reference.answers:
            answers["rdflib"] = reference.answers[query.name]
        difference = "; ".join(errors) or answer_difference(answers)
        size = next(iter(answers.values())).size if answers else 0
        if difference:
            problems.append(f"{ds.name} / {family} / {query.name}: {difference}")
            rows.append(Row(family, query.name, ds.name, "ms", None,
                            notes=f"NOT TIMED, engines disagree: {difference}"[:400]))
            continue
        http = time_interleaved(
            {careerkg.name: lambda q=query: careerkg.run(q),
             oxigraph.name: lambda q=query: oxigraph.run(q)},
            budget, {n: firsts[n] for n in (careerkg.name, oxigraph.name)},
        )
        details = {"answer": answers[careerkg.name].to_dict(), "form": query.form,
                   **{name: t.to_dict() for name, t in http.items()}}
        if rdflib is not None:
            timing = time_repeated(lambda q=query: rdflib.run(q), rdflib_budget,
                                   first=firsts[rdflib.name])
            reference.answers[query.name] = answers[rdflib.name]
            reference.medians_ms[query.name] = timing.median * 1000
            reference.details[query.name] = timing.to_dict()
        rdflib_ms = reference.medians_ms.get(query.name)
        if rdflib_ms is not None:
            details["rdflib"] = reference.details[query.name]
        rows.append(Row(
            family, query.name, ds.name, "ms",
            http[careerkg.name].median * 1000, http[oxigraph.name].median * 1000,
            "oxigraph serve", rdflib_ms, "rdflib" if rdflib_ms is not None else "",
            notes="" if rdflib_ms is not None else "rdflib skipped at this size",
            details={**details, "rows": size},
        ))
    return rows, problems, reference

"""SHACL validation of the graph against the shapes in ``ontology/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from pyshacl import validate as shacl_validate

from .builtin import shapes_turtle
from .namespaces import SH as SHACL
from .store import Store

__all__ = ["Violation", "validate_store", "validate_graph"]

SH = rdflib.Namespace(SHACL)


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None
    value: str | None

    def __str__(self) -> str:
        where = self.focus + (f" {self.path}" if self.path else "")
        value = f" (value: {self.value})" if self.value else ""
        return f"[{self.severity}] {where}: {self.message}{value}"


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph | None = None) -> list[Violation]:
    """Validate an rdflib graph; return the violations (empty when it conforms)."""
    if shapes is None:
        shapes = rdflib.Graph().parse(data=shapes_turtle(), format="turtle")
    _conforms, report, _text = shacl_validate(
        data, shacl_graph=shapes, inference="rdfs", advanced=True, allow_warnings=True
    )
    violations = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        def one(predicate, result=result):
            value = report.value(result, predicate)
            return None if value is None else str(value)

        severity = one(SH.resultSeverity) or str(SH.Violation)
        violations.append(
            Violation(
                focus=one(SH.focusNode),
                path=one(SH.resultPath),
                message=one(SH.resultMessage) or "violates a shape",
                severity=severity.rsplit("#", 1)[-1],
                shape=one(SH.sourceShape),
                value=one(SH.value),
            )
        )
    violations.sort(key=lambda v: (v.severity != "Violation", v.focus, v.path or "", v.message))
    return violations


def validate_store(store: Store) -> list[Violation]:
    """Validate everything the store holds (ontology and all sources)."""
    data = rdflib.Graph().parse(data=store.export("ntriples"), format="nt")
    return validate_graph(data)

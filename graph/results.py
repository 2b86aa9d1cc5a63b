"""Query results that every store returns, and their serializations.

A :class:`QueryResult` is engine-independent: rows of pyoxigraph terms (whichever store
answered), a boolean, or triples.  Result sets are serialized here to the W3C formats (JSON,
XML, CSV, TSV) because a result can be cut at a row cap, which the engine's own serializer
cannot do; graphs are serialized by the engine's serializer.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .formats import RESULTS_FORMATS, rdf_format
from .namespaces import PREFIXES, XSD

__all__ = ["QueryResult", "ResultInfo", "term_to_python", "term_to_json", "collect"]

_STRING = XSD + "string"
_INTEGERS = {
    XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
        "unsignedShort", "unsignedByte",
    )
}


def term_to_python(term):
    """Convert a pyoxigraph term to a plain Python value.

    IRIs become ``str``, integers ``int``, decimals ``Decimal``, floats ``float``, booleans
    ``bool``, blank nodes ``"_:id"``, every other literal its lexical form.

    >>> term_to_python(ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")))
    3
    >>> term_to_python(ox.NamedNode("http://example.org/a"))
    'http://example.org/a'
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype == XSD + "decimal":
                return Decimal(term.value)
            if datatype in (XSD + "double", XSD + "float"):
                return float(term.value)
            if datatype == XSD + "boolean":
                return term.value in ("true", "1")
        except (ValueError, InvalidOperation):
            return term.value
        return term.value
    return str(term)


def term_to_json(term) -> dict:
    """One RDF term in the W3C SPARQL 1.1 JSON results encoding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_to_json(term.subject),
                "predicate": term_to_json(term.predicate),
                "object": term_to_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _term_to_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>"
                f"{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_term_to_xml(term.subject)}</subject>"
            f"<predicate>{_term_to_xml(term.predicate)}</predicate>"
            f"<object>{_term_to_xml(term.object)}</object></triple>"
        )
    raise TypeError(f"not an RDF term: {term!r}")


def _term_to_csv(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _term_to_tsv(term) -> str:
    return "" if term is None else str(term)


@dataclass(frozen=True)
class ResultInfo:
    """What a serialized answer says besides its bytes (its rows stay where they were made)."""

    kind: str
    variables: list[str]
    #: Rows (or triples) in the answer; ``None`` when the engine wrote it without counting.
    rows: int | None
    truncated: bool
    limit: int | None
    boolean: bool | None = None


@dataclass
class QueryResult:
    """The answer to one query: a result set, a boolean or a graph.

    ``truncated`` is true when the row (or triple) cap cut the answer short; ``limit`` is
    that cap.
    """

    kind: str  # "bindings" | "boolean" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    truncated: bool = False
    limit: int | None = None

    # -- plain Python ------------------------------------------------------------------
    def to_python(self) -> list[dict]:
        """Rows as dicts of plain Python values (unbound variables are left out)."""
        return [
            {
                v: term_to_python(t)
                for v, t in zip(self.variables, row, strict=True)
                if t is not None
            }
            for row in self.rows
        ]

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "bindings" else len(self.triples)

    def info(self) -> ResultInfo:
        return ResultInfo(
            kind=self.kind, variables=list(self.variables), rows=len(self),
            truncated=self.truncated, limit=self.limit, boolean=self.boolean,
        )

    # -- serializations --------------------------------------------------------------
    def serialize(self, fmt: str) -> bytes:
        """Serialize to a results format (json, xml, csv, tsv) or, for graphs, an RDF one."""
        if self.kind == "graph":
            return ox.serialize(
                self.triples, format=rdf_format(fmt).engine, prefixes=PREFIXES
            ) or b""
        name = RESULTS_FORMATS[fmt].name if fmt in RESULTS_FORMATS else fmt
        writer = getattr(self, f"_to_{name}", None)
        if writer is None:
            raise ValueError(f"a {self.kind} result cannot be written as {fmt!r}")
        return writer()

    def _to_json(self) -> bytes:
        doc: dict = {"head": {"vars": self.variables} if self.kind == "bindings" else {}}
        if self.kind == "boolean":
            doc["boolean"] = bool(self.boolean)
        else:
            names = self.variables
            doc["results"] = {
                "bindings": [
                    {n: term_to_json(t) for n, t in zip(names, row, strict=True) if t is not None}
                    for row in self.rows
                ]
            }
        if self.truncated:
            doc["careerkg"] = {"truncated": True, "limit": self.limit}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()

    def _to_xml(self) -> bytes:
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        out.append("<head>")
        out.extend(f"<variable name={quoteattr(v)}/>" for v in self.variables)
        if self.truncated:
            out.append(f'<link href="urn:careerkg:truncated:limit:{self.limit}"/>')
        out.append("</head>")
        if self.kind == "boolean":
            out.append(f"<boolean>{'true' if self.boolean else 'false'}</boolean>")
        else:
            out.append("<results>")
            for row in self.rows:
                out.append("<result>")
                for name, term in zip(self.variables, row, strict=True):
                    if term is not None:
                        out.append(
                            f"<binding name={quoteattr(name)}>{_term_to_xml(term)}</binding>"
                        )
                out.append("</result>")
            out.append("</results>")
        out.append("</sparql>\n")
        return "".join(out).encode()

    def _tabular(self, dialect: str) -> bytes:
        if self.kind == "boolean":
            return (("true" if self.boolean else "false") + "\n").encode()
        if dialect == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(self.variables)
            writer.writerows([_term_to_csv(t) for t in row] for row in self.rows)
            return buffer.getvalue().encode()
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        lines.extend("\t".join(_term_to_tsv(t) for t in row) for row in self.rows)
        return ("\n".join(lines) + "\n").encode()

    def _to_csv(self) -> bytes:
        return self._tabular("csv")

    def _to_tsv(self) -> bytes:
        return self._tabular("tsv")


def collect(answer, limit: int | None = None) -> QueryResult:
    """Build a :class:`QueryResult` from an engine answer, stopping after ``limit`` rows."""
    if isinstance(answer, ox.QueryBoolean | bool):
        return QueryResult(kind="boolean", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows, truncated = _take(((tuple(s) for s in answer)), limit)
        return QueryResult(
            kind="bindings", variables=variables, rows=rows, truncated=truncated, limit=limit
        )
    triples, truncated = _take(iter(answer), limit)
    return QueryResult(kind="graph", triples=triples, truncated=truncated, limit=limit)


def _take(items: Iterator | Iterable, limit: int | None) -> tuple[list, bool]:
    if limit is None:
        return list(items), False
    out = []
    for item in items:
        if len(out) == limit:
            return out, True
        out.append(item)
    return out, False

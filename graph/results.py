"""Query results that every store returns, and their serializations — all by the engine.

A :class:`QueryResult` is engine-independent: rows of pyoxigraph terms (whichever store
answered), a boolean, or triples.  Every serialization is pyoxigraph's: graphs by its RDF
serializer, result sets and booleans by its SPARQL results serializer
(:func:`serialize_answer`), which also enforces the row cap (see there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .errors import Unrepresentable
from .formats import RESULTS_FORMATS, rdf_format
from .namespaces import PREFIXES, XSD

__all__ = [
    "QueryResult", "ResultInfo", "term_to_python", "collect", "serialize_answer",
    "parse_answer", "triples_table", "RESULTS_ENGINE_FORMATS",
]

#: Results formats by name → the engine's format.
RESULTS_ENGINE_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
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
        """A graph answer in an RDF format, by the engine's serializer.

        Result sets and booleans are serialized where the engine's answer is still at hand:
        :meth:`~careerkg.graph.store.Store.query_serialized`.
        """
        if self.kind != "graph":
            raise ValueError(
                f"a {self.kind} result is serialized by Store.query_serialized, not here"
            )
        return ox.serialize(self.triples, format=rdf_format(fmt).engine, prefixes=PREFIXES) or b""


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


def _engine_results_format(fmt: str) -> ox.QueryResultsFormat:
    name = RESULTS_FORMATS[fmt].name if fmt in RESULTS_FORMATS else fmt
    try:
        return RESULTS_ENGINE_FORMATS[name]
    except KeyError:
        known = ", ".join(RESULTS_ENGINE_FORMATS)
        raise ValueError(f"a result set cannot be written as {fmt!r}; use {known}") from None


def serialize_answer(answer, fmt: str, limit: int | None = None) -> tuple[bytes, ResultInfo]:
    """Serialize an engine's answer as ``fmt`` with the engine's serializer, at most
    ``limit`` rows (or triples).

    ``answer`` is what pyoxigraph gives: :class:`pyoxigraph.QuerySolutions` (from a store or
    from :func:`pyoxigraph.parse_query_results`), :class:`pyoxigraph.QueryBoolean`, or
    triples.  The engine's serializer cannot stop at a row, so a capped result set is
    written as TSV first — one line a row, newlines inside values escaped — cut after
    ``limit`` rows, and, for another format, read back and written again by the engine.
    A cut answer says so in its body: the JSON gets ``"careerkg": {"truncated": true,
    "limit": N}``, the XML a ``<link href="urn:careerkg:truncated:limit:N"/>`` in its head.

    Ask the engine for no more than ``limit + 1`` rows (the query's own ``LIMIT``): it then
    stops early and this function only learns whether there were more.
    """
    if isinstance(answer, ox.QuerySolutions):
        return _serialize_solutions(answer, fmt, limit)
    if isinstance(answer, ox.QueryBoolean):
        body = answer.serialize(format=_engine_results_format(fmt))
        return body, ResultInfo("boolean", [], 0, False, limit, bool(answer))
    result = collect(answer, limit)
    return result.serialize(fmt), result.info()


def _serialize_solutions(solutions: ox.QuerySolutions, fmt: str, limit: int | None):
    engine = _engine_results_format(fmt)
    variables = [v.value for v in solutions.variables]
    if limit is None:
        body = solutions.serialize(format=engine)
        return _checked(body, engine), ResultInfo("bindings", variables, None, False, None)
    tsv = solutions.serialize(format=ox.QueryResultsFormat.TSV)
    rows = tsv.count(b"\n") - 1  # the header line, then one line a row
    truncated = rows > limit
    if truncated:
        end = -1
        for _line in range(limit + 1):
            end = tsv.index(b"\n", end + 1)
        tsv, rows = tsv[: end + 1], limit
    if engine == ox.QueryResultsFormat.TSV:
        body = tsv
    else:
        body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
            format=engine
        )
    body = _checked(body, engine)
    if truncated:
        body = _mark_truncated(body, engine, limit)
    return body, ResultInfo("bindings", variables, rows, truncated, limit)


#: Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def _checked(body: bytes, engine: ox.QueryResultsFormat) -> bytes:
    """The engine's XML made safe to parse: a carriage return in a value becomes
    ``&#13;`` (written raw, parsers read it as a line feed), and a character XML 1.0
    cannot carry is an :class:`~careerkg.graph.errors.Unrepresentable` error rather
    than a document no parser reads."""
    if engine != ox.QueryResultsFormat.XML:
        return body
    bad = _NOT_XML.search(body)
    if bad:
        char = bad.group().decode("utf-8")
        raise Unrepresentable(
            f"the answer holds the character U+{ord(char):04X}, which XML 1.0 cannot carry; "
            "ask for JSON, CSV or TSV"
        )
    return body.replace(b"\r", b"&#13;")


def _mark_truncated(body: bytes, engine: ox.QueryResultsFormat, limit: int) -> bytes:
    if engine == ox.QueryResultsFormat.JSON:
        # Before "results" (the engine's own parser reads no key after it); the head holds
        # only variable names, which have no quotes, so the first "results" key is this one.
        mark = b'"careerkg":{"truncated":true,"limit":%d},' % limit
        return body.replace(b'"results":', mark + b'"results":', 1)
    if engine == ox.QueryResultsFormat.XML:  # the head comes first; values escape "<"
        link = b'<link href="urn:careerkg:truncated:limit:%d"/>' % limit
        return body.replace(b"</head>", link + b"</head>", 1)
    return body


def parse_answer(body: bytes, fmt: str, info: ResultInfo) -> QueryResult:
    """A serialized answer read back (by the engine's parsers) into a :class:`QueryResult`,
    with the cap and truncation that ``info`` reports."""
    if info.kind == "graph":
        parsed = ox.parse(body, format=rdf_format(fmt).engine)
        result = collect(quad.triple for quad in parsed)
    else:
        result = collect(ox.parse_query_results(body, format=_engine_results_format(fmt)))
    result.truncated, result.limit = info.truncated, info.limit
    return result


def triples_table(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """Triples as a subject / predicate / object result set in ``fmt``, by the engine."""
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    solutions = graph.query(
        "SELECT ?subject ?predicate ?object WHERE { ?subject ?predicate ?object }"
    )
    return serialize_answer(solutions, fmt)[0]

"""The fixed query workload, its parameters, and answers compared across engines.

The queries are data: ``benchmarks/sparql/*.rq``, with the same header as the canned queries
(title, description, parameters) and read by the same loader
(:func:`careerkg.graph.library.load_library`).  Parameters (``$role_a`` ...) are substituted
as SPARQL terms into the text before any engine sees it, so every engine parses and plans the
very same query — binding through ``VALUES`` instead would change how rdflib plans the join.

Answers are compared as sets of rows (or of triples) of normalised terms: numbers compare by
value to nine significant digits (engines write ``AVG`` of decimals with different numbers of
digits), ``xsd:string`` equals a plain literal, language tags compare case-insensitively, and
blank nodes compare equal to each other (their labels are local to a response).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from careerkg.graph.library import load_library
from careerkg.graph.namespaces import CKG, XSD
from careerkg.graph.sparql import analyse
from careerkg.graph.store import Store

__all__ = [
    "QUERY_DIR",
    "SIMPLE_QUERIES",
    "QueryParams",
    "BenchQuery",
    "Answer",
    "workload",
    "substitute",
    "pick_params",
    "answer_from_http",
    "answer_from_rdflib",
    "answer_difference",
]

QUERY_DIR = Path(__file__).resolve().parent / "sparql"
#: The queries of the throughput measure (index lookups, what most page views run).
SIMPLE_QUERIES = ("lookup-role", "lookup-label")

_NUMERIC = {
    XSD + t
    for t in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
        "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
}
_PARAM = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class QueryParams:
    """Parameter values of one dataset, each written as a SPARQL term."""

    role_a: str
    role_b: str
    label_a: str
    link: str

    def values(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class BenchQuery:
    name: str
    title: str
    form: str
    text: str

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def substitute(text: str, values: dict[str, str]) -> str:
    """Replace each ``$name`` of a query with its value (a SPARQL term).

    >>> substitute("SELECT * { $r ?p ?o }", {"r": "<http://e/r>"})
    'SELECT * { <http://e/r> ?p ?o }'
    """

    def replace(match: re.Match) -> str:
        try:
            return values[match.group(1)]
        except KeyError:
            raise ValueError(
                f"query parameter ${match.group(1)} has no value "
                f"(known: {', '.join(sorted(values))})"
            ) from None

    return _PARAM.sub(replace, text)


def workload(params: QueryParams, names: list[str] | None = None) -> list[BenchQuery]:
    """The benchmark queries with ``params`` substituted, in file-name order."""
    library = load_library(str(QUERY_DIR))
    chosen = names or list(library)
    out = []
    for name in chosen:
        canned = library[name]
        text = substitute(canned.text, params.values())
        out.append(BenchQuery(name, canned.title, analyse(text).form or "?", text))
    return out


def _first(result) -> ox.Term | None:
    rows = result.rows
    return rows[0][0] if rows else None


def pick_params(store: Store) -> QueryParams:
    """Choose parameters from the data: the role with the most requirements, the role sharing
    the most with it, and its label; requirements are skills, or tools where roles have more
    tool links than skill links (as in O*NET's technology data).

    Raises ``ValueError`` when the graph has no role with requirements.
    """
    prefix = f"PREFIX ckg: <{CKG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    counts = store.query(
        prefix + "SELECT (SUM(?s) AS ?skills) (SUM(?t) AS ?tools) WHERE { ?r a ckg:Role . "
        "{ ?r ckg:requiresSkill ?x BIND(1 AS ?s) BIND(0 AS ?t) } UNION "
        "{ ?r ckg:usesTool ?x BIND(0 AS ?s) BIND(1 AS ?t) } }"
    ).to_python()
    skills, tools = (counts[0].get("skills", 0), counts[0].get("tools", 0)) if counts else (0, 0)
    if not skills and not tools:
        raise ValueError("no role requires a skill or uses a tool: nothing to benchmark")
    link = f"<{CKG}{'requiresSkill' if skills >= tools else 'usesTool'}>"
    role_a = _first(store.query(
        prefix + f"SELECT ?r (COUNT(?x) AS ?n) WHERE {{ ?r a ckg:Role ; {link} ?x }} "
        "GROUP BY ?r ORDER BY DESC(?n) ?r LIMIT 1"
    ))
    a = str(role_a)
    role_b = _first(store.query(
        prefix + f"SELECT ?o (COUNT(?x) AS ?n) WHERE {{ {a} {link} ?x . ?o a ckg:Role ; "
        f"{link} ?x FILTER(?o != {a}) }} GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1"
    ))
    label = _first(store.query(
        prefix + f"SELECT ?l WHERE {{ {a} skos:prefLabel|<http://www.w3.org/2000/01/rdf-schema#"
        "label> ?l } ORDER BY ?l LIMIT 1"
    ))
    if role_b is None or label is None:
        raise ValueError(f"role {a} shares nothing with another role, or has no label")
    return QueryParams(role_a=a, role_b=str(role_b), label_a=str(label), link=link)


# -- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """An engine's answer, normalised: ``kind`` is bindings, boolean or graph."""

    kind: str
    items: frozenset
    size: int

    def to_dict(self) -> dict:
        return {"kind": self.kind, "distinct": len(self.items), "size": self.size}


def _number(lexical: str) -> str:
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return lexical
    if not value.is_finite():
        return str(value)
    return f"{float(value):.9g}"


def _norm(kind: str, value: str, datatype: str | None = None, lang: str | None = None):
    if kind == "iri":
        return ("iri", value)
    if kind == "bnode":
        return ("bnode",)
    if lang:
        return ("lit", value, "@" + lang.lower())
    if datatype in _NUMERIC:
        return ("num", _number(value))
    if datatype in (None, "", XSD + "string"):
        return ("lit", value, "")
    return ("lit", value, datatype)


def _norm_ox(term) -> tuple | None:
    """A pyoxigraph term, normalised as the JSON encoding of it would be."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return _norm("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return _norm("bnode", term.value)
    return _norm("lit", term.value, term.datatype.value, term.language)


def _norm_json(binding: dict | None) -> tuple | None:
    if binding is None:
        return None
    kind = binding["type"]
    if kind == "uri":
        return _norm("iri", binding["value"])
    if kind == "bnode":
        return _norm("bnode", binding["value"])
    return _norm("lit", binding["value"], binding.get("datatype"), binding.get("xml:lang"))


def answer_from_http(body: bytes, content_type: str) -> Answer:
    """Normalise a SPARQL protocol response: JSON results, or an RDF graph."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/sparql-results+json", "application/json"):
        doc = json.loads(body)
        if "boolean" in doc:
            return Answer("boolean", frozenset([bool(doc["boolean"])]), 1)
        names = doc["head"].get("vars", [])
        rows = [
            tuple(_norm_json(b.get(n)) for n in sorted(names))
            for b in doc["results"]["bindings"]
        ]
        return Answer("bindings", frozenset(rows), len(rows))
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise ValueError(f"cannot read a response of type {content_type!r}")
    triples = [
        (_norm_ox(q.subject), _norm_ox(q.predicate), _norm_ox(q.object))
        for q in ox.parse(body, format=fmt)
    ]
    return Answer("graph", frozenset(triples), len(triples))


def _norm_rdflib(term) -> tuple | None:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return _norm("iri", str(term))
    if isinstance(term, BNode):
        return _norm("bnode", str(term))
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return _norm("lit", str(term), datatype, term.language)
    return ("other", str(term))


def answer_from_rdflib(result) -> Answer:
    """Normalise an rdflib query result (already materialised or not)."""
    if result.type == "ASK":
        return Answer("boolean", frozenset([bool(result.askAnswer)]), 1)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples = [tuple(_norm_rdflib(t) for t in triple) for triple in result.graph]
        return Answer("graph", frozenset(triples), len(triples))
    names = sorted(str(v) for v in result.vars)
    rows = [
        tuple(_norm_rdflib(row.get(n) if hasattr(row, "get") else row[n]) for n in names)
        for row in result
    ]
    return Answer("bindings", frozenset(rows), len(rows))


def answer_difference(answers: dict[str, Answer]) -> str | None:
    """``None`` when every engine gave the same answer, else what differs (with examples)."""
    names = list(answers)
    reference = answers[names[0]]
    problems = []
    for name in names[1:]:
        other = answers[name]
        if other.kind != reference.kind:
            problems.append(f"{name} answered a {other.kind}, {names[0]} a {reference.kind}")
            continue
        if other.items != reference.items:
            only_ref = sorted(reference.items - other.items, key=repr)[:2]
            only_other = sorted(other.items - reference.items, key=repr)[:2]
            problems.append(
                f"{names[0]} has {len(reference.items)} distinct, {name} {len(other.items)}; "
                f"only in {names[0]}: {only_ref}; only in {name}: {only_other}"
            )
    return "; ".join(problems) or None

"""What the graph says about one IRI: the triples of its page, and how a page shows them.

:func:`describe_query` is the one definition of an entity's description — its outgoing and
incoming triples plus the labels of every node and predicate they link — used both for the
Turtle / JSON-LD representations and for the HTML page (:func:`build_page`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from careerkg.graph.article import ArticleError, read_article, resolve_span
from careerkg.graph.namespaces import CKG, DCT, OA, RDF, RDF_TYPE, RDFS, SKOS, XSD
from careerkg.graph.results import QueryResult

from .links import external_href, local_url, term_text

__all__ = [
    "LABEL_PREDICATES",
    "describe_query",
    "exists_query",
    "Value",
    "Group",
    "EntityPage",
    "build_page",
    "best_label",
    "PASSAGE_CLASS",
    "PassageSource",
    "passage_source_query",
    "passage_source",
]

#: Predicates whose values name a node, best first.
LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label")
#: Predicates shown as the page's description, best first.
DESCRIPTION_PREDICATES = (SKOS + "definition", RDFS + "comment", DCT + "description")
#: How a predicate reads backwards (the heading of incoming links).
INVERSE_LABEL = CKG + "inverseLabel"
#: Predicates listed under "Labels" on a page.
NAME_PREDICATES = (*LABEL_PREDICATES, SKOS + "altLabel", SKOS + "notation")


def _iri(value: str) -> str:
    if any(c in value for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def describe_query(iri: str) -> str:
    """CONSTRUCT the description of ``iri``: outgoing and incoming triples, and labels.

    Raises
    ------
    ValueError
        When ``iri`` cannot be written as a SPARQL IRI.

    Examples
    --------
    >>> "CONSTRUCT" in describe_query("https://w3id.org/careerkg/id/role/data-scientist")
    True
    """
    node = _iri(iri)
    labels = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
    return f"""CONSTRUCT {{
  {node} ?p ?o . ?o ?olp ?ol . ?p ?plp ?pl .
  ?s ?ip {node} . ?s ?slp ?sl . ?ip ?iplp ?ipl . ?ip <{INVERSE_LABEL}> ?inv .
}} WHERE {{
  {{ {node} ?p ?o .
     OPTIONAL {{ VALUES ?olp {{ {labels} }} ?o ?olp ?ol }}
     OPTIONAL {{ VALUES ?plp {{ {labels} }} ?p ?plp ?pl }} }}
  UNION
  {{ ?s ?ip {node} .
     OPTIONAL {{ VALUES ?slp {{ {labels} }} ?s ?slp ?sl }}
     OPTIONAL {{ VALUES ?iplp {{ {labels} }} ?ip ?iplp ?ipl }}
     OPTIONAL {{ ?ip <{INVERSE_LABEL}> ?inv FILTER(LANGMATCHES(LANG(?inv), "en")) }} }}
}}"""


def exists_query(iri: str) -> str:
    """ASK whether ``iri`` appears anywhere in the graph (subject, predicate or object)."""
    node = _iri(iri)
    return f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s {node} ?o }} UNION {{ ?s ?p {node} }} }}"


@dataclass
class Value:
    """One value shown on a page: an IRI (linked), a literal or a blank node."""

    term: object
    text: str
    href: str | None = None
    external: str | None = None
    language: str | None = None
    datatype: str | None = None


#: Most values a page lists for one predicate; the rest are counted and one query away.
VALUES_SHOWN = 100


@dataclass
class Group:
    """The values of one predicate (outgoing) or the subjects linking in through it."""

    predicate: str
    label: str
    href: str
    values: list[Value] = field(default_factory=list)
    #: Values not listed (beyond :data:`VALUES_SHOWN`).
    more: int = 0
    #: A query listing them all (when some are not listed).
    more_query: str | None = None


@dataclass
class EntityPage:
    """What an entity's HTML page shows."""

    iri: str
    label: str
    description: str | None
    names: list[Group]
    types: list[Value]
    properties: list[Group]
    incoming: list[Group]
    truncated: bool = False
    external: str | None = None

    def has_type(self, iri: str) -> bool:
        return any(isinstance(v.term, ox.NamedNode) and v.term.value == iri for v in self.types)


def _labels(triples) -> dict[str, list[ox.Literal]]:
    found: dict[str, list] = defaultdict(list)
    for t in triples:
        if t.predicate.value in LABEL_PREDICATES and isinstance(t.object, ox.Literal):
            found[_key(t.subject)].append((LABEL_PREDICATES.index(t.predicate.value), t.object))
    return {k: [lit for _rank, lit in sorted(v, key=_label_rank)] for k, v in found.items()}


def _label_rank(item):
    rank, literal = item
    language = literal.language or ""
    return (0 if language in ("en", "") or language.startswith("en-") else 1, rank,
            literal.value)


def _key(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def best_label(term, labels: dict[str, list]) -> str:
    """A node's label (English or plain preferred, ``skos:prefLabel`` before ``rdfs:label``),
    else its compact name."""
    if isinstance(term, ox.Literal):
        return term.value
    found = labels.get(_key(term))
    return found[0].value if found else term_text(term)


def _value(term, labels) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(term, best_label(term, labels), href=local_url(term.value),
                     external=external_href(term.value))
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else None
        if datatype in (XSD + "string", RDF + "langString"):
            datatype = None
        return Value(term, term.value, language=term.language or None, datatype=datatype)
    return Value(term, term_text(term))


def inverse_heading(label: str, inverse: str | None) -> str:
    """The heading of the things linking to a page through a predicate: its inverse label
    ("required by") when the ontology gives one, else the label quoted ("linked by
    “hired in”"): never "is hired in of".

    >>> inverse_heading("requires skill", "required by")
    'required by'
    >>> inverse_heading("related", None)
    'linked here by “related”'
    """
    return inverse or f"linked here by “{label}”"


def _groups(pairs, labels, query=None, inverses=None) -> list[Group]:
    by_predicate: dict[str, dict] = defaultdict(dict)
    for predicate, term in pairs:
        by_predicate[predicate].setdefault(term, None)
    groups = []
    for predicate, terms in by_predicate.items():
        node = ox.NamedNode(predicate)
        values = sorted((_value(t, labels) for t in terms), key=lambda v: v.text.lower())
        label = best_label(node, labels)
        if inverses is not None:
            label = inverse_heading(label, inverses.get(predicate))
        group = Group(predicate, label, local_url(predicate),
                      values[:VALUES_SHOWN], more=max(0, len(values) - VALUES_SHOWN))
        if group.more and query is not None:
            group.more_query = query(predicate)
        groups.append(group)
    return sorted(groups, key=lambda g: g.label.lower())


def build_page(iri: str, result: QueryResult) -> EntityPage:
    """Turn the answer of :func:`describe_query` into what the HTML page shows.

    Parameters
    ----------
    iri
        The described IRI.
    result
        The CONSTRUCT answer (its ``truncated`` flag is carried over).

    Returns
    -------
    EntityPage
    """
    triples = result.triples
    labels = _labels(triples)
    outgoing = [(t.predicate.value, t.object) for t in triples
                if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri]
    incoming = [(t.predicate.value, t.subject) for t in triples
                if isinstance(t.object, ox.NamedNode) and t.object.value == iri]
    inverses = {t.subject.value: t.object.value for t in triples
                 if t.predicate.value == INVERSE_LABEL and isinstance(t.subject, ox.NamedNode)}
    names = [g for g in _groups([p for p in outgoing if p[0] in NAME_PREDICATES], labels)]
    types = sorted((_value(o, labels) for p, o in outgoing if p == RDF_TYPE),
                   key=lambda v: v.text.lower())
    node = _iri(iri)
    properties = _groups(
        [p for p in outgoing if p[0] not in NAME_PREDICATES and p[0] != RDF_TYPE], labels,
        lambda p: f"SELECT ?value WHERE {{ {node} <{p}> ?value }} ORDER BY ?value",
    )
    description = next(
        (o.value for pred in DESCRIPTION_PREDICATES for p, o in outgoing
         if p == pred and isinstance(o, ox.Literal)
         and (not o.language or o.language.startswith("en"))),
        None,
    )
    return EntityPage(
        iri=iri,
        label=best_label(ox.NamedNode(iri), labels),
        description=description,
        names=names,
        types=types,
        properties=properties,
        incoming=_groups(
            incoming, labels,
            lambda p: f"SELECT ?subject WHERE {{ ?subject <{p}> {node} }} ORDER BY ?subject",
            inverses,
        ),
        truncated=result.truncated,
        external=external_href(iri),
    )


# -- a passage's source: where it is in the article, and its text when the article is at hand --

PASSAGE_CLASS = CKG + "Passage"


@dataclass
class PassageSource:
    """Where a passage is in the article: the graph keeps the position, never the text.

    ``text`` is the resolved span when the server has the article file (its ``ARTICLE``
    setting) and the file's SHA-256 is the one recorded; ``note`` says why it is not shown.
    """

    section: str
    position: int
    start: int
    end: int
    article: str
    sha256: str | None
    text: str | None = None
    note: str | None = None


def passage_source_query(iri: str) -> str:
    """SELECT a passage's section, order, selector offsets, article and the article's SHA-256.

    >>> "oa#hasSelector" in passage_source_query("https://w3id.org/careerkg/id/source/p")
    True
    """
    node = _iri(iri)
    return f"""SELECT ?section ?position ?start ?end ?article ?sha256 WHERE {{
  {node} <{CKG}section> ?section ; <{CKG}position> ?position ;
         <{OA}hasSource> ?article ; <{OA}hasSelector> ?selector .
  ?selector <{OA}start> ?start ; <{OA}end> ?end .
  OPTIONAL {{ ?article <{CKG}sha256> ?sha256 }}
}} LIMIT 1"""


def passage_source(result: QueryResult, article_file) -> PassageSource | None:
    """The answer of :func:`passage_source_query` as a :class:`PassageSource`, its text
    resolved from ``article_file`` (a path, read now; None when the server has none)."""
    if not result.rows:
        return None
    row = dict(zip(result.variables, result.rows[0], strict=True))
    sha256 = row["sha256"].value if row.get("sha256") is not None else None
    source = PassageSource(
        section=row["section"].value, position=int(row["position"].value),
        start=int(row["start"].value), end=int(row["end"].value),
        article=row["article"].value, sha256=sha256,
    )
    if not article_file:
        source.note = "The article's text is not shown: this server has no copy of the article."
        return source
    try:
        source.text = resolve_span(read_article(article_file, sha256), source.start, source.end)
    except ArticleError as error:
        source.note = f"The article's text is not shown: {error}."
    return source

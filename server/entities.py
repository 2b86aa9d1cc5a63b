"""Entity pages: every IRI of the graph dereferences, as HTML or as RDF.

``/id/<path>`` serves ``https://w3id.org/careerkg/id/<path>``; ``/ontology`` the ontology
and its terms (``/ontology#Role``); ``/resource?iri=<IRI>`` any other IRI in the graph.  A
browser gets an HTML page; a client asking for Turtle, JSON-LD, N-Triples or RDF/XML (by
``Accept``, a ``.ttl`` / ``.jsonld`` suffix or ``?format=``) gets the entity's description.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from careerkg.graph.browse import KINDS, roles_needing
from careerkg.graph.formats import RDF_FORMATS
from careerkg.graph.namespaces import CKG, ID, OWL
from careerkg.graph.results import QueryResult
from careerkg.graph.roles import role_profile
from careerkg.graph.search import AmbiguousName, NameNotFound

from .describe import LABEL_PREDICATES as _LABELS
from .describe import (
    PASSAGE_CLASS,
    EntityPage,
    build_page,
    describe_query,
    exists_query,
    passage_source,
    passage_source_query,
)
from .errors import HttpProblem
from .links import ONTOLOGY_IRI, RDF_SUFFIXES, local_url
from .negotiation import PAGE_OFFERS, choose_format, format_parameter, representation
from .params import int_arg
from .salary_chart import salary_chart
from .state import state, store

__all__ = ["bp", "ROLE_CLASS"]

bp = Blueprint("entities", __name__)

ROLE_CLASS = CKG + "Role"
#: Sections of the ontology page: title, the owl type of their terms.
ONTOLOGY_SECTIONS = (
    ("Classes", OWL + "Class"),
    ("Object properties", OWL + "ObjectProperty"),
    ("Datatype properties", OWL + "DatatypeProperty"),
    ("Annotation properties", OWL + "AnnotationProperty"),
)

def _representation(suffix_format: str | None) -> str:
    """html or an RDF format name, from the suffix, else as negotiated."""
    return suffix_format or choose_format(PAGE_OFFERS, "html")


def _split_suffix(value: str) -> tuple[str, str | None]:
    for suffix, fmt in RDF_SUFFIXES.items():
        if value.endswith(suffix):
            return value[: -len(suffix)], fmt
    return value, None


def _not_found(iri: str):
    return HttpProblem(404, f"the graph has nothing about <{iri}>")


def _describe(iri: str, fmt: str):
    app_state = state()
    try:
        query = describe_query(iri)
    except ValueError as error:
        raise HttpProblem(400, str(error)) from None
    if fmt == "html":
        result = store().query(query, limit=app_state.max_rows, timeout=app_state.timeout)
        if not result.triples and not store().query(exists_query(iri)).boolean:
            raise _not_found(iri)
        page = build_page(iri, result)
        source = None
        if page.has_type(PASSAGE_CLASS):
            source = passage_source(store().query(passage_source_query(iri)),
                                    current_app.config.get("ARTICLE"))
        response = Response(render_template(
            "entity.html", page=page, alternates=_alternates(iri), source=source,
            **_role_parts(page), **_needing_parts(page)))
    else:
        body, meta = store().query_serialized(
            query, fmt, limit=app_state.max_rows, timeout=app_state.timeout)
        if not meta.rows and not store().query(exists_query(iri)).boolean:
            raise _not_found(iri)
        return representation(body, fmt, truncated=meta.truncated)
    response.vary.add("Accept")
    return response


#: Rows of the "roles that need it" table of a skill, tool or industry page.
NEEDING_PER_PAGE = 25


def route_exists(rule: str) -> bool:
    """Whether the app serves ``rule`` (checked when a page is drawn, so that a page links
    "what next" or "path to" only once the app has them)."""
    return any(r.rule == rule for r in current_app.url_map.iter_rules())


def role_actions(iri: str) -> list[tuple[str, str]]:
    """What a person can do from a role's page: (label, URL) of each action."""
    root = request.script_root
    actions = [("Compare with…", f"{root}/compare?{urlencode({'a': iri})}"),
               ("Overlap with other roles", f"{root}/overlap?{urlencode({'role': iri})}")]
    if route_exists("/next"):
        actions.append(("What next", f"{root}/next?{urlencode({'role': iri})}"))
    if route_exists("/path"):
        actions.append(("Path to…", f"{root}/path?{urlencode({'a': iri})}"))
    return actions


def _role_parts(page: EntityPage) -> dict:
    """The role summary and sections of a role's page (nothing for other pages)."""
    if not page.has_type(ROLE_CLASS):
        return {}
    try:
        profile = role_profile(store(), page.iri)
    except (NameNotFound, AmbiguousName):  # not in the search index: the plain page
        return {}
    return {"profile": profile, "actions": role_actions(page.iri),
            "chart": salary_chart(profile.wages, profile.iri, ""),
            "comparison": {"a": {"label": profile.label}, "b": {"label": ""}}}


def _needing_parts(page: EntityPage) -> dict:
    """The roles that need a skill, tool or industry, on its page (nothing for others)."""
    kind = next((k for k, (cls, _p, _t) in KINDS.items() if page.has_type(cls)), None)
    if kind is None or page.has_type(ROLE_CLASS):
        return {}
    number = int_arg("page", 1, 100_000)
    listing = roles_needing(store(), page.iri, kind, page=number, per_page=NEEDING_PER_PAGE)
    if page.iri.startswith(ID):
        endpoint, args = "entities.entity", {"path": page.iri[len(ID):]}
    else:
        endpoint, args = "entities.resource", {"iri": page.iri}
    return {"needing": listing, "needing_endpoint": endpoint, "needing_args": args}


def _alternates(iri: str) -> list[tuple[str, str, str]]:
    """(label, media type, URL) of the RDF representations of an entity page."""
    if iri.startswith(ID):
        base = url_for("entities.entity", path=iri[len(ID):])
        return [("Turtle", "text/turtle", base + ".ttl"),
                ("JSON-LD", "application/ld+json", base + ".jsonld")]
    return [("Turtle", "text/turtle", url_for("entities.resource", iri=iri, format="ttl")),
            ("JSON-LD", "application/ld+json",
             url_for("entities.resource", iri=iri, format="jsonld"))]


@bp.route("/id/<path:path>")
def entity(path: str):
    """The page of ``https://w3id.org/careerkg/id/<path>``."""
    local, suffix_format = _split_suffix(path)
    return _describe(ID + local, _representation(suffix_format))


@bp.route("/resource")
def resource():
    """The page of any IRI that appears in the graph: ``/resource?iri=<IRI>``."""
    iri = (request.args.get("iri") or "").strip()
    if not iri:
        raise HttpProblem(400, "give the IRI to look up: /resource?iri=<IRI>")
    target = local_url(iri)
    if urlsplit(target).path != request.path:
        # careerkg's own IRIs have their own address: send the client there.
        path, _hash, fragment = target.partition("#")
        given = format_parameter()
        if given:
            path += "?" + urlencode(dict([given]))
        return redirect(path + (f"#{fragment}" if fragment else ""), code=303)
    return _describe(iri, _representation(None))


@bp.route("/ontology")
@bp.route("/ontology.<any(ttl, jsonld):suffix>")
def ontology(suffix: str | None = None):
    """The ontology: an HTML page with a section per term, or the ontology source as RDF."""
    fmt = _representation(RDF_SUFFIXES.get(f".{suffix}") if suffix else None)
    source = store().source("ontology")
    if fmt != "html":
        if source is None:
            raise HttpProblem(404, "this graph has no ontology source")
        return representation(store().dump_graph(source.graph, RDF_FORMATS[fmt]), fmt)
    result = store().query(_ontology_query(), limit=state().max_rows,
                           timeout=state().timeout)
    subjects = sorted({t.subject.value for t in result.triples
                       if isinstance(t.subject, ox.NamedNode)
                       and (t.subject.value.startswith(CKG) or t.subject.value == ONTOLOGY_IRI)})
    if not subjects:
        raise HttpProblem(404, "this graph has no ontology terms")
    terms: dict[str, EntityPage] = {s: build_page(s, _only_about(s, result)) for s in subjects}
    header = terms.pop(ONTOLOGY_IRI, None)
    sections: list[tuple[str, list[EntityPage]]] = []
    placed: set[str] = set()
    for title, owl_type in ONTOLOGY_SECTIONS:
        members = [p for p in terms.values() if p.has_type(owl_type) and p.iri not in placed]
        placed.update(p.iri for p in members)
        sections.append((title, sorted(members, key=lambda p: p.label.lower())))
    others = [p for p in terms.values() if p.iri not in placed]
    sections.append(("Individuals and other terms", sorted(others, key=lambda p: p.label.lower())))
    response = Response(render_template(
        "ontology.html", header=header, sections=[s for s in sections if s[1]],
        namespace=CKG, ontology_iri=ONTOLOGY_IRI, truncated=result.truncated,
        alternates=[("Turtle", "text/turtle", url_for("entities.ontology", suffix="ttl")),
                    ("JSON-LD", "application/ld+json",
                     url_for("entities.ontology", suffix="jsonld"))],
    ))
    response.vary.add("Accept")
    return response


def _only_about(subject: str, result: QueryResult) -> QueryResult:
    """The triples of ``result`` that a page about ``subject`` needs (its own and labels)."""
    triples = [t for t in result.triples
               if (isinstance(t.subject, ox.NamedNode) and t.subject.value == subject)
               or t.predicate.value in _LABELS]
    return QueryResult(kind="graph", triples=triples, truncated=result.truncated)


def _ontology_query() -> str:
    labels = " ".join(f"<{p}>" for p in _LABELS)
    return f"""CONSTRUCT {{ ?s ?p ?o . ?o ?olp ?ol . ?p ?plp ?pl }} WHERE {{
  ?s ?p ?o .
  FILTER(isIRI(?s) && (STRSTARTS(STR(?s), "{CKG}") || ?s = <{ONTOLOGY_IRI}>))
  OPTIONAL {{ VALUES ?olp {{ {labels} }} ?o ?olp ?ol }}
  OPTIONAL {{ VALUES ?plp {{ {labels} }} ?p ?plp ?pl }}
}}"""

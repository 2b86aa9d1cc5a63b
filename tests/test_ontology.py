"""The ontology, the SHACL shapes and the seed files: well-formed, documented, valid, traceable.

- the seed (with the ontology) conforms to the shapes, and deliberately broken copies do not;
- every ckg: term is declared with a label and a comment, and every ckg: term used is declared;
- no blank nodes anywhere; instance IRIs follow the project's IRI scheme;
- passages point into the article by position (no copied text); with the article at hand
  (CAREERKG_ARTICLE) its SHA-256 is the recorded one, every selector resolves in article order,
  and every labelled seed resource is derived from a passage whose span states it (its name or
  its wording occurs in the span).
"""

from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

try:
    from seed_fixture import ONTOLOGY, QUERIES, SEED_FILES, SHAPES, article_text, seed_spans
except ImportError:  # tests/ imported as a package
    from tests.seed_fixture import ONTOLOGY, QUERIES, SEED_FILES, SHAPES, article_text, seed_spans

CKG = Namespace("https://w3id.org/careerkg/ontology#")
ID = "https://w3id.org/careerkg/id/"
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
QB = Namespace("http://purl.org/linked-data/cube#")
DCT = Namespace("http://purl.org/dc/terms/")
ESCO = Namespace("http://data.europa.eu/esco/model#")
OA = Namespace("http://www.w3.org/ns/oa#")
ONTOLOGY_IRI = URIRef("https://w3id.org/careerkg/ontology")

# The instance kinds of the IRI scheme: https://w3id.org/careerkg/id/<kind>/<slug>
KINDS = {
    "role", "skill", "tool", "category", "responsibility", "task", "industry", "use-case",
    "salary", "experience-level", "location", "source", "claim",
}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

PREFIXES = {
    "ckg": CKG, "rdfs": RDFS, "skos": SKOS, "prov": PROV,
    "role": Namespace(ID + "role/"), "skill": Namespace(ID + "skill/"),
    "tool": Namespace(ID + "tool/"), "salary": Namespace(ID + "salary/"),
    "level": Namespace(ID + "experience-level/"), "src": Namespace(ID + "source/"),
    "claim": Namespace(ID + "claim/"),
}


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY)


@pytest.fixture(scope="module")
def seed() -> Graph:
    graph = Graph()
    for path in SEED_FILES:
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def data(ontology, seed) -> Graph:
    """The data graph the shapes validate: ontology plus seed."""
    graph = Graph()
    graph += ontology
    graph += seed
    return graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES)


@pytest.fixture(scope="module")
def text() -> str:
    return article_text()


@pytest.fixture(scope="module")
def spans() -> dict[URIRef, str]:
    """Each passage's text, resolved from its selector in the article (skipped without it)."""
    return {URIRef(p): span for p, span in seed_spans().items()}


def validate(data_graph: Graph, shapes_graph: Graph):
    conforms, report, report_text = pyshacl.validate(
        data_graph, shacl_graph=shapes_graph, inference="none"
    )
    return conforms, report, report_text


# ---------------------------------------------------------------------------------------------
# SHACL
# ---------------------------------------------------------------------------------------------


def test_seed_conforms_to_shapes(data, shapes):
    conforms, _, report_text = validate(data, shapes)
    assert conforms, report_text


def test_seed_conforms_under_rdfs_inference_too(data, shapes):
    """`careerkg validate` runs the shapes with RDFS inference."""
    conforms, _, report_text = pyshacl.validate(
        data, shacl_graph=shapes, inference="rdfs", advanced=True
    )
    assert conforms, report_text


def test_shapes_state_the_inference_mode():
    head = SHAPES.read_text(encoding="utf-8")[:1500]
    assert 'inference="none"' in head


BROKEN = [
    pytest.param(
        "INSERT DATA { salary:mle-entry ckg:qualifier ckg:Exact }",
        "salary/mle-entry", id="figure-with-two-qualifiers",
    ),
    pytest.param(
        "DELETE WHERE { salary:ds-mid ckg:amount ?amount }",
        "salary/ds-mid", id="figure-missing-amount",
    ),
    pytest.param(
        'INSERT DATA { salary:mle-smaller-cities ckg:amount "100000"^^xsd:decimal }',
        "salary/mle-smaller-cities", id="relative-range-with-amount",
    ),
    pytest.param(
        "DELETE WHERE { salary:ds-smaller-cities ckg:relativeTo ?to }",
        "salary/ds-smaller-cities", id="relative-range-without-reference",
    ),
    pytest.param(
        'INSERT DATA { salary:ds-entry ckg:relativeMin "-0.1"^^xsd:decimal }',
        "salary/ds-entry", id="amount-figure-with-relative-bound",
    ),
    pytest.param(
        "DELETE WHERE { salary:mle-mid ckg:experienceLevel ?level }",
        "salary/mle-mid", id="experience-figure-without-level",
    ),
    pytest.param(
        "DELETE WHERE { salary:mle-overall ckg:year ?year }",
        "salary/mle-overall", id="figure-without-year",
    ),
    pytest.param(
        "DELETE WHERE { skill:calculus rdfs:label ?l . skill:calculus skos:prefLabel ?p }",
        "skill/calculus", id="skill-without-label",
    ),
    pytest.param(
        'INSERT DATA { tool:git rdfs:label "Git version control"@en }',
        "tool/git", id="two-english-labels",
    ),
    pytest.param(
        "DELETE WHERE { skill:calculus ckg:category ?c }",
        "skill/calculus", id="skill-without-category",
    ),
    pytest.param(
        "DELETE { level:mid ckg:minYears ?y } INSERT { level:mid ckg:minYears 3.5 } "
        "WHERE { level:mid ckg:minYears ?y }",
        "experience-level/mid", id="non-integer-year-bound",
    ),
    pytest.param(
        "DELETE { level:mid ckg:minYears ?y } INSERT { level:mid ckg:minYears 7 } "
        "WHERE { level:mid ckg:minYears ?y }",
        "experience-level/mid", id="year-bounds-reversed",
    ),
    pytest.param(
        "DELETE DATA { tool:keras a ckg:Tool }",
        "tool/keras", id="framework-not-typed-tool",
    ),
    pytest.param(
        "DELETE DATA { role:data-scientist ckg:usesTool tool:sql }",
        "role/data-scientist", id="language-not-asserted-as-tool",
    ),
    pytest.param(
        "DELETE WHERE { tool:git prov:wasDerivedFrom ?passage }",
        "tool/git", id="tool-without-provenance",
    ),
    pytest.param(
        "DELETE WHERE { src:passage-who-mle oa:hasSelector ?selector }",
        "source/passage-who-mle", id="passage-without-selector",
    ),
    pytest.param(
        'INSERT DATA { src:passage-who-mle ckg:quote "Some text of the article."@en }',
        "source/passage-who-mle", id="passage-with-copied-text",
    ),
    pytest.param(
        "DELETE { src:passage-who-mle-selector oa:end ?end } "
        "INSERT { src:passage-who-mle-selector oa:end 100 } "
        "WHERE { src:passage-who-mle-selector oa:end ?end }",
        "source/passage-who-mle-selector", id="selector-end-before-start",
    ),
    pytest.param(
        "DELETE { src:passage-who-mle-selector oa:start ?start } "
        'INSERT { src:passage-who-mle-selector oa:start "1222" } '
        "WHERE { src:passage-who-mle-selector oa:start ?start }",
        "source/passage-who-mle-selector", id="selector-start-not-an-integer",
    ),
    pytest.param(
        'INSERT DATA { src:article ckg:sha256 "not-a-digest" }',
        "source/article", id="article-with-malformed-sha256",
    ),
    pytest.param(
        "DELETE WHERE { claim:demand-will-grow ckg:subject ?role }",
        "claim/demand-will-grow", id="claim-without-subject",
    ),
]


@pytest.mark.parametrize(("update", "focus"), BROKEN)
def test_broken_data_does_not_conform(data, shapes, update, focus):
    broken = Graph()
    broken += data
    broken.update(update, initNs={**PREFIXES, "xsd": "http://www.w3.org/2001/XMLSchema#",
                                  "oa": OA})
    assert len(broken) != len(data) or update.startswith("DELETE {"), "the update changed nothing"
    conforms, report, report_text = validate(broken, shapes)
    assert not conforms
    focus_nodes = {str(node) for node in report.objects(None, SH.focusNode)}
    assert ID + focus in focus_nodes, report_text


def test_labels_in_other_languages_are_allowed(data, shapes):
    """Imports may add labels in other languages: one per language, English required."""
    more = Graph()
    more += data
    more.update(
        'INSERT DATA { skill:calculus rdfs:label "Analysis"@de ; skos:prefLabel "Analysis"@de }',
        initNs=PREFIXES,
    )
    conforms, _, report_text = validate(more, shapes)
    assert conforms, report_text


# ---------------------------------------------------------------------------------------------
# the ontology documents itself
# ---------------------------------------------------------------------------------------------


def ckg_terms(graph: Graph) -> set[URIRef]:
    return {
        node
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(CKG))
    }


def test_ontology_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for predicate in (OWL.versionInfo, DCT.license, DCT.description, RDFS.label, RDFS.comment):
        assert ontology.value(ONTOLOGY_IRI, predicate) is not None, predicate


def test_every_ckg_term_has_label_and_comment(ontology):
    declared = set(ontology.subjects()) & ckg_terms(ontology)
    assert len(declared) > 50
    missing = [
        str(term)
        for term in sorted(declared)
        if ontology.value(term, RDFS.label) is None or ontology.value(term, RDFS.comment) is None
    ]
    assert not missing


def test_every_class_and_property_is_declared_with_a_type(ontology):
    for term in set(ontology.subjects()) & ckg_terms(ontology):
        assert ontology.value(term, RDF.type) is not None, term


def test_every_ckg_term_used_is_declared(ontology, seed, shapes):
    declared = set(ontology.subjects()) & ckg_terms(ontology)
    used = ckg_terms(seed) | ckg_terms(shapes) | ckg_terms(ontology)
    for path in sorted(QUERIES.glob("*.rq")):
        used |= {CKG[name] for name in re.findall(r"\bckg:([A-Za-z][\w-]*)", path.read_text())}
    assert sorted(map(str, used - declared)) == []


def test_reused_vocabularies_are_related_in_the_ontology(ontology):
    expected = [
        (CKG.Role, RDFS.subClassOf, SCHEMA.Occupation),
        (CKG.Role, RDFS.subClassOf, SKOS.Concept),
        (CKG.Role, SKOS.closeMatch, ESCO.Occupation),
        (CKG.Skill, SKOS.closeMatch, ESCO.Skill),
        (CKG.SalaryFigure, RDFS.subClassOf, QB.Observation),
        (CKG.Passage, RDFS.subClassOf, PROV.Entity),
        (CKG.Passage, RDFS.subClassOf, OA.SpecificResource),
        (CKG.Claim, RDFS.subClassOf, PROV.Entity),
        (CKG.usesLanguage, RDFS.subPropertyOf, CKG.usesTool),
        (CKG.requiresSkill, RDFS.subPropertyOf, SCHEMA.skills),
        (CKG.requiresSkill, SKOS.closeMatch, ESCO.relatedEssentialSkill),
        (CKG.amount, RDF.type, QB.MeasureProperty),
        (CKG.role, RDF.type, QB.DimensionProperty),
        (CKG.qualifier, RDF.type, QB.AttributeProperty),
    ]
    for triple in expected:
        assert triple in ontology, triple
    for subclass in (CKG.ProgrammingLanguage, CKG.Framework, CKG.Library, CKG.Software):
        assert (subclass, RDFS.subClassOf, CKG.Tool) in ontology


def test_qualifiers_and_dimensions_are_individuals(ontology):
    qualifiers = set(ontology.subjects(RDF.type, CKG.Qualifier))
    assert qualifiers == {CKG.Exact, CKG.Approximate, CKG.AtLeast, CKG.UpTo, CKG.RelativeRange}
    dimensions = set(ontology.subjects(RDF.type, CKG.SalaryDimension))
    assert dimensions == {
        CKG.OverallDimension, CKG.ExperienceDimension, CKG.LocationDimension,
        CKG.IndustryDimension,
    }


# ---------------------------------------------------------------------------------------------
# the files: parse everywhere, no blank nodes, IRI scheme
# ---------------------------------------------------------------------------------------------

ALL_TURTLE = [ONTOLOGY, SHAPES, *SEED_FILES]


@pytest.mark.parametrize("path", ALL_TURTLE, ids=lambda path: path.name)
def test_file_parses_the_same_with_rdflib_and_oxigraph(path):
    graph = Graph().parse(path)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(graph) == len(store) > 0


@pytest.mark.parametrize("path", ALL_TURTLE, ids=lambda path: path.name)
def test_no_blank_nodes(path):
    graph = Graph().parse(path)
    blanks = [triple for triple in graph if any(isinstance(node, BNode) for node in triple)]
    assert blanks == []


def test_seed_is_split_by_topic():
    names = {path.name for path in SEED_FILES}
    assert {
        "source.ttl", "roles.ttl", "skills.ttl", "tools.ttl", "responsibilities.ttl",
        "tasks.ttl", "industries.ttl", "salaries.ttl", "claims.ttl", "categories.ttl",
    } <= names


def test_instance_iris_follow_the_scheme(seed):
    subjects = {node for node in seed.subjects() if isinstance(node, URIRef)}
    ours = {node for node in subjects if str(node).startswith(ID)}
    for node in ours:
        kind, _, slug = str(node)[len(ID):].partition("/")
        assert kind in KINDS, node
        assert SLUG.match(slug), node
    # everything else described in the seed is an outside occupation linked from a role
    others = subjects - ours
    linked = set(seed.objects(None, SKOS.closeMatch))
    assert others <= linked


# ---------------------------------------------------------------------------------------------
# provenance: every fact traces to a passage of the article that states it
# ---------------------------------------------------------------------------------------------


def selectors(seed: Graph) -> dict[URIRef, tuple[int, int]]:
    """Each passage's (oa:start, oa:end), as the seed states them."""
    found = {}
    for passage in seed.subjects(RDF.type, CKG.Passage):
        selector = seed.value(passage, OA.hasSelector)
        found[passage] = (seed.value(selector, OA.start).toPython(),
                          seed.value(selector, OA.end).toPython())
    return found


def test_passages_point_into_the_article_without_copying_it(seed):
    article = URIRef(ID + "source/article")
    found = selectors(seed)
    assert len(found) == 76
    assert list(seed.subject_objects(CKG.quote)) == []
    for passage, (start, end) in found.items():
        assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end, passage
        assert seed.value(passage, OA.hasSource) == article, passage
        assert seed.value(passage, DCT.isPartOf) == article, passage
    assert re.fullmatch(r"[0-9a-f]{64}", str(seed.value(article, CKG.sha256)))


def test_the_article_file_is_the_one_the_selectors_count_into(seed, text):
    """The digest the seed records is the article's (its bytes), and the offsets are code
    points of its UTF-8 decoding: every selector ends inside it."""
    from careerkg.graph.article import article_path

    digest = hashlib.sha256(article_path().read_bytes()).hexdigest()
    assert str(seed.value(URIRef(ID + "source/article"), CKG.sha256)) == digest
    assert max(end for _start, end in selectors(seed).values()) <= len(text)


def test_passages_are_numbered_in_article_order_and_do_not_overlap(seed, spans):
    found = selectors(seed)
    passages = sorted(found, key=lambda passage: int(seed.value(passage, CKG.position)))
    positions = [int(seed.value(passage, CKG.position)) for passage in passages]
    assert positions == list(range(1, len(passages) + 1))
    ordered = [found[passage] for passage in passages]
    assert ordered == sorted(ordered)
    assert all(end <= next_start
               for (_s, end), (next_start, _e) in zip(ordered, ordered[1:], strict=False))
    # a span is whole text: no leading or trailing whitespace, no list number or bullet
    for passage, span in spans.items():
        assert span == span.strip() and not re.match(r"(\d+\.|[-•*])\s", span), passage


def labelled_facts(seed: Graph) -> set[URIRef]:
    """Labelled seed resources that state facts (not passages, the article or outside sources)."""
    exempt_types = {CKG.Passage, SCHEMA.Article, CKG.ExternalSource}
    return {
        node
        for node in seed.subjects(RDFS.label)
        if str(node).startswith(ID) and not set(seed.objects(node, RDF.type)) & exempt_types
    }


def test_every_labelled_resource_is_derived_from_a_passage(seed):
    facts = labelled_facts(seed)
    assert len(facts) >= 160
    for node in facts:
        passages = list(seed.objects(node, PROV.wasDerivedFrom))
        assert passages, f"{node} has no prov:wasDerivedFrom"
        for passage in passages:
            assert (passage, RDF.type, CKG.Passage) in seed, (node, passage)


STOPWORDS = {"and", "the", "for", "in", "of", "to", "a"}


def stems(label: str) -> list[str]:
    words = [word for word in re.findall(r"[a-z0-9]+", label.lower()) if word not in STOPWORDS]
    return [word[:5] for word in words if len(word) >= 3]


def states(span: str, label: str) -> bool:
    """Whether a passage's span names a label: every word of it, allowing other endings (model /
    modeling, optimization / optimizing); labels of short tokens only (R, C++) must occur as is."""
    span = span.lower()
    label_stems = stems(label)
    if not label_stems:
        return label.lower() in span
    return all(stem in span for stem in label_stems)


def test_every_concept_is_named_in_a_passage_it_is_derived_from(seed, spans):
    """A role, skill, tool, category, task, industry, use case, level or place is derived from
    at least one passage whose span of the article names it (by its label or one of its
    alternative labels)."""
    named = [
        node
        for node in labelled_facts(seed)
        if (node, SKOS.prefLabel, None) in seed
    ]
    assert len(named) >= 110
    for node in named:
        names = [str(label) for label in seed.objects(node, SKOS.prefLabel)]
        names += [str(label) for label in seed.objects(node, SKOS.altLabel)]
        texts = [spans[p] for p in seed.objects(node, PROV.wasDerivedFrom)]
        assert any(states(span, name) for span in texts for name in names), node


def test_every_figure_wording_is_in_a_passage_it_is_derived_from(seed, spans):
    """Every figure's amount and qualifier wording ("around $89,000", "more than $150,000",
    "10-20% lower") occurs in the span of a passage it is derived from."""
    figures = list(seed.subjects(RDF.type, CKG.SalaryFigure))
    assert len(figures) == 20
    for figure in figures:
        texts = [spans[p] for p in seed.objects(figure, PROV.wasDerivedFrom)]
        wordings = [seed.value(figure, CKG.statedAs), *seed.objects(figure, CKG.alsoStatedAs)]
        for wording in wordings:
            assert isinstance(wording, Literal)
            assert any(str(wording) in span for span in texts), (figure, wording)


def test_article_metadata_is_only_what_the_article_gives(seed):
    article = URIRef(ID + "source/article")
    assert str(seed.value(article, DCT.title)) == (
        "Machine Learning Engineer vs Data Scientist: Key Differences, Salaries, and Career Paths"
    )
    for predicate in (DCT.creator, DCT.date, DCT.issued, DCT.publisher, SCHEMA.author,
                      SCHEMA.datePublished, SCHEMA.url):
        assert seed.value(article, predicate) is None, predicate

"""The Python API (issue 14): ``careerkg.open()`` and what it gives, on real stores.

Every answer is checked against a second way of getting it: the ``careerkg`` command run on
the same kind of store, the engine itself, or the Turtle the test wrote.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from conftest import ONET_DIR

import careerkg
from careerkg.graph.builtin import shapes_turtle
from careerkg.graph.namespaces import CKG, ID
from careerkg.graph.salaries import salary_figures

#: rdflib's own Dataset.triples asks for its deprecated default_context on every pattern.
RDFLIB_DEPRECATION = "ignore:Dataset.default_context is deprecated:DeprecationWarning"
DS = ID + "role/data-scientist"
MLE = ID + "role/machine-learning-engineer"
HOSTILE = "https://example.org/role/hostile"
HOSTILE_LABEL = "<script>alert('x')</script> & <img src=x onerror=alert(1)>"
EVIL_SKILL_LABEL = "<b onmouseover=alert(2)>evil</b>"

#: A source with rated requirements (O*NET's importance, modelled as ckg:SkillRequirement),
#: a code, and labels that would be markup if they were not escaped.
HOSTILE_TTL = f"""
@prefix ckg: <{CKG}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{HOSTILE}> a ckg:Role, skos:Concept ;
  rdfs:label {json.dumps(HOSTILE_LABEL)}@en ;
  skos:notation "99-0001.00" ;
  ckg:requiresSkill <{ID}skill/data-wrangling>, <https://example.org/skill/evil> ;
  ckg:usesTool <{ID}tool/python> ;
  ckg:skillRequirement <https://example.org/req/1>, <https://example.org/req/2> .
<https://example.org/req/1> a ckg:SkillRequirement ;
  ckg:requiredSkill <{ID}skill/data-wrangling> ; ckg:importance 4.25 .
<https://example.org/req/2> a ckg:SkillRequirement ;
  ckg:requiredSkill <https://example.org/skill/evil> ; ckg:importance 2.5 .
<https://example.org/skill/evil> a ckg:Skill, skos:Concept ;
  rdfs:label {json.dumps(EVIL_SKILL_LABEL)}@en .
"""


@pytest.fixture(scope="module")
def kg():
    with careerkg.open() as graph:
        yield graph


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A memory graph with the hostile source imported through kg.import_."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE_TTL, encoding="utf-8")
    with careerkg.open() as graph:
        report = graph.import_("rdf", path)
        assert report.counts["roles"] == 1
        yield graph


def ok(result):
    assert result.exit_code == 0, result.output
    return result


# -- the package ------------------------------------------------------------------------------

def test_public_names_are_all_importable_and_typed():
    assert careerkg.__all__ and all(hasattr(careerkg, name) for name in careerkg.__all__)
    assert (Path(careerkg.__file__).parent / "py.typed").is_file()
    assert careerkg.open.__annotations__ and careerkg.KnowledgeGraph.query.__annotations__


def test_open_a_disk_store_twice_keeps_what_was_imported(tmp_path):
    csv = Path(__file__).parent / "fixtures" / "own-roles.csv"
    with careerkg.open(tmp_path / "kg") as graph:
        graph.import_("csv", csv)
        before = {s.name for s in graph.sources()}
    with careerkg.open(str(tmp_path / "kg")) as graph:
        assert {s.name for s in graph.sources()} == before
        assert "csv-own-roles" in before
        assert graph.role("Analytics engineer").label == "Analytics engineer"


# -- SPARQL -----------------------------------------------------------------------------------

def test_query_implies_the_project_prefixes_and_matches_the_engine(kg):
    rows = kg.query("SELECT ?r ?l WHERE { ?r a ckg:Role ; rdfs:label ?l } ORDER BY ?r")
    engine = kg.store.engine.query(
        f"SELECT ?r ?l WHERE {{ ?r a <{CKG}Role> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?r",
        use_default_graph_as_union=True)
    expected = [{"r": s["r"].value, "l": s["l"].value} for s in engine]
    assert list(rows) == expected and len(rows) == len(expected) >= 2
    assert rows.variables == ["r", "l"] and rows.kind == "bindings"
    assert bool(kg.query("ASK { role:data-scientist a ckg:Role }")) is True
    assert bool(kg.query("ASK { role:data-scientist a ckg:Skill }")) is False
    triples = list(kg.query("CONSTRUCT { role:data-scientist rdfs:label ?l } "
                            "WHERE { role:data-scientist rdfs:label ?l }"))
    assert triples == [(DS, "http://www.w3.org/2000/01/rdf-schema#label", "Data scientist")]


def test_query_syntax_error_has_the_position_and_message_of_the_cli(kg, cli):
    text = "SELECT ?x WHERE {\n  ?x a ckg:Role .\n  FILTER( }"
    with pytest.raises(careerkg.QuerySyntaxError) as caught:
        kg.query(text)
    assert (caught.value.line, caught.value.column) == (3, 12)
    result = cli("query", "-e", text)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: malformed SPARQL: {caught.value}"


def test_to_dataframe_types_the_columns(kg):
    pd = pytest.importorskip("pandas")
    rows = kg.query("""SELECT ?iri ?n ?d ?x ?day ?at ?flag ?text ?missing WHERE {
      VALUES (?iri ?n ?d ?x ?day ?at ?flag ?text) {
        (role:data-scientist 3 1.5 2.5e0 "2024-02-29"^^xsd:date
         "2024-02-29T10:30:00Z"^^xsd:dateTime true "a")
        (role:machine-learning-engineer 4 2.25 1e1 "2023-01-01"^^xsd:date
         "2023-01-01T00:00:00Z"^^xsd:dateTime false "b")
      } OPTIONAL { ?iri ckg:noSuchProperty ?missing } } ORDER BY ?n""")
    frame = rows.to_dataframe()
    assert list(frame.columns) == rows.variables
    assert str(frame["n"].dtype) == "Int64" and frame["n"].tolist() == [3, 4]
    assert str(frame["d"].dtype) == "float64" and frame["d"].tolist() == [1.5, 2.25]
    assert str(frame["x"].dtype) == "float64" and frame["x"].tolist() == [2.5, 10.0]
    assert pd.api.types.is_datetime64_any_dtype(frame["day"])
    assert frame["day"].dt.date.tolist() == [dt.date(2024, 2, 29), dt.date(2023, 1, 1)]
    assert pd.api.types.is_datetime64_any_dtype(frame["at"]) and str(frame["at"].dt.tz) == "UTC"
    assert frame["at"][0].hour == 10 and frame["at"][0].minute == 30
    assert str(frame["flag"].dtype) == "boolean" and frame["flag"].tolist() == [True, False]
    assert frame["iri"].tolist() == [DS, MLE] and frame["text"].tolist() == ["a", "b"]
    assert frame["missing"].isna().all()
    first = next(iter(rows))
    assert first["day"] == dt.date(2024, 2, 29) and first["d"] == Decimal("1.5")
    assert first["at"] == dt.datetime(2024, 2, 29, 10, 30, tzinfo=dt.UTC)


# -- rdflib over the same store ---------------------------------------------------------------

@pytest.mark.filterwarnings(RDFLIB_DEPRECATION)
def test_graph_is_rdflib_over_the_same_store(tmp_path):
    with careerkg.open() as graph:
        assert isinstance(graph.graph, rdflib.Graph)
        query = ("PREFIX ckg: <https://w3id.org/careerkg/ontology#> "
                 "SELECT ?r WHERE { ?r a ckg:Role } ORDER BY ?r")
        assert [str(r[0]) for r in graph.graph.query(query)] == [
            r["r"] for r in graph.query("SELECT ?r WHERE { ?r a ckg:Role } ORDER BY ?r")]
        # a source imported later is seen through the same rdflib object (no copy)
        path = tmp_path / "hostile.ttl"
        path.write_text(HOSTILE_TTL, encoding="utf-8")
        view = graph.graph
        graph.import_("rdf", path)
        assert (rdflib.URIRef(HOSTILE), rdflib.RDF.type, rdflib.URIRef(CKG + "Role")) in view
        assert len(list(view.query(query))) == 3


@pytest.mark.slow
@pytest.mark.filterwarnings(RDFLIB_DEPRECATION)
def test_pyshacl_validates_kg_graph(hostile):
    import pyshacl

    shapes = rdflib.Graph().parse(data=shapes_turtle(), format="turtle")
    conforms, report, _text = pyshacl.validate(hostile.graph, shacl_graph=shapes)
    assert not conforms
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    focus = {str(report.value(r, SH.focusNode))
             for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)
             if report.value(r, SH.resultSeverity) == SH.Violation}
    # the imported role has no skos:prefLabel and no source; the seed itself conforms
    assert HOSTILE in focus
    assert all(not f.startswith(ID) for f in focus), focus


# -- roles, overlap, similar, search ----------------------------------------------------------

def test_role_by_code_with_importance_tools_wages_related(hostile):
    role = hostile.role("99-0001.00")
    assert isinstance(role, careerkg.Role)
    assert (role.iri, role.label, role.code) == (HOSTILE, HOSTILE_LABEL, "99-0001.00")
    assert [(s["iri"], s["importance"]) for s in role.skills] == [
        (ID + "skill/data-wrangling", Decimal("4.25")),
        ("https://example.org/skill/evil", Decimal("2.5"))]
    assert [t["iri"] for t in role.tools] == [ID + "tool/python"]
    assert role.wages == []
    assert role.related == hostile.similar(HOSTILE)["similar"]
    ds = hostile.role("Data scientist")
    assert ds.wages == salary_figures(hostile.store, [DS]) and ds.wages
    expected_tools = {r["t"] for r in hostile.query(
        "SELECT ?t WHERE { role:data-scientist ckg:usesTool ?t }")}
    assert {t["iri"] for t in ds.tools} == expected_tools
    assert all(s["importance"] is None for s in ds.skills)  # the seed rates nothing


def test_unknown_roles_carry_candidates_and_the_cli_message(kg, cli):
    with pytest.raises(careerkg.UnknownRole) as caught:
        kg.role("data scientst")
    assert caught.value.candidates[0][0] == DS
    with pytest.raises(careerkg.UnknownRole) as caught:  # overlap's resolver: same exception
        kg.overlap("no such role at all", "data scientist")
    result = cli("overlap", "no such role at all", "data scientist")
    assert result.exit_code == 1 and result.stderr.strip() == f"Error: {caught.value}"
    assert isinstance(caught.value, careerkg.NotFound) and caught.value.candidates


def test_overlap_and_similar_are_the_cli_json(kg, cli):
    report = kg.overlap("data scientist", "ML engineer", by="skills")
    assert isinstance(report, dict)
    assert report == json.loads(ok(cli("overlap", "data scientist", "ML engineer", "--by",
                                       "skills", "--format", "json")).stdout)
    similar = kg.similar(kg.role("ML engineer"), top=3, by="tools")
    assert similar == json.loads(ok(cli("similar", "ML engineer", "--top", "3", "--by",
                                        "tools", "--format", "json")).stdout)


def test_overlap_and_similar_are_the_http_json(kg, client):
    report = kg.overlap("data scientist", "ML engineer", by="tools")
    answer = client.get("/api/overlap", query_string={"a": "data scientist",
                                                       "b": "ML engineer", "by": "tools"})
    assert answer.status_code == 200 and answer.get_json() == report
    similar = kg.similar("data scientist", top=2, by="skills")
    answer = client.get("/api/similar", query_string={"role": "data scientist", "k": 2,
                                                       "by": "skills"})
    assert answer.status_code == 200 and answer.get_json() == similar


def test_every_kind_of_store_gives_the_same_answers(any_store, kg):
    other = careerkg.KnowledgeGraph(any_store)
    text = "SELECT ?r ?t WHERE { ?r ckg:usesTool ?t } ORDER BY ?r ?t"
    assert list(other.query(text)) == list(kg.query(text))
    assert other.role("ML engineer") == kg.role("ML engineer")
    assert other.overlap("data scientist", "ML engineer") == kg.overlap(
        "data scientist", "ML engineer")
    if any_store.kind == "remote":
        with pytest.raises(TypeError, match="needs a local store"):
            _ = other.graph
    else:
        assert len(list(other.graph.query(
            "SELECT ?r WHERE { ?r a <https://w3id.org/careerkg/ontology#Role> }"))) == 2


def test_open_reads_careerkg_store_like_the_cli(tmp_path, monkeypatch, cli):
    monkeypatch.setenv("CAREERKG_STORE", str(tmp_path / "kg"))
    with careerkg.open() as graph:
        where, kind = graph.store.describe(), graph.store.kind
    assert kind == "disk" and (tmp_path / "kg").is_dir()
    assert ok(cli("sources")).stdout.splitlines()[0] == f"store: {where}"


def test_search_is_the_cli_json(kg, cli):
    hits = kg.search("statistician", limit=5)
    assert hits
    assert [h.to_dict() for h in hits] == json.loads(
        ok(cli("search", "statistician", "--limit", "5", "--format", "json")).stdout)


def test_networkx_is_the_bipartite_requirement_graph(kg):
    G = kg.networkx(by="skills")
    roles = {n for n, d in G.nodes(data=True) if d["bipartite"] == 0}
    assert roles == {r["r"] for r in kg.query("SELECT ?r WHERE { ?r a ckg:Role }")}
    assert nx.is_bipartite(G)
    edges = {(r["r"], r["s"]) for r in kg.query(
        "SELECT ?r ?s WHERE { ?r a ckg:Role ; ckg:requiresSkill ?s }")}
    assert {(a, b) if a in roles else (b, a) for a, b in G.edges} == edges
    ego = kg.networkx(role="data scientist", top=1, by="tools")
    assert {n for n, d in ego.nodes(data=True) if d["layer"] == "role"} == {DS, MLE}


# -- whole graph ------------------------------------------------------------------------------

def test_export_is_the_cli_export(kg, cli, tmp_path):
    written = kg.export(tmp_path / "kg.ttl", format="turtle")
    assert written.read_bytes() == ok(cli("export")).stdout_bytes
    kg.export(tmp_path / "kg.nt", format="ntriples")
    parsed = list(ox.parse(path=str(tmp_path / "kg.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == sum(s.triples for s in kg.sources())
    with pytest.raises(ValueError):
        kg.export(tmp_path / "kg.xyz", format="xyz")
    assert not (tmp_path / "kg.xyz").exists()


def test_bad_import_raises_input_error_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with careerkg.open() as graph:
        before = [(s.name, s.triples) for s in graph.sources()]
        with pytest.raises(careerkg.InputError) as caught:
            graph.import_("rdf", bad)
        assert caught.value.file and caught.value.file.endswith("bad.ttl")
        assert caught.value.line == 1
        assert [(s.name, s.triples) for s in graph.sources()] == before


@pytest.mark.skipif(not (ONET_DIR / "Occupation Data.txt").is_file(),
                    reason=f"the O*NET text files are not at {ONET_DIR}")
def test_role_by_onet_code_after_importing_onet():
    with careerkg.open() as graph:
        graph.import_("onet", ONET_DIR)
        role = graph.role("15-2051.00")
        assert role.code == "15-2051.00"
        lines = (ONET_DIR / "Occupation Data.txt").read_text(encoding="utf-8").splitlines()
        title = next(line.split("\t")[1] for line in lines if line.startswith("15-2051.00\t"))
        assert role.label == title
        assert role.tools


# -- Jupyter ----------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data):
        self.text += data


def _inert(markup: str) -> _Tags:
    parsed = _Tags()
    parsed.feed(markup)
    assert parsed.tags <= {"table", "caption", "thead", "tbody", "tr", "th", "td", "h3", "p",
                           "code", "small"}, parsed.tags
    assert parsed.attributes <= {"class"}, parsed.attributes
    return parsed


def test_html_displays_escape_every_label(hostile):
    shown = [
        hostile.query(f"SELECT ?l WHERE {{ <{HOSTILE}> rdfs:label ?l }}")._repr_html_(),
        hostile.role(HOSTILE)._repr_html_(),
        hostile.overlap(HOSTILE, "data scientist")._repr_html_(),
        hostile.similar("data scientist")._repr_html_(),
    ]
    for markup in shown:
        assert HOSTILE_LABEL in _inert(markup).text
    assert EVIL_SKILL_LABEL in _inert(shown[1]).text


@pytest.mark.parametrize("module", ["careerkg", "careerkg.graph.userquery",
                                    "careerkg.graph.roles", "careerkg.graph.files"])
def test_doctests_of_the_api_modules(module):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module),
                                      optionflags=doctest.ELLIPSIS)
    assert tried and not failures

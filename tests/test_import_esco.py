"""Import of ESCO's CSV export (the fixture in tests/fixtures/esco), on every store kind.

Expected values are read from the fixture with the standard library's csv module.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict

import pytest
from conftest import FIXTURES

from careerkg.graph.factory import open_store
from careerkg.graph.importers import import_source
from careerkg.graph.importers.esco import ATTRIBUTION
from careerkg.graph.namespaces import CKG
from careerkg.graph.validate import validate_store

ESCO_DIR = FIXTURES / "esco"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
PREFIXES = f"PREFIX ckg: <{CKG}> PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}> PREFIX dct: <{DCT}> "
ESCO_ID = "https://w3id.org/careerkg/id/esco/"
DATA_SCIENTIST = "http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30"
SEED_DS = "https://w3id.org/careerkg/id/role/data-scientist"


def rows(name: str) -> list[dict]:
    with open(ESCO_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def select(store, text, **options):
    return store.query(PREFIXES + text, **options).to_python()


def role_iri(uri: str) -> str:
    return ESCO_ID + "occupation/" + uri.rsplit("/", 1)[1]


@pytest.fixture
def esco_store(any_store):
    any_store.report = import_source("esco", any_store, ESCO_DIR)
    return any_store


def test_occupations_become_roles_with_their_labels(esco_store):
    graph = [esco_store.source("esco").graph]
    for occupation in rows("occupations_en.csv"):
        iri = role_iri(occupation["conceptUri"])
        found = select(esco_store, f"""SELECT ?label ?code ?def ?esco ?group WHERE {{
            <{iri}> a ckg:Role ; skos:prefLabel ?label ; rdfs:label ?label ;
              skos:notation ?code ; skos:definition ?def ; skos:exactMatch ?esco ;
              skos:broader ?group }}""", default_graphs=graph)
        assert found == [{
            "label": occupation["preferredLabel"], "code": occupation["code"],
            "def": occupation["description"], "esco": occupation["conceptUri"],
            "group": ESCO_ID + "isco/" + occupation["iscoGroup"],
        }]
        alt = select(esco_store, f"SELECT ?alt WHERE {{ <{iri}> skos:altLabel ?alt }}",
                     default_graphs=graph)
        # the altLabels cell holds one label per line
        assert {r["alt"] for r in alt} == set(occupation["altLabels"].splitlines())
    assert esco_store.report.counts["roles"] == len(rows("occupations_en.csv"))


def test_isco_groups_take_their_names_from_the_groups_file(esco_store):
    names = {r["code"]: r["preferredLabel"] for r in rows("ISCOGroups_en.csv")}
    found = select(esco_store, f"""SELECT ?code ?label WHERE {{ ?g skos:notation ?code ;
        rdfs:label ?label FILTER(STRSTARTS(STR(?g), "{ESCO_ID}isco/")) }}""")
    assert {r["code"]: r["label"] for r in found} == names


def test_essential_and_optional_skills(esco_store):
    expected = defaultdict(set)
    for relation in rows("occupationSkillRelations_en.csv"):
        expected[(relation["occupationUri"], relation["relationType"])].add(relation["skillUri"])
    for (occupation, relation), skills in expected.items():
        found = select(esco_store, f"""SELECT ?esco WHERE {{
            <{role_iri(occupation)}> ckg:{relation}Skill ?skill ; ckg:requiresSkill ?skill .
            ?skill skos:exactMatch ?esco }}""")
        assert {r["esco"] for r in found} == skills, (occupation, relation)
    links = select(esco_store, f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?r ckg:requiresSkill ?s
        FILTER(STRSTARTS(STR(?r), "{ESCO_ID}")) }}""")[0]["n"]
    assert links == len({(r["occupationUri"], r["skillUri"])
                         for r in rows("occupationSkillRelations_en.csv")})


def test_skills_are_skills_with_a_category_from_their_type(esco_store):
    skills = rows("skills_en.csv")
    found = select(esco_store, """SELECT ?esco ?type WHERE { ?s a ckg:Skill ;
        skos:exactMatch ?esco ; ckg:category ?c . ?c rdfs:label ?type }""")
    by_uri = defaultdict(set)
    for r in found:
        by_uri[r["esco"]].add(r["type"])
    assert set(by_uri) == {s["conceptUri"] for s in skills}
    seed_merged = {uri for uri, types in by_uri.items() if not any("ESCO" in t for t in types)}
    for skill in skills:
        if skill["conceptUri"] not in seed_merged:
            assert by_uri[skill["conceptUri"]] == {f"ESCO {skill['skillType']}"}
    assert len(seed_merged) == esco_store.report.counts["linked_skills"]


def test_seed_skills_of_the_same_name_are_reused(esco_store):
    seed = esco_store.source("seed").graph
    seed_labels = {
        r["l"].casefold(): r["s"] for r in select(esco_store, """SELECT ?s ?l WHERE {
            ?s a ckg:Skill . { ?s rdfs:label ?l } UNION { ?s skos:altLabel ?l } }""",
                                                      default_graphs=[seed])
    }
    expected = {s["conceptUri"]: seed_labels[s["preferredLabel"].casefold()]
                for s in rows("skills_en.csv") if s["preferredLabel"].casefold() in seed_labels}
    assert expected  # the fixture has "machine learning", "computer science" ...
    for esco, seed_iri in expected.items():
        found = select(esco_store, f"SELECT ?s WHERE {{ ?s skos:exactMatch <{esco}> }}")
        assert [r["s"] for r in found] == [seed_iri]


def test_seed_data_scientist_is_linked_inside_the_esco_graph(esco_store):
    graph = esco_store.source("esco").graph
    esco_ds = role_iri(DATA_SCIENTIST)
    assert esco_store.query(PREFIXES + f"""ASK {{ GRAPH <{graph}> {{
        <{SEED_DS}> skos:closeMatch <{esco_ds}> . <{esco_ds}> skos:closeMatch <{SEED_DS}> }} }}""",
                            default_graphs=[], named_graphs=[graph]).boolean
    linked = select(esco_store, f"""SELECT DISTINCT ?seed WHERE {{ ?seed skos:closeMatch ?r
        FILTER(STRSTARTS(STR(?r), "{ESCO_ID}")) }}""", default_graphs=[graph])
    assert [r["seed"] for r in linked] == [SEED_DS]


def test_attribution_and_licence(esco_store):
    found = select(esco_store, """SELECT ?rights ?license ?note WHERE {
        ?d dct:rights ?rights ; dct:license ?license ; skos:note ?note }""",
                   default_graphs=[esco_store.source("esco").graph])
    assert found == [{"rights": ATTRIBUTION, "license": "http://data.europa.eu/eli/dec/2011/833/oj",
                      "note": found[0]["note"]}]
    assert "© European Union" in found[0]["rights"]
    assert "modified" in found[0]["note"]


def test_esco_1_1_layout_gives_the_same_graph(tmp_path):
    """ESCO v1.1 has no naceCode and no occupationLabel/skillLabel columns."""
    folder = tmp_path / "esco-1.1"
    shutil.copytree(ESCO_DIR, folder)
    for name, dropped in (("occupations_en.csv", {"naceCode"}),
                          ("occupationSkillRelations_en.csv", {"occupationLabel", "skillLabel"})):
        table = rows(name)
        columns = [c for c in table[0] if c not in dropped]
        with open(folder / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)
    stores = [open_store(None), open_store(None)]
    import_source("esco", stores[0], ESCO_DIR)
    import_source("esco", stores[1], folder)
    assert stores[0].export("ntriples") == stores[1].export("ntriples")


def test_another_language(tmp_path):
    folder = tmp_path / "esco-fr"
    folder.mkdir()
    for path in ESCO_DIR.glob("*_en.csv"):
        shutil.copy(path, folder / path.name.replace("_en.csv", "_fr.csv"))
    store = open_store(None)
    import_source("esco", store, folder)
    found = select(store, f"SELECT ?l WHERE {{ <{role_iri(DATA_SCIENTIST)}> skos:prefLabel ?l }}")
    assert found == [{"l": "data scientist"}]
    assert store.query(PREFIXES + f"""ASK {{ <{role_iri(DATA_SCIENTIST)}> skos:prefLabel ?l
        FILTER(LANG(?l) = "fr") }}""").boolean


def test_imports_conform_to_the_shapes(memory_store):
    import_source("esco", memory_store, ESCO_DIR)
    import_source("csv", memory_store, FIXTURES / "own-roles.csv")
    violations = [v for v in validate_store(memory_store) if v.severity == "Violation"]
    assert violations == [], "\n".join(map(str, violations))

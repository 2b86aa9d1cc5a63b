"""The weighted similarity, what next, transition paths, the skills market and the compare gap
(issue 13): small hand-made graphs with answers worked out by hand, a store read through
SPARQL, the CLI and the web API giving the same JSON, and the real O*NET technology data
against figures computed from the raw file."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from careerkg.cli.main import main as careerkg_cli
from careerkg.graph import overlap as ov
from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.namespaces import ID
from careerkg.graph.salaries import median_wages
from careerkg.graph.store import Payload
from careerkg.server import create_app

ROOT = Path(__file__).resolve().parent.parent
ONET_DIR = ROOT / "data" / "onet"
ONET = "https://w3id.org/careerkg/id/onet/occupation/"


def idf(n: int, df: int) -> float:
    return 1 + math.log((1 + n) / (1 + df))


def cosine(a: dict, b: dict) -> float:
    dot = sum(a[k] * b.get(k, 0.0) for k in a)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


# -- the weighted similarity on hand-made graphs ---------------------------------------------

def test_weighted_similarity_is_importance_times_idf_cosine():
    G = ov.requirements_from_dict(
        {"a": ["x", "y"], "b": ["x", "y", "z"], "c": ["z"]},
        weights={("a", "x"): 1.0, ("a", "y"): 0.5, ("b", "x"): 0.25, ("b", "y"): 1.0},
    )
    n = 3
    w_x, w_y, w_z = idf(n, 2), idf(n, 2), idf(n, 2)
    a = {"x": 1.0 * w_x, "y": 0.5 * w_y}
    b = {"x": 0.25 * w_x, "y": 1.0 * w_y, "z": 1.0 * w_z}
    c = {"z": w_z}
    got = {s["iri"]: s["similarity"] for s in ov.similar_roles(G, "a")}
    assert got == {"b": pytest.approx(cosine(a, b))}  # c shares nothing with a
    got = {s["iri"]: s["similarity"] for s in ov.similar_roles(G, "c")}
    assert got == {"b": pytest.approx(cosine(c, b))}


def test_rare_requirements_count_more_than_common_ones():
    # Everyone uses office software; a and b also share a rare skill, a and c a common one.
    roles = {"a": ["office", "rare", "common"], "b": ["office", "rare"],
             "c": ["office", "common"], "d": ["office", "common"], "e": ["office"]}
    G = ov.requirements_from_dict(roles)
    ranked = [s["iri"] for s in ov.similar_roles(G, "a")]
    assert ranked[0] == "b"
    # Plain Jaccard cannot tell b from c and d (1/3 each... b: 2/3, c: 2/3): ties by IRI.
    jac = {s["iri"]: s["jaccard"] for s in ov.similar_roles(G, "a", metric="jaccard")}
    assert jac["b"] == jac["c"] == pytest.approx(2 / 3)


def test_blocks_blend_ninety_five_five_where_both_roles_have_them():
    layer = {"s1": "skill", "s2": "skill", "t1": "tool", "t2": "tool", "e1": "equipment"}
    G = ov.requirements_from_dict(
        {"a": ["s1", "t1", "e1"], "b": ["s1", "s2", "t2", "e1"], "c": ["t1"]}, layer=layer)
    n_skill, n_tool, n_equipment = 2, 3, 2
    skill_a = {"s1": idf(n_skill, 2)}
    skill_b = {"s1": idf(n_skill, 2), "s2": idf(n_skill, 1)}
    tool_a, tool_b = {"t1": idf(n_tool, 2)}, {"t2": idf(n_tool, 1)}
    expected_ab = (0.90 * cosine(skill_a, skill_b) + 0.05 * cosine(tool_a, tool_b)
                   + 0.05 * 1.0) / 1.0
    assert n_equipment == 2
    scores = {s["iri"]: s["similarity"] for s in ov.similar_roles(G, "a")}
    assert scores["b"] == pytest.approx(expected_ab)
    # c has only technologies: compared on technologies alone (the other blocks are absent).
    assert scores["c"] == pytest.approx(1.0)
    # by=skills compares the skill block only
    assert ov.similar_roles(G, "a", by="skills")[0]["similarity"] == pytest.approx(
        cosine(skill_a, skill_b))


def test_a_role_without_skills_borrows_its_technology_neighbours_skill_profile():
    layer = {"t1": "tool", "t2": "tool"}
    G = ov.requirements_from_dict(
        {"r1": ["s1", "s2", "t1"], "r2": ["s3", "s4", "t2"], "r3": ["s1", "s2"],
         "new": ["t1"]}, layer=layer)
    # new has no skills; by technologies it is like r1 only, so it is compared on skills as
    # r1: r3 has r1's skills exactly (and no technologies to compare).
    scores = {s["iri"]: s["similarity"] for s in ov.similar_roles(G, "new")}
    assert scores == {"r1": pytest.approx(1.0), "r3": pytest.approx(1.0)}
    # Only comparisons *from* new use the borrowed profile: r3 finds nothing in common.
    assert "new" not in {s["iri"] for s in ov.similar_roles(G, "r3")}
    # What new holds stays its own: all of r3's skills are to be learned.
    assert sorted(ov.uncovered(G, "new", "r3")) == ["s1", "s2"]
    # Where roles without skills are the rule, nothing is borrowed.
    G = ov.requirements_from_dict(
        {"r1": ["s1", "t1"], "a": ["t1"], "b": ["t1", "t2"]}, layer=layer)
    assert {s["iri"]: round(s["similarity"], 9) for s in ov.similar_roles(G, "a")} == {
        "r1": 1.0, "b": round(cosine({"t1": idf(3, 3)}, {"t1": idf(3, 3), "t2": idf(3, 1)}),
                              9)}


def test_the_same_skill_in_two_taxonomies_is_one_feature():
    G = ov.requirements_from_dict(
        {"seed-ds": ["seed:ml", "seed:stats"], "esco-ds": ["esco:ml", "esco:stats"],
         "cook": ["esco:cooking"]},
        matches={"seed:ml": ["http://data.europa.eu/esco/skill/ml"],
                 "esco:ml": ["http://data.europa.eu/esco/skill/ml"],
                 "esco:stats": ["seed:stats"]})
    assert ov.similar_roles(G, "seed-ds", metric="jaccard") == []  # no IRI in common
    best = ov.similar_roles(G, "seed-ds")
    assert [(s["iri"], round(s["similarity"], 9)) for s in best] == [("esco-ds", 1.0)]
    assert ov.uncovered(G, "seed-ds", "esco-ds") == []


def test_a_narrower_skill_counts_toward_its_broader_one():
    G = ov.requirements_from_dict(
        {"mle": ["deep-learning", "python"], "ds": ["ml", "python", "sql"],
         "dev": ["python", "sql"]},
        broader={"deep-learning": "neural-networks", "neural-networks": "ml"})
    # deep learning → neural networks (not required by anyone) → machine learning
    assert sorted(ov.held_features(G, "mle")) == ["deep-learning", "ml", "neural-networks",
                                                  "python"]
    assert sorted(ov.uncovered(G, "mle", "ds")) == ["sql"]
    # ... but not the other way: machine learning does not make one a deep-learning engineer
    assert sorted(ov.uncovered(G, "ds", "mle")) == ["deep-learning"]
    gap = ov.compare_roles(G, "mle", "ds").gap
    assert [g["iri"] for g in gap] == ["sql"]


def test_compare_explains_its_scores_in_words():
    G = ov.requirements_from_dict({"a": ["x", "y", "z"], "b": ["y", "z", "w", "v"]},
                                  labels={"a": "Analyst", "b": "Builder"})
    c = ov.compare_roles(G, "a", "b")
    words = c.explanation
    assert words[0] == "They share 2 of 5 requirements (Jaccard 0.400 = 2 / 5)."
    assert words[1].startswith("2 of the 3 requirements of the role with fewer are shared")
    assert "Analyst already has 2 of the 4 requirements of Builder" in words[2]
    assert words[2].endswith("2 to learn.")
    assert c.to_dict()["explanation"] == words


# -- next, path, market ----------------------------------------------------------------------

def test_next_roles_rank_by_what_is_left_to_learn():
    G = ov.requirements_from_dict(
        {"src": ["a", "b", "c"], "near": ["a", "b", "c", "d"], "far": ["a", "e", "f", "g"],
         "other": ["z"]},
        weights={("near", "d"): 0.75, ("far", "e"): 0.25},
        wages={"src": 60000, "near": 75000.5})
    moves = ov.next_roles(G, "src")
    assert [m["role"]["iri"] for m in moves] == ["near", "far"]  # "other" shares nothing
    near, far = moves
    # near needs a (3 roles have it), b and c (2 each), d (1, weighing 0.75): src lacks d
    missing_d = 0.75 * idf(4, 1)
    assert near["cost"] == pytest.approx(missing_d / (
        missing_d + idf(4, 3) + 2 * idf(4, 2)))
    assert (near["shared"], near["requirements"]) == (3, 4)
    assert near["missing"] == [{"iri": "d", "label": "d", "kind": "skill", "layer": "skill",
                                "importance": 0.75}]
    assert near["wage_change"] == pytest.approx(15000.5)
    assert far["wage_change"] is None
    # missing: most important to the target first (f, g weigh 1; e 0.25)
    assert [m["iri"] for m in far["missing"]] == ["f", "g", "e"]
    assert ov.next_roles(G, "other") == []
    with pytest.raises(ValueError, match="at least 1"):
        ov.next_roles(G, "src", k=0)


def _chain(n: int) -> dict:
    """Roles r0 … r(n-1), each sharing two of its three skills with the next."""
    return {f"r{i}": [f"s{i}", f"s{i + 1}", f"s{i + 2}"] for i in range(n)}


def test_path_goes_through_the_roles_between():
    G = ov.requirements_from_dict(_chain(6), wages={"r0": 40000, "r5": 90000})
    path = ov.transition_path(G, "r0", "r5", max_steps=5)
    steps = path["steps"]
    assert [s["role"]["iri"] for s in steps][0] == "r0"
    assert [s["role"]["iri"] for s in steps][-1] == "r5"
    assert steps[0]["learn"] == [] and steps[0]["wage"] == 40000
    assert steps[-1]["wage"] == 90000
    for before, step in zip(steps, steps[1:], strict=False):
        learned = {m["iri"] for m in step["learn"]}
        assert learned == set(G[step["role"]["iri"]]) - set(G[before["role"]["iri"]])
    # Every move is along an edge of the transition graph, and the total is their sum.
    D = ov.transition_graph(G)
    edges = [D[a["role"]["iri"]][b["role"]["iri"]]["cost"] for a, b in zip(steps, steps[1:],
                                                                            strict=False)]
    assert path["cost"] == pytest.approx(sum(edges))
    # r0 and r5 share nothing: no direct move
    assert not D.has_edge("r0", "r5")


def test_no_path_within_the_allowed_steps_says_so():
    G = ov.requirements_from_dict({**_chain(6), "island": ["q"]})
    with pytest.raises(ov.NoTransition, match="no path from r0 to r5 within 1 step:"):
        ov.transition_path(G, "r0", "r5", max_steps=1)
    with pytest.raises(ov.NoTransition, match="within 4 steps"):
        ov.transition_path(G, "r0", "island")
    assert [s["role"]["iri"] for s in ov.transition_path(G, "r2", "r2")["steps"]] == ["r2"]


def test_path_with_bounded_steps_is_the_cheapest_of_that_length():
    # A long way round (small steps) and a short cut; compare with every simple path.
    G = ov.requirements_from_dict({**_chain(6), "shortcut": ["s0", "s1", "s6", "s7"]})
    D = ov.transition_graph(G)

    def cost(path):
        return sum(D[a][b]["cost"] for a, b in zip(path, path[1:], strict=False))

    for most in (2, 3, 5):
        paths = list(nx.all_simple_paths(D, "r0", "r5", cutoff=most))
        best = min(cost(p) for p in paths)
        got = ov.transition_path(G, "r0", "r5", max_steps=most)
        assert len(got["steps"]) - 1 <= most
        assert got["cost"] == pytest.approx(best)


def test_skills_market_counts_roles_and_their_median_wage():
    G = ov.requirements_from_dict(
        {"a": ["py", "sql"], "b": ["py", "sql"], "c": ["py", "excel"], "d": ["excel"],
         "e": ["py"]},
        layer={"py": "tool", "sql": "tool", "excel": "tool"},
        wages={"a": 100_000, "b": 120_000, "c": 60_000, "d": 30_000}, hot=["py"])
    market = ov.skills_market(G, top=None)
    assert [(s["iri"], s["roles"], s["wage_roles"], s["median_wage"], s["hot"])
            for s in market] == [
        ("py", 4, 3, 100_000, True), ("sql", 2, 2, 110_000, False),
        ("excel", 2, 2, 45_000, False)]
    by_wage = ov.skills_market(G, by="wage", min_roles=2)
    assert [s["iri"] for s in by_wage] == ["sql", "py", "excel"]
    assert [s["iri"] for s in ov.skills_market(G, by="wage", min_roles=3)] == ["py"]
    with pytest.raises(ValueError, match="unknown order"):
        ov.skills_market(G, by="hype")


# -- read from a store -----------------------------------------------------------------------

TURTLE = f"""
@prefix ckg: <https://w3id.org/careerkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix x: <{ID}test/> .

x:nurse a ckg:Role ; rdfs:label "Test nurse" ; skos:notation "99-0001.00" ;
    ckg:skillRequirement x:r1, x:r2 ; ckg:requiresSkill x:care ;
    ckg:usesTool x:charting ; ckg:usesEquipment x:stethoscope .
x:r1 a ckg:SkillRequirement ; ckg:requiredSkill x:care ; ckg:importance 4.6 .
x:r2 a ckg:SkillRequirement ; ckg:requiredSkill x:maths ; ckg:importance 2.0 .
x:medic a ckg:Role ; rdfs:label "Test medic" ;
    ckg:requiresSkill x:esco-care, x:triage ; ckg:essentialSkill x:esco-care ;
    ckg:optionalSkill x:triage ; ckg:usesTool x:charting .
x:care a ckg:Skill ; rdfs:label "Patient care" ; skos:exactMatch <http://example.org/care> .
x:esco-care a ckg:Skill ; rdfs:label "Care of patients" ;
    skos:closeMatch <http://example.org/care> .
x:triage a ckg:Skill ; rdfs:label "Triage" ; skos:broader x:esco-care .
x:maths a ckg:Skill ; rdfs:label "Maths" .
x:charting a ckg:Tool ; rdfs:label "Charting software" ; ckg:hotTechnology true .
x:stethoscope a ckg:Equipment ; rdfs:label "Stethoscope" .
x:nurse ckg:relatedOccupation x:rel1, x:rel2 .
x:rel1 a ckg:RelatedOccupation ; ckg:relatedRole x:hermit-like ;
    ckg:relatednessTier "Primary-Short" ; ckg:relatednessIndex 1 .
x:rel2 a ckg:RelatedOccupation ; ckg:relatedRole x:medic ; ckg:relatednessTier "Supplemental" ;
    ckg:relatednessIndex 2 .
x:hermit-like a ckg:Role ; rdfs:label "Lighthouse keeper" ; ckg:requiresSkill x:solitude .
x:wage a ckg:SalaryFigure ; ckg:role x:nurse ; ckg:statistic ckg:Median ;
    ckg:dimension ckg:OverallDimension ; ckg:qualifier ckg:Exact ;
    ckg:amount 86070.0 ; schema:currency "USD" ; ckg:year "2024"^^xsd:gYear .
x:mean a ckg:SalaryFigure ; ckg:role x:nurse ; ckg:statistic ckg:Mean ;
    ckg:dimension ckg:OverallDimension ; ckg:qualifier ckg:Exact ;
    ckg:amount 90000.0 ; schema:currency "USD" .
x:topcoded a ckg:SalaryFigure ; ckg:role x:medic ; ckg:statistic ckg:Median ;
    ckg:dimension ckg:OverallDimension ; ckg:qualifier ckg:AtLeast ;
    ckg:amount 239200.0 ; schema:currency "USD" .
"""
X = ID + "test/"


@pytest.fixture(scope="module")
def store():
    kg = open_store(None)
    kg.replace_source("test", Payload(data=TURTLE.encode(), format=rdf_format("turtle")))
    yield kg
    kg.close()


def test_the_graph_reads_ratings_matches_equipment_hot_and_wages(store):
    G = ov.requirements_graph(store)
    assert ov.requirement_weight(G, X + "nurse", X + "care") == pytest.approx(0.9)
    assert G.graph["weights"][(X + "nurse", X + "maths")] == pytest.approx(0.25)
    assert ov.requirement_weight(G, X + "medic", X + "triage") == ov.OPTIONAL_WEIGHT
    assert ov.requirement_weight(G, X + "medic", X + "esco-care") == 1.0
    assert G.nodes[X + "stethoscope"]["layer"] == "equipment"
    assert G.nodes[X + "charting"]["hot"] is True
    assert G.nodes[X + "care"]["matches"] == ("http://example.org/care",)
    assert G.graph["median_wage"] == {X + "nurse": 86070.0}  # not the mean, not top-coded
    assert median_wages(store) == {X + "nurse": 86070.0}
    # Care of patients is the nurse's patient care; triage is narrower: the medic holds all
    # the nurse requires (maths is rated 2: not a requirement).
    assert ov.uncovered(G, X + "medic", X + "nurse") == []
    assert ov.uncovered(G, X + "nurse", X + "medic") == [X + "triage"]
    # Equipment is no requirement of the comparisons, only of the similarity.
    assert X + "stethoscope" not in ov.role_items(G, X + "nurse", "all")


def test_cli_and_web_answer_the_same_json(store, tmp_path):
    path = tmp_path / "store"
    disk = open_store(str(path))
    disk.replace_source("test", Payload(data=TURTLE.encode(), format=rdf_format("turtle")))
    disk.close()
    client = create_app({"STORE": open_store(str(path), read_only=True),
                         "TESTING": True}).test_client()
    runner = CliRunner()

    def cli(*args):
        result = runner.invoke(careerkg_cli, [*args, "--store", str(path), "--format",
                                              "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    web = client.get("/api/next?role=test%20nurse&top=3").json
    assert web == cli("next", "test nurse", "--top", "3")
    assert web["role"]["wage"] == 86070.0
    assert web["next"][0]["role"]["iri"] == X + "medic"
    # O*NET's own list is shown as it is, in its order ...
    assert [(r["role"]["label"], r["tier"], r["index"]) for r in web["related"]] == [
        ("Lighthouse keeper", "Primary-Short", 1), ("Test medic", "Supplemental", 2)]
    # ... and never feeds the computed moves: the keeper shares nothing, so is no move
    assert X + "hermit-like" not in {n["role"]["iri"] for n in web["next"]}
    web = client.get("/api/path?a=99-0001.00&b=test%20medic").json
    assert web == cli("path", "99-0001.00", "test medic")
    assert [s["role"]["iri"] for s in web["steps"]] == [X + "nurse", X + "medic"]
    assert [m["iri"] for m in web["steps"][1]["learn"]] == [X + "triage"]
    web = client.get("/api/skills?top=5").json
    assert web == cli("skills", "--top", "5")
    charting = next(s for s in web["skills"] if s["iri"] == X + "charting")
    assert (charting["roles"], charting["hot"], charting["median_wage"]) == (2, True, 86070.0)


@pytest.mark.parametrize("url, status, words", [
    ("/api/next?role=astronaut", 404, "no role named"),
    ("/api/next", 400, "'role' is missing"),
    ("/api/next?role=test%20nurse&top=0", 400, "out of range"),
    ("/api/path?a=test%20nurse", 400, "'b' is missing"),
    ("/api/path?a=test%20nurse&b=test%20medic&max_steps=11", 400, "out of range"),
    ("/api/skills?by=hype", 400, "by='hype'"),
    ("/api/similar?role=test%20nurse&metric=cosine", 400, "metric='cosine'"),
])
def test_api_errors_say_what_is_wrong(store, url, status, words):
    answer = create_app({"STORE": store, "TESTING": True}).test_client().get(url)
    assert answer.status_code == status and answer.mimetype == "application/json"
    assert words in answer.json["error"]["message"]


def test_pages_show_moves_paths_and_the_market(store):
    client = create_app({"STORE": store, "TESTING": True}).test_client()
    page = client.get("/next?role=test%20nurse")
    assert page.status_code == 200 and b"Test medic" in page.data and b"$86,070" in page.data
    assert b"O*NET's own list of related occupations" in page.data
    assert b"Lighthouse keeper" in page.data
    page = client.get("/path?a=test%20nurse&b=test%20medic")
    assert page.status_code == 200 and b"Triage" in page.data
    page = client.get("/path?a=test%20nurse&b=test%20medic&max_steps=1")
    assert page.status_code == 200
    assert client.get("/next?role=astronaut").status_code == 404
    page = client.get("/skills")
    assert page.status_code == 200 and b"Charting software" in page.data
    assert "★".encode() in page.data
    page = client.get("/compare?a=test%20nurse&b=test%20medic")
    assert b"They share" in page.data and b"Weighted similarity" in page.data


# -- the real O*NET technology data, against the raw file -------------------------------------

def _raw_technologies() -> dict[str, set[str]]:
    with open(ONET_DIR / "Technology Skills.txt", encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        out: dict[str, set[str]] = {}
        for row in rows:
            out.setdefault(row["O*NET-SOC Code"], set()).add(row["Example"])
    return out


@pytest.fixture(scope="module")
def onet_graph():
    """O*NET's technologies (data/onet) in a store without the seed, so that every role and
    technology is O*NET's."""
    from careerkg.graph.importers.onet import import_onet

    kg = open_store(None, seed=False)
    import_onet(kg, ONET_DIR)
    G = ov.requirements_graph(kg)
    kg.close()
    return G


@pytest.mark.parametrize("code", ["15-2051.00", "29-1141.00", "47-2111.00"])
def test_real_technology_similarity_matches_the_raw_file(onet_graph, code):
    raw = _raw_technologies()
    n = len(raw)
    df: dict[str, int] = {}
    for techs in raw.values():
        for t in techs:
            df[t] = df.get(t, 0) + 1
    vectors = {c: {t: idf(n, df[t]) for t in techs} for c, techs in raw.items()}
    expected = sorted(((cosine(vectors[code], v), c) for c, v in vectors.items() if c != code),
                      key=lambda p: (-p[0], ONET + p[1]))[:10]
    got = ov.similar_roles(onet_graph, ONET + code, k=10)
    assert [s["codes"][0] for s in got] == [c for _s, c in expected]
    assert [s["similarity"] for s in got] == pytest.approx([s for s, _c in expected])
    # what next: the missing technologies are exactly the raw difference
    for move in ov.next_roles(onet_graph, ONET + code, k=3):
        target = move["role"]["code"]
        assert {m["label"] for m in move["missing"]} == raw[target] - raw[code]
        assert move["shared"] == len(raw[target] & raw[code])
        assert move["wage_change"] is None  # no wages imported


def test_the_benchmark_scores_rankings_as_similar_roles_ranks_them():
    """precision@10 / recall@20 of benchmarks.measure_overlap on a hand-made taxonomy, against
    the same figures counted from similar_roles' own lists."""
    import random

    from benchmarks.measure_overlap import related_quality

    rng = random.Random(13)
    codes = [f"11-{n:04d}.00" for n in range(30)]
    roles = {ONET + c: rng.sample([f"s{k}" for k in range(25)], rng.randint(2, 8))
             for c in codes}
    roles[ID + "role/seed"] = ["s1", "s2", "s3"]  # outside the reference's universe
    G = ov.requirements_from_dict(roles)
    reference = {c: set(rng.sample([o for o in codes if o != c], 6)) for c in codes[:20]}
    reference["99-9999.00"] = {"11-0001.00"}  # not an occupation of the graph: left out
    precision, recall = [], []
    for code, related in sorted(reference.items()):
        if ONET + code not in G:
            continue
        ranked = [s["codes"][0] if s["codes"] else s["iri"].rsplit("/", 1)[1]
                  for s in ov.similar_roles(G, ONET + code, k=40)
                  if s["iri"].startswith(ONET)]
        precision.append(len(set(ranked[:10]) & related) / 10)
        recall.append(len(set(ranked[:20]) & related) / len(related))
    got = related_quality(G, reference)
    assert got["occupations"] == 20
    assert got["precision_at_10"] == pytest.approx(sum(precision) / 20)
    assert got["recall_at_20"] == pytest.approx(sum(recall) / 20)

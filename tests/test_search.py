"""Search and name resolution (issue 12): the index on hand-made graphs (tiers, kinds,
folding, typos, codes), the index following the store (memory and disk, rebuilt when the
sources change), names resolved like the overlap module's, the CLI, the HTTP API and the
results page on the real app, and answers on the real O*NET files checked against the files.
"""

from __future__ import annotations

import csv
import json
import random
import statistics
import time

import pytest
from conftest import ONET_DIR

from careerkg.graph import search as gs
from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.namespaces import CKG, ID
from careerkg.graph.store import Payload

ROLE = ID + "role/"
SKILL = ID + "skill/"
TOOL = ID + "tool/"
MLE = ROLE + "machine-learning-engineer"
DS = ROLE + "data-scientist"
TURTLE = rdf_format("turtle")

HAND_MADE = """
role:stat a ckg:Role ; rdfs:label "Statisticians"@en ; skos:notation "15-2041.00" ;
    skos:altLabel "Biometrician"@en, "Mathematical Statistician"@en .
role:onet-ds a ckg:Role ; rdfs:label "Data Scientists"@en ; skos:notation "15-2051.00" .
role:bi a ckg:Role ; rdfs:label "Business Intelligence Analysts"@en ;
    skos:notation "15-2051.01" ; skos:altLabel "Analyst"@en .
role:quant a ckg:Role ; rdfs:label "Quant"@en ; skos:altLabel "Analyst"@en .
role:chef a ckg:Role ; skos:prefLabel "Chef de cuisine"@en ; rdfs:label "Chef de cuisine" ;
    skos:altLabel "Pâtissière"@en, "Koch"@de .
skill:stat-methods a ckg:Skill ; rdfs:label "Statistical methods"@en .
tool:stata a ckg:Tool, ckg:Software ; rdfs:label "Stata"@en .
"""


def add_turtle(store, name: str, text: str) -> None:
    prefixes = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in {
        "ckg": CKG, "role": ROLE, "skill": SKILL, "tool": TOOL,
        "skos": gs.SKOS, "rdfs": gs.RDFS,
    }.items())
    store.replace_source(name, Payload(data=(prefixes + text).encode(), format=TURTLE))


@pytest.fixture(scope="module")
def hand_made():
    store = open_store(None)
    add_turtle(store, "hand-made", HAND_MADE)
    yield store
    store.close()


def found(store, text, **options):
    return [(h.iri, h.matched) for h in gs.search(store, text, **options)]


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(gs, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


# -- keys --------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Statisticians", "statistician"), ("DATA SCIENTISTS", "data scientist"),
    ("Pâtissière", "patissiere"), ("Business analysis", "business analysis"),
    ("Technologies", "technology"), ("Boxes", "box"), ("15-2051.00", "15 2051 00"),
    ("C++ / C#", "c c"), ("  spaced\tout  ", "spaced out"),
])
def test_names_fold_case_accents_punctuation_and_plurals(a, b):
    assert gs.name_key(a) == gs.name_key(b)


# -- tiers and kinds ---------------------------------------------------------------------------

def test_exact_matches_fold_case_accents_and_plurals(hand_made):
    for text in ("statistician", "STATISTICIANS", "Statisticians"):
        hits = gs.search(hand_made, text)
        assert (hits[0].iri, hits[0].tier, hits[0].score) == (ROLE + "stat", "exact", 1.0)
    hit = gs.search(hand_made, "patissieres")[0]
    assert (hit.iri, hit.matched, hit.tier) == (ROLE + "chef", "Pâtissière", "exact")


def test_codes_match_whole_and_by_prefix(hand_made):
    hit = gs.search(hand_made, "15-2051.00")[0]
    assert (hit.iri, hit.code, hit.matched, hit.tier) == (
        ROLE + "onet-ds", "15-2051.00", "15-2051.00", "exact")
    assert [iri for iri, _ in found(hand_made, "15-2051")] == [ROLE + "onet-ds", ROLE + "bi"]
    assert found(hand_made, "15-20")[0][0] == ROLE + "stat"  # codes sort in order


def test_ranking_exact_then_prefix_then_fuzzy_and_preferred_before_alternative(hand_made):
    hits = gs.search(hand_made, "statistic", limit=20)
    tiers = [h.tier for h in hits]
    assert tiers == sorted(tiers, key=["exact", "prefix", "fuzzy", "partial"].index)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # "Statisticians" (label) and "Statistical methods" (label) are word prefixes; the role
    # also has "Mathematical Statistician" (alternative): its best name is its label.
    by_iri = {h.iri: h for h in hits}
    assert by_iri[ROLE + "stat"].matched == "Statisticians"
    assert by_iri[SKILL + "stat-methods"].tier == "prefix"
    # A preferred label outranks an alternative one in the same tier.
    hits = gs.search(hand_made, "analyst")
    assert hits[0].tier == "exact"
    assert {h.iri for h in hits[:2]} == {ROLE + "bi", ROLE + "quant"}
    assert all(h.score < 1.0 for h in hits[:2])  # both alternative labels ...
    assert gs.search(hand_made, "business intelligence analyst")[0].score == 1.0  # ... vs


def test_word_prefixes_in_any_word(hand_made):
    assert found(hand_made, "busi intell")[0][0] == ROLE + "bi"
    hits = found(hand_made, "math stat")
    # The seed's skill "Mathematics and statistics" is a label: before an alternative label.
    assert hits[:2] == [(SKILL + "mathematics-and-statistics", "Mathematics and statistics"),
                        (ROLE + "stat", "Mathematical Statistician")]


@pytest.mark.parametrize("typo, iri", [
    ("statistcian", ROLE + "stat"), ("statisticain", ROLE + "stat"),
    ("busines inteligence", ROLE + "bi"), ("biometrican", ROLE + "stat"),
    ("stta", TOOL + "stata"),
])
def test_typos_find_the_closest_names(hand_made, typo, iri):
    hits = gs.search(hand_made, typo)
    assert hits and hits[0].iri == iri and hits[0].tier == "fuzzy"


def test_type_filter_and_types(hand_made):
    assert {h.type for h in gs.search(hand_made, "stat", limit=50)} >= {"role", "skill", "tool"}
    assert {h.type for h in gs.search(hand_made, "stat", type="tool", limit=50)} == {"tool"}
    assert gs.search(hand_made, "stata")[0].type == "tool"  # a ckg:Software is a tool
    with pytest.raises(ValueError, match="unknown type"):
        gs.search(hand_made, "x", type="planet")


def test_only_english_or_untagged_names(hand_made):
    assert gs.search(hand_made, "koch") == []


@pytest.mark.parametrize("text", [
    '"', '""', "*", "a*", "NEAR(a b)", "stat AND", "OR", "-", "^", "(", ")", ":", "col:x",
    "'; DROP TABLE name; --", "\x00", "\u202e", "x" * 500, "🙂", "   ",
])
def test_any_text_is_only_text(hand_made, text):
    hits = gs.search(hand_made, text)
    assert isinstance(hits, list)


def test_each_thing_once_with_its_best_name(hand_made):
    hits = gs.search(hand_made, "stat", limit=50)
    assert len({h.iri for h in hits}) == len(hits)


# -- the index follows the store ---------------------------------------------------------------

def test_the_index_is_rebuilt_when_the_sources_change(memory_store):
    assert gs.search(memory_store, "astronaut") == []
    add_turtle(memory_store, "space", 'role:astro a ckg:Role ; rdfs:label "Astronaut"@en .')
    assert gs.search(memory_store, "astronauts")[0].iri == ROLE + "astro"
    memory_store.drop_source("space")
    assert gs.search(memory_store, "astronaut") == []


def test_a_disk_store_keeps_its_index_in_a_file_beside_it(tmp_path):
    location = tmp_path / "store"
    store = open_store(str(location))
    try:
        assert gs.search(store, "ML engineer")[0].iri == MLE
        index = gs.search_index(store)
        path = tmp_path / "store.search.sqlite"
        assert index.path == path and path.is_file()
        first = path.stat().st_mtime_ns
        add_turtle(store, "space", 'role:astro a ckg:Role ; rdfs:label "Astronaut"@en .')
        assert gs.search(store, "astronaut")[0].iri == ROLE + "astro"
        assert path.stat().st_mtime_ns != first
    finally:
        store.close()
    gs.clear_search_cache()
    rebuilt = path.stat().st_mtime_ns
    store = open_store(str(location))
    try:
        # Opened again with the same sources: the file is used as it is.
        assert gs.search(store, "astronaut")[0].iri == ROLE + "astro"
        assert path.stat().st_mtime_ns == rebuilt
    finally:
        store.close()


def test_a_stale_index_file_is_not_used(tmp_path):
    location = tmp_path / "store"
    store = open_store(str(location))
    try:
        gs.search(store, "x")
        add_turtle(store, "space", 'role:astro a ckg:Role ; rdfs:label "Astronaut"@en .')
        gs.clear_search_cache()
        # The file was written before the import; its fingerprint no longer matches.
        path = tmp_path / "store.search.sqlite"
        before = path.stat().st_mtime_ns
        assert gs.search(store, "astronaut")[0].iri == ROLE + "astro"
        assert path.stat().st_mtime_ns != before
    finally:
        store.close()


def test_search_through_worker_processes_and_a_remote_store(any_store):
    assert gs.search(any_store, "Machine learning engineers")[0].iri == MLE


# -- resolving names ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    MLE, f"<{MLE}>", "role:machine-learning-engineer", "machine-learning-engineer",
    "MACHINE-LEARNING-ENGINEER", "Machine learning engineer", "machine LEARNING   engineer",
    "Machine learning engineers", "ML engineer", "ML engineers", "mle",
])
def test_a_role_by_any_of_its_names(seed_store, name):
    found_ = gs.resolve_name(seed_store, name)
    assert (found_.iri, found_.label, found_.type) == (MLE, "Machine learning engineer", "role")


def test_the_precedence_of_names(hand_made):
    assert gs.resolve_name(hand_made, "15-2051.00").matched_by == "code"
    assert gs.resolve_name(hand_made, "statistician").iri == ROLE + "stat"
    assert gs.resolve_name(hand_made, "Biometricians").matched_by == "alternative label"
    # "Data scientists": the seed role's alternative label, the O*NET-like role's label.
    assert gs.resolve_name(hand_made, "data scientists").iri == ROLE + "onet-ds"
    # Folded to the same key, the one spelled as asked wins.
    assert gs.resolve_name(hand_made, "Data scientist").iri == DS
    with pytest.raises(gs.AmbiguousName) as caught:
        gs.resolve_name(hand_made, "analyst")
    assert "2 roles" in str(caught.value) and "role:quant" in str(caught.value)
    assert {iri for iri, _ in caught.value.candidates} == {ROLE + "quant", ROLE + "bi"}
    assert gs.resolve_name(hand_made, "stata", type="tool").iri == TOOL + "stata"
    assert gs.resolve_name(hand_made, "statistical method", type=None).type == "skill"


def test_an_unknown_name_lists_candidates_once(seed_store):
    with pytest.raises(gs.NameNotFound) as caught:
        gs.resolve_name(seed_store, "data scientst")
    assert "no role named 'data scientst'" in str(caught.value)
    assert caught.value.candidates[0] == (DS, "Data scientist")
    assert str(caught.value).count("data-scientist") == 1  # each candidate named once
    with pytest.raises(gs.NameNotFound) as caught:
        gs.resolve_name(seed_store, "astronaut")
    assert {iri for iri, _ in caught.value.candidates} == {DS, MLE}
    assert "the roles are" in str(caught.value)
    with pytest.raises(gs.NameNotFound):
        gs.resolve_name(seed_store, "skill:programming")  # an IRI, but not a role's
    with pytest.raises(gs.NameNotFound, match="empty"):
        gs.resolve_name(seed_store, "   ")


@pytest.mark.parametrize("name", ['"; DROP ALL', 'x") } SELECT * {', "<javascript:alert(1)>",
                                  "a\\b", "\u0000", "NEAR(", "*"])
def test_hostile_names_are_only_names(seed_store, name):
    with pytest.raises(gs.NameNotFound):
        gs.resolve_name(seed_store, name)


# -- the command -------------------------------------------------------------------------------

def test_the_command_lists_matches(cli):
    result = cli("search", "statistcs", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert "Statistics" in result.output.splitlines()[2]
    result = cli("search", "ML engineer", "--type", "role", "--format", "json")
    hits = json.loads(result.output)
    assert hits[0] == {"iri": MLE, "label": "Machine learning engineer", "type": "role",
                       "code": None, "score": 0.9, "matched": "ML engineer"}
    result = cli("search", "x", "--type", "planet")
    assert result.exit_code == 2 and "planet" in result.output


# -- HTTP --------------------------------------------------------------------------------------

def test_the_api_answers_the_commands_json(client, cli):
    for q, options in (("python", ()), ("ML engineer", ("--type", "role")),
                       ("statistcs", ("--limit", "3"))):
        args = {"q": q}
        if options:
            args[options[0].lstrip("-")] = options[1]
        answer = client.get("/api/search", query_string=args)
        assert answer.status_code == 200 and answer.mimetype == "application/json"
        assert answer.json == json.loads(cli("search", q, *options, "--format", "json").output)
    assert client.get("/api/search?q=").json == []
    assert set(client.get("/api/search?q=data").json[0]) == {
        "iri", "label", "type", "code", "score", "matched"}


@pytest.mark.parametrize("query, message", [
    ("q=x&type=planet", "type='planet' is not known"), ("q=x&limit=0", "out of range"),
    ("q=x&limit=abc", "not a whole number"), ("q=x&limit=101", "out of range"),
    ("q=" + "x" * 201, "at most 200"),
])
def test_bad_parameters_are_400_with_a_reason(client, query, message):
    answer = client.get("/api/search?" + query)
    assert answer.status_code == 400 and message in answer.json["error"]["message"]
    page = client.get("/search?" + query)
    assert page.status_code == 400 and message in page.get_data(as_text=True).replace(
        "&#39;", "'")


def test_the_results_page(client):
    page = client.get("/search?q=ML+engineers").get_data(as_text=True)
    assert 'href="/id/role/machine-learning-engineer"' in page
    assert "matched “ML engineer”" in page
    assert "Nothing is named like" in client.get("/search?q=zzzzqqq").get_data(as_text=True)
    page = client.get("/search?q=python&type=tool").get_data(as_text=True)
    assert '<option value="tool" selected>' in page


@pytest.mark.parametrize("path", ["/", "/query", "/queries", "/id/role/data-scientist",
                                  "/search", "/compare", "/ontology"])
def test_every_page_has_the_search_box(client, path):
    page = client.get(path).get_data(as_text=True)
    assert '<form class="site-search" method="get" action="/search"' in page
    assert 'src="/static/search.js"' in page


def test_the_api_resolves_names(client):
    answer = client.get("/api/resolve?name=ML+engineers")
    assert answer.json == {"iri": MLE, "label": "Machine learning engineer", "type": "role",
                           "matched_by": "alternative label"}
    answer = client.get("/api/resolve?name=python&type=any")
    assert (answer.json["type"], answer.json["iri"]) == ("tool", TOOL + "python")
    answer = client.get("/api/resolve?name=data+scientst")
    assert answer.status_code == 404
    assert answer.json["error"]["candidates"][0] == {
        "iri": DS, "label": "Data scientist", "href": "/id/role/data-scientist"}


def test_an_unknown_or_ambiguous_name_is_a_page_of_candidate_links(hand_made):
    from flask import request

    from careerkg.server import close_app, create_app

    app = create_app({"STORE": hand_made, "TESTING": True})

    @app.route("/a-page-that-names-a-role")  # what /compare or a canned query will do
    def a_page():
        return gs.resolve_name(hand_made, request.args["name"]).label

    try:
        client = app.test_client()
        html = {"Accept": "text/html"}
        assert client.get("/a-page-that-names-a-role?name=stats").status_code == 404
        page = client.get("/a-page-that-names-a-role?name=data+scientst", headers=html)
        assert page.status_code == 404
        text = page.get_data(as_text=True)
        assert '<li><a href="/id/role/data-scientist">Data scientist</a></li>' in text
        assert DS not in text  # named by label and prefixed name, never by the raw IRI
        page = client.get("/a-page-that-names-a-role?name=analyst", headers=html)
        assert page.status_code == 400
        text = page.get_data(as_text=True)
        assert text.count('href="/id/role/') == 2 and "names 2 roles" in text
    finally:
        close_app(app)


def test_hostile_labels_are_text(tmp_path):
    from careerkg.server import close_app, create_app

    store = open_store(None)
    add_turtle(store, "hostile", """
        role:evil a ckg:Role ; rdfs:label "<script>alert('label')</script>Evil role" ;
            skos:altLabel "\\"onmouseover=alert(1) x=\\"" .
    """)
    app = create_app({"STORE": store, "TESTING": True})
    try:
        client = app.test_client()
        hits = client.get("/api/search?q=evil").json
        assert hits[0]["label"] == "<script>alert('label')</script>Evil role"
        page = client.get("/search?q=onmouseover").get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
        assert "matched “&#34;onmouseover=alert(1) x=&#34;”" in page
        assert '"onmouseover=' not in page
    finally:
        close_app(app)
        store.close()


# -- ESCO: alternative labels and codes, from the files themselves -----------------------------

def test_esco_alternative_labels_and_codes(memory_store):
    from conftest import FIXTURES

    from careerkg.graph.importers import import_source

    folder = FIXTURES / "esco"
    import_source("esco", memory_store, folder)
    with open(folder / "occupations_en.csv", encoding="utf-8", newline="") as handle:
        occupations = list(csv.DictReader(handle))
    with open(folder / "ISCOGroups_en.csv", encoding="utf-8", newline="") as handle:
        groups = list(csv.DictReader(handle))
    alternatives = [(row, a) for row in occupations for a in row["altLabels"].split("\n") if a]
    assert len(alternatives) > len(occupations)
    for row, alternative in alternatives:
        hits = gs.search(memory_store, alternative, type="role", limit=50)
        assert any(h.matched == alternative and h.label == row["preferredLabel"]
                   and h.tier == "exact" for h in hits), (alternative, hits[:3])
    for row in occupations:
        hit = gs.search(memory_store, row["code"], type="role")[0]
        assert (hit.label, hit.code) == (row["preferredLabel"], row["code"])
    for row in groups:
        hits = gs.search(memory_store, row["code"], limit=50)
        assert any(h.label == row["preferredLabel"] and h.type == "concept" for h in hits)


# -- O*NET: answers from the files themselves --------------------------------------------------

@pytest.fixture(scope="module")
def onet():
    if not ONET_DIR.is_dir():
        pytest.skip("no O*NET data")
    from careerkg.graph.importers import import_source

    store = open_store(None)
    import_source("onet", store, ONET_DIR)
    with open(ONET_DIR / "Occupation Data.txt", encoding="utf-8", newline="") as handle:
        titles = {r["O*NET-SOC Code"]: r["Title"]
                  for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    yield store, titles
    store.close()


def test_onet_typos_and_codes(onet):
    store, titles = onet
    statisticians = [c for c, t in titles.items() if t.lower() == "statisticians"]
    assert len(statisticians) == 1
    hit = gs.search(store, "statistcian")[0]
    assert (hit.label, hit.code) == ("Statisticians", statisticians[0])
    data_scientists = [c for c, t in titles.items() if t == "Data Scientists"]
    assert [h.code for h in gs.search(store, "15-2051", type="role")][0] == data_scientists[0]
    assert gs.resolve_name(store, "statistician").iri.endswith(statisticians[0])
    assert gs.resolve_name(store, "15-2051.00").iri.endswith(data_scientists[0])


def test_onet_every_sampled_title_and_code_finds_its_occupation(onet):
    store, titles = onet
    unique = {t.casefold() for t in titles.values()}
    sample = random.Random(12).sample(sorted(titles.items()), 150)
    for code, title in sample:
        assert gs.search(store, code, type="role")[0].code == code
        hits = gs.search(store, title, type="role")
        if len(unique) == len(titles):
            assert hits[0].code == code, (title, hits[:3])
        assert gs.resolve_name(store, code).iri.endswith(code)


def test_onet_search_is_fast(onet):
    store, titles = onet
    words = [t.split()[0][:5] for t in random.Random(3).sample(sorted(titles.values()), 60)]
    queries = words + ["statistcian", "data", "softwar develper", "15-2051", "python", "d"]
    gs.search(store, "warm up")
    times = []
    for q in queries:
        started = time.perf_counter()
        gs.search(store, q)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.02, statistics.median(times)

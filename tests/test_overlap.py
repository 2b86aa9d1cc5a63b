"""Skill-overlap analytics (issue 4): every metric on tiny hand-made graphs, known answers on
the seed article, the graph read from every kind of store, role names, exports read back
by networkx, and the sparse path at O*NET and ESCO size.  Salary figures are in
``test_salaries.py``."""

from __future__ import annotations

import itertools
import json
import random
import statistics
import time

import networkx as nx
import numpy as np
import pytest
from conftest import ONET_DIR
from networkx.algorithms import bipartite

from careerkg.graph import overlap as ov
from careerkg.graph.executor import IsolatedStore, PoolConfig
from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.namespaces import CKG, ID, RDFS, SKOS
from careerkg.graph.overlap.similarity import RoleMatrix, pairwise_similarity, top_k_similar
from careerkg.graph.store import Payload

ROLE = ID + "role/"
TOOL = ID + "tool/"
SKILL = ID + "skill/"
MLE = ROLE + "machine-learning-engineer"
DS = ROLE + "data-scientist"
TURTLE = rdf_format("turtle")


def labels(items):
    return {i["label"] for i in items}


def add_turtle(store, name: str, text: str) -> None:
    prefixes = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in {
        "ckg": CKG, "role": ROLE, "skill": SKILL, "tool": TOOL,
        "skos": SKOS, "rdfs": RDFS, "ex": "http://example.org/",
    }.items())
    store.replace_source(name, Payload(data=(prefixes + text).encode(), format=TURTLE))


# -- the examples in the docstrings ---------------------------------------------------------

@pytest.mark.parametrize("module", [
    "overlap", "overlap.model", "overlap.names", "overlap.compare", "overlap.views",
    "overlap.similarity", "overlap.export", "labels", "namespaces",
])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    imported = importlib.import_module(f"careerkg.graph.{module}")
    failures, tried = doctest.testmod(imported, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


# -- tiny graphs: one metric each ------------------------------------------------------------

@pytest.fixture
def tiny():
    """a: x y z, b: y z w, c: q, e: nothing.  Categories: x,y,w in 'lang'; z in 'math'."""
    return ov.requirements_from_dict(
        {"a": ["x", "y", "z"], "b": ["y", "z", "w"], "c": ["q"], "e": []},
        categories={"x": "lang", "y": "lang", "w": "lang", "z": "math"},
        labels={"lang": "Languages", "math": "Mathematics"},
    )


def test_jaccard_and_overlap_coefficient_by_hand(tiny):
    # |A ∩ B| = 2 (y, z), |A ∪ B| = 4, min(|A|, |B|) = 3
    assert ov.jaccard(tiny, "a", "b") == pytest.approx(2 / 4)
    assert ov.overlap_coefficient(tiny, "a", "b") == pytest.approx(2 / 3)
    assert ov.jaccard(tiny, "a", "c") == 0.0
    assert ov.overlap_coefficient(tiny, "a", "c") == 0.0
    # a role without requirements: both scores are 0, not a division error
    assert ov.jaccard(tiny, "e", "e") == 0.0
    assert ov.overlap_coefficient(tiny, "a", "e") == 0.0
    assert ov.jaccard(tiny, "a", "a") == 1.0


def test_overlap_coefficient_is_1_for_a_subset():
    G = ov.requirements_from_dict({"small": ["x"], "big": ["x", "y", "z", "w"]})
    assert ov.overlap_coefficient(G, "small", "big") == 1.0
    assert ov.jaccard(G, "small", "big") == pytest.approx(1 / 4)


def test_per_category_overlap(tiny):
    by_category = {c["category"]: c for c in ov.category_overlap(tiny, "a", "b")}
    assert set(by_category) == {"lang", "math"}
    lang = by_category["lang"]  # a: x y, b: y w
    assert (lang["shared"], lang["only_a"], lang["only_b"]) == (1, 1, 1)
    assert lang["jaccard"] == pytest.approx(1 / 3)
    assert lang["overlap_coefficient"] == pytest.approx(1 / 2)
    assert lang["category_label"] == "Languages"
    math = by_category["math"]  # z in both
    assert (math["shared"], math["jaccard"], math["overlap_coefficient"]) == (1, 1.0, 1.0)


def test_items_without_a_category_are_grouped_together():
    G = ov.requirements_from_dict({"a": ["x", "y"], "b": ["y"]})
    (only,) = ov.category_overlap(G, "a", "b")
    assert only["category"] is None and only["category_label"] == ov.NO_CATEGORY
    assert (only["shared"], only["only_a"], only["only_b"]) == (1, 1, 0)


def test_compare_roles_lists_and_scores(tiny):
    c = ov.compare_roles(tiny, "a", "b")
    assert [i["iri"] for i in c.shared] == ["y", "z"]  # Languages before Mathematics
    assert [i["iri"] for i in c.only_a] == ["x"]
    assert [i["iri"] for i in c.only_b] == ["w"]
    assert (c.jaccard, c.overlap_coefficient) == (pytest.approx(0.5), pytest.approx(2 / 3))
    assert [g["iri"] for g in c.gap] == ["w"] and [g["iri"] for g in c.gap_reverse] == ["x"]
    assert c.a["items"] == 3 and c.b["items"] == 3


def test_gap_order_categories_then_foundations_then_prevalence():
    # What "ds" must learn to become "mle": 3 items in 'eng', 1 in 'hw'.  Within 'eng',
    # "ops" is the broader skill of "k8s"; "ci" and "k8s" are both sub-skills but "ci" is
    # required by more roles, so it comes first.
    G = ov.requirements_from_dict(
        {"ds": ["py"], "mle": ["py", "k8s", "ci", "ops", "cuda"], "sre": ["ci"], "dev": ["ci"]},
        categories={"ops": "eng", "k8s": "eng", "ci": "eng", "cuda": "hw"},
        broader={"k8s": "ops", "ci": "ops"},
    )
    gap = ov.learning_gap(G, "ds", "mle")
    assert [g["iri"] for g in gap] == ["ops", "ci", "k8s", "cuda"]
    assert [g["rank"] for g in gap] == [1, 2, 3, 4]
    assert [g["roles"] for g in gap] == [1, 3, 1, 1]
    assert ov.learning_gap(G, "mle", "ds") == []


def test_top_k_similar_roles_with_ties():
    G = ov.requirements_from_dict({
        "a": ["x", "y"],
        "b": ["x", "y", "z"],   # J = 2/3
        "c": ["x"],             # J = 1/2, shared 1
        "d": ["y", "w", "v"],   # J = 1/4
        "f": ["y"],             # J = 1/2, shared 1 (ties with c: IRI order)
        "g": ["q"],             # shares nothing: never listed
    })
    got = [(s["iri"], round(s["jaccard"], 4), s["shared"])
           for s in ov.similar_roles(G, "a", k=10, metric="jaccard")]
    assert got == [("b", 0.6667, 2), ("c", 0.5, 1), ("f", 0.5, 1), ("d", 0.25, 1)]
    assert [s["iri"] for s in ov.similar_roles(G, "a", k=2, metric="jaccard")] == ["b", "c"]
    by_overlap = ov.similar_roles(G, "a", k=10, metric="overlap")
    # overlap coefficient: b 2/2, c 1/1, f 1/1, d 1/2 — equal scores, more shared first
    assert [s["iri"] for s in by_overlap] == ["b", "c", "f", "d"]
    assert ov.similar_roles(G, "g") == []
    with pytest.raises(ov.RoleNotFound, match="not a role"):
        ov.similar_roles(G, "x")


@pytest.mark.parametrize("metric, use_jaccard", [("jaccard", True), ("overlap", False)])
def test_projection_weights_match_networkx(metric, use_jaccard):
    requirements = {
        "a": ["x", "y", "z"], "b": ["y", "z", "w"], "c": ["z"], "d": ["q", "r"], "e": ["r"],
    }
    G = ov.requirements_from_dict(requirements)
    P = ov.role_projection(G, metric=metric)
    expected = bipartite.overlap_weighted_projected_graph(G, list(requirements),
                                                          jaccard=use_jaccard)
    assert set(P.nodes) == set(expected.nodes)
    assert {frozenset(e) for e in P.edges} == {frozenset(e) for e in expected.edges}
    for u, v, weight in expected.edges(data="weight"):
        assert P[u][v]["weight"] == pytest.approx(weight)
    assert P["a"]["b"]["shared"] == 2


def test_projection_min_weight_and_k_nearest():
    G = ov.requirements_from_dict({"a": ["x", "y"], "b": ["x", "y"], "c": ["x", "z", "w"]})
    assert {frozenset(e) for e in ov.role_projection(G, min_weight=0.5).edges} == {
        frozenset("ab")}
    knn = ov.role_projection(G, k=1)
    assert {frozenset(e) for e in knn.edges} == {frozenset("ab"), frozenset("ca")}


def test_item_centrality_degree_and_betweenness():
    G = ov.requirements_from_dict(
        {"a": ["py", "sql"], "b": ["py", "r"], "c": ["py"], "d": ["go"]})
    degree = ov.item_centrality(G)
    assert [(c["iri"], c["roles"]) for c in degree[:1]] == [("py", 3)]
    assert degree[0]["score"] == pytest.approx(3 / 4)
    between = {c["iri"]: c["score"] for c in ov.item_centrality(G, measure="betweenness")}
    assert between == pytest.approx({n: v for n, v in nx.betweenness_centrality(G).items()
                                     if n in between})
    assert max(between, key=between.get) == "py"
    with pytest.raises(ValueError, match="unknown measure"):
        ov.item_centrality(G, measure="pagerank")


def test_co_occurring_items():
    G = ov.requirements_from_dict(
        {"a": ["py", "sql", "r"], "b": ["py", "sql"], "c": ["py", "go"], "d": ["sql"]})
    got = [(c["iri"], c["together"]) for c in ov.co_occurring_items(G, "py")]
    assert got == [("sql", 2), ("go", 1), ("r", 1)]  # go: J 1/3, r: J 1/3 → by label
    sql = {c["iri"]: c["jaccard"] for c in ov.co_occurring_items(G, "py")}["sql"]
    assert sql == pytest.approx(2 / 4)  # roles of py {a,b,c}, of sql {a,b,d}


def test_components_and_communities():
    G = ov.requirements_from_dict({
        "a": ["x", "y", "z"], "b": ["x", "y", "z"], "c": ["x", "y"],
        "d": ["p", "q", "r"], "e": ["p", "q", "r"], "f": ["p", "q"],
        "lonely": ["solo"], "z0": [],
    })
    assert ov.role_components(G) == [["a", "b", "c"], ["d", "e", "f"], ["lonely"], ["z0"]]
    bridged = ov.requirements_from_dict({
        "a": ["x", "y", "z"], "b": ["x", "y", "z"], "c": ["x", "y", "z"],
        "d": ["p", "q", "r"], "e": ["p", "q", "r"], "f": ["p", "q", "r", "z"],
    })
    assert ov.role_components(bridged) == [["a", "b", "c", "d", "e", "f"]]
    assert ov.role_communities(bridged, k=2) == [["a", "b", "c"], ["d", "e", "f"]]


def test_ego_network():
    G = ov.requirements_from_dict({"a": ["x", "y"], "b": ["x"], "c": ["y", "z"], "d": ["q"]})
    assert set(ov.ego_network(G, "a", radius=1)) == {"a", "x", "y"}
    assert set(ov.ego_network(G, "a")) == {"a", "x", "y", "b", "c"}
    limited = ov.ego_network(G, "a", max_roles=1)  # b (J 1/2) is closer than c (J 1/3)
    assert {n for n in limited if limited.nodes[n]["layer"] == "role"} == {"a", "b"}
    assert set(limited) == {"a", "b", "x", "y"}


def test_overlap_view_marks_shared_and_specific(tiny):
    V = ov.overlap_view(tiny, roles=["a", "b"])
    status = {n: d["status"] for n, d in V.nodes(data=True)}
    assert status == {"a": "role", "b": "role", "y": "shared", "z": "shared",
                      "x": "specific", "w": "specific"}
    assert V.nodes["y"]["shared_by"] == 2 and V.nodes["a"]["degree"] == 3
    capped = ov.overlap_view(tiny, roles=["a", "b"], max_items=2)
    assert {n for n in capped if capped.nodes[n]["layer"] != "role"} == {"y", "z"}
    assert capped.graph["truncated"] is True
    centred = ov.overlap_view(tiny, center="a", k=5)
    assert {n for n in centred if centred.nodes[n]["layer"] == "role"} == {"a", "b"}


def test_by_restricts_to_a_layer():
    G = ov.requirements_from_dict({"a": ["x"], "b": ["x"]}, layer="tool")
    assert ov.role_items(G, "a", "tools") == {"x"}
    assert ov.role_items(G, "a", "skills") == set()
    with pytest.raises(ValueError, match="unknown --by"):
        ov.role_items(G, "a", "industries")


# -- the sparse path against brute force --------------------------------------------------

def brute_force(sets: dict[str, set], a: str, b: str) -> tuple[int, float, float]:
    shared = len(sets[a] & sets[b])
    union = len(sets[a] | sets[b])
    smaller = min(len(sets[a]), len(sets[b]))
    return shared, shared / union if union else 0.0, shared / smaller if smaller else 0.0


def test_sparse_all_pairs_and_top_k_equal_brute_force():
    rng = random.Random(7)
    sets = {f"r{i:02d}": {f"s{rng.randrange(30)}" for _ in range(rng.randrange(0, 9))}
            for i in range(40)}
    rm = RoleMatrix.from_pairs(sets, ((r, s) for r, items in sets.items() for s in items))
    jac, ovl, cnt = (pairwise_similarity(rm, m).toarray() for m in ("jaccard", "overlap",
                                                                      "shared"))
    for a, b in itertools.permutations(sets, 2):
        i, j = rm.index_of(a), rm.index_of(b)
        shared, jaccard, overlap = brute_force(sets, a, b)
        assert (cnt[i, j], jac[i, j], ovl[i, j]) == (shared, pytest.approx(jaccard),
                                                      pytest.approx(overlap))
    assert not np.diag(jac).any()
    for role in sets:
        expected = sorted(
            ((b, *brute_force(sets, role, b)) for b in sets if b != role),
            key=lambda t: (-t[2], -t[1], t[0]),
        )
        expected = [(b, pytest.approx(j), s) for b, s, j, _o in expected if s > 0][:5]
        assert top_k_similar(rm, role, 5) == expected


def random_role_matrix(
    n_roles: int = 3000,
    n_items: int = 14000,
    n_links: int = 126_000,
    *,
    seed: int = 0,
    skew: float = 1.0,
) -> RoleMatrix:
    """A seeded random roles x items matrix shaped like a real taxonomy (for the scale test).

    Item popularity follows a Zipf law with exponent ``skew``: a few items are required by
    almost every role (in O*NET, Microsoft Excel is listed for 856 of 923 occupations), most
    by few, so nearly every pair of roles shares something and ``R @ R.T`` is close to dense,
    the hard case.  Roles draw their items uniformly at random.  The defaults are ESCO's
    size: 3,000 occupations x 14,000 skills, 126k distinct links.
    """
    if n_links > n_roles * n_items:
        raise ValueError(f"{n_links} links do not fit in {n_roles} x {n_items}")
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_items + 1) ** skew
    weights /= weights.sum()
    popularity = rng.permutation(n_items)  # which item gets which rank
    codes = np.empty(0, dtype=np.int64)
    while len(codes) < n_links:
        need = int((n_links - len(codes)) * 1.2) + 16
        role_of = rng.integers(0, n_roles, size=need, dtype=np.int64)
        item_of = popularity[rng.choice(n_items, size=need, p=weights)]
        drawn = np.concatenate([codes, role_of * n_items + item_of])
        _unique, first = np.unique(drawn, return_index=True)
        codes = drawn[np.sort(first)]  # distinct links, in the order drawn
    codes = codes[:n_links]
    width = len(str(max(n_roles, n_items)))
    roles = [f"role/{i:0{width}d}" for i in range(n_roles)]
    items = [f"item/{j:0{width}d}" for j in range(n_items)]
    return RoleMatrix.from_pairs(
        roles, ((roles[c // n_items], items[c % n_items]) for c in codes.tolist())
    )


def test_random_role_matrix_is_seeded_and_shaped():
    first = random_role_matrix(100, 500, 2000, seed=3)
    again = random_role_matrix(100, 500, 2000, seed=3)
    assert first.matrix.nnz == 2000 and len(first.roles) == 100
    assert (first.matrix != again.matrix).nnz == 0
    popularity = np.asarray(first.matrix.sum(axis=0)).ravel()
    assert popularity.max() > 10 * np.median(popularity)  # a few items are everywhere


# -- the graph read from a store ----------------------------------------------------------

def test_the_seed_graph_has_roles_skills_tools_industries(seed_store):
    G = ov.requirements_graph(seed_store)
    assert ov.roles_of(G) == [DS, MLE]
    python = G.nodes[TOOL + "python"]
    assert (python["label"], python["kind"], python["layer"]) == (
        "Python", "programming-language", "tool")
    assert python["category_label"] == "Programming languages"
    assert G.nodes[TOOL + "tensorflow"]["kind"] == "framework"
    assert G.nodes[TOOL + "git"]["kind"] == "software"
    assert G[MLE][TOOL + "python"]["relation"] == "usesTool"
    assert G[DS][SKILL + "programming"]["relation"] == "requiresSkill"
    assert G.nodes[SKILL + "linear-algebra"]["broader"] == (SKILL + "mathematics-and-statistics",)
    industries = {G.nodes[n]["label"] for n in G[DS] if G.nodes[n]["layer"] == "industry"}
    # the article's industries for data scientists: marketing, retail, media, logistics
    assert {"Marketing", "Retail", "Media", "Logistics"} <= industries


def test_known_answers_from_the_article(seed_store):
    """Written from the article, not from running the code.

    MLE: programming languages Python, C++, Java and R; TensorFlow, Keras,
    PyTorch; Hadoop, Spark; version control (Git).  DS: "Python, R, and SQL"; Matplotlib,
    Seaborn, Tableau.  Both list programming as a skill.
    """
    G = ov.requirements_graph(seed_store)
    tools = ov.compare_roles(G, MLE, DS, by="tools")
    assert labels(tools.shared) == {"Python", "R"}
    assert labels(tools.only_a) == {"C++", "Java", "TensorFlow", "Keras", "PyTorch", "Hadoop",
                                    "Spark", "Git"}
    assert labels(tools.only_b) == {"SQL", "Matplotlib", "Seaborn", "Tableau"}
    assert tools.jaccard == pytest.approx(2 / 14)  # 10 + 6 tools, 2 shared
    assert tools.overlap_coefficient == pytest.approx(2 / 6)
    skills = ov.compare_roles(G, MLE, DS, by="skills")
    assert labels(skills.shared) == {"Programming"}
    assert {"Linear algebra", "Calculus", "Probability theory", "Hyperparameter tuning",
            "Version control"} <= labels(skills.only_a)
    assert {"Hypothesis testing", "Regression analysis", "Data visualization",
            "Domain knowledge"} <= labels(skills.only_b)
    everything = ov.compare_roles(G, MLE, DS)
    assert labels(everything.shared) == {"Python", "R", "Programming"}
    gap = everything.gap_reverse  # what a data scientist must learn to become an ML engineer
    assert {"TensorFlow", "PyTorch", "Linear algebra", "Hadoop"} <= labels(gap)
    assert not labels(gap) & {"Python", "R", "SQL", "Tableau"}
    position = {g["label"]: g["rank"] for g in gap}
    assert position["Mathematics and statistics"] < position["Linear algebra"]
    assert position["Machine learning frameworks"] < position["TensorFlow"]


@pytest.fixture
def store_with_extra_roles(any_store):
    add_turtle(any_store, "extra", """
        role:analyst a ckg:Role ; rdfs:label "Data analyst"@en ; skos:notation "15-2099.99" ;
            ckg:requiresSkill skill:programming ; ckg:usesTool tool:sql, tool:python .
    """)
    return any_store


def test_the_same_graph_from_every_kind_of_store(store_with_extra_roles):
    G = ov.requirements_graph(store_with_extra_roles)
    assert G.nodes[ROLE + "analyst"]["codes"] == ("15-2099.99",)
    best = ov.similar_roles(G, ROLE + "analyst", k=2)
    # analyst: programming, SQL, Python — all three are the data scientist's
    assert [s["iri"] for s in best] == [DS, MLE]
    assert best[0]["shared"] == 3 and best[0]["overlap_coefficient"] == 1.0
    # The same data copied into a plain in-memory store gives the same graph, attributes
    # included (the remote store reads it over HTTP, the disk store from its files).
    local = ov.requirements_graph(_memory_copy(store_with_extra_roles))
    assert dict(G.nodes(data=True)) == dict(local.nodes(data=True))
    assert {frozenset(e) for e in G.edges} == {frozenset(e) for e in local.edges}


def _memory_copy(store):
    copy = open_store(None, seed=False)
    copy.replace_source("all", Payload(data=store.export("ntriples"),
                                       format=rdf_format("ntriples")))
    return copy


def test_the_graph_through_worker_processes(seed_store):
    isolated = IsolatedStore(None, PoolConfig(min_workers=1, max_workers=2, timeout=20))
    try:
        G = ov.requirements_graph(isolated)
        assert nx.utils.graphs_equal(G, ov.requirements_graph(seed_store))
        assert ov.resolve_role(isolated, "mle").iri == MLE
    finally:
        isolated.close()


def test_the_cache_follows_the_store_generation(memory_store):
    G = ov.cached_requirements_graph(memory_store)
    assert ov.cached_requirements_graph(memory_store) is G
    add_turtle(memory_store, "extra", 'role:new a ckg:Role ; rdfs:label "New role" .')
    H = ov.cached_requirements_graph(memory_store)
    assert H is not G and ROLE + "new" in H and ROLE + "new" not in G
    memory_store.drop_source("extra")
    assert ROLE + "new" not in ov.cached_requirements_graph(memory_store)


# -- naming roles -------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    MLE, f"<{MLE}>", "role:machine-learning-engineer", "machine-learning-engineer",
    "MACHINE-LEARNING-ENGINEER", "Machine learning engineer", "machine LEARNING   engineer",
    "ML engineer", "mle",
])
def test_a_role_by_any_of_its_names(seed_store, name):
    found = ov.resolve_role(seed_store, name)
    assert (found.iri, found.label) == (MLE, "Machine learning engineer")


def test_a_role_by_code_and_the_precedence_of_matches(memory_store):
    add_turtle(memory_store, "extra", """
        role:onet-ds a ckg:Role ; rdfs:label "Data Scientists"@en ; skos:notation "15-2051.00" .
        role:quant a ckg:Role ; rdfs:label "Quant"@en ; skos:altLabel "Analyst"@en .
        role:bi a ckg:Role ; rdfs:label "BI analyst"@en ; skos:altLabel "Analyst"@en .
    """)
    assert ov.resolve_role(memory_store, "15-2051.00").iri == ROLE + "onet-ds"
    assert ov.resolve_role(memory_store, "15-2051.00").matched_by == "code"
    # "Data scientists" is the seed role's alternative label and the O*NET role's label:
    # a label beats an alternative label.
    assert ov.resolve_role(memory_store, "data scientists").iri == ROLE + "onet-ds"
    with pytest.raises(ov.AmbiguousRole) as caught:
        ov.resolve_role(memory_store, "analyst")
    message = str(caught.value)
    assert "2 roles" in message and "role:quant" in message and "role:bi" in message
    assert {iri for iri, _ in caught.value.candidates} == {ROLE + "quant", ROLE + "bi"}


def test_an_unknown_role_lists_candidates(seed_store):
    with pytest.raises(ov.RoleNotFound) as caught:
        ov.resolve_role(seed_store, "data scientst")
    assert "no role named 'data scientst'" in str(caught.value)
    assert caught.value.candidates[0] == (DS, "Data scientist")
    with pytest.raises(ov.RoleNotFound) as caught:
        ov.resolve_role(seed_store, "astronaut")
    assert {iri for iri, _ in caught.value.candidates} == {DS, MLE}
    assert "the roles are" in str(caught.value)
    with pytest.raises(ov.RoleNotFound):
        ov.resolve_role(seed_store, "skill:programming")  # an IRI, but not a role's
    with pytest.raises(ov.RoleNotFound, match="empty"):
        ov.resolve_role(seed_store, "   ")


@pytest.mark.parametrize("name", ['"; DROP ALL', 'x") } SELECT * {', "<javascript:alert(1)>",
                                  "a\\b", "\u0000"])
def test_hostile_names_are_only_names(seed_store, name):
    with pytest.raises(ov.RoleNotFound):
        ov.resolve_role(seed_store, name)


# -- exports read back by networkx --------------------------------------------------------

HOSTILE = '<script>alert("x")</script> "onmouseover=alert(1) \x01'


@pytest.fixture
def view(memory_store):
    add_turtle(memory_store, "hostile", f"""
        role:evil a ckg:Role ; rdfs:label {json.dumps(HOSTILE)} ;
            ckg:usesTool tool:python, <javascript:alert(1)> .
        <javascript:alert(1)> a ckg:Tool ; rdfs:label "js" .
    """)
    return ov.overlap_view(ov.requirements_graph(memory_store), industries=True)


def _read_back(data: bytes, fmt: str) -> nx.Graph:
    if fmt == "json":
        return nx.node_link_graph(json.loads(data))
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    import io

    return reader(io.BytesIO(data))


@pytest.mark.parametrize("fmt", list(ov.EXPORT_FORMATS))
def test_exports_read_back(view, fmt):
    data = ov.export_graph(view, fmt)
    H = _read_back(data, fmt)
    assert set(H.nodes) == set(view.nodes)
    assert {frozenset(e) for e in H.edges} == {frozenset(e) for e in view.edges}
    node = H.nodes[TOOL + "python"]
    assert node["kind"] == "programming-language" and node["status"] == "shared"
    assert node["category_label"] == "Programming languages"
    assert int(node["shared_by"]) == 3
    evil = H.nodes[ROLE + "evil"]
    assert evil["label"] == HOSTILE.replace("\x01", "\ufffd")
    assert H.nodes[MLE]["layer"] == "role"
    industries = [n for n, d in H.nodes(data=True) if d["layer"] == "industry"]
    assert len(industries) >= 8
    assert H[MLE][TOOL + "python"]["relation"] == "usesTool"


def test_unknown_export_format(view):
    with pytest.raises(ValueError, match="graphml"):
        ov.export_graph(view, "dot")


# -- scale ---------------------------------------------------------------------------------

def _median_seconds(function, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@pytest.mark.slow
def test_esco_size_all_pairs_and_top_k(capsys):
    """3,000 roles x 14,000 items, 126k links: sparse all-pairs and top-k.  Timings are
    printed, not asserted; correctness is checked against sets for a sample of roles."""
    rm = random_role_matrix()
    assert (len(rm.roles), rm.matrix.nnz) == (3000, 126_000)
    all_pairs = _median_seconds(lambda: pairwise_similarity(rm, "jaccard"), repeat=3)
    roles = rm.roles[:200]
    top10 = _median_seconds(lambda: [top_k_similar(rm, r, 10) for r in roles]) / len(roles)
    S = pairwise_similarity(rm, "jaccard")
    sets = {r: set(rm.matrix.indices[rm.matrix.indptr[i]:rm.matrix.indptr[i + 1]])
            for i, r in enumerate(rm.roles)}
    for role in random.Random(1).sample(rm.roles, 5):
        i = rm.index_of(role)
        for other, score, shared in top_k_similar(rm, role, 10):
            assert shared == len(sets[role] & sets[other])
            assert score == pytest.approx(shared / len(sets[role] | sets[other]))
            assert S[i, rm.index_of(other)] == pytest.approx(score)
    with capsys.disabled():
        print(f"\n[overlap] ESCO size (3,000 x 14,000, 126k links, {S.nnz:,} similar pairs): "
              f"all-pairs Jaccard {all_pairs:.3f} s (median of 3), top-10 for one role "
              f"{top10 * 1000:.2f} ms (mean over 200 roles)")


@pytest.mark.slow
def test_onet_import_similar_roles(tmp_path, capsys):
    """The real O*NET technology data in a disk store: Data Scientists' neighbours are
    computer and mathematical (SOC 15-) occupations and other analysts."""
    from careerkg.graph.importers.onet import import_onet

    store = open_store(str(tmp_path / "store"))
    try:
        import_onet(store, ONET_DIR)
        started = time.perf_counter()
        G = ov.cached_requirements_graph(store)
        built = time.perf_counter() - started
        roles = ov.roles_of(G)
        assert len(roles) >= 1016
        assert sum(1 for n, d in G.nodes(data=True) if d["layer"] == "tool") >= 8745
        report = ov.similar_report(store, "15-2051.00", k=10)
        assert report["role"]["label"] == "Data Scientists"
        codes = [s["codes"][0] for s in report["similar"] if s["codes"]]
        assert len(report["similar"]) == 10
        assert sum(code.startswith("15-") for code in codes) >= 3
        data_roles = {"15-2051.01", "15-2041.00", "15-1221.00", "13-2099.01", "19-1029.01"}
        assert data_roles & set(codes)
        started = time.perf_counter()
        ov.similar_roles(G, report["role"]["iri"], 10)
        top10 = time.perf_counter() - started
    finally:
        store.close()
    with capsys.disabled():
        print(f"\n[overlap] O*NET ({len(roles)} roles, {G.number_of_edges():,} links): graph "
              f"from a disk store {built:.2f} s, top-10 {top10 * 1000:.2f} ms; "
              f"15-2051.00's neighbours: {', '.join(codes)}")

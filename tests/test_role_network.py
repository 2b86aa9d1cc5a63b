"""The role-to-role network (issue 13, item 6) on small hand-made graphs with known answers:
which roles, which edges (threshold, top-k per role, caps), communities and their colours
(deterministic), the layout, and the families."""

from __future__ import annotations

import itertools
import math

import pytest

from careerkg.graph import overlap as ov


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


#: Two tight groups (data roles, health roles) joined only weakly by "excel", and a loner.
REQUIREMENTS = {
    "ds": ["python", "sql", "stats", "ml", "excel"],
    "da": ["python", "sql", "stats", "bi", "excel"],
    "mle": ["python", "ml", "ops", "stats"],
    "de": ["python", "sql", "ops", "spark"],
    "nurse": ["care", "drugs", "charting", "excel"],
    "medic": ["care", "drugs", "triage"],
    "pharm": ["drugs", "charting", "dosage"],
    "loner": ["welding"],
}


def fresh():
    """A new graph each time (the networks are cached per graph object)."""
    return ov.requirements_from_dict(REQUIREMENTS)


def scores() -> dict[frozenset, float]:
    sets = {r: set(items) for r, items in REQUIREMENTS.items()}
    return {frozenset((a, b)): jaccard(sets[a], sets[b])
            for a, b in itertools.combinations(sets, 2)}


def nearest(role: str, k: int, threshold: float = 0.0) -> set[str]:
    """The role's k best partners, computed here (ties by IRI)."""
    s = scores()
    ranked = sorted(((s[frozenset((role, o))], o) for o in REQUIREMENTS if o != role),
                    key=lambda t: (-t[0], t[1]))
    return {o for v, o in ranked if v > 0 and v >= threshold}.intersection(
        o for _v, o in ranked[:k])


@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_edges_are_each_roles_k_nearest_with_their_scores(k):
    N = ov.role_network(fresh(), metric="jaccard", k=k)
    assert set(N) == set(REQUIREMENTS)
    expected = {frozenset((r, o)) for r in REQUIREMENTS for o in nearest(r, k)}
    assert {frozenset(e) for e in N.edges} == expected
    assert N.number_of_edges() <= k * len(N)
    s = scores()
    for a, b, w in N.edges(data="weight"):
        assert w == pytest.approx(s[frozenset((a, b))])


@pytest.mark.parametrize("threshold", [0.0, 0.2, 0.4, 0.61, 1.0])
def test_the_threshold_drops_weaker_edges(threshold):
    N = ov.role_network(fresh(), metric="jaccard", k=7, threshold=threshold)
    s = scores()
    expected = {p for p, v in s.items() if v > 0 and v >= threshold}
    assert {frozenset(e) for e in N.edges} == expected
    assert set(N) == set(REQUIREMENTS)  # roles stay, edges go


def test_communities_are_the_two_groups_coloured_deterministically():
    first = ov.role_network(fresh(), metric="jaccard", k=2)
    second = ov.role_network(fresh(), metric="jaccard", k=2)
    community = {n: d["community"] for n, d in first.nodes(data=True)}
    assert community == {n: d["community"] for n, d in second.nodes(data=True)}
    data = {community[r] for r in ("ds", "da", "mle", "de")}
    health = {community[r] for r in ("nurse", "medic", "pharm")}
    assert len(data) == 1 and len(health) == 1 and data != health
    # numbered largest first, coloured by number; the loner is grey
    assert data == {0} and health == {1}
    assert first.nodes["ds"]["colour"] == ov.COMMUNITY_COLOURS[0]
    assert first.nodes["nurse"]["colour"] == ov.COMMUNITY_COLOURS[1]
    assert first.nodes["loner"]["colour"] not in ov.COMMUNITY_COLOURS
    assert first.graph["communities"] == 2
    assert [(n, d["x"], d["y"]) for n, d in first.nodes(data=True)] == [
        (n, d["x"], d["y"]) for n, d in second.nodes(data=True)]


def test_the_layout_separates_every_role():
    N = ov.role_network(fresh(), metric="jaccard", k=3)
    points = [(d["x"], d["y"]) for _, d in N.nodes(data=True)]
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in points)
    assert min(math.dist(p, q) for p, q in itertools.combinations(points, 2)) > 5


def test_hubs_are_the_strongest_roles_of_each_community():
    N = ov.role_network(fresh(), metric="jaccard", k=3, labels=1)
    hubs = {n for n, d in N.nodes(data=True) if d["hub"]}
    for number in (0, 1):
        members = [n for n, d in N.nodes(data=True) if d["community"] == number]
        strength = {n: sum(w for *_e, w in N.edges(n, data="weight")) for n in members}
        best = min(members, key=lambda n: (-strength[n], n))
        assert hubs & set(members) == {best}
    assert "loner" not in hubs


def test_a_centre_and_its_neighbours_two_steps_out():
    N = ov.role_network(fresh(), metric="jaccard", center="mle", neighbours=1, k=3)
    (first,) = nearest("mle", 1)  # the one best partner of mle, then its best partner
    (second,) = nearest(first, 1)
    assert (first, second) == ("ds", "da")  # the hand-made answer, as computed above
    assert set(N) == {"mle", first, second}
    assert N.nodes["mle"]["center"] and N.nodes["mle"]["hub"]
    assert "loner" not in N and "nurse" not in N
    assert N.graph["center"] == "mle"


def test_roles_and_max_nodes_restrict_the_network():
    N = ov.role_network(fresh(), ["ds", "da", "nurse"], k=5, metric="jaccard")
    assert set(N) == {"ds", "da", "nurse"}
    capped = ov.role_network(fresh(), metric="jaccard", k=2, max_nodes=3)
    assert len(capped) == 3 and capped.graph["truncated"] and capped.graph["roles_total"] == 8
    with pytest.raises(ov.RoleNotFound):
        ov.role_network(fresh(), ["ds", "python"])
    with pytest.raises(ValueError):
        ov.role_network(fresh(), metric="jaccard", k=0)


def test_families():
    G = fresh()
    G.nodes["ds"]["codes"] = ("15-2051.00",)
    G.nodes["de"]["codes"] = ("15-1243.00",)
    G.nodes["mle"]["codes"] = ("15-1221.00",)  # 15-12xx
    G.nodes["nurse"]["codes"] = ("29-1141.00",)
    assert ov.family_roles(G, "data") == ["de", "ds", "mle"]
    assert ov.family_roles(G, "29") == ["nurse"]
    assert ov.family_roles(G, "15-2") == ["ds"]
    assert ov.family_roles(G, "all") == sorted(REQUIREMENTS)
    assert ov.family_roles(G, "data", seeds=["da", "python"], matches=[("nurse", "da")]) == [
        "da", "de", "ds", "mle", "nurse"]


def test_the_default_scores_are_the_weighted_similarity():
    """The network's edges are each role's k best by the weighted similarity (the metric of
    similar_roles); two roles with the same requirements score 1."""
    G = ov.requirements_from_dict({**REQUIREMENTS, "ds2": REQUIREMENTS["ds"]})
    N = ov.role_network(G, k=2)
    assert N.graph["metric"] == "weighted"
    assert N.edges["ds", "ds2"]["weight"] == pytest.approx(1.0)
    for role in ("mle", "nurse", "pharm"):
        best = ov.similar_roles(G, role, k=1)[0]["iri"]
        assert N.has_edge(role, best)
    with pytest.raises(ValueError):
        ov.role_network(G, metric="cosine")

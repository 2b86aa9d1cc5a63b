"""Compare uses the skill hierarchy on the real seed (issue 13, item 5): a machine learning
engineer, who has "Machine learning frameworks", is not told to learn "Machine learning" (its
broader skill) to become a data scientist, in either order of the two roles, on the CLI, in
the JSON API and on the /compare page.  What each role requires and what is broader than what
are read from the seed's Turtle files by rdflib, not from careerkg."""

from __future__ import annotations

import html
import json
import re

import pytest
import rdflib
from rdflib.namespace import SKOS

from careerkg.graph import overlap as ov
from careerkg.graph.namespaces import CKG, ID

try:
    from seed_fixture import source_files_graphs
except ImportError:  # tests/ imported as a package
    from tests.seed_fixture import source_files_graphs

MLE = ID + "role/machine-learning-engineer"
DS = ID + "role/data-scientist"
ML = ID + "skill/machine-learning"
ML_FRAMEWORKS = ID + "skill/machine-learning-frameworks"
REQUIRES = (rdflib.URIRef(CKG + "requiresSkill"), rdflib.URIRef(CKG + "usesTool"))


@pytest.fixture(scope="module")
def seed() -> rdflib.Graph:
    return source_files_graphs()["seed"]


def requirements(seed: rdflib.Graph, role: str) -> set[str]:
    return {str(o) for p in REQUIRES for o in seed.objects(rdflib.URIRef(role), p)}


def label(seed: rdflib.Graph, iri: str) -> str:
    return str(seed.value(rdflib.URIRef(iri), SKOS.prefLabel))


def broader_of(seed: rdflib.Graph, items: set[str]) -> set[str]:
    """Everything ``items`` are narrower than (skos:broader, transitively)."""
    out: set[str] = set()
    for item in items:
        out.update(str(p) for p in seed.transitive_objects(rdflib.URIRef(item), SKOS.broader)
                   if str(p) != item)
    return out


@pytest.fixture(scope="module")
def expected(seed) -> dict:
    """What an ML engineer holds of a data scientist's requirements, and the rest (the gap),
    from the Turtle files: the same item, or a broader one of an item the engineer has."""
    mle, ds = requirements(seed, MLE), requirements(seed, DS)
    through_narrower = (ds - mle) & broader_of(seed, mle)
    gap = ds - mle - through_narrower
    return {"ds": ds, "through_narrower": through_narrower,
            "gap": {label(seed, i) for i in gap}, "held": len(ds) - len(gap)}


def test_the_seed_puts_ml_frameworks_under_machine_learning(seed, expected):
    assert (rdflib.URIRef(ML_FRAMEWORKS), SKOS.broader, rdflib.URIRef(ML)) in seed
    assert ML_FRAMEWORKS in requirements(seed, MLE) and ML not in requirements(seed, MLE)
    assert ML in requirements(seed, DS)
    assert ML in expected["through_narrower"]


@pytest.mark.parametrize("order", ["mle-first", "ds-first"])
def test_compare_does_not_ask_an_ml_engineer_to_learn_machine_learning(
        seed_store, seed, expected, order):
    G = ov.cached_requirements_graph(seed_store)
    if order == "mle-first":
        c = ov.compare_roles(G, MLE, DS)
        gap, back, held, explanation = c.gap, c.gap_reverse, c.held_of_b, c.explanation[2]
    else:
        c = ov.compare_roles(G, DS, MLE)
        gap, back, held, explanation = c.gap_reverse, c.gap, c.held_of_a, c.explanation[3]
    assert {g["label"] for g in gap} == expected["gap"]
    assert "Machine learning" not in {g["label"] for g in gap}
    assert held == expected["held"]
    assert f"has {held} of the {len(expected['ds'])} requirements of Data scientist" in \
        explanation
    # the hierarchy does not go downwards: a data scientist's "Machine learning" does not
    # give them the engineer's frameworks
    assert "Machine learning frameworks" in {g["label"] for g in back}


def test_the_cli_says_so(cli, expected):
    result = cli("overlap", "mle", "ds", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {g["label"] for g in report["gap"]} == expected["gap"]
    assert report["held_of_b"] == expected["held"]
    text = cli("overlap", "ds", "mle").stdout
    section = text.split("What Machine learning engineer must learn to become Data scientist")[1]
    assert not re.search(r"^\s+\d+\. Machine learning\s+\[", section, re.M)
    assert "counting the same thing in another taxonomy and narrower skills" in text


@pytest.mark.parametrize("a, b, key", [("mle", "ds", "gap"), ("ds", "mle", "gap-reverse")])
def test_the_compare_page_lists_no_machine_learning_and_says_why(client, expected, a, b, key):
    answer = client.get(f"/compare?a={a}&b={b}")
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    section = re.search(rf'<div class="gap" id="{key}">(.*?)</div>', text, re.S).group(1)
    assert "What Machine learning engineer must learn to become Data scientist" in section
    listed = {html.unescape(m) for m in re.findall(r'<li><a href="[^"]*">([^<]*)</a>', section)}
    assert listed == expected["gap"] and "Machine learning" not in listed
    explanation = re.search(r'<ul class="explanation" id="explanation">(.*?)</ul>', text,
                            re.S).group(1)
    assert (f"Machine learning engineer already has {expected['held']} of the "
            f"{len(expected['ds'])} requirements of Data scientist" in explanation
            or f"Machine learning engineer has {expected['held']} of the "
               f"{len(expected['ds'])} requirements of Data scientist" in explanation)
    assert "narrower skills" in explanation

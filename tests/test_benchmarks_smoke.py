"""The benchmark harness runs end to end on tiny data, and its parts do what they say.

No timing is asserted anywhere: speed is what the harness reports, not what tests check.
The end-to-end run starts real servers (``careerkg serve`` and ``oxigraph serve``), loads
real stores and rdflib, and fails when the engines disagree on any answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

# `benchmarks` is a folder of the repository, not installed: pytest's `pythonpath` setting
# (pyproject.toml) puts the repository root on sys.path.
from benchmarks.generate import GeneratorConfig, generate, iter_ntriples

ROOT = Path(__file__).resolve().parent.parent
from benchmarks.report import Row, verdict  # noqa: E402
from benchmarks.workload import (  # noqa: E402
    QueryParams,
    answer_difference,
    answer_from_http,
    substitute,
    workload,
)

CKG = "https://w3id.org/careerkg/ontology#"
FAMILIES = {
    "query latency", "throughput", "load", "export", "all-pairs similarity", "top-10 similar",
    "memory", "memory, PSS", "query latency (in memory)", "memory (in memory)", "start-up",
    "search index", "search", "http latency (native)", "http throughput (native)",
    "pages vs bare Flask", "memory at rest",
}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "latest.json"
    work = out.parent / "work"
    process = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny", "--out", str(out), "--work", str(work)],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    return process, out


@pytest.mark.slow
@pytest.mark.remote
def test_tiny_run_succeeds_and_engines_agree(tiny_run):
    process, out = tiny_run
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    doc = json.loads(out.read_text())
    assert doc["problems"] == []
    assert {r["family"] for r in doc["rows"]} >= FAMILIES
    assert set(doc["datasets"]) == {"seed", "esco-1%"}
    assert out.with_suffix(".md").read_text().count("\n|") >= len(doc["rows"])
    # The table printed on standard output has one line per row plus the header and rule.
    assert "query latency: shared-skills" in process.stdout


@pytest.mark.slow
@pytest.mark.remote
def test_tiny_run_measures_every_query_on_every_engine(tiny_run):
    _process, out = tiny_run
    doc = json.loads(out.read_text())
    names = {q.name for q in workload(QueryParams("<a:a>", "<a:b>", '"x"', "<a:l>"))}
    for size in ("seed", "esco-1%"):
        latency = {r["measure"]: r for r in doc["rows"]
                   if r["family"] == "query latency" and r["size"] == size}
        assert set(latency) == names
        for row in latency.values():
            assert row["careerkg"] > 0 and row["oxigraph"] > 0 and row["other"] > 0
            assert row["vs_oxigraph"] == pytest.approx(row["careerkg"] / row["oxigraph"])
            assert row["verdict"] in ("PASS", "MISS") or row["verdict"].startswith("MISS (")
    generated = doc["datasets"]["esco-1%"]
    # The salary aggregation has real work on the generated graph: a group per level x
    # industry that some role is hired in.
    salary = next(r for r in doc["rows"] if r["measure"] == "salary-by-level-industry"
                  and r["size"] == "esco-1%")
    assert salary["details"]["rows"] == 3 * generated["generated"]["config"]["industries"]
    memory = next(r for r in doc["rows"] if r["family"] == "memory" and r["size"] == "esco-1%")
    assert memory["details"]["careerkg"]["processes"] >= 2
    assert memory["verdict"] in ("PASS", "MISS")


def test_the_search_vocabulary_has_the_asked_sizes_and_its_queries_find_things():
    from benchmarks.measure_search import SearchVocabulary
    from careerkg.graph.search import ALTERNATIVE, SearchIndex

    vocabulary = SearchVocabulary({"role": 30, "skill": 50, "tool": 20, "alternative": 300})
    kinds = [e.type for e in vocabulary.entries]
    assert (kinds.count("role"), kinds.count("skill"), kinds.count("tool")) == (30, 50, 20)
    assert sum(n[1] == ALTERNATIVE for e in vocabulary.entries for n in e.names) == 300
    assert SearchVocabulary({"role": 30, "skill": 50, "tool": 20, "alternative": 300}
                            ).queries == vocabulary.queries  # seeded
    index = SearchIndex.build(vocabulary.entries)
    answered = sum(bool(index.search(q)) for q in vocabulary.queries)
    assert answered >= 0.9 * len(vocabulary.queries)


def test_generator_is_deterministic_and_has_the_configured_sizes(tmp_path):
    config = GeneratorConfig.scaled(0.01)
    first = generate(config, tmp_path / "a")
    second = generate(config, tmp_path / "b")
    assert first.ntriples.read_bytes() == second.ntriples.read_bytes()
    other = list(iter_ntriples(GeneratorConfig.scaled(0.01, seed=8)))
    assert other != first.ntriples.read_text().splitlines()
    store = ox.Store()
    store.load(path=str(first.turtle), format=ox.RdfFormat.TURTLE)
    assert len(store) == first.triples

    def count(pattern: str) -> int:
        query = f"PREFIX ckg: <{CKG}> SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
        return int(next(iter(store.query(query)))[0].value)

    assert count("?r a ckg:Role") == config.roles
    assert count("?s a ckg:Skill") == config.skills
    assert count("?r ckg:requiresSkill ?s") == config.links
    assert count("?t a ckg:Tool") == config.tools
    # Every skill and tool has exactly one category.
    assert count("?x ckg:category ?c") == config.skills + config.tools
    assert count("?f a ckg:SalaryFigure") == 3 * config.roles * config.industries_per_role


def test_full_scale_configuration_is_esco_sized():
    config = GeneratorConfig.scaled(1.0)
    assert (config.roles, config.skills, config.links) == (3000, 14000, 126000)
    with pytest.raises(ValueError, match="scale must be"):
        GeneratorConfig.scaled(0)


def test_answers_compare_numbers_by_value_and_report_differences():
    def select(value: str, datatype: str) -> bytes:
        return json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
            {"x": {"type": "literal", "value": value, "datatype": datatype}}]}}).encode()

    decimal = "http://www.w3.org/2001/XMLSchema#decimal"
    media = "application/sparql-results+json"
    a = answer_from_http(select("1.50", decimal), media)
    b = answer_from_http(select("1.5000000000000000001", decimal), media)
    c = answer_from_http(select("1.6", decimal), media)
    assert answer_difference({"one": a, "two": b}) is None
    difference = answer_difference({"one": a, "two": c})
    assert difference is not None and "only in one" in difference
    graph = answer_from_http(b"<a:s> <a:p> <a:o> .\n", "application/n-triples")
    assert "answered a graph" in answer_difference({"one": a, "two": graph})


def test_query_parameters_are_substituted_or_refused():
    assert substitute("ASK { $r ?p ?o }", {"r": "<a:b>"}) == "ASK { <a:b> ?p ?o }"
    with pytest.raises(ValueError, match=r"\$missing has no value"):
        substitute("ASK { $missing ?p ?o }", {"r": "<a:b>"})
    texts = [q.text for q in workload(QueryParams("<a:a>", "<a:b>", '"x"@en', "<a:l>"))]
    assert texts and not any("$" in t for t in texts)


@pytest.mark.parametrize(
    ("family", "careerkg", "oxigraph", "other", "expected"),
    [
        ("query latency", 1.4, 1.0, 50.0, "PASS"),
        ("query latency", 1.6, 1.0, 50.0, "MISS (oxigraph ≤1.5x)"),
        ("query latency", 1.4, 1.0, 20.0, "MISS (speed-up ≥30x)"),
        ("throughput", 600.0, 1000.0, None, "PASS"),
        ("throughput", 400.0, 1000.0, None, "MISS"),
        ("top-10 similar", 6.0, None, 50.0, "MISS"),
    ],
)
def test_verdicts_follow_the_issue_targets(family, careerkg, oxigraph, other, expected):
    row = Row(family, "m", "esco", "ms", careerkg, oxigraph, other=other)
    assert verdict(row, "esco").verdict == expected


def test_targets_for_the_largest_size_are_not_applied_to_others():
    row = Row("load", "m", "seed", "s", 5.0, 1.0)
    assert verdict(row, "esco").verdict == ""

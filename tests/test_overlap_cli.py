"""`careerkg overlap`, `similar` and `overlap-graph`: the contract of issue 4, run for real."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest

from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.namespaces import ID
from careerkg.graph.store import Payload

MLE = ID + "role/machine-learning-engineer"
DS = ID + "role/data-scientist"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def test_overlap_json_shape(cli):
    report = json.loads(ok(cli("overlap", "data scientist", "ML engineer",
                               "--format", "json")).stdout)
    assert report["a"]["iri"] == DS and report["a"]["label"] == "Data scientist"
    assert report["b"]["iri"] == MLE and report["b"]["label"] == "Machine learning engineer"
    for key in ("shared", "only_a", "only_b", "gap", "gap_reverse"):
        assert isinstance(report[key], list) and report[key], key
        assert all(isinstance(i["iri"], str) and isinstance(i["label"], str)
                   for i in report[key])
    for key in ("jaccard", "overlap_coefficient"):
        assert isinstance(report[key], float) and 0 < report[key] < 1
    assert {i["label"] for i in report["shared"]} == {"Python", "R", "Programming"}
    assert [g["label"] for g in report["gap"]] == [g["label"] for g in sorted(
        report["gap"], key=lambda g: g["rank"])]
    assert {c["category_label"] for c in report["categories"]} >= {"Statistics", "Big data"}
    shared_cat = {c["category_label"]: c for c in report["categories"]}["Programming languages"]
    assert shared_cat["shared"] == 3


def test_overlap_by_tools(cli):
    report = json.loads(ok(cli("overlap", "role:machine-learning-engineer",
                               "role:data-scientist", "--by", "tools", "--format", "json")).stdout)
    assert report["by"] == "tools"
    assert {i["label"] for i in report["shared"]} == {"Python", "R"}
    assert report["jaccard"] == pytest.approx(2 / 14)
    assert report["overlap_coefficient"] == pytest.approx(2 / 6)


def test_overlap_text_is_for_people(cli):
    out = ok(cli("overlap", "mle", "ds")).stdout
    assert "A  Machine learning engineer" in out and "B  Data scientist" in out
    assert "Jaccard 0.071" in out and "overlap coefficient 0.188" in out
    assert "Shared (3)\n  Programming languages: Programming, Python, R\n" in out
    assert "Only Machine learning engineer (26)" in out
    assert "  Big data: Big data technologies, Hadoop, Spark" in out
    assert "What Data scientist must learn to become Machine learning engineer (26)" in out
    gap = out.split("What Data scientist must learn")[1].splitlines()[1:4]
    assert gap[0].strip().startswith("1. ")


def test_similar_json_and_text(cli):
    report = json.loads(ok(cli("similar", "data-scientist", "--format", "json")).stdout)
    assert report["role"]["iri"] == DS and report["metric"] == "weighted"
    (first,) = report["similar"]
    assert first["iri"] == MLE and first["shared"] == 3
    assert first["jaccard"] == pytest.approx(3 / 42)
    assert 0 < first["similarity"] < 1
    text = ok(cli("similar", "DS", "--top", "1", "--metric", "jaccard")).stdout
    assert "Roles most similar to Data scientist" in text and "ranked by jaccard" in text
    assert "Machine learning engineer" in text and "0.071" in text


def test_usage_errors(cli):
    bad = cli("overlap", "ds", "mle", "--by", "industries")
    assert bad.exit_code == 2 and "industries" in bad.output
    assert cli("similar", "ds", "--top", "0").exit_code == 2


def test_unknown_role_lists_candidates(cli):
    result = cli("overlap", "data scientst", "mle")
    assert result.exit_code == 1
    assert "no role named 'data scientst'" in result.stderr
    assert "Data scientist (role:data-scientist)" in result.stderr
    assert "Traceback" not in result.output


@pytest.fixture
def ambiguous_store(tmp_path):
    path = tmp_path / "store"
    with open_store(str(path)) as store:
        store.replace_source("extra", Payload(data=f"""
            <{ID}role/quant> a <https://w3id.org/careerkg/ontology#Role> ;
                <http://www.w3.org/2000/01/rdf-schema#label> "Quant" ;
                <http://www.w3.org/2004/02/skos/core#altLabel> "Analyst" .
            <{ID}role/bi> a <https://w3id.org/careerkg/ontology#Role> ;
                <http://www.w3.org/2000/01/rdf-schema#label> "BI analyst" ;
                <http://www.w3.org/2004/02/skos/core#altLabel> "analyst" .
        """.encode(), format=rdf_format("turtle")))
    return str(path)


def test_ambiguous_role_lists_every_match(cli, ambiguous_store):
    result = cli("similar", "Analyst", "--store", ambiguous_store)
    assert result.exit_code == 1
    assert "'Analyst' names 2 roles" in result.stderr
    assert "BI analyst (role:bi)" in result.stderr
    assert "Quant (role:quant)" in result.stderr


def _parse(data: bytes, fmt: str) -> nx.Graph:
    if fmt == "json":
        return nx.node_link_graph(json.loads(data))
    return (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf"])
def test_overlap_graph_exports_read_back(cli, tmp_path, fmt):
    target = tmp_path / f"graph.{fmt}"
    result = ok(cli("overlap-graph", "--format", fmt, "-o", str(target)))
    assert "Wrote" in result.stderr
    G = _parse(target.read_bytes(), fmt)
    assert {MLE, DS} <= set(G)
    python = G.nodes[ID + "tool/python"]
    assert python["label"] == "Python" and python["status"] == "shared"
    assert G.nodes[ID + "tool/sql"]["status"] == "specific"
    assert G.has_edge(MLE, ID + "tool/python")
    assert not any(d["layer"] == "industry" for _, d in G.nodes(data=True))


def test_overlap_graph_options(cli):
    G = _parse(ok(cli("overlap-graph", "--role", "ds", "--top", "1", "--by", "skills",
                      "--industries")).stdout_bytes, "json")
    layers = {d["layer"] for _, d in G.nodes(data=True)}
    assert layers == {"role", "skill", "industry"}
    assert G.graph["center"] == DS
    small = _parse(ok(cli("overlap-graph", "--max-items", "2")).stdout_bytes, "json")
    assert sum(1 for _, d in small.nodes(data=True) if d["layer"] != "role") == 2
    assert small.graph["truncated"] is True

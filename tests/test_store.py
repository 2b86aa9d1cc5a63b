"""The store interface on every kind of store: sources, atomic replace, export, errors."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from careerkg.graph.errors import InputError, NotFound, StoreBusyError
from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.namespaces import REGISTRY_GRAPH
from careerkg.graph.sparql import QuerySyntaxError
from careerkg.graph.store import OxigraphStore, Payload

TURTLE = rdf_format("turtle")
GOOD = b"""@prefix ex: <http://example.org/> .
ex:a ex:knows ex:b .
ex:b ex:knows ex:c .
"""
BAD_LINE_3 = b"""@prefix ex: <http://example.org/> .
ex:a ex:knows ex:b .
ex:b ex:knows "unterminated .
"""


def names(store):
    return [s.name for s in store.sources()]


def test_a_new_store_holds_the_ontology_and_the_seed(any_store):
    assert names(any_store) == ["ontology", "seed"]
    assert all(s.triples > 0 for s in any_store.sources())
    assert any_store.count() == sum(s.triples for s in any_store.sources())


def test_replace_source_adds_a_named_graph_and_registers_it(any_store):
    source, changed = any_store.replace_source(
        "example", Payload(data=GOOD, format=TURTLE), title="Example", digest="d1"
    )
    assert changed and source.triples == 2 and source.title == "Example"
    assert "example" in names(any_store)
    assert source.graph in any_store.graph_names()
    rows = any_store.query(
        "SELECT ?o WHERE { <http://example.org/a> <http://example.org/knows> ?o }"
    ).to_python()
    assert rows == [{"o": "http://example.org/b"}]


def test_reimporting_the_same_digest_changes_nothing(any_store):
    first, _ = any_store.replace_source("example", Payload(data=GOOD, format=TURTLE), digest="d1")
    again, changed = any_store.replace_source(
        "example", Payload(data=GOOD, format=TURTLE), digest="d1"
    )
    assert not changed and again.graph == first.graph


def test_replacing_a_source_swaps_its_content(any_store):
    any_store.replace_source("example", Payload(data=GOOD, format=TURTLE), digest="d1")
    newer = b"<http://example.org/x> <http://example.org/p> \"1\" ."
    source, changed = any_store.replace_source(
        "example", Payload(data=newer, format=rdf_format("ntriples")), digest="d2"
    )
    assert changed and source.triples == 1
    assert not any_store.query("ASK { <http://example.org/a> ?p ?o }").boolean
    example_graphs = [g for g in any_store.graph_names() if "/graph/example/" in g]
    assert example_graphs == [source.graph]


def test_malformed_input_says_where_and_leaves_the_store_as_it_was(any_store):
    before = any_store.export("ntriples")
    graphs_before = any_store.graph_names()
    with pytest.raises(InputError) as caught:
        any_store.replace_source(
            "broken", Payload(data=BAD_LINE_3, format=TURTLE, label="broken.ttl")
        )
    error = caught.value
    assert error.file == "broken.ttl" and error.line == 3
    assert str(error).startswith("broken.ttl:3")
    assert any_store.export("ntriples") == before
    assert any_store.graph_names() == graphs_before
    assert "broken" not in names(any_store)


def test_a_file_payload_reports_its_path(any_store, tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_bytes(BAD_LINE_3)
    with pytest.raises(InputError, match=r"bad\.ttl:3"):
        any_store.replace_source("bad", Payload(path=path, format=TURTLE))


def test_xml_entity_declarations_are_refused_before_parsing(any_store):
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/s"><ex:p>&d;</ex:p></rdf:Description>
</rdf:RDF>"""
    started = time.monotonic()
    with pytest.raises(InputError, match="entity") as caught:
        any_store.replace_source(
            "bomb", Payload(data=bomb, format=rdf_format("rdfxml"), label="bomb.rdf")
        )
    assert time.monotonic() - started < 1
    assert caught.value.line == 2
    assert "bomb" not in names(any_store)


def test_drop_source_removes_graph_and_registry_entry(any_store):
    source, _ = any_store.replace_source("example", Payload(data=GOOD, format=TURTLE))
    dropped = any_store.drop_source("example")
    assert dropped.graph == source.graph
    assert "example" not in names(any_store)
    assert source.graph not in any_store.graph_names()
    with pytest.raises(NotFound, match="no source named 'example'.*ontology, seed"):
        any_store.drop_source("example")


def test_recover_drops_graphs_no_registry_entry_names(any_store):
    orphan = "https://w3id.org/careerkg/graph/example/deadbeef"
    any_store.update(f"INSERT DATA {{ GRAPH <{orphan}> {{ <urn:a> <urn:b> <urn:c> }} }}")
    assert orphan in any_store.graph_names()
    assert any_store.recover() == [orphan]
    assert orphan not in any_store.graph_names()


def test_export_is_byte_identical_for_the_same_input(tmp_path):
    first = open_store(None).export("turtle")
    second = open_store(None).export("turtle")
    assert first == second
    assert first.startswith(b"@prefix ckg:")


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_export_round_trips_to_an_isomorphic_graph(seed_store, fmt):
    data = seed_store.export(fmt)
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
    parsed = rdflib.Graph().parse(data=data, format=rdflib_format[fmt])
    reference = rdflib.Graph().parse(data=seed_store.export("ntriples"), format="nt")
    assert len(parsed) == len(reference) > 1000
    assert rdflib.compare.isomorphic(parsed, reference)
    # Re-importing the export into a fresh store gives the same graph again.
    fresh = OxigraphStore()
    fresh.replace_source("again", Payload(data=data, format=rdf_format(fmt)))
    again = rdflib.Graph().parse(data=fresh.export("ntriples"), format="nt")
    assert rdflib.compare.isomorphic(again, reference)


def test_export_leaves_out_the_registry(seed_store):
    exported = seed_store.export("ntriples")
    assert REGISTRY_GRAPH.encode() not in exported
    for source in seed_store.sources():
        assert source.graph.encode() not in exported


def test_a_disk_store_survives_a_restart(tmp_path):
    path = str(tmp_path / "store")
    with open_store(path) as store:
        store.replace_source("example", Payload(data=GOOD, format=TURTLE), digest="d1")
    with open_store(path) as store:
        assert names(store) == ["example", "ontology", "seed"]
        assert store.query("ASK { <http://example.org/a> ?p ?o }").boolean


def test_a_disk_store_in_use_gets_a_clear_error(tmp_path):
    path = str(tmp_path / "store")
    with open_store(path), pytest.raises(StoreBusyError, match="in use by another process"):
        open_store(path)


def test_dataset_clauses_override_the_union_default_graph(any_store):
    any_store.replace_source("example", Payload(data=GOOD, format=TURTLE))
    graph = any_store.source("example").graph
    query = "SELECT (COUNT(*) AS ?n) FROM <{}> WHERE {{ ?s ?p ?o }}"
    assert any_store.query(query.format(graph)).to_python() == [{"n": 2}]
    assert any_store.query(query.format("urn:no-such-graph")).to_python() == [{"n": 0}]
    explicit = any_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                               default_graphs=[graph])
    assert explicit.to_python() == [{"n": 2}]


def test_syntax_errors_carry_line_and_column(any_store):
    with pytest.raises(QuerySyntaxError) as caught:
        any_store.query("SELECT ?s\nWHERE { ?s ?p }")
    if any_store.kind != "remote":
        assert caught.value.line == 2 and caught.value.column >= 15


def test_row_limit_marks_the_result_truncated(seed_store):
    result = seed_store.query("SELECT ?s WHERE { ?s ?p ?o }", limit=5)
    assert len(result.rows) == 5 and result.truncated and result.limit == 5
    body, info = seed_store.query_serialized("SELECT ?s WHERE { ?s ?p ?o }", "json", limit=5)
    assert b'"truncated":true' in body and info.truncated and info.rows == 5
    whole = seed_store.query("SELECT ?s WHERE { ?s a <urn:nothing> }", limit=5)
    assert not whole.truncated


def test_results_serialize_to_every_w3c_format(seed_store):
    text = 'SELECT ?x ?l WHERE { VALUES (?x ?l) { (<urn:a> "say \\"hi\\", ok"@en) (<urn:b> 3) } }'

    def serialize(fmt):
        return seed_store.query_serialized(text, fmt, limit=5)[0]

    parsed = ox.parse_query_results(serialize("json"), format=ox.QueryResultsFormat.JSON)
    assert [[str(t) for t in s] for s in parsed] == [
        ['<urn:a>', '"say \\"hi\\", ok"@en'],
        ['<urn:b>', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'],
    ]
    xml = ox.parse_query_results(serialize("xml"), format=ox.QueryResultsFormat.XML)
    assert len(list(xml)) == 2
    tsv = ox.parse_query_results(serialize("tsv"), format=ox.QueryResultsFormat.TSV)
    assert len(list(tsv)) == 2
    assert serialize("csv").splitlines()[1] == b'urn:a,"say ""hi"", ok"'

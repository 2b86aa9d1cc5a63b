"""Every answer is written by the engine's serializer, cut at the row cap without a second
writer; edge cases the own writer got wrong (issue 19) on every kind of store and over HTTP."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from careerkg.graph.errors import Unrepresentable
from careerkg.graph.formats import rdf_format
from careerkg.graph.loading import load_rdf_file
from careerkg.graph.sparql import capped
from careerkg.graph.store import Payload
from careerkg.server import close_app, create_app

RESULTS = ox.QueryResultsFormat
ENGINE = {"json": RESULTS.JSON, "xml": RESULTS.XML, "csv": RESULTS.CSV, "tsv": RESULTS.TSV}
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
ITS = "{http://www.w3.org/2005/11/its}"
EDGE_DATA = b"""<urn:x:s> <urn:x:dir> "y"@en--ltr .
<urn:x:s> <urn:x:triple> <<( <urn:x:a> <urn:x:b> "z" )>> .
<urn:x:s> <urn:x:cr> "a\\rb" .
"""


def _query(text: str) -> str:
    return f"SELECT ?o WHERE {{ {text} }}"


@pytest.fixture
def edge_store(any_store):
    any_store.replace_source("edge", Payload(data=EDGE_DATA, format=rdf_format("ntriples")))
    return any_store


@pytest.mark.parametrize("limit", [None, 5])
def test_base_direction_is_kept_in_json_and_xml(edge_store, limit):
    text = _query("<urn:x:s> <urn:x:dir> ?o")
    body, _info = edge_store.query_serialized(text, "json", limit=limit)
    binding = json.loads(body)["results"]["bindings"][0]["o"]
    assert binding == {"type": "literal", "value": "y", "xml:lang": "en", "its:dir": "ltr"}
    body, _info = edge_store.query_serialized(text, "xml", limit=limit)
    literal = ET.fromstring(body).find(f".//{SPARQL_RESULTS}literal")
    assert literal.get(f"{ITS}dir") == "ltr"
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


@pytest.mark.parametrize("limit", [None, 5])
def test_triple_terms_keep_their_brackets_in_tsv(edge_store, limit):
    body, _info = edge_store.query_serialized(
        _query("<urn:x:s> <urn:x:triple> ?o"), "tsv", limit=limit)
    assert body.splitlines()[1] == b'<<( <urn:x:a> <urn:x:b> "z" )>>'
    (row,) = ox.parse_query_results(body, format=RESULTS.TSV)
    assert row[0] == ox.Triple(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:b"), ox.Literal("z"))


@pytest.mark.parametrize("limit", [None, 5])
def test_a_carriage_return_survives_xml(edge_store, limit):
    body, _info = edge_store.query_serialized(_query("<urn:x:s> <urn:x:cr> ?o"), "xml",
                                              limit=limit)
    assert b"a&#13;b" in body and b"\r" not in body
    literal = ET.fromstring(body).find(f".//{SPARQL_RESULTS}literal")
    assert literal.text == "a\rb"


@pytest.mark.parametrize("limit", [None, 5])
def test_a_character_xml_cannot_carry_is_a_clear_error(memory_store, limit):
    text = 'SELECT ?o WHERE { VALUES ?o { "c\\u0001d" } }'
    with pytest.raises(Unrepresentable, match="U\\+0001.*JSON, CSV or TSV"):
        memory_store.query_serialized(text, "xml", limit=limit)
    body, _info = memory_store.query_serialized(text, "json", limit=limit)
    assert json.loads(body)["results"]["bindings"][0]["o"]["value"] == "c\x01d"


def _rows(body: bytes, fmt: str) -> list[list]:
    if fmt == "csv":  # CSV has no term types: compare its cells
        return [line.split(b",") for line in body.splitlines()[1:]]
    return [list(row) for row in ox.parse_query_results(body, format=ENGINE[fmt])]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("modifiers", ["", " OFFSET 3", " LIMIT 100", " LIMIT 100 OFFSET 2"])
def test_the_cap_cuts_every_format_and_says_so(seed_store, fmt, modifiers):
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o" + modifiers
    whole, whole_info = seed_store.query_serialized(text, fmt)
    assert not whole_info.truncated
    body, info = seed_store.query_serialized(text, fmt, limit=7)
    assert info.truncated and info.rows == 7 and info.limit == 7
    assert _rows(body, fmt) == _rows(whole, fmt)[:7]
    if fmt == "json":
        assert json.loads(body)["careerkg"] == {"truncated": True, "limit": 7}
    if fmt == "xml":
        link = ET.fromstring(body).find(f"{SPARQL_RESULTS}head/{SPARQL_RESULTS}link")
        assert link.get("href") == "urn:careerkg:truncated:limit:7"


def test_an_answer_within_the_cap_is_not_marked(seed_store):
    for text in ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 7",
                 "SELECT ?s WHERE { ?s ?p ?o } LIMIT 6",
                 "SELECT ?s WHERE { ?s a <urn:nothing> }",
                 "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <urn:a> <urn:b> }"):
        body, info = seed_store.query_serialized(text, "json", limit=7)
        assert not info.truncated and "careerkg" not in json.loads(body), text
    body, info = seed_store.query_serialized("SELECT * {}", "tsv", limit=7)
    assert body == b"\n\n" and not info.truncated


def test_the_cap_goes_into_the_querys_own_solution_modifiers():
    assert capped("SELECT * { ?s ?p ?o } LIMIT 5", 8) == "SELECT * { ?s ?p ?o } LIMIT 5"
    assert capped("SELECT * { ?s ?p ?o } limit 50 OFFSET 1", 8) == \
        "SELECT * { ?s ?p ?o } limit 8 OFFSET 1"
    assert capped("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 50 } }", 8).endswith("\nLIMIT 8\n")
    text = "SELECT * { ?s ?p ?o } # LIMIT 3\nVALUES ?s { <urn:a> }"
    assert capped(text, 8) == "SELECT * { ?s ?p ?o } # LIMIT 3\n\nLIMIT 8\nVALUES ?s { <urn:a> }"
    ox.Store().query(capped(text, 8))  # what it makes parses


RELATIVE = b"""@prefix ex: <http://example.org/> .
<#me> ex:knows <friends/ann> .
"""


def test_a_data_file_with_relative_iris_loads_against_its_own_url(any_store, tmp_path):
    path = tmp_path / "people.ttl"
    path.write_bytes(RELATIVE)
    source, changed = load_rdf_file(any_store, path, "data-people")
    assert changed and source.triples == 1
    (row,) = any_store.query(
        "SELECT ?s ?o WHERE { ?s <http://example.org/knows> ?o }").rows
    base = path.resolve().as_uri()
    assert row[0].value == base + "#me"
    assert row[1].value == base.rsplit("/", 1)[0] + "/friends/ann"
    again, changed = load_rdf_file(any_store, path, "data-people")
    assert not changed and again.digest == source.digest


def test_the_endpoint_serves_the_edge_cases_and_data_files(tmp_path):
    path = tmp_path / "people.ttl"
    path.write_bytes(RELATIVE)
    app = create_app({"TESTING": True, "MIN_WORKERS": 1, "MAX_ROWS": 5,
                      "CAREERKG_DATA": [str(path)]})
    try:
        client = app.test_client()
        found = client.get("/sparql", query_string={
            "query": "SELECT ?s WHERE { ?s <http://example.org/knows> ?o }"})
        assert found.get_json(force=True)["results"]["bindings"][0]["s"]["value"] == \
            path.resolve().as_uri() + "#me"
        bad = client.get("/sparql", query_string={
            "query": 'SELECT ?o WHERE { VALUES ?o { "c\\u0001d" } }', "format": "xml"})
        assert bad.status_code == 406 and "U+0001" in bad.get_data(as_text=True)
        direction = client.get("/sparql", query_string={
            "query": 'SELECT ?o WHERE { VALUES ?o { "y"@en--ltr } }'})
        assert direction.get_json(force=True)["results"]["bindings"][0]["o"]["its:dir"] == "ltr"
    finally:
        close_app(app)


@pytest.mark.parametrize("module", ["sparql", "factory", "loading", "results"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    imported = importlib.import_module(f"careerkg.graph.{module}")
    failures, tried = doctest.testmod(imported)
    assert tried > 0 and failures == 0

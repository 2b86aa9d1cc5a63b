"""The W3C SPARQL 1.1 Protocol query tests, replayed against the real app.

The manifest in ``$CAREERKG_W3C_TESTS/sparql11-protocol/`` (third-party test material;
CI sets the variable) is read with rdflib; each of the 13
``query_*`` and 7 ``bad_query_*`` / ``bad_multiple_queries`` tests is replayed request by
request (method, path with ``/sparql/`` rewritten, headers, body in its stated encoding)
through Flask's test client on an app serving a store that holds the test's ``ut:graphData``
files as named graphs, and the answer is checked for the expected status class, format and
boolean.  The ``update_*`` tests do not apply: this endpoint is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from conftest import NO_W3C, W3C_DIR
from rdflib.collection import Collection

from careerkg.graph.formats import RDF_FORMATS, RESULTS_FORMATS, rdf_format
from careerkg.graph.store import OxigraphStore, Payload
from careerkg.server import create_app

if W3C_DIR is None:
    pytest.skip(NO_W3C, allow_module_level=True)
PROTOCOL_DIR = W3C_DIR / "sparql11-protocol"
MANIFEST = PROTOCOL_DIR / "manifest.ttl"

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
RDFS = rdflib.RDFS


@dataclass
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[range]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    graph_data: list[tuple[Path, str]] = field(default_factory=list)
    requests: list[ProtocolRequest] = field(default_factory=list)


def _status_range(node) -> range:
    digit = str(node).removeprefix(str(HTS)).removeprefix("StatusCode")[0]
    return range(int(digit) * 100, int(digit) * 100 + 100)


def _read_manifest() -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    manifest = graph.value(predicate=rdflib.RDF.type, object=MF.Manifest)
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        test = ProtocolTest(name, str(graph.value(entry, MF.name)))
        for data in graph.objects(entry, UT.graphData):
            file = Path(urlsplit(str(graph.value(data, UT.graph))).path).name
            test.graph_data.append((PROTOCOL_DIR / file, str(graph.value(data, RDFS.label))))
        action = graph.value(entry, MF.action)
        for request in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(request, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(
                        graph.value(header, HT.fieldValue))
            body = None
            body_node = graph.value(request, HT.body)
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            response = graph.value(request, HT.resp)
            boolean = graph.value(response, MF.expectedBoolean)
            expected_format = graph.value(response, MF.expectedFormat)
            test.requests.append(ProtocolRequest(
                method=str(graph.value(request, HT.methodName)),
                path=str(graph.value(request, HT.absolutePath)),
                headers=headers,
                body=body,
                statuses=[_status_range(s) for s in graph.objects(response, MF.expectedStatus)],
                expected_format=str(expected_format) if expected_format is not None else None,
                expected_boolean=boolean.toPython() if boolean is not None else None,
            ))
        tests.append(test)
    return tests


ALL_TESTS = _read_manifest()
#: The tests that apply to a query endpoint: every one that is not about updates.
QUERY_TESTS = [t for t in ALL_TESTS if "update" not in t.name]


def test_the_manifest_has_the_20_query_tests():
    names = [t.name for t in QUERY_TESTS]
    assert len([n for n in names if n.startswith("query_")]) == 13
    assert len([n for n in names if n.startswith("bad_")]) == 7
    assert len(names) == 20
    assert len(ALL_TESTS) == 34


def _check_answer(test: ProtocolTest, expected: ProtocolRequest, response) -> None:
    where = f"{test.name} ({test.title}): {expected.method} {expected.path}"
    assert any(response.status_code in r for r in expected.statuses), (
        f"{where}: status {response.status_code}, body {response.get_data(as_text=True)[:300]}"
    )
    media = response.mimetype
    if expected.expected_format in ("boolean", "tabular"):
        results = ox.QueryResultsFormat.from_media_type(media)
        allowed = {f.media_type for f in RESULTS_FORMATS.values()}
        if expected.expected_format == "boolean":
            allowed = {RESULTS_FORMATS["json"].media_type, RESULTS_FORMATS["xml"].media_type}
        assert media in allowed and results is not None, f"{where}: answered {media}"
        parsed = ox.parse_query_results(response.data, format=results)
        if expected.expected_format == "boolean":
            assert isinstance(parsed, ox.QueryBoolean), f"{where}: not a boolean answer"
            if expected.expected_boolean is not None:
                assert bool(parsed) is expected.expected_boolean, where
        else:
            assert isinstance(parsed, ox.QuerySolutions), f"{where}: not a result set"
            list(parsed)
    elif expected.expected_format == "RDF":
        assert media in {f.media_type for f in RDF_FORMATS.values()}, f"{where}: {media}"
        list(ox.parse(response.data, format=rdf_format(media).engine))


@pytest.mark.parametrize("test", QUERY_TESTS, ids=lambda t: t.name)
def test_w3c_protocol(test: ProtocolTest):
    store = OxigraphStore()
    for path, graph in test.graph_data:
        store._insert(Payload(path=path, format=rdf_format("ntriples")), graph)
    app = create_app({"STORE": store, "TESTING": True})
    client = app.test_client()
    for request in test.requests:
        path = request.path.replace("/sparql/", "/sparql", 1)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-type"}
        response = client.open(
            path, method=request.method, headers=headers, data=request.body,
            content_type=request.headers.get("content-type"),
        )
        _check_answer(test, request, response)
    store.close()

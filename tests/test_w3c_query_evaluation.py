"""The W3C SPARQL 1.0 and 1.1 query-evaluation suites through the real app's ``/sparql``.

Every ``mf:QueryEvaluationTest`` with a SELECT, ASK or CONSTRUCT query (read from
``$CAREERKG_W3C_TESTS/query-evaluation``; CI sets the variable) is run once in process by
pyoxigraph and once through the Flask app's ``/sparql`` in each results format (JSON, XML,
CSV, TSV; N-Triples and Turtle for graphs), and the answers must be equal: parsed, with
blank nodes matched by canonicalizing (RDFC), rows in order where the query orders them, and
CSV compared with the engine's own CSV (the format drops term types).

One app serves the whole suite (``create_app({"STORE": ...})``, the app factory's test
config): each test's data is loaded into the store it serves, the default graph from
``qt:data`` and named graphs from ``qt:graphData``, each file with its own URL as base.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from conftest import NO_W3C, W3C_DIR

from careerkg.graph.formats import rdf_format, rdf_format_for_path
from careerkg.graph.sparql import analyse
from careerkg.graph.store import OxigraphStore
from careerkg.server import close_app, create_app

SUITE = W3C_DIR / "query-evaluation" if W3C_DIR is not None else None
pytestmark = pytest.mark.skipif(SUITE is None, reason=NO_W3C)

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
GRAPH_FORMATS = ("ntriples", "turtle")
ROW = ox.NamedNode("urn:test:row")
INDEX = ox.NamedNode("urn:test:index")


@dataclass(frozen=True)
class EvaluationTest:
    name: str
    query: Path
    data: tuple[Path, ...]
    graph_data: tuple[tuple[str, Path], ...]


def _path(iri: str) -> Path:
    return Path(unquote(urlsplit(iri).path))


def _read_suite() -> list[EvaluationTest]:
    tests = {}
    for manifest in sorted(SUITE.rglob("manifest*.ttl")):
        graph = ox.Store()
        graph.load(path=str(manifest), format=ox.RdfFormat.TURTLE,
                   base_iri=manifest.resolve().as_uri())
        rows = graph.query(f"""
            SELECT ?test ?query (GROUP_CONCAT(DISTINCT STR(?data); separator=" ") AS ?datas)
                   (GROUP_CONCAT(DISTINCT STR(?named); separator=" ") AS ?nameds)
            WHERE {{
              ?test a <{MF}QueryEvaluationTest> ; <{MF}action> ?action .
              ?action <{QT}query> ?query .
              OPTIONAL {{ ?action <{QT}data> ?data }}
              OPTIONAL {{ ?action <{QT}graphData> ?named }}
            }} GROUP BY ?test ?query""")
        for test, query, *files in rows:
            datas, nameds = (f.value if f is not None else "" for f in files)
            name = f"{manifest.parent.relative_to(SUITE)}#{test.value.rsplit('#', 1)[-1]}"
            tests[(query.value, datas, nameds)] = EvaluationTest(
                name=name,
                query=_path(query.value),
                data=tuple(_path(d) for d in datas.split()),
                graph_data=tuple((n, _path(n)) for n in nameds.split()),
            )
    return sorted(tests.values(), key=lambda t: t.name)


def _canonical(variables, rows, ordered: bool) -> tuple:
    """A result set as something equal for equal answers: rows become blank nodes with
    one quad per binding, and the dataset is canonicalized (blank nodes matched)."""
    dataset = ox.Dataset()
    for number, row in enumerate(rows):
        node = ox.BlankNode()
        dataset.add(ox.Quad(node, ROW, ROW))
        if ordered:
            dataset.add(ox.Quad(node, INDEX, ox.Literal(str(number))))
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                dataset.add(ox.Quad(node, ox.NamedNode(f"urn:test:var:{name}"), term))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return tuple(variables), sorted(str(q) for q in dataset)


def _canonical_graph(triples) -> list[str]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(q) for q in dataset)


def _csv_rows(body: bytes) -> tuple[list[str], list[list]]:
    """CSV as the format has it: strings, with ``_:`` cells as blank nodes."""
    table = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    header, cells = table[0], table[1:]

    def term(cell: str):
        if cell == "":
            return None
        return ox.BlankNode(cell[2:]) if cell.startswith("_:") else ox.Literal(cell)

    width = len(header)  # a row of one unbound value is an empty line: no cells
    return header, [[term(c) for c in row + [""] * (width - len(row))] for row in cells]


def _answer(body: bytes, fmt: str, ordered: bool, form: str):
    if form == "ASK" and fmt == "csv":  # CSV has no boolean of its own: one cell
        return {b"true": True, b"false": False}.get(body.strip())
    if fmt in GRAPH_FORMATS:
        return _canonical_graph(q.triple for q in ox.parse(body, format=rdf_format(fmt).engine))
    if fmt == "csv":
        return _canonical(*_csv_rows(body), ordered)
    parsed = ox.parse_query_results(body, format=RESULTS[fmt])
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    return _canonical([v.value for v in parsed.variables], [list(r) for r in parsed], ordered)


def _expected(engine: ox.Store, text: str, fmt: str, ordered: bool):
    """The in-process engine's answer, in the form :func:`_answer` gives."""
    answer = engine.query(text)
    if isinstance(answer, ox.QueryTriples):
        return _canonical_graph(answer)
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    if fmt == "csv":
        return _canonical(*_csv_rows(answer.serialize(format=RESULTS["csv"])), ordered)
    return _canonical([v.value for v in answer.variables], [list(r) for r in answer], ordered)


def _load(engine: ox.Store, test: EvaluationTest) -> None:
    engine.clear()
    for path in test.data:
        engine.load(path=str(path), format=rdf_format_for_path(str(path)).engine,
                    base_iri=path.resolve().as_uri())
    for name, path in test.graph_data:
        engine.load(path=str(path), format=rdf_format_for_path(str(path)).engine,
                    base_iri=path.resolve().as_uri(), to_graph=ox.NamedNode(name))


TESTS = _read_suite() if SUITE is not None else []


def test_the_w3c_query_evaluation_suite_through_every_format():
    store = OxigraphStore()
    engine = store.engine
    app = create_app({"TESTING": True, "STORE": store, "MAX_QUERY_LENGTH": 1_000_000})
    client = app.test_client()
    runs = 0
    failures = []
    try:
        for test in TESTS:
            text = f"BASE <{test.query.resolve().as_uri()}>\n" + test.query.read_text("utf-8")
            info = analyse(text)
            if info.form not in ("SELECT", "ASK", "CONSTRUCT"):
                continue
            _load(engine, test)
            try:
                engine.query(text)
            except (SyntaxError, OSError, ValueError):
                continue  # a feature the engine does not have: nothing to compare with
            dataset = {} if info.has_dataset_clause else {
                "default-graph-uri": "default",
                "named-graph-uri": [name for name, _path in test.graph_data],
            }
            ordered = "ORDER BY" in " ".join(text.upper().split())
            formats = GRAPH_FORMATS if info.returns_graph else tuple(RESULTS)
            for fmt in formats:
                response = client.post("/sparql", data={"query": text, "format": fmt,
                                                        **dataset})
                runs += 1
                where = f"{test.name} as {fmt}"
                if response.status_code != 200:
                    failures.append(f"{where}: {response.status_code} "
                                    f"{response.get_data(as_text=True)[:200]}")
                elif _answer(response.data, fmt, ordered, info.form) != _expected(engine, text, fmt,
                                                                        ordered):
                    failures.append(f"{where}: the answer differs from the engine's")
    finally:
        close_app(app)
        store.close()
    assert not failures, f"{len(failures)} of {runs} runs failed:\n" + "\n".join(failures[:60])
    assert len(TESTS) > 400 and runs > 1500  # the suite was found and run in full

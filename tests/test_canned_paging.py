"""Canned-query pages a page at a time, role parameters by any name, and the small page fixes
of the query UI work (the ontology's "everything about" link, the navigation's endpoint link,
the salary chart's source line).

Answers are checked against the seed store queried directly (the whole answer, cut into
pages here) and against the raw seed Turtle files (rdflib), not against the pages' own code.
"""

from __future__ import annotations

import csv
import io
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import rdflib

from careerkg.graph.library import load_library
from careerkg.graph.namespaces import CKG, ID
from careerkg.server import close_app, create_app

try:
    from conftest import ONET_DIR
    from seed_fixture import SEED
    from test_web_pages import Page
except ImportError:  # tests/ imported as a package
    from tests.conftest import ONET_DIR
    from tests.seed_fixture import SEED
    from tests.test_web_pages import Page

LIBRARY = load_library()
DS = ID + "role/data-scientist"
MLE = ID + "role/machine-learning-engineer"


def _html(response) -> Page:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return Page(response.get_data(as_text=True))


def _values(rows) -> list[list[str | None]]:
    return [[t.value if t is not None else None for t in row] for row in rows]


def _json_rows(data: dict) -> list[list[str | None]]:
    names = data["head"]["vars"]
    return [[b.get(v, {}).get("value") for v in names] for b in data["results"]["bindings"]]


def _next_link(response) -> str | None:
    match = re.match(r'<([^>]+)>; rel="next"', response.headers.get("Link", ""))
    return match.group(1) if match else None


def _rows_shown(page: Page) -> str:
    match = re.search(r"rows [\d,]+–[\d,]+( of [\d,]+)?|no rows", page.text)
    assert match, page.text[:400]
    return match.group(0)


# -- paging ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(LIBRARY))
def test_the_pages_of_a_canned_query_make_its_whole_answer(client, seed_store, name):
    expected = seed_store.query(LIBRARY[name].bind())
    if expected.kind != "bindings":
        pytest.skip("not a SELECT")
    whole = _values(expected.rows)
    size = max(1, -(-len(whole) // 3))  # three pages (or fewer)
    # JSON twin: follow the Link rel=next headers.
    got, url, pages = [], f"/queries/{name}.json?limit={size}", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        rows = _json_rows(response.get_json())
        assert len(rows) <= size
        got += rows
        pages += 1
        url = _next_link(response)
        assert pages <= 4
    assert got == whole
    # CSV twin, page 2, the same rows.
    as_csv = client.get(f"/queries/{name}.csv", query_string={"limit": size, "page": 2})
    table = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert table[0] == expected.variables
    assert [[c or None for c in r] for r in table[1:]] == [
        [c or None for c in r] for r in whole[size:2 * size]]
    # HTML pages: "rows X–Y" with a next link, and "of N" on the last one.
    first = _html(client.get(f"/queries/{name}", query_string={"limit": size}))
    if len(whole) > size:
        assert _rows_shown(first) == f"rows 1–{size}"
        assert any(urlsplit(unescape(link)).query.endswith("page=2") for link in first.links)
    last_page = max(1, -(-len(whole) // size))
    last = _html(client.get(f"/queries/{name}", query_string={"limit": size,
                                                               "page": last_page}))
    if whole:
        start = (last_page - 1) * size + 1
        assert _rows_shown(last) == f"rows {start:,}–{len(whole):,} of {len(whole):,}"
        assert len(last.tables[-1]) - 1 == len(whole) - start + 1


def test_a_page_holds_a_hundred_rows_unless_asked(tmp_path):
    skills = "\n".join(
        f"<{ID}skill/paging-{i:03d}> a ckg:Skill ; rdfs:label \"Paging skill {i:03d}\" ; "
        f"ckg:category <{ID}category/paging> ." for i in range(130))
    data = tmp_path / "many.ttl"
    data.write_text(
        f"@prefix ckg: <{CKG}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<{ID}category/paging> rdfs:label \"Paging\" .\n{skills}\n", encoding="utf-8")
    app = create_app({"TESTING": True, "CAREERKG_DATA": [str(data)], "MIN_WORKERS": 1})
    try:
        client = app.test_client()
        whole = client.get("/queries/skills-and-tools-by-category.json?limit=10000").get_json()
        total = len(whole["results"]["bindings"])
        assert total > 130
        first = _html(client.get("/queries/skills-and-tools-by-category"))
        assert _rows_shown(first) == "rows 1–100"
        assert len(first.tables[-1]) - 1 == 100
        second = _html(client.get("/queries/skills-and-tools-by-category?page=2"))
        assert _rows_shown(second) == f"rows 101–{total} of {total}"
        as_json = client.get("/queries/skills-and-tools-by-category.json")
        assert len(as_json.get_json()["results"]["bindings"]) == 100
        assert parse_qs(urlsplit(_next_link(as_json)).query)["page"] == ["2"]
        beyond = _html(client.get("/queries/skills-and-tools-by-category?page=9"))
        assert "no rows on page 9" in beyond.text
    finally:
        close_app(app)


@pytest.mark.parametrize("args", [
    {"page": "0"}, {"page": "-1"}, {"page": "two"}, {"limit": "0"}, {"limit": "1.5"},
    {"limit": "10000000"}, {"page": "99999999999"},
])
@pytest.mark.parametrize("suffix", ["", ".json", ".csv"])
def test_bad_paging_parameters_are_named(client, args, suffix):
    response = client.get(f"/queries/career-gap{suffix}", query_string=args)
    assert response.status_code == 400
    name = next(iter(args))
    assert f"{name}=" in response.get_data(as_text=True)


# -- role parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "data scientist", "Data Scientist", "role:data-scientist", DS, f"<{DS}>", "data-scientist",
])
def test_a_role_parameter_takes_any_name_of_the_role(client, seed_store, name):
    expected = _values(seed_store.query(
        LIBRARY["salary-by-experience"].bind({"role": f"<{DS}>", "other": f"<{MLE}>"})).rows)
    assert expected
    response = client.get("/queries/salary-by-experience.json",
                          query_string={"role": name, "other": "machine learning engineer"})
    assert response.status_code == 200
    assert _json_rows(response.get_json()) == expected


def test_an_unknown_role_answers_the_candidates_as_links(client):
    response = client.get("/queries/salary-by-experience", query_string={"role": "scientist"})
    assert response.status_code == 404
    page = Page(response.get_data(as_text=True))
    assert "no role is named 'scientist'" in page.text
    chosen = [unescape(link) for link in page.links
              if link.startswith("/queries/salary-by-experience?")]
    assert chosen
    assert any(parse_qs(urlsplit(link).query)["role"] == ["role:data-scientist"]
               for link in chosen)
    assert page.text.count(DS) == 0  # names, not raw IRIs
    followed = client.get(chosen[0])
    assert followed.status_code == 200
    as_json = client.get("/queries/salary-by-experience.json", query_string={"role": "xyzzy"})
    assert as_json.status_code == 404
    error = as_json.get_json()["error"]
    assert error["parameter"] == "role" and error["candidates"]
    assert all(c["link"].startswith("/queries/salary-by-experience.json?")
               for c in error["candidates"])


def test_an_ambiguous_role_lists_each_role(tmp_path):
    data = tmp_path / "twins.ttl"
    data.write_text(
        f"@prefix ckg: <{CKG}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<{ID}role/analyst-a> a ckg:Role ; rdfs:label \"Analyst\" .\n"
        f"<{ID}role/analyst-b> a ckg:Role ; rdfs:label \"Analyst\" .\n", encoding="utf-8")
    app = create_app({"TESTING": True, "CAREERKG_DATA": [str(data)], "MIN_WORKERS": 1})
    try:
        client = app.test_client()
        response = client.get("/queries/career-gap", query_string={"target": "analyst"})
        assert response.status_code == 400
        page = Page(response.get_data(as_text=True))
        assert "names 2 roles" in page.text
        targets = sorted(parse_qs(urlsplit(unescape(link)).query)["target"][0]
                         for link in page.links if link.startswith("/queries/career-gap?"))
        assert targets == ["role:analyst-a", "role:analyst-b"]
        assert client.get("/queries/career-gap?target=role:analyst-a").status_code == 200
    finally:
        close_app(app)


# -- small page defects ----------------------------------------------------------------------------

def test_everything_about_an_ontology_term_is_a_query_not_a_loop(client, seed_store):
    page = _html(client.get("/ontology"))
    link = next(unescape(link) for link in page.links
                if "query=" in link and "ontology%23Role%3E" in link)
    assert urlsplit(link).path == "/query"
    answer = _html(client.get(link))
    cells = {c for row in answer.tables[-1] for c in row}
    roles = [r["r"] for r in seed_store.query(
        f"SELECT ?r WHERE {{ ?r a <{CKG}Role> }}").to_python()]
    assert "incoming link" in cells and "statement" in cells
    assert all(any(r.rsplit("/", 1)[1] in c for c in cells) for r in roles)


def test_the_navigation_leads_to_a_page_about_the_endpoint(client):
    page = _html(client.get("/"))
    link = next(unescape(link) for link in page.links if link.endswith("#sparql-endpoint"))
    target = client.get(link.split("#")[0])
    assert target.status_code == 200 and target.mimetype == "text/html"
    assert "sparql-endpoint" in Page(target.get_data(as_text=True)).ids
    assert "service description" in target.get_data(as_text=True)


def test_the_salary_chart_says_where_its_figures_come_from(client):
    raw = rdflib.Graph()
    for path in SEED.glob("*.ttl"):
        raw.parse(path, format="turtle")
    rows = raw.query(f"""
        PREFIX ckg: <{CKG}> PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?source ?region ?year ?period WHERE {{
          ?f a ckg:SalaryFigure ; ckg:role ?role ; dct:source/rdfs:label ?source ;
             ckg:region/rdfs:label ?region ; ckg:year ?year ; ckg:period ?period .
          VALUES ?role {{ <{DS}> <{MLE}> }} }}""")
    scopes = {(str(r.source), str(r.region), str(r.year), str(r.period)) for r in rows}
    assert len(scopes) == 1
    source, region, year, period = scopes.pop()
    assert period == "P1Y"
    page = _html(client.get("/compare", query_string={"a": "data scientist", "b": "mle"}))
    assert f"Figures: {source}, {region}, {year}, per year" in page.text


# -- on the full graph -----------------------------------------------------------------------------

@pytest.mark.skipif(not ONET_DIR.is_dir(), reason="no O*NET data")
def test_the_first_canned_queries_answer_fast_with_onet(tmp_path, seed_store):
    from careerkg.graph.factory import open_store
    from careerkg.graph.importers import import_source

    store = open_store(str(tmp_path / "store"))
    import_source("onet", store, ONET_DIR)
    app = create_app({"TESTING": True, "STORE": store, "MIN_WORKERS": 1,
                      "QUERY_TIMEOUT": 10})
    try:
        client = app.test_client()
        started = time.perf_counter()
        gap = client.get("/queries/career-gap.json")
        assert gap.status_code == 200, gap.get_data(as_text=True)
        assert time.perf_counter() - started < 10
        # The seed roles' gap is the same with O*NET loaded.
        assert _json_rows(gap.get_json()) == _values(
            seed_store.query(LIBRARY["career-gap"].bind()).rows)
        started = time.perf_counter()
        second = client.get("/queries/skills-and-tools-by-category?page=2")
        assert time.perf_counter() - started < 10
        assert _rows_shown(_html(second)) == "rows 101–200"
    finally:
        close_app(app)
        store.close()


def test_answer_tables_show_values_with_the_type_on_hover(client, seed_store):
    response = client.get("/queries/salary-figures")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    amounts = [str(r["amount"]) for r in seed_store.query(
        LIBRARY["salary-figures"].bind()).to_python() if "amount" in r]
    assert amounts
    for amount in set(amounts):
        assert f'<span class="literal" title="xsd:decimal">{amount}</span>' in html
    assert "^^" not in html and '"@en' not in html and ">@en<" not in html


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "\" onmouseover=\"alert(2)",
                                  "javascript:alert(3)"])
def test_a_hostile_role_name_is_only_text(client, name):
    response = client.get("/queries/career-gap", query_string={"target": name})
    assert response.status_code in (400, 404)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'onmouseover="alert' not in html
    assert 'href="javascript:' not in html


def test_the_page_says_which_role_a_name_found(client, seed_store):
    label = seed_store.query(
        f"SELECT ?l WHERE {{ <{DS}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    ).to_python()[0]["l"]
    response = client.get("/queries/salary-by-experience", query_string={"role": "ds"})
    assert response.status_code == 200
    hint = re.search(r'<span class="hint resolved">(.*?)</span>', response.get_data(as_text=True))
    assert hint and Page(hint.group(1)).text == f"means {label} ( role:data-scientist )"


@pytest.mark.parametrize("module", ["careerkg.server.canned", "careerkg.graph.sparql"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module))
    assert tried > 0 and failures == 0


@pytest.mark.parametrize("query, expected", [
    ("SELECT * WHERE { ?s nope:x ?o }", "unknown prefix 'nope:'"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER ?s", "expected BY"),
    ("SELECT * WHERE { ?s ?p", "the query ends unexpectedly"),
])
def test_the_endpoint_names_a_syntax_error_in_words(client, query, expected):
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["reason"].startswith(expected) and error["line"] == 1
    assert "\\u{" not in error["message"] and "..=" not in error["message"]

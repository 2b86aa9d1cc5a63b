"""Role pages a person can read, skill/tool/industry pages with the roles that need them,
browse pages and the home page (issue 12), through the real Flask app on the seed graph.

Expectations are read from the seed's Turtle files with rdflib (not through the functions the
pages use), and the page parts from the HTML with lxml.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import rdflib
from seed_fixture import source_files_graphs

from careerkg.graph.namespaces import CKG, ID
from careerkg.graph.roles import role_profile
from careerkg.server import close_app, create_app

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
C = rdflib.Namespace(CKG)
DS = ID + "role/data-scientist"
MLE = ID + "role/machine-learning-engineer"


@pytest.fixture(scope="module")
def seed_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for part in source_files_graphs().values():
        graph += part
    return graph


@pytest.fixture
def app(seed_store):
    app = create_app({"STORE": seed_store})
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


def html(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return lxml.html.fromstring(response.get_data(as_text=True))


def texts(doc, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# -- role pages ---------------------------------------------------------------------------------

def test_role_page_summary_first(client, seed_graph):
    doc = html(client, "/id/role/data-scientist")
    definition = str(seed_graph.value(rdflib.URIRef(DS), SKOS.definition))
    summary = doc.xpath(f"//section[{cls('role-summary')}]")[0]
    assert texts(summary, f".//p[{cls('role-description')}]") == [definition]
    # What it pays: the chart and, visibly, where the figures come from.
    assert summary.xpath(".//svg[@id='salary-chart']")
    source = texts(summary, f".//p[{cls('chart-source')}]")[0]
    assert "Glassdoor" in source and "United States" in source and "2023" in source
    assert "per year" in source
    # Its family (the O*NET occupation it is close to is SOC 15).
    assert texts(summary, f".//span[{cls('role-family')}]/a") == ["Computer and Mathematical"]
    # The description is shown once above the raw statements (which list it again).
    raw = doc.xpath(f"//details[{cls('raw-statements')}]")[0].text_content()
    assert doc.text_content().count(definition) - raw.count(definition) == 1


def test_role_page_salary_figures_with_amounts(client, seed_graph):
    figures = set(seed_graph.subjects(C.role, rdflib.URIRef(DS)))
    figures = {f for f in figures if (f, rdflib.RDF.type, C.SalaryFigure) in seed_graph}
    doc = html(client, "/id/role/data-scientist")
    rows = doc.xpath(f"//section[{cls('role-wages')}]//tbody/tr")
    assert len(rows) == len(figures) > 0
    shown = {r.xpath("./td[1]/a/@href")[0] for r in rows}
    assert shown == {"/id/" + str(f)[len(ID):] for f in figures}
    amounts = {str(seed_graph.value(f, C.amount)) for f in figures
               if seed_graph.value(f, C.amount) is not None}
    cells = " ".join(texts(doc, f"//section[{cls('role-wages')}]//tbody/tr/td[2]"))
    for amount in amounts:
        assert f"{int(float(amount)):,}" in cells


def test_role_page_lists_every_skill_and_tool_grouped(client, seed_graph):
    doc = html(client, "/id/role/machine-learning-engineer")
    skills = set(seed_graph.objects(rdflib.URIRef(MLE), C.requiresSkill))
    tools = set(seed_graph.objects(rdflib.URIRef(MLE), C.usesTool))
    linked_skills = set(doc.xpath(f"//section[{cls('role-skills')}]//li/a/@href"))
    assert linked_skills == {"/id/" + str(s)[len(ID):] for s in skills}
    tool_section = doc.xpath(f"//section[{cls('role-tools')}]")[0]
    assert set(tool_section.xpath(".//li/a/@href")) == {"/id/" + str(t)[len(ID):] for t in tools}
    # Grouped by category: one heading per category the tools are in, with its count.
    categories = Counter(str(seed_graph.value(seed_graph.value(t, C.category), rdflib.RDFS.label))
                         for t in tools)
    headings = texts(tool_section, ".//h3")
    assert sorted(headings) == sorted(f"{name} ({n})" for name, n in categories.items())
    # A long list is capped: the rest is behind "show all N".
    biggest = max(categories.values())
    if biggest > 12:
        assert f"show all {biggest}" in texts(tool_section, ".//summary")


def test_role_page_actions_and_no_missing_routes(app, client):
    doc = html(client, "/id/role/data-scientist")
    actions = dict(zip(texts(doc, f"//p[{cls('role-actions')}]/a"),
                       doc.xpath(f"//p[{cls('role-actions')}]/a/@href"), strict=True))
    compare = urlsplit(actions["Compare with…"])
    assert compare.path == "/compare" and parse_qs(compare.query) == {"a": [DS]}
    assert client.get(actions["Compare with…"]).status_code == 200
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert ("What next" in actions) == ("/next" in rules)
    assert ("Path to…" in actions) == ("/path" in rules)
    for label in ("What next", "Path to…"):
        if label in actions:
            assert client.get(actions[label]).status_code == 200, label


def test_next_and_path_are_linked_only_where_the_routes_exist():
    """The actions are read from the app's URL map when the page is drawn: an app without
    the /next and /path views offers neither."""
    from flask import Flask

    from careerkg.server.entities import role_actions

    bare = Flask("bare")
    with bare.test_request_context("/"):
        assert [label for label, _href in role_actions(DS)] == [
            "Compare with…", "Overlap with other roles"]
    bare.add_url_rule("/next", "next", lambda: "")
    bare.add_url_rule("/path", "path", lambda: "")
    with bare.test_request_context("/"):
        actions = dict(role_actions(DS))
    assert parse_qs(urlsplit(actions["What next"]).query) == {"role": [DS]}
    assert parse_qs(urlsplit(actions["Path to…"]).query) == {"a": [DS]}


def test_raw_statements_collapsed_with_readable_inverse_headings(client, seed_graph):
    doc = html(client, "/id/role/data-scientist")
    details = doc.xpath(f"//details[{cls('raw-statements')}]")
    assert len(details) == 1 and details[0].get("open") is None
    headings = texts(details[0], f".//dl[{cls('incoming')}]//dt")
    assert headings and not any(h.startswith("is ") and h.endswith(" of") for h in headings)
    # The passages about the role (ckg:about) read as the ontology's inverse label says.
    inverse = str(seed_graph.value(C.about, C.inverseLabel))
    assert (None, C.about, rdflib.URIRef(DS)) in seed_graph
    assert inverse in headings
    # No heading of the page twice.
    all_headings = texts(doc, "//h1 | //h2")
    assert len(all_headings) == len(set(all_headings)), all_headings


def test_the_api_and_the_page_show_the_same_role(client, seed_store):
    profile = role_profile(seed_store, "data scientist")
    doc = html(client, "/id/role/data-scientist")
    top = texts(doc, f"//div[{cls('summary-skills')}]//li/a")
    assert top == [s["label"] for s in profile.skills[:5]]
    similar = texts(doc, f"//div[{cls('summary-similar')}]//li/a")
    assert similar == [r["label"] for r in profile.related[:5]]
    assert profile.to_dict()["description"] == texts(
        doc, f"//p[{cls('role-description')}]")[0]


# -- skill, tool and industry pages -------------------------------------------------------------

@pytest.mark.parametrize("prop,kind", [(C.usesTool, "tool"), (C.requiresSkill, "skill"),
                                        (C.hiredIn, "industry")])
def test_item_pages_list_the_roles_that_need_it(client, seed_graph, prop, kind):
    items = Counter(o for _s, o in seed_graph.subject_objects(prop))
    item, n = items.most_common(1)[0]
    roles = set(seed_graph.subjects(prop, item))
    if kind == "industry":
        roles |= set(seed_graph.subjects(C.topPayingIndustry, item))
    doc = html(client, "/id/" + str(item)[len(ID):])
    section = doc.xpath(f"//section[{cls('roles-needing')}]")[0]
    assert set(section.xpath(".//tbody//a/@href")) == {"/id/" + str(r)[len(ID):] for r in roles}
    assert texts(section, ".//h2") == [f"Roles that need it ({len(roles)})"]
    # Wages where known: the seed's roles each have an overall figure.
    pay = texts(section, ".//tbody/tr/td[3]")
    assert all("$" in p for p in pay)


# -- browse -------------------------------------------------------------------------------------

def test_browse_roles_and_a_family(client, seed_graph):
    roles = set(seed_graph.subjects(rdflib.RDF.type, C.Role))
    doc = html(client, "/browse/roles")
    assert set(doc.xpath(f"//ul[{cls('browse-roles')}]/li/a/@href")) == {
        "/id/" + str(r)[len(ID):] for r in roles}
    family = html(client, "/browse/roles?family=15")
    assert texts(family, "//h1") == ["Computer and Mathematical roles"]
    assert family.xpath(f"//ul[{cls('browse-roles')}]/li/a/@href") == ["/id/role/data-scientist"]
    assert client.get("/browse/roles?family=99").status_code == 404
    assert client.get("/browse/roles?page=0").status_code == 400
    assert client.get("/browse/roles?page=x").status_code == 400


@pytest.mark.parametrize("kind,cls_,prop", [("tools", C.Tool, C.usesTool),
                                             ("skills", C.Skill, C.requiresSkill)])
def test_browse_items_sorted_by_how_many_roles_need_them(client, seed_graph, kind, cls_, prop):
    items = set(seed_graph.subjects(rdflib.RDF.type, cls_))
    needed = {i: len(set(seed_graph.subjects(prop, i))) for i in items}
    doc = html(client, f"/browse/{kind}")
    assert texts(doc, f"//p[{cls('browse-count')}]")[0].startswith(f"{len(items)} {kind}")
    shown = doc.xpath(f"//ul[{cls('browse-' + kind)}]/li")
    assert len(shown) == min(50, len(items))
    counts = [int(li.xpath(f".//span[{cls('count')}]")[0].text.split()[0]) for li in shown]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == max(needed.values())
    # Paged: page 2 holds the rest, and its "previous" link leads back.
    if len(items) > 50:
        page2 = html(client, f"/browse/{kind}?page=2")
        assert len(page2.xpath(f"//ul[{cls('browse-' + kind)}]/li")) == len(items) - 50
        assert page2.xpath("//a[@rel='prev']/@href") == [f"/browse/{kind}?page=1"]


# -- home ---------------------------------------------------------------------------------------

def test_home_puts_search_and_starting_points_first(client):
    doc = html(client, "/")
    main = doc.xpath("//main")[0]
    first_form = main.xpath(".//form")[0]
    assert first_form.get("action") == "/search"
    starts = main.xpath(f".//section[{cls('starting-points')}]//a[{cls('button')}]/@href")
    compare = urlsplit(starts[0])
    assert compare.path == "/compare"
    assert parse_qs(compare.query) == {"a": ["data scientist"], "b": ["machine learning engineer"]}
    assert client.get(starts[0]).status_code == 200
    assert "/browse/roles?family=15" in starts
    # Export is one of the rest, after the starting points.
    forms = [f.get("action") for f in main.xpath(".//form")]
    assert forms.index("/export") > 0

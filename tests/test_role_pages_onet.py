"""Role, skill and browse pages on a graph with the whole O*NET 29.2 database imported
(issue 12): what the pages show checked against the workbooks in data/onet-29.2, read here
with openpyxl (not through the importer or the page code).
"""

from __future__ import annotations

import math
import time
from decimal import Decimal
from statistics import median

import lxml.html
import pytest
from conftest import ROOT
from test_import_onet_29 import sheet_rows as sheet

from careerkg.graph.factory import open_store
from careerkg.graph.importers import import_source
from careerkg.graph.namespaces import ID
from careerkg.graph.roles import role_profile
from careerkg.graph.warm import warm_up
from careerkg.server import close_app, create_app

ONET29 = ROOT / "data" / "onet-29.2"
pytestmark = [pytest.mark.skipif(not ONET29.is_dir(), reason="no O*NET 29.2 data"),
              pytest.mark.slow, pytest.mark.timeout(1800)]

OCC = ID + "onet/occupation/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DS = "15-2051.00"    # Data Scientists: alternate titles, tasks, no ratings
STAT = "15-2041.00"  # Statisticians: rated skills and knowledge


@pytest.fixture(scope="module")
def onet():
    store = open_store(None)
    import_source("onet", store, ONET29)
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(onet):
    # as `careerkg serve` does at start: the requirement graph of O*NET takes seconds to
    # build, and a page that needs it before then answers 503 (tests/test_background.py)
    warm_up(onet)
    app = create_app({"STORE": onet})
    yield app.test_client()
    close_app(app)


def page(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return lxml.html.fromstring(response.get_data(as_text=True))


def texts(doc, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def path_of(iri: str) -> str:
    return "/id/" + iri[len(ID):]


def top_by_importance(table: str, code: str, n: int = 3) -> list[tuple[str, Decimal]]:
    """The ``n`` most important elements of a role: (name, importance), by the workbook."""
    rated = {(r["Element Name"]): Decimal(str(r["Data Value"])) for r in sheet(table)
             if r["O*NET-SOC Code"] == code and r["Scale ID"] == "IM"}
    return [(name, rated[name]) for name in
            sorted(rated, key=lambda e: (-rated[e], e.casefold()))[:n]]


def names_of(store, iri: str) -> set[str]:
    """Every label of a node, folded (an O*NET element may be the seed's skill of that
    name, shown under the seed's label)."""
    rows = store.query(f"""SELECT ?name WHERE {{ <{iri}> <{SKOS}prefLabel>|<{RDFS}label>|
        <{SKOS}altLabel> ?name }}""").to_python()
    return {str(r["name"]).casefold() for r in rows}


def shown_top(store, doc, part: str, n: int = 3) -> list[tuple[set[str], Decimal]]:
    items = doc.xpath(f"//div[{cls(part)}]//li")[:n]
    return [(names_of(store, ID + li.xpath("./a/@href")[0][len("/id/"):]),
             Decimal(texts(li, f".//span[{cls('importance')}]")[0])) for li in items]


def matches(shown, expected) -> bool:
    return len(shown) == len(expected) and all(
        name.casefold() in names and value == importance
        for (names, value), (name, importance) in zip(shown, expected, strict=True))


def test_data_scientists_alternate_titles_tasks_and_related(client):
    doc = page(client, path_of(OCC + DS))
    title = next(r["Title"] for r in sheet("Occupation Data") if r["O*NET-SOC Code"] == DS)
    titles = set()
    for r in sheet("Alternate Titles"):
        if r["O*NET-SOC Code"] == DS:
            for column in ("Alternate Title", "Short Title"):
                if r[column] and str(r[column]).lower() != "n/a":
                    titles.add(str(r[column]))
    titles = {t for t in titles if t.casefold() != title.casefold()}
    shown = texts(doc, f"//div[{cls('alt-titles')}]//li")
    assert sorted(shown) == sorted(titles) and len(shown) > 10
    assert texts(doc, f"//div[{cls('alt-titles')}]/span[{cls('caption')}]") == [
        f"Also called ({len(titles)}):"]
    tasks = [r for r in sheet("Task Statements") if r["O*NET-SOC Code"] == DS]
    assert texts(doc, f"//section[{cls('role-tasks')}]/h2") == [f"Tasks ({len(tasks)})"]
    assert len(doc.xpath(f"//section[{cls('role-tasks')}]//li")) == len(tasks)
    related = sorted((r for r in sheet("Related Occupations") if r["O*NET-SOC Code"] == DS),
                     key=lambda r: int(r["Index"]))
    items = doc.xpath(f"//section[{cls('role-related')}]//li")
    assert [li.xpath("./a/@href")[0] for li in items] == [
        path_of(OCC + r["Related O*NET-SOC Code"]) for r in related]
    assert [texts(li, f".//span[{cls('tier')}]")[0] for li in items] == [
        r["Relatedness Tier"] for r in related]
    zone = next(r["Job Zone"] for r in sheet("Job Zones") if r["O*NET-SOC Code"] == DS)
    reference = next(r for r in sheet("Job Zone Reference") if r["Job Zone"] == zone)
    assert texts(doc, f"//div[{cls('summary-zone')}]//a") == [reference["Name"]]
    assert texts(doc, f"//div[{cls('summary-zone')}]//p[{cls('education')}]") == [
        " ".join(reference["Education"].split())]
    # Family from the code's first two digits; no ratings, so no skills section invented.
    assert texts(doc, f"//span[{cls('role-family')}]/a") == ["Computer and Mathematical"]
    assert not doc.xpath(f"//section[{cls('role-knowledge')}]")


def test_statisticians_top_skills_knowledge_and_hot_technologies(client, onet):
    doc = page(client, path_of(OCC + STAT))
    skills = top_by_importance("Skills", STAT)
    assert matches(shown_top(onet, doc, "summary-skills"), skills), skills
    knowledge = top_by_importance("Knowledge", STAT)
    assert matches(shown_top(onet, doc, "summary-knowledge"), knowledge), knowledge
    rows = sheet("Technology Skills")
    hot_anywhere = {r["Example"].casefold() for r in rows if r["Hot Technology"] == "Y"}
    used = {r["Example"].casefold() for r in rows if r["O*NET-SOC Code"] == STAT}
    expected = used & hot_anywhere
    # A technology may be the seed's tool of that name, shown under the seed's label.
    hot = [names_of(onet, ID + h[len("/id/"):])
           for h in doc.xpath(f"//div[{cls('summary-hot')}]//li/a/@href")]
    assert len(hot) == len(expected) > 0
    assert all(names & expected for names in hot)
    assert set().union(*hot) >= expected
    # Tools grouped by category, every tool once.
    tools = doc.xpath(f"//section[{cls('role-tools')}]//li/a/@href")
    assert len(tools) == len(set(tools)) == len(used)
    assert len(doc.xpath(f"//section[{cls('role-tools')}]/h3")) > 1
    # The Python API shows the same role.
    profile = role_profile(onet, STAT)
    assert matches([(names_of(onet, s["iri"]), s["importance"]) for s in profile.skills[:3]],
                   skills)


def test_a_skill_page_lists_rated_roles_by_importance(client):
    element = "2.A.1.b"  # Active Listening
    rated = {r["O*NET-SOC Code"]: Decimal(str(r["Data Value"])) for r in sheet("Skills")
             if r["Element ID"] == element and r["Scale ID"] == "IM"}
    doc = page(client, path_of(ID + "onet/element/" + element))
    section = doc.xpath(f"//section[{cls('roles-needing')}]")[0]
    assert texts(section, "./h2") == [f"Roles that need it ({len(rated):,})"]
    shown = [Decimal(t) for t in texts(section, ".//tbody/tr/td[2]")]
    assert shown == sorted(shown, reverse=True) and shown[0] == max(rated.values())
    assert len(shown) == 25
    last = math.ceil(len(rated) / 25)
    assert texts(section, f".//nav[{cls('pager')}]/span") == [f"page 1 of {last}"]
    end = page(client, path_of(ID + "onet/element/" + element) + f"?page={last}")
    tail = end.xpath(f"//section[{cls('roles-needing')}]//tbody/tr")
    assert len(tail) == len(rated) - 25 * (last - 1)


def test_browse_the_computer_and_mathematical_family(client):
    codes = {r["O*NET-SOC Code"] for r in sheet("Occupation Data")
             if r["O*NET-SOC Code"].startswith("15-")}
    first = page(client, "/browse/roles?family=15")
    count = texts(first, f"//p[{cls('browse-count')}]")[0]
    total = int(count.split()[0].replace(",", ""))
    pages = math.ceil(total / 50)
    shown = []
    for n in range(1, pages + 1):
        doc = page(client, f"/browse/roles?family=15&page={n}")
        shown += doc.xpath(f"//ul[{cls('browse-roles')}]/li/a/@href")
    assert len(shown) == total
    onet_shown = {h for h in shown if h.startswith("/id/onet/occupation/")}
    assert onet_shown == {path_of(OCC + c) for c in codes}
    # The rest are the seed's roles linked to one of these occupations (Data scientist).
    assert set(shown) - onet_shown == {"/id/role/data-scientist"}
    families = texts(first, "//select[@id='family']/option")
    assert f"Computer and Mathematical ({total})" in families
    assert len(families) == 1 + len({r["O*NET-SOC Code"][:2] for r in sheet("Occupation Data")})


def test_pages_answer_fast_enough_on_the_full_graph(client, onet):
    role_profile(onet, STAT)  # the requirement graph and the search index are built once
    timings = {}
    for name, path in [("role page", path_of(OCC + STAT)),
                       ("skill page", path_of(ID + "onet/element/2.A.1.b")),
                       ("browse roles", "/browse/roles?page=3"),
                       ("browse tools", "/browse/tools"), ("home", "/")]:
        spent = []
        for _ in range(3):
            start = time.perf_counter()
            assert client.get(path).status_code == 200
            spent.append(time.perf_counter() - start)
        timings[name] = median(spent)
    print("median seconds per page on O*NET 29.2:",
          {k: round(v, 3) for k, v in timings.items()})
    # A bound for a shared machine: each page within the default 10 s query time limit.
    assert all(t < 10 for t in timings.values()), timings

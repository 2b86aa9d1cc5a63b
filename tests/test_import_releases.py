"""The ESCO, BLS and crosswalk importers on the real files the repository ships (``data/``).

One store holds them all: the full graph of ``careerkg build`` (the session's ``full_store``,
built once and cached by the data's digest), O*NET 29.2 included.  Every expected value is
computed here from the raw files — the zips read with ``zipfile`` and ``csv``, the workbooks
with openpyxl — not through the importers' code.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import rdflib
from conftest import full_store_reports
from seed_fixture import run_canned

from careerkg.graph.factory import open_store
from careerkg.graph.importers import import_source
from careerkg.graph.library import canned_query
from careerkg.graph.namespaces import CKG
from careerkg.graph.validate import validate_graph
from careerkg.server import create_app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ESCO_DIR = DATA / "esco-1.1.1"
ESCO_EN = ESCO_DIR / "ESCO dataset - v1.1.1 - classification - en - csv.zip"
ESCO_RELATIONS = ESCO_DIR / "ESCO dataset - v1.1.1 - classification -  - csv.zip"
BLS_DIR = DATA / "bls-oews-2024"
BLS_BOOK = BLS_DIR / "national_M2024_dl.xlsx"
CROSSWALKS = DATA / "crosswalks"
SOC_CROSSWALK = CROSSWALKS / "2019_to_SOC_Crosswalk.xlsx"
ESCO_ONET = CROSSWALKS / "ESCO_to_ONET-SOC.xlsx"

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ID = "https://w3id.org/careerkg/id/"
PREFIXES = (f"PREFIX ckg: <{CKG}> PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}> "
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> ")
SEED_DS = ID + "role/data-scientist"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"

# The session's full build (when not cached) runs in the first test's time.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


# -- the raw files, read independently -----------------------------------------------------

def zip_rows(archive: Path, member: str) -> list[dict]:
    with zipfile.ZipFile(archive) as handle:
        text = handle.read(member).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def sheet_rows(path: Path, header_row: int = 1) -> list[dict]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    header = rows[header_row - 1]
    out = []
    for row in rows[header_row:]:
        if all(v is None for v in row):
            break
        out.append(dict(zip(header, row, strict=False)))
    return out


@pytest.fixture(scope="module")
def occupations():
    return zip_rows(ESCO_EN, "occupations_en.csv")


@pytest.fixture(scope="module")
def relations():
    return zip_rows(ESCO_RELATIONS, "occupationSkillRelations.csv")


@pytest.fixture(scope="module")
def oews():
    return sheet_rows(BLS_BOOK)


@pytest.fixture(scope="module")
def soc_of():
    return {r["O*NET-SOC 2019 Code"]: r["2018 SOC Code"]
            for r in sheet_rows(SOC_CROSSWALK, header_row=4)}


def esco_role(uri: str) -> str:
    return ID + "esco/occupation/" + uri.rsplit("/", 1)[1]


def onet_role(code: str) -> str:
    return ID + "onet/occupation/" + code


def select(store, text, **options):
    return store.query(PREFIXES + text, **options).to_python()


# -- the store --------------------------------------------------------------------------------

class _Report:
    """An import report of the full build, as :func:`full_store_reports` keeps it."""

    def __init__(self, saved: dict):
        self.counts = saved["counts"]
        self.warnings = saved["warnings"]


@pytest.fixture(scope="module")
def kg(full_store):
    """The full graph (O*NET 29.2, ESCO, BLS, crosswalk), built once for the session."""
    store = open_store(str(full_store))
    store.reports = {k: _Report(v) for k, v in full_store_reports(full_store).items()}
    yield store
    store.close()


# -- ESCO ------------------------------------------------------------------------------------

def test_esco_counts_are_the_files_counts(kg, occupations, relations):
    report = kg.reports["esco"]
    skills = zip_rows(ESCO_EN, "skills_en.csv")
    assert report.counts["roles"] == len(occupations) == 3007
    assert report.counts["skills"] == len(skills) == 13896
    assert report.counts["isco_groups"] == len(zip_rows(ESCO_EN, "ISCOGroups_en.csv"))
    assert report.counts["skill_groups"] == len(zip_rows(ESCO_EN, "skillGroups_en.csv"))
    known_occ = {r["conceptUri"] for r in occupations}
    known_skill = {r["conceptUri"] for r in skills}
    kept = [r for r in relations if r["occupationUri"] in known_occ
            and r["skillUri"] in known_skill]
    assert len(relations) == 123855
    assert report.counts["skipped_relations"] == len(relations) - len(kept)
    roles = select(kg, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a ckg:Role ; "
                       "skos:exactMatch ?e FILTER(STRSTARTS(STR(?e), "
                       f"'{ESCO_OCCUPATION}')) }}")
    assert roles[0]["n"] == len(occupations)


def test_esco_pair_shares_its_essential_skills(kg, occupations, relations):
    """Data scientist and data analyst: the essential skills both have, from the raw
    relations file, are the skills the graph says both require as essential."""
    uri = {r["preferredLabel"]: r["conceptUri"] for r in occupations}
    a, b = uri["data scientist"], uri["data analyst"]
    essential = defaultdict(set)
    for r in relations:
        if r["relationType"] == "essential":
            essential[r["occupationUri"]].add(r["skillUri"])
    expected = essential[a] & essential[b]
    assert expected  # the pair does share skills
    found = select(kg, f"""SELECT DISTINCT ?esco WHERE {{
        <{esco_role(a)}> ckg:essentialSkill ?s . <{esco_role(b)}> ckg:essentialSkill ?s .
        ?s skos:exactMatch ?esco FILTER(STRSTARTS(STR(?esco), "http://data.europa.eu/"))
    }}""")
    assert {r["esco"] for r in found} == expected
    for relation in ("essential", "optional"):
        count = sum(1 for r in relations if r["occupationUri"] == a
                    and r["relationType"] == relation)
        n = select(kg, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{esco_role(a)}> "
                       f"ckg:{relation}Skill ?s }}")[0]["n"]
        assert n == count, relation


def test_esco_skill_type_reuse_level_and_labels(kg):
    skills = zip_rows(ESCO_EN, "skills_en.csv")
    python = next(r for r in skills if r["preferredLabel"] == "Python (computer programming)")
    found = select(kg, f"""SELECT ?type ?reuse ?alt WHERE {{
        ?s skos:exactMatch <{python['conceptUri']}> ; ckg:category/rdfs:label ?type ;
           ckg:reuseLevel/skos:exactMatch ?reuse .
        OPTIONAL {{ ?s skos:altLabel ?alt }} }}""")
    assert {r["type"] for r in found} == {f"ESCO {python['skillType']}"}
    assert {r["reuse"].rsplit("/", 1)[1] for r in found} == {python["reuseLevel"]}
    alts = {a.strip() for a in python["altLabels"].splitlines() if a.strip()}
    assert {r["alt"] for r in found if "alt" in r} == alts - {python["preferredLabel"]}


def test_esco_hierarchies(kg, occupations):
    occ_pillar = zip_rows(ESCO_RELATIONS, "broaderRelationsOccPillar.csv")
    ds = next(r["conceptUri"] for r in occupations if r["code"] == "2511.4")
    broader = {r["broaderUri"] for r in occ_pillar if r["conceptUri"] == ds}
    found = select(kg, f"""SELECT ?e WHERE {{ <{esco_role(ds)}> skos:broader/skos:exactMatch
                                              ?e }}""")
    assert {r["e"] for r in found} == broader
    # the ISCO groups nest: 2511 under 251 under 25 under 2
    chain = select(kg, f"""SELECT ?code WHERE {{ <{ID}esco/isco/2511> skos:broader+ ?g .
                                                ?g skos:notation ?code }}""")
    assert {r["code"] for r in chain} == {"251", "25", "2"}
    # a skill's broader concepts (skills and skill groups) are the skill pillar's
    skill_pillar = zip_rows(ESCO_RELATIONS, "broaderRelationsSkillPillar.csv")
    skills = zip_rows(ESCO_EN, "skills_en.csv")
    sql = next(r["conceptUri"] for r in skills if r["preferredLabel"] == "SQL Server")
    expected = {r["broaderUri"] for r in skill_pillar if r["conceptUri"] == sql}
    found = select(kg, f"""SELECT ?e WHERE {{ ?s skos:exactMatch <{sql}> ;
                                              skos:broader/skos:exactMatch ?e }}""")
    assert expected and {r["e"] for r in found} == expected


def test_esco_reimport_changes_nothing(kg):
    before = kg.source("esco")
    report = import_source("esco", kg, ESCO_DIR)
    assert not report.changed and kg.source("esco") == before


# -- BLS -----------------------------------------------------------------------------------

STATS = {"A_PCT10": "Percentile10", "A_PCT25": "Percentile25", "A_MEDIAN": "Median",
         "A_MEAN": "Mean", "A_PCT75": "Percentile75", "A_PCT90": "Percentile90"}


def figures(kg, code: str) -> dict[str, dict]:
    found = select(kg, f"""SELECT ?stat ?amount ?q ?emp ?year ?period ?cur ?src WHERE {{
        ?f ckg:role <{onet_role(code)}> ; ckg:statistic ?stat ; ckg:amount ?amount ;
           ckg:qualifier ?q ; ckg:year ?year ; ckg:period ?period ;
           <https://schema.org/currency> ?cur ; <http://purl.org/dc/terms/source> ?src .
        OPTIONAL {{ ?f ckg:employment ?emp }} }}""")
    return {r["stat"].rsplit("#", 1)[1]: r for r in found}


def top_code() -> Decimal:
    book = openpyxl.load_workbook(BLS_BOOK, read_only=True)
    try:
        for (cell, *_rest) in book["Field Descriptions"].iter_rows(values_only=True):
            match = re.search(r"\$([\d,]+) per year", str(cell or ""))
            if str(cell or "").startswith("#") and match:
                return Decimal(match.group(1).replace(",", ""))
    finally:
        book.close()
    raise AssertionError("no top-code note")


def test_data_scientists_wages_are_blss(kg, oews):
    row = next(r for r in oews if r["OCC_CODE"] == "15-2051" and r["O_GROUP"] == "detailed")
    found = figures(kg, "15-2051.00")
    assert set(found) == set(STATS.values())
    for column, stat in STATS.items():
        assert found[stat]["amount"] == Decimal(str(row[column])), column
        assert found[stat]["q"] == CKG + "Exact"
        assert found[stat]["emp"] == row["TOT_EMP"]
        assert str(found[stat]["year"]) == "2024"
        assert found[stat]["cur"] == "USD"
        assert found[stat]["src"] == ID + "source/bls"


def test_top_coded_wage_is_a_lower_bound(kg, oews, soc_of):
    threshold = top_code()
    row = next(r for r in oews if r["O_GROUP"] == "detailed" and r["A_MEDIAN"] == "#")
    code = next(c for c, soc in soc_of.items() if soc == row["OCC_CODE"])
    median = figures(kg, code)["Median"]
    assert median["q"] == CKG + "AtLeast"
    assert median["amount"] == threshold == Decimal("239200")


def test_suppressed_wage_is_absent_not_zero(kg, oews, soc_of):
    row = next(r for r in oews if r["O_GROUP"] == "detailed" and r["A_MEDIAN"] == "*")
    code = next(c for c, soc in soc_of.items() if soc == row["OCC_CODE"])
    found = figures(kg, code)
    assert "Median" not in found
    assert set(found) == {STATS[c] for c in STATS if isinstance(row[c], int | float)}
    assert not select(kg, f"""SELECT ?f WHERE {{ ?f ckg:role <{onet_role(code)}> ;
                                                   ckg:amount 0 }}""")


def test_roles_under_a_broad_code_get_its_wages(kg, oews, soc_of):
    detailed = {r["OCC_CODE"] for r in oews if r["O_GROUP"] == "detailed"}
    code, soc = next((c, s) for c, s in soc_of.items()
                     if s not in detailed and s[:6] + "0" in detailed)
    row = next(r for r in oews if r["OCC_CODE"] == soc[:6] + "0"
               and r["O_GROUP"] == "detailed")
    assert figures(kg, code)["Median"]["amount"] == Decimal(str(row["A_MEDIAN"]))


def test_salary_query_shows_bls_next_to_the_seed(kg):
    rows = run_canned(kg, canned_query("salary-figures"))
    by_role = defaultdict(set)
    for r in rows:
        by_role[str(r["roleLabel"])].add(str(r["sourceLabel"]))
    assert "Glassdoor" in " ".join(by_role["Data scientist"])
    assert any("Bureau of Labor Statistics" in s for s in by_role["Data Scientists"])
    medians = [r for r in rows if str(r["roleLabel"]) == "Data Scientists"
               and str(r["statisticLabel"]) == "Median"]
    assert [Decimal(str(r["amount"])) for r in medians] == [figures(kg, "15-2051.00")[
        "Median"]["amount"]]


def test_compare_shows_bls_wages_next_to_the_seeds(kg):
    row = figures(kg, "15-2051.00")
    client = create_app({"STORE": kg, "TESTING": True}).test_client()
    answer = client.get("/compare", query_string={"a": SEED_DS, "b": onet_role("15-2051.00")})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'id="salary-chart"' in html
    for stat in ("Median", "Percentile90"):
        assert f"${row[stat]['amount']:,.0f}" in html, stat
    assert f'data-figure="{ID}bls/oews-2024/15-2051.00/median"' in html
    assert "$96,492" in html  # the seed's figure, in the same chart
    # the BLS bars are labelled by their statistic, the seed's by "Overall"
    labels = re.findall(r'class="group-label"[^>]*>([^<]+)<', html)
    assert labels[:7] == ["Overall", "10th percentile", "25th percentile", "Mean", "Median",
                          "75th percentile", "90th percentile"], labels


def test_role_page_lists_its_bls_wages(kg, oews):
    """The role page of O*NET's Data Scientists: the salary figures section with every BLS
    statistic's amount (from the raw workbook) and its qualifier."""
    row = next(r for r in oews if r["OCC_CODE"] == "15-2051" and r["O_GROUP"] == "detailed")
    client = create_app({"STORE": kg, "TESTING": True}).test_client()
    answer = client.get("/id/onet/occupation/15-2051.00")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    section = html[html.index('class="role-wages"'):]
    section = section[:section.index("</section>")]
    names = {"A_PCT10": "10th percentile", "A_PCT25": "25th percentile", "A_MEDIAN": "Median",
             "A_MEAN": "Mean", "A_PCT75": "75th percentile", "A_PCT90": "90th percentile"}
    for column, name in names.items():
        cells = re.search(rf">{name}</a></td>\s*<td class=\"q-exact\">([^<]+)", section)
        assert cells, name
        assert cells.group(1).strip() == f"${Decimal(str(row[column])):,.0f}", name
    assert section.count('data-qualifier="exact"') == len(names)
    assert "Bureau of Labor Statistics" in section and "2024" in section


def test_bls_figures_conform_to_the_salary_shapes(kg):
    roles = [onet_role(c) for c in ("15-2051.00", "11-1011.00", "27-2011.00")]
    values = " ".join(f"<{r}>" for r in roles)
    subset = kg.query(PREFIXES + f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
        {{ VALUES ?s {{ {values} }} ?s ?p ?o  # the roles themselves, not what they link to
           FILTER(?p IN (rdf:type, rdfs:label, skos:prefLabel, skos:definition,
                         <http://purl.org/dc/terms/source>)) }}
        UNION {{ VALUES ?role {{ {values} }} ?s ckg:role ?role ; ?p ?o }}
        UNION {{ VALUES ?role {{ {values} }} ?f ckg:role ?role ;
                 <http://purl.org/linked-data/cube#dataSet>|<http://purl.org/dc/terms/source>
                 ?s . ?s ?p ?o }}
    }}""").serialize("ntriples")
    assert subset.count(b"\n") < 2000
    seed = open_store(None)
    data = rdflib.Graph().parse(data=seed.export("ntriples"), format="nt")
    data.parse(data=subset, format="nt")
    violations = [v for v in validate_graph(data) if v.severity == "Violation"]
    assert violations == [], "\n".join(map(str, violations))


# -- crosswalk -----------------------------------------------------------------------------

def test_crosswalk_links_of_the_data_scientist(kg, occupations):
    pairs = sheet_rows(ESCO_ONET, header_row=4)
    ds = next(r for r in occupations if r["preferredLabel"] == "data scientist")
    expected = {onet_role(r["O*NET-SOC 2019 Code"]) for r in pairs
                if r["ESCO/ISCO Code"] == ds["code"]}
    assert onet_role("15-2051.00") in expected
    found = select(kg, f"""SELECT ?o WHERE {{ <{esco_role(ds['conceptUri'])}> skos:closeMatch ?o
                                          FILTER(STRSTARTS(STR(?o), "{ID}onet/")) }}""")
    assert {r["o"] for r in found} == expected
    back = select(kg, f"""SELECT ?e WHERE {{ <{onet_role('15-2051.00')}> skos:closeMatch ?e
                                          FILTER(STRSTARTS(STR(?e), "{ID}esco/")) }}""")
    assert esco_role(ds["conceptUri"]) in {r["e"] for r in back}
    # the seed's Data Scientist is one click from ESCO's, which is one click from O*NET's
    assert kg.query(PREFIXES + f"""ASK {{ <{SEED_DS}> skos:closeMatch ?esco .
        ?esco skos:closeMatch <{onet_role('15-2051.00')}> }}""").boolean


def test_crosswalk_isco_rows_link_groups(kg):
    pairs = sheet_rows(ESCO_ONET, header_row=4)
    isco = [r for r in pairs if re.fullmatch(r"\d{1,4}", r["ESCO/ISCO Code"] or "")]
    assert isco
    row = isco[0]
    assert kg.query(PREFIXES + f"""ASK {{
        <{onet_role(row['O*NET-SOC 2019 Code'])}> skos:broadMatch ?g .
        ?g skos:notation "{row['ESCO/ISCO Code']}" ;
           skos:narrowMatch <{onet_role(row['O*NET-SOC 2019 Code'])}> }}""").boolean
    report = kg.reports["crosswalk"]
    assert 0 < report.counts["isco_links"] <= len(isco)
    assert report.counts["occupation_links"] + report.counts["isco_links"] <= len(pairs)


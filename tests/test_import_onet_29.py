"""The O*NET 29.2 database in Excel format (data/onet-29.2): the import checked against answers
read straight from the workbooks with openpyxl (not through the importer), the zip and text
forms, the option to withhold related occupations, and every kind of bad input.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT

from careerkg.graph.errors import InputError
from careerkg.graph.factory import open_store
from careerkg.graph.importers import import_source
from careerkg.graph.namespaces import CKG

ONET29 = ROOT / "data" / "onet-29.2"
# The whole database is about 40 s of CPU to read and load; on a machine shared with other
# work the wall time can be several times that.
pytestmark = [pytest.mark.skipif(not ONET29.is_dir(), reason="no O*NET 29.2 data"),
              pytest.mark.slow, pytest.mark.timeout(1500)]

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PREFIXES = f"PREFIX ckg: <{CKG}> PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}> "
OCC = "https://w3id.org/careerkg/id/onet/occupation/"
DS = "15-2051.00"           # Data Scientists: no Skills/Knowledge ratings in 29.2
DEV = "15-2041.00"          # Statisticians: rated


def sheet_rows(name: str) -> list[dict]:
    """A workbook's rows as dicts (header = row 1), read with openpyxl."""
    book = openpyxl.load_workbook(ONET29 / f"{name}.xlsx", read_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows)
    out = [dict(zip(header, row, strict=False)) for row in rows if any(v is not None for v in row)]
    book.close()
    return out


def select(store, text, **options) -> list[dict]:
    return store.query(PREFIXES + text, **options).to_python()


@pytest.fixture(scope="module")
def onet29():
    """A seeded memory store with the whole O*NET 29.2 database imported (read-only use)."""
    store = open_store(None)
    store.report = import_source("onet", store, ONET29)
    yield store
    store.close()


def test_counts_match_the_workbooks(onet29):
    counts = onet29.report.counts
    assert counts["roles"] == len(sheet_rows("Occupation Data")) == 1016
    assert counts["tasks"] == len(sheet_rows("Task Statements"))
    assert counts["job_zones"] == len(sheet_rows("Job Zones"))
    assert counts["related_pairs"] == len(sheet_rows("Related Occupations"))
    ratings = {(r["O*NET-SOC Code"], r["Element ID"])
               for name in ("Skills", "Knowledge") for r in sheet_rows(name)}
    assert counts["skill_ratings"] == len(ratings)
    assert counts["content_model_elements"] == len(sheet_rows("Content Model Reference"))


def test_top_rated_skills_by_importance(onet29):
    rows = [r for r in sheet_rows("Skills") if r["O*NET-SOC Code"] == DEV]
    importance = {r["Element ID"]: Decimal(str(r["Data Value"]))
                  for r in rows if r["Scale ID"] == "IM"}
    level = {r["Element ID"]: Decimal(str(r["Data Value"]))
             for r in rows if r["Scale ID"] == "LV"}
    names = {r["Element ID"]: r["Element Name"] for r in rows}
    top = sorted(importance, key=lambda e: (-importance[e], e))[:5]
    found = select(onet29, f"""SELECT ?id ?name ?im ?lv WHERE {{
        <{OCC}{DEV}> ckg:skillRequirement ?r .
        ?r ckg:importance ?im ; ckg:level ?lv ; ckg:contentModelElement ?e ;
           ckg:requiredSkill ?skill .
        ?e skos:notation ?id ; rdfs:label ?name .
        FILTER(STRSTARTS(?id, "2.A") || STRSTARTS(?id, "2.B"))
    }} ORDER BY DESC(?im) ?id LIMIT 5""")
    assert [r["id"] for r in found] == top
    for r in found:
        assert Decimal(str(r["im"])) == importance[r["id"]]
        assert Decimal(str(r["lv"])) == level[r["id"]]
    # the content model concept keeps the element's name
    assert all(r["name"] == names[r["id"]] for r in found)


def test_requires_skill_follows_importance_and_not_relevant(onet29):
    im, flagged = {}, set()
    for name in ("Skills", "Knowledge"):
        for r in sheet_rows(name):
            if r["O*NET-SOC Code"] != DEV:
                continue
            if r["Scale ID"] == "IM":
                im[r["Element ID"]] = float(r["Data Value"])
            elif r["Not Relevant"] == "Y":
                flagged.add(r["Element ID"])
    expected = {e for e, v in im.items() if v >= 3.0 and e not in flagged}
    found = select(onet29, f"""SELECT DISTINCT ?id WHERE {{
        <{OCC}{DEV}> ckg:skillRequirement ?r . ?r ckg:requiredSkill ?s ;
           ckg:contentModelElement/skos:notation ?id .
        <{OCC}{DEV}> ckg:requiresSkill ?s . }}""")
    assert {r["id"] for r in found} == expected


def test_data_scientists_have_no_invented_ratings(onet29):
    assert not any(r["O*NET-SOC Code"] == DS for n in ("Skills", "Knowledge")
                   for r in sheet_rows(n))
    assert not onet29.query(PREFIXES + f"ASK {{ <{OCC}{DS}> ckg:skillRequirement ?r }}").boolean
    # what exists is there: technologies, tools, tasks
    tasks = {str(r["Task ID"]) for r in sheet_rows("Task Statements")
             if r["O*NET-SOC Code"] == DS}
    found = select(onet29, f"""SELECT ?id WHERE {{ <{OCC}{DS}> ckg:performsTask ?t .
        ?t skos:notation ?id }}""")
    assert {r["id"] for r in found} == tasks and tasks


def test_alternate_titles_find_the_role(onet29):
    titles = set()
    for r in sheet_rows("Alternate Titles"):
        if r["O*NET-SOC Code"] == DS:
            for column in ("Alternate Title", "Short Title"):
                if r[column] and str(r[column]).lower() != "n/a":
                    titles.add(r[column])
    found = select(onet29, f"SELECT ?t WHERE {{ <{OCC}{DS}> skos:altLabel ?t }}")
    assert {r["t"] for r in found} == titles
    assert len(found) == len(titles) > 10
    some = sorted(titles)[0]
    roles = select(onet29, f"""SELECT ?r WHERE {{ ?r skos:altLabel ?t .
        FILTER(STR(?t) = "{some}") }}""")
    assert OCC + DS in {r["r"] for r in roles}


def test_job_zone_with_its_meaning(onet29):
    zone = next(r["Job Zone"] for r in sheet_rows("Job Zones") if r["O*NET-SOC Code"] == DS)
    meaning = next(r for r in sheet_rows("Job Zone Reference") if r["Job Zone"] == zone)
    found = select(onet29, f"""SELECT ?n ?name ?edu ?exp WHERE {{
        <{OCC}{DS}> ckg:jobZone ?z . ?z skos:notation ?n ; rdfs:label ?name ;
           ckg:educationNeeded ?edu ; ckg:experienceNeeded ?exp }}""")
    assert found == [{"n": str(zone), "name": meaning["Name"], "edu": meaning["Education"],
                      "exp": meaning["Experience"]}]


def test_related_occupations_with_tier_and_rank(onet29):
    expected = {(r["Related O*NET-SOC Code"], r["Relatedness Tier"], int(r["Index"]))
                for r in sheet_rows("Related Occupations") if r["O*NET-SOC Code"] == DS}
    found = select(onet29, f"""SELECT ?code ?tier ?index WHERE {{
        <{OCC}{DS}> ckg:relatedOccupation ?x . ?x ckg:relatedRole/skos:notation ?code ;
           ckg:relatednessTier ?tier ; ckg:relatednessIndex ?index }}""")
    assert {(r["code"], r["tier"], r["index"]) for r in found} == expected
    primary = {c for c, t, _ in expected if t.startswith("Primary")}
    related = select(onet29, f"""SELECT ?code WHERE {{ <{OCC}{DS}> skos:related ?o .
        ?o skos:notation ?code }}""")
    assert {r["code"] for r in related} == primary


def test_content_model_hierarchy(onet29):
    elements = {r["Element ID"]: r["Element Name"] for r in sheet_rows("Content Model Reference")}
    found = select(onet29, """SELECT ?id ?parent WHERE { ?e skos:notation ?id ;
        skos:inScheme ?s ; skos:broader/skos:notation ?parent }""")
    assert len(found) == sum(1 for e in elements if "." in e)
    assert all(r["parent"] == r["id"].rsplit(".", 1)[0] for r in found)


def test_equipment_kept_apart_from_tools(onet29):
    tools = {r["Example"] for r in sheet_rows("Tools Used") if r["O*NET-SOC Code"] == DS}
    found = select(onet29, f"""SELECT ?name WHERE {{ <{OCC}{DS}> ckg:usesEquipment ?e .
        ?e a ckg:Equipment ; rdfs:label ?name }}""")
    assert {r["name"] for r in found} == tools
    assert not onet29.query(PREFIXES + "ASK { ?e a ckg:Equipment, ckg:Tool }").boolean


def test_reimport_is_a_no_op(onet29):
    again = import_source("onet", onet29, ONET29)
    assert not again.changed and again.seconds < 10


# -- a small copy: zip, text, without ------------------------------------------------------

def write_xlsx(path: Path, sheet: str, header: list, rows: list) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    book.save(path)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """O*NET 29.2 cut to the Data Scientists' and Software Developers' rows (every table but
    Occupation Data, kept whole so that their related occupations exist)."""
    folder = tmp_path_factory.mktemp("onet29-small")
    keep = {DS, DEV}
    for path in ONET29.glob("*.xlsx"):
        book = openpyxl.load_workbook(path, read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        title = book.sheetnames[0]
        book.close()
        header, body = list(rows[0]), rows[1:]
        if header[0] == "O*NET-SOC Code" and path.stem != "Occupation Data":
            body = [r for r in body if r[0] in keep]
        write_xlsx(folder / path.name, title, header, body)
    return folder


@pytest.fixture
def store():
    kg = open_store(None)
    yield kg
    kg.close()


def test_zip_of_the_folder_imports_the_same(small, store, tmp_path):
    archive = tmp_path / "db_29_2_excel.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in small.iterdir():
            z.write(path, f"db_29_2_excel/{path.name}")
    folder_report = import_source("onet", store, small)
    exported = store.export("ntriples")
    other = open_store(None)
    zip_report = import_source("onet", other, archive)
    assert zip_report.counts == folder_report.counts
    assert sorted(other.export("ntriples").splitlines()) == sorted(exported.splitlines())
    other.close()


def test_text_format_imports_the_same(small, store, tmp_path):
    text = tmp_path / "text"
    text.mkdir()
    for path in small.glob("*.xlsx"):
        book = openpyxl.load_workbook(path, read_only=True)
        lines = ["\t".join("" if v is None else str(v) for v in row)
                 for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        (text / (path.stem + ".txt")).write_bytes(("\r\n".join(lines) + "\r\n").encode())
    a = import_source("onet", store, small)
    other = open_store(None)
    b = import_source("onet", other, text)
    assert a.counts == b.counts
    other.close()


def test_without_related(small, store):
    report = import_source("onet", store, small, without=("related",))
    assert "related_pairs" not in report.counts
    assert not store.query(PREFIXES + "ASK { ?a ckg:relatedOccupation ?x }").boolean
    assert not store.query(PREFIXES + f"ASK {{ <{OCC}{DS}> skos:related ?x }}").boolean
    # with related, the same import is different (the options are part of the digest)
    again = import_source("onet", store, small)
    assert again.changed and again.counts["related_pairs"] > 0


def test_unknown_part_is_refused(small, store):
    with pytest.raises(ValueError, match="cannot withhold 'colours'"):
        import_source("onet", store, small, without=("colours",))


def test_cli_import_without_related(small, cli, tmp_path):
    result = cli("import", "onet", str(small), "--without", "related", "--quiet",
                 "--store", str(tmp_path / "kg"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "related_pairs" not in result.output and '"roles": 1016' in result.output
    result = cli("import", "csv", str(small), "--without", "related",
                 "--store", str(tmp_path / "kg"))
    assert result.exit_code == 2 and "onet importer only" in result.output


# -- bad input: every error names the file (sheet, row, column); the store is unchanged ----

@pytest.fixture(scope="module")
def loaded(small):
    kg = open_store(None)
    import_source("onet", kg, small)
    yield kg
    kg.close()


def state(kg) -> tuple:
    return kg.export("ntriples"), [s.to_dict() for s in kg.sources()], kg.graph_names()


def copy_of(small: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "onet"
    shutil.copytree(small, folder)
    return folder


def edit(folder: Path, name: str, change) -> None:
    """Rewrite workbook ``name`` with ``change(sheet)`` applied (openpyxl, write mode)."""
    book = openpyxl.load_workbook(folder / f"{name}.xlsx")
    change(book.worksheets[0])
    book.save(folder / f"{name}.xlsx")


def expect(kg, path, *, file: str, reason: str, line=None, column=None) -> InputError:
    before = state(kg)
    with pytest.raises(InputError) as info:
        import_source("onet", kg, path)
    error = info.value
    assert Path(error.file).name == file, str(error)
    assert reason.lower() in str(error).lower(), str(error)
    assert error.line == line, str(error)
    assert error.column == column, str(error)
    assert state(kg) == before
    return error


def test_truncated_workbook(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    data = (folder / "Skills.xlsx").read_bytes()
    (folder / "Skills.xlsx").write_bytes(data[: len(data) // 2])
    expect(loaded, folder, file="Skills.xlsx", reason="not a readable Excel workbook")


def test_wrong_file_named_xlsx(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    (folder / "Task Statements.xlsx").write_text("O*NET-SOC Code\tTask\n", encoding="utf-8")
    expect(loaded, folder, file="Task Statements.xlsx", reason="not a readable Excel workbook")


def test_truncated_zip(loaded, small, tmp_path):
    archive = tmp_path / "onet.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in small.iterdir():
            z.write(path, path.name)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    expect(loaded, archive, file="onet.zip", reason="neither a folder nor a readable zip")


def test_missing_sheet(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    edit(folder, "Job Zones", lambda ws: setattr(ws, "title", "Sheet1"))
    expect(loaded, folder, file="Job Zones.xlsx", reason="no sheet 'Job Zones'")


def test_missing_column(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    edit(folder, "Technology Skills", lambda ws: ws.delete_cols(4))
    expect(loaded, folder, file="Technology Skills.xlsx", line=1,
           reason="sheet 'Technology Skills': missing column 'Commodity Code'")


def test_missing_needed_file(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    (folder / "Occupation Data.xlsx").unlink()
    expect(loaded, folder, file="Occupation Data.xlsx",
           reason="missing file 'Occupation Data.xlsx'")


def _set(ws, header: str, row: int, value):
    column = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=column, value=value)
    return column


def test_bad_number_names_sheet_row_and_cell(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    where = {}
    edit(folder, "Skills", lambda ws: where.setdefault("column", _set(ws, "Data Value", 5,
                                                                      "high")))
    error = expect(loaded, folder, file="Skills.xlsx", line=5, column=where["column"],
                   reason="column 'Data Value': 'high' is not a number")
    assert "sheet 'Skills', cell G5" in str(error)


def test_importance_out_of_scale(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    rows = [r for r in sheet_rows_of(folder / "Knowledge.xlsx")]
    line = next(i for i, r in enumerate(rows, start=2) if r["Scale ID"] == "IM")
    where = {}
    edit(folder, "Knowledge", lambda ws: where.setdefault("column", _set(ws, "Data Value",
                                                                         line, 9.5)))
    expect(loaded, folder, file="Knowledge.xlsx", line=line, column=where["column"],
           reason="outside the scale's range 1 to 5")


def test_unknown_occupation(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    edit(folder, "Job Zones", lambda ws: _set(ws, "O*NET-SOC Code", 3, "99-9999.99"))
    expect(loaded, folder, file="Job Zones.xlsx", line=3, column=1,
           reason="occupation 99-9999.99 is not in 'Occupation Data.xlsx'")


def test_bad_job_zone(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    where = {}
    edit(folder, "Job Zones", lambda ws: where.setdefault("column", _set(ws, "Job Zone", 2, 8)))
    expect(loaded, folder, file="Job Zones.xlsx", line=2, column=where["column"],
           reason="'8' is not a whole number from 1 to 5")


def test_bad_related_index(loaded, small, tmp_path):
    folder = copy_of(small, tmp_path)
    where = {}
    edit(folder, "Related Occupations",
         lambda ws: where.setdefault("column", _set(ws, "Index", 2, "first")))
    expect(loaded, folder, file="Related Occupations.xlsx", line=2, column=where["column"],
           reason="'first' is not a whole number from 1")


def sheet_rows_of(path: Path) -> list[dict]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows)
    out = [dict(zip(header, row, strict=False)) for row in rows]
    book.close()
    return out


def test_every_rating_keeps_its_element_id(onet29):
    per_role = defaultdict(set)
    for r in sheet_rows("Knowledge"):
        if r["O*NET-SOC Code"] == DEV:
            per_role[DEV].add(r["Element ID"])
    found = select(onet29, f"""SELECT ?id WHERE {{ <{OCC}{DEV}> ckg:skillRequirement ?r .
        ?r ckg:contentModelElement/skos:notation ?id . FILTER(STRSTARTS(?id, "2.C")) }}""")
    assert {r["id"] for r in found} == per_role[DEV]


# -- careerkg build ------------------------------------------------------------------------

def test_build_names_a_missing_data_folder(cli, tmp_path):
    result = cli("build", "--store", str(tmp_path / "kg"), "--from", str(tmp_path))
    assert result.exit_code == 1
    assert str(tmp_path / "onet-29.2") in result.output and "missing 'onet-29.2'" in result.output

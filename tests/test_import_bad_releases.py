"""Bad input to the ESCO (zips), BLS and crosswalk importers: refused with the file, sheet,
row and column, and the store left exactly as it was (its whole export, byte for byte) — on a
memory store, a disk store and a real `oxigraph serve`.

Bad files are made here from the repository's data (``data/``) and the ESCO fixture.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import FIXTURES, OxigraphServer
from test_import_malformed import expect_error, state

from careerkg.graph.errors import InputError
from careerkg.graph.factory import open_store
from careerkg.graph.importers import import_source

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BLS_BOOK = DATA / "bls-oews-2024" / "national_M2024_dl.xlsx"
SOC_CROSSWALK = DATA / "crosswalks" / "2019_to_SOC_Crosswalk.xlsx"
ESCO_ONET = DATA / "crosswalks" / "ESCO_to_ONET-SOC.xlsx"
ESCO_FIXTURE = FIXTURES / "esco"
EN_ZIP = "ESCO dataset - v1.1.1 - classification - en - csv.zip"
RELATIONS_ZIP = "ESCO dataset - v1.1.1 - classification -  - csv.zip"


@pytest.fixture(scope="module", params=["memory", "disk", "remote"])
def release_store(request, tmp_path_factory):
    server = None
    if request.param == "memory":
        store = open_store(None)
    elif request.param == "disk":
        store = open_store(str(tmp_path_factory.mktemp("bad-releases") / "store"))
    else:
        server = OxigraphServer(tmp_path_factory.mktemp("bad-releases-remote"))
        store = open_store(server.query_url)
    import_source("esco", store, ESCO_FIXTURE)
    import_source("crosswalk", store, ESCO_ONET.parent)
    import_source("csv", store, FIXTURES / "own-roles.csv")
    yield store
    store.close()
    if server is not None:
        server.stop()


@pytest.fixture
def unchanged(release_store):
    before = state(release_store)
    yield release_store
    assert state(release_store) == before


# -- ESCO as the publisher's zips ---------------------------------------------------------------

def esco_zips(folder: Path, *, relations: bytes | None = None) -> Path:
    """The ESCO fixture packed as ESCO packs its release: the English zip and the
    language-independent relations zip (``occupationSkillRelations.csv``)."""
    folder.mkdir()
    with zipfile.ZipFile(folder / EN_ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("occupations_en.csv", "skills_en.csv", "ISCOGroups_en.csv"):
            archive.write(ESCO_FIXTURE / name, name)
    data = relations or (ESCO_FIXTURE / "occupationSkillRelations_en.csv").read_bytes()
    with zipfile.ZipFile(folder / RELATIONS_ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("occupationSkillRelations.csv", data)
    return folder


def without_dataset_node(export: bytes) -> set[bytes]:
    """The triples, less the import's dataset node (whose description names the files)."""
    return {line for line in export.splitlines()
            if not line.startswith(b"<https://w3id.org/careerkg/id/source/esco-import>")}


def test_esco_zips_give_the_graph_of_their_csv_files(tmp_path):
    """The release's two zips, or one zip of every file, import as the CSV files do."""
    one_zip = tmp_path / "esco.zip"
    with zipfile.ZipFile(one_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in ESCO_FIXTURE.glob("*.csv"):
            archive.write(path, f"esco/{path.name}")
    stores = [open_store(None) for _ in range(3)]
    import_source("esco", stores[0], ESCO_FIXTURE)
    import_source("esco", stores[1], esco_zips(tmp_path / "zips"))
    import_source("esco", stores[2], one_zip)
    expected = without_dataset_node(stores[0].export("ntriples"))
    assert without_dataset_node(stores[1].export("ntriples")) == expected
    assert without_dataset_node(stores[2].export("ntriples")) == expected


def test_esco_truncated_zip(unchanged, tmp_path):
    folder = esco_zips(tmp_path / "zips")
    data = (folder / EN_ZIP).read_bytes()
    (folder / EN_ZIP).write_bytes(data[: len(data) // 2])
    expect_error(unchanged, "esco", folder, file=EN_ZIP, line=None, reason="readable zip")


def test_esco_damaged_member(unchanged, tmp_path):
    folder = esco_zips(tmp_path / "zips")
    data = bytearray((folder / EN_ZIP).read_bytes())
    start = 30 + len("occupations_en.csv") + 40  # inside the first member's compressed data
    data[start:start + 16] = bytes(16)
    (folder / EN_ZIP).write_bytes(bytes(data))
    expect_error(unchanged, "esco", folder, file="occupations_en.csv", line=None, reason="damaged")


def test_esco_missing_relations_zip(unchanged, tmp_path):
    folder = esco_zips(tmp_path / "zips")
    (folder / RELATIONS_ZIP).unlink()
    expect_error(unchanged, "esco", folder, file="occupationSkillRelations_en.csv",
                 line=None, reason="language-independent zip")


def test_esco_bad_row_inside_a_zip_names_the_member(unchanged, tmp_path):
    text = (ESCO_FIXTURE / "occupationSkillRelations_en.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    fields = lines[2].split(",")
    fields[2] = "required"
    lines[2] = ",".join(fields)
    folder = esco_zips(tmp_path / "zips", relations=("\n".join(lines) + "\n").encode())
    error = expect_error(unchanged, "esco", folder, file="occupationSkillRelations.csv",
                         line=3, column=3, reason="'required' is neither")
    assert RELATIONS_ZIP in error.file


def test_esco_not_a_zip(unchanged, tmp_path):
    folder = esco_zips(tmp_path / "zips")
    (folder / EN_ZIP).write_text("occupations,skills\n", encoding="utf-8")
    expect_error(unchanged, "esco", folder, file=EN_ZIP, line=None, reason="readable zip")


# -- BLS -----------------------------------------------------------------------------------

def bls_copy(tmp_path: Path, edit=None) -> Path:
    """The BLS workbook (edited by ``edit(workbook)`` if given) in ``bls/``, and the SOC
    crosswalk in the sibling ``crosswalks/`` (the repository's layout)."""
    (tmp_path / "bls").mkdir()
    (tmp_path / "crosswalks").mkdir()
    shutil.copy(SOC_CROSSWALK, tmp_path / "crosswalks" / SOC_CROSSWALK.name)
    target = tmp_path / "bls" / BLS_BOOK.name
    if edit is None:
        shutil.copy(BLS_BOOK, target)
    else:
        book = openpyxl.load_workbook(BLS_BOOK)
        edit(book)
        book.save(target)
    return tmp_path / "bls"


def column_of(sheet, name: str) -> int:
    return next(c.column for c in sheet[1] if c.value == name)


def test_bls_truncated_workbook(unchanged, tmp_path):
    folder = bls_copy(tmp_path)
    data = (folder / BLS_BOOK.name).read_bytes()
    (folder / BLS_BOOK.name).write_bytes(data[: len(data) // 3])
    expect_error(unchanged, "bls", folder, file=BLS_BOOK.name, line=None,
                 reason="not a readable Excel workbook")


def test_bls_not_a_workbook(unchanged, tmp_path):
    folder = bls_copy(tmp_path)
    (folder / BLS_BOOK.name).write_text("OCC_CODE,A_MEDIAN\n15-2051,112590\n")
    expect_error(unchanged, "bls", folder, file=BLS_BOOK.name, line=None,
                 reason="not a readable Excel workbook")


def test_bls_missing_notes_sheet(unchanged, tmp_path):
    folder = bls_copy(tmp_path, lambda book: book.remove(book["Field Descriptions"]))
    expect_error(unchanged, "bls", folder, file=BLS_BOOK.name,
                 line=None, reason="no sheet 'Field Descriptions'")


def test_bls_missing_column(unchanged, tmp_path):
    def edit(book):
        sheet = book.worksheets[0]
        sheet.cell(1, column_of(sheet, "A_MEDIAN")).value = "MEDIAN"

    folder = bls_copy(tmp_path, edit)
    expect_error(unchanged, "bls", folder, file=BLS_BOOK.name, line=1,
                 reason="missing column 'A_MEDIAN'")


def test_bls_bad_wage_cell_names_sheet_row_and_column(unchanged, tmp_path):
    where = {}

    def edit(book):
        sheet = book.worksheets[0]
        code, median = column_of(sheet, "OCC_CODE"), column_of(sheet, "A_MEDIAN")
        row = next(r for r in range(2, sheet.max_row + 1)
                   if sheet.cell(r, code).value == "15-2051")
        sheet.cell(row, median).value = "n/a"
        where.update(row=row, column=median, sheet=sheet.title)

    folder = bls_copy(tmp_path, edit)
    error = expect_error(unchanged, "bls", folder, file=BLS_BOOK.name, line=where["row"],
                         column=where["column"], reason="'n/a' is neither a wage")
    assert f"sheet {where['sheet']!r}" in error.reason and "'A_MEDIAN'" in error.reason


def test_bls_missing_soc_crosswalk(unchanged, tmp_path):
    folder = tmp_path / "alone"
    folder.mkdir()
    shutil.copy(BLS_BOOK, folder / BLS_BOOK.name)
    expect_error(unchanged, "bls", folder, file=SOC_CROSSWALK.name,
                 line=None, reason="O*NET-SOC to SOC 2018 crosswalk")


# -- crosswalk -----------------------------------------------------------------------------

def test_crosswalk_bad_onet_code(unchanged, tmp_path):
    book = openpyxl.load_workbook(ESCO_ONET)
    sheet = book.worksheets[0]
    sheet.cell(7, 3).value = "15-2051"
    book.save(tmp_path / ESCO_ONET.name)
    error = expect_error(unchanged, "crosswalk", tmp_path / ESCO_ONET.name,
                         file=ESCO_ONET.name, line=7, column=3,
                         reason="'15-2051' is not an O*NET-SOC code")
    assert "cell C7" in error.reason and "'O*NET-SOC 2019 Code'" in error.reason


def test_crosswalk_missing_header(unchanged, tmp_path):
    book = openpyxl.load_workbook(ESCO_ONET)
    book.worksheets[0].cell(4, 1).value = "Code"
    book.save(tmp_path / ESCO_ONET.name)
    expect_error(unchanged, "crosswalk", tmp_path, file=ESCO_ONET.name, line=4,
                 reason="missing column 'ESCO/ISCO Code'")


def test_crosswalk_needs_the_esco_import_first():
    store = open_store(None)
    before = store.export("ntriples")
    with pytest.raises(InputError, match="import ESCO first"):
        import_source("crosswalk", store, ESCO_ONET)
    assert store.export("ntriples") == before


# -- the commands ------------------------------------------------------------------------------

def test_import_commands(cli, tmp_path):
    """`careerkg import esco|crosswalk|bls` on a disk store: reports, warnings, errors with
    their place, and nothing written on failure."""
    store = str(tmp_path / "kg")
    result = cli("import", "crosswalk", str(ESCO_ONET), "--store", store)
    assert result.exit_code == 1 and "import ESCO first" in result.output
    result = cli("import", "esco", str(esco_zips(tmp_path / "zips")), "--store", store, "-q")
    assert result.exit_code == 0 and "esco: imported" in result.output, result.output
    result = cli("import", "crosswalk", str(ESCO_ONET.parent), "--store", store,
                 "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["source"] == "crosswalk" and report["counts"]["occupation_links"] > 0
    assert "left out" in report["warnings"][0]
    before = cli("export", "--store", store, "--format", "ntriples").output
    folder = bls_copy(tmp_path)
    data = (folder / BLS_BOOK.name).read_bytes()
    (folder / BLS_BOOK.name).write_bytes(data[:1000])
    result = cli("import", "bls", str(folder), "--store", store)
    assert result.exit_code == 1
    assert f"{BLS_BOOK.name}: not a readable Excel workbook" in result.output
    assert cli("export", "--store", store, "--format", "ntriples").output == before

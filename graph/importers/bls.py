"""Import BLS Occupational Employment and Wage Statistics (OEWS) as salary figures of the
O*NET roles.

Input: the national OEWS estimates as BLS publishes them (``national_M2024_dl.xlsx``: the
data on its first sheet, the notes on ``Field Descriptions``), and the O*NET Resource
Center's O*NET-SOC → SOC 2018 crosswalk (``2019_to_SOC_Crosswalk.xlsx``, header on row 4).
PATH is the workbook or the folder holding it; the crosswalk is looked for in that folder,
then in a sibling folder ``crosswalks/`` (the repository's ``data/`` layout).

Mapping: every O*NET occupation of the crosswalk (its SOC 2018 code) is matched to the OEWS
row of that code with ``O_GROUP`` *detailed*; failing that, to the row of its SOC broad group
(``15-1250`` for ``15-1252``: an occupation OEWS publishes only in aggregate), *detailed*
(OEWS's own aggregation) before *broad*.  Each annual wage of the row becomes one
``ckg:SalaryFigure`` of the O*NET role (``onet/occupation/<code>``, as the O*NET importer
mints it), in the seed's salary model:

* ``ckg:statistic`` ``ckg:Mean`` (``A_MEAN``), ``ckg:Median`` (``A_MEDIAN``) or a percentile
  (``A_PCT10``, ``A_PCT25``, ``A_PCT75``, ``A_PCT90``); ``ckg:employment`` ``TOT_EMP``;
* ``ckg:amount`` in ``schema:currency "USD"``, ``ckg:period "P1Y"``, ``ckg:region`` the
  United States (the seed's ``place:united-states``), ``ckg:year`` the survey's year (read
  from the notes sheet), ``ckg:dimension ckg:OverallDimension``;
* ``ckg:qualifier ckg:Exact``; a top-coded value (``#``: "equal to or greater than" the
  threshold the notes sheet states, $239,200 a year in May 2024) is ``ckg:AtLeast`` that
  threshold; a suppressed value (``*``, ``**``) gives no figure at all (absent, not zero);
* ``dct:source`` the Bureau of Labor Statistics, ``prov:wasDerivedFrom`` and ``qb:dataSet``
  the import's dataset node; ``ckg:statedAs`` the cell as published (``A_MEDIAN 112590``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import InputError
from ..namespaces import CKG
from ..store import Store
from .common import (
    DCT,
    PROV,
    RDF,
    RDFS,
    XSD,
    Builder,
    ImportReport,
    id_iri,
)
from .onet import occupation_iri
from .pipeline import Found, Importer, Reading, run_import
from .tabular import Workbook

__all__ = ["import_bls", "read_bls", "build_bls", "BlsData", "ATTRIBUTION", "figure_iri",
           "BLS_IMPORTER"]

SOURCE = "bls"
TITLE = "BLS Occupational Employment and Wage Statistics (derived)"
WORKBOOK_PATTERN = "national_M*_dl.xlsx"
CROSSWALK = "2019_to_SOC_Crosswalk.xlsx"
NOTES_SHEET = "Field Descriptions"

QB = "http://purl.org/linked-data/cube#"
SCHEMA = "https://schema.org/"
#: the seed's United States (ckg:region of every figure)
UNITED_STATES = id_iri("location", "united-states")
BLS_ORG = id_iri("source", "bls")
DATASET = id_iri("source", "bls-oews-import")
BLS_SITE = "https://www.bls.gov/oes/tables.htm"
ATTRIBUTION = ("Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage "
               "Statistics. BLS data are in the public domain.")
DERIVATION = (
    "careerkg has converted the national estimates to RDF salary figures of the O*NET "
    "occupations (through the O*NET-SOC to SOC 2018 crosswalk): annual wages only; a "
    "top-coded wage is stated as a lower bound; suppressed wages are left out."
)

#: column → (statistic, IRI slug, words)
STATISTICS = {
    "A_PCT10": (CKG + "Percentile10", "p10", "10th percentile annual wage"),
    "A_PCT25": (CKG + "Percentile25", "p25", "25th percentile annual wage"),
    "A_MEDIAN": (CKG + "Median", "median", "median annual wage"),
    "A_MEAN": (CKG + "Mean", "mean", "mean annual wage"),
    "A_PCT75": (CKG + "Percentile75", "p75", "75th percentile annual wage"),
    "A_PCT90": (CKG + "Percentile90", "p90", "90th percentile annual wage"),
}
SUPPRESSED = {"*", "**"}
TOP_CODED = "#"
GROUPS = {"total", "major", "minor", "broad", "detailed"}
SOC = re.compile(r"^\d{2}-\d{4}$")
ONET_SOC = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
TOP_CODE_NOTE = re.compile(r"^#\s*=.*?\$([\d,]+(?:\.\d+)?)\s+per\s+year", re.IGNORECASE)
YEAR_NOTE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|"
                       r"October|November|December)\s+(\d{4})\b")


@dataclass
class Wage:
    amount: Decimal
    top_coded: bool
    cell: str


@dataclass
class OewsRow:
    code: str
    title: str
    group: str
    line: int
    employment: int | None
    #: column → wage (suppressed wages are not here)
    wages: dict[str, Wage]


@dataclass
class BlsData:
    files: list[Path]
    year: str
    top_code: Decimal
    #: (OCC_CODE, O_GROUP) → row
    rows: dict[tuple[str, str], OewsRow]
    #: (O*NET-SOC code, O*NET title, SOC 2018 code)
    occupations: list[tuple[str, str, str]]
    suppressed: int = 0
    warnings: list[str] = field(default_factory=list)


def bls_files(path: str | Path) -> tuple[Path, Path]:
    """The OEWS workbook and the SOC crosswalk an import of ``path`` reads."""
    path = Path(path)
    if path.is_dir():
        found = sorted(path.glob(WORKBOOK_PATTERN))
        if len(found) != 1:
            raise InputError(
                f"expected one OEWS national workbook ({WORKBOOK_PATTERN}) in the folder, "
                f"found {len(found)}", file=str(path))
        workbook, folder = found[0], path
    else:
        workbook, folder = path, path.parent
    for candidate in (folder / CROSSWALK, folder.parent / "crosswalks" / CROSSWALK):
        if candidate.is_file():
            return workbook, candidate
    raise InputError(
        f"missing file {CROSSWALK!r} (the O*NET-SOC to SOC 2018 crosswalk): looked for it "
        f"beside the workbook and in ../crosswalks/", file=str(folder / CROSSWALK))


WAGE = re.compile(r"^\d+(\.\d+)?$")
COUNT = re.compile(r"^\d+$")


def _wage(row, column: str, top_code: Decimal) -> Wage | None:
    value = row[column].strip()
    if value in SUPPRESSED:
        return None
    if value == TOP_CODED:
        return Wage(top_code, True, value)
    if not WAGE.match(value):
        raise row.error(column, f"{value!r} is neither a wage nor one of BLS's marks "
                                "('*' suppressed, '#' top-coded)")
    amount = Decimal(value)
    if amount <= 0:
        raise row.error(column, f"{value!r} is not a positive wage")
    return Wage(amount, False, f"{amount:f}")


def _notes(book: Workbook) -> tuple[str, Decimal]:
    """The survey's year and the top-code threshold, from the notes sheet."""
    year = top_code = None
    for cells in book.cells(NOTES_SHEET):
        for cell in cells:
            if not isinstance(cell, str):
                continue
            cell = cell.strip()
            if year is None and (match := YEAR_NOTE.search(cell)) and "OEWS" in cell:
                year = match.group(1)
            if top_code is None and (match := TOP_CODE_NOTE.match(cell)):
                top_code = Decimal(match.group(1).replace(",", ""))
    if year is None or top_code is None:
        missing = "the survey's date ('May 2024 OEWS Estimates')" if year is None else (
            "the top-code note ('#  = indicates a wage equal to or greater than ... per year')")
        raise InputError(f"sheet {NOTES_SHEET!r}: missing {missing}", file=book.where)
    return year, top_code


def read_bls(path: str | Path) -> BlsData:
    """Read and validate an OEWS national workbook and the SOC crosswalk."""
    return read_bls_files(*bls_files(path))


def read_bls_files(workbook: Path, crosswalk: Path) -> BlsData:
    """:func:`read_bls` of the two files :func:`bls_files` found."""
    book = Workbook(workbook.read_bytes(), str(workbook))
    year, top_code = _notes(book)
    rows: dict[tuple[str, str], OewsRow] = {}
    suppressed = 0
    required = ["AREA_TYPE", "OCC_CODE", "OCC_TITLE", "O_GROUP", "TOT_EMP", *STATISTICS]
    for row in book.rows(0, required, until_blank=True):
        if row["AREA_TYPE"].strip() != "1":
            raise row.error("AREA_TYPE", f"{row['AREA_TYPE']!r}: not a national estimate "
                                         "(AREA_TYPE 1); import the national file")
        code = row["OCC_CODE"].strip()
        if not SOC.match(code):
            raise row.error("OCC_CODE", f"{code!r} is not a SOC code (NN-NNNN)")
        group = row["O_GROUP"].strip()
        if group not in GROUPS:
            raise row.error("O_GROUP", f"{group!r} is not one of {sorted(GROUPS)}")
        if (code, group) in rows:
            raise row.error("OCC_CODE", f"{code} ({group}) appears twice (first on row "
                                        f"{rows[code, group].line})")
        employment: int | None = None
        jobs = row["TOT_EMP"].strip()
        if jobs not in SUPPRESSED:
            if not COUNT.match(jobs):
                raise row.error("TOT_EMP", f"{jobs!r} is not a number of jobs")
            employment = int(jobs)
        wages = {}
        for column in STATISTICS:
            wage = _wage(row, column, top_code)
            if wage is None:
                suppressed += 1
            else:
                wages[column] = wage
        rows[code, group] = OewsRow(code, row["OCC_TITLE"].strip(), group, row.line,
                                    employment, wages)
    occupations = []
    seen: dict[str, int] = {}
    columns = ["O*NET-SOC 2019 Code", "O*NET-SOC 2019 Title", "2018 SOC Code"]
    book = Workbook(crosswalk.read_bytes(), str(crosswalk))
    for row in book.rows(0, columns, header_row=4, until_blank=True):
        onet, soc = row[columns[0]].strip(), row[columns[2]].strip()
        if not ONET_SOC.match(onet):
            raise row.error(columns[0], f"{onet!r} is not an O*NET-SOC code (NN-NNNN.NN)")
        if not SOC.match(soc):
            raise row.error(columns[2], f"{soc!r} is not a SOC code (NN-NNNN)")
        if onet in seen:
            raise row.error(columns[0], f"{onet} appears twice (first on row {seen[onet]})")
        seen[onet] = row.line
        occupations.append((onet, row[columns[1]].strip(), soc))
    return BlsData([workbook, crosswalk], year, top_code, rows, occupations, suppressed)


def oews_row_of(rows: dict[tuple[str, str], OewsRow], soc: str) -> OewsRow | None:
    """The OEWS row for a SOC 2018 code: its own detailed row, else its broad group's."""
    broad = soc[:6] + "0"
    for key in ((soc, "detailed"), (broad, "detailed"), (broad, "broad")):
        if key in rows:
            return rows[key]
    return None


def figure_iri(year: str, onet_code: str, column: str) -> str:
    """``…/id/bls/oews-2024/15-2051.00/median``"""
    return id_iri("bls", f"oews-{year}", onet_code, STATISTICS[column][1])


def build_bls(data: BlsData) -> tuple[Builder, dict[str, int]]:
    """The salary figures of the O*NET roles (see the module docstring)."""
    b = Builder()
    b.dataset(
        DATASET,
        title=f"BLS OEWS May {data.year} national wages (derived by careerkg)",
        description="Annual wage percentiles, means and employment of the O*NET occupations "
        f"from {', '.join(p.name for p in data.files)}.",
        source=BLS_SITE, license="https://www.bls.gov/opub/copyright-information.htm",
        rights=ATTRIBUTION, derivation=DERIVATION,
        publisher="U.S. Bureau of Labor Statistics",
    )
    b.add(DATASET, RDF + "type", QB + "DataSet")
    b.add(DATASET, QB + "structure", CKG + "SalaryStructure")
    b.add(BLS_ORG, RDF + "type", SCHEMA + "Organization")
    b.text(BLS_ORG, RDFS + "label", "U.S. Bureau of Labor Statistics (OEWS)")
    b.add(BLS_ORG, SCHEMA + "url", "https://www.bls.gov/oes/")
    counts: Counter = Counter()
    for onet, title, soc in data.occupations:
        row = oews_row_of(data.rows, soc)
        if row is None:
            counts["roles_without_wages"] += 1
            continue
        role = occupation_iri(onet)
        whose = (f"{row.title} (SOC {row.code})" if row.code == soc else
                 f"{row.title} (SOC {row.code}, the {row.group} group BLS publishes for SOC "
                 f"{soc})")
        counts["roles_with_wages"] += bool(row.wages)
        counts["roles_under_a_broader_code"] += row.code != soc and bool(row.wages)
        for column, wage in row.wages.items():
            statistic, _slug, words = STATISTICS[column]
            iri = figure_iri(data.year, onet, column)
            b.add(iri, RDF + "type", CKG + "SalaryFigure")
            b.add(iri, RDF + "type", QB + "Observation")
            b.text(iri, RDFS + "label", f"{title} {words} (BLS, May {data.year})")
            b.text(iri, RDFS + "comment", f"BLS OEWS national estimate for {whose}.")
            b.add(iri, QB + "dataSet", DATASET)
            b.add(iri, CKG + "role", role)
            b.add(iri, CKG + "dimension", CKG + "OverallDimension")
            b.add(iri, CKG + "statistic", statistic)
            b.typed(iri, CKG + "amount", f"{wage.amount:f}", XSD + "decimal")
            b.add(iri, CKG + "qualifier", CKG + ("AtLeast" if wage.top_coded else "Exact"))
            b.text(iri, SCHEMA + "currency", "USD", None)
            b.typed(iri, CKG + "period", "P1Y", XSD + "duration")
            b.add(iri, CKG + "region", UNITED_STATES)
            b.typed(iri, CKG + "year", data.year, XSD + "gYear")
            b.add(iri, DCT + "source", BLS_ORG)
            b.add(iri, PROV + "wasDerivedFrom", DATASET)
            b.text(iri, CKG + "statedAs", f"{column} {wage.cell}", None)
            if row.employment is not None:
                b.typed(iri, CKG + "employment", row.employment, XSD + "integer")
            counts["figures"] += 1
            counts["top_coded_figures"] += wage.top_coded
    counts["suppressed_wages"] = data.suppressed
    return b, dict(counts)


class BlsImporter(Importer, kind=SOURCE, title=TITLE):
    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        return Found(list(bls_files(path)), str(path))

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        data = read_bls_files(*found.files)
        builder, counts = build_bls(data)
        return Reading(builder, counts=counts, warnings=data.warnings)


BLS_IMPORTER = BlsImporter()


def import_bls(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False
) -> ImportReport:
    """Import OEWS national wages as salary figures of the O*NET roles (source ``bls``).

    ``path`` is ``national_M2024_dl.xlsx`` or the folder holding it; the crosswalk
    ``2019_to_SOC_Crosswalk.xlsx`` is found beside it or in ``../crosswalks/``.
    The other parameters, the result and the errors are those of
    :func:`~careerkg.graph.importers.pipeline.run_import`;
    an error names the workbook, sheet, row and column.
    """
    return run_import(BLS_IMPORTER, store, path, name=name, progress=progress)

"""Import the O*NET Resource Center's ESCO → O*NET-SOC crosswalk as SKOS mapping links.

Input: ``ESCO_to_ONET-SOC.xlsx`` as published (title rows on top, the header on row 4:
``ESCO/ISCO Code``, ``ESCO/ISCO Title``, ``O*NET-SOC 2019 Code``, ``O*NET-SOC 2019 Title``;
a note under the data), or the folder holding it.

The ESCO side is given in one of two ways, and both are kept:

* an ESCO occupation's ``code`` (``2511.4``, the ISCO-08 unit group, a dot, a number): the
  ESCO occupation and the O*NET occupation are linked with ``skos:closeMatch`` both ways
  (the crosswalk pairs an occupation with every O*NET occupation it resembles, so the links
  are close, not exact);
* an ISCO-08 code (``1120``: the crosswalk maps the whole group): the O*NET occupation gets
  ``skos:broadMatch`` the ISCO-08 group, and the group ``skos:narrowMatch`` the occupation.

IRIs are the ones the importers mint: ``esco/occupation/<uuid>`` and ``esco/isco/<code>``
(found through the ESCO import's ``skos:notation``: so ESCO must be imported first, and the
crosswalk is rebuilt when the ESCO import changes) and ``onet/occupation/<code>``.  A code the
ESCO import does not have (the crosswalk was made with ESCO 1.1.0) is left out with a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..namespaces import CKG
from ..store import Store
from .common import (
    SKOS,
    Builder,
    ImportReport,
    id_iri,
)
from .onet import occupation_iri as onet_occupation_iri
from .pipeline import Found, Importer, Reading, run_import
from .tabular import read_xlsx

__all__ = ["import_crosswalk", "read_crosswalk", "build_crosswalk", "CrosswalkData",
           "CROSSWALK_IMPORTER"]

SOURCE = "crosswalk"
ESCO_SOURCE = "esco"
TITLE = "ESCO to O*NET-SOC crosswalk (derived)"
WORKBOOK = "ESCO_to_ONET-SOC.xlsx"
HEADER_ROW = 4
CODE, ESCO_TITLE, ONET_CODE, ONET_TITLE = (
    "ESCO/ISCO Code", "ESCO/ISCO Title", "O*NET-SOC 2019 Code", "O*NET-SOC 2019 Title")
ESCO_CODE = re.compile(r"^\d{4}(\.\d+)+$")
ISCO_CODE = re.compile(r"^\d{1,4}$")
ONET_SOC = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
DATASET = id_iri("source", "crosswalk-import")
ESCO_ISCO = "http://data.europa.eu/esco/isco/C"
ATTRIBUTION = (
    "This includes information from the O*NET Resource Center's ESCO to O*NET-SOC crosswalk "
    "by the U.S. Department of Labor, Employment and Training Administration (USDOL/ETA), "
    "used under the CC BY 4.0 license; it uses the ESCO classification of the European "
    "Commission. O*NET® is a trademark of USDOL/ETA."
)
DERIVATION = (
    "careerkg has modified this information: the crosswalk's pairs were converted to SKOS "
    "mapping links between careerkg's ESCO and O*NET occupations. USDOL/ETA has not "
    "approved, endorsed, or tested these modifications."
)


@dataclass
class CrosswalkData:
    file: Path
    #: (ESCO occupation code, O*NET-SOC code, row)
    occupation_pairs: list[tuple[str, str, int]] = field(default_factory=list)
    #: (ISCO-08 code, O*NET-SOC code, row)
    isco_pairs: list[tuple[str, str, int]] = field(default_factory=list)


def crosswalk_file(path: str | Path) -> Path:
    path = Path(path)
    if path.is_dir():
        path = path / WORKBOOK
        if not path.is_file():
            raise InputError(f"missing file {WORKBOOK!r} (the ESCO to O*NET-SOC crosswalk)",
                             file=str(path))
    return path


def read_crosswalk(path: str | Path) -> CrosswalkData:
    """Read and validate the crosswalk workbook."""
    data = CrosswalkData(crosswalk_file(path))
    rows = read_xlsx(data.file.read_bytes(), str(data.file), [CODE, ONET_CODE], sheet=0,
                     header_row=HEADER_ROW, until_blank=True)
    for row in rows:
        code, onet = row[CODE].strip(), row[ONET_CODE].strip()
        if not ONET_SOC.match(onet):
            raise row.error(ONET_CODE, f"{onet!r} is not an O*NET-SOC code (NN-NNNN.NN)")
        if ESCO_CODE.match(code):
            data.occupation_pairs.append((code, onet, row.line))
        elif ISCO_CODE.match(code):
            data.isco_pairs.append((code, onet, row.line))
        else:
            raise row.error(CODE, f"{code!r} is neither an ESCO occupation code "
                                  "(2511.4) nor an ISCO-08 code (2511)")
    return data


def esco_source(store: Store):
    """The ESCO import (the crosswalk links its IRIs); :class:`InputError` without it."""
    source = store.source(ESCO_SOURCE)
    if source is None:
        raise InputError(
            "the crosswalk links ESCO occupations to O*NET's: import ESCO first "
            "(careerkg import esco data/esco-1.1.1)")
    return source


def esco_codes(store: Store) -> tuple[dict[str, str], dict[str, str], str]:
    """The ESCO import's occupations and ISCO-08 groups by code, and its digest."""
    source = esco_source(store)
    result = store.query(
        f"""SELECT ?concept ?code ?kind WHERE {{
              {{ ?concept a <{CKG}Role> ; <{SKOS}notation> ?code . BIND("role" AS ?kind) }}
              UNION
              {{ ?concept <{SKOS}notation> ?code ; <{SKOS}exactMatch> ?isco .
                 FILTER(STRSTARTS(STR(?isco), "{ESCO_ISCO}")) BIND("isco" AS ?kind) }}
            }}""", default_graphs=[source.graph])
    occupations, groups = {}, {}
    for row in result.to_python():
        (occupations if row["kind"] == "role" else groups)[str(row["code"])] = row["concept"]
    return occupations, groups, source.digest


def build_crosswalk(data: CrosswalkData, occupations: dict[str, str],
                    groups: dict[str, str]) -> tuple[Builder, dict[str, int], list[str]]:
    """The mapping links (see the module docstring)."""
    b = Builder()
    b.dataset(
        DATASET, title="ESCO to O*NET-SOC crosswalk (derived by careerkg)",
        description=f"ESCO occupations and ISCO-08 groups paired with O*NET-SOC 2019 "
        f"occupations, from {data.file.name}.",
        source="https://www.onetcenter.org/crosswalks.html",
        license="https://creativecommons.org/licenses/by/4.0/",
        rights=ATTRIBUTION, derivation=DERIVATION, publisher="O*NET Resource Center",
    )
    counts: Counter = Counter()
    unknown: dict[str, int] = {}
    for code, onet, line in data.occupation_pairs:
        if code not in occupations:
            unknown.setdefault(code, line)
            continue
        esco, role = occupations[code], onet_occupation_iri(onet)
        b.add(esco, SKOS + "closeMatch", role)
        b.add(role, SKOS + "closeMatch", esco)
        counts["occupation_links"] += 1
    for code, onet, line in data.isco_pairs:
        if code not in groups:
            unknown.setdefault(code, line)
            continue
        role = onet_occupation_iri(onet)
        b.add(role, SKOS + "broadMatch", groups[code])
        b.add(groups[code], SKOS + "narrowMatch", role)
        counts["isco_links"] += 1
    warnings = []
    if unknown:
        counts["unknown_codes"] = len(unknown)
        first = sorted(unknown.items(), key=lambda item: item[1])[:5]
        warnings.append(
            f"{data.file}: left out {len(unknown)} ESCO/ISCO code(s) the ESCO import does not "
            f"have ({', '.join(f'{c} on row {n}' for c, n in first)}"
            f"{' ...' if len(unknown) > 5 else ''})")
    return b, dict(counts), warnings


class CrosswalkImporter(Importer, kind=SOURCE, title=TITLE):
    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        file = crosswalk_file(path)
        # The links name the ESCO import's IRIs: the result depends on that import.
        return Found([file], str(file), depends=[esco_source(store).digest])

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        occupations, groups, _digest = esco_codes(store)
        data = read_crosswalk(found.files[0])
        builder, counts, warnings = build_crosswalk(data, occupations, groups)
        return Reading(builder, counts=counts, warnings=warnings)


CROSSWALK_IMPORTER = CrosswalkImporter()


def import_crosswalk(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False
) -> ImportReport:
    """Import the ESCO → O*NET-SOC crosswalk (source ``crosswalk``); ESCO must be imported.

    The other parameters, the result and the errors are those of
    :func:`~careerkg.graph.importers.pipeline.run_import`;
    an error names the workbook, sheet, row and column, or the missing ESCO import.
    """
    return run_import(CROSSWALK_IMPORTER, store, path, name=name, progress=progress)

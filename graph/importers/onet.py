"""Import the O*NET Database (U.S. Department of Labor) onto the careerkg ontology.

Input: the O*NET database as the Department of Labor publishes it, in either of its formats —
text (``.txt``: UTF-8, tab-separated, a header row, CRLF line ends) or Excel (``.xlsx``: one
workbook per table, its sheet named like the file, the header in row 1) — as a folder of the
files or as the publisher's zip of one.  Tables are found by file name (``Skills.xlsx`` or
``Skills.txt``); a table missing from the folder is simply not imported, except the two
needed:

* ``Occupation Data`` — O*NET-SOC Code, Title, Description;
* ``Technology Skills`` — O*NET-SOC Code, Example, Commodity Code, Commodity Title, Hot
  Technology (and In Demand, where the release has it).

Used when present: ``Alternate Titles``, ``Tools Used``, ``Skills``, ``Knowledge``, ``Task
Statements``, ``Job Zones`` and ``Job Zone Reference``, ``Related Occupations``, ``Content
Model Reference``.  Any other file is ignored.  The option ``without`` withholds parts (see
:data:`PARTS`; ``without=("related",)`` for a similarity evaluation that must not see O*NET's
own related occupations).

Mapping (IRIs under ``https://w3id.org/careerkg/id/onet/``; docs/model.md and docs/import.md):

* each occupation → a ``ckg:Role`` (``occupation/15-2051.00``) with ``skos:notation`` (the
  code), ``rdfs:label``/``skos:prefLabel`` (the title), ``skos:definition`` (the
  description), ``skos:altLabel`` (every alternate and short title, so the role is found by
  any of them) and ``rdfs:seeAlso`` its O*NET OnLine page;
* each technology (an *Example* of Technology Skills) → a ``ckg:Tool``
  (``technology/<slug>``); its ``ckg:category`` is the commodity it is listed under most
  often (ties: the lowest code), ``ckg:listedUnder`` every commodity; ``ckg:hotTechnology``
  true when O*NET flags it hot; occupation–technology rows → ``ckg:usesTool``, rows flagged
  *In Demand* also ``ckg:inDemandTool``;
* each tool of Tools Used (machines, equipment: "Desktop computers") → a ``ckg:Equipment``
  (``equipment/<slug>``), linked with ``ckg:usesEquipment`` — kept apart from the software
  tools so that overlap of roles is not made of office equipment;
* each commodity → a ``ckg:Category`` (``commodity/<code>``);
* Skills / Knowledge: each rated element → a ``ckg:Skill`` (``element/<id>``, category "O*NET
  skills" or "O*NET knowledge"); each occupation × element rating → a
  ``ckg:SkillRequirement`` (``requirement/<code>/<id>``) reached by ``ckg:skillRequirement``,
  with ``ckg:requiredSkill``, ``ckg:importance`` (scale IM, 1–5), ``ckg:level`` (scale LV,
  0–7), ``ckg:notRelevant`` when O*NET flags the level not relevant, and
  ``ckg:contentModelElement`` the element's content model concept (``content-model/<id>``,
  from Content Model Reference: name, description, ``skos:broader`` its parent element).
  Elements rated at least :data:`IMPORTANCE_THRESHOLD` important (and not flagged) are also
  ``ckg:requiresSkill``, so the overlap views see them.  Occupations without ratings (newer
  ones, Data Scientists among them) get none: nothing is invented;
* each task → a ``ckg:Task`` (``task/<Task ID>``) with ``ckg:taskType`` (Core /
  Supplemental), linked with ``ckg:performsTask``;
* job zones → ``ckg:jobZone`` to a ``ckg:JobZone`` (``job-zone/4``) carrying its meaning from
  Job Zone Reference (``ckg:experienceNeeded``, ``ckg:educationNeeded``,
  ``ckg:trainingNeeded``, ``skos:example``, ``ckg:svpRange``);
* related occupations → a ``ckg:RelatedOccupation`` (``related/<code>/<code>``) reached by
  ``ckg:relatedOccupation`` with ``ckg:relatedRole``, ``ckg:relatednessTier`` and
  ``ckg:relatednessIndex`` (the rank); the primary tiers also ``skos:related``.

A technology or skill whose name is a label of the seed's tool or skill (case-insensitive)
*is* that tool or skill: O*NET's rows then point at the seed's IRI, so overlap between an
O*NET occupation and the article's roles counts the same Python once.  Seed roles get
``skos:closeMatch`` to the O*NET occupation they already name or whose title they carry
(Data scientist ↔ 15-2051.00).  All of it is in the O*NET source's graph, with a dataset
node carrying the CC BY 4.0 licence and the attribution O*NET requires.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import InputError
from ..namespaces import CKG, DCT, RDF, RDFS, SKOS, XSD, id_iri, iri_minter
from ..store import Store
from .common import Builder, ImportReport, link_roles, progress, seed_index, unique_slugs
from .pipeline import Found, Importer, Reading, run_import
from .tabular import InputFiles, Member, Row, read_tsv, read_xlsx

__all__ = ["import_onet", "read_onet", "build_onet", "OnetData", "IMPORTANCE_THRESHOLD",
           "ATTRIBUTION", "PARTS", "ONET_IMPORTER"]

SOURCE = "onet"
TITLE = "O*NET Database: occupations, technologies, skills and more (derived)"

# The tables, by their file name without extension.
OCCUPATIONS = "Occupation Data"
TECHNOLOGY = "Technology Skills"
ALTERNATE_TITLES = "Alternate Titles"
TOOLS_USED = "Tools Used"
SKILLS = "Skills"
KNOWLEDGE = "Knowledge"
TASKS = "Task Statements"
JOB_ZONES = "Job Zones"
JOB_ZONE_REFERENCE = "Job Zone Reference"
RELATED = "Related Occupations"
CONTENT_MODEL = "Content Model Reference"
FORMATS = (".xlsx", ".txt")

#: The parts an import can withhold (``without``) and the tables each one reads.
PARTS: dict[str, tuple[str, ...]] = {
    "alternate-titles": (ALTERNATE_TITLES,),
    "tools-used": (TOOLS_USED,),
    "skills": (SKILLS,),
    "knowledge": (KNOWLEDGE,),
    "tasks": (TASKS,),
    "job-zones": (JOB_ZONES, JOB_ZONE_REFERENCE),
    "related": (RELATED,),
    "content-model": (CONTENT_MODEL,),
}

#: Skills and knowledge rated at least this important (1–5 scale, scale ID ``IM``) are
#: linked to the occupation; O*NET OnLine lists an element as important from 3.0 (50/100).
IMPORTANCE_THRESHOLD = 3.0
#: The rating scales imported, with their range (as in O*NET's Scales Reference).
SCALES = {"IM": (1.0, 5.0), "LV": (0.0, 7.0)}

#: The attribution the O*NET licence (CC BY 4.0) requires, verbatim.
ATTRIBUTION = (
    "This includes information from the O*NET Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA."
)
DERIVATION = (
    "careerkg has modified this information: the O*NET files were converted to RDF on the "
    "careerkg ontology (occupations as roles, technologies as tools, commodities as "
    "categories, skill and knowledge ratings as qualified requirements), technologies and "
    "skills were merged with the seed's of the same name, and links to the seed's roles were "
    "added. USDOL/ETA has not approved, endorsed, or tested these modifications."
)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
ONET_SITE = "https://www.onetcenter.org/database.html"
ONLINE_SUMMARY = "https://www.onetonline.org/link/summary/"

#: O*NET technology names that name one of the seed's tools differently: linked as if they
#: were the seed's label (names that match as they are need no entry).
SEED_ALIASES = {"Oracle Java": "Java", "Structured query language SQL": "SQL"}

SOC_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
COMMODITY_CODE = re.compile(r"^\d{8}$")
ELEMENT_ID = re.compile(r"^\d+(\.[A-Za-z0-9]+)*$")
FLAGS = {"Y": True, "N": False}
PRIMARY_TIERS = {"Primary-Short", "Primary-Long"}
TASK_TYPES = {"Core", "Supplemental", "", "n/a"}
NEED = f"an O*NET import reads a folder (or zip) holding {OCCUPATIONS!r} and {TECHNOLOGY!r} " \
       "as .xlsx or .txt files"

DATASET = id_iri("source", "onet-import")
SKILL_CATEGORIES = {
    SKILLS: (id_iri("onet", "category", "skills"), "O*NET skills"),
    KNOWLEDGE: (id_iri("onet", "category", "knowledge"), "O*NET knowledge"),
}


def occupation_iri(code: str) -> str:
    """The IRI of an O*NET occupation.

    >>> occupation_iri("15-2051.00")
    'https://w3id.org/careerkg/id/onet/occupation/15-2051.00'
    """
    return id_iri("onet", "occupation", code)


commodity_iri = iri_minter("onet", "commodity")
element_iri = iri_minter("onet", "element")
content_model_iri = iri_minter("onet", "content-model")


@dataclass
class Occupation:
    code: str
    title: str
    description: str
    alternate_titles: list[str] = field(default_factory=list)


@dataclass
class Rating:
    """One occupation's rating of one Skills or Knowledge element."""

    importance: str | None = None
    level: str | None = None
    not_relevant: bool = False


@dataclass
class OnetData:
    """Everything read from an O*NET folder or zip, validated."""

    where: str
    files: list[str]
    occupations: dict[str, Occupation]
    #: (occupation code, technology name, commodity code, hot, in demand)
    technology_rows: list[tuple[str, str, str, bool, bool]]
    commodities: dict[str, str]
    #: The name of the occupations' file (for messages).
    occupations_file: str = OCCUPATIONS
    #: (occupation code, tool name, commodity code) from Tools Used
    equipment_rows: list[tuple[str, str, str]] = field(default_factory=list)
    #: table (SKILLS or KNOWLEDGE) → element id → element name
    elements: dict[str, dict[str, str]] = field(default_factory=dict)
    #: (table, occupation code, element id) → rating
    ratings: dict[tuple[str, str, str], Rating] = field(default_factory=dict)
    #: element id → (name, description)
    content_model: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (task id, occupation code, statement, task type)
    tasks: list[tuple[str, str, str, str]] = field(default_factory=list)
    job_zones: dict[str, int] = field(default_factory=dict)
    #: zone → column → text (Name, Experience, Education, Job Training, Examples, SVP Range)
    job_zone_reference: dict[int, dict[str, str]] = field(default_factory=dict)
    #: (code, related code, tier, index)
    related: list[tuple[str, str, str, int]] = field(default_factory=list)

    @property
    def element_links(self) -> list[tuple[str, str, str]]:
        """(table, code, element) of the ratings that make a ``ckg:requiresSkill``."""
        return [key for key, r in self.ratings.items()
                if r.importance is not None and float(r.importance) >= IMPORTANCE_THRESHOLD
                and not r.not_relevant]


# -- reading ------------------------------------------------------------------------------

def find_tables(files: InputFiles, without: tuple[str, ...] = ()) -> dict[str, Member]:
    """The tables to read (file name without extension → file), the two needed first;
    :class:`InputError` when a needed one is missing."""
    withheld = {table for part in without for table in PARTS[part]}
    found: dict[str, Member] = {}
    for stem in (OCCUPATIONS, TECHNOLOGY, *[t for ts in PARTS.values() for t in ts]):
        if stem in withheld or stem in found:
            continue
        member = next((m for ext in FORMATS if (m := files.find(stem + ext))), None)
        if member is not None:
            found[stem] = member
        elif stem in (OCCUPATIONS, TECHNOLOGY):
            # named in the format of the other tables (an Excel folder misses a workbook)
            ext = next((e for e in FORMATS for other in (OCCUPATIONS, TECHNOLOGY)
                        if files.find(other + e)), FORMATS[0])
            raise InputError(f"missing file {stem + '.xlsx'!r} or {stem + '.txt'!r}: {NEED}",
                             file=f"{files.path}/{stem}{ext}")
    return found


def _rows(member: Member, required: list[str], show_progress: bool):
    data = member.read_bytes()
    if member.name.endswith(".xlsx"):
        rows = read_xlsx(data, member.where, required, sheet=member.name[:-len(".xlsx")])
    else:
        rows = read_tsv(Path(member.name), required, data=data, where=member.where)
    stem = member.name.rsplit(".", 1)[0]
    return progress(rows, total=len(rows), desc=f"reading {stem}", unit="row",
                    enabled=show_progress)


def _code(row: Row, column: str, occupations: dict | None,
          occupations_file: str = OCCUPATIONS) -> str:
    code = row[column].strip()
    if not SOC_CODE.match(code):
        raise row.error(column, f"{code!r} is not an O*NET-SOC code (NN-NNNN.NN)")
    if occupations is not None and code not in occupations:
        raise row.error(column, f"occupation {code} is not in {occupations_file!r}")
    return code


def _flag(row: Row, column: str) -> bool:
    value = row[column].strip()
    if value not in FLAGS:
        raise row.error(column, f"{value!r} is not a flag (Y or N)")
    return FLAGS[value]


def _text(row: Row, column: str) -> str:
    value = row[column].strip()
    if not value:
        raise row.error(column, "empty")
    return value


def _integer(row: Row, column: str, low: int, high: int | None = None) -> int:
    raw = row[column].strip()
    try:
        value = int(float(raw)) if re.fullmatch(r"\d+(\.0+)?", raw) else None
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f"from {low}"
        raise row.error(column, f"{raw!r} is not a whole number {span}")
    return value


def _number(row: Row, column: str, low: float, high: float) -> str:
    raw = row[column].strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise row.error(column, f"{raw!r} is not a number") from None
    if not value.is_finite() or not low <= value <= high:
        raise row.error(column, f"{raw} is outside the scale's range {low:g} to {high:g}")
    return format(value.normalize(), "f")


def _element(row: Row, names: dict[str, str]) -> str:
    element = row["Element ID"].strip()
    if not ELEMENT_ID.match(element):
        raise row.error("Element ID", f"{element!r} is not a content model element ID "
                                      "(such as 2.A.1.a)")
    name = _text(row, "Element Name")
    if names.setdefault(element, name) != name:
        raise row.error("Element Name", f"element {element} is named {names[element]!r} "
                                        f"elsewhere in the table, here {name!r}")
    return element


def read_onet(path: str | Path, *, show_progress: bool = False,
              without: tuple[str, ...] = ()) -> OnetData:
    """Read and validate an O*NET folder or zip; raise :class:`InputError` at the first
    problem (naming the file, sheet, row or line, and column)."""
    files = InputFiles(Path(path), NEED)
    return read_tables(files, find_tables(files, without), show_progress)


def read_tables(files: InputFiles, tables: dict[str, Member], show_progress: bool) -> OnetData:
    """Read the tables :func:`find_tables` found."""
    occupations: dict[str, Occupation] = {}
    first_line: dict[str, int] = {}
    for row in _rows(tables[OCCUPATIONS], ["O*NET-SOC Code", "Title", "Description"],
                     show_progress):
        code = _code(row, "O*NET-SOC Code", None)
        if code in occupations:
            raise row.error("O*NET-SOC Code", f"{code} appears twice (first on line "
                                              f"{first_line[code]})")
        first_line[code] = row.line
        occupations[code] = Occupation(code, _text(row, "Title"), row["Description"].strip())
    data = OnetData(str(files.path), [m.name for m in tables.values()], occupations, [], {},
                    occupations_file=tables[OCCUPATIONS].name)

    def code_of(row: Row, column: str = "O*NET-SOC Code") -> str:
        return _code(row, column, occupations, data.occupations_file)
    commodity_line: dict[str, tuple[str, int]] = {}

    def commodity(row: Row) -> str:
        code = row["Commodity Code"].strip()
        if not COMMODITY_CODE.match(code):
            raise row.error("Commodity Code", f"{code!r} is not a commodity code (8 digits)")
        title = _text(row, "Commodity Title")
        known = data.commodities.setdefault(code, title)
        if known != title:
            file, line = commodity_line[code]
            raise row.error("Commodity Title", f"commodity {code} is titled {known!r} in "
                                               f"{file} line {line}, here {title!r}")
        commodity_line.setdefault(code, (Path(row.file).name, row.line))
        return code

    for row in _rows(tables[TECHNOLOGY], ["O*NET-SOC Code", "Example", "Commodity Code",
                                          "Commodity Title", "Hot Technology"], show_progress):
        code = code_of(row)
        name = _text(row, "Example")
        in_demand = _flag(row, "In Demand") if "In Demand" in row.fields else False
        data.technology_rows.append((code, name, commodity(row), _flag(row, "Hot Technology"),
                                     in_demand))

    if ALTERNATE_TITLES in tables:
        for row in _rows(tables[ALTERNATE_TITLES], ["O*NET-SOC Code", "Alternate Title"],
                         show_progress):
            titles = occupations[code_of(row)].alternate_titles
            for column in ("Alternate Title", "Short Title"):
                value = row.get(column, "").strip()
                if value and value.lower() != "n/a" and value not in titles:
                    titles.append(value)

    if TOOLS_USED in tables:
        for row in _rows(tables[TOOLS_USED], ["O*NET-SOC Code", "Example", "Commodity Code",
                                              "Commodity Title"], show_progress):
            code = code_of(row)
            data.equipment_rows.append((code, _text(row, "Example"), commodity(row)))

    for table in (SKILLS, KNOWLEDGE):
        if table in tables:
            _read_ratings(tables[table], table, data, show_progress)

    if CONTENT_MODEL in tables:
        for row in _rows(tables[CONTENT_MODEL], ["Element ID", "Element Name", "Description"],
                         show_progress):
            names: dict[str, str] = {}
            element = _element(row, names)
            if element in data.content_model:
                raise row.error("Element ID", f"element {element} appears twice")
            data.content_model[element] = (names[element], row["Description"].strip())

    if TASKS in tables:
        seen: set[str] = set()
        for row in _rows(tables[TASKS], ["O*NET-SOC Code", "Task ID", "Task", "Task Type"],
                         show_progress):
            code = code_of(row)
            task_id = str(_integer(row, "Task ID", 1))
            if task_id in seen:
                raise row.error("Task ID", f"task {task_id} appears twice")
            seen.add(task_id)
            task_type = row["Task Type"].strip()
            if task_type not in TASK_TYPES:
                raise row.error("Task Type", f"{task_type!r} is neither 'Core' nor "
                                             "'Supplemental'")
            data.tasks.append((task_id, code, _text(row, "Task"),
                               task_type if task_type != "n/a" else ""))

    if JOB_ZONE_REFERENCE in tables:
        columns = ["Job Zone", "Name", "Experience", "Education", "Job Training", "Examples",
                   "SVP Range"]
        for row in _rows(tables[JOB_ZONE_REFERENCE], columns, show_progress):
            zone = _integer(row, "Job Zone", 1, 5)
            data.job_zone_reference[zone] = {c: row[c].strip() for c in columns[1:]}
            _text(row, "Name")
    if JOB_ZONES in tables:
        for row in _rows(tables[JOB_ZONES], ["O*NET-SOC Code", "Job Zone"], show_progress):
            code = code_of(row)
            zone = _integer(row, "Job Zone", 1, 5)
            if data.job_zone_reference and zone not in data.job_zone_reference:
                raise row.error("Job Zone", f"job zone {zone} is not in "
                                            f"{JOB_ZONE_REFERENCE!r}")
            if data.job_zones.setdefault(code, zone) != zone:
                raise row.error("Job Zone", f"occupation {code} has job zone "
                                            f"{data.job_zones[code]} on another row")

    if RELATED in tables:
        for row in _rows(tables[RELATED], ["O*NET-SOC Code", "Related O*NET-SOC Code",
                                           "Relatedness Tier", "Index"], show_progress):
            code = code_of(row)
            other = code_of(row, "Related O*NET-SOC Code")
            data.related.append((code, other, _text(row, "Relatedness Tier"),
                                 _integer(row, "Index", 1)))
    return data


def _read_ratings(member: Member, table: str, data: OnetData, show_progress: bool) -> None:
    columns = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"]
    names = data.elements.setdefault(table, {})
    for row in _rows(member, columns, show_progress):
        code = _code(row, "O*NET-SOC Code", data.occupations, data.occupations_file)
        element = _element(row, names)
        scale = _text(row, "Scale ID")
        if scale not in SCALES:
            raise row.error("Scale ID", f"{scale!r} is not a scale of this table (IM or LV)")
        value = _number(row, "Data Value", *SCALES[scale])
        rating = data.ratings.setdefault((table, code, element), Rating())
        if scale == "IM":
            rating.importance = value
        else:
            rating.level = value
            # O*NET flags "Not Relevant" on the level (LV) row of an element.
            rating.not_relevant = row.get("Not Relevant", "").strip() == "Y"


# -- building -----------------------------------------------------------------------------

def _tools(b: Builder, rows, seed, counts: Counter, *, cls: str, namespace: str,
           link_to_seed: bool) -> dict[str, str]:
    """One concept per name of ``rows`` ((code, name, commodity, ...)); its category is the
    commodity it is listed under most often.  Returns name → IRI."""
    per_name: dict[str, Counter] = defaultdict(Counter)
    for _code, name, commodity, *_ in rows:
        per_name[name][commodity] += 1
    slugs = unique_slugs(sorted(per_name))
    iri_of: dict[str, str] = {}
    for name in sorted(per_name):
        seed_tool = seed.match(CKG + "Tool", SEED_ALIASES.get(name, name)) \
            if link_to_seed else None
        iri = seed_tool or id_iri("onet", namespace, slugs[name])
        iri_of[name] = iri
        listed = per_name[name]
        if seed_tool is None:
            b.concept(iri, [cls], name)
            main = min(listed, key=lambda c: (-listed[c], c))
            b.add(iri, CKG + "category", commodity_iri(main))
            b.add(iri, DCT + "source", DATASET)
        else:
            counts["linked_tools"] += 1
            if name in SEED_ALIASES:  # O*NET's name, searchable on the seed's tool
                b.text(iri, SKOS + "altLabel", name)
        for commodity in sorted(listed):
            b.add(iri, CKG + "listedUnder", commodity_iri(commodity))
    return iri_of


def build_onet(data: OnetData, seed) -> tuple[Builder, dict[str, int]]:
    """The triples of an O*NET import (see the module docstring for the mapping)."""
    b = Builder()
    b.dataset(
        DATASET,
        title="O*NET Database (derived by careerkg)",
        description="Occupations, their technologies, tools, skills, knowledge, tasks, job "
        f"zones and related occupations from the O*NET Database files "
        f"{', '.join(sorted(data.files))}.",
        source=ONET_SITE,
        license=LICENSE,
        rights=ATTRIBUTION,
        derivation=DERIVATION,
        publisher="U.S. Department of Labor, Employment and Training Administration "
        "(USDOL/ETA)",
    )
    counts: Counter = Counter()

    for occ in data.occupations.values():
        iri = occupation_iri(occ.code)
        b.concept(iri, [CKG + "Role"], occ.title)
        b.text(iri, SKOS + "notation", occ.code, None)
        b.text(iri, SKOS + "definition", occ.description)
        for title in occ.alternate_titles:
            b.text(iri, SKOS + "altLabel", title)
        counts["alternate_titles"] += len(occ.alternate_titles)
        b.add(iri, RDFS + "seeAlso", ONLINE_SUMMARY + occ.code)
        b.add(iri, DCT + "source", DATASET)
        counts["roles"] += 1
        seed_roles = seed.roles_matching([occ.title], [ONLINE_SUMMARY + occ.code, iri])
        counts["linked_roles"] += link_roles(b, seed_roles, iri)
    if not counts["alternate_titles"]:
        del counts["alternate_titles"]

    for code, title in sorted(data.commodities.items()):
        iri = commodity_iri(code)
        b.concept(iri, [CKG + "Category"], title)
        b.text(iri, SKOS + "notation", code, None)
        b.add(iri, DCT + "source", DATASET)
        counts["categories"] += 1

    tool_of = _tools(b, data.technology_rows, seed, counts, cls=CKG + "Tool",
                     namespace="technology", link_to_seed=True)
    hot: dict[str, bool] = defaultdict(bool)
    for code, name, _commodity, is_hot, in_demand in data.technology_rows:
        hot[name] = hot[name] or is_hot
        b.add(occupation_iri(code), CKG + "usesTool", tool_of[name])
        if in_demand:
            b.add(occupation_iri(code), CKG + "inDemandTool", tool_of[name])
    for name, iri in tool_of.items():
        b.boolean(iri, CKG + "hotTechnology", hot[name])
    counts["tools"] = len(tool_of)
    counts["role_tool_links"] = len({(c, n) for c, n, *_ in data.technology_rows})

    if data.equipment_rows:
        equipment_of = _tools(b, data.equipment_rows, seed, counts, cls=CKG + "Equipment",
                              namespace="equipment", link_to_seed=False)
        for code, name, _commodity in data.equipment_rows:
            b.add(occupation_iri(code), CKG + "usesEquipment", equipment_of[name])
        counts["equipment"] = len(equipment_of)
        counts["role_equipment_links"] = len({(c, n) for c, n, _ in data.equipment_rows})

    _content_model(b, data, counts)
    _ratings(b, data, seed, counts)

    for task_id, code, text, task_type in data.tasks:
        iri = id_iri("onet", "task", task_id)
        b.concept(iri, [CKG + "Task"], text)
        b.text(iri, SKOS + "notation", task_id, None)
        if task_type:
            b.text(iri, CKG + "taskType", task_type, None)
        b.add(iri, DCT + "source", DATASET)
        b.add(occupation_iri(code), CKG + "performsTask", iri)
    if data.tasks:
        counts["tasks"] = len(data.tasks)

    zones = set(data.job_zones.values()) | set(data.job_zone_reference)
    for zone in sorted(zones):
        iri = id_iri("onet", "job-zone", str(zone))
        meaning = data.job_zone_reference.get(zone, {})
        b.concept(iri, [CKG + "JobZone"], meaning.get("Name") or f"Job Zone {zone}")
        b.text(iri, SKOS + "notation", str(zone), None)
        for column, predicate in (("Experience", CKG + "experienceNeeded"),
                                  ("Education", CKG + "educationNeeded"),
                                  ("Job Training", CKG + "trainingNeeded"),
                                  ("Examples", SKOS + "example")):
            b.text(iri, predicate, meaning.get(column, ""))
        b.text(iri, CKG + "svpRange", meaning.get("SVP Range", ""), None)
        b.add(iri, DCT + "source", DATASET)
    for code, zone in data.job_zones.items():
        b.add(occupation_iri(code), CKG + "jobZone", id_iri("onet", "job-zone", str(zone)))
    if zones:
        counts["job_zones"] = len(data.job_zones)

    for code, other, tier, index in data.related:
        iri = id_iri("onet", "related", code, other)
        b.add(occupation_iri(code), CKG + "relatedOccupation", iri)
        b.add(iri, RDF + "type", CKG + "RelatedOccupation")
        b.add(iri, CKG + "relatedRole", occupation_iri(other))
        b.text(iri, CKG + "relatednessTier", tier, None)
        b.typed(iri, CKG + "relatednessIndex", index, XSD + "integer")
        if tier in PRIMARY_TIERS:
            b.add(occupation_iri(code), SKOS + "related", occupation_iri(other))
    if data.related:
        counts["related_pairs"] = len(data.related)
    return b, dict(counts)


def _content_model(b: Builder, data: OnetData, counts: Counter) -> None:
    """The content model elements: every one of Content Model Reference, and the rated ones
    (named as in their ratings table when there is no Content Model Reference)."""
    elements = dict(data.content_model)
    for names in data.elements.values():
        for element, name in names.items():
            elements.setdefault(element, (name, ""))
    scheme = id_iri("onet", "content-model")
    if elements:
        b.add(scheme, RDF + "type", SKOS + "ConceptScheme")
        b.text(scheme, RDFS + "label", "O*NET Content Model")
        b.add(scheme, DCT + "source", DATASET)
    for element, (name, description) in sorted(elements.items()):
        iri = content_model_iri(element)
        b.concept(iri, [], name)
        b.text(iri, SKOS + "notation", element, None)
        b.text(iri, SKOS + "definition", description)
        b.add(iri, SKOS + "inScheme", scheme)
        parent = element.rsplit(".", 1)[0] if "." in element else None
        if parent in elements:
            b.add(iri, SKOS + "broader", content_model_iri(parent))
        else:
            b.add(iri, SKOS + "topConceptOf", scheme)
        b.add(iri, DCT + "source", DATASET)
    if data.content_model:
        counts["content_model_elements"] = len(data.content_model)


def _ratings(b: Builder, data: OnetData, seed, counts: Counter) -> None:
    skill_of: dict[tuple[str, str], str] = {}
    for table, names in data.elements.items():
        category, category_label = SKILL_CATEGORIES[table]
        b.concept(category, [CKG + "Category"], category_label)
        b.add(category, DCT + "source", DATASET)
        counts["categories"] += 1
        for element, name in sorted(names.items()):
            seed_skill = seed.match(CKG + "Skill", name)
            iri = seed_skill or element_iri(element)
            skill_of[(table, element)] = iri
            if seed_skill is None:
                b.concept(iri, [CKG + "Skill"], name)
                b.text(iri, SKOS + "notation", element, None)
                b.add(iri, CKG + "category", category)
                b.add(iri, DCT + "source", DATASET)
            else:
                counts["linked_skills"] += 1
            b.add(iri, SKOS + "exactMatch", content_model_iri(element))
            counts["skills"] += 1
    for (table, code, element), rating in data.ratings.items():
        iri = id_iri("onet", "requirement", code, element)
        b.add(occupation_iri(code), CKG + "skillRequirement", iri)
        b.add(iri, RDF + "type", CKG + "SkillRequirement")
        b.add(iri, CKG + "requiredSkill", skill_of[(table, element)])
        b.add(iri, CKG + "contentModelElement", content_model_iri(element))
        if rating.importance is not None:
            b.typed(iri, CKG + "importance", rating.importance, XSD + "decimal")
        if rating.level is not None:
            b.typed(iri, CKG + "level", rating.level, XSD + "decimal")
        if rating.not_relevant:
            b.boolean(iri, CKG + "notRelevant", True)
    links = data.element_links
    for table, code, element in links:
        b.add(occupation_iri(code), CKG + "requiresSkill", skill_of[(table, element)])
    if data.ratings:
        counts["skill_ratings"] = len(data.ratings)
        counts["role_skill_links"] = len(set(links))


# -- the importer -------------------------------------------------------------------------

class OnetImporter(Importer, kind=SOURCE, title=TITLE):
    options = {"without": ()}

    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        without = tuple(sorted(set(options["without"])))
        unknown = [p for p in without if p not in PARTS]
        if unknown:
            raise ValueError(f"cannot withhold {unknown[0]!r}; the parts are "
                             f"{', '.join(PARTS)}")
        files = InputFiles(path, NEED)
        tables = find_tables(files, without)
        # Technologies and skills named like the seed's are linked to them.
        seed = seed_index(store, [CKG + "Tool", CKG + "Skill"])
        digest_files = files.digest_files(tables.values())
        return Found(digest_files, str(path), depends=[seed.digest],
                     state=(files, tables, seed))

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        files, tables, seed = found.state
        data = read_tables(files, tables, progress)
        builder, counts = build_onet(data, seed)
        return Reading(builder, counts=counts)


ONET_IMPORTER = OnetImporter()


def import_onet(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False,
    without: tuple[str, ...] = (),
) -> ImportReport:
    """Import an O*NET folder or zip as one source (default name ``onet``), all or nothing.

    ``path`` is the folder (or zip) holding the O*NET files, text or Excel; ``without`` names
    parts to withhold (:data:`PARTS`), such as ``("related",)``.
    The other parameters, the result and the errors are those of
    :func:`~careerkg.graph.importers.pipeline.run_import`;
    an error names the file, line and column.
    """
    return run_import(ONET_IMPORTER, store, path, name=name, progress=progress,
                      without=without)

"""Import the O*NET Database (U.S. Department of Labor) onto the careerkg ontology.

Input: a folder of O*NET database text files as the Department of Labor publishes them
(UTF-8, tab-separated, a header row, CRLF line ends).  Needed:

* ``Occupation Data.txt`` — O*NET-SOC Code, Title, Description;
* ``Technology Skills.txt`` — O*NET-SOC Code, Example, Commodity Code, Commodity Title,
  Hot Technology (and In Demand, where the release has it).

Used when present (same format): ``Alternate Titles.txt``, ``Skills.txt``,
``Knowledge.txt``, ``Related Occupations.txt``; any other file in the folder is ignored.

Mapping (IRIs under ``https://w3id.org/careerkg/id/onet/``):

* each occupation → a ``ckg:Role`` (``occupation/15-2051.00``) with ``skos:notation`` (the
  code), ``rdfs:label``/``skos:prefLabel`` (the title), ``skos:definition`` (the
  description), ``skos:altLabel`` (alternate titles) and ``rdfs:seeAlso`` its O*NET OnLine page;
* each technology (an *Example*) → a ``ckg:Tool`` (``technology/<slug>``); its ``ckg:category``
  is the commodity it is listed under most often (ties: the lowest code), ``ckg:listedUnder``
  every commodity it is listed under; ``ckg:hotTechnology`` true when O*NET flags it hot;
* each commodity → a ``ckg:Category`` (``commodity/<code>``, its title as label and code as
  notation);
* occupation–technology rows → ``ckg:usesTool``; rows flagged *In Demand* also
  ``ckg:inDemandTool`` (in demand is a fact about an occupation and a technology together);
* Skills / Knowledge elements → ``ckg:Skill`` (``element/<id>``, category "O*NET skills" or
  "O*NET knowledge"), linked with ``ckg:requiresSkill`` where their importance is at least
  :data:`IMPORTANCE_THRESHOLD` (O*NET OnLine's cut-off) and not flagged Not Relevant;
* related occupations (the primary tiers) → ``skos:related``.

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
from pathlib import Path

from ..errors import InputError
from ..namespaces import CKG
from ..store import Store
from .common import (
    DCT,
    RDFS,
    SKOS,
    Builder,
    ImportReport,
    id_iri,
    link_roles,
    progress,
    seed_index,
    unique_slugs,
)
from .pipeline import Found, Importer, Reading, run_import
from .tabular import read_tsv, require_file

__all__ = ["import_onet", "read_onet", "OnetData", "IMPORTANCE_THRESHOLD", "ATTRIBUTION"]

SOURCE = "onet"
TITLE = "O*NET Database: occupations and technology skills (derived)"
OCCUPATIONS = "Occupation Data.txt"
TECHNOLOGY = "Technology Skills.txt"
ALTERNATE_TITLES = "Alternate Titles.txt"
SKILLS = "Skills.txt"
KNOWLEDGE = "Knowledge.txt"
RELATED = "Related Occupations.txt"

#: Skills and knowledge rated at least this important (1–5 scale, scale ID ``IM``) are
#: linked to the occupation; O*NET OnLine lists an element as important from 3.0 (50/100).
IMPORTANCE_THRESHOLD = 3.0

#: The attribution the O*NET licence (CC BY 4.0) requires, verbatim.
ATTRIBUTION = (
    "This includes information from the O*NET Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA."
)
DERIVATION = (
    "careerkg has modified this information: the O*NET files were converted to RDF on the "
    "careerkg ontology (occupations as roles, technologies as tools, commodities as "
    "categories), technologies were merged with the seed's tools of the same name, and links "
    "to the seed's roles were added. USDOL/ETA has not approved, endorsed, or tested these "
    "modifications."
)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
ONET_SITE = "https://www.onetcenter.org/database.html"
ONLINE_SUMMARY = "https://www.onetonline.org/link/summary/"

#: O*NET technology names that name one of the seed's tools differently: linked as if they
#: were the seed's label (names that match as they are need no entry).
SEED_ALIASES = {"Oracle Java": "Java", "Structured query language SQL": "SQL"}

SOC_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
COMMODITY_CODE = re.compile(r"^\d{8}$")
ELEMENT_ID = re.compile(r"^\d+(\.[A-Za-z0-9]+)+$")
FLAGS = {"Y": True, "N": False}
PRIMARY_TIERS = {"Primary-Short", "Primary-Long"}

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


def commodity_iri(code: str) -> str:
    return id_iri("onet", "commodity", code)


def technology_iri(slug: str) -> str:
    return id_iri("onet", "technology", slug)


def element_iri(element_id: str) -> str:
    return id_iri("onet", "element", element_id)


@dataclass
class Occupation:
    code: str
    title: str
    description: str
    alternate_titles: list[str] = field(default_factory=list)


@dataclass
class OnetData:
    """Everything read from an O*NET folder, validated."""

    folder: Path
    files: list[Path]
    occupations: dict[str, Occupation]
    #: (occupation code, technology name, commodity code, hot, in demand)
    technology_rows: list[tuple[str, str, str, bool, bool]]
    commodities: dict[str, str]
    #: file name → element id → element name
    elements: dict[str, dict[str, str]] = field(default_factory=dict)
    #: (file name, occupation code, element id)
    element_links: list[tuple[str, str, str]] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)


def _code(row, column: str, occupations: dict | None, occupations_file: str) -> str:
    code = row[column].strip()
    if not SOC_CODE.match(code):
        raise row.error(column, f"{code!r} is not an O*NET-SOC code (NN-NNNN.NN)")
    if occupations is not None and code not in occupations:
        raise row.error(column, f"occupation {code} is not in {occupations_file!r}")
    return code


def _flag(row, column: str) -> bool:
    value = row[column].strip()
    if value not in FLAGS:
        raise row.error(column, f"{value!r} is not a flag (Y or N)")
    return FLAGS[value]


def _text(row, column: str) -> str:
    value = row[column].strip()
    if not value:
        raise row.error(column, "empty")
    return value


def read_onet(folder: str | Path, *, show_progress: bool = False) -> OnetData:
    """Read and validate an O*NET folder; raise :class:`InputError` at the first problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            "an O*NET import needs the folder holding the O*NET text files "
            f"({OCCUPATIONS!r}, {TECHNOLOGY!r} ...)", file=str(folder),
        )
    need = f"an O*NET folder holds {OCCUPATIONS!r} and {TECHNOLOGY!r}"
    occ_path = require_file(folder, OCCUPATIONS, need)
    tech_path = require_file(folder, TECHNOLOGY, need)
    files = [occ_path, tech_path]

    occupations: dict[str, Occupation] = {}
    first_line: dict[str, int] = {}
    for row in read_tsv(occ_path, ["O*NET-SOC Code", "Title", "Description"]):
        code = _code(row, "O*NET-SOC Code", None, OCCUPATIONS)
        if code in occupations:
            raise row.error("O*NET-SOC Code", f"{code} appears twice (first on line "
                                              f"{first_line[code]})")
        first_line[code] = row.line
        occupations[code] = Occupation(code, _text(row, "Title"), row["Description"].strip())

    technology_rows = []
    commodities: dict[str, str] = {}
    commodity_line: dict[str, int] = {}
    rows = read_tsv(tech_path, ["O*NET-SOC Code", "Example", "Commodity Code",
                                "Commodity Title", "Hot Technology"])
    has_in_demand = False
    for row in progress(rows, desc="reading technologies", unit="row", enabled=show_progress):
        has_in_demand = has_in_demand or "In Demand" in row.fields
        code = _code(row, "O*NET-SOC Code", occupations, OCCUPATIONS)
        name = _text(row, "Example")
        commodity = row["Commodity Code"].strip()
        if not COMMODITY_CODE.match(commodity):
            raise row.error("Commodity Code", f"{commodity!r} is not a commodity code "
                                              "(8 digits)")
        title = _text(row, "Commodity Title")
        if commodity in commodities and commodities[commodity] != title:
            raise row.error(
                "Commodity Title",
                f"commodity {commodity} is titled {commodities[commodity]!r} on line "
                f"{commodity_line[commodity]}, here {title!r}",
            )
        commodities.setdefault(commodity, title)
        commodity_line.setdefault(commodity, row.line)
        hot = _flag(row, "Hot Technology")
        in_demand = _flag(row, "In Demand") if "In Demand" in row.fields else False
        technology_rows.append((code, name, commodity, hot, in_demand))

    data = OnetData(folder, files, occupations, technology_rows, commodities)

    path = folder / ALTERNATE_TITLES
    if path.is_file():
        files.append(path)
        for row in read_tsv(path, ["O*NET-SOC Code", "Alternate Title"]):
            code = _code(row, "O*NET-SOC Code", occupations, OCCUPATIONS)
            titles = occupations[code].alternate_titles
            for column in ("Alternate Title", "Short Title"):
                value = row.get(column, "").strip()
                if value and value.lower() != "n/a" and value not in titles:
                    titles.append(value)

    for file_name in (SKILLS, KNOWLEDGE):
        path = folder / file_name
        if path.is_file():
            files.append(path)
            _read_ratings(path, file_name, data)

    path = folder / RELATED
    if path.is_file():
        files.append(path)
        for row in read_tsv(path, ["O*NET-SOC Code", "Related O*NET-SOC Code",
                                   "Relatedness Tier"]):
            code = _code(row, "O*NET-SOC Code", occupations, OCCUPATIONS)
            other = _code(row, "Related O*NET-SOC Code", occupations, OCCUPATIONS)
            tier = _text(row, "Relatedness Tier")
            if tier in PRIMARY_TIERS:
                data.related.append((code, other))
    return data


def _read_ratings(path: Path, file_name: str, data: OnetData) -> None:
    columns = ["O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"]
    names = data.elements.setdefault(file_name, {})
    important: list[tuple[str, str]] = []
    # O*NET flags "Not Relevant" on the level (LV) row of an element, not on its
    # importance (IM) row: collect both, then link.
    not_relevant: set[tuple[str, str]] = set()
    for row in read_tsv(path, columns):
        code = _code(row, "O*NET-SOC Code", data.occupations, OCCUPATIONS)
        element = row["Element ID"].strip()
        if not ELEMENT_ID.match(element):
            raise row.error("Element ID", f"{element!r} is not a content model element ID "
                                          "(such as 2.A.1.a)")
        name = _text(row, "Element Name")
        if names.setdefault(element, name) != name:
            raise row.error("Element Name", f"element {element} is named {names[element]!r} "
                                            f"elsewhere in the file, here {name!r}")
        raw = row["Data Value"].strip()
        try:
            value = float(raw)
        except ValueError:
            raise row.error("Data Value", f"{raw!r} is not a number") from None
        scale = _text(row, "Scale ID")
        if row.get("Not Relevant", "").strip() == "Y":
            not_relevant.add((code, element))
        if scale == "IM" and value >= IMPORTANCE_THRESHOLD:
            important.append((code, element))
    data.element_links.extend(
        (file_name, code, element) for code, element in important
        if (code, element) not in not_relevant
    )


def build_onet(data: OnetData, seed) -> tuple[Builder, dict[str, int]]:
    """The triples of an O*NET import (see the module docstring for the mapping)."""
    b = Builder()
    b.dataset(
        DATASET,
        title="O*NET Database (derived by careerkg)",
        description="Occupations and the technologies they use, from the O*NET Database "
        f"files {', '.join(sorted(p.name for p in data.files))}.",
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
        b.add(iri, RDFS + "seeAlso", ONLINE_SUMMARY + occ.code)
        b.add(iri, DCT + "source", DATASET)
        counts["roles"] += 1
        seed_roles = seed.roles_matching([occ.title], [ONLINE_SUMMARY + occ.code, iri])
        counts["linked_roles"] += link_roles(b, seed_roles, iri)

    for code, title in sorted(data.commodities.items()):
        iri = commodity_iri(code)
        b.concept(iri, [CKG + "Category"], title)
        b.text(iri, SKOS + "notation", code, None)
        b.add(iri, DCT + "source", DATASET)
        counts["categories"] += 1

    # Technologies: one tool per name; its main category is the commodity it is listed under
    # most often.
    per_name: dict[str, Counter] = defaultdict(Counter)
    hot: dict[str, bool] = defaultdict(bool)
    for _code, name, commodity, is_hot, _demand in data.technology_rows:
        per_name[name][commodity] += 1
        hot[name] = hot[name] or is_hot
    slugs = unique_slugs(sorted(per_name))
    tool_of: dict[str, str] = {}
    for name in sorted(per_name):
        seed_tool = seed.match(CKG + "Tool", SEED_ALIASES.get(name, name))
        iri = seed_tool or technology_iri(slugs[name])
        tool_of[name] = iri
        listed = per_name[name]
        if seed_tool is None:
            b.concept(iri, [CKG + "Tool"], name)
            main = min(listed, key=lambda c: (-listed[c], c))
            b.add(iri, CKG + "category", commodity_iri(main))
            b.add(iri, DCT + "source", DATASET)
        else:
            counts["linked_tools"] += 1
            if name in SEED_ALIASES:  # O*NET's name, searchable on the seed's tool
                b.text(iri, SKOS + "altLabel", name)
        for commodity in sorted(listed):
            b.add(iri, CKG + "listedUnder", commodity_iri(commodity))
        b.boolean(iri, CKG + "hotTechnology", hot[name])
        counts["tools"] += 1
    for code, name, _commodity, _hot, in_demand in data.technology_rows:
        b.add(occupation_iri(code), CKG + "usesTool", tool_of[name])
        if in_demand:
            b.add(occupation_iri(code), CKG + "inDemandTool", tool_of[name])
    counts["role_tool_links"] = len({(c, n) for c, n, *_ in data.technology_rows})

    skill_of: dict[tuple[str, str], str] = {}
    for file_name, names in data.elements.items():
        category, category_label = SKILL_CATEGORIES[file_name]
        b.concept(category, [CKG + "Category"], category_label)
        b.add(category, DCT + "source", DATASET)
        counts["categories"] += 1
        for element, name in sorted(names.items()):
            seed_skill = seed.match(CKG + "Skill", name)
            iri = seed_skill or element_iri(element)
            skill_of[(file_name, element)] = iri
            if seed_skill is None:
                b.concept(iri, [CKG + "Skill"], name)
                b.text(iri, SKOS + "notation", element, None)
                b.add(iri, CKG + "category", category)
                b.add(iri, DCT + "source", DATASET)
            else:
                counts["linked_skills"] += 1
            counts["skills"] += 1
    for file_name, code, element in data.element_links:
        b.add(occupation_iri(code), CKG + "requiresSkill", skill_of[(file_name, element)])
    if data.element_links:
        counts["role_skill_links"] = len(set(data.element_links))

    for code, other in data.related:
        b.add(occupation_iri(code), SKOS + "related", occupation_iri(other))
    return b, dict(counts)


class OnetImporter(Importer):
    kind = SOURCE
    title = TITLE

    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        if not path.is_dir():
            raise InputError(
                "an O*NET import needs the folder holding the O*NET text files "
                f"({OCCUPATIONS!r}, {TECHNOLOGY!r} ...)", file=str(path),
            )
        need = f"an O*NET folder holds {OCCUPATIONS!r} and {TECHNOLOGY!r}"
        files = [require_file(path, OCCUPATIONS, need), require_file(path, TECHNOLOGY, need)]
        files += [path / n for n in (ALTERNATE_TITLES, SKILLS, KNOWLEDGE, RELATED)
                  if (path / n).is_file()]
        seed = seed_index(store, [CKG + "Tool", CKG + "Skill"])
        return Found(files, str(path), depends=[seed.digest], state=seed)

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        data = read_onet(Path(found.where), show_progress=progress)
        builder, counts = build_onet(data, found.state)
        return Reading(builder, counts=counts)


ONET_IMPORTER = OnetImporter()


def import_onet(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False
) -> ImportReport:
    """Import an O*NET folder as one source (default name ``onet``), all or nothing.

    Parameters
    ----------
    store : Store
        Where to import (memory, disk or remote).
    path : str or Path
        The folder holding the O*NET text files.
    name : str, optional
        The source name (default ``onet``).
    progress : bool
        Show progress bars on standard error (only when it is a terminal).

    Returns
    -------
    ImportReport
        ``changed`` is False when the same files were already imported.

    Raises
    ------
    InputError
        On malformed input, naming the file, line and column; the store is left unchanged.
    """
    return run_import(ONET_IMPORTER, store, path, name=name, progress=progress)

"""Import ESCO (European Commission) onto the careerkg ontology.

Input, read as published (zips are read in place, nothing is extracted to disk):

* the folder holding a release's two zips — ``ESCO dataset - v1.1.1 - classification - en -
  csv.zip`` (occupations, skills, ISCO groups, skill groups ...) and ``ESCO dataset - v1.1.1 -
  classification -  - csv.zip`` (the language-independent ``occupationSkillRelations.csv``
  and ``broaderRelations{Occ,Skill}Pillar.csv``);
* or one zip holding all of them;
* or a folder of the CSV files (an extracted release, or the v1.2 layout with
  ``occupationSkillRelations_en.csv``).

The files are in ESCO's official column format (UTF-8, comma-separated, RFC 4180 quoting;
``altLabels`` cells hold one label per line).  Needed:

* ``occupations_en.csv`` — conceptType, conceptUri, iscoGroup, preferredLabel, altLabels,
  hiddenLabels, status, modifiedDate, regulatedProfessionNote, scopeNote, definition,
  inScheme, description, code (and naceCode since v1.2);
* ``skills_en.csv`` — conceptType, conceptUri, skillType, reuseLevel, preferredLabel,
  altLabels, hiddenLabels, status, modifiedDate, scopeNote, definition, inScheme, description;
* ``occupationSkillRelations.csv`` (or ``_en.csv``) — occupationUri, relationType, skillType,
  skillUri (v1.2 adds occupationLabel and skillLabel).

Used when present: ``ISCOGroups_en.csv``, ``skillGroups_en.csv``,
``broaderRelationsOccPillar.csv``, ``broaderRelationsSkillPillar.csv``.  Another language's
export (``occupations_de.csv`` ...) is read the same way, its labels tagged with that
language.  Columns beyond those the import uses are allowed.  A relation or broader relation
naming a concept the export lacks (ESCO 1.1.1 has a few) is left out with a warning.

Mapping (IRIs under ``https://w3id.org/careerkg/id/esco/``, ending in ESCO's own identifier,
each with ``skos:exactMatch`` to ESCO's IRI):

* occupations → ``ckg:Role`` (``occupation/<uuid>``): labels, ``skos:altLabel`` /
  ``skos:hiddenLabel``, ``skos:definition``, ``skos:notation`` (the ESCO code), and
  ``skos:broader`` as the occupation pillar says (an ISCO-08 unit group ``isco/<code>`` or a
  broader occupation; without that file, the occupation's ISCO-08 group);
* ISCO-08 groups → ``skos:Concept`` (``isco/<code>``), nested by ``skos:broader``;
* skills → ``ckg:Skill`` (``skill/<uuid>``) whose ``ckg:category`` is their skill type
  (``skill-type/knowledge``, ``skill-type/skill-competence``) and ``ckg:reuseLevel`` their
  reuse level (``reuse-level/cross-sector`` ...); ``skos:broader`` their broader skills and
  skill groups (a polyhierarchy);
* skill groups → ``skos:Concept`` (``skill-group/<uuid>``, ``skill-group/isced-f-<code>``);
* relations → ``ckg:essentialSkill`` or ``ckg:optionalSkill``, and ``ckg:requiresSkill`` for
  both (so the overlap views need nothing ESCO-specific).

Why careerkg IRIs and not ESCO's: ESCO's IRIs belong to ESCO, and what careerkg states here
(that a concept is a ``ckg:Role``, its derived labels) is careerkg's reading of a copy; the
seed also states things about ESCO's IRI (its label "data scientist (ESCO occupation)"),
which would merge with the import's.  Keeping ESCO's identifier as the last segment and an
``skos:exactMatch`` keeps the mapping one lookup away.

A skill whose label is a label of a seed skill *is* that skill (the import points at the
seed's IRI, with ``skos:exactMatch`` to ESCO's).  Seed roles get ``skos:closeMatch`` to the
ESCO occupation they already name or whose preferred label they carry.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..namespaces import CKG, DCT, SKOS, id_iri, iri_minter
from ..store import Store
from .common import Builder, ImportReport, link_roles, progress, seed_index, slugify
from .pipeline import Found, Importer, Reading, run_import
from .tabular import InputFiles, Member, read_csv

__all__ = ["import_esco", "read_esco", "esco_files", "EscoData", "ATTRIBUTION",
           "ESCO_IMPORTER"]

SOURCE = "esco"
TITLE = "ESCO occupations and skills (derived)"
ESCO = "http://data.europa.eu/esco/"
OCCUPATION_URI = re.compile(r"^http://data\.europa\.eu/esco/occupation/([A-Za-z0-9-]+)$")
SKILL_URI = re.compile(r"^http://data\.europa\.eu/esco/skill/([A-Za-z0-9-]+)$")
SKILL_GROUP_URI = re.compile(r"^http://data\.europa\.eu/esco/((?:skill|isced-f)/[A-Za-z0-9-]+)$")
ISCO_CODE = re.compile(r"^\d{1,4}$")
RELATIONS = {"essential": CKG + "essentialSkill", "optional": CKG + "optionalSkill"}

ATTRIBUTION = (
    "This includes information from ESCO, the multilingual classification of European "
    "Skills, Competences, Qualifications and Occupations, © European Union, "
    "https://esco.ec.europa.eu. Reuse is authorised provided the source is acknowledged "
    "(Commission Decision 2011/833/EU on the reuse of Commission documents)."
)
DERIVATION = (
    "careerkg has modified this information: the ESCO CSV files were converted to RDF on the "
    "careerkg ontology (occupations as roles, skills and knowledge as skills, skill types as "
    "categories), skills were merged with the seed's skills of the same name, and links to "
    "the seed's roles were added. The European Commission is not responsible for these "
    "modifications."
)
LICENSE = "http://data.europa.eu/eli/dec/2011/833/oj"
ESCO_SITE = "https://esco.ec.europa.eu/en/use-esco/download"
DATASET = id_iri("source", "esco-import")


@dataclass
class Concept:
    uri: str
    ident: str
    label: str
    alt_labels: list[str]
    hidden_labels: list[str]
    definition: str
    scope_note: str
    code: str = ""
    group: str = ""  # ISCO group (occupations) or skill type (skills)
    reuse_level: str = ""  # skills


@dataclass
class EscoData:
    folder: Path
    language: str
    #: the files the import read (the zips, or the CSV files): its digest is theirs
    files: list[Path]
    occupations: dict[str, Concept]
    skills: dict[str, Concept]
    #: (occupation URI, skill URI, relation type)
    relations: list[tuple[str, str, str]]
    #: ISCO-08 code → its group (a concept whose ident is the code)
    isco_groups: dict[str, Concept] = field(default_factory=dict)
    #: skill group URI → the group
    skill_groups: dict[str, Concept] = field(default_factory=dict)
    #: (narrower URI, broader URI) of the occupation pillar (occupations, ISCO groups)
    occupation_broader: list[tuple[str, str]] = field(default_factory=list)
    #: (narrower URI, broader URI) of the skill pillar (skills, skill groups)
    skill_broader: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: relations naming an occupation or skill the export lacks (left out)
    skipped_relations: int = 0


# -- the files: a folder of CSV files, a folder of the publisher's zips, or one zip ---------

def _csv_members(files: InputFiles) -> dict[str, Member]:
    return {name: files.find(name) for name in files.names() if name.lower().endswith(".csv")}


def esco_files(path: str | Path) -> tuple[dict[str, Member], list[Path]]:
    """The CSV files of an ESCO export by name, and the files whose bytes they are.

    ``path`` is a folder of CSV files (an extracted export), a folder holding the publisher's
    zips (the English classification zip and the language-independent relations zip), or one
    zip holding every file.  Nothing is parsed here (the pipeline's locate step)."""
    path = Path(path)
    what = ("an ESCO import needs the folder of ESCO's CSV export or of its zips, or a zip")
    if path.is_file() or not path.is_dir():
        files = InputFiles(path, what)
        return _csv_members(files), [path]
    csvs = sorted(path.glob("*.csv"))
    if any(p.name.startswith("occupations_") for p in csvs):
        members = _csv_members(InputFiles(path, what))
        return members, [m.path for m in members.values()]
    zips = sorted(path.glob("*.zip"))
    if not zips:
        raise InputError("the folder holds neither ESCO's CSV files (occupations_en.csv, "
                         "skills_en.csv ...) nor the zips ESCO publishes them in",
                         file=str(path))
    members: dict[str, Member] = {}
    for archive in zips:
        for name, member in _csv_members(InputFiles(archive, what)).items():
            if name in members:
                raise InputError(f"{name!r} is in two zips ({members[name].archive.name} "
                                 f"and {archive.name}): keep one export per folder",
                                 file=str(archive))
            members[name] = member
    return members, zips


def _language(members: dict[str, Member], where: Path) -> str:
    found = sorted(n[len("occupations_"):-len(".csv")] for n in members
                   if n.startswith("occupations_"))
    if "en" in found or not found:
        return "en"
    if len(found) == 1:
        return found[0]
    raise InputError(
        f"the export holds ESCO files in several languages ({', '.join(found)}) and none "
        "in English: keep one language per folder", file=str(where),
    )


def _lines(cell: str) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in cell.splitlines() if v.strip()))


def _concept(row, pattern: re.Pattern, kind: str, concept_type: str) -> Concept:
    if row["conceptType"].strip() != concept_type:
        raise row.error("conceptType", f"{row['conceptType']!r} is not {concept_type!r} "
                                       f"(is this the {kind}s file?)")
    uri = row["conceptUri"].strip()
    match = pattern.match(uri)
    if not match:
        raise row.error("conceptUri", f"{uri!r} is not an ESCO {kind} IRI "
                                      f"({ESCO}{kind}/<id>)")
    label = row["preferredLabel"].strip()
    if not label:
        raise row.error("preferredLabel", "empty")
    definition = row.get("definition", "").strip() or row.get("description", "").strip()
    return Concept(
        uri=uri, ident=match.group(1), label=label,
        alt_labels=[a for a in _lines(row.get("altLabels", "")) if a != label],
        hidden_labels=_lines(row.get("hiddenLabels", "")),
        definition=definition, scope_note=row.get("scopeNote", "").strip(),
    )


def _unique(concepts: dict, concept: Concept, row, lines: dict[str, int]) -> None:
    if concept.uri in lines:
        raise row.error("conceptUri", f"{concept.uri} appears twice (first on line "
                                      f"{lines[concept.uri]})")
    lines[concept.uri] = row.line
    concepts[concept.uri] = concept


class _Reader:
    """Rows of the export's files by name, with progress."""

    def __init__(self, members: dict[str, Member], show_progress: bool):
        self.members = members
        self.show_progress = show_progress

    def rows(self, member: Member, required: list[str], what: str):
        rows = read_csv(Path(member.name), required, data=member.read_bytes(),
                        where=member.where)
        return progress(rows, desc=f"reading {what}", unit="row", enabled=self.show_progress)

    def need(self, names: list[str], folder: Path) -> Member:
        for name in names:
            if name in self.members:
                return self.members[name]
        raise InputError(
            f"missing file {names[0]!r}: an ESCO export holds occupations, skills and "
            "their relations (the relations are in ESCO's language-independent zip, "
            "'ESCO dataset - v1.x - classification -  - csv.zip')", file=str(folder / names[0]),
        )


def read_esco(path: str | Path, *, show_progress: bool = False) -> EscoData:
    """Read and validate an ESCO export (a folder of CSV files, a folder of the publisher's
    zips, or a zip); raise :class:`InputError` at the first problem."""
    folder = Path(path)
    return read_esco_members(folder, *esco_files(folder), show_progress=show_progress)


def read_esco_members(folder: Path, members: dict[str, Member], files: list[Path], *,
                      show_progress: bool = False) -> EscoData:
    """:func:`read_esco` of the files :func:`esco_files` found."""
    lang = _language(members, folder)
    reader = _Reader(members, show_progress)
    occ_file = reader.need([f"occupations_{lang}.csv"], folder)
    skill_file = reader.need([f"skills_{lang}.csv"], folder)
    rel_file = reader.need([f"occupationSkillRelations_{lang}.csv",
                            "occupationSkillRelations.csv"], folder)

    occupations: dict[str, Concept] = {}
    seen: dict[str, int] = {}
    for row in reader.rows(occ_file, ["conceptType", "conceptUri", "iscoGroup",
                                      "preferredLabel"], "occupations"):
        concept = _concept(row, OCCUPATION_URI, "occupation", "Occupation")
        group = row["iscoGroup"].strip()
        if not ISCO_CODE.match(group):
            raise row.error("iscoGroup", f"{group!r} is not an ISCO-08 group code "
                                         "(1 to 4 digits)")
        concept.group = group
        concept.code = row.get("code", "").strip()
        _unique(occupations, concept, row, seen)

    skills: dict[str, Concept] = {}
    seen = {}
    for row in reader.rows(skill_file, ["conceptType", "conceptUri", "skillType",
                                        "preferredLabel"], "skills"):
        concept = _concept(row, SKILL_URI, "skill", "KnowledgeSkillCompetence")
        concept.group = row["skillType"].strip()
        concept.reuse_level = row.get("reuseLevel", "").strip()
        _unique(skills, concept, row, seen)

    relations = []
    dangling: list[int] = []
    for row in reader.rows(rel_file, ["occupationUri", "relationType", "skillUri"],
                           "relations"):
        occupation = row["occupationUri"].strip()
        if not OCCUPATION_URI.match(occupation):
            raise row.error("occupationUri", f"{occupation!r} is not an ESCO occupation IRI")
        skill = row["skillUri"].strip()
        if not SKILL_URI.match(skill):
            raise row.error("skillUri", f"{skill!r} is not an ESCO skill IRI")
        relation = row["relationType"].strip()
        if relation not in RELATIONS:
            raise row.error("relationType", f"{relation!r} is neither 'essential' nor "
                                            "'optional'")
        if occupation in occupations and skill in skills:
            relations.append((occupation, skill, relation))
        else:  # ESCO 1.1.1 itself relates one occupation its occupations file lacks
            dangling.append(row.line)

    data = EscoData(folder, lang, files, occupations, skills, relations)
    if dangling:
        data.warnings.append(
            f"{rel_file.where}: skipped {len(dangling)} relation(s) naming an occupation not "
            f"in {occ_file.name} or a skill not in {skill_file.name} (first on line "
            f"{dangling[0]})")
    data.skipped_relations = len(dangling)
    _read_optional(data, reader, lang)
    return data


def _read_optional(data: EscoData, reader: _Reader, lang: str) -> None:
    """ISCO groups, skill groups and the two hierarchies, when the export has them."""
    if (member := reader.members.get(f"ISCOGroups_{lang}.csv")) is not None:
        seen: dict[str, int] = {}
        for row in reader.rows(member, ["code", "preferredLabel"], "ISCO groups"):
            code = row["code"].strip()
            if not ISCO_CODE.match(code):
                raise row.error("code", f"{code!r} is not an ISCO-08 group code")
            label = row["preferredLabel"].strip()
            if not label:
                raise row.error("preferredLabel", "empty")
            concept = Concept(
                uri=f"{ESCO}isco/C{code}", ident=code, label=label,
                alt_labels=[a for a in _lines(row.get("altLabels", "")) if a != label],
                hidden_labels=[], definition=row.get("description", "").strip(),
                scope_note="", code=code)
            _unique(data.isco_groups, concept, row, seen)
        data.isco_groups = {c.code: c for c in data.isco_groups.values()}
    if (member := reader.members.get(f"skillGroups_{lang}.csv")) is not None:
        seen = {}
        for row in reader.rows(member, ["conceptType", "conceptUri", "preferredLabel"],
                               "skill groups"):
            concept = _concept(row, SKILL_GROUP_URI, "skill group", "SkillGroup")
            concept.ident = concept.ident.removeprefix("skill/").replace("/", "-")
            concept.code = row.get("code", "").strip()
            _unique(data.skill_groups, concept, row, seen)
    for name, pairs, known in (
        ("broaderRelationsOccPillar.csv", data.occupation_broader, _occupation_pillar(data)),
        ("broaderRelationsSkillPillar.csv", data.skill_broader,
         data.skills.keys() | data.skill_groups.keys()),
    ):
        if (member := reader.members.get(name)) is None:
            continue
        skipped = 0
        for row in reader.rows(member, ["conceptUri", "broaderUri"], "hierarchy"):
            narrower, broader = row["conceptUri"].strip(), row["broaderUri"].strip()
            if narrower in known and broader in known:
                pairs.append((narrower, broader))
            else:  # ESCO 1.1.1 itself has a few such rows: not an error of the input
                skipped += 1
        if skipped:
            data.warnings.append(
                f"{member.where}: skipped {skipped} broader relation(s) naming a concept "
                "that is not in the export")


def _occupation_pillar(data: EscoData) -> set[str]:
    return data.occupations.keys() | {c.uri for c in data.isco_groups.values()}


occupation_iri = iri_minter("esco", "occupation")
skill_iri = iri_minter("esco", "skill")
#: The IRI of an ISCO-08 group as the ESCO import mints it (``esco/isco/2511``).
isco_iri = iri_minter("esco", "isco")
skill_group_iri = iri_minter("esco", "skill-group")


def build_esco(data: EscoData, seed) -> tuple[Builder, dict[str, int]]:
    """The triples of an ESCO import (see the module docstring for the mapping)."""
    lang = data.language
    b = Builder()
    b.dataset(
        DATASET,
        title="ESCO classification (derived by careerkg)",
        description="Occupations, skills, ISCO-08 groups, skill groups, their hierarchies and "
        "the occupations' essential and optional skills from ESCO's CSV export "
        f"({', '.join(sorted(p.name for p in data.files))}).",
        source=ESCO_SITE,
        license=LICENSE,
        rights=ATTRIBUTION,
        derivation=DERIVATION,
        publisher="European Commission",
    )
    counts: Counter = Counter()

    def describe(iri: str, concept: Concept, classes: list[str]) -> None:
        b.concept(iri, classes, concept.label, language=lang)
        for label in concept.alt_labels:
            b.text(iri, SKOS + "altLabel", label, lang)
        for label in concept.hidden_labels:
            b.text(iri, SKOS + "hiddenLabel", label, lang)
        b.text(iri, SKOS + "definition", concept.definition, lang)
        b.text(iri, SKOS + "scopeNote", concept.scope_note, lang)
        b.text(iri, SKOS + "notation", concept.code, None)
        b.add(iri, SKOS + "exactMatch", concept.uri)
        b.add(iri, DCT + "source", DATASET)

    # ISCO-08 groups: those of the groups file, and any an occupation names that it lacks
    iri_of: dict[str, str] = {}
    groups = dict(data.isco_groups)
    for occ in data.occupations.values():
        groups.setdefault(occ.group, Concept(
            f"{ESCO}isco/C{occ.group}", occ.group, f"ISCO-08 group {occ.group}", [], [], "",
            "", code=occ.group))
    for code, group in sorted(groups.items()):
        iri = iri_of[group.uri] = isco_iri(code)
        describe(iri, group, [])
    counts["isco_groups"] = len(groups)

    for occ in data.occupations.values():
        iri = iri_of[occ.uri] = occupation_iri(occ.ident)
        describe(iri, occ, [CKG + "Role"])
        counts["roles"] += 1
        counts["linked_roles"] += link_roles(
            b, seed.roles_matching([occ.label], [occ.uri, iri]), iri
        )
    if data.occupation_broader:
        for narrower, broader in data.occupation_broader:
            b.add(iri_of[narrower], SKOS + "broader", iri_of[broader])
    else:  # no hierarchy file: each occupation under its ISCO-08 unit group
        for occ in data.occupations.values():
            b.add(iri_of[occ.uri], SKOS + "broader", isco_iri(occ.group))
    counts["occupation_hierarchy_links"] = len(data.occupation_broader)

    categories = {}
    for skill_type in sorted({s.group for s in data.skills.values()}):
        iri = id_iri("esco", "skill-type", slugify(skill_type or "unspecified"))
        categories[skill_type] = iri
        label = f"ESCO {skill_type}" if skill_type else "ESCO (skill type not given)"
        b.concept(iri, [CKG + "Category"], label)
        b.add(iri, DCT + "source", DATASET)
        counts["categories"] += 1
    reuse_levels = {}
    for level in sorted({s.reuse_level for s in data.skills.values()} - {""}):
        iri = reuse_levels[level] = id_iri("esco", "reuse-level", slugify(level))
        b.concept(iri, [], f"ESCO {level} skill")
        b.add(iri, SKOS + "exactMatch", f"{ESCO}skill-reuse-level/{level}")
        b.add(iri, DCT + "source", DATASET)

    seed_skills = set()
    for skill in data.skills.values():
        seed_skill = seed.match(CKG + "Skill", skill.label)
        if seed_skill is None:
            iri = skill_iri(skill.ident)
            describe(iri, skill, [CKG + "Skill"])
            b.add(iri, CKG + "category", categories[skill.group])
            if skill.reuse_level:
                b.add(iri, CKG + "reuseLevel", reuse_levels[skill.reuse_level])
        else:
            iri = seed_skill
            seed_skills.add(iri)
            b.add(iri, SKOS + "exactMatch", skill.uri)
            counts["linked_skills"] += 1
        iri_of[skill.uri] = iri
        counts["skills"] += 1

    for group in data.skill_groups.values():
        iri = iri_of[group.uri] = skill_group_iri(group.ident)
        describe(iri, group, [])
    counts["skill_groups"] = len(data.skill_groups)
    for narrower, broader in data.skill_broader:
        if iri_of[narrower] not in seed_skills:  # the seed's skills keep their own parents
            b.add(iri_of[narrower], SKOS + "broader", iri_of[broader])
    counts["skill_hierarchy_links"] = len(data.skill_broader)

    for occupation, skill, relation in data.relations:
        role = iri_of[occupation]
        b.add(role, RELATIONS[relation], iri_of[skill])
        b.add(role, CKG + "requiresSkill", iri_of[skill])
    counts["role_skill_links"] = len({(o, s) for o, s, _ in data.relations})
    if data.skipped_relations:
        counts["skipped_relations"] = data.skipped_relations
    return b, dict(counts)


class EscoImporter(Importer, kind=SOURCE, title=TITLE):
    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        members, files = esco_files(path)
        # Skills named like the seed's are linked to them: the result depends on the seed.
        seed = seed_index(store, [CKG + "Skill"])
        return Found(files, str(path), depends=[seed.digest], state=(members, seed))

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        members, seed = found.state
        data = read_esco_members(Path(found.where), members, found.files,
                                 show_progress=progress)
        builder, counts = build_esco(data, seed)
        return Reading(builder, counts=counts, warnings=data.warnings)


ESCO_IMPORTER = EscoImporter()


def import_esco(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False
) -> ImportReport:
    """Import an ESCO export as one source (default name ``esco``), all or nothing.

    ``path`` is the folder of the publisher's two zips, one zip of every file, or a folder of
    the CSV files (``occupations_en.csv``, ``skills_en.csv``,
    ``occupationSkillRelations[_en].csv`` ...).
    The other parameters, the result and the errors are those of
    :func:`~careerkg.graph.importers.pipeline.run_import`;
    an error names the file (the zip and its member), line and column.
    """
    return run_import(ESCO_IMPORTER, store, path, name=name, progress=progress)

"""Import ESCO's CSV export (European Commission) onto the careerkg ontology.

Input: the folder of ESCO's CSV download ("ESCO dataset - v1.x - classification - en -
csv"), in its official column format (UTF-8, comma-separated, RFC 4180 quoting; ``altLabels``
cells hold one label per line).  Needed:

* ``occupations_en.csv`` — conceptType, conceptUri, iscoGroup, preferredLabel, altLabels,
  hiddenLabels, status, modifiedDate, regulatedProfessionNote, scopeNote, definition,
  inScheme, description, code (and naceCode since v1.2);
* ``skills_en.csv`` — conceptType, conceptUri, skillType, reuseLevel, preferredLabel,
  altLabels, hiddenLabels, status, modifiedDate, scopeNote, definition, inScheme, description;
* ``occupationSkillRelations_en.csv`` — occupationUri, relationType, skillType, skillUri
  (v1.2 adds occupationLabel and skillLabel).

Used when present: ``ISCOGroups_en.csv`` (the names of the ISCO-08 groups).  Another
language's export (``occupations_de.csv`` ...) is read the same way, its labels tagged with
that language.  Columns beyond those the import uses are allowed; the ones it uses
(conceptType, conceptUri, preferredLabel, iscoGroup / skillType, occupationUri,
relationType, skillUri) must be there.

Mapping (IRIs under ``https://w3id.org/careerkg/id/esco/``, ending in ESCO's own identifier,
each with ``skos:exactMatch`` to ESCO's IRI):

* occupations → ``ckg:Role`` (``occupation/<uuid>``): labels, ``skos:altLabel`` /
  ``skos:hiddenLabel``, ``skos:definition``, ``skos:notation`` (the ESCO code), and
  ``skos:broader`` their ISCO-08 unit group (``isco/<code>``);
* skills → ``ckg:Skill`` (``skill/<uuid>``) whose ``ckg:category`` is their skill type
  (``skill-type/knowledge``, ``skill-type/skill-competence``);
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
from ..namespaces import CKG
from ..store import Store
from .common import (
    DCT,
    RDF,
    RDFS,
    SKOS,
    Builder,
    ImportReport,
    id_iri,
    link_roles,
    progress,
    seed_index,
    slugify,
)
from .pipeline import Found, Importer, Reading, run_import
from .tabular import read_csv, require_file

__all__ = ["import_esco", "read_esco", "EscoData", "ATTRIBUTION"]

SOURCE = "esco"
TITLE = "ESCO occupations and skills (derived)"
ESCO = "http://data.europa.eu/esco/"
OCCUPATION_URI = re.compile(r"^http://data\.europa\.eu/esco/occupation/([A-Za-z0-9-]+)$")
SKILL_URI = re.compile(r"^http://data\.europa\.eu/esco/skill/([A-Za-z0-9-]+)$")
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


@dataclass
class EscoData:
    folder: Path
    language: str
    files: list[Path]
    occupations: dict[str, Concept]
    skills: dict[str, Concept]
    #: (occupation URI, skill URI, relation type)
    relations: list[tuple[str, str, str]]
    isco_groups: dict[str, str] = field(default_factory=dict)


def _language(folder: Path) -> str:
    found = sorted(p.name[len("occupations_"):-len(".csv")]
                   for p in folder.glob("occupations_*.csv"))
    if "en" in found or not found:
        return "en"
    if len(found) == 1:
        return found[0]
    raise InputError(
        f"the folder holds ESCO exports in several languages ({', '.join(found)}) and none "
        "in English: keep one language per folder", file=str(folder),
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


def esco_files(folder: str | Path) -> tuple[str, list[Path]]:
    """The language of an ESCO CSV folder and the files an import reads from it (the three
    it needs, then ``ISCOGroups_<lang>.csv`` when present); :class:`InputError` if one of the
    needed files is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("an ESCO import needs the folder of ESCO's CSV export "
                         "(occupations_en.csv, skills_en.csv ...)", file=str(folder))
    lang = _language(folder)
    names = [f"occupations_{lang}.csv", f"skills_{lang}.csv",
             f"occupationSkillRelations_{lang}.csv"]
    need = "an ESCO CSV export holds " + ", ".join(names)
    files = [require_file(folder, n, need) for n in names]
    isco_path = folder / f"ISCOGroups_{lang}.csv"
    if isco_path.is_file():
        files.append(isco_path)
    return lang, files


def read_esco(folder: str | Path, *, show_progress: bool = False) -> EscoData:
    """Read and validate an ESCO CSV folder; raise :class:`InputError` at the first problem."""
    folder = Path(folder)
    lang, files = esco_files(folder)
    occ_path, skill_path, rel_path = files[:3]

    occupations: dict[str, Concept] = {}
    seen: dict[str, int] = {}
    for row in read_csv(occ_path, ["conceptType", "conceptUri", "iscoGroup", "preferredLabel"]):
        concept = _concept(row, OCCUPATION_URI, "occupation", "Occupation")
        if concept.uri in seen:
            raise row.error("conceptUri", f"{concept.uri} appears twice (first on line "
                                          f"{seen[concept.uri]})")
        seen[concept.uri] = row.line
        group = row["iscoGroup"].strip()
        if not ISCO_CODE.match(group):
            raise row.error("iscoGroup", f"{group!r} is not an ISCO-08 group code "
                                         "(1 to 4 digits)")
        concept.group = group
        concept.code = row.get("code", "").strip()
        occupations[concept.uri] = concept

    skills: dict[str, Concept] = {}
    seen = {}
    rows = read_csv(skill_path, ["conceptType", "conceptUri", "skillType", "preferredLabel"])
    for row in progress(rows, desc="reading skills", unit="row", enabled=show_progress):
        concept = _concept(row, SKILL_URI, "skill", "KnowledgeSkillCompetence")
        if concept.uri in seen:
            raise row.error("conceptUri", f"{concept.uri} appears twice (first on line "
                                          f"{seen[concept.uri]})")
        seen[concept.uri] = row.line
        concept.group = row["skillType"].strip()
        skills[concept.uri] = concept

    relations = []
    rows = read_csv(rel_path, ["occupationUri", "relationType", "skillUri"])
    for row in progress(rows, desc="reading relations", unit="row", enabled=show_progress):
        occupation = row["occupationUri"].strip()
        if occupation not in occupations:
            raise row.error("occupationUri", f"{occupation!r} is not an occupation of "
                                             f"{occ_path.name}")
        skill = row["skillUri"].strip()
        if skill not in skills:
            raise row.error("skillUri", f"{skill!r} is not a skill of {skill_path.name}")
        relation = row["relationType"].strip()
        if relation not in RELATIONS:
            raise row.error("relationType", f"{relation!r} is neither 'essential' nor "
                                            "'optional'")
        relations.append((occupation, skill, relation))

    data = EscoData(folder, lang, files, occupations, skills, relations)
    if len(files) > 3:
        for row in read_csv(files[3], ["code", "preferredLabel"]):
            code = row["code"].strip()
            if not ISCO_CODE.match(code):
                raise row.error("code", f"{code!r} is not an ISCO-08 group code")
            data.isco_groups[code] = row["preferredLabel"].strip()
    return data


def occupation_iri(ident: str) -> str:
    return id_iri("esco", "occupation", ident)


def skill_iri(ident: str) -> str:
    return id_iri("esco", "skill", ident)


def build_esco(data: EscoData, seed) -> tuple[Builder, dict[str, int]]:
    """The triples of an ESCO import (see the module docstring for the mapping)."""
    lang = data.language
    b = Builder()
    b.dataset(
        DATASET,
        title="ESCO classification (derived by careerkg)",
        description="Occupations, skills and their essential and optional relations from "
        f"ESCO's CSV export files {', '.join(sorted(p.name for p in data.files))}.",
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
        b.add(iri, DCT + "source", DATASET)

    groups = sorted({o.group for o in data.occupations.values()})
    for code in groups:
        iri = id_iri("esco", "isco", code)
        label = data.isco_groups.get(code) or f"ISCO-08 group {code}"
        b.add(iri, RDF + "type", SKOS + "Concept")
        b.text(iri, RDFS + "label", label, lang)
        b.text(iri, SKOS + "prefLabel", label, lang)
        b.text(iri, SKOS + "notation", code, None)
        b.add(iri, SKOS + "exactMatch", f"{ESCO}isco/C{code}")
        b.add(iri, DCT + "source", DATASET)
    counts["isco_groups"] = len(groups)

    for occ in data.occupations.values():
        iri = occupation_iri(occ.ident)
        describe(iri, occ, [CKG + "Role"])
        b.text(iri, SKOS + "notation", occ.code, None)
        b.add(iri, SKOS + "broader", id_iri("esco", "isco", occ.group))
        b.add(iri, SKOS + "exactMatch", occ.uri)
        counts["roles"] += 1
        counts["linked_roles"] += link_roles(
            b, seed.roles_matching([occ.label], [occ.uri, iri]), iri
        )

    categories = {}
    for skill_type in sorted({s.group for s in data.skills.values()}):
        iri = id_iri("esco", "skill-type", slugify(skill_type or "unspecified"))
        categories[skill_type] = iri
        label = f"ESCO {skill_type}" if skill_type else "ESCO (skill type not given)"
        b.concept(iri, [CKG + "Category"], label)
        b.add(iri, DCT + "source", DATASET)
        counts["categories"] += 1

    skill_of = {}
    for skill in data.skills.values():
        seed_skill = seed.match(CKG + "Skill", skill.label)
        if seed_skill is None:
            iri = skill_iri(skill.ident)
            describe(iri, skill, [CKG + "Skill"])
            b.add(iri, CKG + "category", categories[skill.group])
        else:
            iri = seed_skill
            counts["linked_skills"] += 1
        b.add(iri, SKOS + "exactMatch", skill.uri)
        skill_of[skill.uri] = iri
        counts["skills"] += 1

    for occupation, skill, relation in data.relations:
        role = occupation_iri(data.occupations[occupation].ident)
        b.add(role, RELATIONS[relation], skill_of[skill])
        b.add(role, CKG + "requiresSkill", skill_of[skill])
    counts["role_skill_links"] = len({(o, s) for o, s, _ in data.relations})
    return b, dict(counts)


class EscoImporter(Importer):
    kind = SOURCE
    title = TITLE

    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        _lang, files = esco_files(path)
        # Skills named like the seed's are linked to them: the result depends on the seed.
        seed = seed_index(store, [CKG + "Skill"])
        return Found(files, str(path), depends=[seed.digest], state=seed)

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        data = read_esco(Path(found.where), show_progress=progress)
        builder, counts = build_esco(data, found.state)
        return Reading(builder, counts=counts)


ESCO_IMPORTER = EscoImporter()


def import_esco(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False
) -> ImportReport:
    """Import an ESCO CSV export folder as one source (default name ``esco``), all or nothing.

    Parameters
    ----------
    store : Store
        Where to import (memory, disk or remote).
    path : str or Path
        The folder holding ``occupations_en.csv``, ``skills_en.csv`` and
        ``occupationSkillRelations_en.csv``.
    name : str, optional
        The source name (default ``esco``).
    progress : bool
        Show progress bars on standard error (only when it is a terminal).

    Returns
    -------
    ImportReport

    Raises
    ------
    InputError
        On malformed input, naming the file, line and column; the store is left unchanged.
    """
    return run_import(ESCO_IMPORTER, store, path, name=name, progress=progress)

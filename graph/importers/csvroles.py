"""Import your own roles and their skills and tools from a simple CSV file.

One row per requirement of a role (UTF-8, comma-separated, a header row; documented with
an example in ``docs/import.md``)::

    role,role_label,kind,item,item_label,category
    analytics-engineer,Analytics engineer,tool,dbt,dbt,data-engineering
    analytics-engineer,,language,sql,,
    analytics-engineer,,skill,data-modeling,,

Columns (``role``, ``kind`` and ``item`` are required; the others may be left out of the
header when every role and item already exists):

``role``
    The role: a slug (``analytics-engineer`` → ``https://w3id.org/careerkg/id/role/<slug>``) or
    a full ``http(s)://`` IRI (to add requirements to a role of another source, such as an
    O*NET occupation).
``role_label``
    The role's name; needed on at least one row of a role the graph does not have yet.
``kind``
    ``skill``, or a tool: ``tool``, ``language``, ``framework``, ``library``, ``software``.
``item``
    The skill or tool: a slug (``id/skill/<slug>`` for skills, ``id/tool/<slug>`` for tools —
    the seed's ``python``, ``sql``, ``machine-learning`` ... are reused as they are) or an IRI.
``item_label``, ``category``
    The name and the category slug (``id/category/<slug>``, or an IRI) of an item the graph
    does not have yet.  A category the graph does not have is created, named after its slug.

Roles, skills and tools that exist in another source keep their labels and categories: the
file only adds the links (and says so in the report's warnings if it gives different ones).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..namespaces import CKG, ID
from ..store import Store
from .common import (
    DCT,
    PROV,
    RDF,
    RDFS,
    SKOS,
    Builder,
    ImportReport,
    id_iri,
)
from .pipeline import FileImporter, Found, Reading, run_import
from .tabular import Row, read_csv

__all__ = ["import_csv", "KINDS", "COLUMNS"]

COLUMNS = ("role", "role_label", "kind", "item", "item_label", "category")
REQUIRED = ("role", "kind", "item")
#: kind → (extra class, link predicates)
KINDS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "skill": (None, (CKG + "requiresSkill",)),
    "tool": (None, (CKG + "usesTool",)),
    "language": (CKG + "ProgrammingLanguage", (CKG + "usesTool", CKG + "usesLanguage")),
    "framework": (CKG + "Framework", (CKG + "usesTool",)),
    "library": (CKG + "Library", (CKG + "usesTool",)),
    "software": (CKG + "Software", (CKG + "usesTool",)),
}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IRI = re.compile(r"^https?://[^\s<>\"{}|^`\\]+$")


@dataclass
class Existing:
    """What the rest of the graph already says about an IRI."""

    classes: set[str]
    labels: set[str]
    categories: set[str]


def _iri(row: Row, column: str, namespace: str) -> str:
    value = row[column].strip()
    if IRI.match(value):
        return value
    if SLUG.match(value):
        return namespace + value
    raise row.error(column, f"{value!r} is neither a slug (lowercase letters, digits and "
                            "hyphens, such as data-engineer) nor an http(s) IRI")


def _existing(store: Store, name: str) -> dict[str, Existing]:
    """Classes, labels and categories of the roles, skills, tools and categories of every
    *other* live source (this source's current graph is being replaced)."""
    graphs = [s.graph for s in store.sources() if s.name != name]
    if not graphs:
        return {}
    result = store.query(
        f"""SELECT ?x ?class ?label ?category WHERE {{
              VALUES ?class {{ <{CKG}Role> <{CKG}Skill> <{CKG}Tool> <{CKG}Category> }}
              ?x a ?class .
              OPTIONAL {{ ?x <{RDFS}label> ?label }}
              OPTIONAL {{ ?x <{CKG}category> ?category }}
            }}""",
        default_graphs=graphs,
    )
    out: dict[str, Existing] = {}
    for row in result.to_python():
        entry = out.setdefault(row["x"], Existing(set(), set(), set()))
        entry.classes.add(row["class"])
        if "label" in row:
            entry.labels.add(row["label"])
        if "category" in row:
            entry.categories.add(row["category"])
    return out


def _label_from_slug(iri: str) -> str:
    """A name for a category made from its slug.

    >>> _label_from_slug("https://w3id.org/careerkg/id/category/data-engineering")
    'Data engineering'
    """
    return iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").capitalize()


def build_csv(path: Path, existing: dict[str, Existing], dataset: str):
    """Read and validate the file, then build its triples; raise :class:`InputError` at the
    first problem.  Returns the builder, the counts and warnings."""
    b = Builder()
    warnings: list[str] = []
    counts: Counter = Counter()
    role_labels: dict[str, tuple[str, int]] = {}
    item_kinds: dict[str, tuple[str, int]] = {}
    item_info: dict[str, tuple[str, str, Row]] = {}
    role_rows: dict[str, Row] = {}
    links: set[tuple[str, str, str]] = set()
    new_categories: set[str] = set()

    rows = list(read_csv(path, REQUIRED))
    if not rows:
        raise InputError("no rows after the header", file=str(path), line=2)
    for row in rows:
        unknown = [c for c in row.fields if c not in COLUMNS]
        if unknown:
            raise row.error(unknown[0], f"unknown column; the columns are {', '.join(COLUMNS)}")
        role = _iri(row, "role", ID + "role/")
        role_rows.setdefault(role, row)
        label = row["role_label"].strip()
        if label:
            if role in role_labels and role_labels[role][0] != label:
                raise row.error("role_label", f"the role is named {role_labels[role][0]!r} on "
                                              f"line {role_labels[role][1]}")
            role_labels.setdefault(role, (label, row.line))
        kind = row["kind"].strip().lower()
        if kind not in KINDS:
            raise row.error("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        item = _iri(row, "item", ID + ("skill/" if kind == "skill" else "tool/"))
        family = "skill" if kind == "skill" else "tool"
        if item in item_kinds and ("skill" if item_kinds[item][0] == "skill" else "tool") \
                != family:
            raise row.error("kind", f"{row['item']!r} is a {item_kinds[item][0]} on line "
                                    f"{item_kinds[item][1]}")
        item_kinds.setdefault(item, (kind, row.line))
        item_label = row["item_label"].strip()
        category = row["category"].strip()
        if category:
            category = _iri(row, "category", ID + "category/")
        previous = item_info.get(item)
        if previous is None or (not previous[0] and item_label) or (
            not previous[1] and category
        ):
            item_info[item] = (item_label or (previous[0] if previous else ""),
                               category or (previous[1] if previous else ""), row)
        for predicate in KINDS[kind][1]:
            links.add((role, predicate, item))

    for role, row in role_rows.items():
        known = existing.get(role)
        label = role_labels.get(role, ("", 0))[0]
        if known is not None and CKG + "Role" in known.classes:
            if label and label not in known.labels:
                warnings.append(f"{row.file}:{row.line}: role {role} is already named "
                                f"{sorted(known.labels)}; role_label {label!r} not used")
            continue
        if not label:
            raise row.error("role_label" if "role_label" in row.fields else "role",
                            f"role {row['role'].strip()!r} is new: give its role_label")
        b.concept(role, [CKG + "Role"], label)
        b.add(role, DCT + "source", dataset)
        counts["roles"] += 1

    for item, (label, category, row) in item_info.items():
        kind = item_kinds[item][0]
        cls = CKG + ("Skill" if kind == "skill" else "Tool")
        known = existing.get(item)
        if known is not None and (cls in known.classes):
            if label and label not in known.labels:
                warnings.append(f"{row.file}:{row.line}: {item} is already named "
                                f"{sorted(known.labels)}; item_label {label!r} not used")
            if category and known.categories and category not in known.categories:
                warnings.append(f"{row.file}:{row.line}: {item} already has category "
                                f"{sorted(known.categories)}; category not used")
            counts["existing_items"] += 1
            continue
        if known is not None and known.classes:
            classes = ", ".join(sorted(c.rsplit("#", 1)[-1] for c in known.classes))
            raise row.error("item", f"{item} is already in the graph as {classes}, "
                                    f"not as a {kind}")
        if not label:
            raise row.error("item_label" if "item_label" in row.fields else "item",
                            f"{row['item'].strip()!r} is new: give its item_label")
        if not category:
            raise row.error("category" if "category" in row.fields else "item",
                            f"{row['item'].strip()!r} is new: give its category")
        extra = KINDS[kind][0]
        b.concept(item, [cls] + ([extra] if extra else []), label)
        b.add(item, CKG + "category", category)
        b.add(item, DCT + "source", dataset)
        counts["skills" if kind == "skill" else "tools"] += 1
        category_known = existing.get(category)
        if category_known is None or CKG + "Category" not in category_known.classes:
            new_categories.add(category)

    for category in sorted(new_categories):
        b.concept(category, [CKG + "Category"], _label_from_slug(category))
        b.add(category, DCT + "source", dataset)
    if new_categories:
        counts["categories"] = len(new_categories)
    for subject, predicate, obj in sorted(links):
        b.add(subject, predicate, obj)
    counts["links"] = sum(
        1 for _s, p, _o in links if p in (CKG + "requiresSkill", CKG + "usesTool")
    )
    return b, dict(counts), warnings


class CsvImporter(FileImporter, kind="csv", title="Own roles from {name}"):
    def locate(self, store: Store, path: Path, name: str, options: dict) -> Found:
        self.require_file(path)
        # What the file adds depends on what the other sources already hold.
        others = sorted(f"{s.name}:{s.digest}" for s in store.sources() if s.name != name)
        return Found([path], str(path), depends=others, state=name)

    def read(self, store: Store, found: Found, progress: bool) -> Reading:
        path, name = found.files[0], found.state
        dataset = id_iri("source", name)
        builder, counts, warnings = build_csv(path, _existing(store, name), dataset)
        title = self.title_for(path)
        builder.add(dataset, RDF + "type", PROV + "Entity")
        builder.text(dataset, RDFS + "label", title)
        builder.text(dataset, DCT + "title", title)
        builder.text(dataset, SKOS + "note",
                     f"Imported by careerkg from the CSV file {path.name}.")
        return Reading(builder, counts=counts, warnings=warnings)


CSV_IMPORTER = CsvImporter()


def import_csv(
    store: Store, path: str | Path, *, name: str | None = None, progress: bool = False
) -> ImportReport:
    """Import a CSV file of your own roles and their skills and tools, all or nothing.

    ``path`` is the CSV file (format in the module docstring and ``docs/import.md``); the
    default source name is ``csv-<file stem>``. The report's ``warnings`` name labels or
    categories given for items that already have them.
    The other parameters, the result and the errors are those of
    :func:`~careerkg.graph.importers.pipeline.run_import`;
    an error names the file, line and column.
    """
    return run_import(CSV_IMPORTER, store, path, name=name, progress=progress)

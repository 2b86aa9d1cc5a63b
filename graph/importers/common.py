"""What every importer shares: the report, building triples, provenance, progress, linking.

The steps of an import (locate, digest, read, load, report) are in :mod:`.pipeline`; this
module holds the pieces importers build their triples with.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import CKG, DCAT, DCT, PROV, RDF, RDFS, SKOS, XSD, id_iri, iri_minter
from ..store import Store

__all__ = [
    "IMPORTER_VERSION",
    "ImportReport",
    "Builder",
    "RDF",
    "RDFS",
    "SKOS",
    "DCT",
    "PROV",
    "XSD",
    "normalize_label",
    "slugify",
    "unique_slugs",
    "digest_of",
    "progress",
    "SeedIndex",
    "seed_index",
    "link_roles",
    "id_iri",
    "iri_minter",
    "timer",
]

#: Bump when an importer's mapping changes, so that re-importing the same files rebuilds.
IMPORTER_VERSION = "2"


@dataclass
class ImportReport:
    """What an import did."""

    #: The source name (``onet``, ``esco``, ``csv-<stem>``, ``rdf-<stem>``).
    source: str
    title: str
    #: Triples the source holds now.
    triples: int
    #: What was imported, by kind (``roles``, ``tools`` ...).
    counts: dict[str, int] = field(default_factory=dict)
    #: False when the same input was already imported (nothing was written).
    changed: bool = True
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    def summary(self) -> str:
        """One line for people."""
        if not self.changed:
            return (f"{self.source}: already up to date (same input as the last import); "
                    "nothing changed")
        counts = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in self.counts.items())
        return (f"{self.source}: imported {self.triples:,} triples"
                f"{' (' + counts + ')' if counts else ''} in {self.seconds:.1f} s")


def normalize_label(text: str) -> str:
    """A label as compared when linking: case-folded, whitespace collapsed.

    >>> normalize_label("  Apache   Hadoop ")
    'apache hadoop'
    """
    return " ".join(text.split()).casefold()


_SYMBOLS = (("+", " plus "), ("#", " sharp "), ("&", " and "), ("@", " at "))


def slugify(text: str) -> str:
    """A readable IRI segment for a name.

    >>> [slugify(n) for n in ("C", "C++", "C#", "Microsoft Power BI")]
    ['c', 'c-plus-plus', 'c-sharp', 'microsoft-power-bi']
    """
    for symbol, word in _SYMBOLS:
        text = text.replace(symbol, word)
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """Map names to slugs, one slug per name: names whose slugs collide all get a short
    digest of the exact name appended, so no name's IRI depends on the order of the input.

    >>> unique_slugs(["A.B", "A B", "C"])["C"]
    'c'
    >>> len(set(unique_slugs(["A.B", "A B"]).values()))
    2
    """
    by_slug: dict[str, list[str]] = {}
    for name in dict.fromkeys(names):
        by_slug.setdefault(slugify(name), []).append(name)
    out = {}
    for slug, group in by_slug.items():
        for name in group:
            out[name] = slug if len(group) == 1 else (
                f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
            )
    return out


def digest_of(kind: str, files: Iterable[Path], *extra: str) -> str:
    """A digest of an import's input: the importer, its version, the files' names and bytes
    and anything else the result depends on (such as the seed's digest, for links)."""
    digest = hashlib.sha256(f"{kind}\0{IMPORTER_VERSION}\0".encode())
    for path in files:
        digest.update(Path(path).name.encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    for item in extra:
        digest.update(item.encode() + b"\0")
    return digest.hexdigest()


def progress(iterable=None, *, total=None, desc: str, unit: str, enabled: bool):
    """A tqdm progress bar on standard error, shown only when ``enabled`` and stderr is a
    terminal (so logs and pipes stay clean)."""
    from tqdm import tqdm

    show = enabled and sys.stderr.isatty()
    # A terminal that reports no size (a bare pty) would make tqdm draw nothing.
    size = shutil.get_terminal_size((80, 24))
    return tqdm(
        iterable, total=total, desc=desc, unit=unit, file=sys.stderr, disable=not show,
        leave=False, unit_scale=True, ncols=size.columns or 80, nrows=max(size.lines, 2),
    )


class Builder:
    """Collects the triples of one source (duplicates are dropped, order is kept)."""

    def __init__(self):
        self._triples: dict[ox.Triple, None] = {}
        #: IRI → its node, made once (checking an IRI costs more than the rest of an add)
        self._nodes: dict[str, ox.NamedNode] = {}

    def __len__(self) -> int:
        return len(self._triples)

    def _node(self, iri: str) -> ox.NamedNode:
        node = self._nodes.get(iri)
        if node is None:
            node = self._nodes[iri] = ox.NamedNode(iri)
        return node

    def add(self, subject: str | ox.NamedNode, predicate: str, obj) -> None:
        """Add one triple; IRIs may be given as strings, objects as terms."""
        s = subject if isinstance(subject, ox.NamedNode) else self._node(subject)
        o = obj if isinstance(obj, ox.NamedNode | ox.Literal) else self._node(obj)
        self._triples[ox.Triple(s, self._node(predicate), o)] = None

    def text(self, subject, predicate: str, value: str, language: str | None = "en") -> None:
        """Add a text literal (language-tagged unless ``language`` is None); blank values
        are skipped."""
        value = value.strip()
        if value:
            self.add(subject, predicate, ox.Literal(value, language=language)
                     if language else ox.Literal(value))

    def typed(self, subject, predicate: str, value, datatype: str) -> None:
        self.add(subject, predicate, ox.Literal(str(value), datatype=ox.NamedNode(datatype)))

    def boolean(self, subject, predicate: str, value: bool) -> None:
        self.typed(subject, predicate, "true" if value else "false", XSD + "boolean")

    def concept(self, iri: str, classes: Iterable[str], label: str, *,
                language: str = "en") -> None:
        """A SKOS concept of the given classes with ``rdfs:label`` and ``skos:prefLabel``."""
        for cls in classes:
            self.add(iri, RDF + "type", cls)
        self.add(iri, RDF + "type", SKOS + "Concept")
        self.text(iri, RDFS + "label", label, language)
        self.text(iri, SKOS + "prefLabel", label, language)

    def dataset(
        self,
        iri: str,
        *,
        title: str,
        description: str,
        source: str,
        license: str,
        rights: str,
        derivation: str,
        publisher: str,
    ) -> None:
        """The provenance node of an import: what it was derived from, under which licence,
        with the attribution the licence requires, and how it was changed."""
        self.add(iri, RDF + "type", DCAT + "Dataset")
        self.add(iri, RDF + "type", PROV + "Entity")
        self.text(iri, RDFS + "label", title)
        self.text(iri, DCT + "title", title)
        self.text(iri, DCT + "description", description)
        self.add(iri, DCT + "source", source)
        self.add(iri, PROV + "wasDerivedFrom", source)
        self.add(iri, DCT + "license", license)
        self.text(iri, DCT + "rights", rights)
        self.text(iri, DCT + "publisher", publisher)
        self.text(iri, SKOS + "note", derivation)

    def triples(self) -> list[ox.Triple]:
        return list(self._triples)


# -- linking to the seed ------------------------------------------------------------------

@dataclass
class SeedIndex:
    """The seed's concepts by normalized label, for linking an import to them."""

    #: class IRI → normalized label → concept IRIs having that label
    by_label: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: seed role IRI → outside IRIs it already names with skos:closeMatch / exactMatch
    role_links: dict[str, set[str]] = field(default_factory=dict)
    #: the seed's digest ("" without a seed): imports that link depend on it
    digest: str = ""

    def match(self, cls: str, label: str) -> str | None:
        """The one seed concept of class ``cls`` labelled ``label`` (None if none or if the
        label is ambiguous)."""
        found = self.by_label.get(cls, {}).get(normalize_label(label), set())
        return next(iter(found)) if len(found) == 1 else None

    def roles_matching(self, labels: Iterable[str], outside: Iterable[str]) -> set[str]:
        """Seed roles that carry one of ``labels`` or already link to an ``outside`` IRI."""
        wanted = {normalize_label(label) for label in labels if label}
        outside = set(outside)
        roles = {
            role for label in wanted
            for role in self.by_label.get(CKG + "Role", {}).get(label, set())
        }
        roles |= {role for role, links in self.role_links.items() if links & outside}
        return roles


def seed_index(store: Store, classes: Iterable[str]) -> SeedIndex:
    """Read the labels of the seed's concepts of ``classes`` (and its roles' outside links).

    Only the built-in ``seed`` source is linked to: it is the graph the issue asks imports to
    connect to, and its digest goes into each import's digest so links follow seed changes.
    """
    seed = store.source("seed")
    index = SeedIndex()
    if seed is None:
        return index
    index.digest = seed.digest
    values = " ".join(f"<{c}>" for c in {*classes, CKG + "Role"})
    result = store.query(
        f"""SELECT ?c ?class ?label WHERE {{
              VALUES ?class {{ {values} }}
              ?c a ?class .
              {{ ?c <{RDFS}label> ?label }} UNION {{ ?c <{SKOS}prefLabel> ?label }}
              UNION {{ ?c <{SKOS}altLabel> ?label }}
            }}""",
        default_graphs=[seed.graph],
    )
    for row in result.to_python():
        index.by_label.setdefault(row["class"], {}).setdefault(
            normalize_label(row["label"]), set()
        ).add(row["c"])
    links = store.query(
        f"""SELECT ?role ?outside WHERE {{
              ?role a <{CKG}Role> .
              {{ ?role <{SKOS}closeMatch> ?outside }} UNION {{ ?role <{SKOS}exactMatch> ?outside }}
            }}""",
        default_graphs=[seed.graph],
    )
    for row in links.to_python():
        index.role_links.setdefault(row["role"], set()).add(row["outside"])
    return index


def link_roles(builder: Builder, seed_roles: Iterable[str], imported: str) -> int:
    """State ``skos:closeMatch`` both ways between seed roles and an imported role."""
    count = 0
    for role in sorted(seed_roles):
        builder.add(role, SKOS + "closeMatch", imported)
        builder.add(imported, SKOS + "closeMatch", role)
        count += 1
    return count


def timer() -> float:
    return time.perf_counter()


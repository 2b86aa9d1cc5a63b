"""Search the graph's vocabulary by name, and resolve a person's name for a thing to one IRI.

One index serves both: every SKOS concept of the graph (``ckg:Role``, ``ckg:Skill``,
``ckg:Tool`` and its subclasses, ``ckg:Industry``, and whatever concept classes importers add,
such as categories or ISCO groups) with its names — ``skos:prefLabel`` / ``rdfs:label``
(preferred), ``skos:altLabel`` / ``skos:hiddenLabel`` (alternative: O*NET alternate titles,
ESCO alternative labels) and ``skos:notation`` (codes such as ``15-2051.00``), English or
untagged.

The index is SQLite with an FTS5 full-text table over *keys*: a name folded by
:func:`name_key` (case and accents removed, punctuation to spaces, each word singular), so
"Statisticians", "statistician" and "STATISTICIAN" share one key.  A query is answered in
three tiers, best first:

1. **exact** — a name's key equals the query's key (one B-tree look-up);
2. **prefix** — every word of the query starts a word of the name (FTS5 prefix query);
3. **fuzzy** — words of the query that no name contains are replaced by their closest words
   of the index's vocabulary (:mod:`rapidfuzz`, edit distance), then matched as in 2 and
   scored by the similarity of the whole name to the query.

Within a tier a preferred label or code ranks above an alternative one.  Each thing appears
once, with the name that matched best (``matched``).

Why one module of ~700 lines: the index's schema, the folding of names into keys, the three
tiers that read that schema and the resolver that ranks by the same tiers change together;
split apart, each half would have to know the other's table layout and key rules.

Where the index lives: for an on-disk store, in a file beside the store's directory
(``<store>.search.sqlite``) keyed by a fingerprint of the store's sources (name, graph and
digest of each): an import or a drop changes it, and the next search rebuilds the file.
For memory and remote stores the index is held in memory, rebuilt the same way when the
sources change.  :func:`search_index` keeps one index per store.

>>> from careerkg.graph.factory import open_store
>>> store = open_store(None)
>>> [(hit.label, hit.type) for hit in search(store, "machine lerning engineer", limit=1)]
[('Machine learning engineer', 'role')]
>>> resolve_name(store, "data scientists").iri
'https://w3id.org/careerkg/id/role/data-scientist'
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .background import prepare
from .errors import CareerKGError, NotFound
from .labels import local_name
from .namespaces import CKG, PREFIXES, RDFS, SKOS, compact
from .sparql import sparql_term
from .store import Store

__all__ = [
    "TYPES",
    "PREFERRED",
    "CODE",
    "ALTERNATIVE",
    "Entry",
    "Hit",
    "Resolved",
    "SearchIndex",
    "NameNotFound",
    "AmbiguousName",
    "name_key",
    "search",
    "search_index",
    "index_path",
    "read_entries",
    "resolve_name",
    "clear_search_cache",
]

#: The main kinds of things, each a class of the ontology; a thing of a subclass (a
#: ``ckg:ProgrammingLanguage`` is a ``ckg:Tool``) has its superclass's type.
TYPES: dict[str, str] = {
    "role": CKG + "Role",
    "skill": CKG + "Skill",
    "tool": CKG + "Tool",
    "industry": CKG + "Industry",
}

#: Kinds of names, in the order they rank within a tier.
PREFERRED, CODE, ALTERNATIVE = 0, 1, 2
_NAME_KINDS = {
    SKOS + "prefLabel": PREFERRED,
    RDFS + "label": PREFERRED,
    SKOS + "notation": CODE,
    SKOS + "altLabel": ALTERNATIVE,
    SKOS + "hiddenLabel": ALTERNATIVE,
}
_TYPE_ORDER = {name: rank for rank, name in enumerate(TYPES)}
#: The score band of each tier, for (preferred label or code, alternative label): a match
#: of a better tier or kind always ranks first; :meth:`SearchIndex._bonus` orders within.
_BANDS = {
    "exact": (1.0, 0.9),
    "prefix": (0.8, 0.65),
    "fuzzy": (0.5, 0.4),
    "partial": (0.3, 0.2),
}

#: How many names a tier reads from the index before ranking (enough for any page of
#: results; bounds the work of one-letter queries).
_CANDIDATES = 200
#: Time limit of each query that reads the vocabulary (seconds): careerkg's own queries,
#: linear in the size of the data, get more time than a visitor's query.
INDEX_QUERY_TIMEOUT = 120.0
#: The least rapidfuzz similarity (0-100) of a name to the query for a fuzzy match.
_NAME_CUTOFF = 60.0


# -- keys ------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\W_]+")


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")) or not word.endswith("s"):
        return word
    return word[:-1]


def _folded(text: str) -> str:
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(text: str) -> str:
    """A name folded for matching: no case, no accents, words split at punctuation, each
    word singular.

    >>> name_key("Statisticians")
    'statistician'
    >>> name_key("Ingénieur  en DONNÉES")
    'ingenieur en donnee'
    >>> name_key("15-2051.00")
    '15 2051 00'
    >>> name_key("Business analysis")
    'business analysis'
    """
    return " ".join(_singular(w) for w in _SEPARATORS.split(_folded(text)) if w)


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One thing to index: its IRI, type, display label, first code, and every name as
    ``(text, kind)`` with kind :data:`PREFERRED`, :data:`CODE` or :data:`ALTERNATIVE`."""

    iri: str
    type: str
    label: str
    code: str | None
    names: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    label: str
    type: str
    code: str | None
    score: float
    #: The name that matched (the label, a code or an alternative label).
    matched: str
    #: ``exact``, ``prefix`` or ``fuzzy``.
    tier: str

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label, "type": self.type, "code": self.code,
                "score": self.score, "matched": self.matched}


@dataclass(frozen=True)
class Resolved:
    """What :func:`resolve_name` found: the thing, and how its name matched."""

    iri: str
    label: str
    type: str
    #: ``IRI``, ``code``, ``local name``, ``label`` or ``alternative label``.
    matched_by: str

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label}


def _listing(candidates: list[tuple[str, str]]) -> str:
    return "; ".join(f"{label} ({compact(ox.NamedNode(iri))})" for iri, label in candidates)


class NameNotFound(NotFound):
    """Nothing of the type has this name; ``candidates`` lists close ones as
    ``(iri, label)``, best first.  The message lists them too; ``summary`` is the message
    without them, for a page that shows the candidates as links."""

    def __init__(self, message: str, candidates: list[tuple[str, str]] | None = None,
                 summary: str | None = None):
        super().__init__(message)
        self.candidates = candidates or []
        self.summary = summary or message


class AmbiguousName(CareerKGError, LookupError):
    """A name shared by several things of the type; ``candidates`` lists them as
    ``(iri, label)``; ``summary`` is the message without them."""

    def __init__(self, message: str, candidates: list[tuple[str, str]],
                 summary: str | None = None):
        super().__init__(message)
        self.candidates = candidates
        self.summary = summary or message


# -- reading the vocabulary from the store ---------------------------------------------------

_CLASSES_QUERY = f"""SELECT DISTINCT ?class ?main WHERE {{
  {{ ?class <{RDFS}subClassOf>+ <{SKOS}Concept> }} UNION {{ BIND(<{SKOS}Concept> AS ?class) }}
  OPTIONAL {{ VALUES ?main {{ {" ".join(f"<{c}>" for c in TYPES.values())} }}
             ?class <{RDFS}subClassOf>* ?main }}
}}"""


def _names_query(classes: Iterable[str]) -> str:
    values = " ".join(f"<{c}>" for c in sorted(classes))
    predicates = " ".join(f"<{p}>" for p in _NAME_KINDS)
    return f"""SELECT ?s ?class ?p ?name WHERE {{
  VALUES ?class {{ {values} }}
  ?s a ?class .
  VALUES ?p {{ {predicates} }}
  ?s ?p ?name .
  FILTER(isIRI(?s) && isLiteral(?name) && (lang(?name) = '' || langMatches(lang(?name), 'en')))
}}"""


def _type_name(class_iri: str) -> str:
    local = re.split(r"[/#]", class_iri)[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", local).lower() or "concept"


def read_entries(store: Store) -> list[Entry]:
    """Every concept of the store with its names (two SPARQL queries)."""
    main_of: dict[str, str | None] = {}
    for row in store.query(_CLASSES_QUERY, timeout=INDEX_QUERY_TIMEOUT).to_python():
        main = row.get("main")
        if main is not None or row["class"] not in main_of:
            main_of[row["class"]] = main
    order = list(TYPES.values())
    types: dict[str, set[str]] = {}
    names: dict[str, dict[tuple[str, int], None]] = {}
    labels: dict[str, dict[str, str]] = {}
    codes: dict[str, list[str]] = {}
    rows = store.query(_names_query(main_of), timeout=INDEX_QUERY_TIMEOUT).to_python()
    for row in rows:
        iri, name, predicate = row["s"], str(row["name"]), row["p"]
        types.setdefault(iri, set()).add(row["class"])
        kind = _NAME_KINDS[predicate]
        names.setdefault(iri, {})[(name, kind)] = None
        if kind == PREFERRED:
            labels.setdefault(iri, {}).setdefault(predicate, name)
        elif kind == CODE:
            codes.setdefault(iri, []).append(name)
    entries = []
    for iri, classes in types.items():
        mains = {main_of[c] for c in classes} - {None}
        if mains:
            kind = next(k for k, c in TYPES.items() if c == min(mains, key=order.index))
        else:
            specific = sorted(c for c in classes if c != SKOS + "Concept")
            kind = _type_name(specific[0]) if specific else "concept"
        own = labels.get(iri, {})
        label = own.get(SKOS + "prefLabel") or own.get(RDFS + "label") or local_name(iri)
        code = min(codes[iri]) if iri in codes else None
        entries.append(Entry(iri, kind, label, code, tuple(names.get(iri, {}))))
    return entries


# -- the index -------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entity(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, type TEXT NOT NULL,
                    label TEXT NOT NULL, code TEXT, local TEXT NOT NULL);
CREATE TABLE name(id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, text TEXT NOT NULL,
                  kind INTEGER NOT NULL, key TEXT NOT NULL);
CREATE VIRTUAL TABLE name_fts USING fts5(key, content='name', content_rowid='id',
                                         tokenize='unicode61', prefix='1 2 3 4 5 6');
"""
_INDEXES = """
CREATE INDEX entity_iri ON entity(iri);
CREATE INDEX entity_local ON entity(local);
CREATE INDEX name_key ON name(key);
INSERT INTO name_fts(name_fts) VALUES ('rebuild');
"""


def _write_index(db: sqlite3.Connection, entries: Iterable[Entry], fingerprint: str) -> None:
    db.executescript(_SCHEMA)
    entity_rows, name_rows = [], []
    for number, entry in enumerate(entries, start=1):
        entity_rows.append((number, entry.iri, entry.type, entry.label, entry.code,
                            local_name(entry.iri).casefold()))
        for text, kind in entry.names:
            key = name_key(text)
            if key:
                name_rows.append((number, text, kind, key))
    # Names are numbered best first (preferred before alternative, short before long), and
    # full-text matches come in that order: the first rows of a match are its best names,
    # so a query reads a few hundred rows however common its words are.
    name_rows.sort(key=lambda row: (row[2] == ALTERNATIVE, len(row[3]), row[3], row[0]))
    db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?)", entity_rows)
    db.executemany("INSERT INTO name(entity, text, kind, key) VALUES (?, ?, ?, ?)", name_rows)
    db.executescript(_INDEXES)
    db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
    db.commit()


class SearchIndex:
    """A built index (SQLite, in memory or in a file), ready to answer queries.

    Build one with :meth:`build` (from :class:`Entry` objects) or get the one of a store
    with :func:`search_index`.  Safe to share between threads.
    """

    def __init__(self, db: sqlite3.Connection, path: Path | None = None):
        self._db = db
        self._lock = threading.Lock()
        self.path = path
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        self.fingerprint = row[0] if row else ""
        words = {w for (key,) in db.execute("SELECT key FROM name") for w in key.split()}
        self._words = set(words)
        self._by_length: dict[int, list[str]] = {}
        for word in sorted(words):
            self._by_length.setdefault(len(word), []).append(word)
        self.size = db.execute("SELECT COUNT(*) FROM entity").fetchone()[0]

    @classmethod
    def build(cls, entries: Iterable[Entry], *, fingerprint: str = "",
              path: Path | None = None) -> SearchIndex:
        """Index ``entries`` in memory, or in the file ``path`` (written to a temporary file
        beside it and moved into place, so readers never see half an index)."""
        if path is None:
            db = sqlite3.connect(":memory:", check_same_thread=False)
            _write_index(db, entries, fingerprint)
            return cls(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp",
                                             dir=path.parent)
        os.close(handle)
        try:
            os.chmod(temporary, 0o644)  # readable like the store beside it, not only by us
            db = sqlite3.connect(temporary)
            try:
                _write_index(db, entries, fingerprint)
            finally:
                db.close()
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: Path) -> SearchIndex:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        return cls(db, path)

    def close(self) -> None:
        self._db.close()

    # -- searching ---------------------------------------------------------------------------
    def _rows(self, sql: str, args: tuple) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    _SELECT = ("SELECT e.iri, e.label, e.type, e.code, n.text, n.kind, n.key "
               "FROM name n JOIN entity e ON e.id = n.entity ")

    def _exact(self, key: str, type: str | None) -> list[tuple]:
        sql = self._SELECT + "WHERE n.key = ?" + (" AND e.type = ?" if type else "")
        return self._rows(sql + f" LIMIT {_CANDIDATES}", (key, type) if type else (key,))

    def _matching(self, expression: str, type: str | None) -> list[tuple]:
        sql = (self._SELECT + "JOIN name_fts f ON f.rowid = n.id WHERE name_fts MATCH ?"
               + (" AND e.type = ?" if type else "") + f" LIMIT {_CANDIDATES}")
        return self._rows(sql, (expression, type) if type else (expression,))

    def _corrections(self, word: str) -> list[str]:
        """``word`` and the words of the index within its edit distance (none for words of
        one or two letters, one for up to five, two beyond: Elasticsearch's "AUTO"); words
        with digits are taken as they are."""
        if word in self._words or len(word) < 3 or not word.isalpha():
            return [word]
        edits = 1 if len(word) <= 5 else 2
        found = []
        for n in range(len(word) - edits, len(word) + edits + 1):
            found += process.extract(word, self._by_length.get(n, ()),
                                     scorer=Levenshtein.distance, score_cutoff=edits, limit=4)
        found.sort(key=lambda f: (f[1], f[0]))
        found = found[:4]
        return [word] + [w for w, _distance, _i in found]

    @staticmethod
    def _bonus(tier: str, key: str, words: list[str], name: str) -> float | None:
        """Where a name stands within its band (0 to 0.1), or ``None`` when it is too far
        from the query to count."""
        if tier == "exact":
            return 0.0
        if tier == "fuzzy":
            similarity = max(fuzz.ratio(key, name), 0.9 * fuzz.partial_ratio(key, name))
            if similarity < _NAME_CUTOFF:
                return None
            return 0.099 * (similarity - _NAME_CUTOFF) / (100 - _NAME_CUTOFF)
        tokens = name.split()
        if tier == "partial":
            found = sum(any(t.startswith(w) for t in tokens) for w in words)
            return 0.099 * found / len(words)
        whole = all(w in tokens for w in words)
        return (0.04 * name.startswith(key) + 0.04 * whole
                + 0.019 * len(key) / max(len(name), 1))

    def search(self, text: str, *, type: str | None = None, limit: int = 10) -> list[Hit]:
        """The things whose names match ``text``, best first (at most ``limit``)."""
        key = name_key(text)
        if not key or limit <= 0:
            return []
        best: dict[str, Hit] = {}
        words = key.split()

        def consider(rows: list[tuple], tier: str) -> None:
            for iri, label, kind_name, code, matched, kind, name in rows:
                bonus = self._bonus(tier, key, words, name)
                if bonus is None:
                    continue
                score = round(_BANDS[tier][kind == ALTERNATIVE] + bonus - 0.005 * (kind == CODE),
                              4)
                current = best.get(iri)
                if current is None or score > current.score:
                    best[iri] = Hit(iri, label, kind_name, code, score, matched, tier)

        consider(self._exact(key, type), "exact")
        if len(best) < limit:
            consider(self._matching(" ".join(f'"{w}"*' for w in words), type), "prefix")
        if len(best) < limit:
            options = [self._corrections(w) for w in words]
            if any(len(o) > 1 for o in options):
                consider(self._matching(" AND ".join(
                    "(" + " OR ".join(f'"{w}"*' for w in o) + ")" for o in options
                ), type), "fuzzy")
        if len(best) < limit and len(words) > 1 and key.replace(" ", "").isalpha():
            consider(self._matching(" OR ".join(f'"{w}"*' for w in words), type), "partial")
        ranked = sorted(best.values(), key=lambda h: (
            -h.score, _TYPE_ORDER.get(h.type, len(_TYPE_ORDER)), h.matched.casefold(),
            h.label.casefold(), h.iri))
        return ranked[:limit]

    # -- resolving ---------------------------------------------------------------------------
    def lookup_iri(self, iri: str, type: str | None) -> list[tuple[str, str, str]]:
        """``(iri, label, type)`` of the thing with this IRI (case-insensitively)."""
        sql = "SELECT iri, label, type FROM entity WHERE lower(iri) = lower(?)"
        rows = self._rows(sql + (" AND type = ?" if type else ""),
                          (iri, type) if type else (iri,))
        return rows

    def lookup_local(self, local: str, type: str | None) -> list[tuple[str, str, str]]:
        sql = "SELECT iri, label, type FROM entity WHERE local = ?"
        return self._rows(sql + (" AND type = ?" if type else ""),
                          (local.casefold(), type) if type else (local.casefold(),))

    def lookup_name(self, key: str, kinds: tuple[int, ...], type: str | None
                    ) -> list[tuple[str, str, str, str]]:
        """``(iri, label, type, name)`` of the names of these kinds with this key."""
        marks = ", ".join("?" for _ in kinds)
        sql = ("SELECT DISTINCT e.iri, e.label, e.type, n.text FROM name n JOIN entity e ON "
               f"e.id = n.entity WHERE n.key = ? AND n.kind IN ({marks})")
        args = (key, *kinds) + ((type,) if type else ())
        return self._rows(sql + (" AND e.type = ?" if type else ""), args)

    def some(self, type: str | None, n: int) -> tuple[list[tuple[str, str]], int]:
        """The first ``n`` things by label, and how many there are."""
        where = " WHERE type = ?" if type else ""
        args = (type,) if type else ()
        total = self._rows("SELECT COUNT(*) FROM entity" + where, args)[0][0]
        rows = self._rows(f"SELECT iri, label FROM entity{where} "
                          f"ORDER BY lower(label), iri LIMIT {int(n)}", args)
        return [(iri, label) for iri, label in rows], total


# -- one index per store ---------------------------------------------------------------------

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def index_path(store: Store) -> Path | None:
    """The file that keeps an on-disk store's index (beside the store's directory)."""
    return store.beside("search.sqlite")


def search_index(store: Store) -> SearchIndex:
    """The index of ``store``, built on first use and rebuilt when its sources change (in
    the background for a request with a deadline: :mod:`careerkg.graph.background`)."""
    fingerprint = store.fingerprint()
    with _CACHE_LOCK:
        current = _CACHE.get(store)
        if current is not None and current.fingerprint == fingerprint:
            return current

    def build() -> SearchIndex:
        path = index_path(store)
        index = None
        if path is not None and path.is_file():
            try:
                found = SearchIndex.open(path)
            except sqlite3.Error:
                found = None
            if found is not None and found.fingerprint == fingerprint:
                index = found
            elif found is not None:
                found.close()
        if index is None:
            entries = read_entries(store)
            try:
                index = SearchIndex.build(entries, fingerprint=fingerprint, path=path)
            except OSError:  # the store's folder is read-only: keep the index in memory
                index = SearchIndex.build(entries, fingerprint=fingerprint)
        with _CACHE_LOCK:
            old = _CACHE.get(store)
            _CACHE[store] = index
        if old is not None and old is not index:
            old.close()
        return index

    return prepare((id(store), "search index", fingerprint), build, what="the search index")


def clear_search_cache(store: Store | None = None) -> None:
    """Forget cached indexes (of one store, or of all); files on disk stay."""
    with _CACHE_LOCK:
        for key in [store] if store is not None else list(_CACHE.keys()):
            index = _CACHE.pop(key, None)
            if index is not None:
                index.close()


def _check_type(type: str | None) -> None:
    if type is not None and type not in TYPES:
        raise ValueError(f"unknown type {type!r}: use one of {', '.join(TYPES)}")


def search(store: Store, text: str, *, type: str | None = None, limit: int = 10) -> list[Hit]:
    """Search the names of the store's things (see the module's description).

    Parameters
    ----------
    store
        Where the things are.
    text
        What the person typed: a name or part of one, a code, with or without typos.
    type
        Only things of this type (``role``, ``skill``, ``tool`` or ``industry``).
    limit
        At most this many results.

    Returns
    -------
    list of Hit
        Best first: exact matches, then word-prefix matches, then fuzzy ones; within each,
        preferred labels and codes before alternative labels.

    Raises
    ------
    ValueError
        For an unknown ``type``.
    """
    _check_type(type)
    return search_index(store).search(text, type=type, limit=limit)


# -- resolving names -------------------------------------------------------------------------

def _as_iri(name: str) -> str | None:
    """The IRI a name spells (``<...>``, ``http(s)://...`` or a known ``prefix:local``)."""
    if not re.match(r"^(<.*>|https?://\S+|[A-Za-z][\w.-]*:\S*)$", name):
        return None
    try:
        term = sparql_term(name, PREFIXES)
    except ValueError:
        return None
    return term[1:-1] if term.startswith("<") else None


def resolve_name(store: Store, name: str, type: str | None = "role") -> Resolved:
    """Find the one thing a person means by ``name``.

    ``name`` may be the IRI (``<...>`` or bare), a prefixed name (``role:data-scientist``),
    the IRI's local name (``data-scientist``), a code (``15-2051.00``), a label or an
    alternative label — in any case, with or without accents, singular or plural.  The first
    of these kinds of match that finds anything decides: an IRI beats a code, a code a local
    name, a local name a label, a label an alternative label.

    Parameters
    ----------
    store
        Where the things are.
    name
        What the person typed (runs of spaces count as one).
    type
        The type of thing meant (``role`` by default), or ``None`` for any.

    Returns
    -------
    Resolved
        The IRI, label and type, and which kind of name matched.

    Raises
    ------
    NameNotFound
        Nothing of the type has that name; ``candidates`` are the best search results (or,
        when there are none, the first things by label).
    AmbiguousName
        Several things match at the same level; ``candidates`` lists them.
    ValueError
        For an unknown ``type``.
    """
    _check_type(type)
    what = type or "thing"
    name = " ".join(str(name).split())
    if not name:
        raise NameNotFound(f"no {what} named: the name is empty")
    index = search_index(store)
    key = name_key(name)
    iri = _as_iri(name)
    tiers = [
        ("IRI", lambda: index.lookup_iri(iri, type) if iri else []),
        ("code", lambda: index.lookup_name(key, (CODE,), type)),
        ("local name", lambda: index.lookup_local(name, type) if " " not in name else []),
        ("label", lambda: index.lookup_name(key, (PREFERRED,), type)),
        ("alternative label", lambda: index.lookup_name(key, (ALTERNATIVE,), type)),
    ]
    for matched_by, find in tiers:
        if not key and matched_by != "IRI":
            break
        rows = find()
        # Several things whose names fold to the same key: one spelled exactly as asked
        # (but for case and accents) wins ("Data scientists" over "Data Scientist").
        exact = [r for r in rows if len(r) > 3 and _folded(r[3]) == _folded(name)]
        if len({r[0] for r in rows}) > 1 and len({r[0] for r in exact}) == 1:
            rows = exact
        found = {r[0]: (r[1], r[2]) for r in rows}
        if len(found) == 1:
            ((iri_, (label, kind)),) = found.items()
            return Resolved(iri_, label, kind, matched_by)
        if found:
            candidates = sorted(((i, label) for i, (label, _k) in found.items()),
                                key=lambda c: (c[1].casefold(), c[0]))
            raise AmbiguousName(
                f"{name!r} names {len(candidates)} {what}s (by {matched_by}): "
                f"{_listing(candidates)}. Name one by its IRI or code.",
                candidates,
                summary=f"{name!r} names {len(candidates)} {what}s; pick one:",
            )
    hits = index.search(name, type=type, limit=10) if key else []
    if hits:
        candidates = [(h.iri, h.label) for h in hits]
        raise NameNotFound(f"no {what} named {name!r}; did you mean: {_listing(candidates)}?",
                           candidates, summary=f"no {what} named {name!r}; did you mean:")
    every, total = index.some(type, 10)
    if not every:
        raise NameNotFound(f"no {what} named {name!r}: the graph has no {what}s")
    more = f" (and {total - len(every)} more)" if total > len(every) else ""
    raise NameNotFound(f"no {what} named {name!r}; the {what}s are: {_listing(every)}{more}",
                       every, summary=f"no {what} named {name!r}; some of the {what}s are:")

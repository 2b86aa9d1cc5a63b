"""The one interface through which careerkg reads and writes its graph.

Three kinds of store share it:

* :class:`OxigraphStore` — Oxigraph in this process, in memory (the default, built from the
  packaged Turtle sources at start-up) or on disk (``--store PATH``);
* :class:`~careerkg.graph.remote.RemoteStore` — any SPARQL 1.1 engine over HTTP
  (``--store http://host/query``);
* :class:`~careerkg.graph.executor.IsolatedStore` — either local kind with every read run in a
  worker process that is killed at its deadline (what the web server uses).

This module knows none of them but its own: :mod:`careerkg.graph.factory` chooses and opens
a store (and seeds it), everything else asks it.

Data is organised in *sources*: each source (the ontology, the seed article, an O*NET import,
a user's file) lives in its own named graph, and a small registry graph says which graph holds
each source.  Replacing a source loads the new data into a fresh graph, then switches the
registry entry in one update, then drops the old graph: a failure at any point leaves the
previous state readable, and :meth:`Store.recover` drops graphs that no registry entry names
(left by a crash).  The default graph of every query is the union of the live graphs.

Why one module of ~650 lines: the registry protocol (pending marks, the atomic switch,
recovery) is written once in :class:`Store` and used by every kind; :class:`OxigraphStore`
is its reference implementation and is kept beside it so the two are read together.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox

from .errors import (
    InputError,
    NotFound,
    StoreBusyError,
    StoreError,
    input_error_from_engine,
)
from .formats import RdfFormatInfo, rdf_format
from .namespaces import CKG, DCT, GRAPH, PREFIXES, REGISTRY_GRAPH, XSD
from .results import QueryResult, ResultInfo, collect, serialize_answer
from .sparql import QuerySyntaxError, analyse, capped, syntax_error_from_engine

__all__ = [
    "Source",
    "Payload",
    "Store",
    "OxigraphStore",
    "check_rdf_input",
    "file_digest",
    "DEFAULT_GRAPH_NAMES",
    "HEAD_BYTES",
]

#: A graph marked as being loaded for longer than this is taken as left by a crash.
PENDING_TIMEOUT = timedelta(hours=6)
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """One source of the graph, as the registry records it."""

    name: str
    graph: str
    title: str
    triples: int
    digest: str
    loaded: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Payload:
    """RDF to load: serialized bytes, a file, or triples produced by an importer."""

    data: bytes | None = None
    path: Path | None = None
    format: RdfFormatInfo | None = None
    triples: Iterable[ox.Triple] | None = None
    #: The name to give in error messages (a file name) when ``path`` is not set.
    label: str | None = None
    base_iri: str | None = None

    @property
    def where(self) -> str:
        return str(self.path) if self.path is not None else (self.label or "<input>")


_DTD_ENTITY = re.compile(rb"<!ENTITY|<!DOCTYPE[^>]*\[", re.IGNORECASE)
#: What may stand before the root element of an XML document: the XML declaration and
#: processing instructions, comments, white space (and a byte-order mark).
_XML_PROLOG_ITEM = re.compile(
    rb"\xef\xbb\xbf|\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*>", re.DOTALL | re.IGNORECASE
)
#: How much of an input :func:`check_rdf_input` is given (callers read this many bytes).
HEAD_BYTES = 65536


def check_rdf_input(head: bytes, fmt: RdfFormatInfo, where: str) -> None:
    """Refuse input that parsers would expand dangerously (XML entity declarations).

    Oxigraph expands internal XML entities: a few hundred bytes of nested entities become
    gigabytes (the "billion laughs").  RDF/XML never needs a DTD, so any entity declaration
    is refused before parsing.  ``head`` is the first :data:`HEAD_BYTES` of the input: a
    document whose prolog (what comes before the root element, where a DTD would be) does
    not end within them is refused too, so padding cannot push a DTD out of sight.
    """
    if fmt.name != "rdfxml":
        return
    found = _DTD_ENTITY.search(head)
    if found:
        raise InputError(
            "RDF/XML with a DTD or entity declarations is not accepted "
            "(entities can expand without bound); remove the <!DOCTYPE ...> block",
            file=where,
            line=head[: found.start()].count(b"\n") + 1,
        )
    position = 0
    while item := _XML_PROLOG_ITEM.match(head, position):
        position = item.end()
    root_seen = position < len(head) and not head.startswith((b"<!", b"<?"), position)
    if not root_seen and len(head) >= HEAD_BYTES:
        raise InputError(
            f"the RDF/XML prolog (comments and declarations before the root element) is "
            f"longer than {HEAD_BYTES // 1024} KiB; shorten it",
            file=where, line=head.count(b"\n") + 1,
        )


def _literal(value, datatype: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(datatype))
    return ox.Literal(str(value))


class Store(ABC):
    """What the rest of careerkg may do with a graph store."""

    #: ``memory``, ``disk`` or ``remote``.
    kind: str = "abstract"
    #: Whether no other process can write the store while this one has it open (so a graph
    #: marked as being loaded can only be left over from a crash).
    exclusive: bool = False
    #: A path or URL, or ``None`` for memory.
    location: str | None = None
    read_only: bool = False

    # -- reading ---------------------------------------------------------------------
    @abstractmethod
    def _answer(self, text: str, default_graphs: list[str] | None,
                named_graphs: list[str] | None, timeout: float | None):
        """Run a SPARQL query; return the engine's answer as pyoxigraph gives it
        (:class:`pyoxigraph.QuerySolutions`, :class:`pyoxigraph.QueryBoolean` or triples).

        Raises :class:`~careerkg.graph.sparql.QuerySyntaxError` on a malformed query.
        """

    def query(
        self,
        text: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a SPARQL query.  Without ``default_graphs`` the default graph is the union
        of the live source graphs.  ``limit`` caps the rows (the result says when it was
        cut); ``timeout`` is honoured by stores that can stop a query.

        Raises :class:`~careerkg.graph.sparql.QuerySyntaxError` on a malformed query.
        """
        return collect(self._answer(text, default_graphs, named_graphs, timeout), limit)

    def query_serialized(
        self,
        text: str,
        fmt: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> tuple[bytes, ResultInfo]:
        """Run a query and serialize its answer as ``fmt`` (a results or RDF format name)
        with the engine's serializer, at most ``limit`` rows.

        A SELECT whose own ``LIMIT`` is higher than ``limit`` (or that has none) asks the
        engine for ``limit + 1`` rows (:func:`~careerkg.graph.sparql.capped`): the engine
        stops there, and the extra row tells that the answer was cut.  Returns the bytes and
        a :class:`ResultInfo` (kind, row count, truncation).  Isolated stores serialize in
        the worker, so only the bytes cross processes.
        """
        info = analyse(text)
        cap = limit
        if info.form == "ASK" or (info.form == "SELECT" and info.limit is not None
                                  and limit is not None and info.limit <= limit):
            cap = None  # the cap cannot cut this answer
        answer = None
        if cap is not None and info.form == "SELECT":
            try:
                answer = self._answer(capped(text, cap + 1), default_graphs, named_graphs,
                                      timeout)
            except QuerySyntaxError:  # the engine's message is about the text as written
                answer = None
        if answer is None:
            answer = self._answer(text, default_graphs, named_graphs, timeout)
        body, result = serialize_answer(answer, fmt, cap)
        return body, replace(result, limit=limit)

    @abstractmethod
    def graph_names(self) -> list[str]:
        """The names of every named graph in the store (live or not)."""

    @abstractmethod
    def dump_graph(self, graph: str, fmt: RdfFormatInfo) -> bytes:
        """One graph serialized by the engine."""

    def export(self, fmt: str = "turtle") -> bytes:
        """The whole graph — every live source but the registry — as one document.

        Output is deterministic: sources in name order, each graph in the engine's order,
        the project's prefixes in a fixed order.
        """
        info = rdf_format(fmt)
        graphs = [s.graph for s in sorted(self.sources(), key=lambda s: s.name)]
        if info.name in ("turtle", "ntriples", "nquads"):
            chunks = [self.dump_graph(g, info) for g in graphs]
            return _join_dumps(chunks)
        triples = self._triples_of(graphs)
        return ox.serialize(triples, format=info.engine, prefixes=PREFIXES) or b""

    def _triples_of(self, graphs: list[str]) -> Iterator[ox.Triple]:
        seen = set() if len(graphs) > 1 else None
        for graph in graphs:
            result = self.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=[graph]
            )
            for triple in result.triples:
                if seen is not None:
                    if triple in seen:
                        continue
                    seen.add(triple)
                yield triple

    def count(self) -> int:
        """Triples in the live sources (as the registry counted them at load)."""
        return sum(s.triples for s in self.sources())

    def fingerprint(self) -> str:
        """The live sources (names, graphs, digests) as one hash: what is derived from the
        graph and kept (the search index, the requirement graph) is keyed by it."""
        parts = [f"{s.name}\t{s.graph}\t{s.digest}" for s in self.sources()]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def beside(self, suffix: str) -> Path | None:
        """``<store folder>.<suffix>``: a file beside an on-disk store for what is derived
        from it; None for a store in memory or remote."""
        if self.kind != "disk" or not self.location:
            return None
        location = Path(self.location).expanduser()
        return location.parent / f"{location.name}.{suffix}"

    def sources(self) -> list[Source]:
        """The live sources, by name."""
        result = self.query(
            f"""PREFIX ckg: <{CKG}> PREFIX dct: <{DCT}>
            SELECT ?g ?name ?title ?n ?digest ?loaded WHERE {{
              GRAPH <{REGISTRY_GRAPH}> {{
                ?g a ckg:SourceGraph ; ckg:sourceName ?name ; ckg:tripleCount ?n ;
                   ckg:digest ?digest ; dct:modified ?loaded .
                OPTIONAL {{ ?g dct:title ?title }}
              }}
            }} ORDER BY ?name""",
            default_graphs=[REGISTRY_GRAPH],
            named_graphs=[REGISTRY_GRAPH],
        )
        return [
            Source(
                name=row["name"],
                graph=row["g"],
                title=row.get("title", row["name"]),
                triples=int(row["n"]),
                digest=row["digest"],
                loaded=row["loaded"],
            )
            for row in result.to_python()
        ]

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources() if s.name == name), None)

    # -- writing ---------------------------------------------------------------------
    @abstractmethod
    def update(self, text: str) -> None:
        """Run a SPARQL update (used by the admin path and by source bookkeeping)."""

    @abstractmethod
    def _insert(self, payload: Payload, graph: str) -> int:
        """Load a payload into ``graph`` (which is new and empty); return triples added.

        Raises :class:`InputError` on malformed input.
        """

    @abstractmethod
    def _drop_graph(self, graph: str) -> None:
        """Remove a graph and everything in it; no error if it does not exist."""

    def replace_source(
        self,
        name: str,
        payload: Payload,
        *,
        title: str | None = None,
        digest: str | None = None,
    ) -> tuple[Source, bool]:
        """Load ``payload`` as source ``name``, replacing what it held, all or nothing.

        When ``digest`` equals the live source's, nothing is loaded (re-import is
        idempotent).  Returns the live source and whether anything changed.
        """
        if not _SOURCE_NAME.match(name):
            raise ValueError(
                f"invalid source name {name!r}: use lowercase letters, digits, '.', '_' or '-'"
            )
        self._check_writable()
        current = self.source(name)
        if digest is not None and current is not None and current.digest == digest:
            return current, False
        graph = f"{GRAPH}{name}/{uuid.uuid4().hex[:12]}"
        # Mark the new graph as being loaded first, so that another process's recover()
        # (every `careerkg` command on a shared remote store runs one) leaves it alone.
        self.update(_pending_update(graph, _now()))
        try:
            triples = self._insert(payload, graph)
        except BaseException:
            self._drop_graph(graph)
            self.update(_pending_update(graph, None))
            raise
        loaded = _now()
        entry = {
            "g": graph,
            "name": name,
            "title": title or name,
            "n": triples,
            "digest": digest or "",
            "loaded": loaded,
        }
        try:
            self.update(_registry_update(name, entry) + " ;\n" + _pending_update(graph, None))
        except BaseException:
            self._drop_graph(graph)
            self.update(_pending_update(graph, None))
            raise
        if current is not None:
            self._drop_graph(current.graph)
        return (
            Source(
                name=name, graph=graph, title=entry["title"], triples=triples,
                digest=entry["digest"], loaded=loaded,
            ),
            True,
        )

    def drop_source(self, name: str) -> Source:
        """Remove a source and its graph.  Raises :class:`NotFound` for an unknown source."""
        self._check_writable()
        current = self.source(name)
        if current is None:
            known = ", ".join(s.name for s in self.sources()) or "none"
            raise NotFound(f"no source named {name!r} (sources: {known})")
        self.update(_registry_update(name, None))
        self._drop_graph(current.graph)
        return current

    def recover(self) -> list[str]:
        """Drop source graphs that the registry does not name (left by a crashed import).

        A graph marked as being loaded is another import in progress, unless this process
        holds the store exclusively (``exclusive``: memory, or disk with its lock) or the
        mark is older than :data:`PENDING_TIMEOUT`; only then is it dropped.
        """
        if self.read_only:
            return []
        # The graphs first, the registry after, in one query: a graph that exists already
        # got its "being loaded" mark before its first triple, and the registry update that
        # makes it live removes the mark at the same time, so one read of the registry sees
        # it as live or as pending (two reads could see neither, and drop a loaded source).
        names = self.graph_names()
        live, pending = self._registry_state()
        cutoff = datetime.now(UTC) - PENDING_TIMEOUT
        stale = [
            g for g in names
            if g.startswith(GRAPH) and g != REGISTRY_GRAPH and g not in live
            and (self.exclusive or g not in pending or pending[g] < cutoff)
        ]
        for graph in stale:
            self._drop_graph(graph)
        for graph, since in pending.items():
            if graph in live or self.exclusive or since < cutoff:
                self.update(_pending_update(graph, None))
        return stale

    def _registry_state(self) -> tuple[set[str], dict[str, datetime]]:
        """In one read of the registry: the live source graphs, and the graphs marked as
        being loaded → when the mark was made."""
        result = self.query(
            f"""SELECT ?g ?since WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{
                  {{ ?g a <{CKG}SourceGraph> }}
                  UNION {{ ?g a <{CKG}PendingGraph> ; <{DCT}created> ?since }} }} }}""",
            default_graphs=[REGISTRY_GRAPH], named_graphs=[REGISTRY_GRAPH],
        )
        live: set[str] = set()
        pending: dict[str, datetime] = {}
        for row in result.to_python():
            if "since" not in row:
                live.add(row["g"])
                continue
            try:
                since = datetime.fromisoformat(row["since"].replace("Z", "+00:00"))
            except ValueError:
                since = datetime.min.replace(tzinfo=UTC)
            pending[row["g"]] = since
        return live, pending

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")

    # -- life cycle ------------------------------------------------------------------
    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store (flush, unlock)."""

    def describe(self) -> str:
        return self.kind if self.location is None else f"{self.kind} store at {self.location}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _pending_update(graph: str, since: str | None) -> str:
    """Mark ``graph`` as being loaded since ``since`` (or, with None, remove the mark)."""
    if since is None:
        return (f"DELETE WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ <{graph}> a <{CKG}PendingGraph> ;"
                f" <{DCT}created> ?since }} }}")
    return (f"INSERT DATA {{ GRAPH <{REGISTRY_GRAPH}> {{ <{graph}> a <{CKG}PendingGraph> ; "
            f"<{DCT}created> {str(_literal(since, XSD + 'dateTime'))} }} }}")


def _registry_update(name: str, entry: dict | None) -> str:
    name_lit = str(_literal(name))
    delete = f"""PREFIX ckg: <{CKG}>
DELETE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?g ?p ?o }} }}
WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?g ckg:sourceName {name_lit} ; ?p ?o }} }}"""
    if entry is None:
        return delete
    g = f"<{entry['g']}>"
    triples = [
        f"{g} a <{CKG}SourceGraph>",
        f"{g} <{CKG}sourceName> {name_lit}",
        f"{g} <{DCT}title> {str(_literal(entry['title']))}",
        f"{g} <{CKG}tripleCount> {str(_literal(entry['n'], XSD + 'integer'))}",
        f"{g} <{CKG}digest> {str(_literal(entry['digest']))}",
        f"{g} <{DCT}modified> {str(_literal(entry['loaded'], XSD + 'dateTime'))}",
    ]
    body = " .\n".join(triples)
    return f"{delete} ;\nINSERT DATA {{ GRAPH <{REGISTRY_GRAPH}> {{\n{body} .\n}} }}"


_PREFIX_LINE = re.compile(rb"^@prefix ([^:]*):[^\n]*\n", re.MULTILINE)
_PREFIX_ORDER = {name.encode(): i for i, name in enumerate(PREFIXES)}


def _join_dumps(chunks: list[bytes]) -> bytes:
    """Concatenate per-graph Turtle dumps under one block of ``@prefix`` lines.

    The engine writes only the prefixes a graph uses, so each dump's block differs; the
    union of them goes first, in the order of :data:`PREFIXES`.
    """
    prefixes: dict[bytes, bytes] = {}
    bodies = []
    for chunk in chunks:
        pos = 0
        while match := _PREFIX_LINE.match(chunk, pos):
            prefixes[match.group(1)] = match.group(0)
            pos = match.end()
        bodies.append(chunk[pos:])
    order = sorted(prefixes, key=lambda name: (_PREFIX_ORDER.get(name, len(_PREFIX_ORDER)), name))
    header = b"".join(prefixes[name] for name in order)
    return header + b"".join(bodies)


class OxigraphStore(Store):
    """Oxigraph in this process: in memory (``path=None``) or on disk."""

    #: Memory is private to the process; a disk store is locked by the process writing it.
    exclusive = True

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.location = None if path is None else str(path)
        self.kind = "memory" if path is None else "disk"
        self.read_only = read_only
        try:
            if path is None:
                self._ox = ox.Store()
            elif read_only:
                self._ox = ox.Store.read_only(str(path))
            else:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(str(path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreBusyError(
                    f"the store at {path} is in use by another process (a running "
                    "`careerkg serve`?). Oxigraph lets one process write a store at a time: "
                    "stop that process and run the command again, or send the change to the "
                    "running server's admin API, or keep the graph on a SPARQL engine that "
                    "takes concurrent writes (see docs/stores.md, 'One writer at a time')."
                ) from error
            raise StoreError(f"cannot open the store at {path}: {error}") from error

    @property
    def engine(self) -> ox.Store:
        """The pyoxigraph store underneath (for bulk paths and the rdflib bridge)."""
        return self._ox

    def _answer(self, text, default_graphs, named_graphs, timeout):
        options = {}
        if default_graphs is not None:
            options["default_graph"] = [_graph_term(g) for g in default_graphs]
        elif not analyse(text).has_dataset_clause:
            options["use_default_graph_as_union"] = True
        if named_graphs is not None:
            options["named_graphs"] = [_graph_term(g) for g in named_graphs]
        try:
            return self._ox.query(text, **options)
        except SyntaxError as error:
            raise syntax_error_from_engine(error, text) from None

    def update(self, text):
        self._check_writable()
        try:
            self._ox.update(text)
        except SyntaxError as error:
            raise syntax_error_from_engine(error, text) from None

    def graph_names(self):
        return sorted(g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode))

    def dump_graph(self, graph, fmt):
        return self._ox.dump(
            format=fmt.engine, from_graph=ox.NamedNode(graph), prefixes=PREFIXES
        ) or b""

    def _insert(self, payload: Payload, graph: str) -> int:
        target = ox.NamedNode(graph)
        if payload.triples is not None:
            quads = (ox.Quad(t.subject, t.predicate, t.object, target) for t in payload.triples)
            if self.kind == "disk":
                self._ox.bulk_extend(quads)
            else:
                self._ox.extend(quads)
        else:
            fmt = payload.format or rdf_format("turtle")
            head = payload.data[:HEAD_BYTES] if payload.data is not None else _head(payload.path)
            check_rdf_input(head, fmt, payload.where)
            source = {"input": payload.data} if payload.data is not None else {
                "path": str(payload.path)
            }
            load = self._ox.bulk_load if self.kind == "disk" else self._ox.load
            try:
                load(
                    **source, format=fmt.engine, to_graph=target,
                    base_iri=payload.base_iri,
                )
            except SyntaxError as error:
                raise input_error_from_engine(error, payload.where) from None
            except (UnicodeDecodeError, ValueError) as error:
                raise InputError(str(error), file=payload.where) from None
        return self._count_graph(graph)

    def _count_graph(self, graph: str) -> int:
        result = self._ox.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.NamedNode(graph)
        )
        return int(next(iter(result))[0].value)

    def _drop_graph(self, graph):
        node = ox.NamedNode(graph)
        if self._ox.contains_named_graph(node):
            self._ox.remove_graph(node)

    def recover(self) -> list[str]:
        """As :meth:`Store.recover`; on disk, also delete the files of a bulk load that a
        crash interrupted (Oxigraph writes ``bulk-*.sst`` in the store's folder, then moves
        them in; this process holds the store's lock, so any left now are orphans)."""
        if self.kind == "disk" and not self.read_only:
            for leftover in Path(self.location).glob("bulk-*.sst"):
                leftover.unlink(missing_ok=True)
        return super().recover()

    def snapshot(self, directory: str) -> None:
        """A consistent, cheap (hard-linked) copy of an on-disk store, for readers."""
        self._ox.flush()
        self._ox.backup(directory)

    def close(self):
        if self.kind == "disk" and not self.read_only:
            self._ox.flush()
        self._ox = None


def _head(path: Path | None) -> bytes:
    if path is None:
        return b""
    with open(path, "rb") as handle:
        return handle.read(HEAD_BYTES)


#: Graph names that mean the default graph, not an IRI.
DEFAULT_GRAPH_NAMES = ("", "default", "urn:x-arq:DefaultGraph")


def _graph_term(name: str):
    if name in DEFAULT_GRAPH_NAMES:
        return ox.DefaultGraph()
    return ox.NamedNode(name)


def file_digest(*files, extra: tuple[str, ...] = ()) -> str:
    """One digest of files' names and bytes (and of ``extra`` strings the result also
    depends on), for idempotent loads: equal digests mean nothing to reload.

    ``files`` are paths or anything with a ``name`` and ``open("rb")`` (package resources).
    """
    digest = hashlib.sha256()
    for file in files:
        file = Path(file) if isinstance(file, str | os.PathLike) else file
        with file.open("rb") as handle:
            content = hashlib.file_digest(handle, "sha256").digest()
        digest.update(file.name.encode() + b"\0" + content)
    for item in extra:
        digest.update(item.encode() + b"\0")
    return digest.hexdigest()

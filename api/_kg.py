"""``careerkg.open()`` and the :class:`KnowledgeGraph` it gives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from careerkg.graph import overlap as ov
from careerkg.graph.factory import open_store, store_spec
from careerkg.graph.files import write_atomic
from careerkg.graph.formats import rdf_format
from careerkg.graph.importers import ImportReport, import_source
from careerkg.graph.overlap.market import skills_report
from careerkg.graph.overlap.transitions import MAX_STEPS, next_report, path_report
from careerkg.graph.roles import role_profile
from careerkg.graph.search import Hit, search
from careerkg.graph.store import OxigraphStore, Source, Store
from careerkg.graph.userquery import run_text
from careerkg.graph.validate import Violation, validate_store

from ._reports import NextReport, OverlapReport, PathReport, Role, SimilarReport, SkillsReport
from ._results import Rows

if TYPE_CHECKING:
    import networkx
    import rdflib

__all__ = ["KnowledgeGraph", "open"]


def open(store: str | os.PathLike | None = None) -> KnowledgeGraph:  # noqa: A001
    """Open careerkg's graph, as the ``--store`` of every ``careerkg`` command does: a folder
    for Oxigraph on disk (created and seeded if new), an ``http(s)://`` URL for a SPARQL
    engine; ``None`` for ``CAREERKG_STORE`` when it is set, else the packaged sources in
    memory."""
    return KnowledgeGraph(open_store(store_spec(None if store is None else str(store))))


def _role_name(role: str | Role) -> str:
    return role.iri if isinstance(role, Role) else role


class KnowledgeGraph:
    """careerkg's graph as a library: SPARQL, roles, overlap, search, rdflib and networkx
    views, export and import — the functions the ``careerkg`` command and the web app call.

    Use it as a context manager (or call :meth:`close`) to release a disk store.
    """

    def __init__(self, store: Store):
        #: The store underneath (:class:`careerkg.graph.store.Store`).
        self.store = store
        self._graph: rdflib.Dataset | None = None

    # -- the store ---------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<careerkg.KnowledgeGraph: {self.store.describe()}>"

    def close(self) -> None:
        """Release the store (a disk store's lock)."""
        self._graph = None
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sources(self) -> list[Source]:
        """The graph's sources (``careerkg sources``): name, triples, when loaded, title."""
        return self.store.sources()

    # -- SPARQL ------------------------------------------------------------------------
    def query(self, text: str) -> Rows:
        """Run SPARQL ``text`` with the project's prefixes implied (``careerkg query -e``).

        Raises :class:`careerkg.QuerySyntaxError` (``line``, ``column`` in ``text``).
        """
        return Rows(run_text(self.store, text))

    @property
    def graph(self) -> rdflib.Dataset:
        """An :class:`rdflib.Dataset` over the same store (through oxrdflib): what is added
        here is in the store, and the store's changes are seen here.  Its default graph is the
        union of the named graphs, as in careerkg's own queries.

        Only a local (memory or disk) store has one; a remote store is queried with
        :meth:`query` or with rdflib's SPARQLStore on its URL.
        """
        if self._graph is None:
            if not isinstance(self.store, OxigraphStore):
                raise TypeError(
                    f"kg.graph needs a local store (memory or a folder); this one is the "
                    f"{self.store.describe()}: use kg.query, or rdflib's SPARQLStore on its URL"
                )
            import rdflib
            from oxrdflib import OxigraphStore as RdflibOxigraphStore

            self._graph = rdflib.Dataset(store=RdflibOxigraphStore(store=self.store.engine),
                                         default_union=True)
        return self._graph

    # -- roles -------------------------------------------------------------------------
    def role(self, name: str) -> Role:
        """The role named by ``name`` (IRI, ``role:…``, code such as ``15-2051.00``, label,
        alternative label): label, codes, skills with importance, tools, wages, related.

        Raises :class:`careerkg.UnknownRole` / :class:`careerkg.AmbiguousName` with
        ``candidates``.
        """
        return Role.from_profile(role_profile(self.store, name))

    def overlap(self, a: str | Role, b: str | Role, by: str = "all") -> OverlapReport:
        """Compare two roles (``careerkg overlap A B --format json``, ``/api/overlap``)."""
        return OverlapReport(ov.overlap_report(self.store, _role_name(a), _role_name(b), by))

    def similar(self, role: str | Role, top: int = 10, by: str = "all",
                metric: str = "weighted") -> SimilarReport:
        """The ``top`` roles most similar to ``role`` (``careerkg similar``,
        ``/api/similar``)."""
        return SimilarReport(ov.similar_report(self.store, _role_name(role), top, by, metric))

    def next(self, role: str | Role, top: int = 10, by: str = "all") -> NextReport:
        """Roles reachable from ``role`` with the least to learn (``careerkg next``,
        ``/api/next``): each with ``shared``, ``missing`` (ranked by importance to the
        target), ``similarity`` and ``wage_change`` (target median - source median, or None)."""
        return NextReport(next_report(self.store, _role_name(role), top, by))

    def path(self, a: str | Role, b: str | Role, max_steps: int = MAX_STEPS,
             by: str = "all") -> PathReport:
        """The sequence of roles from ``a`` to ``b`` that minimises what must be learned
        (``careerkg path``, ``/api/path``); raises :class:`careerkg.NotFound` when there is
        none within ``max_steps``."""
        return PathReport(path_report(self.store, _role_name(a), _role_name(b), max_steps, by))

    def skills(self, top: int = 20, by: str = "roles") -> SkillsReport:
        """Skills and technologies ranked by how many roles need them (``by="roles"``) or by
        the median wage of those roles (``by="wage"``): ``careerkg skills``, ``/api/skills``."""
        return SkillsReport(skills_report(self.store, top, by))

    def search(self, text: str, type: str | None = None, limit: int = 10) -> list[Hit]:
        """Find things by name, code or close spelling (``careerkg search``)."""
        return search(self.store, text, type=type, limit=limit)

    def networkx(self, by: str = "all", *, role: str | Role | None = None,
                 top: int | None = None, max_items: int | None = None,
                 industries: bool = False) -> networkx.Graph:
        """The bipartite role ↔ requirement graph of the overlap views
        (``careerkg overlap-graph``): all of it, or ``role``'s ego network with its ``top``
        (default 10) most similar roles.  Nodes are IRIs with ``label``, ``layer``, ``kind``,
        ``bipartite`` (0 roles, 1 requirements), ``status``, ``category``."""
        center = ov.resolve_role(self.store, _role_name(role)).iri if role else None
        return ov.overlap_view(
            ov.cached_requirements_graph(self.store), center=center, by=by, k=top or 10,
            max_roles=None if center else top, max_items=max_items, industries=industries,
        )

    # -- whole graph -------------------------------------------------------------------
    def export(self, path: str | os.PathLike, format: str = "turtle") -> Path:  # noqa: A002
        """Write the whole graph to ``path`` (``careerkg export``): ``turtle``, ``ntriples``,
        ``jsonld`` or ``rdfxml``; the same graph always gives the same bytes."""
        rdf_format(format)  # an unknown format is refused before anything is written
        return write_atomic(path, self.store.export(format))

    def import_(self, kind: str, path: str | os.PathLike, *,
                name: str | None = None) -> ImportReport:
        """Import ``path`` as a source (``careerkg import``): ``onet``, ``esco``, ``csv`` or
        ``rdf``.  Bad input raises :class:`careerkg.InputError` naming the file, line and
        column, and leaves the graph as it was."""
        return import_source(kind, self.store, Path(path), name=name)

    def validate(self) -> list[Violation]:
        """SHACL-validate the graph against careerkg's shapes (``careerkg validate``)."""
        return validate_store(self.store)

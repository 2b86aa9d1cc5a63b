"""One role, all at once: what ``careerkg.KnowledgeGraph.role`` shows.

Built from the same pieces as the rest: the name resolved by
:func:`~careerkg.graph.search.resolve_name`, the requirements from the role ↔ requirement
graph (:mod:`~careerkg.graph.overlap`), the salary figures from
:mod:`~careerkg.graph.salaries`, and the related roles ranked by
:func:`~careerkg.graph.overlap.similar_roles` — so a role reads the same in Python, in the
CLI's ``overlap``/``similar`` and on the web pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .namespaces import CKG
from .overlap import cached_requirements_graph, item_summary, role_items, similar_roles
from .salaries import SalaryFigure, salary_figures
from .search import resolve_name
from .store import Store

__all__ = ["RoleProfile", "role_profile"]


@dataclass(frozen=True)
class RoleProfile:
    """A role: its IRI, label and codes, the skills it requires (with their importance when
    the graph rates it), the tools it uses, its salary figures and the most similar roles."""

    iri: str
    label: str
    codes: tuple[str, ...]
    #: :func:`~careerkg.graph.overlap.item_summary` of each skill plus ``importance``
    #: (O*NET's 1–5 rating, ``None`` when unrated); the most important first, then by label.
    skills: list[dict] = field(default_factory=list)
    #: :func:`~careerkg.graph.overlap.item_summary` of each tool, by label.
    tools: list[dict] = field(default_factory=list)
    wages: list[SalaryFigure] = field(default_factory=list)
    #: The roles sharing the most requirements (as ``careerkg similar`` lists them).
    related: list[dict] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        """The first code (such as the O*NET-SOC code), if the role has one."""
        return self.codes[0] if self.codes else None

    def to_dict(self) -> dict:
        return {
            "iri": self.iri, "label": self.label, "codes": list(self.codes),
            "skills": [{**s, "importance": None if s["importance"] is None
                        else float(s["importance"])} for s in self.skills],
            "tools": self.tools,
            "wages": [w.to_dict() for w in self.wages],
            "related": self.related,
        }


def _importance_query(role: str) -> str:
    return f"""SELECT ?skill (MAX(?rating) AS ?importance) WHERE {{
  <{role}> <{CKG}skillRequirement> ?requirement .
  ?requirement <{CKG}requiredSkill> ?skill ; <{CKG}importance> ?rating .
}} GROUP BY ?skill"""


def _importance(store: Store, role: str) -> dict[str, Decimal]:
    out = {}
    for row in store.query(_importance_query(role)).to_python():
        if "importance" in row:
            out[row["skill"]] = Decimal(str(row["importance"]))
    return out


def role_profile(store: Store, name: str, *, related: int = 10) -> RoleProfile:
    """The role a person means by ``name`` (IRI, prefixed or local name, code, label or
    alternative label), with its requirements, salary figures and ``related`` similar roles.

    Raises
    ------
    NameNotFound, AmbiguousName
        From :func:`~careerkg.graph.search.resolve_name`, with the candidates.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> profile = role_profile(open_store(None), "data scientist")
    >>> profile.iri
    'https://w3id.org/careerkg/id/role/data-scientist'
    >>> any(t["label"] == "Python" for t in profile.tools)
    True
    """
    ref = resolve_name(store, name, "role")
    G = cached_requirements_graph(store)
    ratings = _importance(store, ref.iri)
    skills = [{**item_summary(G, n), "importance": ratings.get(n)}
              for n in role_items(G, ref.iri, "skills")]
    skills.sort(key=lambda s: (s["importance"] is None, -(s["importance"] or 0),
                               s["label"].casefold(), s["iri"]))
    tools = sorted((item_summary(G, n) for n in role_items(G, ref.iri, "tools")),
                   key=lambda t: (t["label"].casefold(), t["iri"]))
    return RoleProfile(
        iri=ref.iri,
        label=ref.label,
        codes=tuple(G.nodes[ref.iri].get("codes", ())),
        skills=skills,
        tools=tools,
        wages=salary_figures(store, [ref.iri]),
        related=similar_roles(G, ref.iri, k=related) if related else [],
    )

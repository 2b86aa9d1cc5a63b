"""What ``kg.role``, ``kg.overlap`` and ``kg.similar`` return, with their Jupyter display."""

from __future__ import annotations

from typing import Any

from careerkg.graph.overlap import NO_CATEGORY
from careerkg.graph.roles import RoleProfile

from ._html import esc, table

__all__ = ["Role", "OverlapReport", "SimilarReport", "NextReport", "PathReport", "SkillsReport"]


class Role(RoleProfile):
    """A role (see :class:`careerkg.graph.roles.RoleProfile`): ``iri``, ``label``,
    ``code``/``codes``, ``skills`` (with ``importance``), ``tools``, ``wages`` (salary
    figures) and ``related`` (the most similar roles)."""

    @classmethod
    def from_profile(cls, profile: RoleProfile) -> Role:
        return cls(**{f: getattr(profile, f) for f in profile.__dataclass_fields__})

    def __repr__(self) -> str:
        code = f" ({', '.join(self.codes)})" if self.codes else ""
        return (f"<careerkg.Role {self.label!r}{code}: {len(self.skills)} skills, "
                f"{len(self.tools)} tools, {len(self.wages)} salary figures>")

    def _repr_html_(self) -> str:
        code = f" <small>{esc(', '.join(self.codes))}</small>" if self.codes else ""
        parts = [f"<h3>{esc(self.label)}{code}</h3>", f"<p><code>{esc(self.iri)}</code></p>"]
        parts.append(table(
            ["skill", "category", "importance"],
            [(s["label"], s.get("category_label") or NO_CATEGORY, s["importance"])
             for s in self.skills], total=len(self.skills), caption="Skills"))
        parts.append(table(["tool", "kind"], [(t["label"], t["kind"]) for t in self.tools],
                           total=len(self.tools), caption="Tools"))
        parts.append(table(["group", "salary", "year"],
                           [(w.group_label, w.wording, w.year) for w in self.wages],
                           total=len(self.wages), caption="Salaries"))
        parts.append(table(["role", "Jaccard", "shared"],
                           [(r["label"], f"{r['jaccard']:.3f}", r["shared"])
                            for r in self.related],
                           total=len(self.related), caption="Related roles"))
        return "".join(parts)


def _name(entity: dict) -> str:
    codes = entity.get("codes") or []
    return entity["label"] + (f" ({', '.join(codes)})" if codes else "")


class OverlapReport(dict[str, Any]):
    """Two roles compared: the very dict of ``careerkg overlap --format json`` and
    ``/api/overlap`` (``a``, ``b``, ``by``, ``shared``, ``only_a``, ``only_b``, ``jaccard``,
    ``overlap_coefficient``, ``categories``, ``gap``, ``gap_reverse``), shown as tables in
    Jupyter."""

    def _repr_html_(self) -> str:
        a, b = self["a"], self["b"]
        parts = [
            f"<h3>{esc(_name(a))} ↔ {esc(_name(b))}</h3>",
            f"<p>by {esc(self['by'])}: Jaccard {self['jaccard']:.3f}, overlap coefficient "
            f"{self['overlap_coefficient']:.3f}; {len(self['shared'])} shared</p>",
        ]
        for title, key in (("Shared", "shared"), (f"Only {a['label']}", "only_a"),
                           (f"Only {b['label']}", "only_b")):
            items = self[key]
            parts.append(table(["requirement", "category"],
                               [(i["label"], i.get("category_label") or NO_CATEGORY)
                                for i in items], total=len(items), caption=title))
        return "".join(parts)


class SimilarReport(dict[str, Any]):
    """The roles most similar to one: the dict of ``careerkg similar --format json`` and
    ``/api/similar`` (``role``, ``by``, ``metric``, ``similar``), a table in Jupyter."""

    def _repr_html_(self) -> str:
        rows = [(rank, _name(s), f"{s.get('similarity', s['jaccard']):.3f}",
                 f"{s['jaccard']:.3f}", f"{s['shared']} of {s['items']}")
                for rank, s in enumerate(self["similar"], start=1)]
        caption = (f"Roles most similar to {_name(self['role'])}, by {self['by']} "
                   f"({self['metric']})")
        return table(["#", "role", "similarity", "Jaccard", "shared"], rows, total=len(rows),
                     caption=caption)


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:+,.0f}"


def _learn(items: list[dict]) -> str:
    return ", ".join(i["label"] for i in items[:8]) + (" …" if len(items) > 8 else "")


class NextReport(dict[str, Any]):
    """Where a role can go next: the dict of ``careerkg next --format json`` and
    ``/api/next`` (``role``, ``by``, ``next``, ``related``), a table in Jupyter."""

    def _repr_html_(self) -> str:
        rows = [(rank, _name(n["role"]), f"{n['similarity']:.3f}", _learn(n["missing"]),
                 _money(n["wage_change"]))
                for rank, n in enumerate(self["next"], start=1)]
        caption = f"Where {_name(self['role'])} can go next, least to learn first"
        return table(["#", "role", "similarity", "to learn", "wage change (USD)"], rows,
                     total=len(rows), caption=caption)


class PathReport(dict[str, Any]):
    """A transition path between two roles: the dict of ``careerkg path --format json`` and
    ``/api/path`` (``a``, ``b``, ``steps``, ``cost``, ``max_steps``, ``by``)."""

    def _repr_html_(self) -> str:
        rows = [(number, _name(step["role"]), _learn(step["learn"]),
                 "" if step["wage"] is None else f"{step['wage']:,.0f}")
                for number, step in enumerate(self["steps"], start=1)]
        caption = f"From {_name(self['a'])} to {_name(self['b'])}"
        return table(["step", "role", "to learn", "median wage (USD)"], rows, total=len(rows),
                     caption=caption)


class SkillsReport(dict[str, Any]):
    """The skills market: the dict of ``careerkg skills --format json`` and ``/api/skills``
    (``by``, ``min_roles``, ``roles``, ``roles_with_wage``, ``skills``)."""

    def _repr_html_(self) -> str:
        rows = [(rank, s["label"] + (" ★" if s.get("hot") else ""), s["roles"],
                 "" if s.get("median_wage") is None else f"{s['median_wage']:,.0f}")
                for rank, s in enumerate(self["skills"], start=1)]
        return table(["#", "skill or technology", "roles", "median wage (USD)"], rows,
                     total=len(rows), caption=f"Skills market, by {self['by']}")

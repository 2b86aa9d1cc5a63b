"""What ``kg.role``, ``kg.overlap`` and ``kg.similar`` return, with their Jupyter display."""

from __future__ import annotations

from typing import Any

from careerkg.graph.overlap import NO_CATEGORY
from careerkg.graph.roles import RoleProfile

from ._html import esc, table

__all__ = ["Role", "OverlapReport", "SimilarReport"]


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
        rows = [(rank, _name(s), f"{s['jaccard']:.3f}", f"{s['overlap_coefficient']:.3f}",
                 f"{s['shared']} of {s['items']}")
                for rank, s in enumerate(self["similar"], start=1)]
        caption = f"Roles most similar to {_name(self['role'])}, by {self['by']}"
        return table(["#", "role", "Jaccard", "overlap", "shared"], rows, total=len(rows),
                     caption=caption)

"""Lists a person can page through: every role (by family), skill, tool and industry, and the
roles that need one skill, tool or industry — what the browse pages and the "roles that need
it" part of a skill's, tool's or industry's page show.

Each list is read with one query and paged here (``page`` from 1, ``per_page`` rows), so the
web pages and the Python API page the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .background import per_sources
from .namespaces import CKG, RDFS, SKOS
from .roles import headline_wage, role_family
from .salaries import salary_figures
from .store import Store

__all__ = ["Listing", "KINDS", "browse_roles", "browse_items", "roles_needing",
           "role_families", "item_kind"]

#: What can be browsed: kind → (class, the role → item property or properties, title).
KINDS = {
    "skills": (CKG + "Skill", (CKG + "requiresSkill",), "Skills"),
    "tools": (CKG + "Tool", (CKG + "usesTool",), "Tools"),
    "industries": (CKG + "Industry", (CKG + "hiredIn", CKG + "topPayingIndustry"), "Industries"),
}

_LABEL = (f'OPTIONAL {{ ?{{v}} <{SKOS}prefLabel>|<{RDFS}label> ?{{v}}Label '
          f'FILTER(LANG(?{{v}}Label) = "" || LANGMATCHES(LANG(?{{v}}Label), "en")) }}')


def _label(var: str) -> str:
    return _LABEL.replace("{v}", var)


@dataclass
class Listing:
    """One page of a list: its ``items`` (dicts), the page number, rows per page, and the
    number of items in the whole list."""

    items: list[dict]
    page: int
    per_page: int
    total: int
    #: For the roles list: every family with its number of roles, ``(key, name, n)``.
    families: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _page(items: list[dict], page: int, per_page: int) -> Listing:
    if page < 1 or per_page < 1:
        raise ValueError("page and per_page start at 1")
    start = (page - 1) * per_page
    return Listing(items[start:start + per_page], page, per_page, len(items))


def _all_roles(store: Store) -> list[dict]:
    """Every role with its label, codes and family, by label (once per set of sources)."""
    return per_sources(store, "all roles", lambda: _read_roles(store),
                       what="the list of all roles")


def _read_roles(store: Store) -> list[dict]:
    rows = store.query(f"""SELECT ?role (SAMPLE(?roleLabel) AS ?label)
  (GROUP_CONCAT(DISTINCT STR(?code); separator="\\u001f") AS ?codes)
  (GROUP_CONCAT(DISTINCT STR(?match); separator="\\u001f") AS ?matches) WHERE {{
  ?role a <{CKG}Role> . {_label('role')}
  OPTIONAL {{ ?role <{SKOS}notation> ?code }}
  OPTIONAL {{ ?role <{SKOS}closeMatch>|<{SKOS}exactMatch> ?match FILTER(isIRI(?match)) }}
}} GROUP BY ?role""").to_python()
    out = []
    for r in rows:
        codes = sorted(c for c in str(r.get("codes") or "").split("\x1f") if c)
        matches = [m for m in str(r.get("matches") or "").split("\x1f") if m]
        family = role_family(codes, matches)
        out.append({"iri": r["role"], "label": str(r.get("label") or r["role"]),
                    "codes": codes, "family": family})
    return sorted(out, key=lambda x: (x["label"].casefold(), x["iri"]))


def role_families(roles: list[dict]) -> list[tuple[str, str, int]]:
    """The families of ``roles`` with how many roles each has, by key."""
    counts: dict[tuple[str, str], int] = {}
    for r in roles:
        if r["family"]:
            counts[r["family"]] = counts.get(r["family"], 0) + 1
    return [(k, name, n) for (k, name), n in sorted(counts.items())]


def browse_roles(store: Store, *, family: str | None = None, page: int = 1,
                 per_page: int = 50) -> Listing:
    """Every role by label, or those of one ``family`` (a SOC major group such as ``"15"``,
    or ``"isco-2"``), one page of them.

    Raises
    ------
    ValueError
        For an unknown family or a page number below 1.
    """
    roles = _all_roles(store)
    families = role_families(roles)
    if family:
        if family not in {f[0] for f in families}:
            known = ", ".join(f"{k} ({name})" for k, name, _n in families) or "none"
            raise ValueError(f"no family {family!r}; the families are: {known}")
        roles = [r for r in roles if r["family"] and r["family"][0] == family]
    listing = _page(roles, page, per_page)
    listing.families = families
    return listing


def item_kind(store: Store, iri: str) -> str | None:
    """``skills``, ``tools`` or ``industries``: what :data:`KINDS` ``iri`` is, else None."""
    for kind, (cls, _props, _title) in KINDS.items():
        if store.query(f"ASK {{ <{iri}> a <{cls}> }}").boolean:
            return kind
    return None


def _labels(store: Store, iris: list[str]) -> dict[str, str]:
    """The English (or plain) label of each IRI that has one."""
    out: dict[str, str] = {}
    for start in range(0, len(iris), 500):
        values = " ".join(f"<{i}>" for i in iris[start:start + 500])
        for r in store.query(f"""SELECT ?node (SAMPLE(?nodeLabel) AS ?label) WHERE {{
  VALUES ?node {{ {values} }} {_label('node')} }} GROUP BY ?node""").to_python():
            if r.get("label") is not None:
                out[r["node"]] = str(r["label"])
    return out


def browse_items(store: Store, kind: str, *, page: int = 1, per_page: int = 50) -> Listing:
    """Every skill, tool or industry (``kind``), the ones most roles need first, then by
    label; each ``iri``, ``label``, ``roles`` (how many roles need it)."""
    if kind not in KINDS:
        raise ValueError(f"no list of {kind!r}; there are {', '.join(KINDS)}")
    cls, props, _title = KINDS[kind]
    # Two plain scans (the items with their labels; the links counted per item) read much
    # faster on a big graph than one query with an OPTIONAL join.
    rows = store.query(f"""SELECT ?item (SAMPLE(?itemLabel) AS ?label) WHERE {{
  ?item a <{cls}> . {_label('item')} }} GROUP BY ?item""").to_python()
    path = "|".join(f"<{p}>" for p in props)
    counts = {r["item"]: int(r["n"]) for r in store.query(
        f"SELECT ?item (COUNT(DISTINCT ?role) AS ?n) WHERE {{ ?role {path} ?item }} "
        "GROUP BY ?item").to_python()}
    items = [{"iri": r["item"], "label": str(r.get("label") or r["item"]),
              "roles": counts.get(r["item"], 0)} for r in rows]
    items.sort(key=lambda x: (-x["roles"], x["label"].casefold(), x["iri"]))
    return _page(items, page, per_page)


def roles_needing(store: Store, iri: str, kind: str, *, page: int = 1,
                  per_page: int = 50) -> Listing:
    """The roles that need the skill, tool or industry ``iri`` (``kind``), the most important
    first where O*NET rates it, then by label; each ``iri``, ``label``, ``importance``
    (None when unrated) and ``wage`` (the role's :func:`~careerkg.graph.roles.headline_wage`,
    None when the graph has no figure), wages read for the page shown only."""
    if kind not in KINDS:
        raise ValueError(f"no list of {kind!r}; there are {', '.join(KINDS)}")
    path = "|".join(f"<{p}>" for p in KINDS[kind][1])
    linked = {r["role"] for r in store.query(
        f"SELECT DISTINCT ?role WHERE {{ ?role {path} <{iri}> }}").to_python()}
    rated = {r["role"]: Decimal(str(r["importance"])) for r in store.query(f"""
SELECT ?role (MAX(?rating) AS ?importance) WHERE {{
  ?requirement <{CKG}requiredSkill> <{iri}> ; <{CKG}importance> ?rating .
  ?role <{CKG}skillRequirement> ?requirement .
}} GROUP BY ?role""").to_python() if r.get("importance") is not None}
    found = sorted(linked | set(rated))
    roles = {r["role"] for r in store.query(
        f"SELECT ?role WHERE {{ VALUES ?role {{ {' '.join(f'<{i}>' for i in found)} }} "
        f"?role a <{CKG}Role> }}").to_python()} if found else set()
    labels = _labels(store, sorted(roles))
    items = [{"iri": r, "label": labels.get(r, r), "importance": rated.get(r)} for r in roles]
    items.sort(key=lambda x: (x["importance"] is None, -(x["importance"] or 0),
                              x["label"].casefold(), x["iri"]))
    listing = _page(items, page, per_page)
    figures = salary_figures(store, [r["iri"] for r in listing.items]) if listing.items else []
    for r in listing.items:
        r["wage"] = headline_wage([f for f in figures if f.role == r["iri"]])
    return listing

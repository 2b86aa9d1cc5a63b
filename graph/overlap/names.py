"""Role names: the role a person means by what they typed.

:func:`resolve_role` takes an IRI, a prefixed or local name, a code (``skos:notation``, such
as an O*NET-SOC code), a label or an alternative label, and answers one role, or raises
:class:`RoleNotFound` (with close names) or :class:`AmbiguousRole` (with the candidates).
It asks the store with SPARQL and does not need the requirement graph.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import CareerKGError, NotFound
from ..labels import label_pattern, local_name, pick_label
from ..namespaces import CKG, PREFIXES, RDFS, SKOS
from ..sparql import sparql_term
from ..store import Store

__all__ = ["AmbiguousRole", "RoleNotFound", "RoleRef", "resolve_role"]


class RoleNotFound(NotFound):
    """No role has this name; ``candidates`` lists close ones as ``(iri, label)``."""

    def __init__(self, message: str, candidates: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.candidates = candidates or []


class AmbiguousRole(CareerKGError, LookupError):
    """A name shared by several roles; ``candidates`` lists them as ``(iri, label)``."""

    def __init__(self, message: str, candidates: list[tuple[str, str]]):
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class RoleRef:
    """A role found by :func:`resolve_role`, and how its name matched."""

    iri: str
    label: str
    matched_by: str


_MATCH_TIERS = ("IRI", "code", "local name", "label", "alternative label")


def _role_name_query(name: str, iri: str | None) -> str:
    q = str(ox.Literal(name))  # an escaped SPARQL string literal
    branches = []
    if iri is not None:
        branches.append(f"{{ ?role a <{CKG}Role> FILTER(LCASE(STR(?role)) = "
                        f"LCASE({ox.Literal(iri)})) BIND(0 AS ?tier) }}")
    branches += [
        f"{{ ?role a <{CKG}Role> ; <{SKOS}notation> ?n FILTER(LCASE(STR(?n)) = LCASE({q})) "
        f"BIND(1 AS ?tier) }}",
        f"{{ ?role a <{CKG}Role> FILTER(STRENDS(LCASE(STR(?role)), CONCAT('/', LCASE({q}))) || "
        f"STRENDS(LCASE(STR(?role)), CONCAT('#', LCASE({q})))) BIND(2 AS ?tier) }}",
        f"{{ ?role a <{CKG}Role> ; <{SKOS}prefLabel>|<{RDFS}label> ?n "
        f"FILTER(LCASE(STR(?n)) = LCASE({q})) BIND(3 AS ?tier) }}",
        f"{{ ?role a <{CKG}Role> ; <{SKOS}altLabel> ?n "
        f"FILTER(LCASE(STR(?n)) = LCASE({q})) BIND(4 AS ?tier) }}",
    ]
    return (
        "SELECT DISTINCT ?role ?tier ?labelP ?labelR WHERE { "
        + " UNION ".join(branches)
        + f" {label_pattern('role', 'label')} }}"
    )


_ALL_ROLE_NAMES = f"""SELECT ?role ?name ?labelP ?labelR WHERE {{
  ?role a <{CKG}Role> .
  {label_pattern("role", "label")}
  OPTIONAL {{ ?role <{SKOS}prefLabel>|<{RDFS}label>|<{SKOS}altLabel>|<{SKOS}notation> ?name
             FILTER(lang(?name) = '' || langMatches(lang(?name), 'en')) }}
}}"""


def _as_iri(name: str) -> str | None:
    """The IRI a name spells (``<...>``, ``http(s)://...`` or a known ``prefix:local``)."""
    if not re.match(r"^(<.*>|https?://\S+|[A-Za-z][\w.-]*:\S*)$", name):
        return None
    try:
        term = sparql_term(name, PREFIXES)
    except ValueError:
        return None
    return term[1:-1] if term.startswith("<") else None


def resolve_role(store: Store, name: str) -> RoleRef:
    """Find the role a person means by ``name``.

    ``name`` may be the role's IRI (``<...>`` or bare), a prefixed name
    (``role:data-scientist``), its local name (``data-scientist``), a code
    (``skos:notation``, such as the O*NET-SOC code ``15-2051.00``), a label or an
    alternative label — case-insensitively.  The first of these kinds of match that finds
    anything decides: a code beats a label, a label beats an alternative label.

    Parameters
    ----------
    store : Store
        Where the roles are.
    name : str
        What the person typed (spaces are normalised).

    Returns
    -------
    RoleRef
        The role's IRI and label, and which kind of name matched.

    Raises
    ------
    RoleNotFound
        No role has that name; the message lists close names (difflib) or some roles.
    AmbiguousRole
        Several roles match at the same level; the message lists them with their IRIs.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> resolve_role(open_store(None), "ML engineer").iri
    'https://w3id.org/careerkg/id/role/machine-learning-engineer'
    """
    name = " ".join(str(name).split())
    if not name:
        raise RoleNotFound("no role named: the name is empty")
    iri = _as_iri(name)
    rows = store.query(_role_name_query(name, iri)).to_python()
    if rows:
        best = min(int(r["tier"]) for r in rows)
        found: dict[str, str] = {}
        for row in rows:
            if int(row["tier"]) == best:
                found.setdefault(row["role"], pick_label(row, "label") or local_name(row["role"]))
        if len(found) == 1:
            (role, label), = found.items()
            return RoleRef(role, label, _MATCH_TIERS[best])
        candidates = sorted(found.items(), key=lambda kv: (kv[1].lower(), kv[0]))
        listed = "; ".join(f"{label} <{role}>" for role, label in candidates)
        raise AmbiguousRole(
            f"{name!r} names {len(candidates)} roles (by {_MATCH_TIERS[best]}): {listed}. "
            "Name one by its IRI or code.",
            candidates,
        )
    raise _not_found(store, name)


def _not_found(store: Store, name: str) -> RoleNotFound:
    labels: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    for row in store.query(_ALL_ROLE_NAMES).to_python():
        role = row["role"]
        labels.setdefault(role, pick_label(row, "label") or local_name(role))
        keys = names.setdefault(role, {local_name(role).lower(), role.lower()})
        if "name" in row:
            keys.add(str(row["name"]).lower())
    wanted = name.lower()
    by_key: dict[str, set[str]] = {}
    for role, keys in names.items():
        for key in keys:
            by_key.setdefault(key, set()).add(role)
    close = difflib.get_close_matches(wanted, list(by_key), n=8, cutoff=0.6)
    hits: list[str] = []
    for key in close:
        hits.extend(sorted(by_key[key] - set(hits)))
    if len(wanted) >= 3:
        hits.extend(sorted(
            r for r, keys in names.items()
            if r not in hits and any(wanted in k for k in keys if not k.startswith("http"))
        ))
    hits = hits[:10]
    if hits:
        candidates = [(r, labels[r]) for r in hits]
        listed = "; ".join(f"{label} <{role}>" for role, label in candidates)
        return RoleNotFound(f"no role named {name!r}; did you mean: {listed}?", candidates)
    every = sorted(labels.items(), key=lambda kv: (kv[1].lower(), kv[0]))
    candidates = every[:10]
    listed = "; ".join(f"{label} <{role}>" for role, label in candidates)
    more = f" (and {len(every) - 10} more)" if len(every) > 10 else ""
    if not every:
        return RoleNotFound(f"no role named {name!r}: the graph has no roles")
    return RoleNotFound(f"no role named {name!r}; the roles are: {listed}{more}", candidates)

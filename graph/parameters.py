"""Binding a canned query's parameters as a person writes them: a role parameter takes any
name of a role (label, alternative title, code, IRI, prefixed or local name, singular or
plural), resolved by :func:`~careerkg.graph.overlap.resolve_role` — the one way the web's
canned-query pages (``?role=data scientist``) and ``careerkg query NAME --param role=...``
read them.
"""

from __future__ import annotations

from .library import CannedQuery, Parameter
from .namespaces import ID, PREFIXES, compact
from .overlap import AmbiguousRole, RoleNotFound, RoleRef, resolve_role
from .sparql import sparql_term
from .store import Store

__all__ = ["RoleParamError", "names_a_role", "resolve_role_param", "bind_names",
           "compact_name"]

_ROLE_NAMESPACE = ID + "role/"


def names_a_role(param: Parameter) -> bool:
    """Whether a parameter takes a role (its default is one)."""
    try:
        return sparql_term(param.default, PREFIXES).startswith("<" + _ROLE_NAMESPACE)
    except ValueError:
        return False


def compact_name(iri: str) -> str:
    """A role IRI as the shortest name a parameter takes back (``role:data-scientist``)."""
    import pyoxigraph as ox

    name = compact(ox.NamedNode(iri))
    return name if not name.startswith("<") else iri


class RoleParamError(Exception):
    """A role parameter whose name finds no role, or several: ``param``, ``value``,
    ``status`` (404 none, 400 several), ``candidates`` ((IRI, label) pairs), ``message``."""

    def __init__(self, param: str, value: str, error: RoleNotFound | AmbiguousRole):
        self.param, self.value = param, value
        self.status = 400 if isinstance(error, AmbiguousRole) else 404
        self.candidates = list(error.candidates)
        if isinstance(error, AmbiguousRole):
            message = f"{param}: {value!r} names {len(self.candidates)} roles; pick one"
        elif self.candidates and "did you mean" in str(error):
            message = f"{param}: no role is named {value!r}; did you mean one of these?"
        elif self.candidates:
            message = f"{param}: no role is named {value!r}; some of the roles are:"
        else:
            message = f"{param}: no role is named {value!r}"
        super().__init__(message)
        self.message = message


def resolve_role_param(store: Store, param: str, value: str) -> RoleRef:
    """The role ``value`` names: its IRI and label.

    Raises
    ------
    RoleParamError
        No role, or several, has that name; it lists the candidates.
    """
    try:
        return resolve_role(store, value)
    except (RoleNotFound, AmbiguousRole) as error:
        raise RoleParamError(param, value, error) from None


def bind_names(store: Store, canned: CannedQuery, values: dict[str, str],
               resolved: dict[str, RoleRef] | None = None) -> str:
    """``canned``'s text with ``values`` bound, each role parameter's name resolved to its
    role (put into ``resolved``, parameter name → :class:`RoleRef`).

    Raises
    ------
    ValueError
        A malformed value or a parameter the query does not take (checked before any name
        is looked up).
    RoleParamError
        A role parameter names no role, or several.
    """
    resolved = {} if resolved is None else resolved
    values = {k: v.strip() for k, v in values.items() if v and v.strip()}
    for value in values.values():
        sparql_term(value, PREFIXES)  # a malformed IRI is refused before any look-up
    canned.bind(values)  # an unknown parameter too
    for p in canned.params:
        if p.name in values and names_a_role(p):
            resolved[p.name] = resolve_role_param(store, p.name, values[p.name])
            values[p.name] = f"<{resolved[p.name].iri}>"
    return canned.bind(values)

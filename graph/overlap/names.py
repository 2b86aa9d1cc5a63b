"""Role names: the role a person means by what they typed.

:func:`resolve_role` takes an IRI, a prefixed or local name, a code (``skos:notation``, such
as an O*NET-SOC code), a label or an alternative label, and answers one role, or raises
:class:`RoleNotFound` (with close names) or :class:`AmbiguousRole` (with the candidates).
It is :func:`careerkg.graph.search.resolve_name` for roles — one way to read a name, in the
overlap views, on the search page, in the CLI and in the Python API — with errors the
overlap views can tell from other lookups; it does not need the requirement graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..search import AmbiguousName, NameNotFound, resolve_name
from ..store import Store

__all__ = ["AmbiguousRole", "RoleNotFound", "RoleRef", "resolve_role"]


class RoleNotFound(NameNotFound):
    """No role has this name; ``candidates`` lists close ones as ``(iri, label)``.

    A :class:`~careerkg.graph.search.NameNotFound`, so one ``except`` catches an unknown
    name from either."""


class AmbiguousRole(AmbiguousName):
    """A name shared by several roles; ``candidates`` lists them as ``(iri, label)``.

    A :class:`~careerkg.graph.search.AmbiguousName`, like :class:`RoleNotFound`."""


@dataclass(frozen=True)
class RoleRef:
    """A role found by :func:`resolve_role`, and how its name matched."""

    iri: str
    label: str
    matched_by: str


def resolve_role(store: Store, name: str) -> RoleRef:
    """Find the role a person means by ``name``.

    ``name`` may be the role's IRI (``<...>`` or bare), a prefixed name
    (``role:data-scientist``), its local name (``data-scientist``), a code
    (``skos:notation``, such as the O*NET-SOC code ``15-2051.00``), a label or an
    alternative label — in any case, singular or plural.  The first of these kinds of match
    that finds anything decides: a code beats a label, a label beats an alternative label
    (see :func:`~careerkg.graph.search.resolve_name`).

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
        No role has that name; the message lists close names or some roles.
    AmbiguousRole
        Several roles match at the same level; the message lists them.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> resolve_role(open_store(None), "ML engineer").iri
    'https://w3id.org/careerkg/id/role/machine-learning-engineer'
    """
    try:
        found = resolve_name(store, name, "role")
    except NameNotFound as error:
        raise RoleNotFound(str(error), error.candidates, error.summary) from None
    except AmbiguousName as error:
        raise AmbiguousRole(str(error), error.candidates, error.summary) from None
    return RoleRef(found.iri, found.label, found.matched_by)

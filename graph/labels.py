"""How careerkg's own queries read a node's label: English or untagged ``skos:prefLabel``,
else ``rdfs:label``, else the IRI's local name.

The SPARQL part binds both candidates (:func:`label_pattern`); Python picks the first that is
there (:func:`pick_label`), falling back to :func:`local_name`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .namespaces import RDFS, SKOS

__all__ = ["label_pattern", "pick_label", "local_name"]


def label_pattern(var: str, out: str) -> str:
    """SPARQL binding ``?outP`` to ``?var``'s English or untagged skos:prefLabel and
    ``?outR`` to its rdfs:label (two OPTIONALs; :func:`pick_label` picks one).

    >>> "?nameP" in label_pattern("role", "name") and "?nameR" in label_pattern("role", "name")
    True
    """
    lang = "(lang(?{0}) = '' || langMatches(lang(?{0}), 'en'))"
    return (
        f"OPTIONAL {{ ?{var} <{SKOS}prefLabel> ?{out}P FILTER{lang.format(out + 'P')} }} "
        f"OPTIONAL {{ ?{var} <{RDFS}label> ?{out}R FILTER{lang.format(out + 'R')} }}"
    )


def pick_label(row: Mapping, out: str) -> str | None:
    """The label a result row of :func:`label_pattern` found (``None`` when it has none).

    >>> pick_label({"nameR": "data scientist"}, "name")
    'data scientist'
    """
    return row.get(out + "P") or row.get(out + "R")


def local_name(iri: str) -> str:
    """The last segment of an IRI, after its last ``/`` or ``#``.

    >>> local_name("https://w3id.org/careerkg/id/role/data-scientist")
    'data-scientist'
    """
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri

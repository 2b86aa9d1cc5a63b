"""Where each IRI of the graph has its page on this server, and how terms are shown.

* ``https://w3id.org/careerkg/id/...`` → ``/id/...`` (the base replaced by the server root);
* ``https://w3id.org/careerkg/ontology#Term`` → ``/ontology#Term``, the ontology itself →
  ``/ontology``;
* any other IRI → ``/resource?iri=<IRI>``.
"""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
from flask import url_for

from careerkg.graph.namespaces import CKG, ID, compact

__all__ = [
    "ONTOLOGY_IRI",
    "local_url",
    "external_href",
    "term_text",
    "iri_text",
    "RDF_SUFFIXES",
]

#: The IRI of the ontology document (``owl:Ontology``).
ONTOLOGY_IRI = CKG.rstrip("#")

#: Path suffixes that ask for a representation: suffix → RDF format name.
RDF_SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld"}


def local_url(iri: str) -> str:
    """The path of an IRI's page on this server.

    Parameters
    ----------
    iri
        Any IRI.

    Returns
    -------
    str
        ``/id/...`` for careerkg instances, ``/ontology#...`` for ontology terms, else
        ``/resource?iri=...``.
    """
    if iri.startswith(ID) and len(iri) > len(ID):
        return url_for("entities.entity", path=iri[len(ID):])
    if iri in (ONTOLOGY_IRI, CKG):
        return url_for("entities.ontology")
    if iri.startswith(CKG) and len(iri) > len(CKG):
        return url_for("entities.ontology") + "#" + quote(iri[len(CKG):], safe="")
    return url_for("entities.resource", iri=iri)


def external_href(iri: str) -> str | None:
    """The IRI itself when it is worth linking out to (http/https outside careerkg's base)."""
    if iri.startswith(("http://", "https://")) and not iri.startswith((ID, CKG)):
        return iri
    return None


def iri_text(iri: str) -> str:
    """An IRI as a person reads it: ``prefix:name`` where a project prefix fits."""
    return compact(ox.NamedNode(iri))


def term_text(term) -> str:
    """Any term as text: prefixed names for IRIs, the value of a literal, ``_:id`` for blanks."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return compact(term)

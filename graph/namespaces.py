"""IRIs the code relies on: the project's namespaces, graph names and preferred prefixes."""

from __future__ import annotations

__all__ = [
    "BASE",
    "CKG",
    "ID",
    "GRAPH",
    "REGISTRY_GRAPH",
    "PREFIXES",
    "source_graph_prefix",
    "compact",
]

#: Everything careerkg mints lives under this base.
BASE = "https://w3id.org/careerkg/"
#: The ontology namespace.
CKG = BASE + "ontology#"
#: Instance data (roles, skills, tools, figures ...).
ID = BASE + "id/"
#: Named graphs: one per source, plus the registry that says which graphs are live.
GRAPH = BASE + "graph/"
REGISTRY_GRAPH = GRAPH + "registry"


def source_graph_prefix(source: str) -> str:
    """The IRI prefix of the named graphs holding one source (``onet``, ``seed`` ...)."""
    return f"{GRAPH}{source}/"


#: Prefixes used in exports, the query editor and canned queries.  Order matters: it is
#: the order of ``@prefix`` lines in a Turtle export, which must be stable.
PREFIXES: dict[str, str] = {
    "ckg": CKG,
    "role": ID + "role/",
    "skill": ID + "skill/",
    "tool": ID + "tool/",
    "category": ID + "category/",
    "resp": ID + "responsibility/",
    "task": ID + "task/",
    "industry": ID + "industry/",
    "usecase": ID + "use-case/",
    "salary": ID + "salary/",
    "level": ID + "experience-level/",
    "place": ID + "location/",
    "src": ID + "source/",
    "claim": ID + "claim/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "qb": "http://purl.org/linked-data/cube#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "esco": "http://data.europa.eu/esco/model#",
    "sh": "http://www.w3.org/ns/shacl#",
}


_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(term) -> str:
    """A term as a person reads it: a prefixed name, a literal's text, or ``<iri>``.

    >>> import pyoxigraph as ox
    >>> compact(ox.NamedNode("https://w3id.org/careerkg/id/role/data-scientist"))
    'role:data-scientist'
    >>> compact(ox.Literal("Data scientist", language="en"))
    'Data scientist'
    """
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in _BY_LENGTH:
            if term.value.startswith(namespace):
                local = term.value[len(namespace):]
                if local and all(c.isalnum() or c in "-_." for c in local):
                    return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)

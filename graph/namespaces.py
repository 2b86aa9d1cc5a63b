"""IRIs the code relies on: the project's namespaces, graph names, the vocabularies it uses
and preferred prefixes.

Every module takes a vocabulary's namespace from here (``SKOS + "prefLabel"``) instead of
spelling it out again.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "BASE",
    "CKG",
    "ID",
    "id_iri",
    "iri_minter",
    "GRAPH",
    "REGISTRY_GRAPH",
    "RDF",
    "RDF_TYPE",
    "RDFS",
    "OWL",
    "XSD",
    "SKOS",
    "SCHEMA",
    "QB",
    "PROV",
    "DCT",
    "DCAT",
    "ESCO_MODEL",
    "SH",
    "OA",
    "SD",
    "VOID",
    "FORMATS",
    "PREFIXES",
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

# The vocabularies careerkg reads and writes.
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
#: The RDF Data Cube vocabulary (salary observations).
QB = "http://purl.org/linked-data/cube#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
#: ESCO's model (classes and properties), not its data.
ESCO_MODEL = "http://data.europa.eu/esco/model#"
#: SHACL.
SH = "http://www.w3.org/ns/shacl#"
#: W3C Web Annotation (a passage's source and position selector).
OA = "http://www.w3.org/ns/oa#"
#: SPARQL 1.1 Service Description.
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
#: The W3C's IRIs of media formats (``formats:SPARQL_Results_JSON`` ...).
FORMATS = "http://www.w3.org/ns/formats/"


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
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "schema": SCHEMA,
    "qb": QB,
    "prov": PROV,
    "dct": DCT,
    "esco": ESCO_MODEL,
    "sh": SH,
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


def id_iri(*parts: str) -> str:
    """An IRI under careerkg's instance namespace: ``id_iri("onet", "occupation", code)``."""
    return ID + "/".join(parts)


def iri_minter(*prefix: str) -> Callable[[str], str]:
    """The function that mints one kind of importer IRI from an identifier.

    >>> iri_minter("onet", "occupation")("15-2051.00")
    'https://w3id.org/careerkg/id/onet/occupation/15-2051.00'
    """
    def mint(ident: str) -> str:
        return id_iri(*prefix, ident)

    mint.__doc__ = f"The IRI ``{'/'.join(prefix)}/<identifier>`` under careerkg's id namespace."
    return mint

"""One role, all at once: what ``careerkg.KnowledgeGraph.role`` and the role's web page show.

Built from the same pieces as the rest: the name resolved by
:func:`~careerkg.graph.search.resolve_name`, the requirements from the role ↔ requirement
graph (:mod:`~careerkg.graph.overlap`), the salary figures from
:mod:`~careerkg.graph.salaries`, and the related roles ranked by
:func:`most_similar` (the one call to the overlap package's similarity) — so a role reads the
same in Python, in the CLI's ``overlap``/``similar`` and on the web pages.  The rest of a
role's page (description, job zone, tasks, O*NET's related occupations, equivalents in other
taxonomies, provenance) is read here too, one query per part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import overlap
from .namespaces import CKG, DCT, ID, PROV, RDFS, SKOS
from .overlap import cached_requirements_graph, item_summary, role_items
from .salaries import SalaryFigure, salary_figures
from .search import resolve_name
from .store import Store

__all__ = ["RoleProfile", "role_profile", "most_similar", "role_family", "SOC_MAJOR_GROUPS",
           "ISCO_MAJOR_GROUPS", "KNOWLEDGE_CATEGORY", "headline_wage"]

#: The category O*NET's Knowledge elements are filed under (skills are everything else).
KNOWLEDGE_CATEGORY = ID + "onet/category/knowledge"

#: SOC 2018 major groups (the first two digits of an O*NET-SOC code).
SOC_MAJOR_GROUPS = {
    "11": "Management", "13": "Business and Financial Operations",
    "15": "Computer and Mathematical", "17": "Architecture and Engineering",
    "19": "Life, Physical, and Social Science", "21": "Community and Social Service",
    "23": "Legal", "25": "Educational Instruction and Library",
    "27": "Arts, Design, Entertainment, Sports, and Media",
    "29": "Healthcare Practitioners and Technical", "31": "Healthcare Support",
    "33": "Protective Service", "35": "Food Preparation and Serving Related",
    "37": "Building and Grounds Cleaning and Maintenance", "39": "Personal Care and Service",
    "41": "Sales and Related", "43": "Office and Administrative Support",
    "45": "Farming, Fishing, and Forestry", "47": "Construction and Extraction",
    "49": "Installation, Maintenance, and Repair", "51": "Production",
    "53": "Transportation and Material Moving", "55": "Military Specific",
}
#: ISCO-08 major groups (the first digit of an ISCO code, which ESCO occupations carry).
ISCO_MAJOR_GROUPS = {
    "0": "Armed forces occupations", "1": "Managers", "2": "Professionals",
    "3": "Technicians and associate professionals", "4": "Clerical support workers",
    "5": "Service and sales workers", "6": "Skilled agricultural, forestry and fishery workers",
    "7": "Craft and related trades workers", "8": "Plant and machine operators and assemblers",
    "9": "Elementary occupations",
}
_SOC = re.compile(r"(?<![\d.])(\d{2})-\d{4}(?:\.\d{2})?(?![\d])")
_ISCO = re.compile(r"^(\d)\d{3}(?:\.\d+)*$")


def role_family(codes, matches=()) -> tuple[str, str] | None:
    """The family of a role as ``(key, name)``: its SOC major group (``("15", "Computer and
    Mathematical")``) from an O*NET-SOC code, else its ISCO major group (``("isco-2",
    "Professionals")``) from an ESCO/ISCO code; ``matches`` (IRIs of equivalent occupations)
    are read for an O*NET-SOC code when the role has no code of its own.

    >>> role_family(["15-2051.00"])
    ('15', 'Computer and Mathematical')
    >>> role_family(["2511.1"])
    ('isco-2', 'Professionals')
    >>> role_family([], ["https://www.onetonline.org/link/summary/15-2051.00"])
    ('15', 'Computer and Mathematical')
    >>> role_family([]) is None
    True
    """
    def soc(texts):
        for text in texts:
            found = _SOC.search(str(text))
            if found and found.group(1) in SOC_MAJOR_GROUPS:
                return found.group(1), SOC_MAJOR_GROUPS[found.group(1)]
        return None

    # The role's own codes first (an ESCO occupation is in its ISCO group even when a
    # crosswalk matches it to an O*NET occupation), then its matches.
    found = soc(codes)
    if found:
        return found
    for code in codes:
        isco = _ISCO.match(str(code))
        if isco:
            return f"isco-{isco.group(1)}", ISCO_MAJOR_GROUPS[isco.group(1)]
    return soc(matches)


def most_similar(store: Store, iri: str, k: int = 10) -> list[dict]:
    """The ``k`` roles most like ``iri``, as the overlap package ranks them (``careerkg
    similar``): the one place pages and the API ask for them."""
    return overlap.similar_roles(cached_requirements_graph(store), iri, k=k)


def headline_wage(figures: list[SalaryFigure]) -> SalaryFigure | None:
    """The one figure that says what a role pays: the overall median (or the overall figure)
    with an amount, else the first figure with an amount."""
    with_amount = [f for f in figures if f.amount is not None]
    overall = [f for f in with_amount if f.dimension == "overall"]
    median = [f for f in overall
              if "median" in (f.statistic or f.group_label or "").casefold()]
    found = median or overall or with_amount
    return found[0] if found else None


@dataclass(frozen=True)
class RoleProfile:
    """A role: its IRI, label and codes, what it is, the skills and knowledge it requires
    (with their importance when the graph rates it), the tools it uses, its tasks, job zone,
    salary figures, related and equivalent occupations and the most similar roles."""

    iri: str
    label: str
    codes: tuple[str, ...]
    #: :func:`~careerkg.graph.overlap.item_summary` of each skill plus ``importance``
    #: (O*NET's 1–5 rating, ``None`` when unrated) and ``level`` (0–7); the most important
    #: first, then by label.  O*NET's Knowledge elements are in :attr:`knowledge` instead.
    skills: list[dict] = field(default_factory=list)
    #: :func:`~careerkg.graph.overlap.item_summary` of each tool plus ``hot`` and
    #: ``in_demand`` (O*NET's flags), by label.
    tools: list[dict] = field(default_factory=list)
    wages: list[SalaryFigure] = field(default_factory=list)
    #: The roles sharing the most requirements (as ``careerkg similar`` lists them).
    related: list[dict] = field(default_factory=list)
    #: The definition (``skos:definition``, else ``dct:description`` / ``rdfs:comment``).
    description: str | None = None
    #: Other names (``skos:altLabel``: O*NET alternate titles, ESCO alternative labels).
    alt_labels: list[str] = field(default_factory=list)
    #: Like :attr:`skills`, for O*NET's Knowledge elements.
    knowledge: list[dict] = field(default_factory=list)
    #: Machines and equipment (O*NET Tools Used): ``iri``, ``label``.
    equipment: list[dict] = field(default_factory=list)
    #: ``iri``, ``label``, ``type`` (Core / Supplemental or None), core tasks first.
    tasks: list[dict] = field(default_factory=list)
    #: O*NET's job zone: ``iri``, ``label``, ``education``, ``experience``, ``training``,
    #: ``svp`` (None when the role has none).
    job_zone: dict | None = None
    #: O*NET's related occupations: ``iri``, ``label``, ``tier``, ``rank``, by rank.
    related_occupations: list[dict] = field(default_factory=list)
    #: Equivalents in other taxonomies: ``iri``, ``label`` (None when the graph has none),
    #: ``relation`` (exact / close / broad / narrow / related match), both directions.
    equivalents: list[dict] = field(default_factory=list)
    #: ``(key, name)`` of the role's family (:func:`role_family`), or None.
    family: tuple[str, str] | None = None
    #: Where the statements about the role come from: ``name``, ``title`` of each source,
    #: and ``passages``, the passages they were derived from (``iri``, ``label``).
    sources: list[dict] = field(default_factory=list)
    passages: list[dict] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        """The first code (such as the O*NET-SOC code), if the role has one."""
        return self.codes[0] if self.codes else None

    @property
    def hot_technologies(self) -> list[dict]:
        """The tools O*NET flags as hot technologies."""
        return [t for t in self.tools if t.get("hot")]

    @property
    def tools_by_category(self) -> list[tuple[str, list[dict]]]:
        """The tools grouped by their category's label (groups by size, then name)."""
        groups: dict[str, list[dict]] = {}
        for tool in self.tools:
            groups.setdefault(tool.get("category_label") or "Other", []).append(tool)
        return sorted(groups.items(), key=lambda g: (-len(g[1]), g[0].casefold()))

    @property
    def headline_wage(self) -> SalaryFigure | None:
        return headline_wage(self.wages)

    def to_dict(self) -> dict:
        def rated(items):
            return [{**s, "importance": _float(s["importance"]), "level": _float(s["level"])}
                    for s in items]
        return {
            "iri": self.iri, "label": self.label, "codes": list(self.codes),
            "description": self.description, "alt_labels": self.alt_labels,
            "family": list(self.family) if self.family else None,
            "skills": rated(self.skills), "knowledge": rated(self.knowledge),
            "tools": self.tools, "equipment": self.equipment, "tasks": self.tasks,
            "job_zone": self.job_zone,
            "wages": [w.to_dict() for w in self.wages],
            "related": self.related,
            "related_occupations": self.related_occupations,
            "equivalents": self.equivalents,
            "sources": self.sources, "passages": self.passages,
        }


def _float(value):
    return None if value is None else float(value)


def _rows(store: Store, text: str) -> list[dict]:
    return store.query(text).to_python()


_EN = 'FILTER(LANG(?{0}) = "" || LANGMATCHES(LANG(?{0}), "en"))'


def _ratings(store: Store, role: str) -> dict[tuple[str, bool], tuple]:
    """(skill, is knowledge) → (importance, level) of a role's rated requirements; knowledge
    is what O*NET's content model files under 2.C (Knowledge), whatever node it points to."""
    out = {}
    for row in _rows(store, f"""SELECT ?skill ?knowledge (MAX(?rating) AS ?importance)
  (MAX(?lv) AS ?level) WHERE {{
  <{role}> <{CKG}skillRequirement> ?requirement .
  ?requirement <{CKG}requiredSkill> ?skill .
  OPTIONAL {{ ?requirement <{CKG}importance> ?rating }}
  OPTIONAL {{ ?requirement <{CKG}level> ?lv }}
  OPTIONAL {{ ?requirement <{CKG}contentModelElement>/<{SKOS}notation> ?element }}
  BIND(COALESCE(STRSTARTS(STR(?element), "2.C"), false) AS ?knowledge)
}} GROUP BY ?skill ?knowledge"""):
        out[(row["skill"], bool(row["knowledge"]))] = tuple(
            None if row.get(k) is None else Decimal(str(row[k])) for k in ("importance", "level"))
    return out


def _description(store: Store, role: str) -> tuple[str | None, list[str]]:
    text = None
    for predicate in (SKOS + "definition", DCT + "description", RDFS + "comment"):
        rows = _rows(store, f"SELECT ?d WHERE {{ <{role}> <{predicate}> ?d {_EN.format('d')} }}"
                            " ORDER BY ?d LIMIT 1")
        if rows:
            text = str(rows[0]["d"])
            break
    alt = _rows(store, f"SELECT DISTINCT ?a WHERE {{ <{role}> <{SKOS}altLabel> ?a "
                       f"{_EN.format('a')} }}")
    return text, sorted({str(r["a"]) for r in alt}, key=str.casefold)


def _label_part(var: str) -> str:
    return (f"OPTIONAL {{ ?{var} <{SKOS}prefLabel>|<{RDFS}label> ?{var}Label "
            f"{_EN.format(var + 'Label')} }}")


def _tool_flags(store: Store, role: str) -> dict[str, dict]:
    rows = _rows(store, f"""SELECT ?tool ?hot ?demand WHERE {{
  <{role}> <{CKG}usesTool> ?tool .
  OPTIONAL {{ ?tool <{CKG}hotTechnology> ?hot }}
  OPTIONAL {{ <{role}> <{CKG}inDemandTool> ?demand FILTER(?demand = ?tool) }}
}}""")
    return {r["tool"]: {"hot": bool(r.get("hot")), "in_demand": r.get("demand") is not None}
            for r in rows}


def _equipment(store: Store, role: str) -> list[dict]:
    rows = _rows(store, f"""SELECT ?item (SAMPLE(?itemLabel) AS ?label) WHERE {{
  <{role}> <{CKG}usesEquipment> ?item . {_label_part('item')} }} GROUP BY ?item""")
    return sorted(({"iri": r["item"], "label": str(r.get("label") or r["item"])} for r in rows),
                  key=lambda e: (e["label"].casefold(), e["iri"]))


def _tasks(store: Store, role: str) -> list[dict]:
    rows = _rows(store, f"""SELECT ?task (SAMPLE(?taskLabel) AS ?label) (SAMPLE(?t) AS ?type)
WHERE {{ <{role}> <{CKG}performsTask> ?task . {_label_part('task')}
  OPTIONAL {{ ?task <{CKG}taskType> ?t }} }} GROUP BY ?task""")
    tasks = [{"iri": r["task"], "label": str(r.get("label") or r["task"]),
              "type": None if r.get("type") is None else str(r["type"])} for r in rows]
    return sorted(tasks, key=lambda t: (t["type"] != "Core", t["label"].casefold(), t["iri"]))


def _job_zone(store: Store, role: str) -> dict | None:
    rows = _rows(store, f"""SELECT ?zone (SAMPLE(?zoneLabel) AS ?label) (SAMPLE(?e) AS ?education)
  (SAMPLE(?x) AS ?experience) (SAMPLE(?t) AS ?training) (SAMPLE(?s) AS ?svp) WHERE {{
  <{role}> <{CKG}jobZone> ?zone . {_label_part('zone')}
  OPTIONAL {{ ?zone <{CKG}educationNeeded> ?e }} OPTIONAL {{ ?zone <{CKG}experienceNeeded> ?x }}
  OPTIONAL {{ ?zone <{CKG}trainingNeeded> ?t }} OPTIONAL {{ ?zone <{CKG}svpRange> ?s }}
}} GROUP BY ?zone ORDER BY ?zone LIMIT 1""")
    if not rows:
        return None
    r = rows[0]
    return {"iri": r["zone"], "label": str(r.get("label") or r["zone"]),
            **{k: None if r.get(k) is None else str(r[k])
               for k in ("education", "experience", "training", "svp")}}


def _related_occupations(store: Store, role: str) -> list[dict]:
    rows = _rows(store, f"""SELECT ?other (SAMPLE(?otherLabel) AS ?label) (SAMPLE(?tier) AS ?t)
  (MIN(?rank) AS ?r) WHERE {{
  <{role}> <{CKG}relatedOccupation> ?link . ?link <{CKG}relatedRole> ?other .
  OPTIONAL {{ ?link <{CKG}relatednessTier> ?tier }}
  OPTIONAL {{ ?link <{CKG}relatednessIndex> ?rank }} {_label_part('other')}
}} GROUP BY ?other""")
    out = [{"iri": r["other"], "label": str(r.get("label") or r["other"]),
            "tier": None if r.get("t") is None else str(r["t"]),
            "rank": None if r.get("r") is None else int(r["r"])} for r in rows]
    return sorted(out, key=lambda o: (o["rank"] is None, o["rank"] or 0, o["label"].casefold()))


_MATCHES = {"exactMatch": "exact match", "closeMatch": "close match",
            "broadMatch": "broader match", "narrowMatch": "narrower match",
            "relatedMatch": "related match"}
_INVERSE = {"broadMatch": "narrowMatch", "narrowMatch": "broadMatch"}


def _equivalents(store: Store, role: str) -> list[dict]:
    values = " ".join(f"<{SKOS}{m}>" for m in _MATCHES)
    rows = _rows(store, f"""SELECT ?p ?other ?dir (SAMPLE(?otherLabel) AS ?label) WHERE {{
  VALUES ?p {{ {values} }}
  {{ <{role}> ?p ?other BIND("out" AS ?dir) }} UNION {{ ?other ?p <{role}> BIND("in" AS ?dir) }}
  FILTER(isIRI(?other) && ?other != <{role}>) {_label_part('other')}
}} GROUP BY ?p ?other ?dir""")
    found: dict[str, dict] = {}
    for r in rows:
        name = r["p"][len(SKOS):]
        if r["dir"] == "in":
            name = _INVERSE.get(name, name)
        item = found.setdefault(r["other"], {"iri": r["other"], "label": None,
                                             "relation": _MATCHES[name]})
        if r.get("label") is not None:
            item["label"] = str(r["label"])
    return sorted(found.values(), key=lambda e: ((e["label"] or e["iri"]).casefold(), e["iri"]))


def _provenance(store: Store, role: str) -> tuple[list[dict], list[dict]]:
    # One ASK per source with its graph as the dataset (FROM): the same on every kind of
    # store, a remote one included (whose queries see the live graphs as one default graph).
    sources = [{"name": s.name, "title": s.title} for s in store.sources()
               if store.query(f"ASK FROM <{s.graph}> {{ <{role}> ?p ?o }}").boolean]
    rows = _rows(store, f"""SELECT ?passage (SAMPLE(?passageLabel) AS ?label) WHERE {{
  {{ <{role}> <{PROV}wasDerivedFrom> ?passage }} UNION {{ ?passage <{CKG}about> <{role}> }}
  ?passage a <{CKG}Passage> . {_label_part('passage')} }} GROUP BY ?passage""")
    passages = sorted(({"iri": r["passage"], "label": str(r.get("label") or r["passage"])}
                       for r in rows), key=lambda p: (p["label"].casefold(), p["iri"]))
    return sources, passages


def role_profile(store: Store, name: str, *, related: int = 10) -> RoleProfile:
    """The role a person means by ``name`` (IRI, prefixed or local name, code, label or
    alternative label), with what it is, its requirements, tasks, job zone, salary figures,
    related and equivalent occupations, provenance and ``related`` similar roles.

    Raises
    ------
    NameNotFound, AmbiguousName
        From :func:`~careerkg.graph.search.resolve_name`, with the candidates.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> profile = role_profile(open_store(None), "data scientist")
    >>> profile.iri
    'https://w3id.org/careerkg/id/role/data-scientist'
    >>> any(t["label"] == "Python" for t in profile.tools)
    True
    """
    ref = resolve_name(store, name, "role")
    iri = ref.iri
    G = cached_requirements_graph(store)
    ratings = _ratings(store, iri)
    skills, knowledge = [], []
    required = set(role_items(G, iri, "skills"))
    for n in required:  # the requirements the overlap views see, rated or not
        if (n, False) in ratings or (n, True) not in ratings:
            importance, level = ratings.get((n, False), (None, None))
            target = knowledge if _category(G, n) == KNOWLEDGE_CATEGORY else skills
            target.append({**item_summary(G, n), "importance": importance, "level": level})
    # Rated elements below the requiresSkill threshold are requirements too (with a low
    # importance): listed after the rest, as are all knowledge ratings.
    for (n, is_knowledge), (importance, level) in ratings.items():
        if not is_knowledge and n in required:
            continue
        summary = item_summary(G, n) if n in G else {
            "iri": n, "label": _label(store, n), "kind": "skill", "layer": "skill",
            "category": None, "category_label": None}
        (knowledge if is_knowledge else skills).append(
            {**summary, "importance": importance, "level": level})
    for items in (skills, knowledge):
        items.sort(key=lambda s: (s["importance"] is None, -(s["importance"] or 0),
                                  s["label"].casefold(), s["iri"]))
    flags = _tool_flags(store, iri)
    tools = sorted(({**item_summary(G, n), **flags.get(n, {"hot": False, "in_demand": False})}
                    for n in role_items(G, iri, "tools")),
                   key=lambda t: (t["label"].casefold(), t["iri"]))
    description, alt_labels = _description(store, iri)
    codes = tuple(G.nodes[iri].get("codes", ())) if iri in G else ()
    equivalents = _equivalents(store, iri)
    sources, passages = _provenance(store, iri)
    return RoleProfile(
        iri=iri,
        label=ref.label,
        codes=codes,
        skills=skills,
        knowledge=knowledge,
        tools=tools,
        wages=salary_figures(store, [iri]),
        related=most_similar(store, iri, k=related) if related and iri in G else [],
        description=description,
        alt_labels=[a for a in alt_labels if a.casefold() != ref.label.casefold()],
        equipment=_equipment(store, iri),
        tasks=_tasks(store, iri),
        job_zone=_job_zone(store, iri),
        related_occupations=_related_occupations(store, iri),
        equivalents=equivalents,
        family=role_family(codes, [e["iri"] for e in equivalents]),
        sources=sources,
        passages=passages,
    )


def _category(G, node: str) -> str | None:
    return G.nodes[node].get("category") if node in G else None


def _label(store: Store, iri: str) -> str:
    rows = _rows(store, f"SELECT ?l WHERE {{ <{iri}> <{SKOS}prefLabel>|<{RDFS}label> ?l "
                        f"{_EN.format('l')} }} ORDER BY ?l LIMIT 1")
    return str(rows[0]["l"]) if rows else iri

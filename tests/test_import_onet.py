"""Import of the real O*NET files, checked against answers computed from the files themselves.

The import runs once per store kind (memory, disk, and a real `oxigraph serve` of this
module's own) and the read-only checks share it.  Expected values are read straight from the
tab-separated files with the standard library, not through the importer.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import FIXTURES, ONET_DIR, ROOT, OxigraphServer

from careerkg.graph.factory import open_store
from careerkg.graph.importers import import_source
from careerkg.graph.importers.onet import SEED_ALIASES
from careerkg.graph.namespaces import CKG

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
PREFIXES = (f"PREFIX ckg: <{CKG}> PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}> "
            f"PREFIX dct: <{DCT}> ")
ONET_ID = "https://w3id.org/careerkg/id/onet/"
DS = "15-2051.00"
KINDS = ["memory", "disk", "remote"]


def read_table(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def onet_files():
    """What the files say, read independently of the importer."""
    occupations = read_table(ONET_DIR / "Occupation Data.txt")
    tech = read_table(ONET_DIR / "Technology Skills.txt")
    per_occupation = defaultdict(set)
    for row in tech:
        per_occupation[row["O*NET-SOC Code"]].add(row["Example"])
    return {
        "occupations": {r["O*NET-SOC Code"]: r["Title"] for r in occupations},
        "technologies": {r["Example"] for r in tech},
        "links": {(r["O*NET-SOC Code"], r["Example"]) for r in tech},
        "linked_occupations": {r["O*NET-SOC Code"] for r in tech},
        "commodities": {r["Commodity Code"]: r["Commodity Title"] for r in tech},
        "hot": {r["Example"] for r in tech if r["Hot Technology"] == "Y"},
        "in_demand": {(r["O*NET-SOC Code"], r["Example"]) for r in tech
                      if r["In Demand"] == "Y"},
        "per_occupation": per_occupation,
    }


@pytest.fixture(scope="module", params=KINDS)
def onet_store(request, tmp_path_factory):
    """A seeded store of each kind with the real O*NET files imported (read-only use)."""
    server = None
    if request.param == "memory":
        store = open_store(None)
    elif request.param == "disk":
        store = open_store(str(tmp_path_factory.mktemp("onet") / "store"))
    else:
        server = OxigraphServer(tmp_path_factory.mktemp("onet-remote"))
        store = open_store(server.query_url)
    report = import_source("onet", store, ONET_DIR)
    store.report = report
    yield store
    store.close()
    if server is not None:
        server.stop()


def select(store, text, **options) -> list[dict]:
    return store.query(PREFIXES + text, **options).to_python()


def onet_graph(store) -> str:
    return store.source("onet").graph


def tool_names(store, occupation_iri: str) -> dict[str, set[str]]:
    """tool IRI → every name it carries (labels and alternative labels, case-folded)."""
    rows = select(store, f"""SELECT ?tool ?name WHERE {{
        <{occupation_iri}> ckg:usesTool ?tool .
        {{ ?tool rdfs:label ?name }} UNION {{ ?tool skos:prefLabel ?name }}
        UNION {{ ?tool skos:altLabel ?name }} }}""")
    out = defaultdict(set)
    for row in rows:
        out[row["tool"]].add(row["name"].casefold())
    return out


# -- counts --------------------------------------------------------------------------------

def test_counts_match_the_files(onet_store, onet_files):
    graph = [onet_graph(onet_store)]
    row = select(onet_store, """SELECT
        (COUNT(DISTINCT ?role) AS ?roles) WHERE { ?role a ckg:Role ; skos:notation ?code }""",
                 default_graphs=graph)[0]
    assert row["roles"] == len(onet_files["occupations"]) == 1016
    row = select(onet_store, """SELECT (COUNT(DISTINCT ?tool) AS ?tools)
        (COUNT(DISTINCT ?role) AS ?roles) (COUNT(*) AS ?links)
        WHERE { ?role ckg:usesTool ?tool }""", default_graphs=graph)[0]
    assert row["tools"] == len(onet_files["technologies"]) == 8745
    assert row["roles"] == len(onet_files["linked_occupations"]) == 923
    assert row["links"] == len(onet_files["links"]) == 32435
    commodities = select(onet_store, f"""SELECT ?code ?title WHERE {{
        ?c a ckg:Category ; skos:notation ?code ; rdfs:label ?title
        FILTER(STRSTARTS(STR(?c), "{ONET_ID}commodity/")) }}""")
    assert {r["code"]: r["title"] for r in commodities} == onet_files["commodities"]
    assert onet_store.report.counts["roles"] == 1016
    assert onet_store.report.counts["tools"] == 8745


def test_every_occupation_keeps_its_code_and_title(onet_store, onet_files):
    rows = select(onet_store, """SELECT ?code ?title WHERE {
        ?role a ckg:Role ; skos:notation ?code ; skos:prefLabel ?title }""",
                  default_graphs=[onet_graph(onet_store)])
    assert {r["code"]: r["title"] for r in rows} == onet_files["occupations"]


def test_technologies_of_data_scientists(onet_store, onet_files):
    expected = {name.casefold() for name in onet_files["per_occupation"][DS]}
    tools = tool_names(onet_store, ONET_ID + "occupation/" + DS)
    assert len(tools) == len(expected) == 86
    # each technology of the file is exactly one tool of the occupation, found by its name
    for name in expected:
        carriers = [t for t, names in tools.items() if name in names]
        assert len(carriers) == 1, name
    # and every tool carries one of the file's names
    assert all(names & expected for names in tools.values())


def test_each_tool_has_one_category_and_all_its_commodities(onet_store, onet_files):
    rows = select(onet_store, f"""SELECT ?tool (COUNT(DISTINCT ?c) AS ?n) WHERE {{
        ?role ckg:usesTool ?tool FILTER(STRSTARTS(STR(?role), "{ONET_ID}"))
        ?tool ckg:category ?c }} GROUP BY ?tool HAVING (COUNT(DISTINCT ?c) != 1)""")
    assert rows == []
    rows = select(onet_store, """SELECT ?tool ?commodity WHERE {
        ?tool ckg:listedUnder ?c . ?c skos:notation ?commodity }""",
                  default_graphs=[onet_graph(onet_store)])
    listed = defaultdict(set)
    for row in rows:
        listed[row["tool"]].add(row["commodity"])
    with open(ONET_DIR / "Technology Skills.txt", encoding="utf-8", newline="") as handle:
        expected = defaultdict(set)
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            expected[row["Example"]].add(row["Commodity Code"])
    # Which tool is listed under which commodities: each technology of the file is found by
    # its name (the seed's tools carry their own label, matched case-insensitively).
    rows = select(onet_store, """SELECT ?tool ?name WHERE { ?tool ckg:listedUnder ?c .
        { ?tool rdfs:label ?name } UNION { ?tool skos:altLabel ?name } }""")
    exact, folded = defaultdict(set), defaultdict(set)
    for row in rows:
        exact[row["name"]].add(row["tool"])
        folded[row["name"].casefold()].add(row["tool"])
    got = {}
    for example in expected:
        carriers = exact.get(example) or folded[example.casefold()]
        assert len(carriers) == 1, (example, carriers)
        got[example] = listed[next(iter(carriers))]
    assert got == expected
    assert len(listed) == len(expected) == 8745


def test_hot_and_in_demand_flags(onet_store, onet_files):
    graph = [onet_graph(onet_store)]
    hot = select(onet_store, """SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?t ckg:hotTechnology true }""", default_graphs=graph)[0]["n"]
    assert hot == len(onet_files["hot"])
    flags = select(onet_store, """SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?t ckg:hotTechnology ?flag }""", default_graphs=graph)[0]["n"]
    assert flags == len(onet_files["technologies"])
    demand = select(onet_store, """SELECT (COUNT(*) AS ?n) WHERE {
        ?r ckg:inDemandTool ?t }""", default_graphs=graph)[0]["n"]
    assert demand == len(onet_files["in_demand"])
    # in demand is also a use of the tool
    assert not onet_store.query(PREFIXES + """ASK { ?r ckg:inDemandTool ?t
        FILTER NOT EXISTS { ?r ckg:usesTool ?t } }""", default_graphs=graph).boolean


# -- links to the seed -------------------------------------------------------------------------

def test_seed_data_scientist_is_linked_inside_the_onet_graph(onet_store):
    graph = onet_graph(onet_store)
    occupation = ONET_ID + "occupation/" + DS
    role = "https://w3id.org/careerkg/id/role/data-scientist"
    for a, b in ((role, occupation), (occupation, role)):
        assert onet_store.query(
            PREFIXES + f"ASK {{ GRAPH <{graph}> {{ <{a}> skos:closeMatch <{b}> }} }}",
            default_graphs=[], named_graphs=[graph],
        ).boolean
    # only roles whose labels or existing outside links say so are linked
    linked = select(onet_store, f"""SELECT DISTINCT ?role WHERE {{
        ?role skos:closeMatch ?o FILTER(STRSTARTS(STR(?o), "{ONET_ID}")) }}""",
                    default_graphs=[graph])
    assert [r["role"] for r in linked] == [role]


def test_seed_tools_are_the_onet_technologies_of_the_same_name(onet_store, onet_files):
    seed = onet_store.source("seed").graph
    rows = select(onet_store, """SELECT ?tool ?name WHERE { ?tool a ckg:Tool .
        { ?tool rdfs:label ?name } UNION { ?tool skos:altLabel ?name } }""",
                  default_graphs=[seed])
    # the seed's name, or the seed name an O*NET name is an alias of ("Oracle Java" → Java)
    by_name = {SEED_ALIASES.get(name, name).casefold(): name for name in onet_files["technologies"]}
    matched = {r["tool"]: by_name[r["name"].casefold()] for r in rows
               if r["name"].casefold() in by_name}
    assert len(matched) == onet_store.report.counts["linked_tools"] == 12
    assert {"Oracle Java", "Structured query language SQL"} <= set(matched.values())
    for tool, name in matched.items():
        users = select(onet_store, f"""SELECT ?code WHERE {{
            ?role ckg:usesTool <{tool}> ; skos:notation ?code }}""",
                       default_graphs=[onet_graph(onet_store)])
        expected = {code for code, example in onet_files["links"] if example == name}
        assert {r["code"] for r in users} == expected, name
        # no second tool of that name was minted
        twins = select(onet_store, f"""SELECT ?t WHERE {{ ?t rdfs:label ?l
            FILTER(STRSTARTS(STR(?t), "{ONET_ID}technology/") && LCASE(STR(?l)) = "{name.lower()}")
            }}""")
        assert twins == []


# -- provenance ----------------------------------------------------------------------------

def test_graph_carries_the_attribution_and_says_it_was_derived(onet_store):
    readme = (ONET_DIR / "README.md").read_text(encoding="utf-8")
    paragraph = " ".join(readme.split("Attribution (required by the licence):", 1)[1].split())
    attribution = paragraph.split(" These files are unmodified")[0]
    rows = select(onet_store, """SELECT ?rights ?license ?note ?source WHERE {
        ?d dct:rights ?rights ; dct:license ?license ; skos:note ?note ; dct:source ?source }""",
                  default_graphs=[onet_graph(onet_store)])
    assert len(rows) == 1
    assert rows[0]["rights"] == attribution
    assert rows[0]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert re.search(r"\bmodified\b", rows[0]["note"])
    # every occupation names the data set it comes from
    assert not onet_store.query(PREFIXES + """ASK { ?r a ckg:Role FILTER NOT EXISTS {
        ?r dct:source ?d } }""", default_graphs=[onet_graph(onet_store)]).boolean


# -- the overlap views on the import -----------------------------------------------------------

def _overlap_reports(store, cli):
    """``similar`` and ``overlap`` reports: through the CLI where another process can open
    the store (remote), else through the same functions the CLI calls."""
    if store.kind == "remote":
        spec = ["--store", store.location]
        runs = (cli("similar", DS, "--by", "tools", "--top", "3", "--metric", "jaccard",
                    "--format", "json", *spec),
                cli("overlap", DS, "Machine Learning Engineer", "--by", "tools", "--format",
                    "json", *spec))
        for result in runs:
            assert result.exit_code == 0, result.output
        return tuple(json.loads(r.output) for r in runs)
    from careerkg.graph.overlap import overlap_report, similar_report

    return (similar_report(store, DS, 3, "tools", "jaccard"),
            overlap_report(store, DS, "Machine Learning Engineer", "tools"))


def test_similar_and_overlap_on_the_import(onet_store, onet_files, cli):
    similar, overlap = _overlap_reports(onet_store, cli)
    assert similar["role"]["codes"] == [DS]
    assert similar["role"]["items"] == 86
    # the best Jaccard, computed from the file alone
    mine = onet_files["per_occupation"][DS]
    best = max(
        len(mine & names) / len(mine | names)
        for code, names in onet_files["per_occupation"].items() if code != DS
    )
    assert similar["similar"][0]["jaccard"] == pytest.approx(best)

    seed_tools = select(onet_store, """SELECT ?name WHERE {
        <https://w3id.org/careerkg/id/role/machine-learning-engineer> ckg:usesTool ?t .
        { ?t rdfs:label ?name } UNION { ?t skos:altLabel ?name } }""",
                        default_graphs=[onet_store.source("seed").graph])
    seed_names = {r["name"].casefold() for r in seed_tools}
    expected_shared = {n for n in mine if SEED_ALIASES.get(n, n).casefold() in seed_names}
    assert len(overlap["shared"]) == len(expected_shared) == 10
    assert "Oracle Java" in expected_shared


# -- optional O*NET files ------------------------------------------------------------------

def _elements(path: Path) -> dict[str, str]:
    return {r["Element ID"]: r["Element Name"] for r in read_table(path)}


def documented_threshold() -> float:
    """The importance cut-off docs/import.md states for Skills / Knowledge links."""
    docs = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    found = re.findall(r"importance(?: \(scale IM, 1–5\))? is at least (\d+(?:\.\d+)?)", docs)
    assert len(found) == 1, "docs/import.md states the importance cut-off once"
    return float(found[0])


#: What the docs promise (O*NET OnLine's cut-off), not the importer's constant read back.
DOCUMENTED_THRESHOLD = documented_threshold()


def test_the_fixture_decides_links_at_the_documented_threshold():
    """The Skills/Knowledge fixture has a link decided by a row exactly at the cut-off (so
    ``>=`` is checked, and any higher cut-off loses it) and one just below it (so a lower
    cut-off gains one): a different threshold changes the expected links."""
    rows = [r for name in ("Skills.txt", "Knowledge.txt")
            for r in read_table(FIXTURES / "onet-extra" / name) if r["Scale ID"] == "IM"]
    per_link = defaultdict(list)
    for r in rows:
        per_link[(r["O*NET-SOC Code"], r["Element Name"].casefold())].append(
            float(r["Data Value"]))
    alone = [max(values) for values in per_link.values()]
    assert DOCUMENTED_THRESHOLD in alone
    assert [v for v in alone if DOCUMENTED_THRESHOLD - 0.5 <= v < DOCUMENTED_THRESHOLD]


@pytest.fixture(scope="module")
def extra_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("onet-extra")
    for name in ("Occupation Data.txt", "Technology Skills.txt"):
        (folder / name).symlink_to(ONET_DIR / name)
    for path in (FIXTURES / "onet-extra").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


def test_skills_knowledge_related_and_alternate_titles(extra_folder, memory_store):
    report = import_source("onet", memory_store, extra_folder)
    graph = [memory_store.source("onet").graph]
    # expected links, from the fixture files: importance (IM) at or above the threshold and
    # not flagged Not Relevant in the level row
    expected = set()
    names = {}
    for file_name in ("Skills.txt", "Knowledge.txt"):
        rows = read_table(extra_folder / file_name)
        not_relevant = {(r["O*NET-SOC Code"], r["Element ID"]) for r in rows
                        if r["Not Relevant"] == "Y"}
        for r in rows:
            key = (r["O*NET-SOC Code"], r["Element ID"])
            names[r["Element ID"]] = r["Element Name"]
            if r["Scale ID"] == "IM" and float(r["Data Value"]) >= DOCUMENTED_THRESHOLD \
                    and key not in not_relevant:
                expected.add((r["O*NET-SOC Code"], r["Element Name"].casefold()))
    rows = select(memory_store, """SELECT ?code ?skill ?name WHERE {
        ?role ckg:requiresSkill ?skill ; skos:notation ?code .
        { ?skill rdfs:label ?name } UNION { ?skill skos:altLabel ?name } }""",
                  default_graphs=graph + [memory_store.source("seed").graph])
    names_of = defaultdict(set)  # (code, skill) → its names
    for r in rows:
        names_of[(r["code"], r["skill"])].add(r["name"].casefold())
    # every expected link is there, and every link is expected (by one of the skill's names)
    found = {(code, name) for (code, _s), names in names_of.items() for name in names}
    assert expected <= found
    assert all(any((code, n) in expected for n in names)
               for (code, _s), names in names_of.items())
    # Skills and Knowledge both have "Mathematics": one skill, so fewer links than rows
    assert len(names_of) == len({(c, n) for c, n in expected})
    # the seed's skills of the same name are reused, not minted again: "Programming", and
    # "Mathematics" (an alternative label of the seed's mathematics and statistics)
    seed = memory_store.source("seed").graph
    seed_names = {r["name"].casefold() for r in select(memory_store, """SELECT ?name WHERE {
        ?s a ckg:Skill . { ?s rdfs:label ?name } UNION { ?s skos:altLabel ?name } }""",
        default_graphs=[seed])}
    assert report.counts["linked_skills"] == len(
        {(f, e) for f in ("Skills.txt", "Knowledge.txt")
         for e, n in _elements(extra_folder / f).items() if n.casefold() in seed_names}
    ) >= 1
    assert memory_store.query(PREFIXES + f"""ASK {{
        <{ONET_ID}occupation/{DS}> ckg:requiresSkill
        <https://w3id.org/careerkg/id/skill/programming> }}""").boolean

    related = read_table(extra_folder / "Related Occupations.txt")
    expected_related = {(r["O*NET-SOC Code"], r["Related O*NET-SOC Code"]) for r in related
                        if r["Relatedness Tier"].startswith("Primary")}
    rows = select(memory_store, """SELECT ?a ?b WHERE { ?x skos:related ?y .
        ?x skos:notation ?a . ?y skos:notation ?b }""", default_graphs=graph)
    assert {(r["a"], r["b"]) for r in rows} == expected_related

    alternates = read_table(extra_folder / "Alternate Titles.txt")
    rows = select(memory_store, f"""SELECT ?alt WHERE {{
        <{ONET_ID}occupation/{DS}> skos:altLabel ?alt }}""")
    assert {r["alt"] for r in rows} == {
        a["Alternate Title"] for a in alternates if a["O*NET-SOC Code"] == DS
    }
    # the role can be found by an alternate title
    result = select(memory_store, """SELECT ?r WHERE { ?r skos:altLabel "BI Developer"@en }""")
    assert [r["r"] for r in result] == [ONET_ID + "occupation/15-2051.01"]


# -- a plain clone ---------------------------------------------------------------------------

def test_a_plain_clone_has_the_onet_files():
    """The O*NET checks run from a plain clone: the files are tracked in the repository
    (data/onet/), not read from beside it, and they are the release the README describes."""
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--", "data/onet"],
                             capture_output=True, text=True, check=True).stdout.split("\n")
    assert {"data/onet/Occupation Data.txt", "data/onet/Technology Skills.txt",
            "data/onet/README.md"} <= set(tracked)
    assert ONET_DIR == ROOT / "data" / "onet"
    readme = (ONET_DIR / "README.md").read_text(encoding="utf-8")
    occupations = read_table(ONET_DIR / "Occupation Data.txt")
    links = read_table(ONET_DIR / "Technology Skills.txt")
    assert f"{len(occupations):,} occupations" in readme
    assert f"{len(links):,} occupation-technology links" in readme

"""The canned queries that were too slow on the full graph (issue 12: skill-hierarchy,
tasks-per-role, search-labels) answer right there, a page at a time as the web pages ask.

Each answer is checked against the raw files in data/ (O*NET's task statements, ESCO's
occupation–skill and broader relations) and against the built store walked triple by triple
with pyoxigraph's quad patterns (no SPARQL), never against the query itself.  Their time on a
live server is checked by ``tests/reliability/test_canned_limits.py``.
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pyoxigraph as ox
import pytest
from conftest import ROOT

from careerkg.graph.factory import open_store
from careerkg.graph.library import load_library
from careerkg.graph.namespaces import CKG, ID
from careerkg.graph.parameters import bind_names
from careerkg.server.canned import Paging, paged_text

# The session's full build (when not cached) runs in the first test's time.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

LIBRARY = load_library()
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS = "http://www.w3.org/2004/02/skos/core#"
MLE = ID + "role/machine-learning-engineer"
ONET = ROOT / "data" / "onet-29.2"
ESCO_EN = ROOT / "data" / "esco-1.1.1" / "ESCO dataset - v1.1.1 - classification - en - csv.zip"
ESCO_RELATIONS = (ROOT / "data" / "esco-1.1.1"
                  / "ESCO dataset - v1.1.1 - classification -  - csv.zip")


@pytest.fixture(scope="module")
def store(full_store):
    opened = open_store(str(full_store), read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def triples(full_store):
    """The same store opened by pyoxigraph alone, to walk by quad patterns."""
    return ox.Store.read_only(str(full_store))


def _objects(raw: ox.Store, subject, predicate: str) -> set:
    return {q.object for q in raw.quads_for_pattern(subject, ox.NamedNode(predicate), None)}


def _labels(raw: ox.Store, subject) -> set[str]:
    return {q.object.value for q in raw.quads_for_pattern(subject, RDFS_LABEL, None)}


def _pages(store, name: str, values: dict[str, str], size: int) -> list[dict[str, str]]:
    """The whole answer of a canned query, page after page as ``/queries/NAME`` asks for them
    (``size`` rows a page, one more to learn whether another follows)."""
    text = bind_names(store, LIBRARY[name], values)
    rows, page = [], 1
    while True:
        answer = store.query(paged_text(text, Paging(page, size)))
        got = [{v: (t.value if t is not None else None)
                for v, t in zip(answer.variables, row, strict=True)} for row in answer.rows]
        rows += got[:size]
        if len(got) <= size:
            return rows
        page += 1


def _esco_rows(path, member: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


# -- tasks-per-role ------------------------------------------------------------------------------

def _onet_tasks(code: str) -> list[str]:
    book = openpyxl.load_workbook(ONET / "Task Statements.xlsx", read_only=True)
    try:
        rows = book.active.iter_rows(values_only=True)
        header = next(rows)
        at, task = header.index("O*NET-SOC Code"), header.index("Task")
        return [row[task] for row in rows if row[at] == code]
    finally:
        book.close()


@pytest.mark.parametrize("name", ["Statisticians", "15-2041.00"])
def test_tasks_of_an_onet_occupation_are_its_task_statements(store, name):
    statements = _onet_tasks("15-2041.00")
    assert len(statements) > 10
    found = _pages(store, "tasks-per-role", {"role": name}, size=4)
    assert {row["roleLabel"] for row in found} == {"Statisticians"}
    assert {row["role"] for row in found} == {ID + "onet/occupation/15-2041.00"}
    assert [row["taskLabel"] for row in found] == sorted(statements)


def test_tasks_by_default_are_the_article_role_s_on_the_full_graph_too(store, triples):
    role = ox.NamedNode(MLE)
    expected = sorted(label for task in _objects(triples, role, CKG + "performsTask")
                      for label in _labels(triples, task))
    found = _pages(store, "tasks-per-role", {}, size=2)
    assert expected and [row["taskLabel"] for row in found] == expected
    assert {row["role"] for row in found} == {MLE}


# -- skill-hierarchy -----------------------------------------------------------------------------

def _hierarchy_rows(raw: ox.Store, role_iri: str) -> list[tuple]:
    """skill-hierarchy's rows for one role, from the store's triples, in the query's order."""
    role = ox.NamedNode(role_iri)
    rows = set()
    for skill in _objects(raw, role, CKG + "requiresSkill"):
        if ox.NamedNode(CKG + "Skill") not in _objects(raw, skill, RDF_TYPE.value):
            continue
        categories = {label for category in _objects(raw, skill, CKG + "category")
                      for label in _labels(raw, category)}
        for parent in _objects(raw, skill, SKOS + "broader"):
            rows |= {(parent_label, skill_label, category, parent.value, skill.value, role_label)
                     for parent_label in _labels(raw, parent)
                     for skill_label in _labels(raw, skill)
                     for category in categories
                     for role_label in _labels(raw, role)}
    return sorted(rows)


def _as_hierarchy_rows(found: list[dict]) -> list[tuple]:
    return [(r["parentLabel"], r["skillLabel"], r["categoryLabel"], r["parent"], r["skill"],
             r["roleLabel"]) for r in found]


def test_skill_hierarchy_of_an_esco_occupation_is_esco_s(store, triples):
    """ESCO's data scientist: the pairs (skill, broader) of ESCO's relation files for the
    skills the occupation needs, every one in the answer, in order, with labels and
    categories as the store has them."""
    occupation = next(r for r in _esco_rows(ESCO_EN, "occupations_en.csv")
                      if r["preferredLabel"] == "data scientist")
    uuid = occupation["conceptUri"].rsplit("/", 1)[-1]
    needed = {r["skillUri"] for r in _esco_rows(ESCO_RELATIONS, "occupationSkillRelations.csv")
              if r["occupationUri"] == occupation["conceptUri"]}
    pairs = {(r["conceptUri"], r["broaderUri"])
             for r in _esco_rows(ESCO_RELATIONS, "broaderRelationsSkillPillar.csv")
             if r["conceptUri"] in needed}
    assert len(pairs) > 50

    role = ID + "esco/occupation/" + uuid
    found = _pages(store, "skill-hierarchy", {"role": occupation["code"]}, size=40)
    assert len(found) > 100  # several pages
    assert {row["role"] for row in found} == {role}
    assert _as_hierarchy_rows(found) == _hierarchy_rows(triples, role)

    # Each careerkg IRI back to ESCO's.  An ESCO skill named like a seed skill is that skill,
    # which keeps the seed's parents, not ESCO's (the ESCO import's rule).
    def esco(iri: str) -> set[str]:
        return {o.value for o in _objects(triples, ox.NamedNode(iri), SKOS + "exactMatch")
                if o.value.startswith("http://data.europa.eu/esco/")}

    def imported(uri: str) -> bool:
        return all(q.subject.value.startswith(ID + "esco/") for q in triples.quads_for_pattern(
            None, ox.NamedNode(SKOS + "exactMatch"), ox.NamedNode(uri)))

    answered = {(s, p) for row in found if row["skill"].startswith(ID + "esco/")
                for s in esco(row["skill"]) for p in esco(row["parent"])}
    assert answered == {(s, p) for s, p in pairs if imported(s)}


def test_skill_hierarchy_by_default_is_the_article_role_s_on_the_full_graph_too(store, triples):
    found = _pages(store, "skill-hierarchy", {}, size=3)
    expected = _hierarchy_rows(triples, MLE)
    assert expected and _as_hierarchy_rows(found) == expected


# -- search-labels -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def names(triples) -> list[tuple[ox.NamedNode, str]]:
    """Every (resource, preferred or alternative label) of the store."""
    return [(quad.subject, quad.object.value)
            for predicate in ("prefLabel", "altLabel")
            for quad in triples.quads_for_pattern(None, ox.NamedNode(SKOS + predicate), None)]


def _search_rows(raw: ox.Store, names, text: str) -> list[tuple]:
    """search-labels' rows, from the store's triples: (kind, label, matched, resource)."""
    rows = set()
    for resource, name in names:
        if text.lower() not in name.lower() or not _objects(raw, resource, SKOS + "prefLabel"):
            continue
        kinds = sorted(t.value.removeprefix(CKG) for t in _objects(raw, resource, RDF_TYPE.value)
                       if t.value.startswith(CKG))
        if kinds:
            rows |= {(kinds[0], label, name, resource.value) for label in _labels(raw, resource)}
    return sorted(rows)


@pytest.mark.parametrize("text", ["EDA", "Statistic"])
def test_search_by_name_on_the_full_graph(store, triples, names, text):
    found = _pages(store, "search-labels", {"text": f'"{text}"'}, size=100)
    expected = _search_rows(triples, names, text)
    assert len(expected) > 100  # more than a page
    got = [(r["kind"], r["label"], r["matched"], r["resource"]) for r in found]
    assert sorted(got) == expected
    keys = [row[:3] for row in got]
    assert keys == sorted(keys)  # ORDER BY ?kind ?label ?matched
    assert {r["text"] for r in found} == {text}

"""Sources from imports: idempotent re-import, replacement, drop; the CSV and RDF importers;
the `careerkg import / sources / drop` commands (on memory, disk and a real `oxigraph serve`).
"""

from __future__ import annotations

import csv
import json
import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import FIXTURES, ONET_DIR

from careerkg.graph.errors import NotFound
from careerkg.graph.factory import open_store
from careerkg.graph.importers import IMPORTERS, import_source
from careerkg.graph.namespaces import CKG, ID
from careerkg.graph.store import OxigraphStore

ESCO_DIR = FIXTURES / "esco"
OWN_ROLES = FIXTURES / "own-roles.csv"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PREFIXES = f"PREFIX ckg: <{CKG}> PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}> "


def select_rows(store, text, **options):
    return store.query(PREFIXES + text, **options).to_python()


# -- life cycle of a source ---------------------------------------------------------------------

def test_reimport_is_idempotent(any_store):
    first = import_source("esco", any_store, ESCO_DIR)
    assert first.changed
    graph = any_store.source("esco").graph
    exported = any_store.export("ntriples")
    names = any_store.graph_names()
    again = import_source("esco", any_store, ESCO_DIR)
    assert not again.changed
    assert again.triples == first.triples
    assert any_store.source("esco").graph == graph
    assert any_store.export("ntriples") == exported
    assert any_store.graph_names() == names


def test_changed_input_replaces_the_source_whole(any_store, tmp_path):
    import_source("esco", any_store, ESCO_DIR)
    old_graph = any_store.source("esco").graph
    folder = tmp_path / "esco"
    shutil.copytree(ESCO_DIR, folder)
    path = folder / "occupations_en.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "database administrator,", "database custodian,", 1), encoding="utf-8")
    report = import_source("esco", any_store, folder)
    assert report.changed
    assert any_store.source("esco").graph != old_graph
    assert old_graph not in any_store.graph_names()
    labels = {r["l"] for r in select_rows(any_store, """SELECT ?l WHERE {
        ?r a ckg:Role ; skos:prefLabel ?l }""")}
    assert "database custodian" in labels and "database administrator" not in labels


def test_drop_removes_the_source_and_its_links(any_store):
    before = any_store.export("ntriples")
    import_source("esco", any_store, ESCO_DIR)
    import_source("csv", any_store, OWN_ROLES)
    with_csv = any_store.export("ntriples")
    dropped = any_store.drop_source("esco")
    assert dropped.name == "esco"
    assert [s.name for s in any_store.sources()] == ["csv-own-roles", "ontology", "seed"]
    assert not any_store.query(PREFIXES + f"""ASK {{ <{ID}role/data-scientist>
        skos:closeMatch ?r FILTER(STRSTARTS(STR(?r), "{ID}esco/")) }}""").boolean
    any_store.drop_source("csv-own-roles")
    assert any_store.export("ntriples") == before
    assert with_csv != before
    with pytest.raises(NotFound, match=r"no source named 'esco' \(sources: ontology, seed\)"):
        any_store.drop_source("esco")


def test_sources_are_listed_with_their_counts(any_store):
    report = import_source("esco", any_store, ESCO_DIR)
    source = any_store.source("esco")
    assert source.title == report.title
    count = select_rows(any_store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                        default_graphs=[source.graph])[0]["n"]
    assert source.triples == report.triples == count


# -- own roles from CSV ------------------------------------------------------------------------

def test_own_roles_csv(any_store):
    report = import_source("csv", any_store, OWN_ROLES)
    assert report.source == "csv-own-roles"
    with open(OWN_ROLES, encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    requirements: dict[str, set[str]] = {}
    for row in table:
        namespace = "skill/" if row["kind"] == "skill" else "tool/"
        requirements.setdefault(row["role"], set()).add(ID + namespace + row["item"])
    for role, items in requirements.items():
        found = select_rows(any_store, f"""SELECT ?x WHERE {{
            {{ <{ID}role/{role}> ckg:requiresSkill ?x }} UNION
            {{ <{ID}role/{role}> ckg:usesTool ?x }} }}""")
        assert {r["x"] for r in found} == items
    # the seed's Python keeps its one label; a new tool gets the file's label and category
    labels = select_rows(any_store, f"SELECT ?l WHERE {{ <{ID}tool/python> rdfs:label ?l }}")
    assert [r["l"] for r in labels] == ["Python"]
    airflow = select_rows(any_store, f"""SELECT ?l ?c WHERE {{ <{ID}tool/airflow> rdfs:label ?l ;
        ckg:category ?cat . ?cat rdfs:label ?c }}""")
    assert airflow == [{"l": "Apache Airflow", "c": "Data engineering"}]
    # languages are linked as languages too
    assert any_store.query(PREFIXES + f"""ASK {{ <{ID}role/analytics-engineer>
        ckg:usesLanguage <{ID}tool/sql> }}""").boolean

    from careerkg.graph.overlap import overlap_report

    a, b = requirements["analytics-engineer"], requirements["data-engineer"]
    overlap = overlap_report(any_store, "analytics-engineer", "data-engineer")
    assert overlap["jaccard"] == pytest.approx(len(a & b) / len(a | b))


# -- RDF files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdf"])
def test_rdf_file_in_each_format(any_store, tmp_path, fmt):
    engine = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
              "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}[fmt]
    role = ox.NamedNode(ID + "role/quant")
    triples = [
        ox.Triple(role, ox.NamedNode(RDFS + "label"), ox.Literal("Quant", language="en")),
        ox.Triple(role, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  ox.NamedNode(CKG + "Role")),
        ox.Triple(role, ox.NamedNode(CKG + "usesTool"), ox.NamedNode(ID + "tool/python")),
    ]
    path = tmp_path / f"Quant Roles.{fmt}"
    path.write_bytes(ox.serialize(triples, format=engine))
    report = import_source("rdf", any_store, path)
    assert report.source == "rdf-quant-roles"
    assert report.triples == 3
    assert report.counts == {"roles": 1}
    dumped = any_store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                             default_graphs=[any_store.source("rdf-quant-roles").graph])
    assert set(dumped.triples) == set(triples)


def test_export_then_reimport_is_isomorphic(memory_store, tmp_path):
    import_source("esco", memory_store, ESCO_DIR)
    path = tmp_path / "whole.ttl"
    path.write_bytes(memory_store.export("turtle"))
    other = open_store(None, seed=False)
    import_source("rdf", other, path)
    assert set(ox.parse(other.export("ntriples"), format=ox.RdfFormat.N_TRIPLES)) == set(
        ox.parse(memory_store.export("ntriples"), format=ox.RdfFormat.N_TRIPLES)
    )


# -- the commands ------------------------------------------------------------------------------

def test_import_refuses_the_memory_store(cli):
    result = cli("import", "esco", str(ESCO_DIR), env={"CAREERKG_STORE": ""})
    assert result.exit_code == 2
    assert "pass --store path" in result.output.lower()


def test_import_sources_drop_commands(cli, tmp_path):
    store = str(tmp_path / "kg")
    result = cli("import", "esco", str(ESCO_DIR), "--store", store, "--quiet")
    assert result.exit_code == 0, result.output
    assert "esco: imported" in result.output
    result = cli("import", "esco", str(ESCO_DIR), "--store", store)
    assert "already up to date" in result.output
    result = cli("sources", "--format", "json", env={"CAREERKG_STORE": store})
    listed = json.loads(result.output)["sources"]
    assert [s["name"] for s in listed] == ["esco", "ontology", "seed"]
    result = cli("import", "csv", str(OWN_ROLES), "--store", store, "--format", "json")
    report = json.loads(result.output)
    assert report["source"] == "csv-own-roles" and report["changed"] is True
    result = cli("drop", "seed", "--store", store)
    assert result.exit_code == 2 and "built in" in result.output
    result = cli("drop", "esco", "--store", store)
    assert result.exit_code == 0 and "Dropped esco" in result.output
    result = cli("drop", "esco", "--store", store)
    assert result.exit_code == 1
    assert "no source named 'esco'" in result.output
    result = cli("sources", "--store", store)
    assert "csv-own-roles" in result.output and "esco" not in result.output


def test_bad_input_is_reported_with_file_line_and_column(cli, tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text("role,role_label,kind,item\nx,X,gizmo,python\n", encoding="utf-8")
    result = cli("import", "csv", str(path), "--store", str(tmp_path / "kg"))
    assert result.exit_code == 1
    assert f"Error: {path}:2:3: column 'kind': 'gizmo' is not one of" in result.output


def test_a_store_held_by_another_process_is_reported(cli, tmp_path):
    location = tmp_path / "kg"
    holder = OxigraphStore(location)  # as a running `careerkg serve` would hold it
    try:
        result = cli("import", "esco", str(ESCO_DIR), "--store", str(location))
    finally:
        holder.close()
    assert result.exit_code == 1
    assert "in use by another process" in result.output
    assert "docs/stores.md" in result.output


def test_every_importer_is_a_command_choice(cli):
    result = cli("import", "--help")
    for kind in IMPORTERS:
        assert kind in result.output


@pytest.mark.skipif(not ONET_DIR.is_dir(), reason="no O*NET data")
def test_progress_bar_on_a_terminal(tmp_path):
    """tqdm bars appear on stderr when it is a terminal, and not with --quiet."""
    folder = tmp_path / "onet"
    folder.mkdir()
    shutil.copy(ONET_DIR / "Occupation Data.txt", folder)
    lines = (ONET_DIR / "Technology Skills.txt").read_bytes().split(b"\r\n")
    (folder / "Technology Skills.txt").write_bytes(b"\r\n".join(lines[:3001]) + b"\r\n")
    command = [str(Path(sys.executable).parent / "careerkg"), "import", "onet", str(folder)]

    def run(*extra: str) -> str:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [*command, "--store", str(tmp_path / f"kg{len(extra)}"), *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
            env={**os.environ, "COLUMNS": "100"},
        )
        os.close(follower)
        output = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=60)
        os.close(leader)
        assert process.returncode == 0, output
        return output.decode(errors="replace")

    shown = run()
    assert "reading technologies" in shown and "loading onet" in shown and "%|" in shown
    assert "%|" not in run("--quiet")


@pytest.mark.parametrize("module", ["common", "tabular", "onet", "csvroles", "rdffile"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    imported = importlib.import_module(f"careerkg.graph.importers.{module}")
    failures, tried = doctest.testmod(imported, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0

"""The `careerkg` command: the contract of issue 2, run for real."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import rdflib
from seed_fixture import (
    ARTICLE_COUNTS,
    same_graph,
    source_files_graphs,
    source_files_union,
)

from careerkg.cli.main import main


def test_version(cli):
    from importlib.metadata import version

    result = cli("--version")
    assert result.exit_code == 0 and version("careerkg") in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Usage: main " + command in result.output or f"Usage: careerkg {command}" in (
        result.output
    ) or "Usage:" in result.output
    assert "--help" in result.output


def test_the_console_script_is_installed():
    run = subprocess.run(
        [sys.executable, "-m", "careerkg.cli", "--help"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "export" in run.stdout and "query" in run.stdout


def test_query_text_in_every_format(cli):
    text = "SELECT ?name WHERE { ?g ckg:sourceName ?name } ORDER BY ?name"
    table = cli("query", "-e", text)
    assert table.exit_code == 0
    assert table.stdout.split()[:4] == ["name", "--------", "ontology", "seed"]
    as_json = json.loads(cli("query", "-e", text, "--format", "json").stdout)
    assert as_json["head"]["vars"] == ["name"]
    assert [b["name"]["value"] for b in as_json["results"]["bindings"]] == ["ontology", "seed"]
    csv = cli("query", "-e", text, "--format", "csv").stdout_bytes
    assert csv == b"name\r\nontology\r\nseed\r\n"
    assert cli("query", "-e", text, "--format", "tsv").stdout.splitlines() == [
        "?name", '"ontology"', '"seed"'
    ]


def test_query_ask_and_construct(cli):
    assert cli("query", "-e", "ASK { ?s a ckg:Role }").stdout.strip() == "yes"
    assert cli("query", "-e", "ASK { ?s a ckg:NoSuchClass }").stdout.strip() == "no"
    construct = cli(
        "query", "-e", "CONSTRUCT { ?g a ckg:SourceGraph } WHERE { ?g a ckg:SourceGraph }"
    )
    graph = rdflib.Graph().parse(data=construct.stdout, format="turtle")
    assert len(graph) == 2


def test_a_syntax_error_gives_line_and_column_and_exit_2(cli):
    result = cli("query", "-e", "SELECT ?s\nWHERE { ?s ?p }")
    assert result.exit_code == 2
    assert "malformed SPARQL: line 2, column" in result.stderr


def test_a_syntax_error_position_ignores_the_added_prefixes(cli):
    result = cli("query", "-e", "SELECT ?r\nWHERE { ?r a ckg:Role . ?r }")
    assert result.exit_code == 2
    assert "line 2, column" in result.stderr


def test_query_from_a_file(cli, tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("# title: t\n# description: d\nSELECT (1 AS ?one) WHERE {}\n")
    result = cli("query", str(path), "--format", "csv")
    assert result.exit_code == 0 and result.stdout_bytes == b"one\r\n1\r\n"
    missing = cli("query", str(tmp_path / "nope.rq"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_an_unknown_canned_query_suggests_names(cli):
    result = cli("query", "no-such-query-at-all")
    assert result.exit_code == 1
    assert "no canned query named 'no-such-query-at-all'" in result.stderr


def test_query_needs_exactly_one_of_name_and_text(cli):
    assert cli("query").exit_code == 2
    assert cli("query", "x", "-e", "ASK {}").exit_code == 2


def test_export_is_byte_identical_and_parses(cli, tmp_path):
    first = cli("export").stdout_bytes
    second = cli("export", "--format", "turtle").stdout_bytes
    assert first == second
    expected = source_files_union()
    assert same_graph(rdflib.Graph().parse(data=first, format="turtle"), expected)
    out = tmp_path / "kg.nt"
    result = cli("export", "--format", "ntriples", "-o", str(out))
    assert result.exit_code == 0
    assert same_graph(rdflib.Graph().parse(out, format="nt"), expected)


@pytest.mark.parametrize("fmt, parser", [("jsonld", "json-ld"), ("rdfxml", "xml"),
                                         ("ntriples", "nt")])
def test_export_formats(cli, fmt, parser):
    data = cli("export", "--format", fmt).stdout_bytes
    assert same_graph(rdflib.Graph().parse(data=data, format=parser), source_files_union())


def test_export_with_an_independent_parser_in_a_subprocess(tmp_path):
    """`careerkg export` from the installed console script; rdflib's own Turtle parser
    (not Oxigraph's) reads the result, and it is the Turtle files' graph."""
    run = subprocess.run(["careerkg", "export"], capture_output=True, check=True,
                         env={"PATH": sys.prefix + "/bin"})
    graph = rdflib.Graph().parse(data=run.stdout, format="turtle")
    assert same_graph(graph, source_files_union())


def test_info_counts(cli):
    result = cli("info", "--format", "json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["store"] == "memory"
    triples = sum(len(graph) for graph in source_files_graphs().values())
    assert info["counts"] == {"triples": triples, **ARTICLE_COUNTS}
    assert [s["name"] for s in info["sources"]] == ["ontology", "seed"]
    text = cli("info").stdout
    assert "roles: 2" in text and "salary figures:" in text


def test_validate_passes_on_the_packaged_graph(cli):
    result = cli("validate")
    assert result.exit_code == 0, result.stderr
    assert "conforms" in result.stdout


def test_validate_fails_with_a_readable_report(cli, tmp_path):
    from careerkg.graph.factory import open_store
    from careerkg.graph.formats import rdf_format
    from careerkg.graph.store import Payload

    store = str(tmp_path / "store")
    broken = (
        b"@prefix ckg: <https://w3id.org/careerkg/ontology#> .\n"
        b"<https://w3id.org/careerkg/id/salary/broken> a ckg:SalaryFigure .\n"
    )
    with open_store(store) as kg:
        kg.replace_source("broken", Payload(data=broken, format=rdf_format("turtle")))
    result = cli("validate", "--store", store)
    assert result.exit_code == 1
    assert "salary/broken" in result.stderr
    assert "violation(s)" in result.stderr


def test_store_from_the_environment(cli, tmp_path):
    store = tmp_path / "envstore"
    result = cli("info", "--format", "json", env={"CAREERKG_STORE": str(store)})
    assert json.loads(result.stdout)["store"] == f"disk store at {store}"
    assert (store / "CURRENT").exists()


#: Every command that writes to standard output, with arguments that make it do so; a
#: "{store}" argument is a fresh on-disk store, "{file}" a small Turtle file.
OUTPUT_COMMANDS = {
    "info": ["info"],
    "sources": ["sources"],
    "export": ["export"],
    "query": ["query", "overview-counts"],
    "query --list": ["query", "--list"],
    "similar": ["similar", "data-scientist"],
    "overlap": ["overlap", "data-scientist", "machine-learning-engineer"],
    "overlap-graph": ["overlap-graph"],
    "validate": ["validate"],
    "import": ["import", "rdf", "{file}", "--store", "{store}"],
    "drop": ["drop", "rdf-extra", "--store", "{store}"],
    "search": ["search", "data"],
    "next": ["next", "data-scientist"],
    "path": ["path", "data-scientist", "machine-learning-engineer"],
    "skills": ["skills"],
    "build": ["build", "--store", "{full}", "--quiet"],
}
#: What must run first (quietly) for a command to have something to say.
SET_UP = {"drop": ["import", "rdf", "{file}", "--store", "{store}"]}


def test_the_commands_with_output_are_all_listed():
    assert {name.split()[0] for name in OUTPUT_COMMANDS} == set(main.commands) - {"serve"}


@pytest.mark.timeout(1800)  # build: on the session's full graph, built first if not cached
@pytest.mark.parametrize("name", sorted(OUTPUT_COMMANDS))
def test_a_closed_pipe_ends_a_command_quietly(name, tmp_path, request):
    """`careerkg info | head -1`: the reader goes away; no "Broken pipe" error, no trace."""
    data = tmp_path / "extra.ttl"
    data.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    # build: on the session's built full graph (so a no-op that still reports every source)
    full = request.getfixturevalue("full_store") if name == "build" else None

    def arguments(template):
        return [a.format(store=tmp_path / "kg", file=data, full=full) for a in template]

    if name in SET_UP:
        subprocess.run([sys.executable, "-m", "careerkg.cli", *arguments(SET_UP[name])],
                       check=True, capture_output=True, timeout=120)
    args = arguments(OUTPUT_COMMANDS[name])
    process = subprocess.Popen([sys.executable, "-m", "careerkg.cli", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the first line is written
    _, stderr = process.communicate(timeout=120)
    assert b"Broken pipe" not in stderr and b"Traceback" not in stderr, stderr.decode()
    assert b"Error" not in stderr, stderr.decode()


def test_export_to_a_file_replaces_it_whole(cli, tmp_path):
    out = tmp_path / "kg.ttl"
    out.write_text("old")
    assert cli("export", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == cli("export").stdout_bytes
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]  # no temporary file left

"""Commands on the graph itself: validate, export, query, info."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from careerkg.graph.formats import RDF_FORMATS
from careerkg.graph.library import canned_query, load_library, parse_canned_query
from careerkg.graph.parameters import RoleParamError, bind_names, compact_name
from careerkg.graph.sparql import analyse
from careerkg.graph.stats import graph_counts
from careerkg.graph.userquery import run_text, run_text_serialized

from . import common
from .common import echo_table, open_from_options, reports_errors, store_options, write_output

EXPORT_FORMATS = ["turtle", "ntriples", "jsonld", "rdfxml"]


@click.command()
@store_options
@reports_errors
def validate(store, update_endpoint):
    """SHACL-validate the ontology and data; exit 1 listing each violation."""
    from careerkg.graph.validate import validate_store

    with open_from_options(store, update_endpoint) as kg:
        violations = validate_store(kg)
    errors = [v for v in violations if v.severity == "Violation"]
    for violation in violations:
        click.echo(str(violation), err=True)
    if errors:
        click.echo(f"{len(errors)} violation(s): the graph does not conform.", err=True)
        sys.exit(1)
    click.echo("The graph conforms to the careerkg shapes.")


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="turtle", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@store_options
@reports_errors
def export(fmt, output, store, update_endpoint):
    """Export the whole graph (ontology and data) as Turtle or another RDF format.

    The same input always gives byte-identical output.
    """
    with open_from_options(store, update_endpoint) as kg:
        data = kg.export(fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_output(data, output)
        click.echo(f"Wrote {len(data):,} bytes of {RDF_FORMATS[fmt].media_type} to {output}",
                   err=True)


@click.command()
@click.argument("name_or_file", required=False)
@click.option("-e", "--expression", "text", metavar="TEXT", help="Run this SPARQL text.")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
    help="Bind a parameter of a canned query (repeatable); VALUE is an IRI, prefix:name, "
    "number or text.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table",
    show_default=True,
    help="How to print results (CONSTRUCT/DESCRIBE print Turtle unless json/csv/tsv asked).",
)
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries and exit.")
@store_options
@reports_errors
def query(name_or_file, text, params, fmt, list_queries, store, update_endpoint):
    """Run a canned query by NAME, a FILE.rq, or SPARQL text with -e.

    \b
    Examples:
      careerkg query --list
      careerkg query shared-skills
      careerkg query my-query.rq --format csv
      careerkg query -e 'SELECT ?role WHERE { ?role a ckg:Role }'
    """
    if list_queries:
        for name, canned in load_library().items():
            click.echo(f"{name:32} {canned.title}")
        return
    if bool(text) == bool(name_or_file):
        raise click.UsageError("give a canned query NAME, a FILE.rq, or -e TEXT (one of them)")
    values = dict(_split_param(p) for p in params)
    canned = None
    if text is None:
        path = Path(name_or_file)
        if name_or_file.endswith(".rq") or path.is_file():
            if not path.is_file():
                raise click.BadParameter(f"no such file: {name_or_file}")
            text = path.read_text(encoding="utf-8")
            if values:
                canned = parse_canned_query(path.stem, text)
        else:
            canned = canned_query(name_or_file)
    elif values:
        raise click.UsageError("--param binds parameters of canned queries and .rq files only")
    with open_from_options(store, update_endpoint) as kg:
        if canned is not None:
            # Role parameters take any name of a role, as on the canned-query pages.
            try:
                text = bind_names(kg, canned, values)
            except RoleParamError as error:
                raise click.ClickException(_candidates_message(error)) from None
        if fmt == "table":
            result = run_text(kg, text)
        else:  # the engine writes the answer; a graph comes as RDF
            graph_fmt = {"json": "jsonld", "csv": "ntriples", "tsv": "ntriples"}[fmt]
            body, _info = run_text_serialized(
                kg, text, graph_fmt if analyse(text).returns_graph else fmt
            )
    if fmt != "table":
        sys.stdout.buffer.write(body)
    elif result.kind == "graph":
        sys.stdout.buffer.write(result.serialize("turtle"))
    elif result.kind == "boolean":
        click.echo("yes" if result.boolean else "no")
    else:
        echo_table(result.variables, result.rows)
    sys.stdout.flush()


def _candidates_message(error: RoleParamError) -> str:
    """The error of a role parameter, its candidates one a line (label and prefixed name)."""
    lines = [error.message]
    lines += [f"  {label}  ({compact_name(iri)})" for iri, label in error.candidates]
    return "\n".join(lines)


def _split_param(param: str) -> tuple[str, str]:
    name, sep, value = param.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{param!r}: write NAME=VALUE", param_hint="--param")
    return name.strip(), value


@click.command()
@common.text_or_json()
@store_options
@reports_errors
def info(fmt, store, update_endpoint):
    """Counts: triples, roles, skills, tools, industries, salary figures; and the sources."""
    import json

    with open_from_options(store, update_endpoint) as kg:
        counts = graph_counts(kg)
        sources = kg.sources()
        where = kg.describe()
    if fmt == "json":
        click.echo(json.dumps({"store": where, "counts": counts,
                               "sources": [s.to_dict() for s in sources]}, indent=2))
        return
    click.echo(f"store: {where}")
    for key, value in counts.items():
        click.echo(f"{key.replace('_', ' '):>16}: {value:,}")
    click.echo("sources:")
    for source in sources:
        click.echo(f"  {source.name:12} {source.triples:>10,} triples  {source.title}")


COMMANDS = [validate, export, query, info]

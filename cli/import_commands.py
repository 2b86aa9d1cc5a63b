"""Commands on the graph's sources: import, sources, drop."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from careerkg.graph.builtin import BUILTIN_SOURCES
from careerkg.graph.factory import store_spec
from careerkg.graph.importers import IMPORTERS, import_source
from careerkg.graph.importers.build import build as build_graph
from careerkg.graph.importers.build import default_data_dir
from careerkg.graph.importers.onet import PARTS

from .common import open_from_options, reports_errors, store_options, text_or_json

__all__ = ["COMMANDS"]


def _persistent_store(store: str | None) -> str:
    spec = store_spec(store)
    if not spec:
        raise click.UsageError(
            "importing into the in-memory graph is pointless: it is gone when the command "
            "exits. Pass --store PATH (a directory for Oxigraph on disk, created if new) or a "
            "SPARQL endpoint URL, or set CAREERKG_STORE."
        )
    return spec


@click.command("import")
@click.argument("kind", metavar="SOURCE", type=click.Choice(sorted(IMPORTERS)))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--name", metavar="NAME",
              help="Source name (default: the kind — onet, esco, bls, crosswalk — or "
                   "csv-<file stem>, rdf-<file stem>).")
@click.option("--without", "without", multiple=True, type=click.Choice(sorted(PARTS)),
              metavar="PART",
              help="onet only: withhold a part (repeatable): " + ", ".join(sorted(PARTS))
              + " (e.g. --without related for a similarity evaluation).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@text_or_json("How to print the report.")
@store_options
@reports_errors
def import_(kind, path, name, without, quiet, fmt, store, update_endpoint):
    """Import PATH as a source of the graph: onet (a folder or zip of the O*NET database,
    Excel or text files), esco (ESCO's two zips as published, or a folder of its CSV
    files), bls (BLS OEWS national wages, national_M2024_dl.xlsx or its folder, as salary
    figures of the O*NET roles), crosswalk (ESCO_to_ONET-SOC.xlsx: ESCO <-> O*NET links;
    import esco first), csv (your own roles, see docs/import.md) or rdf (a Turtle,
    N-Triples, JSON-LD or RDF/XML file).

    All input is checked before anything is written: bad input is refused with its file,
    line and reason, and the store is left exactly as it was. Importing the same input again
    changes nothing.

    \b
    Examples:
      careerkg import onet data/onet-29.2 --store ./kg
      careerkg import esco data/esco-1.1.1 --store ./kg
      careerkg import bls data/bls-oews-2024 --store ./kg
      careerkg import crosswalk data/crosswalks --store ./kg
      careerkg import esco ./esco-csv --store http://localhost:7878/query
      careerkg import csv my-roles.csv --store ./kg
    """
    if without and kind != "onet":
        raise click.UsageError("--without is an option of the onet importer only")
    options = {"without": tuple(without)} if without else {}
    spec = _persistent_store(store)
    with open_from_options(spec, update_endpoint) as kg:
        report = import_source(kind, kg, path, name=name, progress=not quiet, **options)
        where = kg.describe()
    if fmt == "json":
        click.echo(json.dumps({"store": where, **report.to_dict()}, indent=2))
        return
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{report.summary()} ({where})")


@click.command()
@text_or_json()
@store_options
@reports_errors
def sources(fmt, store, update_endpoint):
    """List the graph's sources: name, triples, when loaded, title."""
    with open_from_options(store, update_endpoint) as kg:
        found = kg.sources()
        where = kg.describe()
    if fmt == "json":
        click.echo(json.dumps({"store": where, "sources": [s.to_dict() for s in found]},
                              indent=2))
        return
    click.echo(f"store: {where}")
    width = max((len(s.name) for s in found), default=4)
    for source in found:
        click.echo(f"  {source.name:{width}}  {source.triples:>10,} triples  "
                   f"{source.loaded}  {source.title}")


@click.command()
@click.argument("name", metavar="SOURCE")
@store_options
@reports_errors
def drop(name, store, update_endpoint):
    """Remove the source SOURCE (and everything it added, links included) from the graph."""
    if name in BUILTIN_SOURCES:
        raise click.UsageError(
            f"{name!r} is built in: it is loaded again whenever the store is opened, so it "
            "cannot be dropped"
        )
    spec = _persistent_store(store)
    with open_from_options(spec, update_endpoint) as kg:
        dropped = kg.drop_source(name)
        where = kg.describe()
    click.echo(f"Dropped {dropped.name} ({dropped.triples:,} triples) from the {where}")


@click.command()
@click.option("--from", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="DATA_DIR",
              help="The data folder (default: the repository's data/).")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@text_or_json("How to print the reports.")
@store_options
@reports_errors
def build(data_dir, quiet, fmt, store, update_endpoint):
    """Build the full graph — ontology, seed, O*NET 29.2 and every other source shipped in
    data/ — into --store (default ./kg).

    Each source is imported whole or not at all; building again with the same data changes
    nothing (a few seconds).  Then the search index and the similarity of the roles are
    prepared and kept beside the store, so that `careerkg serve` starts with them ready.

    \b
    Examples:
      careerkg build                      # ./kg from the repository's data/
      careerkg build --store http://127.0.0.1:7878/query
    """
    spec = store_spec(store) or "kg"
    data_dir = data_dir or default_data_dir()
    started = time.perf_counter()

    def said(report):
        if fmt == "text" and not quiet:
            click.echo(f"  {report.summary()}", err=True)

    with open_from_options(spec, update_endpoint) as kg:
        reports = build_graph(kg, data_dir, show_progress=not quiet, on_step=said)
        if kg.kind == "disk":  # kept beside it: a server starts with them ready
            if fmt == "text" and not quiet:
                click.echo("  preparing the search index and the similarity of the roles",
                           err=True)
            from careerkg.graph.warm import prepare_kept

            prepare_kept(kg)
        where = kg.describe()
        total = kg.count()
    seconds = time.perf_counter() - started
    if fmt == "json":
        click.echo(json.dumps({"store": where, "triples": total, "seconds": round(seconds, 2),
                               "sources": [r.to_dict() for r in reports]}, indent=2))
        return
    changed = sum(r.changed for r in reports)
    click.echo(f"Built {where} from {data_dir}: {total:,} triples, {changed} of "
               f"{len(reports)} sources imported, in {seconds:.1f} s")


COMMANDS = [import_, sources, drop, build]

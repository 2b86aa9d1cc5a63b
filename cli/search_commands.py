"""``careerkg search``: find roles, skills, tools and industries by name, code or typo."""

from __future__ import annotations

import json

import click
import pyoxigraph as ox

from careerkg.graph.search import TYPES, search

from .common import echo_table, open_from_options, reports_errors, store_options, text_or_json


@click.command("search")
@click.argument("text")
@click.option("--type", "kind", type=click.Choice(list(TYPES)), default=None,
              help="Only things of this type (default: any).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="At most this many results.")
@text_or_json("A table, or the JSON list of /api/search.")
@store_options
@reports_errors
def search_command(text, kind, limit, fmt, store, update_endpoint):
    """Find things by name: labels, alternative titles and codes (15-2051.00), in any case,
    singular or plural, by word prefixes, with typos ("statistcian").

    Best first: exact matches, then word prefixes, then close spellings; preferred labels
    before alternative ones.
    """
    with open_from_options(store, update_endpoint) as kg:
        hits = search(kg, text, type=kind, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([hit.to_dict() for hit in hits], indent=2, ensure_ascii=False))
        return
    rows = [
        (ox.Literal(h.label), ox.Literal(h.type), ox.Literal(h.code or ""),
         ox.Literal(h.matched if h.matched != h.label else ""), ox.NamedNode(h.iri))
        for h in hits
    ]
    echo_table(["label", "type", "code", "matched", "iri"], rows)


COMMANDS = [search_command]

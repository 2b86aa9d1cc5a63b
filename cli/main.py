"""The ``careerkg`` command."""

from __future__ import annotations

from importlib.metadata import version

import click

from . import graph_commands, import_commands, overlap_commands, search_commands, serve_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("careerkg"), prog_name="careerkg")
def main():
    """careerkg — a knowledge graph of data careers.

    Query it with SPARQL, compare roles, import O*NET and ESCO, serve it on the web and
    export it as Turtle. Every command takes --store (or CAREERKG_STORE) to choose where the
    graph lives; without it, an in-memory graph is built from the packaged sources.
    """


for module in (graph_commands, serve_command, import_commands, overlap_commands,
               search_commands):
    for command in module.COMMANDS:
        main.add_command(command)

"""What every careerkg command shares: store options, error reporting, term display."""

from __future__ import annotations

import functools
import sys

import click

from careerkg.graph.errors import CareerKGError
from careerkg.graph.factory import open_store
from careerkg.graph.files import write_atomic
from careerkg.graph.namespaces import compact
from careerkg.graph.sparql import QuerySyntaxError
from careerkg.graph.store import Store

__all__ = [
    "store_options",
    "text_or_json",
    "open_from_options",
    "reports_errors",
    "compact",
    "echo_table",
    "write_output",
]


def store_options(command):
    """Add ``--store`` and ``--update-endpoint`` (with their environment variables)."""
    command = click.option(
        "--update-endpoint",
        envvar="CAREERKG_UPDATE_ENDPOINT",
        metavar="URL",
        help="SPARQL update endpoint of a remote store (default: the query URL with a final "
        "/query replaced by /update). Env: CAREERKG_UPDATE_ENDPOINT.",
    )(command)
    command = click.option(
        "--store",
        envvar="CAREERKG_STORE",
        metavar="PATH|URL",
        help="Where the graph lives: a directory (Oxigraph on disk, created if new), a SPARQL "
        "endpoint URL (http:// or https://), or nothing for an in-memory graph built from the "
        "packaged sources. Env: CAREERKG_STORE.",
    )(command)
    return command


def text_or_json(help: str | None = None):
    """The ``--format text|json`` option (default ``text``), passed as ``fmt``."""
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help=help)


def open_from_options(store: str | None, update_endpoint: str | None, **kwargs) -> Store:
    return open_store(store or None, update_endpoint=update_endpoint, **kwargs)


def reports_errors(function):
    """Show careerkg's own errors as one readable line and a non-zero exit, not a traceback.

    A malformed query exits 2 (like a usage error); other errors exit 1.  A closed standard
    output (``careerkg info | head -3``) is not an error: click ends the command quietly.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except BrokenPipeError:
            raise  # the reader has gone: click exits without a word
        except QuerySyntaxError as error:
            click.echo(f"Error: malformed SPARQL: {error}", err=True)
            sys.exit(2)
        except (CareerKGError, ValueError, OSError) as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)

    return wrapper


def echo_table(variables: list[str], rows: list[tuple], *, max_width: int = 60) -> None:
    """Print rows as an aligned text table."""
    cells = [[compact(t) for t in row] for row in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [len(v) for v in variables]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True))
    click.echo(line.rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    sys.stdout.flush()
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


def write_output(data: bytes, path) -> None:
    """Write ``data`` to the file ``path`` all at once: readers see the old file or the
    whole new one, never a part (``-`` is standard output)."""
    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomic(path, data)

"""``careerkg serve``: the web app under granian (a production server with a native HTTP core).

Logs go to standard error (:mod:`careerkg.server.logs`): readable lines on a terminal, JSON
lines otherwise or with ``--log-format json``.  Settings not given on the command line come
from the environment and the defaults, read once by :func:`careerkg.server.config.resolve`.
SIGTERM (or Ctrl-C)
stops it gracefully: it stops accepting connections, lets requests in flight finish for up
to ``--grace`` seconds, then closes the store (query processes stopped, an on-disk store
flushed and unlocked, its snapshots removed).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import click

from careerkg.graph.formats import rdf_format_for_path
from careerkg.server.config import DEFAULTS, resolve

from .common import reports_errors, store_options
from .serve_worker import SETTINGS_VARIABLE

__all__ = ["serve", "COMMANDS", "granian_server"]


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def granian_server(host: str, port: int, *, threads: int, grace: float,
                   log_format: str = "json"):
    """The granian server of ``careerkg serve`` (not started).

    One worker process (the app process) with ``threads`` threads running the app, behind
    granian's HTTP core (Rust): queries already run in their own processes, and one app
    process keeps one pool of them (and one set of rate-limit counters).  granian's own
    access log is off: the app writes a line per request.  granian's ``backpressure`` stays
    at its default (the listen backlog): it counts open connections, not requests running,
    and a lower value leaves new connections waiting behind idle keep-alive ones; the
    ``threads`` bound what runs at once.

    Parameters
    ----------
    host, port
        Where to listen.
    threads
        Requests handled at once.
    grace
        Seconds requests in flight may take to finish after SIGTERM.
    log_format
        ``json`` or ``text`` (see :data:`careerkg.server.logs.LOG_FORMATS`).
    """
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces

    from careerkg.server.logs import server_log_config

    return Granian(
        "careerkg.cli.serve_worker:load_app", factory=True,
        address=host, port=port, interface=Interfaces.WSGI, http=HTTPModes.http1,
        websockets=False, workers=1, blocking_threads=threads,
        log_enabled=True, log_dictconfig=server_log_config(log_format), log_access=False,
        workers_kill_timeout=max(1, math.ceil(grace)), respawn_failed_workers=False,
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option(
    "--data", "data_files", multiple=True, metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="RDF file (Turtle, N-Triples, JSON-LD, RDF/XML) to add to the graph at start-up, as "
    "its own source (repeatable).",
)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None, metavar="S",
              help="Seconds a query may run before it is stopped (default "
              f"{DEFAULTS['QUERY_TIMEOUT']:g}; CAREERKG_QUERY_TIMEOUT).")
@click.option("--workers", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Most queries running at once, each in its own process (default "
              f"{DEFAULTS['MAX_WORKERS']}; CAREERKG_MAX_WORKERS).")
@click.option("--max-rows", type=click.IntRange(min=1), default=None, metavar="N",
              help="Most rows a query answer carries; a capped answer says so (default "
              f"{DEFAULTS['MAX_ROWS']}; CAREERKG_MAX_ROWS).")
@click.option("--access-log/--no-access-log", default=None,
              help="Log a line per request to standard error (default: on; "
              "CAREERKG_ACCESS_LOG).")
@click.option("--log-format", type=click.Choice(["auto", "text", "json"]), default="auto",
              show_default=True,
              help="Log lines for people (text) or JSON lines; auto: text on a terminal, JSON "
              "otherwise.")
@click.option("--rate-limit", type=click.IntRange(min=0), default=None, metavar="N",
              help=f"Requests one client may make per minute (default {DEFAULTS['RATE_LIMIT']}"
              "; 0: no limit; CAREERKG_RATE_LIMIT with CAREERKG_RATE_PERIOD).")
@click.option("--trusted-proxies", type=click.IntRange(min=0), default=None, metavar="N",
              help="Reverse proxies in front whose X-Forwarded-For is believed (default "
              f"{DEFAULTS['TRUSTED_PROXIES']}; CAREERKG_TRUSTED_PROXIES).")
@click.option("--grace", type=click.FloatRange(min=0), default=None, metavar="S",
              help="Seconds requests in flight may take to finish after SIGTERM "
              "(default: --timeout + 5).")
@store_options
@reports_errors
def serve(host, port, data_files, timeout, workers, max_rows, access_log, log_format,
          rate_limit, trusted_proxies, grace, store, update_endpoint):
    """Serve the SPARQL endpoint, the query editor and the graph's pages over HTTP.

    Every setting of docs/server.md can also be given as CAREERKG_<SETTING> in the
    environment; the admin API (/admin/...) is on only when CAREERKG_ADMIN_TOKEN or
    CAREERKG_ADMIN_TOKEN_FILE gives its token.

    \b
    Examples:
      careerkg serve
      careerkg serve --port 9000 --data my-roles.ttl
      careerkg serve --store ./kg.store --host 0.0.0.0
      CAREERKG_ADMIN_TOKEN_FILE=/etc/careerkg/token careerkg serve --trusted-proxies 1
    """
    for path in data_files:
        rdf_format_for_path(str(path))  # an unknown extension is reported before starting
    from careerkg.server.logs import log_format as resolve_log_format

    given = {
        "QUERY_TIMEOUT": timeout, "MAX_ROWS": max_rows, "MAX_WORKERS": workers,
        "ACCESS_LOG": access_log, "RATE_LIMIT": rate_limit, "TRUSTED_PROXIES": trusted_proxies,
        "RATE_PERIOD": 60.0 if rate_limit is not None else None,
    }
    app_config = {
        "CAREERKG_STORE": store or None,
        "CAREERKG_UPDATE_ENDPOINT": update_endpoint or None,
        "CAREERKG_DATA": [str(p.resolve()) for p in data_files],
        # the deployed server warms its caches unless CAREERKG_WARM_UP says otherwise
        **({} if "CAREERKG_WARM_UP" in os.environ else {"WARM_UP": True}),
        **{key: value for key, value in given.items() if value is not None},
    }
    settings = resolve(app_config)  # what the app will run with; a bad variable fails here
    fmt = resolve_log_format(log_format)
    os.environ[SETTINGS_VARIABLE] = json.dumps(
        {"app": app_config, "log_format": fmt, "url": _url(host, port), "host": host,
         "port": port})
    server = granian_server(
        host, port, threads=max(8, int(settings["MAX_WORKERS"]) * 2),
        grace=grace if grace is not None else float(settings["QUERY_TIMEOUT"]) + 5,
        log_format=fmt)
    server.serve()


COMMANDS = [serve]

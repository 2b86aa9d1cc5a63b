"""``careerkg serve``: the web app under gunicorn (a production WSGI server).

Logs go to standard error (:mod:`careerkg.server.logs`): readable lines on a terminal, JSON
lines otherwise or with ``--log-format json``.  Settings not given on the command line come
from the environment and the defaults, read once by :func:`careerkg.server.config.resolve`.
SIGTERM (or Ctrl-C)
stops it gracefully: it stops accepting connections, lets requests in flight finish for up
to ``--grace`` seconds, then closes the store (query processes stopped, an on-disk store
flushed and unlocked, its snapshots removed).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click

from careerkg.graph.errors import CareerKGError
from careerkg.graph.formats import rdf_format_for_path
from careerkg.server.config import DEFAULTS, resolve

from .common import reports_errors, store_options

__all__ = ["serve", "COMMANDS", "gunicorn_options", "WORKER_BOOT_ERROR"]

#: Exit status when the app cannot start (the store or a data file is unusable); gunicorn's
#: own code for a worker that failed to boot.
WORKER_BOOT_ERROR = 3


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _post_worker_init(worker) -> None:
    from careerkg.server import describe_app

    store = describe_app(worker.wsgi)
    for listener in worker.sockets:
        worker.log.info("careerkg serving %s at %s/", store, listener)


def _worker_exit(_server, worker) -> None:
    from flask import Flask

    from careerkg.server import close_app

    app = getattr(worker, "wsgi", None)
    if isinstance(app, Flask):  # None when the app failed to start
        close_app(app)
        worker.log.info("careerkg stopped: store closed")


def gunicorn_options(host: str, port: int, *, threads: int, timeout: float,
                     grace: float | None = None, log_format: str = "json") -> dict:
    """The gunicorn settings of ``careerkg serve``.

    One worker process with ``threads`` threads (gthread): queries already run in their own
    processes, and one app process keeps one pool of them (and one set of rate-limit
    counters).  gunicorn's own access log is off: the app writes a JSON line per request.

    Parameters
    ----------
    host, port
        Where to listen.
    threads
        Requests handled at once.
    timeout
        The query time limit; gunicorn's own worker timeout is set well above it.
    grace
        Seconds requests in flight may take to finish after SIGTERM (default: the query
        time limit plus 5 s, so a running query can end).
    log_format
        ``json`` or ``text`` (see :data:`careerkg.server.logs.LOG_FORMATS`).

    Returns
    -------
    dict
        Settings for :class:`gunicorn.config.Config`.
    """
    from careerkg.server.logs import gunicorn_log_config

    from .serve_worker import MAX_REQUEST_LINE

    return {
        "bind": [_bind(host, port)],
        "workers": 1,
        "worker_class": "careerkg.cli.serve_worker.CareerKGWorker",
        "threads": threads,
        "timeout": max(30, int(timeout * 3)),
        "graceful_timeout": math.ceil(grace if grace is not None else timeout + 5),
        "keepalive": 5,
        "limit_request_line": MAX_REQUEST_LINE,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "logconfig_dict": gunicorn_log_config(log_format),
        "proc_name": "careerkg",
        # No control socket: it is one fixed path per user, shared by every server.
        "control_socket_disable": True,
        "post_worker_init": _post_worker_init,
        "worker_exit": _worker_exit,
    }


def _remote_hosts(*urls: str | None) -> list[str]:
    """Hosts of a remote store's endpoints: the only ones the app process may connect to."""
    from urllib.parse import urlsplit

    from careerkg.graph.factory import is_remote

    return [urlsplit(u).hostname for u in urls if is_remote(u) and urlsplit(u).hostname]


def _application(app_config: dict, options: dict, log_format: str):
    from gunicorn.app.base import BaseApplication

    class CareerKGServer(BaseApplication):
        """gunicorn running the app made by ``create_app(app_config)`` in its worker."""

        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from careerkg.graph.sandbox import lock_down
            from careerkg.server import create_app
            from careerkg.server.logs import configure_logging

            configure_logging(fmt=log_format)
            lock_down(_remote_hosts(app_config.get("CAREERKG_STORE"),
                                    app_config.get("CAREERKG_UPDATE_ENDPOINT")))
            try:
                return create_app(app_config)
            except (CareerKGError, ValueError, OSError) as error:
                click.echo(f"Error: {error}", err=True)
                sys.exit(WORKER_BOOT_ERROR)

    return CareerKGServer()


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
        **{key: value for key, value in given.items() if value is not None},
    }
    settings = resolve(app_config)  # what the app will run with; a bad variable fails here
    fmt = resolve_log_format(log_format)
    options = gunicorn_options(
        host, port, threads=max(8, int(settings["MAX_WORKERS"]) * 2),
        timeout=float(settings["QUERY_TIMEOUT"]), grace=grace, log_format=fmt)
    _application(app_config, options, fmt).run()


COMMANDS = [serve]

"""``careerkg serve``: the web app under gunicorn (a production WSGI server).

Logs are JSON lines on standard error (:mod:`careerkg.server.logs`).  SIGTERM (or Ctrl-C)
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

from .common import reports_errors, store_options

__all__ = ["serve", "COMMANDS", "gunicorn_options", "WORKER_BOOT_ERROR"]

#: Exit status when the app cannot start (the store or a data file is unusable); gunicorn's
#: own code for a worker that failed to boot.
WORKER_BOOT_ERROR = 3


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _post_worker_init(worker) -> None:
    store = worker.wsgi.extensions["careerkg"].describe_store()
    for listener in worker.sockets:
        worker.log.info("careerkg serving %s at %s/", store, listener)


def _worker_exit(_server, worker) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions") and "careerkg" in app.extensions:
        app.extensions["careerkg"].close()
        worker.log.info("careerkg stopped: store closed")


#: Longest request line (method, path and query string) gunicorn accepts; longer → 414.
MAX_REQUEST_LINE = 8190


def gunicorn_options(host: str, port: int, *, threads: int, timeout: float,
                     grace: float | None = None) -> dict:
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

    Returns
    -------
    dict
        Settings for :class:`gunicorn.config.Config`.
    """
    from careerkg.server.logs import gunicorn_log_config

    return {
        "bind": [_bind(host, port)],
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": max(30, int(timeout * 3)),
        "graceful_timeout": math.ceil(grace if grace is not None else timeout + 5),
        "keepalive": 5,
        "limit_request_line": MAX_REQUEST_LINE,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "logconfig_dict": gunicorn_log_config(),
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


def _application(app_config: dict, options: dict):
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

            configure_logging()
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
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              envvar="CAREERKG_QUERY_TIMEOUT",
              help="Seconds a query may run before it is stopped (CAREERKG_QUERY_TIMEOUT).")
@click.option("--workers", default=8, show_default=True, type=click.IntRange(1, 256),
              envvar="CAREERKG_MAX_WORKERS",
              help="Most queries running at once, each in its own process "
              "(CAREERKG_MAX_WORKERS).")
@click.option("--max-rows", default=10000, show_default=True, type=click.IntRange(min=1),
              envvar="CAREERKG_MAX_ROWS",
              help="Most rows a query answer carries; a capped answer says so "
              "(CAREERKG_MAX_ROWS).")
@click.option("--access-log/--no-access-log", default=None,
              help="Log a JSON line per request to standard error (default: on; "
              "CAREERKG_ACCESS_LOG).")
@click.option("--rate-limit", type=click.IntRange(min=0), default=None, metavar="N",
              help="Requests one client may make per minute (default 120; 0: no limit; "
              "CAREERKG_RATE_LIMIT with CAREERKG_RATE_PERIOD).")
@click.option("--trusted-proxies", type=click.IntRange(min=0), default=None, metavar="N",
              help="Reverse proxies in front whose X-Forwarded-For is believed (default 0; "
              "CAREERKG_TRUSTED_PROXIES).")
@click.option("--grace", type=click.FloatRange(min=0), default=None, metavar="S",
              help="Seconds requests in flight may take to finish after SIGTERM "
              "(default: --timeout + 5).")
@store_options
@reports_errors
def serve(host, port, data_files, timeout, workers, max_rows, access_log, rate_limit,
          trusted_proxies, grace, store, update_endpoint):
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
    app_config = {
        "CAREERKG_STORE": store or None,
        "CAREERKG_UPDATE_ENDPOINT": update_endpoint or None,
        "CAREERKG_DATA": [str(p.resolve()) for p in data_files],
        "QUERY_TIMEOUT": timeout,
        "MAX_ROWS": max_rows,
        "MAX_WORKERS": workers,
        "MIN_WORKERS": min(2, workers),
    }
    optional = {"ACCESS_LOG": access_log, "RATE_LIMIT": rate_limit,
                "TRUSTED_PROXIES": trusted_proxies}
    app_config.update({k: v for k, v in optional.items() if v is not None})
    if rate_limit is not None:
        app_config["RATE_PERIOD"] = 60.0
    options = gunicorn_options(host, port, threads=max(8, workers * 2), timeout=timeout,
                               grace=grace)
    _application(app_config, options).run()


COMMANDS = [serve]

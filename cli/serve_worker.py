"""The app process of ``careerkg serve``: what granian's worker process loads and runs.

``careerkg serve`` (the main process: it binds the socket, handles signals and watches the
worker) hands its settings to the worker in the environment variable :data:`SETTINGS_VARIABLE`;
:func:`load_app` builds the app there, locks the network down, logs where it serves (once
the port accepts connections), and
arranges for the store to be closed when the worker ends (granian's worker is a
``multiprocessing`` process, which ends without running ``atexit``: its finalizers run).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
import time
from multiprocessing.util import Finalize

import click

from careerkg.graph.errors import CareerKGError

__all__ = ["load_app", "SETTINGS_VARIABLE", "WORKER_BOOT_ERROR"]

#: Exit status of a worker whose app cannot start (the store or a data file is unusable).
WORKER_BOOT_ERROR = 3
#: The environment variable carrying ``careerkg serve``'s settings to its worker (JSON).
SETTINGS_VARIABLE = "_CAREERKG_SERVE_SETTINGS"

log = logging.getLogger("careerkg.server")


def _remote_hosts(*urls: str | None) -> list[str]:
    """Hosts of a remote store's endpoints: the only ones the app process may connect to."""
    from urllib.parse import urlsplit

    from careerkg.graph.factory import is_remote

    return [urlsplit(u).hostname for u in urls if is_remote(u) and urlsplit(u).hostname]


def _stop(app) -> None:
    from careerkg.server import close_app

    close_app(app)
    log.info("careerkg stopped: store closed")


def load_app():
    """Build the app of ``careerkg serve`` in granian's worker (its factory target)."""
    from careerkg.graph.sandbox import lock_down
    from careerkg.server import create_app, describe_app
    from careerkg.server.logs import configure_logging

    settings = json.loads(os.environ[SETTINGS_VARIABLE])
    app_config = settings["app"]
    configure_logging(fmt=settings["log_format"])
    # Loopback is always allowed; the address this server listens on too (see _announce).
    own = [] if settings["host"] in ("0.0.0.0", "::", "") else [settings["host"]]
    lock_down([*own, *_remote_hosts(app_config.get("CAREERKG_STORE"),
                                     app_config.get("CAREERKG_UPDATE_ENDPOINT"))])
    try:
        app = create_app(app_config)
    except (CareerKGError, ValueError, OSError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(WORKER_BOOT_ERROR)
    Finalize(app, _stop, args=(app,), exitpriority=10)
    threading.Thread(target=_announce, name="careerkg-announce", daemon=True,
                     args=(settings["host"], settings["port"], describe_app(app),
                           settings["url"])).start()
    return app


def _announce(host: str, port: int, store: str, url: str, wait: float = 30.0) -> None:
    """Log where the app serves once the port accepts connections (the worker listens only
    after :func:`load_app` has returned)."""
    address = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=1):
                break
        except OSError:
            time.sleep(0.01)
    log.info("careerkg serving %s at %s/", store, url)

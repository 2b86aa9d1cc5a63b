"""The application factory: settings, the store, one blueprint per area, shared headers.

>>> app = create_app({"STORE": some_store})     # doctest: +SKIP
>>> app.test_client().get("/sparql?query=ASK{}").json   # doctest: +SKIP
{'head': {}, 'boolean': True}
"""

from __future__ import annotations

import atexit
import contextlib
import weakref

import pyoxigraph as ox
from flask import Flask, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from careerkg.graph.background import deadline
from careerkg.graph.namespaces import PREFIXES

from . import (
    admin,
    browse,
    canned,
    compression,
    entities,
    export,
    health,
    home,
    limits,
    logs,
    overlap,
    query_ui,
    search,
    sparql_endpoint,
    transitions,
)
from .config import resolve
from .errors import HttpProblem, register_error_handlers
from .front import Front
from .headers import shared_headers
from .links import external_href, iri_text, local_url, term_text
from .state import AppState, state
from .warmup import start_warm_up

__all__ = ["create_app", "close_app", "describe_app", "BLUEPRINTS", "CORS_BLUEPRINTS"]

#: Every area of the site, each a blueprint in its own module (the admin API is added
#: only when a token is configured, see :mod:`careerkg.server.admin`).
BLUEPRINTS = (home, sparql_endpoint, query_ui, canned, entities, browse, export, overlap,
              transitions, search, health)

#: Blueprints whose answers other sites' scripts may read (CORS).
CORS_BLUEPRINTS = frozenset({"sparql", "export", "canned", "entities"})


def create_app(config: dict | None = None) -> Flask:
    """Build the careerkg web app.

    Parameters
    ----------
    config
        Settings (see :mod:`careerkg.server.config` for each key and its default); they
        override those of the environment (``CAREERKG_<SETTING>``).  Pass ``STORE`` to
        serve a store you opened; otherwise the app opens the store named by
        ``CAREERKG_STORE`` (memory, a directory or a SPARQL endpoint URL) and closes it when
        the app's :func:`close_app` is called or the process exits.

    Returns
    -------
    flask.Flask
        The app; its state is ``app.extensions["careerkg"]``.

    Raises
    ------
    ValueError
        For an unknown setting, a malformed one in the environment, or an unusable admin
        token.
    careerkg.graph.errors.CareerKGError
        When the store cannot be opened or a data file cannot be loaded.
    """
    app = Flask(__name__)
    app.config.update(resolve(config, also_known=set(app.config) | {"TESTING"}))
    app.json.sort_keys = False
    # The front (careerkg's 414, the lean /sparql path) sees what ProxyFix has fixed.
    app.wsgi_app = Front(app, app.wsgi_app)
    proxies = int(app.config["TRUSTED_PROXIES"] or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_prefix=proxies)
    # Order matters: the request id first, the access log line last (after_request
    # functions run in reverse order of registration).
    logs.init_app(app)
    compression.init_app(app)
    app.after_request(_finish_response)
    app.before_request(_require_host)
    app.before_request(_start_deadline)
    app.teardown_request(_end_deadline)
    limits.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    admin.init_app(app)  # before the store opens: a bad token setting fails fast
    register_error_handlers(app)

    app_state = AppState(app.config)
    app.extensions["careerkg"] = app_state
    if app_state.owns_store:
        atexit.register(_close_state, weakref.ref(app_state))
    if app.config["WARM_UP"]:
        app_state.warm_up = start_warm_up(app_state.store)
    app.jinja_env.globals.update(
        local_url=local_url,
        external_href=external_href,
        iri_text=iri_text,
        term_text=term_text,
        is_iri=lambda t: isinstance(t, ox.NamedNode),
        is_literal=lambda t: isinstance(t, ox.Literal),
        prefixes=PREFIXES,
        site_path=lambda path: request.script_root + path,
    )
    return app


def close_app(app: Flask) -> None:
    """Close the store the app opened (idempotent); call it on shutdown."""
    app.extensions["careerkg"].close()


def describe_app(app: Flask) -> str:
    """What the app serves, for a log line: the kind of store and its sources."""
    return app.extensions["careerkg"].describe_store()


def _require_host() -> None:
    """An HTTP/1.1 request must say which host it is for (RFC 9112 §3.2): 400 without."""
    environ = request.environ
    if environ.get("SERVER_PROTOCOL") == "HTTP/1.1" and not environ.get("HTTP_HOST"):
        raise HttpProblem(400, "an HTTP/1.1 request needs a Host header")


def _start_deadline() -> None:
    """Whatever a request waits for that is computed in the background (the requirement
    graph, a role network: :mod:`careerkg.graph.background`) it waits for at most the query
    time limit; past it the request is answered 503 with Retry-After."""
    stack = contextlib.ExitStack()
    stack.enter_context(deadline(state().timeout))
    g.careerkg_deadline = stack


def _end_deadline(_error=None) -> None:
    stack = g.pop("careerkg_deadline", None)
    if stack is not None:
        stack.close()


def _close_state(ref) -> None:
    app_state = ref()
    if app_state is not None:
        app_state.close()


def _finish_response(response):
    """The one place every Flask response gets its shared headers (CORS, security)."""
    cors = request.blueprint in CORS_BLUEPRINTS
    for name, value in shared_headers(current_app.config, cors=cors,
                                      preflight=request.method == "OPTIONS"):
        if name.startswith("Access-Control-"):
            response.headers[name] = value
        else:
            response.headers.setdefault(name, value)
    return response

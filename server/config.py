"""Settings of the careerkg web app, their defaults, and what each one means.

``create_app(config)`` starts from :data:`DEFAULTS`, then applies the environment (each
setting ``X`` may be given as ``CAREERKG_X``, see :func:`settings_from_environment`), then
``config`` (:func:`resolve`).  This module is the one reader of the app's ``CAREERKG_*``
variables: ``careerkg serve`` passes only the options given on its command line and reads
the rest (its server settings too) through :func:`resolve`.
Every key is documented in :data:`DOCUMENTATION` (and in ``docs/server.md``); a test fails
when one is not.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = [
    "DEFAULTS",
    "DOCUMENTATION",
    "ENV_PREFIX",
    "make_config",
    "resolve",
    "settings_from_environment",
]

#: The environment variable of setting ``X`` is ``CAREERKG_X``.
ENV_PREFIX = "CAREERKG_"

#: The default value of every setting the app reads.
DEFAULTS: dict = {
    "CAREERKG_STORE": None,
    "CAREERKG_UPDATE_ENDPOINT": None,
    "CAREERKG_DATA": [],
    "STORE": None,
    "ARTICLE": None,
    "WARM_UP": False,
    "QUERY_TIMEOUT": 10.0,
    "MAX_ROWS": 10000,
    "MIN_WORKERS": 2,
    "MAX_WORKERS": 8,
    "WORKER_IDLE_TIMEOUT": 10.0,
    "QUEUE_TIMEOUT": 30.0,
    "ISOLATE_NETWORK": True,
    "CORS_ORIGIN": "*",
    "CONTENT_SECURITY_POLICY": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    # -- the admin API ----------------------------------------------------------------
    "ADMIN_TOKEN": None,
    "ADMIN_TOKEN_FILE": None,
    # -- limits -----------------------------------------------------------------------
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "ADMIN_MAX_CONTENT_LENGTH": 512 * 1024 * 1024,
    "MAX_QUERY_LENGTH": 100_000,
    "MAX_CONCURRENT_PER_CLIENT": 4,
    "RATE_LIMIT": 120,
    "RATE_PERIOD": 60.0,
    "TRUSTED_PROXIES": 0,
    # -- logs -------------------------------------------------------------------------
    "ACCESS_LOG": True,
    "QUERY_LOG": True,
}

#: One line per setting: what it does.
DOCUMENTATION: dict[str, str] = {
    "CAREERKG_STORE": "Store spec: None for an in-memory graph built from the packaged sources, "
    "a directory for Oxigraph on disk, or an http(s) URL of a SPARQL endpoint.",
    "CAREERKG_UPDATE_ENDPOINT": "Update endpoint of a remote store (default: derived from the "
    "query URL).",
    "CAREERKG_DATA": "List of RDF files (Turtle, N-Triples, JSON-LD, RDF/XML) added to the graph "
    "at start-up, each as its own source.",
    "STORE": "An already-open Store object to serve (tests); the app does not close it.",
    "ARTICLE": "Path of the source article's text file (CAREERKG_ARTICLE). When set, a passage's "
    "page shows the passage's text, read from this file at request time and checked against the "
    "article's recorded SHA-256; the article is never shipped with careerkg.",
    "WARM_UP": "Build the search index and the role similarity caches in a background thread "
    "at start-up, so the first visitor of search, compare, similar, next, path and the role "
    "network does not wait for them (careerkg serve turns it on).",
    "QUERY_TIMEOUT": "Seconds a query may run before its worker process is killed (local "
    "stores) or the request abandoned (remote stores).",
    "MAX_ROWS": "Most rows (or triples) a query answer carries; a capped answer says so.",
    "MIN_WORKERS": "Query worker processes kept ready (local stores).",
    "MAX_WORKERS": "Most queries running at once (local stores); more wait for a free worker.",
    "WORKER_IDLE_TIMEOUT": "Seconds a query worker beyond MIN_WORKERS may stay idle before it is "
    "stopped (bursts reuse warm workers; memory comes back after them).",
    "QUEUE_TIMEOUT": "Seconds a query waits for a free worker before the server answers 503.",
    "ISOLATE_NETWORK": "Run query workers in an empty network namespace where the kernel "
    "allows it.",
    "CORS_ORIGIN": "Value of Access-Control-Allow-Origin on the SPARQL endpoint, /export, the "
    "canned queries and the entity pages (None turns CORS off).",
    "CONTENT_SECURITY_POLICY": "Content-Security-Policy header for every response (None sends "
    "none). The default allows scripts, styles and images from this server only; inline "
    "styles are allowed because YASGUI and Cytoscape.js set them.",
    "ADMIN_TOKEN": "Bearer token of the admin API (/admin/...: updates, source uploads, "
    "imports); at least 16 characters. Give it in the environment (CAREERKG_ADMIN_TOKEN) or a "
    "file (ADMIN_TOKEN_FILE), never in a committed file. Without a token the admin API is off "
    "and every /admin path answers 404.",
    "ADMIN_TOKEN_FILE": "A file whose first line is the admin token (CAREERKG_ADMIN_TOKEN_FILE); "
    "used when ADMIN_TOKEN is not set.",
    "MAX_CONTENT_LENGTH": "Largest request body in bytes on public paths; a larger one is "
    "answered 413.",
    "ADMIN_MAX_CONTENT_LENGTH": "Largest request body in bytes on the admin API (uploads and "
    "imports), once the token is checked.",
    "MAX_QUERY_LENGTH": "Longest SPARQL query in characters; a longer one is answered 400. "
    "(A GET request line longer than 8,190 bytes is answered 414 with the advice to send the "
    "query by POST.)",
    "MAX_CONCURRENT_PER_CLIENT": "Requests one client may have in progress at once; more are "
    "answered 429 with Retry-After (0: no limit).",
    "RATE_LIMIT": "Requests one client may make per RATE_PERIOD (a token bucket: bursts up to "
    "this many, refilled evenly); more are answered 429 with Retry-After (0: no limit).",
    "RATE_PERIOD": "Seconds over which RATE_LIMIT requests are allowed.",
    "TRUSTED_PROXIES": "Reverse proxies in front of the server whose X-Forwarded-For, "
    "-Proto, -Host and -Prefix headers are believed (0: none; the client is the peer "
    "address). The client of the limits and logs is the address the nearest trusted proxy saw.",
    "ACCESS_LOG": "Log a line per request (time, client, method, path, status, bytes, "
    "duration, request id) to the careerkg.access logger.",
    "QUERY_LOG": "Log a line per SPARQL query (form, length, sha256 prefix, rows, "
    "truncated, duration, outcome) to the careerkg.query logger.",
}


def make_config(overrides: dict | None = None, also_known: set[str] = frozenset()) -> dict:
    """The defaults with ``overrides`` applied; unknown upper-case keys are refused.

    Parameters
    ----------
    overrides
        Settings to change.
    also_known
        Other accepted keys (Flask's own settings such as ``TESTING``).

    Raises
    ------
    ValueError
        For a setting that does not exist (a typo would otherwise be ignored silently).

    Examples
    --------
    >>> make_config({"MAX_ROWS": 5})["MAX_ROWS"]
    5
    """
    config = dict(DEFAULTS)
    for key, value in (overrides or {}).items():
        if key.isupper() and key not in DEFAULTS and key not in also_known:
            known = ", ".join(sorted(DEFAULTS))
            raise ValueError(f"unknown setting {key!r}; the settings are: {known}")
        config[key] = value
    return config


#: Settings that cannot come from the environment (objects, lists, or read elsewhere).
_NOT_FROM_ENVIRONMENT = frozenset({"STORE", "CAREERKG_DATA", "CAREERKG_STORE",
                                   "CAREERKG_UPDATE_ENDPOINT"})
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse(key: str, raw: str):
    default = DEFAULTS[key]
    name = ENV_PREFIX + key
    text = raw.strip()
    if isinstance(default, bool):
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"{name}={raw!r}: use true or false")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{name}={raw!r}: not a whole number") from None
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{name}={raw!r}: not a number") from None
    return raw if text else None


def settings_from_environment(environ: Mapping[str, str] | None = None) -> dict:
    """The settings given in the environment: ``CAREERKG_<SETTING>=value``.

    Values are read as the type of the setting's default (true/false, whole numbers,
    numbers, text; an empty text means None).

    Raises
    ------
    ValueError
        For a value of the wrong type, naming the variable.

    Examples
    --------
    >>> settings_from_environment({"CAREERKG_MAX_ROWS": "50", "CAREERKG_ACCESS_LOG": "off"})
    {'MAX_ROWS': 50, 'ACCESS_LOG': False}
    """
    environ = os.environ if environ is None else environ
    found = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX):]
        if key in DEFAULTS and key not in _NOT_FROM_ENVIRONMENT:
            found[key] = _parse(key, raw)
    return found


def resolve(config: dict | None = None, also_known: set[str] = frozenset()) -> dict:
    """The settings an app made with ``config`` runs with: defaults, environment, ``config``.

    ``MIN_WORKERS`` is lowered to ``MAX_WORKERS`` when it is above it.

    Raises
    ------
    ValueError
        For an unknown setting or a malformed value in the environment.

    Examples
    --------
    >>> resolve({"MAX_WORKERS": 1})["MIN_WORKERS"]
    1
    """
    settings = make_config({**settings_from_environment(), **(config or {})}, also_known)
    if int(settings["MIN_WORKERS"]) > int(settings["MAX_WORKERS"]):
        settings["MIN_WORKERS"] = settings["MAX_WORKERS"]
    return settings

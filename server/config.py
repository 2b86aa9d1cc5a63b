"""Settings of the careerkg web app, their defaults, and what each one means.

``create_app(config)`` starts from :data:`DEFAULTS`, then applies ``config``.  The
``careerkg serve`` command fills the same keys from its options and the environment
(``CAREERKG_STORE``, ``CAREERKG_UPDATE_ENDPOINT``).  Every key is documented in
:data:`DOCUMENTATION` (and in ``docs/server.md``); a test fails when one is not.
"""

from __future__ import annotations

__all__ = ["DEFAULTS", "DOCUMENTATION", "make_config"]

#: The default value of every setting the app reads.
DEFAULTS: dict = {
    "CAREERKG_STORE": None,
    "CAREERKG_UPDATE_ENDPOINT": None,
    "CAREERKG_DATA": [],
    "STORE": None,
    "QUERY_TIMEOUT": 10.0,
    "MAX_ROWS": 10000,
    "MIN_WORKERS": 2,
    "MAX_WORKERS": 8,
    "QUEUE_TIMEOUT": 30.0,
    "ISOLATE_NETWORK": True,
    "CORS_ORIGIN": "*",
    "CONTENT_SECURITY_POLICY": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
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
    "QUERY_TIMEOUT": "Seconds a query may run before its worker process is killed (local "
    "stores) or the request abandoned (remote stores).",
    "MAX_ROWS": "Most rows (or triples) a query answer carries; a capped answer says so.",
    "MIN_WORKERS": "Query worker processes kept ready (local stores).",
    "MAX_WORKERS": "Most queries running at once (local stores); more wait for a free worker.",
    "QUEUE_TIMEOUT": "Seconds a query waits for a free worker before the server answers 503.",
    "ISOLATE_NETWORK": "Run query workers in an empty network namespace where the kernel "
    "allows it.",
    "CORS_ORIGIN": "Value of Access-Control-Allow-Origin on the SPARQL endpoint, /export, the "
    "canned queries and the entity pages (None turns CORS off).",
    "CONTENT_SECURITY_POLICY": "Content-Security-Policy header for every response (None sends "
    "none). The default allows scripts, styles and images from this server only; inline "
    "styles are allowed because YASGUI and Cytoscape.js set them.",
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

"""Structured logs: one JSON object per line, on standard error.

Three loggers carry what operators need, and nothing secret:

* ``careerkg.access`` — a line per request: time, client, method, path (never the query
  string, which can hold anything), status, bytes, duration in ms, request id;
* ``careerkg.query`` — a line per visitor's SPARQL query: form, length, the first 16 hex
  digits of its SHA-256 (to group repeats without logging the text), rows, truncated,
  duration, outcome (``ok``, ``timeout``, ``syntax``, ``refused``, ``error``);
* ``careerkg.server`` / ``careerkg.admin`` … — everything else (warnings, admin actions).

Request headers are never logged (``Authorization`` holds the admin token).  Each response
carries its request id in ``X-Request-Id`` so a client's report can be found in the log.
:func:`configure_logging` (called by ``careerkg serve``) sends every ``careerkg`` logger, and
granian's own messages (:func:`server_log_config`), to standard error: JSON lines, or —
``--log-format text``, the default on a terminal — one human-readable line each
(:class:`TextFormatter`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from datetime import datetime

from flask import Flask, current_app, g, has_app_context, has_request_context, request

__all__ = [
    "LOG_FORMATS",
    "JsonLinesFormatter",
    "TextFormatter",
    "log_format",
    "configure_logging",
    "server_log_config",
    "init_app",
    "client_address",
    "request_id",
    "log_query",
    "log_access",
    "new_request_id",
    "query_fingerprint",
]

access_log = logging.getLogger("careerkg.access")
query_log = logging.getLogger("careerkg.query")


_stamp_cache: tuple[int, str] = (-1, "")


def _utc_stamp(created: float) -> str:
    """``created`` (epoch seconds) as ISO 8601 UTC with milliseconds; the formatted second
    is kept, so a line costs an f-string rather than a ``strftime``.

    >>> _utc_stamp(0.25)
    '1970-01-01T00:00:00.250Z'
    """
    global _stamp_cache
    second = int(created)
    cached_second, prefix = _stamp_cache
    if second != cached_second:
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(second))
        _stamp_cache = (second, prefix)
    return f"{prefix}{int((created - second) * 1000):03d}Z"


def _emit(logger: logging.Logger, message: str, fields: dict) -> None:
    """Log ``message`` with ``fields`` at INFO, without the caller lookup of
    :meth:`logging.Logger.info` (which walks the stack for every line)."""
    if logger.isEnabledFor(logging.INFO):
        logger.handle(logger.makeRecord(logger.name, logging.INFO, "", 0, message, (), None,
                                        extra={"fields": fields}))


class JsonLinesFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, then its fields.

    Fields come from ``extra={"fields": {...}}``.

    Examples
    --------
    >>> record = logging.makeLogRecord({"name": "careerkg.x", "msg": "hi", "levelname": "INFO",
    ...                                 "fields": {"status": 200}, "created": 0})
    >>> JsonLinesFormatter().format(record)
    '{"time": "1970-01-01T00:00:00.000Z", "level": "info", "logger": "careerkg.x", "message": "hi", "status": 200}'
    """  # noqa: E501

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _utc_stamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A log record as one line for people: local time, level, logger, message, fields.

    Examples
    --------
    >>> record = logging.makeLogRecord({"name": "careerkg.access", "msg": "request",
    ...     "levelname": "INFO", "fields": {"path": "/sparql", "status": 200, "x": None}})
    >>> TextFormatter().format(record).split(" ", 2)[2]
    'INFO  careerkg.access  request  path=/sparql status=200'
    """

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created).strftime("%Y-%m-%d %H:%M:%S")
        fields = " ".join(f"{k}={v}" for k, v in (getattr(record, "fields", None) or {}).items()
                          if v is not None)
        line = f"{stamp} {record.levelname:<5} {record.name}  {record.getMessage()}"
        line += f"  {fields}" if fields else ""
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


#: ``--log-format`` name → formatter class.
LOG_FORMATS = {"json": JsonLinesFormatter, "text": TextFormatter}


def log_format(requested: str = "auto", stream=None) -> str:
    """``json`` or ``text``: ``auto`` means text on a terminal, JSON lines otherwise."""
    if requested != "auto":
        return requested
    stream = stream or sys.stderr
    return "text" if hasattr(stream, "isatty") and stream.isatty() else "json"


def configure_logging(stream=None, level: int = logging.INFO, fmt: str = "json") -> None:
    """Send every ``careerkg`` logger to ``stream`` (standard error) in format ``fmt``
    (``json`` or ``text``, see :data:`LOG_FORMATS`).

    Idempotent: a second call replaces the handler of the first.
    """
    root = logging.getLogger("careerkg")
    for handler in list(root.handlers):
        if getattr(handler, "careerkg_json", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(LOG_FORMATS[fmt]())
    handler.careerkg_json = True
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def server_log_config(fmt: str = "json") -> dict:
    """A logging ``dictConfig`` for the HTTP server (granian): its own messages on standard
    error in format ``fmt`` (its access log is off: the app writes its own, see
    ``careerkg.access``)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {fmt: {"()": LOG_FORMATS[fmt]}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": fmt,
                       "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "_granian": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "granian.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
        "root": {"level": "WARNING", "handlers": ["stderr"]},
    }


# -- per request ---------------------------------------------------------------------------

def client_address() -> str:
    """Who is asking: the peer address, or the address the nearest trusted proxy saw
    (``TRUSTED_PROXIES``; werkzeug's ProxyFix has already put it in ``remote_addr``)."""
    return request.remote_addr or "-"


def request_id() -> str | None:
    """The id of the current request (also in its ``X-Request-Id`` response header)."""
    return g.get("request_id") if has_request_context() else None


def _start_request() -> None:
    g.request_id = new_request_id()
    g.request_started = time.perf_counter()


def _log_request(response):
    response.headers["X-Request-Id"] = g.get("request_id", "-")
    if current_app.config.get("ACCESS_LOG"):
        log_access(client_address(), request.method, request.path, response.status_code,
                   response.content_length, g.get("request_started"), g.get("request_id"))
    return response


def log_access(client: str, method: str, path: str, status: int, size: int | None,
               started: float | None, rid: str | None) -> None:
    """Write the access log line of one request (``started``: its ``perf_counter``)."""
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    _emit(access_log, "request", {
        "client": client,
        "method": method,
        "path": path,
        "status": status,
        "bytes": size,
        "duration_ms": None if duration is None else round(duration, 2),
        "request_id": rid,
    })


def new_request_id() -> str:
    """A fresh random request id (16 hex digits)."""
    return os.urandom(8).hex()


def init_app(app: Flask) -> None:
    """Give every request an id and, with ``ACCESS_LOG``, an access log line.

    Call it before any other ``before_request`` / ``after_request`` function is registered:
    the id is set first, and the line is written last (with the final status).
    """
    app.before_request(_start_request)
    app.after_request(_log_request)


# -- queries -------------------------------------------------------------------------------

def query_fingerprint(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of a query's text.

    >>> query_fingerprint("ASK {}")
    '819ea91ed5f12b38'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def log_query(text: str, form: str | None, outcome: str, *, rows: int | None = None,
              truncated: bool | None = None, duration: float | None = None,
              config=None, client: str | None = None, rid: str | None = None) -> None:
    """Write the query log line of one visitor's query (when ``QUERY_LOG`` is on).

    Parameters
    ----------
    text
        The query as the visitor wrote it (only its length and fingerprint are logged).
    form
        ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, ``UPDATE`` or None.
    outcome
        ``ok``, ``timeout``, ``syntax``, ``refused`` or ``error``.
    rows, truncated
        The size of the answer, and whether it was cut at the row cap.
    duration
        Seconds the query took.
    config, client, rid
        The app's settings, the client and the request id; by default those of the current
        app and request (given outside a Flask request by the lean path).
    """
    if config is None:
        if not has_app_context():
            return
        config = current_app.config
    if not config.get("QUERY_LOG"):
        return
    if client is None and has_request_context():
        client = client_address()
    _emit(query_log, "query", {
        "form": form,
        "length": len(text),
        "sha256": query_fingerprint(text),
        "rows": rows,
        "truncated": truncated,
        "duration_ms": None if duration is None else round(duration * 1000, 2),
        "outcome": outcome,
        "client": client,
        "request_id": rid or request_id(),
    })

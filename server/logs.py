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
gunicorn's own messages, to standard error: JSON lines, or — ``--log-format text``, the
default on a terminal — one human-readable line each (:class:`TextFormatter`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_app_context, has_request_context, request

__all__ = [
    "LOG_FORMATS",
    "JsonLinesFormatter",
    "TextFormatter",
    "log_format",
    "configure_logging",
    "gunicorn_log_config",
    "init_app",
    "client_address",
    "request_id",
    "log_query",
    "query_fingerprint",
]

access_log = logging.getLogger("careerkg.access")
query_log = logging.getLogger("careerkg.query")


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
        stamp = datetime.fromtimestamp(record.created, UTC)
        entry = {
            "time": stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z",
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


def gunicorn_log_config(fmt: str = "json") -> dict:
    """A ``logconfig_dict`` for gunicorn: its own messages on standard error in format
    ``fmt`` (its access log is off: the app writes its own, see ``careerkg.access``)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {fmt: {"()": LOG_FORMATS[fmt]}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": fmt,
                       "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
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
    g.request_id = uuid.uuid4().hex[:16]
    g.request_started = time.perf_counter()


def _log_request(response):
    response.headers["X-Request-Id"] = g.get("request_id", "-")
    if current_app.config.get("ACCESS_LOG"):
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started is not None else None
        access_log.info("request", extra={"fields": {
            "client": client_address(),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "bytes": response.content_length,
            "duration_ms": None if duration is None else round(duration, 2),
            "request_id": g.get("request_id"),
        }})
    return response


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
              truncated: bool | None = None, duration: float | None = None) -> None:
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
    """
    if not has_app_context() or not current_app.config.get("QUERY_LOG"):
        return
    query_log.info("query", extra={"fields": {
        "form": form,
        "length": len(text),
        "sha256": query_fingerprint(text),
        "rows": rows,
        "truncated": truncated,
        "duration_ms": None if duration is None else round(duration * 1000, 2),
        "outcome": outcome,
        "client": client_address() if has_request_context() else None,
        "request_id": request_id(),
    }})

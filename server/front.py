"""The WSGI front of the app: careerkg's own 414, and a lean path for plain SPARQL queries.

Every request passes here before Flask (inside werkzeug's ProxyFix when proxies are trusted,
so the client address is already the one the proxy saw).

* A request line longer than :data:`MAX_REQUEST_LINE` bytes is answered 414 in plain text,
  with the way out (POST).  The HTTP server itself refuses only far longer lines (granian:
  64 KiB, with an empty 414 of its own), so careerkg's limit is the one a client meets.
* Static files (``/static/...``) are sent as Flask's static route sends them, with the
  shared headers and the access log line, without Flask's request machinery.
* ``/sparql`` requests that are plain queries — GET/HEAD with ``query=``, POST of a form or
  of ``application/sparql-query`` — are answered here without Flask's request machinery:
  the same checks (:func:`~careerkg.server.querying.check_query`: updates, SERVICE, length),
  the same negotiation (:func:`~careerkg.server.negotiation.choose_format`, memoised per
  ``Accept``), the same limits (the app's :class:`~careerkg.server.limits.Limiter` and body
  size), the same query worker round trip
  (:func:`~careerkg.server.querying.run_query_serialized`), the same headers
  (:func:`~careerkg.server.headers.shared_headers`, gzip, ``X-Request-Id``) and log lines.
* Anything else — another route, a request this path does not read (other parameters, a
  protocol dataset, a browser that wants the query page, a refused query, a client over its
  limits), is passed to Flask untouched (a POST body already read is handed on), so every
  refusal is answered by the one code that answers it.  An error raised while the query runs
  (syntax, time limit, a worker that died) is answered by the app's error handlers.

Measured in ``docs/benchmarks.md`` ("The HTTP path"): this path costs a fraction of Flask's
dispatch, hooks and response objects.
"""

from __future__ import annotations

import io
from datetime import timedelta
from functools import lru_cache, partial
from http import HTTPStatus
from time import perf_counter
from urllib.parse import parse_qsl, quote

from flask import Flask, g
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header, parse_options_header
from werkzeug.utils import get_content_type, send_from_directory
from werkzeug.wsgi import get_host

from careerkg.graph.errors import ForbiddenQuery
from careerkg.graph.sparql import QuerySyntaxError

from .compression import MIN_SIZE, compressible, gzipped
from .errors import HttpProblem
from .headers import shared_headers
from .logs import log_access, log_query, new_request_id
from .negotiation import (
    FORMAT_PARAMETERS,
    GRAPH_OFFERS,
    RESULT_OFFERS,
    choose_format,
    media_type,
    prefers_html,
)
from .querying import check_query, run_query_serialized

__all__ = ["Front", "MAX_REQUEST_LINE", "too_long_message", "request_line_length"]

#: Longest request line (method, target and protocol, in bytes) careerkg accepts; a longer
#: one is answered 414.  A SPARQL query that long goes by POST.
MAX_REQUEST_LINE = 8190

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
STATIC = "/static/"
#: Parameters the lean path reads; a request with any other goes to Flask.
_KNOWN = frozenset({"query", *FORMAT_PARAMETERS})
_STATUS_200 = f"200 {HTTPStatus.OK.phrase}"
_STATUS_414 = f"414 {HTTPStatus(414).phrase}"


def too_long_message(size: int | None = None) -> str:
    """The text of careerkg's 414 answer to a request line of ``size`` bytes."""
    seen = f" ({size:,} bytes)" if isinstance(size, int) else ""
    return (
        f"Error 414 ({HTTPStatus(414).phrase}): the request line{seen} is longer than this "
        f"server accepts: at most {MAX_REQUEST_LINE:,} bytes. Send a long SPARQL query by "
        "POST instead: the form field query=... (application/x-www-form-urlencoded) or the "
        "query itself as the body (Content-Type: application/sparql-query).\n"
    )


def request_line_length(environ: dict) -> int:
    """Bytes of the request line: method, target (as sent, when the server says) and protocol.
    """
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if target is None:
        target = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
                       safe="/;=,:@!$&'()*+~")
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
    return (len(environ.get("REQUEST_METHOD", "")) + len(target)
            + len(environ.get("SERVER_PROTOCOL", "")) + 2)


@lru_cache(maxsize=512)
def _accept(header: str) -> MIMEAccept:
    return parse_accept_header(header, MIMEAccept)


@lru_cache(maxsize=512)
def _negotiated(accept: str, given: tuple[str, str] | None, graph: bool) -> str | None:
    """The format of an answer (None: Flask answers, with its 400 / 406 or the query page)."""
    mimes = _accept(accept)
    if given is None and prefers_html(mimes):
        return None
    try:
        return choose_format(GRAPH_OFFERS if graph else RESULT_OFFERS, accept=mimes,
                             given=given)
    except Exception:  # noqa: BLE001 - BadRequest, NotAcceptable: Flask answers them
        return None


@lru_cache(maxsize=256)
def _accepts_gzip(header: str) -> bool:
    return parse_accept_header(header)["gzip"] > 0


def _fields(text: str) -> list[tuple[str, str]] | None:
    """Parameters of a query string or form body (None: not plain ASCII / UTF-8)."""
    try:
        text.encode("ascii")
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeError, ValueError):
        return None


def _max_age(value) -> int | None:
    """``SEND_FILE_MAX_AGE_DEFAULT`` in seconds, as Flask reads it (None, seconds or a
    ``timedelta``)."""
    return int(value.total_seconds()) if isinstance(value, timedelta) else value


class Front:
    """The WSGI callable in front of the Flask app (see the module's description).

    Parameters
    ----------
    app
        The Flask app (its settings, limiter, state and error handlers are used).
    inner
        What to call for everything else: the app's own ``wsgi_app``.
    """

    def __init__(self, app: Flask, inner):
        self.app = app
        self.inner = inner

    def __call__(self, environ, start_response):
        size = request_line_length(environ)
        if size > MAX_REQUEST_LINE:
            return self._too_long(environ, start_response, size)
        path = environ.get("PATH_INFO", "")
        answer = None
        if path == "/sparql":
            answer = self._sparql(environ, start_response)
        elif path.startswith(STATIC):
            answer = self._static(environ, start_response, path[len(STATIC):])
        return self.inner(environ, start_response) if answer is None else answer

    # -- 414 -------------------------------------------------------------------------------
    def _too_long(self, environ, start_response, size: int):
        body = too_long_message(size).encode("utf-8")
        rid = new_request_id()
        self._respond(start_response, _STATUS_414, body, environ, rid, [
            ("Content-Type", "text/plain; charset=utf-8")], cors=False)
        if self.app.config.get("ACCESS_LOG"):
            log_access(environ.get("REMOTE_ADDR") or "-", environ.get("REQUEST_METHOD", "-"),
                       environ.get("PATH_INFO", ""), 414, len(body), None, rid)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _respond(self, start_response, status, body, environ, rid, headers, *, cors=True):
        start_response(status, [
            *headers, ("Content-Length", str(len(body))), ("X-Request-Id", rid),
            *shared_headers(self.app.config, cors=cors),
        ])

    # -- /static/ --------------------------------------------------------------------------
    def _static(self, environ, start_response, filename: str):
        """A static file, as Flask's static route sends it (conditional requests, ranges);
        None when Flask must answer (not GET / HEAD, no Host, no such file)."""
        started = perf_counter()
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or (
                environ.get("SERVER_PROTOCOL") == "HTTP/1.1" and not environ.get("HTTP_HOST")):
            return None
        app = self.app
        try:
            response = send_from_directory(
                app.static_folder, filename, environ,
                max_age=_max_age(app.config.get("SEND_FILE_MAX_AGE_DEFAULT")),
                use_x_sendfile=app.config["USE_X_SENDFILE"],
                response_class=app.response_class, _root_path=app.root_path)
        except HTTPException:
            return None
        rid = new_request_id()
        for name, value in shared_headers(app.config, cors=False):
            response.headers.setdefault(name, value)
        response.headers["X-Request-Id"] = rid
        if app.config.get("ACCESS_LOG"):
            log_access(environ.get("REMOTE_ADDR") or "-", environ["REQUEST_METHOD"],
                       environ["PATH_INFO"], response.status_code, response.content_length,
                       started, rid)
        return response(environ, start_response)

    # -- /sparql ---------------------------------------------------------------------------
    def _read(self, environ) -> tuple[str, list[tuple[str, str]]] | None:
        """The query text and the format parameters, or None when Flask must read it."""
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD", "POST"):
            return None
        if environ.get("SERVER_PROTOCOL") == "HTTP/1.1" and not environ.get("HTTP_HOST"):
            return None
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return None
        fields = _fields(environ.get("QUERY_STRING", ""))
        if fields is None:
            return None
        text = None
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or "")
            except ValueError:
                return None
            limit = self.app.config.get("MAX_CONTENT_LENGTH")
            if length < 0 or (limit is not None and length > limit):
                return None
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)  # Flask reads it again if it answers
            mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
            if mimetype == FORM:
                form = _fields(body.decode("latin-1"))
                if form is None:
                    return None
                fields += form
            elif mimetype == QUERY_BODY and options.get("charset", "utf-8").lower() in (
                    "utf-8", "utf8"):
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    return None
            else:
                return None
        queries = [value for name, value in fields if name == "query"]
        if any(name not in _KNOWN for name, _value in fields):
            return None
        if text is None:
            if len(queries) != 1:
                return None
            text = queries[0]
        elif queries:
            return None
        return text, fields

    def _sparql(self, environ, start_response):
        started = perf_counter()
        read = self._read(environ)
        if read is None:
            return None
        text, fields = read
        app = self.app
        config = app.config
        base = f"{environ['wsgi.url_scheme']}://{get_host(environ)}" \
               f"{environ.get('SCRIPT_NAME', '')}/sparql"
        try:
            prepared = check_query(text, config.get("MAX_QUERY_LENGTH"), base)
        except (HttpProblem, ForbiddenQuery, QuerySyntaxError):
            return None  # refused: Flask refuses it again, logs it and answers
        given = next(((name, value.strip()) for parameter in FORMAT_PARAMETERS
                      for name, value in fields if name == parameter and value.strip()),
                     None)
        fmt = _negotiated(environ.get("HTTP_ACCEPT", ""), given,
                          prepared.info.returns_graph)
        if fmt is None:
            return None
        limiter = app.extensions["careerkg.limits"]
        client = environ.get("REMOTE_ADDR") or "-"
        if limiter.take(client):
            return None  # Flask answers 429 (a refused take uses no token)
        if not limiter.enter(client):
            return None
        rid = new_request_id()
        try:
            body, meta = run_query_serialized(
                prepared, fmt, app_state=app.extensions["careerkg"],
                log=partial(log_query, config=config, client=client, rid=rid))
        except Exception as error:  # noqa: BLE001 - answered by the app's error handlers
            return self._error(environ, start_response, error, rid, started)
        finally:
            limiter.leave(client)
        mimetype = media_type(fmt)
        headers = [("Content-Type", get_content_type(mimetype, "utf-8"))]
        vary = "Accept"
        if len(body) >= MIN_SIZE and compressible(mimetype):
            vary = "Accept, Accept-Encoding"
            if _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
                body = gzipped(body)
                headers.append(("Content-Encoding", "gzip"))
        headers.append(("Vary", vary))
        if meta.truncated:
            headers.append(("X-Careerkg-Truncated", "true"))
            if meta.limit is not None:
                headers.append(("X-Careerkg-Limit", str(meta.limit)))
        self._respond(start_response, _STATUS_200, body, environ, rid, headers)
        method = environ["REQUEST_METHOD"]
        if config.get("ACCESS_LOG"):
            log_access(client, method, "/sparql", 200, len(body), started, rid)
        return [] if method == "HEAD" else [body]

    def _error(self, environ, start_response, error: Exception, rid: str, started: float):
        """Answer an error raised while a query ran, as the app answers it."""
        app = self.app
        with app.request_context(environ):
            g.request_id = rid
            g.request_started = started
            try:
                response = app.make_response(app.handle_user_exception(error))
            except Exception as unhandled:  # noqa: BLE001 - the app's 500
                response = app.handle_exception(unhandled)
            else:
                response = app.process_response(response)
            return response(environ, start_response)

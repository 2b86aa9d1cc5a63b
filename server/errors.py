"""Errors as HTTP answers: each says what is wrong and where, in the form the client reads.

Browsers get an HTML page, the SPARQL endpoint answers plain text (what SPARQL clients show
to people), and clients that prefer JSON get ``{"error": {...}}``.  The status of each
careerkg error is decided here, once.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from careerkg.graph.errors import (
    ForbiddenQuery,
    InputError,
    NotFound,
    QueryTimeout,
    StillPreparing,
    StoreError,
    Unrepresentable,
)
from careerkg.graph.sparql import QuerySyntaxError

from .negotiation import HTML_TYPES, best_offer

__all__ = [
    "HttpProblem",
    "UpdateRefused",
    "ServiceRefused",
    "problem_response",
    "register_error_handlers",
]

log = logging.getLogger("careerkg.server")


class HttpProblem(Exception):
    """An error with its HTTP status, for views to raise.

    Parameters
    ----------
    status
        The HTTP status code.
    message
        What is wrong, for a person.
    detail
        Extra fields for JSON answers (``line``, ``column`` ...).
    headers
        Extra response headers (``Allow``, ``Retry-After`` ...).
    """

    def __init__(self, status: int, message: str, *, detail: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail or {}
        self.headers = headers or {}


class UpdateRefused(ForbiddenQuery):
    """An update sent to the read-only public endpoint."""


class ServiceRefused(ForbiddenQuery):
    """A query that calls SERVICE (which would make this server send requests)."""


_ERROR_OFFERS = {
    "html": HTML_TYPES,
    "json": ("application/json", "application/sparql-results+json", "application/ld+json"),
    "text": ("text/plain",),
}


def _error_format() -> str:
    forced = g.get("error_format")
    if forced:
        return forced
    if request.blueprint == "admin":  # also for errors raised before its own checks ran
        return "json"
    default = "text" if request.blueprint == "sparql" else "html"
    chosen = best_offer(_ERROR_OFFERS, default)
    if request.blueprint == "sparql" and chosen == "html":
        return "text"
    return chosen or default


def problem_response(status: int, message: str, *, detail: dict | None = None,
                     headers: dict | None = None):
    """An error answer in the client's preferred form (HTML, JSON or plain text).

    Parameters
    ----------
    status
        The HTTP status code.
    message
        What is wrong and where, for a person.
    detail
        Extra fields (``line``, ``column``) for JSON answers and the HTML page.
    headers
        Extra response headers.

    Returns
    -------
    flask.Response
    """
    detail = {k: v for k, v in (detail or {}).items() if v is not None}
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    fmt = _error_format()
    if fmt == "json":
        response = jsonify({"error": {"status": status, "message": message, **detail}})
    elif fmt == "html":
        response = make_response(
            render_template("error.html", status=status, title=title, message=message,
                            detail=detail)
        )
    else:
        response = make_response(f"Error {status} ({title}): {message}\n")
        response.mimetype = "text/plain"
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _syntax(error: QuerySyntaxError):
    return problem_response(
        400, f"malformed SPARQL: {error}",
        detail={"line": error.line, "column": error.column, "reason": error.message},
    )


def _preparing(error: StillPreparing):
    return problem_response(503, f"{error}.", detail={"retry_after": error.retry_after},
                            headers={"Retry-After": str(error.retry_after)})


def _timeout(error: QueryTimeout):
    return problem_response(
        503,
        f"{error}. Ask for less (add LIMIT, narrow the patterns) or run it on your own copy "
        "of the graph (careerkg export).",
        detail={"timeout": error.seconds},
    )


def register_error_handlers(app: Flask) -> None:
    """Answer careerkg's errors and HTTP errors with :func:`problem_response`."""

    app.register_error_handler(
        HttpProblem, lambda e: problem_response(e.status, e.message, detail=e.detail,
                                                headers=e.headers)
    )
    app.register_error_handler(QuerySyntaxError, _syntax)
    app.register_error_handler(UpdateRefused, lambda e: problem_response(403, str(e)))
    app.register_error_handler(ServiceRefused, lambda e: problem_response(400, str(e)))
    app.register_error_handler(QueryTimeout, _timeout)
    app.register_error_handler(StillPreparing, _preparing)
    app.register_error_handler(NotFound, lambda e: problem_response(404, str(e)))
    app.register_error_handler(Unrepresentable, lambda e: problem_response(406, str(e)))
    app.register_error_handler(InputError, lambda e: problem_response(400, str(e),
                                                                        detail=e.to_dict()))

    def store_unavailable(error: StoreError):
        log.warning("store error: %s", error)
        return problem_response(503, str(error), headers={"Retry-After": "5"})

    app.register_error_handler(StoreError, store_unavailable)

    def http_error(error: HTTPException):
        headers = {k: v for k, v in error.get_headers() if k.lower() not in
                   ("content-type", "content-length")}
        message = error.description or str(error)
        if error.code == 413:
            limit = request.max_content_length
            message = ("the request body is larger than this server accepts here"
                       + (f" ({limit:,} bytes)" if limit else ""))
        return problem_response(error.code or 500, message, headers=headers)

    app.register_error_handler(HTTPException, http_error)

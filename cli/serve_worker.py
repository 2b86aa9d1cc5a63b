"""The gunicorn worker of ``careerkg serve``: gthread, with careerkg's own 414 answer.

gunicorn refuses a request line longer than ``limit_request_line`` before the app sees the
request, with an HTML page of its own.  gunicorn accepts at most 8190 bytes there (any
larger value is lowered to 8190; only 0, *unlimited*, goes beyond, and an unbounded request
line is a way to exhaust memory), so a long SPARQL query cannot come by GET: this worker
answers it as the app answers errors, in plain text, with the way out — POST.
"""

from __future__ import annotations

from http import HTTPStatus

from gunicorn import util
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

__all__ = ["CareerKGWorker", "MAX_REQUEST_LINE", "too_long_message"]

#: Longest request line (method, path and query string, in bytes) gunicorn can be told to
#: accept; a longer one is answered 414 by :class:`CareerKGWorker`.
MAX_REQUEST_LINE = 8190


def too_long_message(size: int | None = None) -> str:
    """The text of careerkg's 414 answer to a request line of ``size`` bytes."""
    seen = f" ({size:,} bytes)" if isinstance(size, int) else ""
    return (
        f"Error 414 ({HTTPStatus(414).phrase}): the request line{seen} is longer than this "
        f"server accepts: at most {MAX_REQUEST_LINE:,} bytes. Send a long SPARQL query by "
        "POST instead: the form field query=... (application/x-www-form-urlencoded) or the "
        "query itself as the body (Content-Type: application/sparql-query).\n"
    )


class CareerKGWorker(ThreadWorker):
    """gunicorn's threaded worker; a too-long request line gets careerkg's 414."""

    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        body = too_long_message(exc.size).encode("utf-8")
        head = (f"HTTP/1.1 414 {HTTPStatus(414).phrase}\r\nConnection: close\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except OSError:
            self.log.debug("the client left before its 414 answer")
        self.log.info("refused a request line over %d bytes (414)", MAX_REQUEST_LINE)
        return None

"""The source article, read at run time from a file the user names; never shipped.

The graph does not copy the article's text.  Each passage points into it with a W3C Web
Annotation ``oa:TextPositionSelector`` whose ``oa:start`` and ``oa:end`` count **Unicode code
points of the article file decoded as UTF-8**, from 0, end exclusive, with no newline translation
(the file is decoded as bytes, not read in text mode).  The article's SHA-256 is recorded on the
article (``ckg:sha256``), so a copy of the file is checked before any span is resolved.

The path comes from the ``CAREERKG_ARTICLE`` environment variable (or the server's ``ARTICLE``
setting).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["ARTICLE_ENV", "ArticleError", "article_path", "read_article", "resolve_span"]

#: The environment variable naming the article file.
ARTICLE_ENV = "CAREERKG_ARTICLE"


class ArticleError(ValueError):
    """The article file is missing, not UTF-8, not the recorded one, or a span is outside it."""


def article_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The article file named by ``CAREERKG_ARTICLE``, or None when it is unset or empty.

    >>> article_path({}) is None
    True
    >>> article_path({"CAREERKG_ARTICLE": "a.txt"}).name
    'a.txt'
    """
    environ = os.environ if environ is None else environ
    value = (environ.get(ARTICLE_ENV) or "").strip()
    return Path(value) if value else None


def read_article(path: str | os.PathLike, sha256: str | None = None) -> str:
    """The article's text: the file's bytes decoded as UTF-8, nothing translated.

    Raises
    ------
    ArticleError
        When the file cannot be read or decoded, or its SHA-256 is not ``sha256`` (when given).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArticleError(f"{path}: cannot read the article ({error.strerror})") from None
    if sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256.lower():
            raise ArticleError(
                f"{path}: not the article the graph points into "
                f"(SHA-256 {digest}, expected {sha256.lower()})"
            )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArticleError(f"{path}: not UTF-8 (byte {error.start})") from None


def resolve_span(text: str, start: int, end: int) -> str:
    """The text of a position selector: code points ``start`` (inclusive) to ``end``
    (exclusive).

    >>> resolve_span("héllo world", 0, 5)
    'héllo'
    >>> try:
    ...     resolve_span("abc", 2, 9)
    ... except ArticleError as error:
    ...     print(error)
    span 2-9 is not inside the article (3 code points)
    """
    if not 0 <= start < end <= len(text):
        raise ArticleError(
            f"span {start}-{end} is not inside the article ({len(text)} code points)"
        )
    return text[start:end]

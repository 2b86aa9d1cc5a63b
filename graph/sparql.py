"""What a SPARQL text is, read before it reaches an engine.

The engines careerkg runs on execute ``SERVICE`` (a network call) and cannot be told not to,
so the text is classified here first: its form (SELECT, ASK, CONSTRUCT, DESCRIBE or an
update), whether it calls ``SERVICE``, and whether it names its own dataset (FROM / FROM
NAMED).  A small lexer skips comments, strings and IRIs so that a keyword inside them does
not count, and a keyword outside them cannot hide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["QueryInfo", "QuerySyntaxError", "analyse", "syntax_error_from_engine"]

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               | '''(?:[^'\\]|\\.|'(?!''))*'''
               | "(?:[^"\\\n\r]|\\.)*"
               | '(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<pname>[\w.-]*:(?:[\w.:%-]|\\.)*)
    | (?P<word>[A-Za-z_][\w-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATE_WORDS = {
    "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH",
}


@dataclass(frozen=True)
class QueryInfo:
    """What :func:`analyse` found in a SPARQL text."""

    #: ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, ``UPDATE`` or ``None`` if unknown.
    form: str | None
    uses_service: bool
    has_dataset_clause: bool

    @property
    def is_update(self) -> bool:
        return self.form == "UPDATE"

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


class QuerySyntaxError(ValueError):
    """A query or update the parser refused, with where it went wrong (1-based)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __reduce__(self):
        return QuerySyntaxError, (self.message, self.line, self.column)

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}, column {self.column}: {self.message}"

    def to_dict(self) -> dict:
        return {"message": self.message, "line": self.line, "column": self.column}


def _words(text: str):
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word":
            yield match.group().upper()
        elif match.lastgroup == "other" and match.group() in "{}":
            yield match.group()


def analyse(text: str) -> QueryInfo:
    """Classify a SPARQL query or update without executing it.

    >>> analyse("PREFIX s: <http://x/service#> SELECT * { ?s s:SERVICE ?o }").uses_service
    False
    >>> analyse("SELECT * { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }").uses_service
    True
    >>> analyse("# SELECT\\nINSERT DATA { <a:b> <a:c> 'SERVICE' }").form
    'UPDATE'
    >>> analyse("SELECT * FROM <urn:g> { ?s ?p ?o }").has_dataset_clause
    True
    """
    form = None
    uses_service = False
    dataset = False
    depth = 0
    for word in _words(text):
        if word == "{":
            depth += 1
        elif word == "}":
            depth = max(0, depth - 1)
        elif form is None and word in _QUERY_FORMS:
            form = word
        elif form is None and word in _UPDATE_WORDS:
            form = "UPDATE"
        elif word == "SERVICE":
            uses_service = True
        elif word == "FROM" and depth == 0 and form in _QUERY_FORMS:
            dataset = True
    return QueryInfo(form=form, uses_service=uses_service, has_dataset_clause=dataset)


_POSITION = re.compile(r"(?:error at|between line) (\d+):(\d+)|line (\d+) column (\d+)")


def syntax_error_from_engine(error: Exception) -> QuerySyntaxError:
    """Turn an engine's parse error into a :class:`QuerySyntaxError` with its position."""
    message = str(error)
    match = _POSITION.search(message)
    if not match:
        return QuerySyntaxError(message)
    line = match.group(1) or match.group(3)
    column = match.group(2) or match.group(4)
    return QuerySyntaxError(message, int(line), int(column))

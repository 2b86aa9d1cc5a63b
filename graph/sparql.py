"""What a SPARQL text is, read before it reaches an engine.

The engines careerkg runs on execute ``SERVICE`` (a network call) and cannot be told not to,
so the text is classified here first: its form (SELECT, ASK, CONSTRUCT, DESCRIBE or an
update), whether it calls ``SERVICE``, and whether it names its own dataset (FROM / FROM
NAMED).  A small lexer skips comments, strings and IRIs so that a keyword inside them does
not count, and a keyword outside them cannot hide.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

__all__ = [
    "QueryInfo",
    "QuerySyntaxError",
    "analyse",
    "bind_values",
    "capped",
    "sparql_term",
    "syntax_error_from_engine",
    "readable_syntax_message",
    "with_default_prefixes",
]

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
    | (?P<integer>\d+(?![\w.]))
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
    #: Whether an update uses ``LOAD`` (which fetches a document).
    uses_load: bool = False
    #: The query's own top-level ``LIMIT``, if it has one.
    limit: int | None = None

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

    def shifted(self, lines: int) -> QuerySyntaxError:
        """The same error with its line counted ``lines`` fewer: positions in the text a
        person wrote when ``lines`` lines (such as PREFIX declarations) were put before it."""
        if not lines or self.line is None:
            return self
        return QuerySyntaxError(self.message, self.line - lines, self.column)

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}, column {self.column}: {self.message}"

    def to_dict(self) -> dict:
        return {"message": self.message, "line": self.line, "column": self.column}


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape_codepoints(text: str) -> str:
    """Apply SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes, which some engines (Jena)
    process before parsing anywhere in a query: a keyword written with them must count."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _CODEPOINT_ESCAPE.sub(char, text)


def _words(text: str):
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word":
            yield match.group().upper()
        elif match.lastgroup == "integer" or (
            match.lastgroup == "other" and match.group() in "{}"
        ):
            yield match.group()


@functools.lru_cache(maxsize=512)
def analyse(text: str) -> QueryInfo:
    """Classify a SPARQL query or update without executing it.

    A text with ``\\u`` escapes is read both as written (Oxigraph applies them only in
    strings) and with them applied first (as Jena does): an update, ``SERVICE`` or ``LOAD``
    seen either way counts.

    >>> analyse("PREFIX s: <http://x/service#> SELECT * { ?s s:SERVICE ?o }").uses_service
    False
    >>> analyse("SELECT * { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }").uses_service
    True
    >>> analyse("# SELECT\\nINSERT DATA { <a:b> <a:c> 'SERVICE' }").form
    'UPDATE'
    >>> analyse("SELECT * FROM <urn:g> { ?s ?p ?o }").has_dataset_clause
    True
    >>> analyse("SELECT * { SERVI\\\\u0043E <http://127.0.0.1/> { ?s ?p ?o } }").uses_service
    True
    >>> analyse("LOAD <http://127.0.0.1/x.ttl>").uses_load
    True
    >>> analyse("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 5 } } ORDER BY ?s LIMIT 20").limit
    20
    """
    info = _scan(text)
    unescaped = _unescape_codepoints(text)
    if unescaped == text:
        return info
    other = _scan(unescaped)
    forms = (info.form, other.form)
    return QueryInfo(
        form="UPDATE" if "UPDATE" in forms else info.form or other.form,
        uses_service=info.uses_service or other.uses_service,
        has_dataset_clause=info.has_dataset_clause or other.has_dataset_clause,
        uses_load=info.uses_load or other.uses_load,
        limit=info.limit,
    )


def _scan(text: str) -> QueryInfo:
    form = None
    uses_service = False
    uses_load = False
    dataset = False
    limit = None
    depth = 0
    previous = None
    for word in _words(text):
        if previous == "LIMIT" and depth == 0 and word.isdigit():
            limit = int(word)
        previous = word
        if word == "LOAD":
            uses_load = True
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
    return QueryInfo(form=form, uses_service=uses_service, has_dataset_clause=dataset,
                     uses_load=uses_load, limit=limit)


def capped(text: str, rows: int) -> str:
    """A SELECT query asking the engine for at most ``rows`` solutions, through its own
    solution modifiers: its top-level ``LIMIT`` lowered to ``rows`` when higher or, without
    one, ``LIMIT rows`` added (before a final ``VALUES`` block, where the grammar puts it).

    >>> capped("SELECT * { ?s ?p ?o } LIMIT 500", 11)
    'SELECT * { ?s ?p ?o } LIMIT 11'
    >>> capped("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 50 } } OFFSET 2 # done", 11)
    'SELECT * { { SELECT * { ?s ?p ?o } LIMIT 50 } } OFFSET 2 # done\\nLIMIT 11\\n'
    >>> capped("SELECT * { ?s ?p ?o } VALUES ?s { <a:b> }", 11)
    'SELECT * { ?s ?p ?o } \\nLIMIT 11\\nVALUES ?s { <a:b> }'
    """
    depth = 0
    previous = None
    limit_at = values_at = None
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if token == "{" and kind == "other":
            depth += 1
        elif token == "}" and kind == "other":
            depth = max(0, depth - 1)
        elif depth == 0 and kind == "integer" and previous == "LIMIT":
            limit_at = match.span()
        elif depth == 0 and kind == "word" and token.upper() == "VALUES":
            values_at = match.start()
        previous = token.upper() if kind == "word" else None
    if limit_at is not None:
        start, end = limit_at
        return text if int(text[start:end]) <= rows else text[:start] + str(rows) + text[end:]
    at = len(text) if values_at is None else values_at
    return f"{text[:at]}\nLIMIT {rows}\n{text[at:]}"


_POSITION = re.compile(r"(?:error at|between line) (\d+):(\d+)|line (\d+) column (\d+)")


def syntax_error_from_engine(error: Exception, text: str | None = None) -> QuerySyntaxError:
    """Turn an engine's parse error into a :class:`QuerySyntaxError` with its position and
    a message a person can read (see :func:`readable_syntax_message`); ``text`` is the query
    the engine was given, to name what stands at the error's position."""
    message = str(error)
    match = _POSITION.search(message)
    if not match:
        return QuerySyntaxError(message)
    line = int(match.group(1) or match.group(3))
    column = int(match.group(2) or match.group(4))
    message = re.sub(r"^error at \d+:\d+:\s*", "", message)
    return QuerySyntaxError(readable_syntax_message(message, text, line, column), line, column)


#: Character classes in a parser's "expected" list, as a person names them.
_CLASS_NAMES = (("'A' ..= 'Z'", "a name"), ("'0'..='9'", "a number"), ("'0' ..= '9'", "a number"))
_SPELLED = {"IRI parsing failed": "a valid IRI", "Prefix not found": "a declared prefix"}


def _expected_items(listing: str) -> list[str]:
    """The items of an "expected one of ..." list, split at top-level commas."""
    items, depth, quote, escaped, current = [], 0, None, False, []
    for char in listing:
        if quote:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
            continue
        if char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    items.append("".join(current).strip())
    return [i for i in items if i]


def _item_name(item: str) -> str | None:
    if item in _SPELLED:
        return _SPELLED[item]
    if item.startswith("["):
        for needle, name in _CLASS_NAMES:
            if needle in item:
                return name
        single = re.fullmatch(r"\['(.)'\]", item)
        return f"'{single.group(1)}'" if single else None
    if item.startswith('"') and item.endswith('"') and len(item) >= 2:
        inner = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return f"'{inner}'"
    return item


def _found_at(text: str | None, line: int, column: int) -> str:
    if text is None:
        return ""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    rest = lines[line - 1][column - 1:]
    if not rest.strip() and not "".join(lines[line:]).strip():
        return " at the end of the query"
    token = re.match(r"\s*(\S{1,30})", rest)
    return f", but found '{token.group(1)}'" if token else ""


def readable_syntax_message(message: str, text: str | None, line: int, column: int) -> str:
    r"""A parser's message without its character-range dumps.

    An undeclared prefix is named; a list of expected tokens keeps its keywords and
    punctuation, names the character classes ("a name", "a number") and says what was
    found instead.

    >>> readable_syntax_message("expected one of Prefix not found, ['%'], [':']",
    ...                         "SELECT * { ?s foo:bar ?o }", 1, 22)
    "unknown prefix 'foo:' (declare it with PREFIX foo: <...>)"
    >>> readable_syntax_message(
    ...     "expected one of \"(\", GRAPH, ['A' ..= 'Z' | '\\u{00C0}'..='\\u{00D6}']",
    ...     "SELECT * { ?s ?p", 1, 17)
    "expected '(', GRAPH or a name at the end of the query"
    >>> readable_syntax_message("expected BY", "SELECT * {} ORDER ?s", 1, 19)
    "expected BY, but found '?s'"
    """
    listing = re.match(r"expected (?:one of )?(.*)$", message, re.DOTALL)
    if not listing:
        return message
    items = _expected_items(listing.group(1))
    if "Prefix not found" in items and text is not None:
        lines = text.split("\n")
        before = lines[line - 1][: column - 1] if 1 <= line <= len(lines) else ""
        name = re.search(r"([A-Za-z][\w.-]*)?:[\w.%-]*$", before)
        if name is not None:
            prefix = name.group(1) or ""
            return f"unknown prefix '{prefix}:' (declare it with PREFIX {prefix}: <...>)"
    names = list(dict.fromkeys(n for n in map(_item_name, items) if n))
    if not names or len(names) > 6:
        found = _found_at(text, line, column)
        if found.startswith(", but found "):
            return "unexpected " + found[len(", but found "):]
        if found:
            return "the query ends unexpectedly"
        return "the query cannot be read here"
    wanted = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"expected {wanted}{_found_at(text, line, column)}"




def _top_level_braces(text: str):
    """Offsets of ``{`` that open a top-level group (outside strings, IRIs, comments)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if match.lastgroup == "word" and token.upper() == "WHERE" and depth == 0:
            yield ("WHERE", match.end())
        elif match.lastgroup == "other" and token == "{":
            if depth == 0:
                yield ("{", match.end())
            depth += 1
        elif match.lastgroup == "other" and token == "}":
            depth = max(0, depth - 1)


def bind_values(text: str, values: dict[str, str]) -> str:
    """Bind variables of a query by injecting ``VALUES`` at the top of its WHERE clause.

    ``values`` maps variable names (without ``?``) to SPARQL terms already written as
    SPARQL (use :func:`sparql_term`).  Works on every engine, unlike engine-specific
    substitution, and keeps GROUP BY and subqueries intact.

    >>> bind_values("SELECT ?x WHERE { ?x a ?t }", {"t": "<http://e/T>"})
    'SELECT ?x WHERE { VALUES ?t { <http://e/T> } ?x a ?t }'
    >>> bind_values("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }", {"t": "<http://e/T>"})
    'CONSTRUCT { ?s a ?t } WHERE { VALUES ?t { <http://e/T> } ?s a ?t }'
    """
    if not values:
        return text
    form = analyse(text).form
    marks = list(_top_level_braces(text))
    position = None
    if form == "CONSTRUCT":
        for i, (kind, _end) in enumerate(marks):
            if kind == "WHERE" and i + 1 < len(marks) and marks[i + 1][0] == "{":
                position = marks[i + 1][1]
                break
        else:  # CONSTRUCT WHERE { ... } short form: its only group
            position = next((end for kind, end in marks if kind == "{"), None)
    else:
        position = next((end for kind, end in marks if kind == "{"), None)
    if position is None:
        raise QuerySyntaxError("cannot find the WHERE clause to bind parameters into")
    clause = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in values.items())
    return f"{text[:position]} {clause}{text[position:]}"


_IRI_OK = re.compile(r"^[^<>\"{}|^`\\\x00-\x20]*$")
_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:([\w.%-]*)$")
_STRING_LITERAL = re.compile(r'^"(?:[^"\\\n\r]|\\[tbnrf"\'\\])*"(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)?$')
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def sparql_term(value: str, prefixes: dict[str, str]) -> str:
    """Write a user's parameter value as a safe SPARQL term.

    ``<iri>`` and full ``http(s)://`` IRIs stay IRIs, ``prefix:local`` with a known prefix
    is expanded, numbers and well-formed quoted literals (``"EDA"``, ``"x"@en``) stay as
    they are, anything else becomes a string literal.

    >>> sparql_term("role:data-scientist", {"role": "https://w3id.org/careerkg/id/role/"})
    '<https://w3id.org/careerkg/id/role/data-scientist>'
    >>> sparql_term('"EDA"@en', {})
    '"EDA"@en'
    >>> sparql_term('"a" } ; DROP ALL', {})
    '"\\\\"a\\\\" } ; DROP ALL"'
    >>> sparql_term('say "hi"', {})
    '"say \\\\"hi\\\\""'
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
        if not _IRI_OK.match(value):
            raise ValueError(f"not a valid IRI: <{value}>")
        return f"<{value}>"
    if re.match(r"^https?://", value) and _IRI_OK.match(value):
        return f"<{value}>"
    match = _PNAME.match(value)
    if match and (match.group(1) or "") in prefixes:
        local = match.group(2)
        return f"<{prefixes[match.group(1) or '']}{local}>"
    if _NUMBER.match(value):
        return value
    if _STRING_LITERAL.match(value):
        return value
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


_PREFIX_DECL = re.compile(r"PREFIX\s+([\w.-]*):", re.IGNORECASE)


@functools.lru_cache(maxsize=8)
def _mentions(names: tuple[str, ...]) -> re.Pattern:
    """A pattern found in every text that uses one of ``names`` as a prefix (and in some
    that do not): a quick test before the tokenizer."""
    return re.compile("|".join(re.escape(name) + ":" for name in names))


def with_default_prefixes(text: str, prefixes: dict[str, str] | None = None) -> str:
    """Prepend ``PREFIX`` declarations for the project prefixes a query uses but does not
    declare, so people can write ``?r a ckg:Role`` without the boilerplate.

    >>> with_default_prefixes("ASK { ?r a ckg:Role }", {"ckg": "urn:x#"})
    'PREFIX ckg: <urn:x#>\\nASK { ?r a ckg:Role }'
    """
    if prefixes is None:
        from .namespaces import PREFIXES as prefixes
    if not _mentions(tuple(prefixes)).search(text):
        return text  # no "p:" of any of the prefixes anywhere: none can be used
    declared = {m.group(1) for m in _PREFIX_DECL.finditer(text)}
    used = set()
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "pname":
            used.add(match.group().split(":", 1)[0])
    missing = [p for p in prefixes if p in used and p not in declared]
    if not missing:
        return text
    # One line, so that an error's line number is off by exactly one.
    header = " ".join(f"PREFIX {p}: <{prefixes[p]}>" for p in missing)
    return header + "\n" + text

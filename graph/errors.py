"""Errors careerkg reports to people: each says what is wrong and where."""

from __future__ import annotations

import re

__all__ = [
    "CareerKGError",
    "InputError",
    "StoreError",
    "StoreBusyError",
    "QueryTimeout",
    "ForbiddenQuery",
    "Unrepresentable",
    "NotFound",
    "StillPreparing",
    "input_error_from_engine",
]


class CareerKGError(Exception):
    """Base of the errors careerkg shows to users as they are (no traceback)."""


class InputError(CareerKGError, ValueError):
    """Input that cannot be imported: a file, where in it (1-based line/column), and why."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column

    def __reduce__(self):
        return _rebuild_input_error, (self.reason, self.file, self.line, self.column)

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "reason": self.reason}


class StoreError(CareerKGError):
    """The store cannot be opened or used."""


class StoreBusyError(StoreError):
    """Another process holds the on-disk store."""


class QueryTimeout(CareerKGError):
    """A query ran past its deadline and was stopped."""

    def __init__(self, seconds: float):
        super().__init__(f"the query ran past its time limit of {seconds:g} s and was stopped")
        self.seconds = seconds

    def __reduce__(self):
        return QueryTimeout, (self.seconds,)


class StillPreparing(CareerKGError):
    """A value computed in the background (see :mod:`careerkg.graph.background`) was not
    ready by the request's deadline, or too many others were being computed."""

    def __init__(self, what: str, waited: float, *, retry_after: int, busy: bool = False):
        if busy:
            message = (f"{what} is not prepared yet and careerkg is already preparing other "
                       f"answers, so it would run past this request's time limit; retry in "
                       f"about {retry_after} s")
        else:
            message = (f"{what} is still being prepared (once, after the data changes); this "
                       f"request's time limit ran out after waiting {waited:.1f} s for it. "
                       f"Retry in about {retry_after} s")
        super().__init__(message)
        self.what, self.waited, self.retry_after, self.busy = what, waited, retry_after, busy


class Unrepresentable(CareerKGError):
    """An answer the asked format cannot carry (a control character in XML 1.0)."""


class ForbiddenQuery(CareerKGError):
    """A query that the configuration does not allow here (updates, SERVICE ...)."""


def _rebuild_input_error(reason, file, line, column):
    return InputError(reason, file=file, line=line, column=column)


#: Positions in parser messages, most precise first ("Parser error at line 3 column 5"
#: must give the column too, though "at line 3" comes first in the text).
_ENGINE_POSITIONS = (
    re.compile(r"line (\d+)(?: between)? columns? (\d+)"),
    re.compile(r"error at (\d+):(\d+)"),
    re.compile(r"at line (\d+)"),
)


def input_error_from_engine(error: Exception, file: str | None) -> InputError:
    """An :class:`InputError` from a parser message such as pyoxigraph's."""
    message = str(error)
    line = column = None
    for pattern in _ENGINE_POSITIONS:
        match = pattern.search(message)
        if match:
            groups = match.groups()
            line = int(groups[0])
            column = int(groups[1]) if len(groups) > 1 else None
            break
    return InputError(message, file=file, line=line, column=column)


class NotFound(CareerKGError, LookupError):
    """A name (source, canned query, role ...) that does not exist; says what does."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"

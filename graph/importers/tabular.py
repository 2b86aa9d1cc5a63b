"""Reading tabular input (O*NET's tab-separated files, CSV) strictly, with located errors.

Every importer reads its files through here, so that every file gets the same checks: the
bytes must be UTF-8 (a Latin-1 or UTF-16 file is refused with the line and column of the
first bad byte), the header must name the columns the importer needs, and every row must
have as many fields as the header.  Errors are :class:`~careerkg.graph.errors.InputError`
with the file, the 1-based line and, for tabular files, the 1-based *field* number as the
column (what a spreadsheet shows as its column).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

__all__ = ["Row", "decode_utf8", "read_tsv", "read_csv", "read_csv_bytes", "require_file"]

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = "\ufeff"


def require_file(folder: Path, name: str, why: str) -> Path:
    """The path of a file the importer needs in ``folder``; an :class:`InputError` if absent."""
    path = folder / name
    if not path.is_file():
        raise InputError(f"missing file {name!r}: {why}", file=str(path))
    return path


def decode_utf8(data: bytes, where: str) -> str:
    """Decode bytes as UTF-8 (a leading byte-order mark is allowed), or say where they are not.

    >>> decode_utf8("Résumé".encode(), "f.txt")
    'Résumé'
    >>> try:
    ...     decode_utf8("a\\nRésumé".encode("latin-1"), "f.txt")
    ... except InputError as error:
    ...     print(error.file, error.line, error.column)
    f.txt 2 2
    """
    if data.startswith(_UTF16_BOMS):
        raise InputError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8",
            file=where, line=1, column=1,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", errors="replace")) + 1
        bad = data[error.start]
        guess = (
            " (the file looks like Latin-1 or Windows-1252)" if 0x80 <= bad <= 0xFF else ""
        )
        raise InputError(
            f"byte 0x{bad:02x} is not valid UTF-8{guess}; save the file as UTF-8",
            file=where, line=line, column=column,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise InputError(
            "NUL character: the file looks like UTF-16 without a byte-order mark, or binary; "
            "save it as UTF-8 text",
            file=where, line=line, column=column,
        )
    return text[1:] if text.startswith(_UTF8_BOM) else text


@dataclass(frozen=True)
class Row:
    """One data row of a tabular file, with where it came from."""

    file: str
    line: int
    values: dict[str, str]
    #: column name → 1-based field number
    fields: dict[str, int]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default)

    def error(self, column: str | None, reason: str) -> InputError:
        """An :class:`InputError` about this row (and the field ``column``, if given)."""
        field = self.fields.get(column) if column else None
        if column and field is not None:
            reason = f"column {column!r}: {reason}"
        return InputError(reason, file=self.file, line=self.line, column=field)


def _check_header(
    header: list[str], required: Sequence[str], where: str
) -> dict[str, int]:
    fields: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in fields:
            raise InputError(
                f"column {name!r} appears twice in the header (fields {fields[name]} and "
                f"{number})",
                file=where, line=1, column=number,
            )
        fields[name] = number
    missing = [name for name in required if name not in fields]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        found = ", ".join(repr(h) for h in header) or "nothing"
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} {names} "
            f"(the header has: {found})",
            file=where, line=1,
        )
    return fields


def read_tsv(path: Path, required: Sequence[str]) -> Iterable[Row]:
    """Rows of a tab-separated file with a header row (O*NET's format: no quoting, CRLF or
    LF line ends).  Validates the encoding and header before yielding anything."""
    where = str(path)
    text = decode_utf8(Path(path).read_bytes(), where)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    while lines and lines[-1] == "":
        lines.pop()  # blank lines at the very end are harmless
    if not lines:
        raise InputError("the file is empty (expected a header row)", file=where, line=1)
    header = lines[0].split("\t")
    fields = _check_header(header, required, where)
    return _Rows(_tsv_rows(lines, header, fields, where), len(lines) - 1)


class _Rows:
    """Rows that know how many there are (so a progress bar can show a percentage)."""

    def __init__(self, rows: Iterator[Row], count: int):
        self._rows = rows
        self._count = count

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def __len__(self) -> int:
        return self._count


def _tsv_rows(lines, header, fields, where) -> Iterator[Row]:
    width = len(header)
    for number, line in enumerate(lines[1:], start=2):
        if line == "":
            raise InputError("empty line inside the data", file=where, line=number)
        values = line.split("\t")
        if len(values) != width:
            raise InputError(
                f"expected {width} tab-separated fields (as in the header), found "
                f"{len(values)}",
                file=where, line=number, column=min(len(values), width) + 1,
            )
        yield Row(where, number, dict(zip(header, values, strict=True)), fields)


def read_csv(path: Path, required: Sequence[str]) -> Iterator[Row]:
    """Rows of a comma-separated file with a header row (RFC 4180 quoting; cells may span
    lines).  A row's line is the line it starts on."""
    return read_csv_bytes(Path(path).read_bytes(), str(path), required)


def read_csv_bytes(data: bytes, where: str, required: Sequence[str]) -> Iterator[Row]:
    """:func:`read_csv` of bytes read elsewhere (a member of a zip): ``where`` names them in
    errors."""
    text = decode_utf8(data, where)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the file is empty (expected a header row)", file=where,
                         line=1) from None
    except csv.Error as error:
        raise InputError(f"malformed CSV: {error}", file=where, line=reader.line_num) from None
    header = [h.strip() for h in header]
    fields = _check_header(header, required, where)
    return _csv_rows(reader, header, fields, where)


def _csv_rows(reader, header, fields, where) -> Iterator[Row]:
    width = len(header)
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InputError(
                f"malformed CSV: {error}", file=where, line=start
            ) from None
        line, start = start, reader.line_num + 1
        if not values:
            continue  # csv yields [] for a blank line
        if len(values) != width:
            raise InputError(
                f"expected {width} comma-separated fields (as in the header), found "
                f"{len(values)}",
                file=where, line=line, column=min(len(values), width) + 1,
            )
        yield Row(where, line, dict(zip(header, values, strict=True)), fields)

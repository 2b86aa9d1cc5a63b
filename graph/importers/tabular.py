"""Reading tabular input (tab-separated text, CSV, Excel workbooks, in a folder or a zip)
strictly, with located errors.

Every importer reads its files through here, so that every file gets the same checks: the
bytes must be UTF-8 (a Latin-1 or UTF-16 file is refused with the line and column of the
first bad byte), the header must name the columns the importer needs, and every row must
have as many fields as the header.  Errors are :class:`~careerkg.graph.errors.InputError`
with the file, the 1-based line and, for tabular files, the 1-based *field* number as the
column (what a spreadsheet shows as its column).  In an Excel workbook the line is the
sheet's row number, the column its column number, and the reason names the sheet and the cell
(``sheet 'Skills', cell G5``).

:class:`InputFiles` finds the files of an input given as a folder or as a zip of one (the
publishers' downloads), so an importer reads either the same way.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputError

__all__ = ["Row", "decode_utf8", "read_tsv", "read_csv", "read_xlsx", "Workbook",
           "require_file", "InputFiles", "Member"]

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
    #: The worksheet, for a row of an Excel workbook.
    sheet: str | None = None

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default)

    def error(self, column: str | None, reason: str) -> InputError:
        """An :class:`InputError` about this row (and the field ``column``, if given)."""
        field = self.fields.get(column) if column else None
        if column and field is not None:
            reason = f"column {column!r}: {reason}"
        if self.sheet is not None:
            cell = f"cell {_column_letter(field)}{self.line}" if field else f"row {self.line}"
            reason = f"sheet {self.sheet!r}, {cell}: {reason}"
        return InputError(reason, file=self.file, line=self.line, column=field)


def _column_letter(number: int) -> str:
    """A spreadsheet's name of a 1-based column number.

    >>> [_column_letter(n) for n in (1, 26, 27, 703)]
    ['A', 'Z', 'AA', 'AAA']
    """
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check_header(
    header: list[str], required: Sequence[str], where: str, *, line: int = 1
) -> dict[str, int]:
    fields: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in fields:
            raise InputError(
                f"column {name!r} appears twice in the header (fields {fields[name]} and "
                f"{number})",
                file=where, line=line, column=number,
            )
        fields[name] = number
    missing = [name for name in required if name not in fields]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        found = ", ".join(repr(h) for h in header) or "nothing"
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} {names} "
            f"(the header has: {found})",
            file=where, line=line,
        )
    return fields


def read_tsv(path: Path, required: Sequence[str], *, data: bytes | None = None,
             where: str | None = None) -> Iterable[Row]:
    """Rows of a tab-separated file with a header row (O*NET's format: no quoting, CRLF or
    LF line ends).  Validates the encoding and header before yielding anything.  ``data``
    and ``where`` give the bytes and the name of a file read from elsewhere (a zip)."""
    where = where or str(path)
    text = decode_utf8(Path(path).read_bytes() if data is None else data, where)
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
    for number, line in enumerate(lines[1:], start=2):
        if line == "":
            raise InputError("empty line inside the data", file=where, line=number)
        yield _delimited_row(line.split("\t"), "tab", header, fields, where, number)


def _delimited_row(values: list[str], separator: str, header, fields, where, line) -> Row:
    """The row of ``values`` read on ``line``, which must have as many fields as the header."""
    width = len(header)
    if len(values) != width:
        raise InputError(
            f"expected {width} {separator}-separated fields (as in the header), found "
            f"{len(values)}",
            file=where, line=line, column=min(len(values), width) + 1,
        )
    return Row(where, line, dict(zip(header, values, strict=True)), fields)


def read_csv(path: Path, required: Sequence[str], *, data: bytes | None = None,
             where: str | None = None) -> Iterator[Row]:
    """Rows of a comma-separated file with a header row (RFC 4180 quoting; cells may span
    lines).  A row's line is the line it starts on.  ``data`` and ``where`` give the bytes
    and the name of a file read from elsewhere (a zip)."""
    where = where or str(path)
    text = decode_utf8(Path(path).read_bytes() if data is None else data, where)
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
        yield _delimited_row(values, "comma", header, fields, where, line)


def _cell_text(value) -> str:
    """A cell's value as the text a tab-separated export of the sheet would hold (a whole
    number without ``.0``: the reader gives every number as a float).

    >>> [_cell_text(v) for v in (None, "", 4.0, 4.12, True, "x")]
    ['', '', '4', '4.12', 'Y', 'x']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Workbook:
    """An Excel workbook (``.xlsx``) read with python-calamine (a Rust reader, about five
    times faster than openpyxl on O*NET's sheets); every error names the file (and sheet).

    Sheets are read whole, their rows numbered as the spreadsheet numbers them (row 1 is the
    sheet's first row even when it is empty)."""

    def __init__(self, data: bytes, where: str):
        import python_calamine

        self.where = where
        try:
            self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as error:  # noqa: BLE001 - zip, XML and calamine's own errors alike
            raise InputError(
                "not a readable Excel workbook (.xlsx): truncated, damaged or another kind "
                f"of file ({type(error).__name__}: {error})", file=where,
            ) from None
        self.sheet_names: list[str] = list(self._book.sheet_names)

    def sheet_name(self, sheet: str | int | None) -> str:
        """The name of a sheet given by name, by position, or (None) the only sheet."""
        names = self.sheet_names
        if sheet is None and len(names) == 1:
            return names[0]
        if isinstance(sheet, int):
            if sheet < len(names):
                return names[sheet]
            raise InputError(f"the workbook has {len(names)} sheet(s), expected at least "
                             f"{sheet + 1}", file=self.where)
        if sheet not in names:
            raise InputError(
                f"no sheet {sheet!r} in the workbook (its sheets: "
                f"{', '.join(repr(n) for n in names) or 'none'})", file=self.where,
            )
        return sheet

    def cells(self, sheet: str | int | None) -> list[list]:
        """Every row of a sheet (from row 1) as a list of cell values (``""`` when empty)."""
        name = self.sheet_name(sheet)
        try:
            return self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as error:  # noqa: BLE001
            raise InputError(
                f"sheet {name!r} cannot be read (a damaged or truncated workbook?): "
                f"{type(error).__name__}: {error}", file=self.where,
            ) from None

    def rows(self, sheet: str | int | None, required: Sequence[str], *, header_row: int = 1,
             until_blank: bool = False) -> Iterable[Row]:
        """The data rows under the header on ``header_row`` (cells as text, see
        :func:`_cell_text`).  The header is checked first: it must name every ``required``
        column, once.  Empty rows are skipped, or end the data with ``until_blank`` (for a
        sheet with notes under its table)."""
        name = self.sheet_name(sheet)
        cells = self.cells(name)
        if len(cells) < header_row:
            raise InputError(f"sheet {name!r} is empty (expected a header row)",
                             file=self.where, line=header_row)
        header = [_cell_text(v).strip() for v in cells[header_row - 1]]
        while header and header[-1] == "":
            header.pop()
        try:
            fields = _check_header(header, required, self.where, line=header_row)
        except InputError as error:
            raise InputError(f"sheet {name!r}: {error.reason}", file=self.where,
                             line=error.line, column=error.column) from None
        data = cells[header_row:]
        if until_blank:
            blank = next((i for i, r in enumerate(data) if all(v == "" for v in r)), None)
            data = data[:blank]
        return _Rows(_xlsx_rows(data, header_row, header, fields, self.where, name),
                     len(data))


def read_xlsx(data: bytes, where: str, required: Sequence[str], *,
              sheet: str | int | None = None, header_row: int = 1,
              until_blank: bool = False) -> Iterable[Row]:
    """Rows of one worksheet of an Excel workbook (``.xlsx``): :meth:`Workbook.rows`.

    ``sheet`` names the worksheet (a workbook of one sheet is read whatever its name when
    ``sheet`` is None; an int is a position).  A file that is not a workbook (or a truncated
    one), a missing sheet or column is an :class:`InputError` naming the file and the sheet.
    """
    return Workbook(data, where).rows(sheet, required, header_row=header_row,
                                      until_blank=until_blank)


def _xlsx_rows(data, header_row, header, fields, where, sheet) -> Iterator[Row]:
    width = len(header)
    for number, cells in enumerate(data, start=header_row + 1):
        values = [_cell_text(v) for v in cells]
        if not any(v.strip() for v in values):
            continue  # an empty row (Excel keeps formatted, blank rows)
        extra = next((i for i in range(width, len(values)) if values[i].strip()), None)
        if extra is not None:
            raise Row(where, number, {}, fields, sheet).error(
                None, f"a value in column {_column_letter(extra + 1)}, beyond the "
                f"header's {width} columns")
        values += [""] * (width - len(values))
        yield Row(where, number, dict(zip(header, values[:width], strict=True)), fields,
                  sheet)


@dataclass(frozen=True)
class Member:
    """One input file, in a folder or inside a zip."""

    name: str
    #: How to name the file in messages (``folder/Skills.xlsx``, ``db.zip/db/Skills.xlsx``).
    where: str
    path: Path | None = None
    #: The zip holding the file, and the file's name in it.
    archive: Path | None = None
    member: str | None = None

    def read_bytes(self) -> bytes:
        if self.archive is None:
            return self.path.read_bytes()
        try:
            with zipfile.ZipFile(self.archive) as archive:
                return archive.read(self.member)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError,
                zipfile.LargeZipFile) as error:
            raise InputError(f"cannot be read from the zip (damaged or truncated archive: "
                             f"{error})", file=self.where) from None


class InputFiles:
    """The files of an input given as a folder or as a zip of one (found by file name, in
    whatever folder of the zip they are)."""

    def __init__(self, path: Path, what: str):
        self.path = Path(path)
        self.is_zip = False
        self._members: dict[str, str] = {}
        if self.path.is_dir():
            return
        if not self.path.is_file():
            raise InputError(f"no such folder or zip file; {what}", file=str(self.path))
        self.is_zip = True
        try:
            with zipfile.ZipFile(self.path) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise InputError(
                f"neither a folder nor a readable zip file ({error}); {what}",
                file=str(self.path),
            ) from None
        for info in infos:
            if not info.is_dir():
                name = PurePosixPath(info.filename).name
                if name in self._members:
                    raise InputError(
                        f"the zip holds two files named {name!r} ({self._members[name]} and "
                        f"{info.filename}): keep one", file=str(self.path),
                    )
                self._members[name] = info.filename

    def names(self) -> list[str]:
        """The names of the input's files (of the folder, or anywhere in the zip)."""
        if self.is_zip:
            return sorted(self._members)
        return sorted(p.name for p in self.path.iterdir() if p.is_file())

    def find(self, name: str) -> Member | None:
        """The file called ``name``, or None."""
        if not self.is_zip:
            path = self.path / name
            return Member(name, str(path), path=path) if path.is_file() else None
        member = self._members.get(name)
        if member is None:
            return None
        return Member(name, f"{self.path}/{member}", archive=self.path, member=member)

    def digest_files(self, members: Iterable[Member]) -> list[Path]:
        """The files whose bytes an import of ``members`` depends on: the zip itself, or the
        members' files."""
        if self.is_zip:
            return [self.path]
        return [m.path for m in members]

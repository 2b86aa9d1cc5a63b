"""Reading Excel workbooks (``.xlsx``) strictly, with located errors.

A sheet is read like a tabular file (:mod:`.tabular`): a header row names the columns, the
rows below it are data.  Errors are :class:`~careerkg.graph.errors.InputError` with the
workbook as the file, the spreadsheet's row number as the line and the 1-based column number
as the column; the reason names the sheet and the column (``sheet 'national_M2024_dl',
column 'A_MEDIAN' (AB): ...``).  The workbook is read with openpyxl in read-only mode, so
large sheets stream.

Cells keep their type: numbers stay numbers, text is stripped of surrounding blanks, empty
cells are ``""``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .tabular import Row

__all__ = ["SheetRow", "Workbook", "open_workbook"]


@dataclass(frozen=True)
class SheetRow(Row):
    """One data row of a sheet; :meth:`error` names the sheet and the column's letter."""

    sheet: str = ""

    def error(self, column: str | None, reason: str) -> InputError:
        from openpyxl.utils import get_column_letter

        field = self.fields.get(column) if column else None
        if column and field is not None:
            reason = f"column {column!r} ({get_column_letter(field)}): {reason}"
        return InputError(f"sheet {self.sheet!r}, {reason}", file=self.file, line=self.line,
                          column=field)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


class Workbook:
    """An open workbook (use as a context manager)."""

    def __init__(self, path: Path, book):
        self.path = path
        self._book = book

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self._book.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheetnames)

    def _sheet(self, sheet: str | int):
        names = self.sheet_names
        if isinstance(sheet, int):
            if sheet >= len(names):
                raise InputError(f"the workbook has {len(names)} sheet(s), expected at least "
                                 f"{sheet + 1}", file=str(self.path))
            return self._book[names[sheet]]
        if sheet not in names:
            raise InputError(f"missing sheet {sheet!r} (the workbook has: "
                             f"{', '.join(map(repr, names)) or 'none'})", file=str(self.path))
        return self._book[sheet]

    def values(self, sheet: str | int) -> Iterator[tuple[int, list]]:
        """``(row number, cells)`` of every row of a sheet."""
        ws = self._sheet(sheet)
        try:
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, [_cell(v) for v in row]
        except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError) as error:
            raise InputError(f"sheet {ws.title!r}: cannot be read (damaged workbook: "
                             f"{error})", file=str(self.path)) from None

    def rows(self, sheet: str | int, required: Sequence[str], *,
             header_row: int = 1) -> Iterator[SheetRow]:
        """The data rows under the header on ``header_row``, up to the first empty row.

        The header is checked before anything is yielded: it must name every ``required``
        column, once.  Whatever follows the first empty row (notes, a source line) is not
        data, so it is not read."""
        title = self._sheet(sheet).title
        where = str(self.path)
        cells = self.values(sheet)
        header: list = []
        for number, values in cells:
            if number == header_row:
                header = [str(v) for v in values]
                break
        while header and header[-1] == "":
            header.pop()
        fields: dict[str, int] = {}
        for number, name in enumerate(header, start=1):
            if name and name not in fields:
                fields[name] = number
        missing = [name for name in required if name not in fields]
        if missing:
            raise InputError(
                f"sheet {title!r}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(repr, missing))} in header row {header_row} (it has: "
                f"{', '.join(repr(h) for h in header if h) or 'nothing'})",
                file=where, line=header_row)
        return self._data(cells, header, fields, where, title)

    @staticmethod
    def _data(cells, header, fields, where, title) -> Iterator[SheetRow]:
        width = len(header)
        for number, values in cells:
            if all(v == "" for v in values):
                return
            values = (values + [""] * width)[:width]
            yield SheetRow(where, number, dict(zip(header, values, strict=True)), fields,
                           sheet=title)


def open_workbook(path: str | Path) -> Workbook:
    """Open an ``.xlsx`` workbook read-only; a missing, truncated or non-Excel file is an
    :class:`InputError` naming it."""
    from openpyxl import load_workbook

    path = Path(path)
    if not path.is_file():
        raise InputError("missing workbook (an .xlsx file)", file=str(path))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and its own errors alike
        raise InputError(f"not a readable .xlsx workbook (truncated, damaged or another kind "
                         f"of file: {type(error).__name__}: {error})", file=str(path)) from None
    return Workbook(path, book)

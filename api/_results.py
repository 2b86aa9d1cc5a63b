"""The answer to ``kg.query(...)``: iterate it, turn it into a DataFrame, show it in Jupyter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from careerkg.graph.namespaces import XSD
from careerkg.graph.results import QueryResult, term_to_python

from ._html import table

if TYPE_CHECKING:  # pandas is the optional extra careerkg[pandas]
    import pandas

__all__ = ["Rows", "python_value"]


def python_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Any:
    """A term as Python: IRIs as ``str``, numbers as ``int``/``Decimal``/``float``, booleans
    as ``bool``, ``xsd:date`` as :class:`datetime.date`, ``xsd:dateTime`` as
    :class:`datetime.datetime`, other literals as their text; ``None`` for unbound."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype == XSD + "date":
                return dt.date.fromisoformat(term.value)
            if datatype == XSD + "dateTime":
                return dt.datetime.fromisoformat(term.value)
        except ValueError:
            return term.value
    return term_to_python(term)


class Rows:
    """The answer to a query: a table (SELECT), a boolean (ASK) or triples
    (CONSTRUCT/DESCRIBE).

    Iterating a table gives one ``dict`` per row (variable → Python value, ``None`` when
    unbound); iterating triples gives ``(subject, predicate, object)`` tuples.  ``bool()`` of
    an ASK answer is the answer.
    """

    def __init__(self, result: QueryResult):
        #: The store's own result (pyoxigraph terms).
        self.result = result

    @property
    def kind(self) -> str:
        """``bindings``, ``boolean`` or ``graph``."""
        return self.result.kind

    @property
    def variables(self) -> list[str]:
        return list(self.result.variables)

    @property
    def boolean(self) -> bool | None:
        return self.result.boolean

    def __len__(self) -> int:
        return len(self.result)

    def __bool__(self) -> bool:
        if self.kind == "boolean":
            return bool(self.result.boolean)
        return len(self) > 0

    def __iter__(self) -> Iterator[Any]:
        if self.kind == "boolean":
            raise TypeError("an ASK answer is a boolean: use bool(rows), not a loop")
        if self.kind == "graph":
            for t in self.result.triples:
                yield tuple(python_value(x) for x in (t.subject, t.predicate, t.object))
            return
        for row in self.result.rows:
            yield {v: python_value(t) for v, t in zip(self.variables, row, strict=True)}

    def _table(self) -> tuple[list[str], list[tuple]]:
        if self.kind == "graph":
            return ["subject", "predicate", "object"], list(iter(self))
        if self.kind == "boolean":
            return ["answer"], [(bool(self.result.boolean),)]
        return self.variables, [tuple(row.values()) for row in self]

    def to_dataframe(self) -> pandas.DataFrame:
        """The answer as a :class:`pandas.DataFrame` (``pip install careerkg[pandas]``), one
        column per variable, typed: integers ``Int64``, other numbers ``float64``, booleans
        ``boolean``, dates and date-times ``datetime64``, IRIs and text ``object`` (``str``);
        unbound cells are missing values."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_dataframe needs pandas: pip install 'careerkg[pandas]'"
            ) from None
        headers, rows = self._table()
        columns = {h: [r[i] for r in rows] for i, h in enumerate(headers)}
        return pd.DataFrame({h: _column(pd, values) for h, values in columns.items()},
                            columns=headers)

    def _repr_html_(self) -> str:
        headers, rows = self._table()
        note = " (cut at the row limit)" if self.result.truncated else ""
        return table(headers, rows, total=len(rows), caption=f"{len(rows):,} row(s){note}")

    def __repr__(self) -> str:
        if self.kind == "boolean":
            return f"<careerkg.Rows ASK: {bool(self.result.boolean)}>"
        what = "triple" if self.kind == "graph" else "row"
        return f"<careerkg.Rows {len(self):,} {what}(s): {', '.join(self._table()[0])}>"


def _column(pd: Any, values: list) -> Any:
    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if not present:
        return pd.Series(values, dtype="object")
    if kinds == {bool}:
        return pd.array(values, dtype="boolean")
    if kinds == {int}:
        return pd.array(values, dtype="Int64")
    if kinds <= {int, float, Decimal}:
        return pd.Series([None if v is None else float(v) for v in values], dtype="float64")
    if kinds <= {dt.date, dt.datetime}:
        aware = any(isinstance(v, dt.datetime) and v.tzinfo is not None for v in present)
        return pd.to_datetime(pd.Series(values, dtype="object"), utc=aware)
    return pd.Series(values, dtype="object")

"""HTML for Jupyter: every label, value and IRI escaped (a hostile label stays text)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

__all__ = ["table", "esc", "MAX_HTML_ROWS"]

#: Rows shown in a notebook before "… N more".
MAX_HTML_ROWS = 50


def esc(value: object) -> str:
    """``value`` as HTML text (``None`` as an empty cell)."""
    return "" if value is None else escape(str(value), quote=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, total: int | None = None,
          caption: str | None = None) -> str:
    """An HTML table of ``rows`` (at most :data:`MAX_HTML_ROWS`), saying how many were left
    out when ``total`` is more."""
    shown: list[Sequence[object]] = []
    for row in rows:
        if len(shown) == MAX_HTML_ROWS:
            break
        shown.append(row)
    out = ['<table class="careerkg">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr></thead>")
    out.append("<tbody>")
    for row in shown:
        out.append("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>")
    out.append("</tbody></table>")
    if total is not None and total > len(shown):
        out.append(f"<p>… {total - len(shown):,} more row(s) ({total:,} in all)</p>")
    return "".join(out)

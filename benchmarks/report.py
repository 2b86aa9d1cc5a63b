"""Rows of results, the targets of issue 7, and the table / JSON / Markdown they are written as.

Every row compares careerkg with up to two alternatives: an Oxigraph (``oxigraph serve`` over
HTTP, or pyoxigraph in-process for load and export) and a Python library (plain rdflib, or
networkx for similarity).  Ratios are always written the same way:

* ``x oxigraph`` = careerkg / oxigraph — for times and memory lower is better (1.0 = as fast),
  for throughput higher is better;
* ``speed-up`` = the Python library's time / careerkg's time — how many times faster careerkg is.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Check", "Target", "Row", "TARGETS", "verdict", "format_table", "write_json",
           "format_markdown"]


@dataclass(frozen=True)
class Check:
    """One condition of a target: ``kind`` is ``ox_max`` (careerkg/oxigraph at most),
    ``ox_min`` (at least), ``speedup_min`` (other/careerkg at least), ``abs_max`` or
    ``abs_min`` (careerkg's own figure at most / at least)."""

    kind: str
    limit: float


@dataclass(frozen=True)
class Target:
    text: str
    checks: tuple[Check, ...]
    #: Sizes the target applies to: ``all``, ``largest`` (the generated ESCO-sized graph) or
    #: ``seed``.
    applies_to: str = "all"


#: The targets of issue 7, by measure family.
TARGETS: dict[str, Target] = {
    "query latency": Target(
        "≤ 1.5x oxigraph serve; ≥ 30x faster than rdflib",
        (Check("ox_max", 1.5), Check("speedup_min", 30.0)),
    ),
    "throughput": Target("≥ 0.5x oxigraph serve", (Check("ox_min", 0.5),)),
    "load": Target("≤ 1.2x pyoxigraph bulk load", (Check("ox_max", 1.2),), "largest"),
    "export": Target("≤ 1.2x pyoxigraph serializer", (Check("ox_max", 1.2),), "largest"),
    "all-pairs similarity": Target("≤ 0.5 s", (Check("abs_max", 0.5),), "largest"),
    "top-10 similar": Target("≤ 5 ms", (Check("abs_max", 5.0),), "largest"),
    "memory": Target("RSS ≤ 1.5x oxigraph serve", (Check("ox_max", 1.5),), "largest"),
    "start-up": Target("≤ 2 s", (Check("abs_max", 2.0),), "seed"),
    "search": Target("≤ 20 ms", (Check("abs_max", 20.0),)),
    # issue 13: the weighted similarity and the career moves on O*NET 29.2
    "similarity quality": Target("precision@10 ≥ 0.55", (Check("abs_min", 0.55),)),
    "overlap: similar": Target("≤ 5 ms", (Check("abs_max", 5.0),)),
    "overlap: next": Target("≤ 50 ms", (Check("abs_max", 50.0),)),
    "overlap: path": Target("≤ 200 ms", (Check("abs_max", 200.0),)),
    # The HTTP path (issue 15): a native load generator, alternated runs.
    "http latency (native)": Target("≤ 5x oxigraph serve", (Check("ox_max", 5.0),)),
    "http throughput (native)": Target("≥ 0.2x oxigraph serve", (Check("ox_min", 0.2),)),
    "pages vs bare Flask": Target("≥ 0.8x a bare Flask app", (Check("ox_min", 0.8),)),
    "vs rdflib-endpoint": Target("≥ 10x faster than rdflib-endpoint",
                                 (Check("speedup_min", 10.0),)),
    "throughput vs rdflib-endpoint": Target("≥ 3x rdflib-endpoint", (Check("ox_min", 3.0),)),
    "memory at rest, PSS": Target("PSS ≤ 2x oxigraph serve", (Check("ox_max", 2.0),),
                                  "largest"),
    # issue 13: the role network of every O*NET role drawn and on the screen
    "overlap view": Target("≤ 2 s", (Check("abs_max", 2.0),)),
    "build": Target("≤ 120 s (issue 11)", (Check("abs_max", 120.0),)),
}
#: The servers run on disk stores and again on in-memory stores; the targets are the same.
TARGETS["query latency (in memory)"] = TARGETS["query latency"]
TARGETS["memory (in memory)"] = TARGETS["memory"]


@dataclass
class Row:
    """One line of the table."""

    family: str
    measure: str
    size: str
    unit: str
    careerkg: float | None
    oxigraph: float | None = None
    oxigraph_label: str = "oxigraph serve"
    other: float | None = None
    other_label: str = ""
    notes: str = ""
    details: dict = field(default_factory=dict)
    #: Filled in by :func:`verdict`.
    target: str = ""
    verdict: str = ""

    @property
    def vs_oxigraph(self) -> float | None:
        if self.careerkg is None or not self.oxigraph:
            return None
        return self.careerkg / self.oxigraph

    @property
    def speedup(self) -> float | None:
        if self.other is None or not self.careerkg:
            return None
        return self.other / self.careerkg

    def to_dict(self) -> dict:
        out = asdict(self)
        out["vs_oxigraph"] = self.vs_oxigraph
        out["speedup"] = self.speedup
        return out


def _passes(row: Row, check: Check) -> bool | None:
    if check.kind == "ox_max":
        value = row.vs_oxigraph
        return None if value is None else value <= check.limit
    if check.kind == "ox_min":
        value = row.vs_oxigraph
        return None if value is None else value >= check.limit
    if check.kind == "speedup_min":
        value = row.speedup
        return None if value is None else value >= check.limit
    if check.kind == "abs_max":
        return None if row.careerkg is None else row.careerkg <= check.limit
    if check.kind == "abs_min":
        return None if row.careerkg is None else row.careerkg >= check.limit
    raise ValueError(f"unknown check {check.kind!r}")


def verdict(row: Row, largest: str, *, family: str | None = None) -> Row:
    """Set the row's target and verdict: PASS, MISS, or empty when no target applies to its
    size (the row is then for information)."""
    target = TARGETS.get(family or row.family)
    if target is None:
        return row
    applies = (
        target.applies_to == "all"
        or (target.applies_to == "largest" and row.size == largest)
        or (target.applies_to == "seed" and row.size == "seed")
    )
    if not applies:
        return row
    row.target = target.text
    results = [_passes(row, check) for check in target.checks]
    known = [r for r in results if r is not None]
    if not known:
        row.verdict = "n/a"
    elif all(known):
        row.verdict = "PASS" if len(known) == len(results) else "PASS*"
    else:
        failed = [c for c, r in zip(target.checks, results, strict=True) if r is False]
        row.verdict = "MISS" + ("" if len(failed) == len(target.checks) else
                                f" ({', '.join(_describe(c) for c in failed)})")
    return row


def _describe(check: Check) -> str:
    return {
        "ox_max": f"oxigraph ≤{check.limit:g}x",
        "ox_min": f"oxigraph ≥{check.limit:g}x",
        "speedup_min": f"speed-up ≥{check.limit:g}x",
        "abs_max": f"≤{check.limit:g}",
        "abs_min": f"≥{check.limit:g}",
    }[check.kind]


def _num(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if value == 0:
        text = "0"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


COLUMNS = ("measure", "size", "careerkg", "oxigraph", "x oxigraph", "rdflib / networkx",
           "speed-up", "target", "verdict")


def _cells(row: Row) -> list[str]:
    oxigraph = _num(row.oxigraph, row.unit)
    if row.oxigraph is not None and row.oxigraph_label != "oxigraph serve":
        oxigraph += f" ({row.oxigraph_label})"
    other = _num(row.other, row.unit)
    if row.other is not None and row.other_label:
        other += f" ({row.other_label})"
    return [
        f"{row.family}: {row.measure}" if row.measure else row.family,
        row.size,
        _num(row.careerkg, row.unit),
        oxigraph,
        _ratio(row.vs_oxigraph),
        other,
        _ratio(row.speedup),
        row.target,
        row.verdict,
    ]


def format_table(rows: list[Row]) -> str:
    """The rows as an aligned text table."""
    cells = [list(COLUMNS), *(_cells(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = []
    for n, line in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_markdown(rows: list[Row], meta: dict) -> str:
    """The rows as a Markdown table, with the run's essentials above it."""
    out = [
        f"Benchmark run of {meta.get('finished', '?')} ({meta.get('mode', '?')} mode, "
        f"{meta.get('cpus', '?')} cores, {meta.get('duration_s', 0):.0f} s). Medians; "
        "`x oxigraph` = careerkg / oxigraph (lower is better, except throughput), "
        "`speed-up` = rdflib or networkx time / careerkg time.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    for row in rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(row)) + " |")
    notes = [f"- {r.family}: {r.measure} ({r.size}): {r.notes}" for r in rows if r.notes]
    if notes:
        out += ["", "Notes:", *notes]
    return "\n".join(out) + "\n"


def write_json(path: Path, meta: dict, rows: list[Row], extra: dict) -> None:
    """Write the whole run (metadata, rows with ratios and verdicts, datasets, problems)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"meta": meta, "rows": [r.to_dict() for r in rows], **extra}
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    tmp.replace(path)

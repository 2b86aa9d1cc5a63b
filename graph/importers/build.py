"""``careerkg build``: the full graph from the data shipped in the repository's ``data/``.

The ontology and the seed are built in (every store opened for writing holds them); the
imports are the :data:`STEPS`, in order, each one source of the graph through the one import
pipeline (:func:`~careerkg.graph.importers.pipeline.run_import`), so a build is all or
nothing per source and idempotent: a second build of the same data changes nothing and
takes seconds (each step only hashes its input).

To add a source to the build, add one :class:`Step` line: the importer's kind, the folder
under ``data/`` it reads and its options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..store import Store
from .common import ImportReport, progress, timer

__all__ = ["Step", "STEPS", "build", "default_data_dir"]


@dataclass(frozen=True)
class Step:
    """One import of the build."""

    #: The importer (``careerkg import KIND``).
    kind: str
    #: The folder (or file) under the data folder it reads.
    folder: str
    #: The importer's options.
    options: dict = field(default_factory=dict)


#: The imports of the full graph, in order (later steps may link to earlier sources).
STEPS: tuple[Step, ...] = (
    Step("onet", "onet-29.2"),
    Step("esco", "esco-1.1.1"),
    Step("bls", "bls-oews-2024"),       # wages of the O*NET roles (+ crosswalks/ SOC codes)
    Step("crosswalk", "crosswalks"),    # links ESCO's occupations (imported above) to O*NET's
)


def default_data_dir() -> Path:
    """The repository's ``data/`` (beside the package's source), else ``./data``."""
    beside = Path(__file__).resolve().parents[2] / "data"
    return beside if beside.is_dir() else Path("data")


def build(
    store: Store,
    data_dir: str | Path | None = None,
    *,
    steps: tuple[Step, ...] = STEPS,
    show_progress: bool = False,
    on_step: Callable[[ImportReport], None] | None = None,
) -> list[ImportReport]:
    """Import every step's data into ``store``; return the reports, in order.

    Raises
    ------
    InputError
        When a step's folder is missing or its input is malformed (the sources imported by
        the steps before it stay; the failing one is unchanged).
    """
    from . import import_source

    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if not data_dir.is_dir():
        raise InputError("no such data folder (the repository's data/, or give --from)",
                         file=str(data_dir))
    missing = [s for s in steps if not (data_dir / s.folder).exists()]
    if missing:
        raise InputError(f"missing {missing[0].folder!r}, which the {missing[0].kind} step "
                         "imports", file=str(data_dir / missing[0].folder))
    reports = []
    bar = progress(total=len(steps), desc="building", unit="source", enabled=show_progress)
    try:
        for step in steps:
            bar.set_description(f"building: {step.kind}")
            started = timer()
            report = import_source(step.kind, store, data_dir / step.folder,
                                   progress=show_progress, **step.options)
            report.seconds = timer() - started
            reports.append(report)
            if on_step is not None:
                on_step(report)
            bar.update(1)
    finally:
        bar.close()
    return reports

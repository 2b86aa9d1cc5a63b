"""Load / import and Turtle export: careerkg's store against pyoxigraph and rdflib.

Load: careerkg's import path — ``Store.replace_source`` on a fresh on-disk store with a file
payload (what ``careerkg import rdf`` and the importers do: load into a new named graph,
count it, switch the source registry) — against ``pyoxigraph.Store.bulk_load`` of the same
file into a fresh on-disk store, and rdflib's ``Graph.parse``.  Both Oxigraph timings run from
opening the store to closing (flushing) it.  For O*NET the whole importer (tab-separated
files → triples → store) is also shown against a bulk load of the triples it produced.

Export: ``Store.export("turtle")`` (the whole graph, deterministic, as ``careerkg export``
writes it) against pyoxigraph's ``Store.dump`` to Turtle with the same prefixes, and
rdflib's ``Graph.serialize``.  Every exporter must write the same number of triples.

careerkg keeps every source in a named graph of its own (so a source can be replaced all or
nothing); Oxigraph indexes named-graph quads in six orders against three for the default
graph.  The notes of both rows give pyoxigraph's own figure for a named graph, which
separates the cost of that design from the cost of careerkg's code.
"""

from __future__ import annotations

import gc
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.namespaces import PREFIXES
from careerkg.graph.store import Payload

from .datasets import Dataset
from .engines import RdflibEngine
from .report import Row
from .timing import Timing, quiet_gc

__all__ = ["measure_load_and_export", "load_rdflib"]

RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "ntriples": "nt"}
#: Where the named-graph variant of pyoxigraph's bulk load puts the data.
NAMED_GRAPH = "https://w3id.org/careerkg/graph/benchmark"


def _careerkg_load(directory: Path, path: Path, fmt: str) -> float:
    if directory.exists():
        shutil.rmtree(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    store = open_store(str(directory), seed=False)
    store.replace_source("data", Payload(path=path, format=rdf_format(fmt)))
    store.close()
    return time.perf_counter() - start


def _pyoxigraph_load(directory: Path, path: Path, fmt: str, graph: str | None = None) -> float:
    if directory.exists():
        shutil.rmtree(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    target = ox.NamedNode(graph) if graph else None
    start = time.perf_counter()
    store = ox.Store(str(directory))
    store.bulk_load(path=str(path), format=rdf_format(fmt).engine, to_graph=target)
    store.flush()
    del store
    return time.perf_counter() - start


def load_rdflib(ds: Dataset) -> tuple[RdflibEngine, float]:
    """rdflib with this size's data (timed) and the built-in sources (untimed)."""
    engine = RdflibEngine()
    seconds = 0.0
    if ds.data_file is not None:
        seconds = engine.load(ds.data_file, RDFLIB_FORMAT[ds.data_format])
        engine.load(ds.builtin_file, "nt")
    else:
        seconds = engine.load(ds.builtin_file, "nt")
    gc.collect()
    gc.freeze()  # a million long-lived terms: keep them out of later collections
    return engine, seconds


def _count(data: bytes, fmt: ox.RdfFormat) -> int:
    return sum(1 for _ in ox.parse(data, format=fmt))


def measure_load_and_export(ds: Dataset, work: Path, *, reps: int, rdflib: bool,
                            rdflib_export: bool) -> tuple[list[Row], RdflibEngine | None,
                                                          list[str]]:
    """Rows for load and export of ``ds``'s own data, and rdflib loaded with it (or None).

    Returns
    -------
    rows, rdflib engine, problems
        ``problems`` lists disagreements (exports of different sizes).
    """
    rows: list[Row] = []
    problems: list[str] = []
    engine, rdflib_load = (load_rdflib(ds) if rdflib else (None, None))
    if ds.data_file is None:
        return rows, engine, problems
    fmt = ds.data_format
    scratch = work / "load"
    ck_dir, ox_dir = scratch / "careerkg", scratch / "pyoxigraph"
    named_dir = scratch / "pyoxigraph-named"
    careerkg, pyoxigraph, named = Timing(), Timing(), Timing()
    with quiet_gc():
        for _ in range(reps):  # alternate, so a slow phase of the disk hits all alike
            careerkg.samples.append(_careerkg_load(ck_dir, ds.data_file, fmt))
            pyoxigraph.samples.append(_pyoxigraph_load(ox_dir, ds.data_file, fmt))
            named.samples.append(_pyoxigraph_load(named_dir, ds.data_file, fmt, NAMED_GRAPH))
    shutil.rmtree(named_dir, ignore_errors=True)
    label = "Turtle" if fmt == "turtle" else "N-Triples"
    rows.append(Row(
        "load", f"{ds.data_triples:,} triples ({label} file)", ds.name, "s",
        careerkg.median, pyoxigraph.median, "pyoxigraph bulk_load", rdflib_load,
        "rdflib parse" if rdflib_load is not None else "",
        notes=(f"pyoxigraph bulk_load into a named graph, as careerkg stores each source: "
               f"{named.median:.3g} s" + ("" if rdflib else "; rdflib skipped at this size")),
        details={"careerkg": careerkg.to_dict(), "pyoxigraph": pyoxigraph.to_dict(),
                 "pyoxigraph_named_graph": named.to_dict(), "rdflib_runs": 1 if rdflib else 0},
    ))
    if ds.import_seconds is not None:
        rows.append(Row(
            "import", "O*NET importer (TSV → store) vs bulk load of its output", ds.name, "s",
            ds.import_seconds, pyoxigraph.median, "pyoxigraph bulk_load",
            notes="careerkg: one run of import_onet (reads and maps the TSV files too)",
        ))

    # Export: the stores just loaded hold exactly this data.
    store = open_store(str(ck_dir), seed=False, read_only=True)
    engine_store = ox.Store.read_only(str(ox_dir))
    ttl = ox.RdfFormat.TURTLE
    careerkg_out: list[bytes] = []
    pyox_out: list[bytes] = []
    ck_export, ox_export, named_export = Timing(), Timing(), Timing()
    source_graph = ox.NamedNode(store.sources()[0].graph)
    with quiet_gc():
        for _ in range(reps):
            careerkg_out.clear()
            start = time.perf_counter()
            careerkg_out.append(store.export("turtle"))
            ck_export.samples.append(time.perf_counter() - start)
            pyox_out.clear()
            start = time.perf_counter()
            pyox_out.append(engine_store.dump(format=ttl, from_graph=ox.DefaultGraph(),
                                              prefixes=PREFIXES))
            ox_export.samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            store.engine.dump(format=ttl, from_graph=source_graph, prefixes=PREFIXES)
            named_export.samples.append(time.perf_counter() - start)
    store.close()
    del engine_store
    rdflib_export_s = None
    notes = [f"pyoxigraph dump of the same triples from a named graph: "
             f"{named_export.median:.3g} s"]
    if engine is not None and rdflib_export:
        with quiet_gc():
            start = time.perf_counter()
            engine.graph.serialize(format="turtle")
            rdflib_export_s = time.perf_counter() - start
        notes.append(f"rdflib: one run, its graph also holds the {ds.triples - ds.data_triples:,}"
                     " built-in triples")
    elif engine is not None:
        notes.append("rdflib export skipped at this size (mode)")
    counts = {"careerkg": _count(careerkg_out[0], ttl), "pyoxigraph": _count(pyox_out[0], ttl)}
    if len(set(counts.values())) != 1 or counts["careerkg"] != ds.data_triples:
        problems.append(f"{ds.name}: Turtle exports differ in size: {counts}, "
                        f"expected {ds.data_triples}")
    rows.append(Row(
        "export", f"Turtle, {ds.data_triples:,} triples", ds.name, "s",
        ck_export.median, ox_export.median, "pyoxigraph dump", rdflib_export_s,
        "rdflib serialize" if rdflib_export_s is not None else "",
        notes="; ".join(notes),
        details={"careerkg": ck_export.to_dict(), "pyoxigraph": ox_export.to_dict(),
                 "pyoxigraph_named_graph": named_export.to_dict(),
                 "bytes": {"careerkg": len(careerkg_out[0]), "pyoxigraph": len(pyox_out[0])},
                 "triples": counts},
    ))
    shutil.rmtree(scratch, ignore_errors=True)
    return rows, engine, problems

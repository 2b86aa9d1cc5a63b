"""The sizes a run measures, each prepared once into the stores every engine reads.

* ``seed`` — the packaged ontology and seed article, nothing else;
* ``onet`` — the seed plus the O*NET import (``../shared/data/onet``, through careerkg's
  importer);
* ``esco`` — the seed plus the generated ESCO-sized graph (about 1M triples; a tenth or a
  hundredth of it in ``--quick`` and ``--tiny`` runs, named ``esco-10%`` / ``esco-1%``).

For each size: careerkg's on-disk store (``careerkg serve --store`` serves it), a copy of that
very store for ``oxigraph serve`` (same graphs, same triples; the server unions them as
careerkg does), and N-Triples files for rdflib: the size's own data, and the built-in sources.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from careerkg.graph.factory import open_store
from careerkg.graph.formats import rdf_format
from careerkg.graph.store import OxigraphStore, Payload, file_digest

from .generate import GeneratedGraph, GeneratorConfig, generate
from .workload import QueryParams, pick_params

__all__ = ["Dataset", "ONET_DIR", "prepare_seed", "prepare_onet", "prepare_generated",
           "generated_size_name"]

ROOT = Path(__file__).resolve().parent.parent
#: The O*NET files shipped beside the repository (see ``../shared/data/onet/README.md``).
ONET_DIR = ROOT.parent / "shared" / "data" / "onet"
BUILTIN = ("ontology", "seed")


@dataclass
class Dataset:
    """One prepared size."""

    name: str
    description: str
    root: Path
    careerkg_store: Path
    oxigraph_store: Path
    #: This size's own data (not the built-in sources) as the careerkg store holds it:
    #: what the load and export measures read, and what rdflib loads (timed).
    data_file: Path | None
    data_format: str
    #: The ontology and seed as N-Triples (rdflib loads them too, untimed).
    builtin_file: Path
    triples: int
    data_triples: int
    params: QueryParams
    #: Seconds spent by careerkg's own import path while preparing (O*NET importer).
    import_seconds: float | None = None
    generated: GeneratedGraph | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "triples": self.triples,
            "data_triples": self.data_triples,
            "params": self.params.values(),
            "import_seconds": self.import_seconds,
            "generated": self.generated.to_dict() if self.generated else None,
            "notes": self.notes,
        }


def generated_size_name(scale: float) -> str:
    """``esco`` at full scale, else ``esco-10%`` and the like."""
    return "esco" if scale >= 1 else f"esco-{scale * 100:g}%"


def _fresh(directory: Path) -> Path:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    return directory


def _finish(name: str, description: str, root: Path, store: OxigraphStore,
            data_source: str | None, **extra) -> Dataset:
    """Export what rdflib needs, pick the query parameters, copy the store for oxigraph."""
    params = pick_params(store)
    nt = rdf_format("ntriples")
    builtin_file = root / "builtin.nt"
    by_name = {s.name: s for s in store.sources()}
    builtin_file.write_bytes(b"".join(
        store.dump_graph(by_name[n].graph, nt) for n in BUILTIN if n in by_name
    ))
    data_file, data_triples = None, 0
    if data_source is not None:
        data_file = extra.pop("data_file", None)
        if data_file is None:
            data_file = root / f"{data_source}.nt"
            data_file.write_bytes(store.dump_graph(by_name[data_source].graph, nt))
        data_triples = by_name[data_source].triples
    triples = store.count()
    store.close()
    oxigraph_store = root / "oxigraph-store"
    shutil.copytree(root / "careerkg-store", oxigraph_store)
    return Dataset(
        name=name, description=description, root=root, careerkg_store=root / "careerkg-store",
        oxigraph_store=oxigraph_store, data_file=data_file,
        data_format=extra.pop("data_format", "nt"), builtin_file=builtin_file,
        triples=triples, data_triples=data_triples, params=params, **extra,
    )


def prepare_seed(work: Path) -> Dataset:
    """The ontology and the seed article only."""
    root = _fresh(work / "seed")
    store = open_store(str(root / "careerkg-store"))
    return _finish("seed", "packaged ontology and seed article", root, store, None)


def prepare_onet(work: Path, folder: Path = ONET_DIR) -> Dataset:
    """The seed plus O*NET, imported with careerkg's importer (timed).

    Raises ``RuntimeError`` when the O*NET files or the importer are missing.
    """
    if not (folder / "Occupation Data.txt").is_file():
        raise RuntimeError(f"no O*NET files in {folder}")
    try:
        from careerkg.graph.importers.onet import import_onet
    except ImportError as error:
        raise RuntimeError(f"careerkg's O*NET importer is not available ({error})") from None
    root = _fresh(work / "onet")
    store = open_store(str(root / "careerkg-store"))
    start = time.perf_counter()
    report = import_onet(store, folder)
    seconds = time.perf_counter() - start
    return _finish(
        "onet", f"seed + O*NET import ({report.triples:,} triples from {folder.name}/)",
        root, store, report.source, import_seconds=seconds,
    )


def prepare_generated(work: Path, scale: float) -> Dataset:
    """The seed plus the generated graph at ``scale``, loaded with ``Store.replace_source``."""
    graph = generate(GeneratorConfig.scaled(scale))
    name = generated_size_name(scale)
    root = _fresh(work / name)
    store = open_store(str(root / "careerkg-store"))
    store.replace_source(
        "generated", Payload(path=graph.turtle, format=rdf_format("turtle")),
        title="generated ESCO-sized career graph", digest=file_digest(graph.turtle),
    )
    return _finish(
        name,
        f"seed + generated graph ({graph.roles:,} roles, {graph.config.skills:,} skills, "
        f"{graph.links:,} role-skill links, {graph.triples:,} triples)",
        root, store, "generated", data_file=graph.turtle, data_format="turtle", generated=graph,
    )

"""The sources careerkg ships: the ontology and the seed article's facts."""

from __future__ import annotations

from importlib.resources import files

from .formats import rdf_format
from .store import Payload, Store, file_digest

__all__ = ["BUILTIN_SOURCES", "builtin_turtle", "ensure_builtin_sources", "shapes_turtle"]

#: source name → (package holding the Turtle files, title)
BUILTIN_SOURCES = {
    "ontology": ("careerkg.ontology", "careerkg ontology"),
    "seed": (
        "careerkg.graph.seed",
        "Machine Learning Engineer vs Data Scientist (seed article)",
    ),
}
_SHAPES = "shapes.ttl"


def _turtle_files(package: str):
    return sorted(
        (f for f in files(package).iterdir() if f.name.endswith(".ttl") and f.name != _SHAPES),
        key=lambda f: f.name,
    )


def builtin_turtle(name: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each Turtle file of a built-in source, in a stable order."""
    package, _title = BUILTIN_SOURCES[name]
    return [(f.name, f.read_bytes()) for f in _turtle_files(package)]


def shapes_turtle() -> bytes:
    """The SHACL shapes for the instance data."""
    return files("careerkg.ontology").joinpath(_SHAPES).read_bytes()


def ensure_builtin_sources(store: Store) -> None:
    """Load the ontology and seed sources unless the store already has these versions."""
    if store.read_only:
        return
    for name, (package, title) in BUILTIN_SOURCES.items():
        documents = builtin_turtle(name)
        # One Turtle document per source: files are concatenated (prefixes may repeat).
        data = b"\n".join(data for _file, data in documents)
        store.replace_source(
            name,
            Payload(data=data, format=rdf_format("turtle"), label=f"{name} sources"),
            title=title,
            digest=file_digest(*_turtle_files(package)),
        )

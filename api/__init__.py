"""careerkg as a library, for notebooks and scripts.

>>> import careerkg
>>> kg = careerkg.open()
>>> len(kg.query("SELECT ?r WHERE { ?r a ckg:Role }")) > 0
True

See ``docs/python.md``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from careerkg.graph.errors import CareerKGError, InputError, NotFound, QueryTimeout, StoreError
from careerkg.graph.search import AmbiguousName, Hit
from careerkg.graph.search import NameNotFound as UnknownRole
from careerkg.graph.sparql import QuerySyntaxError
from careerkg.graph.store import Source

from ._kg import KnowledgeGraph, open
from ._reports import NextReport, OverlapReport, PathReport, Role, SimilarReport, SkillsReport
from ._results import Rows

try:
    __version__ = version("careerkg")
except PackageNotFoundError:  # pragma: no cover - running from a copy that is not installed
    __version__ = "0+unknown"

__all__ = [
    "open",
    "KnowledgeGraph",
    "Rows",
    "Role",
    "OverlapReport",
    "SimilarReport",
    "NextReport",
    "PathReport",
    "SkillsReport",
    "Hit",
    "Source",
    "CareerKGError",
    "QuerySyntaxError",
    "UnknownRole",
    "AmbiguousName",
    "InputError",
    "NotFound",
    "QueryTimeout",
    "StoreError",
    "__version__",
]

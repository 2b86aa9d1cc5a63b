"""The canned query library: the ``.rq`` files in ``queries/``.

Each file starts with a header of comment lines::

    # title: Skills both roles share
    # description: Skills the article lists for both roles.
    # param: role = role:data-scientist  The role to look at

The CLI (``careerkg query NAME``), the web UI (``/queries/NAME``) and the tests all read
them through this module.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

from .errors import NotFound
from .namespaces import PREFIXES
from .sparql import analyse, bind_values, sparql_term

__all__ = ["Parameter", "CannedQuery", "load_library", "canned_query", "parse_canned_query"]

_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_PARAM = re.compile(r"^(\w+)\s*=\s*(\S+)\s*(.*)$")


@dataclass(frozen=True)
class Parameter:
    name: str
    default: str
    description: str = ""


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Parameter, ...] = field(default_factory=tuple)

    @property
    def form(self) -> str | None:
        return analyse(self.text).form

    def bind(self, values: dict[str, str] | None = None) -> str:
        """The query text with its parameters bound (defaults where not given).

        Raises ``ValueError`` for a parameter the query does not take or a bad value.
        """
        values = dict(values or {})
        known = {p.name for p in self.params}
        unknown = set(values) - known
        if unknown:
            takes = ", ".join(sorted(known)) or "no parameters"
            raise ValueError(
                f"query {self.name!r} has no parameter {', '.join(sorted(unknown))} "
                f"(it takes {takes})"
            )
        bound = {
            p.name: sparql_term(values.get(p.name) or p.default, PREFIXES) for p in self.params
        }
        return bind_values(self.text, bound)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "params": [p.__dict__ for p in self.params],
            "query": self.text,
        }


def parse_canned_query(name: str, text: str) -> CannedQuery:
    """Read a canned query's header; raises ``ValueError`` if title or description is missing."""
    meta: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key == "param":
            param = _PARAM.match(value)
            if not param:
                raise ValueError(f"{name}.rq: a param line reads 'name = default description'")
            params.append(Parameter(*param.groups()))
        elif key in meta:
            meta[key] += " " + value
        else:
            meta[key] = value
    missing = [k for k in ("title", "description") if k not in meta]
    if missing:
        raise ValueError(f"{name}.rq: header lacks {' and '.join(missing)}")
    return CannedQuery(name, meta["title"], meta["description"], text, tuple(params))


@cache
def load_library(directory: str | None = None) -> dict[str, CannedQuery]:
    """Every canned query by name (file name without ``.rq``), sorted by name."""
    root = Path(directory) if directory else files("careerkg.queries")
    entries = sorted((f for f in root.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return {
        f.name[:-3]: parse_canned_query(f.name[:-3], f.read_text(encoding="utf-8"))
        for f in entries
    }


def canned_query(name: str) -> CannedQuery:
    """One canned query; :class:`NotFound` that suggests close names when it does not exist."""
    library = load_library()
    if name in library:
        return library[name]
    close = difflib.get_close_matches(name, list(library), n=3)
    hint = (
        f"; did you mean {', '.join(close)}?" if close else "; `careerkg query --list` lists them"
    )
    raise NotFound(f"no canned query named {name!r}{hint}")

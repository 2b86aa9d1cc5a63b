"""What is computed from a requirement graph and kept with it: the weighted similarity's
features and matrices, the role matrices, the transition graphs, the skills market.

One value per graph and key, computed once (in the background for a request with a
deadline: :func:`careerkg.graph.background.prepare`) and shared by every caller; graphs are
treated as read-only once built.  :func:`kept_values` and :func:`restore` let
:mod:`~careerkg.graph.overlap.kept` save the values with their graph beside a disk store.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

import networkx as nx

from ..background import prepare

__all__ = ["derived", "kept_values", "restore"]

T = TypeVar("T")

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_MISSING = object()


def derived(G: nx.Graph, key: Hashable, build: Callable[[], T], *, what: str) -> T:
    """``build()``, once per graph and ``key``.

    ``what`` names the value for people (a request whose deadline comes first is told that
    it is still being prepared).

    >>> G = nx.Graph()
    >>> derived(G, "answer", lambda: 42, what="the answer")
    42
    >>> derived(G, "answer", lambda: 0, what="the answer")
    42
    """
    with _LOCK:
        value = _CACHE.get(G, {}).get(key, _MISSING)
    if value is not _MISSING:
        return value

    def compute() -> T:
        result = build()
        with _LOCK:
            return _CACHE.setdefault(G, {}).setdefault(key, result)

    return prepare((id(G), key), compute, what=what)


def kept_values(G: nx.Graph) -> dict:
    """The values computed so far for ``G`` (key → value)."""
    with _LOCK:
        return dict(_CACHE.get(G, {}))


def restore(G: nx.Graph, values: dict) -> None:
    """Put values computed earlier for ``G`` (saved with it) back in the cache."""
    with _LOCK:
        mine = _CACHE.setdefault(G, {})
        for key, value in values.items():
            mine.setdefault(key, value)

"""Search latency on a vocabulary the size of the full graph.

The full graph (O*NET 29.2 with its alternate titles, ESCO) has about 4,000 roles, 14,000
skills and 9,000 tools with 60,000 alternative titles.  This measure generates a vocabulary of
that size — seeded, so every run searches the same names — with words drawn from a Zipf-like
curve over 8,000 made-up words (so a few words, like "data" or "engineer" in the real
titles, are in thousands of names and most in a handful), O*NET-style codes on the roles,
then times:

* building the index (:meth:`SearchIndex.build`, in memory);
* :func:`careerkg.graph.search.search` through a store (what ``careerkg search`` and the
  server call), for a mix of queries: whole labels, alternative titles, word prefixes,
  typos, codes and code prefixes, one- and two-letter prefixes;
* ``GET /api/search`` on the real app (Flask test client, no network): the server time.

Run only this measure with ``python -m benchmarks.measure_search``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from itertools import accumulate

from careerkg.graph import search as gs

from .report import Row, format_table, verdict
from .timing import Budget, time_repeated

__all__ = ["SearchVocabulary", "measure_search", "FULL_SIZE"]

#: Things and alternative titles of the full graph.
FULL_SIZE = {"role": 4000, "skill": 14000, "tool": 9000, "alternative": 60000}
_SYLLABLES = ("ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui",
              "ra", "se", "ti", "vo", "wa", "xe", "yo", "ze", "tra", "spe", "cla", "nor",
              "ex", "in", "al", "or", "en")


class SearchVocabulary:
    """A generated vocabulary of ``sizes`` (default :data:`FULL_SIZE`), as index entries,
    and a seeded mix of queries against it."""

    def __init__(self, sizes: dict[str, int] | None = None, seed: int = 12):
        self.sizes = dict(FULL_SIZE if sizes is None else sizes)
        rng = random.Random(seed)
        words: set[str] = set()
        while len(words) < 8000:
            words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = sorted(words)
        rng.shuffle(self.words)
        weights = list(accumulate(1.0 / rank for rank in range(1, len(self.words) + 1)))

        def name(n_words: int) -> str:
            picked = rng.choices(self.words, cum_weights=weights, k=n_words)
            return " ".join(w.capitalize() for w in picked)

        self.entries: list[gs.Entry] = []
        alternatives_per_role = self.sizes["alternative"] // max(self.sizes["role"], 1)
        for kind in ("role", "skill", "tool"):
            for i in range(self.sizes[kind]):
                label = name(rng.randint(1, 4))
                names = [(label, gs.PREFERRED)]
                code = None
                if kind == "role":
                    code = f"{10 + i // 1000}-{1000 + i % 1000}.{i % 3:02d}"
                    names.append((code, gs.CODE))
                    names += [(name(rng.randint(1, 4)), gs.ALTERNATIVE)
                              for _ in range(alternatives_per_role)]
                self.entries.append(gs.Entry(f"urn:bench:{kind}:{i}", kind, label, code,
                                             tuple(names)))
        self.queries = self._queries(random.Random(seed + 1), 120)

    def _queries(self, rng: random.Random, n: int) -> list[str]:
        labelled = [e for e in self.entries]
        queries = []
        for i in range(n):
            entry = rng.choice(labelled)
            text = rng.choice(entry.names)[0]
            kind = i % 6
            if kind == 1:  # word prefixes
                text = " ".join(w[: max(2, len(w) - 2)] for w in text.split()[:2])
            elif kind == 2:  # a typo: one letter dropped
                word = max(entry.label.split(), key=len)
                cut = rng.randrange(1, len(word))
                text = word[:cut] + word[cut + 1:]
            elif kind == 3:  # a code or a code prefix
                code = rng.choice([e.code for e in self.entries if e.code])
                text = code if rng.random() < 0.5 else code[:5]
            elif kind == 4:  # what a person has typed after one or two letters
                text = entry.label[: rng.randint(1, 2)]
            queries.append(text)
        return queries


def _store_of(vocabulary: SearchVocabulary):
    """An in-memory store holding the vocabulary as Turtle (for the app)."""
    import json

    from careerkg.graph.factory import open_store
    from careerkg.graph.formats import rdf_format
    from careerkg.graph.namespaces import CKG
    from careerkg.graph.store import Payload

    predicates = {gs.PREFERRED: "skos:prefLabel", gs.CODE: "skos:notation",
                  gs.ALTERNATIVE: "skos:altLabel"}
    lines = [f"@prefix ckg: <{CKG}> .", f"@prefix skos: <{gs.SKOS}> ."]
    for entry in vocabulary.entries:
        kind = {"role": "ckg:Role", "skill": "ckg:Skill", "tool": "ckg:Tool"}[entry.type]
        names = " ; ".join(f"{predicates[k]} {json.dumps(t)}" for t, k in entry.names)
        lines.append(f"<{entry.iri}> a {kind} ; {names} .")
    store = open_store(None)
    store.replace_source("bench", Payload(data="\n".join(lines).encode(),
                                          format=rdf_format("turtle")))
    return store


def measure_search(budget: Budget, vocabulary: SearchVocabulary | None = None,
                   *, http: bool = True) -> list[Row]:
    """Rows: index build time, and the median latency of the query mix through a store and
    through ``GET /api/search``."""
    vocabulary = vocabulary or SearchVocabulary()
    names = sum(len(e.names) for e in vocabulary.entries)
    size = f"{len(vocabulary.entries):,} things, {names:,} names"
    started = time.perf_counter()
    index = gs.SearchIndex.build(vocabulary.entries)
    build = time.perf_counter() - started
    rows = [Row("search index", "build the index (in memory)", size, "s", build)]

    store = _store_of(vocabulary)
    try:
        gs.search(store, "warm up")
        per_query = [time_repeated(lambda q=q: gs.search(store, q), budget).median
                     for q in vocabulary.queries]
        rows.append(Row(
            "search", f"search(store, q), {len(vocabulary.queries)} queries", size, "ms",
            statistics.median(per_query) * 1000,
            details={"p90_ms": sorted(per_query)[int(len(per_query) * 0.9)] * 1000,
                     "max_ms": max(per_query) * 1000, "queries": len(per_query)},
        ))
        if http:
            from careerkg.server import close_app, create_app

            app = create_app({"STORE": store, "RATE_LIMIT": 0})
            client = app.test_client()
            try:
                client.get("/api/search?q=warm")
                per_request = [
                    time_repeated(lambda q=q: client.get("/api/search", query_string={"q": q}),
                                  budget).median
                    for q in vocabulary.queries
                ]
            finally:
                close_app(app)
            rows.append(Row(
                "search", f"GET /api/search?q=, {len(vocabulary.queries)} queries (server time)",
                size, "ms", statistics.median(per_request) * 1000,
                details={"p90_ms": sorted(per_request)[int(len(per_request) * 0.9)] * 1000,
                         "max_ms": max(per_request) * 1000},
            ))
    finally:
        store.close()
        index.close()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure_search",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the full graph's vocabulary [default: 1]")
    args = parser.parse_args(argv)
    sizes = {k: max(1, int(v * args.scale)) for k, v in FULL_SIZE.items()}
    rows = measure_search(Budget(0.05, 3, 20), SearchVocabulary(sizes))
    for row in rows:
        verdict(row, "")
    print(format_table(rows))


if __name__ == "__main__":
    main()

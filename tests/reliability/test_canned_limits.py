"""Every canned query within its time limit, on a live ``careerkg serve`` with its default
settings (the default query time limit): each query's first page, as a client gets it
(``/queries/NAME.json``, the HTML page's own query), on the seed graph and on the full graph
(``careerkg build``).  A canned query stopped at the limit is a bug in the query.
"""

from __future__ import annotations

import time

import pytest
import requests
from conftest import LiveServer

from careerkg.graph.library import load_library
from careerkg.server.config import DEFAULTS

from .conftest import STARTUP, store_options

LIBRARY = load_library()
LIMIT = float(DEFAULTS["QUERY_TIMEOUT"])


@pytest.fixture(scope="module")
def server(graph):
    live = LiveServer(*store_options(graph), env={"CAREERKG_ACCESS_LOG": "off"},
                      startup_timeout=STARTUP)
    yield live
    live.close()


@pytest.mark.parametrize("name", list(LIBRARY))
def test_every_canned_query_answers_its_first_page_within_the_limit(server, graph, name,
                                                                   figures):
    started = time.monotonic()
    answer = requests.get(f"{server.url}/queries/{name}.json", timeout=LIMIT + 30)
    seconds = time.monotonic() - started
    figures[f"{name} ms"] = round(seconds * 1000)
    figures["slowest ms"] = max(figures["slowest ms"], round(seconds * 1000))
    assert answer.status_code == 200, f"{name}: {answer.status_code} {answer.text[:300]}"
    assert seconds < LIMIT, f"{name} took {seconds:.1f} s"
    body = answer.json()
    figures["queries"] += 1
    if isinstance(body, dict) and "results" in body:
        figures["rows on first pages"] += len(body["results"]["bindings"])

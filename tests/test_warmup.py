"""The warm-up: with WARM_UP on, the app builds the search index and the requirement graph
in the background, so the first visitor of those pages does not wait."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from conftest import wait_until

from careerkg.graph import search as search_module
from careerkg.graph.overlap import model
from careerkg.server import close_app, create_app
from careerkg.server.warmup import warm_up


def _warm_thread():
    return next((t for t in threading.enumerate() if t.name == "careerkg-warm-up"), None)


def test_the_app_warms_its_caches_in_the_background(seed_store):
    model.clear_cache(seed_store)
    search_module.clear_search_cache(seed_store)
    app = create_app({"TESTING": True, "STORE": seed_store, "MIN_WORKERS": 1,
                      "WARM_UP": True})
    try:
        wait_until(lambda: _warm_thread() is None, what="the warm-up thread to finish")
        health = app.test_client().get("/healthz").json
        assert health["warm_up"] == "done" and health["preparing"] == []
        assert seed_store in model._CACHE
        assert seed_store in search_module._CACHE
        # the first request finds the caches built: the same objects are served
        graph = model._CACHE[seed_store][1]
        assert app.test_client().get("/api/similar?role=data-scientist").status_code == 200
        assert model._CACHE[seed_store][1] is graph
    finally:
        close_app(app)


def test_without_warm_up_nothing_is_built_at_start(seed_store):
    model.clear_cache(seed_store)
    app = create_app({"TESTING": True, "STORE": seed_store, "MIN_WORKERS": 1})
    try:
        assert _warm_thread() is None and seed_store not in model._CACHE
        assert app.test_client().get("/healthz").json["warm_up"] == "off"
    finally:
        close_app(app)


def test_warm_up_reports_its_time_and_leaves_the_caches_filled(seed_store):
    model.clear_cache(seed_store)
    search_module.clear_search_cache(seed_store)
    started = time.perf_counter()
    seconds = warm_up(seed_store)
    assert 0 < seconds <= time.perf_counter() - started
    assert seed_store in model._CACHE and seed_store in search_module._CACHE


def test_a_failed_warm_up_says_so_in_the_health_report(seed_store, monkeypatch):
    from careerkg.server import warmup

    def broken(store):
        raise RuntimeError("the warm-up broke")

    monkeypatch.setattr(warmup, "warm_up", broken)
    app = create_app({"TESTING": True, "STORE": seed_store, "MIN_WORKERS": 1,
                      "WARM_UP": True})
    try:
        wait_until(lambda: app.test_client().get("/healthz").json["warm_up"] == "failed",
                   what="the health report to show the failed warm-up")
        assert app.test_client().get("/healthz").status_code == 200  # still serving
    finally:
        close_app(app)


def test_careerkg_serve_warms_up_unless_told_not_to(tmp_path):
    """The deployed server turns the warm-up on (and logs when the caches are warm);
    CAREERKG_WARM_UP=false turns it off."""
    from conftest import LiveServer

    server = LiveServer(env={"CAREERKG_WARM_UP": "true"})
    try:
        wait_until(lambda: "caches warm" in Path(server.log_path).read_text(),
                   what="careerkg serve to log that its caches are warm")
    finally:
        server.close()
    quiet = LiveServer()
    try:
        assert requests_ok(quiet.url)
        assert "caches warm" not in Path(quiet.log_path).read_text()
    finally:
        quiet.close()


def requests_ok(url: str) -> bool:
    import requests

    return requests.get(url + "/healthz", timeout=10).status_code == 200

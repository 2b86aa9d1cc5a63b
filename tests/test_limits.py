"""Limits with their defaults: body size (413), query length (400, and 414 for a request line
over 8,190 bytes), the per-client rate (429 + Retry-After) and concurrency, and the
client as a trusted proxy saw it."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from conftest import wait_until

from careerkg.graph.executor import IsolatedStore, PoolConfig
from careerkg.server import create_app
from careerkg.server.config import DEFAULTS, settings_from_environment
from careerkg.server.limits import Limiter

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture
def app_with(seed_store, monkeypatch):
    """An app on the seed graph with the environment's settings cleared (the defaults)."""
    monkeypatch.delenv("CAREERKG_RATE_LIMIT", raising=False)

    def make(**settings):
        return create_app({"STORE": seed_store, **settings})

    return make


def test_the_defaults_are_safe():
    assert DEFAULTS["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert DEFAULTS["MAX_QUERY_LENGTH"] == 100_000
    assert DEFAULTS["RATE_LIMIT"] == 120 and DEFAULTS["RATE_PERIOD"] == 60.0
    assert DEFAULTS["MAX_CONCURRENT_PER_CLIENT"] == 4
    assert DEFAULTS["TRUSTED_PROXIES"] == 0 and DEFAULTS["ADMIN_TOKEN"] is None


def test_the_default_rate_limit_answers_429_with_retry_after(app_with):
    client = app_with().test_client()
    statuses = [client.get("/sparql", query_string={"query": ASK}).status_code
                for _ in range(DEFAULTS["RATE_LIMIT"] + 1)]
    assert statuses[:-1] == [200] * DEFAULTS["RATE_LIMIT"]
    refused = client.get("/sparql", query_string={"query": ASK},
                         headers={"Accept": "application/json"})
    assert refused.status_code == 429
    # 120 a minute refill one every 0.5 s: the next is allowed within a second.
    assert refused.headers["Retry-After"] == "1"
    assert refused.json["error"]["retry_after"] == 1
    assert "at most 120 per 60 s" in refused.json["error"]["message"]
    # Health checks and static files are not limited.
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/careerkg.css").status_code == 200


def test_the_bucket_refills(app_with):
    client = app_with(RATE_LIMIT=2, RATE_PERIOD=1.0).test_client()
    assert [client.get("/healthz").status_code for _ in range(3)] == [200] * 3  # exempt
    first = [client.get("/queries.json").status_code for _ in range(3)]
    assert first == [200, 200, 429]
    time.sleep(0.6)
    assert client.get("/queries.json").status_code == 200


def test_token_bucket_arithmetic():
    now = [0.0]
    limiter = Limiter(6, 60, 0, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(7)] == [0] * 6 + [10]
    assert limiter.take("b") == 0  # another client has its own bucket
    now[0] = 25.0  # 2.5 tokens back
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 5]


def test_clients_behind_a_trusted_proxy_are_told_apart(app_with):
    behind = app_with(RATE_LIMIT=1, TRUSTED_PROXIES=1).test_client()
    for address in ("203.0.113.1", "203.0.113.2"):
        headers = {"X-Forwarded-For": f"198.51.100.9, {address}"}
        assert behind.get("/queries.json", headers=headers).status_code == 200
        assert behind.get("/queries.json", headers=headers).status_code == 429
    # Without a trusted proxy the header is not believed: everyone is the peer address.
    direct = app_with(RATE_LIMIT=1).test_client()
    assert direct.get("/queries.json", headers={"X-Forwarded-For": "203.0.113.1"}).status_code \
        == 200
    assert direct.get("/queries.json", headers={"X-Forwarded-For": "203.0.113.2"}).status_code \
        == 429


def test_one_client_cannot_run_more_than_its_share_at_once(monkeypatch):
    monkeypatch.delenv("CAREERKG_RATE_LIMIT", raising=False)
    store = IsolatedStore(None, PoolConfig(min_workers=1, max_workers=4, timeout=3))
    try:
        app = create_app({"STORE": store, "QUERY_TIMEOUT": 2, "MAX_CONCURRENT_PER_CLIENT": 1,
                          "TRUSTED_PROXIES": 1})
        results = {}

        def runaway():
            client = app.test_client()
            results["runaway"] = client.post(
                "/sparql", data={"query": RUNAWAY}, headers={"X-Forwarded-For": "192.0.2.1"})

        thread = threading.Thread(target=runaway)
        thread.start()
        limits = app.extensions["careerkg.limits"]
        wait_until(lambda: limits.in_progress() == 1, what="the runaway to be in progress")
        client = app.test_client()
        second = client.get("/sparql", query_string={"query": ASK},
                            headers={"X-Forwarded-For": "192.0.2.1"})
        other = client.get("/sparql", query_string={"query": ASK},
                           headers={"X-Forwarded-For": "192.0.2.2"})
        thread.join()
        assert second.status_code == 429 and second.headers["Retry-After"] == "1"
        assert "in progress at once (at most 1)" in second.text
        assert other.status_code == 200  # another client is not held up
        assert results["runaway"].status_code == 503
        # Once the first finished, the client may ask again.
        assert client.get("/sparql", query_string={"query": ASK},
                          headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 200
        assert app.extensions["careerkg.limits"].in_progress() == 0
    finally:
        store.close()


def test_bodies_larger_than_allowed_are_413(app_with):
    client = app_with(MAX_CONTENT_LENGTH=10_000).test_client()
    body = "ASK {} #" + "x" * 20_000
    answer = client.post("/sparql", data=body, content_type="application/sparql-query",
                         headers={"Accept": "application/json"})
    assert answer.status_code == 413
    assert answer.json["error"]["limit"] == 10_000
    assert "20,008 bytes" in answer.json["error"]["message"]


def test_queries_longer_than_allowed_are_400(app_with):
    client = app_with(MAX_QUERY_LENGTH=1000).test_client()
    text = "ASK {}" + " " * 1000
    answer = client.post("/sparql", data={"query": text}, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.json["error"]["limit"] == 1000
    assert "1,006 characters long" in answer.json["error"]["message"]
    page = client.get("/query", query_string={"query": text, "run": "1"})
    assert page.status_code == 400 and "at most 1,000" in page.text
    assert client.post("/sparql", data={"query": text[:1000]}).status_code == 200


def test_settings_come_from_the_environment(seed_store, monkeypatch):
    monkeypatch.setenv("CAREERKG_MAX_QUERY_LENGTH", "50")
    monkeypatch.setenv("CAREERKG_RATE_LIMIT", "0")
    app = create_app({"STORE": seed_store})
    assert app.config["MAX_QUERY_LENGTH"] == 50
    assert app.test_client().post("/sparql", data={"query": "ASK {}" + " " * 50}).status_code \
        == 400
    assert create_app({"STORE": seed_store, "MAX_QUERY_LENGTH": 500}).config[
        "MAX_QUERY_LENGTH"] == 500  # what create_app is given wins
    monkeypatch.setenv("CAREERKG_MAX_QUERY_LENGTH", "many")
    with pytest.raises(ValueError, match="CAREERKG_MAX_QUERY_LENGTH='many': not a whole number"):
        create_app({"STORE": seed_store})


def test_environment_values_are_typed():
    assert settings_from_environment({
        "CAREERKG_ACCESS_LOG": "no", "CAREERKG_RATE_PERIOD": "2.5", "CAREERKG_CORS_ORIGIN": "",
        "CAREERKG_STORE": "/ignored", "CAREERKG_UNKNOWN": "x", "OTHER": "y",
    }) == {"ACCESS_LOG": False, "RATE_PERIOD": 2.5, "CORS_ORIGIN": None}
    with pytest.raises(ValueError, match="use true or false"):
        settings_from_environment({"CAREERKG_QUERY_LOG": "maybe"})


def test_limits_over_http(start_live_server):
    """On a real `careerkg serve`: a request line over 8190 bytes is 414, a body over the
    limit 413, and a burst past the rate 429 with Retry-After."""
    server = start_live_server("--rate-limit", "30")
    endpoint = server.url + "/sparql"
    too_long = requests.get(endpoint, params={"query": "ASK {}" + " " * 9000}, timeout=10)
    assert too_long.status_code == 414
    big = requests.post(endpoint, data="ASK {} #" + "x" * (2 * 1024 * 1024),
                        headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert big.status_code == 413


    def chunks():  # no Content-Length: werkzeug would cut it silently at the limit
        yield b"ASK {} #"
        for _ in range(64):
            yield b"x" * 65536

    chunked = requests.post(endpoint, data=chunks(), timeout=10,
                            headers={"Content-Type": "application/sparql-query"})
    assert chunked.status_code == 411 and "Content-Length" in chunked.text
    statuses = [requests.get(endpoint, params={"query": ASK}, timeout=5) for _ in range(35)]
    refused = [r for r in statuses if r.status_code == 429]
    assert refused and all(r.status_code in (200, 429) for r in statuses)
    assert int(refused[0].headers["Retry-After"]) >= 1
    assert requests.get(server.url + "/healthz", timeout=5).status_code == 200

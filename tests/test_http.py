"""HTTP conformance of the app itself: HEAD on every route, gzip, the Host header.

The same behaviours are checked over the wire against ``careerkg serve`` with curl and a
raw socket in tests/test_live_server.py.
"""

from __future__ import annotations

import gzip

import pytest

from careerkg.graph.namespaces import CKG
from careerkg.server import close_app, create_app
from careerkg.server.compression import MIN_SIZE

TOKEN = "head-test-token-0123456789"
#: A value for each URL argument of the app's routes.
ARGUMENTS = {"filename": "careerkg.css", "name": "overview-counts", "path": "role/data-scientist",
             "suffix": "ttl", "kind": "rdf"}
#: Where one endpoint's argument takes other values than ARGUMENTS gives.
ENDPOINT_ARGUMENTS = {"browse.items": {"kind": "skills"}}
#: Query strings that take a route down its main path (where it needs one).
QUERY_STRINGS = {
    "sparql.endpoint": {"query": f"SELECT ?r WHERE {{ ?r a <{CKG}Role> }}"},
    "sparql.endpoint_slash": {"query": "ASK {}"},
    "entities.resource": {"iri": "http://www.w3.org/2004/02/skos/core#prefLabel"},
    "overlap.api_overlap": {"a": "data-scientist", "b": "machine-learning-engineer"},
    "overlap.api_similar": {"role": "data-scientist"},
    "overlap.compare_page": {"a": "data-scientist", "b": "machine-learning-engineer"},
    "query_ui.query_page": {"query": "ASK {}", "run": "1"},
    "search.api_search": {"q": "data"},
    "search.api_resolve": {"name": "data scientist"},
    "search.search_page": {"q": "data"},
    "transitions.api_next": {"role": "data scientist"},
    "transitions.api_path": {"a": "data scientist", "b": "ML engineer"},
}
#: Headers that differ between any two answers.
PER_ANSWER = {"Date", "X-Request-Id"}
#: Routes whose body holds live figures (uptime, workers busy), so its length may change.
LIVE = {"health.healthz"}


@pytest.fixture(scope="module")
def admin_app():
    app = create_app({"TESTING": True, "MIN_WORKERS": 1, "MAX_WORKERS": 2, "RATE_LIMIT": 0,
                      "ADMIN_TOKEN": TOKEN})
    yield app
    close_app(app)


def _get_routes(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
                  key=lambda rule: rule.rule)


def test_the_routes_are_all_covered(admin_app):
    arguments = {a for rule in _get_routes(admin_app) for a in rule.arguments}
    assert arguments <= set(ARGUMENTS), arguments - set(ARGUMENTS)
    assert any(rule.endpoint.startswith("admin.") for rule in _get_routes(admin_app))


@pytest.mark.parametrize("accept", [None, "application/json", "text/turtle"])
def test_head_answers_as_get_without_a_body_on_every_route(admin_app, accept):
    client = admin_app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}", **({"Accept": accept} if accept else {})}
    statuses = []
    for rule in _get_routes(admin_app):
        values = {a: ENDPOINT_ARGUMENTS.get(rule.endpoint, {}).get(a, ARGUMENTS[a])
                  for a in rule.arguments}
        with admin_app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values, **QUERY_STRINGS.get(rule.endpoint, {}))
        got = client.get(url, headers=headers)
        head = client.head(url, headers=headers)
        where = f"HEAD {url} (Accept: {accept})"
        assert head.status_code == got.status_code, where
        assert head.data == b"", where
        skip = PER_ANSWER | ({"Content-Length"} if rule.endpoint in LIVE else set())
        assert ({k: v for k, v in head.headers if k not in skip}
                == {k: v for k, v in got.headers if k not in skip}), where
        if rule.endpoint not in LIVE:
            assert int(head.headers.get("Content-Length", -1)) == len(got.data), where
        statuses.append(got.status_code)
    if accept is None:  # the routes' main paths, not only their errors
        assert set(statuses) == {200}, statuses


def test_the_sparql_endpoint_answers_head_with_a_query(admin_app):
    client = admin_app.test_client()
    head = client.head("/sparql", query_string={"query": "ASK {}"})
    assert head.status_code == 200 and head.mimetype == "application/sparql-results+json"
    assert head.data == b"" and int(head.headers["Content-Length"]) > 0


def test_large_text_answers_are_gzipped_small_ones_are_not(admin_app, seed_store):
    client = admin_app.test_client()
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 500"
    plain = client.get("/sparql", query_string={"query": query})
    zipped = client.get("/sparql", query_string={"query": query},
                        headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data) / 5
    assert gzip.decompress(zipped.data) == plain.data
    for answer in (plain, zipped):
        assert "Accept-Encoding" in answer.headers["Vary"] and "Accept" in answer.headers["Vary"]
    refused = client.get("/sparql", query_string={"query": query},
                         headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    small = client.get("/sparql", query_string={"query": "ASK {}"},
                       headers={"Accept-Encoding": "gzip"})
    assert len(small.data) < MIN_SIZE and "Content-Encoding" not in small.headers
    export = client.get("/export", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(export.data) == seed_store.export("turtle")
    page = client.get("/id/role/data-scientist", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and b"<html" in gzip.decompress(page.data)


def test_files_and_binary_answers_are_not_gzipped(admin_app):
    client = admin_app.test_client()
    static = client.get("/static/vendor/yasgui.min.js", headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200 and "Content-Encoding" not in static.headers
    static.close()


def test_an_http11_request_without_host_is_400(admin_app):
    client = admin_app.test_client()
    ok = client.get("/healthz", environ_overrides={"SERVER_PROTOCOL": "HTTP/1.1"})
    assert ok.status_code == 200
    no_host = client.get("/healthz", headers={"Host": ""},
                         environ_overrides={"SERVER_PROTOCOL": "HTTP/1.1"})
    assert no_host.status_code == 400 and "Host" in no_host.text
    old = client.get("/healthz", headers={"Host": ""},
                     environ_overrides={"SERVER_PROTOCOL": "HTTP/1.0"})
    assert old.status_code == 200

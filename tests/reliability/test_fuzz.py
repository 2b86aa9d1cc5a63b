"""Fuzzing every route: hypothesis drives each rule of the app's URL map (so a new route is
covered without touching this file) with generated path values, query strings, methods,
headers, bodies and content types, against the real app on a real isolated store (queries
in worker processes with a deadline) — on the seed graph, and on a copy of the full graph
(``careerkg build``) with a shorter budget.  No answer may be a 5xx other than a
503 for a query stopped at its deadline, and every answer comes within the deadline + 2 s.
"""

from __future__ import annotations

import io
import os
import re
import time
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careerkg.graph.executor import IsolatedStore, PoolConfig
from careerkg.graph.store import OxigraphStore
from careerkg.server import create_app

TOKEN = "fuzzing-admin-token-0123456789abcdef"
TIMEOUT = 2.0
#: Examples per route on each graph, and for the mixed run over every route at once ten
#: times as many (CAREERKG_FUZZ_EXAMPLES, CAREERKG_FUZZ_FULL_EXAMPLES for longer runs).
PER_ROUTE = {"seed": int(os.environ.get("CAREERKG_FUZZ_EXAMPLES", "100")),
             "full": int(os.environ.get("CAREERKG_FUZZ_FULL_EXAMPLES", "20"))}
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]


def _rules():
    """The app's URL rules (from an app on an empty store: routes do not depend on data)."""
    store = OxigraphStore()
    app = create_app({"STORE": store, "ADMIN_TOKEN": TOKEN})
    rules = sorted((r.rule, r.endpoint, tuple(sorted(r.methods)),
                    tuple((name, type(conv).__name__) for name, conv in r._converters.items()))
                   for r in app.url_map.iter_rules())
    store.close()
    return rules


RULES = _rules()

# -- what requests are made of ---------------------------------------------------------------

SPARQL = [
    "ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "SELECT ?r WHERE { ?r a ckg:Role }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5", "DESCRIBE role:data-scientist",
    "SELECT * WHERE {", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/x> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "LOAD <http://127.0.0.1:9/x.ttl>", "INSERT DATA { <urn:fuzz:a> <urn:fuzz:b> 'c' }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT ?x WHERE { BIND(1/0 AS ?x) }",
    "PREFIX : <http://x/> SELECT * { :a :b :c } ORDER BY ?nothing", "\x00", "#",
    "SELECT * { ?s ?p \"\\u0000\" }", "SELECT * { <javascript:alert(1)> ?p ?o }",
]
VALUES = [
    "", " ", "0", "1", "-1", "10000000000000000000000", "nan", "true", "ds", "mle",
    "data scientist", "Machine learning engineer", "role:data-scientist", "15-2051.00",
    "<https://w3id.org/careerkg/id/role/data-scientist>",
    "https://w3id.org/careerkg/id/role/data-scientist", "javascript:alert(1)",
    "file:///etc/passwd", "http://127.0.0.1:9/", "<script>alert(1)</script>",
    "\"onmouseover=alert(1) x=\"", "'><img src=x onerror=alert(1)>", "../../etc/passwd",
    "%00", "\u202e\ufeff", "x" * 3000, "json", "csv", "tsv", "xml", "turtle", "ttl", "jsonld",
    "ntriples", "rdfxml", "dot", "graphml", "gexf", "skills", "tools", "all", "jaccard",
    "cosine", "weighted", "roles", "wage", "network", "bipartite", "data", "15", "15-2",
    "29-11", "0.5", "1.5", "inf", "-0", "1e-9", "text/html", "default",
    "urn:x-arq:DefaultGraph", "role", "skill", "tool",
    "industry", "statistcian", "15-2051", '"', '"*', "NEAR(a b)", "a OR", "^x", "col:x", "*",
    "isco-2", "99",
    *SPARQL,
]
PARAMS = ["query", "format", "iri", "a", "b", "role", "k", "top", "roles", "by", "run",
          "metric", "default-graph-uri", "named-graph-uri", "update", "name", "title", "q",
          "center", "ego", "kind", "category", "skill", "tool", "industry", "type", "limit",
          # canned-query paging and role parameters; next/path/skills
          "page", "current", "target", "other", "max_steps", "min_roles",
          # the role network of /overlap and /api/role-network
          "view", "family", "threshold", "edges"]
ACCEPTS = [
    None, "*/*", "text/html", "application/json", "application/sparql-results+json",
    "application/sparql-results+xml", "text/csv", "text/tab-separated-values", "text/turtle",
    "application/ld+json", "application/rdf+xml", "application/n-triples", "image/png",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/*;q=0.5, */*;q=0",
    "application/json;q=abc", ",,,;;;", "*",
]
CONTENT_TYPES = [
    None, "application/x-www-form-urlencoded", "application/sparql-query",
    "application/sparql-update", "application/sparql-query; charset=latin-1", "text/turtle",
    "application/ld+json", "application/rdf+xml", "application/n-quads", "text/plain",
    "application/json", "multipart/form-data; boundary=x", "application/octet-stream", "",
]
AUTHORIZATIONS = [None, f"Bearer {TOKEN}", "Bearer wrong", "Basic Zm9vOmJhcg==", "Bearer ",
                  TOKEN]
PATH_VALUES = ["role/data-scientist", "role/data-scientist.ttl", "role/data-scientist.jsonld",
               "tool/python", "nothing/here", "../../etc/passwd", "careerkg.css",
               "vendor/yasgui.min.js", "shared-skills", "shared-skills.json",
               "shared-skills.csv", "career-gap", "salary-by-experience",
               "salary-by-experience.json", "salary-by-experience.csv", "ttl", "jsonld",
               "onet", "esco", "csv", "rdf", "fuzz-src",
               "skills", "tools", "industries", "roles", "skill/statistical-analysis",
               "industry/technology", "onet/occupation/15-2051.00",
               "x" * 300]

text = st.text(max_size=40)
#: Header values as HTTP carries them (Latin-1, no control characters).
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                    exclude_characters="\x7f"), max_size=40)
value = st.one_of(st.sampled_from(VALUES), text)
query_strings = st.lists(st.tuples(st.one_of(st.sampled_from(PARAMS), text), value),
                         max_size=5)
headers = st.fixed_dictionaries({}, optional={
    "Accept": st.one_of(st.sampled_from([a for a in ACCEPTS if a]), header_text),
    "Authorization": st.sampled_from([a for a in AUTHORIZATIONS if a]),
    "X-Forwarded-For": st.one_of(st.just("203.0.113.9, 198.51.100.1"), header_text),
    "Origin": st.sampled_from(["http://evil.example", "null"]),
    "If-None-Match": header_text,
    "Range": st.sampled_from(["bytes=0-10", "bytes=-5", "bytes=abc"]),
})
bodies = st.one_of(
    st.none(),
    st.binary(max_size=1500),
    st.sampled_from(SPARQL).map(str.encode),
    st.lists(st.tuples(st.sampled_from(PARAMS), value), max_size=4).map(
        lambda pairs: urlencode(pairs).encode()),
    st.lists(st.tuples(st.sampled_from(["file", "f", "name"]),
                       st.tuples(st.binary(max_size=300), st.one_of(
                           st.sampled_from(["a.ttl", "roles.csv", "Occupation Data.txt",
                                            "../x.rdf", ".hidden", "b.jsonld"]), text))),
             min_size=1, max_size=3).map(lambda files: {"multipart": files}),
)


def _path(rule: str, converters: dict, draw) -> str:
    def fill(match):
        name = match.group(1).split(":")[-1]
        kind = converters.get(name, "UnicodeConverter")
        raw = draw(st.one_of(st.sampled_from(PATH_VALUES), st.text(min_size=1, max_size=30)))
        return quote(raw, safe="/" if kind == "PathConverter" else "")
    return re.sub(r"<([^>]+)>", fill, rule)


@st.composite
def requests_for(draw, rule_info):
    rule, _endpoint, methods, converters = rule_info
    method = draw(st.one_of(st.sampled_from(methods), st.sampled_from(METHODS)))
    path = _path(rule, dict(converters), draw)
    request = {"method": method, "path": path, "query_string": draw(query_strings),
               "headers": draw(headers)}
    body = draw(bodies)
    content_type = draw(st.one_of(st.sampled_from(CONTENT_TYPES), header_text))
    if isinstance(body, dict):
        request["data"] = {field: (io.BytesIO(data), name)
                           for field, (data, name) in body["multipart"]}
        request["content_type"] = "multipart/form-data"
    elif body is not None and method not in ("GET", "HEAD", "OPTIONS"):
        request["data"] = body
        if content_type is not None:
            request["content_type"] = content_type
    return request


# -- the app under test ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(graph):
    folder = graph[1]
    kg = IsolatedStore(None if folder is None else str(folder),
                       PoolConfig(min_workers=2, max_workers=4, timeout=TIMEOUT))
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def client(store):
    app = create_app({
        "STORE": store, "QUERY_TIMEOUT": TIMEOUT, "ADMIN_TOKEN": TOKEN, "RATE_LIMIT": 0,
        "MAX_CONCURRENT_PER_CLIENT": 0, "TRUSTED_PROXIES": 1, "MAX_CONTENT_LENGTH": 64 * 1024,
        "PROPAGATE_EXCEPTIONS": True,  # a bug surfaces as its traceback, not a bare 500
    })
    return app.test_client()


def _send(client, request: dict, figures) -> None:
    started = time.monotonic()
    response = client.open(request["path"], method=request["method"],
                           query_string=request["query_string"], headers=request["headers"],
                           data=request.get("data"), content_type=request.get("content_type"))
    body = response.get_data()
    elapsed = time.monotonic() - started
    figures["requests fuzzed"] += 1
    figures[f"{response.status_code // 100}xx"] += 1
    figures["slowest ms"] = max(figures["slowest ms"], round(elapsed * 1000))
    where = f"{request['method']} {request['path']} {request['query_string']!r}"
    assert elapsed < TIMEOUT + 2, f"{where} took {elapsed:.1f} s"
    if response.status_code >= 500:
        # A HEAD has no body to say why: its 503 is taken as the deadline's (its GET's is
        # checked by the same rule, with the body).
        stopped = b"time limit" in body or request["method"] == "HEAD"
        assert response.status_code == 503 and stopped, (
            f"{where} -> {response.status_code}: {body[:500]!r}")


def _budget(examples: int):
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("rule_info", RULES, ids=[f"{r[0]} {r[1]}" for r in RULES])
def test_every_route_survives_generated_requests(client, graph, rule_info, figures):
    @_budget(PER_ROUTE[graph[0]])
    @given(requests_for(rule_info))
    def fuzz(request):
        _send(client, request, figures)

    fuzz()
    figures["routes"] += 1


def test_any_route_in_any_order(client, graph, figures):
    @_budget(10 * PER_ROUTE[graph[0]])
    @given(st.data())
    def fuzz(data):
        rule_info = data.draw(st.sampled_from(RULES))
        _send(client, data.draw(requests_for(rule_info)), figures)

    fuzz()


def test_the_server_still_answers_after_the_fuzzing(client, store):
    assert client.get("/healthz").json["status"] == "ok"
    answer = client.get("/sparql", query_string={"query": "ASK { ?r a ckg:Role }"})
    assert answer.status_code == 200 and answer.json["boolean"] is True
    assert store.pool_state()["zygote_alive"]

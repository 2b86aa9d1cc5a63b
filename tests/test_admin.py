"""The admin API (/admin/...): off without a token, 401 without the right one, and with it
updates, source uploads and imports into the app's real isolated store — never LOAD or
SERVICE, bad input refused with file, line and column and the store left as it was."""

from __future__ import annotations

import io
import json
import logging

import pytest
import requests
from conftest import ONET_DIR

from careerkg.graph.executor import IsolatedStore, PoolConfig
from careerkg.graph.namespaces import CKG, ID
from careerkg.server import create_app
from careerkg.server.admin import configured_token

TOKEN = "admin-token-for-the-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROLE = ID + "role/data-steward"
TURTLE = f"""@prefix ckg: <{CKG}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{ROLE}> a ckg:Role ; rdfs:label "Data steward"@en .
"""
ASK_ROLE = f"ASK {{ <{ROLE}> a <{CKG}Role> }}"


@pytest.fixture(scope="module")
def store():
    kg = IsolatedStore(None, PoolConfig(min_workers=1, max_workers=3, timeout=5))
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def app(store):
    return create_app({"STORE": store, "ADMIN_TOKEN": TOKEN})


@pytest.fixture
def client(app, store):
    yield app.test_client()
    for source in store.sources():  # each test starts from the seed graph
        if source.name not in ("ontology", "seed"):
            store.drop_source(source.name)


def ask(client, query: str) -> bool:
    return client.get("/sparql", query_string={"query": query}).json["boolean"]


# -- off, and the token ----------------------------------------------------------------

def test_without_a_token_every_admin_path_is_404(seed_store, monkeypatch):
    monkeypatch.delenv("CAREERKG_ADMIN_TOKEN", raising=False)
    monkeypatch.delenv("CAREERKG_ADMIN_TOKEN_FILE", raising=False)
    off = create_app({"STORE": seed_store}).test_client()
    for method, path in [("POST", "/admin/update"), ("GET", "/admin/sources"),
                         ("PUT", "/admin/sources/x"), ("DELETE", "/admin/sources/x"),
                         ("POST", "/admin/import/rdf"), ("GET", "/admin/update")]:
        assert off.open(path, method=method, headers=AUTH).status_code == 404, (method, path)


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-token-of-some-length"}, {"Authorization": TOKEN},
    {"Authorization": f"Basic {TOKEN}"}, {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},
])
def test_a_missing_or_wrong_token_is_401(client, headers, caplog):
    with caplog.at_level(logging.INFO, logger="careerkg"):
        answer = client.post("/admin/update", headers=headers,
                             data="DROP ALL", content_type="application/sparql-update")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert answer.json["error"]["message"].startswith("the admin API needs")
    assert ask(client, f"ASK {{ ?r a <{CKG}Role> }}")  # DROP ALL did not run
    assert TOKEN not in caplog.text and "Bearer" not in caplog.text


def test_the_token_comes_from_the_environment_or_a_file(seed_store, tmp_path, monkeypatch):
    monkeypatch.delenv("CAREERKG_ADMIN_TOKEN", raising=False)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\nignored second line\n")
    monkeypatch.setenv("CAREERKG_ADMIN_TOKEN_FILE", str(token_file))
    from_file = create_app({"STORE": seed_store}).test_client()
    assert from_file.get("/admin/sources", headers=AUTH).status_code == 200
    monkeypatch.delenv("CAREERKG_ADMIN_TOKEN_FILE")
    monkeypatch.setenv("CAREERKG_ADMIN_TOKEN", "another-token-0123456789")
    from_env = create_app({"STORE": seed_store}).test_client()
    assert from_env.get("/admin/sources", headers=AUTH).status_code == 401
    good = {"Authorization": "Bearer another-token-0123456789"}
    assert from_env.get("/admin/sources", headers=good).status_code == 200


@pytest.mark.parametrize("config, words", [
    ({"ADMIN_TOKEN": "short"}, "too short"),
    ({"ADMIN_TOKEN_FILE": "/nonexistent/token"}, "cannot read the admin token file"),
])
def test_an_unusable_token_setting_stops_start_up(config, words):
    with pytest.raises(ValueError, match=words):
        configured_token(config)


def test_an_empty_token_file_is_an_error(tmp_path):
    empty = tmp_path / "token"
    empty.write_text("\n")
    with pytest.raises(ValueError, match="is empty"):
        configured_token({"ADMIN_TOKEN_FILE": str(empty)})


# -- updates -------------------------------------------------------------------------------

def test_an_update_changes_what_the_public_endpoint_answers(client):
    assert not ask(client, ASK_ROLE)
    insert = f"INSERT DATA {{ GRAPH <urn:x:admin> {{ <{ROLE}> a <{CKG}Role> }} }}"
    answer = client.post("/admin/update", headers=AUTH, data=insert,
                         content_type="application/sparql-update")
    assert answer.status_code == 200 and answer.json["status"] == "ok"
    assert ask(client, ASK_ROLE)
    answer = client.post("/admin/update", headers=AUTH, data={"update": "DROP GRAPH <urn:x:admin>"})
    assert answer.status_code == 200
    assert not ask(client, ASK_ROLE)


@pytest.mark.parametrize("update, words", [
    ("LOAD <http://127.0.0.1:9/x.ttl>", "LOAD is not accepted"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> } ; LOAD <file:///etc/passwd> INTO GRAPH <urn:g>",
     "LOAD is not accepted"),
    ("lo\\u0061d <http://127.0.0.1:9/x.ttl>", "LOAD is not accepted"),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
     "SERVICE is not accepted"),
    ("SELECT * WHERE { ?s ?p ?o }", "not a SPARQL update"),
    ("   ", "empty"),
])
def test_load_and_service_are_refused_even_here(client, update, words):
    answer = client.post("/admin/update", headers=AUTH, data=update,
                         content_type="application/sparql-update")
    assert answer.status_code == 400 and words in answer.json["error"]["message"]


def test_a_malformed_update_says_where(client):
    answer = client.post("/admin/update", headers=AUTH, data="INSERT DATA {\n <urn:a> <urn:b> }",
                         content_type="application/sparql-update")
    assert answer.status_code == 400
    assert answer.json["error"]["line"] == 2 and answer.json["error"]["column"]


def test_an_update_in_another_body_type_is_415(client):
    answer = client.post("/admin/update", headers=AUTH, data="DROP ALL",
                         content_type="text/plain")
    assert answer.status_code == 415 and answer.mimetype == "application/json"


# -- sources -------------------------------------------------------------------------------

def test_put_then_delete_a_source(client):
    answer = client.put("/admin/sources/stewards?title=Stewards", headers=AUTH,
                        data=TURTLE, content_type="text/turtle")
    assert answer.status_code == 200, answer.json
    assert answer.json["name"] == "stewards" and answer.json["triples"] == 2
    assert answer.json["changed"] is True and answer.json["title"] == "Stewards"
    assert ask(client, ASK_ROLE)
    listed = client.get("/admin/sources", headers=AUTH).json
    assert "stewards" in [s["name"] for s in listed]
    again = client.put("/admin/sources/stewards", headers=AUTH, data=TURTLE,
                       content_type="text/turtle")
    assert again.json["changed"] is False  # the same body changes nothing
    gone = client.delete("/admin/sources/stewards", headers=AUTH)
    assert gone.status_code == 200 and gone.json["dropped"] is True
    assert not ask(client, ASK_ROLE)
    assert client.delete("/admin/sources/stewards", headers=AUTH).status_code == 404


def test_a_broken_upload_leaves_the_source_as_it_was(client):
    client.put("/admin/sources/stewards", headers=AUTH, data=TURTLE, content_type="text/turtle")
    broken = TURTLE + "<urn:x:a> <urn:x:b> .\n"
    answer = client.put("/admin/sources/stewards", headers=AUTH, data=broken,
                        content_type="text/turtle")
    assert answer.status_code == 400
    error = answer.json["error"]
    assert error["file"] == "stewards.ttl" and error["line"] == 4 and error["reason"]
    assert ask(client, ASK_ROLE)
    sources = {s["name"]: s for s in client.get("/admin/sources", headers=AUTH).json}
    assert sources["stewards"]["triples"] == 2


@pytest.mark.parametrize("content_type, body, status, words", [
    ("application/x-unknown", TURTLE, 415, "cannot load a body"),
    ("application/n-quads", "<urn:a> <urn:b> <urn:c> <urn:g> .", 415, "cannot load a body"),
    ("text/turtle", "   ", 400, "empty"),
    ("application/ld+json",
     '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:a", "name": "x"}',
     400, "remote context"),
    ("application/rdf+xml",
     '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', 400, "DTD"),
])
def test_uploads_that_cannot_be_loaded(client, content_type, body, status, words):
    answer = client.put("/admin/sources/bad", headers=AUTH, data=body, content_type=content_type)
    assert answer.status_code == status, answer.json
    assert words in json.dumps(answer.json)
    assert "bad" not in [s["name"] for s in client.get("/admin/sources", headers=AUTH).json]


def test_an_invalid_source_name_is_400(client):
    answer = client.put("/admin/sources/Not%20Valid", headers=AUTH, data=TURTLE,
                        content_type="text/turtle")
    assert answer.status_code == 400 and "invalid source name" in answer.json["error"]["message"]


# -- imports -------------------------------------------------------------------------------

def _files(*pairs) -> dict:
    return {"file": [(io.BytesIO(data), name) for name, data in pairs]}


def test_import_an_rdf_file(client):
    answer = client.post("/admin/import/rdf", headers=AUTH, data=_files(("stewards.ttl",
                         TURTLE.encode())), content_type="multipart/form-data")
    assert answer.status_code == 200, answer.json
    assert answer.json["source"] == "rdf-stewards" and answer.json["triples"] == 2
    assert ask(client, ASK_ROLE)


def test_a_bad_import_names_the_uploaded_file_and_changes_nothing(client, store):
    before = [s.to_dict() for s in store.sources()]
    body = TURTLE + "<urn:x:a> <urn:x:b> .\n"
    answer = client.post("/admin/import/rdf", headers=AUTH,
                         data=_files(("my roles.ttl", body.encode())),
                         content_type="multipart/form-data")
    assert answer.status_code == 400
    error = answer.json["error"]
    assert (error["file"], error["line"]) == ("my roles.ttl", 4)
    assert "/tmp" not in json.dumps(answer.json)  # the server's temporary path is not shown
    assert [s.to_dict() for s in store.sources()] == before


@pytest.mark.parametrize("kind, files, status, words", [
    ("nope", [("a.ttl", b"")], 404, "no importer named 'nope'"),
    ("rdf", [], 400, "no files were uploaded"),
    ("rdf", [("a.ttl", b""), ("b.ttl", b"")], 400, "reads one file"),
    # accepted under its base name only: no directory of the uploaded name is used
    ("rdf", [("../../etc/passwd.ttl", TURTLE.encode())], 200,
     '"source": "rdf-passwd", "title": "RDF file passwd.ttl"'),
    ("rdf", [(".hidden.ttl", b"")], 400, "unusable file name"),
    ("onet", [("x.txt", b"a"), ("sub/x.txt", b"b")], 400, "two files are named"),
])
def test_import_requests_that_are_refused(client, kind, files, status, words):
    answer = client.post(f"/admin/import/{kind}", headers=AUTH, data=_files(*files),
                         content_type="multipart/form-data")
    assert answer.status_code == status, answer.json
    assert words in json.dumps(answer.json)


def test_import_onet_files_then_the_same_again(client):
    names = ["Occupation Data.txt", "Technology Skills.txt"]
    files = [(name, (ONET_DIR / name).read_bytes()) for name in names]
    answer = client.post("/admin/import/onet", headers=AUTH, data=_files(*files),
                         content_type="multipart/form-data")
    assert answer.status_code == 200, answer.json
    assert answer.json["source"] == "onet" and answer.json["counts"]["roles"] > 900
    assert ask(client, f"ASK {{ <{ID}onet/occupation/15-2051.00> a <{CKG}Role> }}")
    again = client.post("/admin/import/onet", headers=AUTH, data=_files(*files),
                        content_type="multipart/form-data")
    assert again.status_code == 200 and again.json["changed"] is False


def test_admin_bodies_may_be_larger_than_public_ones(store):
    app = create_app({"STORE": store, "ADMIN_TOKEN": TOKEN, "MAX_CONTENT_LENGTH": 1000,
                      "ADMIN_MAX_CONTENT_LENGTH": 100_000})
    client = app.test_client()
    big = TURTLE + "".join(f'<urn:x:s{i}> <urn:x:p> "{"x" * 20}" .\n' for i in range(200))
    assert 1000 < len(big) < 100_000
    assert client.post("/sparql", data={"query": "ASK {} #" + "x" * 2000}).status_code == 413
    unauthenticated = client.put("/admin/sources/big", data=big, content_type="text/turtle")
    assert unauthenticated.status_code == 401
    answer = client.put("/admin/sources/big", headers=AUTH, data=big, content_type="text/turtle")
    assert answer.status_code == 200 and answer.json["triples"] == 202
    huge = big * 60
    answer = client.put("/admin/sources/big2", headers=AUTH, data=huge, content_type="text/turtle")
    assert answer.status_code == 413 and answer.mimetype == "application/json"
    store.drop_source("big")


def test_admin_over_http_on_a_live_server(start_live_server):
    server = start_live_server(env={"CAREERKG_ADMIN_TOKEN": TOKEN})
    url = server.url + "/admin/sources/stewards"
    assert requests.put(url, data=TURTLE, headers={"Content-Type": "text/turtle"},
                        timeout=10).status_code == 401
    answer = requests.put(url, data=TURTLE, headers={**AUTH, "Content-Type": "text/turtle"},
                          timeout=10)
    assert answer.status_code == 200
    assert requests.get(server.url + "/sparql", params={"query": ASK_ROLE},
                        timeout=5).json()["boolean"] is True
    assert TOKEN not in server.log()

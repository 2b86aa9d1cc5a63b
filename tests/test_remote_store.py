"""careerkg on a remote SPARQL engine: a real `oxigraph serve` on loopback.

The importer, overlap and CLI tests already run on it through ``any_store``; these cover what
is particular to a remote engine: its endpoints, its errors, several processes writing and
reading it at once, and agreement with a local store.
"""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import pytest
import requests
from conftest import FIXTURES, ONET_DIR, OxigraphServer, free_port

from careerkg.graph.errors import StoreError
from careerkg.graph.factory import open_store
from careerkg.graph.importers import import_source
from careerkg.graph.namespaces import CKG, GRAPH, REGISTRY_GRAPH
from careerkg.graph.remote import RemoteStore, default_update_endpoint

pytestmark = pytest.mark.remote

ESCO_DIR = FIXTURES / "esco"


@pytest.fixture
def server(oxigraph_server):
    oxigraph_server.clear()
    return oxigraph_server


def test_update_endpoint_defaults_to_the_query_url_with_update():
    assert default_update_endpoint("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/update"
    assert default_update_endpoint("https://kg.example/repo/query/") == \
        "https://kg.example/repo/update"
    assert default_update_endpoint("http://host:8890/sparql") == "http://host:8890/sparql"
    assert RemoteStore("http://h/query").update_url == "http://h/update"


def test_update_endpoint_option_and_environment(server, cli, monkeypatch):
    wrong = server.url + "/no-such-endpoint"
    # the option
    result = cli("import", "esco", str(ESCO_DIR), "--store", server.query_url,
                 "--update-endpoint", wrong)
    assert result.exit_code == 1
    assert wrong in result.output and "404" in result.output
    # the environment variable
    result = cli("import", "esco", str(ESCO_DIR), "--store", server.query_url,
                 env={"CAREERKG_UPDATE_ENDPOINT": wrong})
    assert result.exit_code == 1 and wrong in result.output
    result = cli("import", "esco", str(ESCO_DIR), "--store", server.query_url,
                 env={"CAREERKG_UPDATE_ENDPOINT": server.update_url})
    assert result.exit_code == 0, result.output
    result = cli("sources", "--store", server.query_url)
    assert "esco" in result.output


def test_an_unreachable_engine_is_reported(cli):
    url = f"http://127.0.0.1:{free_port()}/query"
    result = cli("sources", "--store", url)
    assert result.exit_code == 1
    assert f"cannot reach the SPARQL endpoint {url}" in result.output


def test_remote_and_memory_stores_hold_the_same_graph(server):
    remote = open_store(server.query_url)
    local = open_store(None)
    for store in (remote, local):
        import_source("esco", store, ESCO_DIR)
        import_source("csv", store, FIXTURES / "own-roles.csv")

    def triples(store):
        return set(ox.parse(store.export("ntriples"), format=ox.RdfFormat.N_TRIPLES))

    assert triples(remote) == triples(local)
    assert [(s.name, s.triples) for s in remote.sources()] == \
        [(s.name, s.triples) for s in local.sources()]
    query = f"SELECT ?r (COUNT(?s) AS ?n) WHERE {{ ?r <{CKG}requiresSkill> ?s }} GROUP BY ?r"
    assert sorted(map(str, remote.query(query).rows)) == sorted(map(str, local.query(query).rows))


def test_the_default_graph_is_the_live_sources_only(server):
    store = open_store(server.query_url)
    # data outside any source (written straight to the engine) is not part of the graph
    requests.post(server.update_url, data={"update": (
        f"INSERT DATA {{ GRAPH <http://example.org/other> {{ <http://example.org/r> a "
        f"<{CKG}Role> }} }}")}, timeout=10).raise_for_status()
    roles = store.query(f"SELECT ?r WHERE {{ ?r a <{CKG}Role> }}").to_python()
    assert "http://example.org/r" not in {r["r"] for r in roles}


@pytest.mark.skipif(not ONET_DIR.is_dir(), reason="no O*NET data")
def test_other_processes_can_read_and_open_the_store_during_an_import(tmp_path_factory):
    """Readers (and every `careerkg` command, which opens the store with a recovery pass)
    run while an import writes: each sees the old or the new state, never a half-loaded
    source, and the import is whole at the end."""
    server = OxigraphServer(tmp_path_factory.mktemp("concurrent"))
    try:
        writer = open_store(server.query_url)
        errors: list[BaseException] = []

        def run_import():
            try:
                import_source("onet", writer, ONET_DIR)
            except BaseException as error:  # noqa: BLE001 - re-raised below
                errors.append(error)

        thread = threading.Thread(target=run_import)
        thread.start()
        seen = set()
        opened = 0
        while thread.is_alive():
            reader = open_store(server.query_url)  # runs recover(), as a command would
            opened += 1
            count = reader.query(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r <{CKG}usesTool> ?t }}"
            ).to_python()[0]["n"]
            seen.add(count)
            reader.close()
            time.sleep(0.05)
        thread.join()
        assert not errors, errors
        assert opened >= 3
        source = writer.source("onet")
        loaded = writer.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                              default_graphs=[source.graph]).to_python()[0]["n"]
        assert loaded == source.triples > 100_000
        final = writer.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r <{CKG}usesTool> ?t }}"
        ).to_python()[0]["n"]
        before = min(seen)
        assert seen <= {before, final}  # never a count in between
        # nothing is left marked as being loaded
        assert not writer.query(
            f"ASK {{ GRAPH <{REGISTRY_GRAPH}> {{ ?g a <{CKG}PendingGraph> }} }}",
            default_graphs=[], named_graphs=[REGISTRY_GRAPH],
        ).boolean
    finally:
        server.stop()


def test_recovery_drops_only_abandoned_graphs(server):
    store = open_store(server.query_url)
    in_flight, abandoned, crashed = (f"{GRAPH}esco/{n}" for n in ("aaa", "bbb", "ccc"))
    for graph in (in_flight, abandoned, crashed):
        store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/s> <http://e/p> 1 }} }}")
    dct = "http://purl.org/dc/terms/created"
    xsd = "http://www.w3.org/2001/XMLSchema#dateTime"
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    store.update(f"""INSERT DATA {{ GRAPH <{REGISTRY_GRAPH}> {{
        <{in_flight}> a <{CKG}PendingGraph> ; <{dct}> "{now}"^^<{xsd}> .
        <{abandoned}> a <{CKG}PendingGraph> ; <{dct}> "2001-01-01T00:00:00Z"^^<{xsd}> . }} }}""")
    dropped = store.recover()
    assert sorted(dropped) == sorted([abandoned, crashed])
    assert in_flight in store.graph_names()


def test_a_local_store_drops_every_unregistered_graph(tmp_path):
    """A disk store is locked by its one writer: a graph marked as being loaded is left over
    from a crash, whatever its age."""
    store = open_store(str(tmp_path / "kg"))
    graph = f"{GRAPH}esco/abc"
    store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/s> <http://e/p> 1 }} }}")
    store.update(f"""INSERT DATA {{ GRAPH <{REGISTRY_GRAPH}> {{ <{graph}> a <{CKG}PendingGraph> ;
        <http://purl.org/dc/terms/created> "2999-01-01T00:00:00Z" }} }}""")
    store.close()
    store = open_store(str(tmp_path / "kg"))
    assert graph not in store.graph_names()
    store.close()


def test_a_failed_write_is_reported_with_the_engine_answer(server):
    store = RemoteStore(server.query_url, server.url + "/nowhere")
    with pytest.raises(StoreError, match="answered 404"):
        import_source("esco", store, ESCO_DIR)
    # nothing reached the engine
    assert RemoteStore(server.query_url).graph_names() == []


# -- `careerkg serve` while `careerkg import` writes --------------------------------------------

def _roles_served(live) -> set[str]:
    response = requests.post(
        live.url + "/sparql",
        data={"query": f"SELECT ?r WHERE {{ ?r a <{CKG}Role> }}"},
        headers={"Accept": "application/sparql-results+json"}, timeout=30,
    )
    response.raise_for_status()
    return {b["r"]["value"] for b in response.json()["results"]["bindings"]}


def test_serve_reads_a_remote_store_while_an_import_writes_it(server, start_live_server, cli):
    live = start_live_server("--store", server.query_url)
    before = _roles_served(live)
    result = cli("import", "esco", str(ESCO_DIR), "--store", server.query_url, "--quiet")
    assert result.exit_code == 0, result.output
    after = _roles_served(live)
    esco_roles = {r for r in after if "/id/esco/occupation/" in r}
    assert len(esco_roles) == 4 and before == after - esco_roles
    result = cli("drop", "esco", "--store", server.query_url)
    assert result.exit_code == 0, result.output
    assert _roles_served(live) == before


def test_an_import_into_a_disk_store_that_serve_holds_is_refused(tmp_path, start_live_server,
                                                                 cli):
    location = str(tmp_path / "kg")
    live = start_live_server("--store", location)
    result = cli("import", "esco", str(ESCO_DIR), "--store", location)
    assert result.exit_code == 1
    assert "in use by another process" in result.output
    # the server still answers, from the store as it was
    assert not any("/id/esco/" in r for r in _roles_served(live))
    live.stop()
    result = cli("import", "esco", str(ESCO_DIR), "--store", location, "--quiet")
    assert result.exit_code == 0, result.output


# -- an engine that limits request size ---------------------------------------------------------

class SizeLimitingProxy:
    """A reverse proxy on loopback in front of a real `oxigraph serve` that answers 413 to
    request bodies over ``limit`` bytes, as nginx's ``client_max_body_size`` does."""

    def __init__(self, target: str, limit: int):
        import http.server

        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if len(body) > limit:
                    proxy.refused += 1
                    self.send_response(413)
                    self.end_headers()
                    return
                answer = requests.post(
                    target + self.path, data=body, timeout=60,
                    headers={k: v for k, v in self.headers.items()
                             if k.lower() in ("content-type", "accept")},
                )
                self.send_response(answer.status_code)
                for key in ("Content-Type",):
                    if key in answer.headers:
                        self.send_header(key, answer.headers[key])
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args):
                pass

        self.refused = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_batches_an_engine_refuses_as_too_large_are_split(server, tmp_path):
    proxy = SizeLimitingProxy(server.url, limit=64_000)
    try:
        store = open_store(proxy.url + "/query")
        report = import_source("esco", store, ESCO_DIR)
        assert proxy.refused > 0 and store.chunk < 5000
        local = open_store(None)
        import_source("esco", local, ESCO_DIR)
        assert report.triples == local.source("esco").triples
        assert set(ox.parse(store.export("ntriples"), format=ox.RdfFormat.N_TRIPLES)) == \
            set(ox.parse(local.export("ntriples"), format=ox.RdfFormat.N_TRIPLES))

        path = tmp_path / "big.nt"
        path.write_text(f'<http://example.org/s> <http://example.org/p> "{"x" * 70_000}" .\n',
                        encoding="utf-8")
        before = store.graph_names()
        with pytest.raises(StoreError, match=r"refused the triple <http://example.org/s>"):
            import_source("rdf", store, path)
        assert store.graph_names() == before
    finally:
        proxy.close()

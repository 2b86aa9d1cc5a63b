"""The process-wide guard `careerkg serve` installs (run in subprocesses: audit hooks stay)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


def test_outgoing_connections_are_refused_but_loopback_is_not():
    result = run(
        """
        import socket
        from careerkg.graph.sandbox import lock_down, NetworkRefused
        server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
        lock_down()
        socket.create_connection(server.getsockname(), timeout=2).close()
        print("loopback ok")
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=2)
        except NetworkRefused as error:
            print("refused:", error)
        """
    )
    assert "loopback ok" in result.stdout, result.stderr
    assert "refused: careerkg does not connect to 192.0.2.1" in result.stdout


def test_rdflib_cannot_load_files_through_from(tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text('<urn:s> <urn:p> "the secret" .\n')
    result = run(
        f"""
        import rdflib
        from careerkg.graph.sandbox import lock_down
        lock_down()
        ds = rdflib.Dataset()
        rows = list(ds.query("SELECT ?o FROM <file://{secret}> WHERE {{ ?s ?p ?o }}"))
        print("rows", len(rows))
        """
    )
    assert result.stdout.strip() == "rows 0", result.stderr


def test_rdflib_cannot_fetch_a_remote_jsonld_context():
    result = run(
        """
        import rdflib
        from careerkg.graph.sandbox import lock_down
        lock_down()
        doc = '{"@context": "http://192.0.2.1/context.jsonld", "@id": "urn:a", "name": "x"}'
        try:
            rdflib.Graph().parse(data=doc, format="json-ld")
            print("fetched")
        except Exception as error:
            print("refused:", type(error).__module__, type(error).__name__, error)
        """
    )
    output = result.stdout + result.stderr
    # The refusal is the sandbox's own, not any error rdflib meets on the way.
    assert ("refused: careerkg.graph.sandbox NetworkRefused careerkg does not open "
            "http://192.0.2.1/context.jsonld") in result.stdout, output

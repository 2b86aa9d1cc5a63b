"""Shared fixtures: real stores (memory, disk, a real `oxigraph serve`), the CLI runner.

Tests that take ``any_store`` run on a memory store, a disk store and a real
`oxigraph serve` reached over HTTP (``CAREERKG_TEST_REMOTE=0`` leaves the last out).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from careerkg.graph.store import OxigraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "seed" / "000_8aab05cd52fbbe2a.txt"
ONET_DIR = SHARED / "data" / "onet"
W3C_DIR = SHARED / "w3c"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

STORE_KINDS = ["memory", "disk"]
if os.environ.get("CAREERKG_TEST_REMOTE") != "0":
    STORE_KINDS.append("remote")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered at {url} within {timeout} s")


class OxigraphServer:
    """A real `oxigraph serve` on loopback, on an empty store of its own."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        binary = shutil.which("oxigraph")
        if binary is None:
            pytest.skip("the `oxigraph` command (PyPI package oxigraph) is not installed")
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url = self.url + "/query"
        self.update_url = self.url + "/update"
        wait_for_http(self.url + "/")

    def clear(self) -> None:
        requests.post(self.update_url, data={"update": "DROP ALL"}, timeout=30).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-serve"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def seed_store():
    """The seed graph in memory, shared by read-only tests (do not write to it)."""
    store = open_store(None)
    yield store
    store.close()


@pytest.fixture
def memory_store():
    """A fresh in-memory store with the ontology and seed loaded (writable)."""
    store = open_store(None)
    yield store
    store.close()


@pytest.fixture
def disk_store(tmp_path):
    store = open_store(str(tmp_path / "store"))
    yield store
    store.close()


@pytest.fixture(params=STORE_KINDS)
def any_store(request, tmp_path):
    """A fresh, seeded, writable store of each kind: memory, disk, and a real
    `oxigraph serve` reached over HTTP."""
    if request.param == "memory":
        store = open_store(None)
    elif request.param == "disk":
        store = open_store(str(tmp_path / "store"))
    else:
        server = request.getfixturevalue("oxigraph_server")
        server.clear()
        store = open_store(server.query_url)
    yield store
    store.close()


@pytest.fixture
def empty_store():
    store = OxigraphStore()
    yield store
    store.close()


@pytest.fixture
def cli():
    """Run the real `careerkg` command in-process: ``cli("query", "--list")``."""
    from careerkg.cli.main import main

    runner = CliRunner()

    def run(*args, input=None, env=None):
        return runner.invoke(main, list(args), input=input, env=env, catch_exceptions=False)

    return run

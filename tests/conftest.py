"""Shared fixtures: real stores (memory, disk, a real `oxigraph serve`), the CLI runner.

Tests that take ``any_store`` run on a memory store, a disk store and a real
`oxigraph serve` reached over HTTP (``CAREERKG_TEST_REMOTE=0`` leaves the last out).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner
from seed_fixture import NO_ARTICLE, env_path

from careerkg.graph.factory import open_store
from careerkg.graph.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
#: The real O*NET text files (with their README and attribution), kept in the repository.
ONET_DIR = ROOT / "data" / "onet"
#: The W3C test suites (third-party test material, not in the repository): CI sets
#: CAREERKG_W3C_TESTS (``.ci/run``); None when it is not set.
W3C_DIR = env_path("CAREERKG_W3C_TESTS")
#: Why the W3C tests are skipped without them.
NO_W3C = ("CAREERKG_W3C_TESTS is not set: the W3C test suites are third-party material, not "
          "part of the repository; set it to their folder (.ci/run does when ../shared/w3c is "
          "beside the clone)")
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: The per-client rate limit (120 requests a minute by default) is off for tests that are not
#: about it: a test module's shared app or live server makes more requests than that.  Tests of
#: the limits set RATE_LIMIT themselves (a setting given to create_app or `careerkg serve`
#: wins over the environment).
os.environ.setdefault("CAREERKG_RATE_LIMIT", "0")

# -- skips: none may hide a failure in CI -----------------------------------------------------

#: The only reasons a test may be skipped in CI (``CI`` set, as ``.ci/run`` does): what CI
#: cannot provide — root, and the third-party test material that is not in the repository
#: (a plain clone has no ../shared beside it; ``.ci/run`` says so before the run).  Anything
#: else — a browser that cannot start, a missing command, data of the repository — makes the
#: skip a failure there.  See docs/testing.md.
ALLOWED_SKIPS = frozenset({
    "network namespaces need root",
    NO_W3C,
    NO_ARTICLE,
})


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def _fail_unallowed_skip(report) -> None:
    """In CI, turn a skip whose reason is not allowed into a failure that names it."""
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    reason = _skip_reason(report)
    if reason in ALLOWED_SKIPS:
        return
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in CI: {reason!r} is not an allowed skip reason "
        f"(tests/conftest.py ALLOWED_SKIPS: {sorted(ALLOWED_SKIPS)})"
    )


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """List every skip with its reason in the summary (as ``-rs`` does): no skip is silent."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and "s" not in reporter.reportchars and "a" not in reporter.reportchars:
        reporter.reportchars += "s"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_unallowed_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_unallowed_skip(outcome.get_result())


STORE_KINDS = ["memory", "disk"]
if os.environ.get("CAREERKG_TEST_REMOTE") != "0":
    STORE_KINDS.append("remote")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float = 20.0, what: str = "the condition",
               interval: float = 0.02):
    """Poll ``condition()`` until it returns something true (returned), failing after
    ``timeout`` seconds: how tests wait for another thread or process, instead of sleeping
    for a guessed time."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(interval)


def wait_for_http(url: str, timeout: float = 20.0) -> None:
    def answers() -> bool:
        try:
            requests.get(url, timeout=1)
            return True
        except requests.RequestException:
            return False

    wait_until(answers, timeout, f"an answer at {url}", interval=0.05)


class OxigraphServer:
    """A real `oxigraph serve` on loopback, on an empty store of its own."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        # The virtualenv's own `oxigraph` first: its bin/ is not on PATH unless activated.
        binary = shutil.which("oxigraph", path=os.path.dirname(sys.executable)) or shutil.which(
            "oxigraph"
        )
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


# -- the full graph, built once per data and code digest --------------------------------------

#: What a built full graph depends on: the data, the importers, the store, the seed and the
#: ontology, and what is kept beside it (the search index, the requirement graph).
_FULL_STORE_INPUTS = ("data", "graph/importers", "graph/seed", "graph/store.py",
                      "graph/overlap", "graph/search.py", "graph/warm.py",
                      "graph/builtin.py", "ontology")


def _full_store_digest() -> str:
    import hashlib

    digest = hashlib.sha256()
    for top in _FULL_STORE_INPUTS:
        paths = [ROOT / top] if (ROOT / top).is_file() else sorted((ROOT / top).rglob("*"))
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


@pytest.fixture(scope="session")
def full_store(request) -> Path:
    """The directory of a disk store holding the full graph (``careerkg build`` of data/),
    built once and cached on disk by the digest of what it is built from (in pytest's
    cache, ``.pytest_cache/d/full-store/<digest>``, or the temporary folder without it), so
    that test modules and later sessions share it.  Beside it, ``reports.json`` holds the
    build's import reports (source → counts and warnings).  Open it with
    ``open_store(str(path))``, read-only use, and close it at the end of the module."""
    import fcntl
    import json

    from careerkg.graph.importers.build import build
    from careerkg.graph.warm import prepare_kept

    cache = getattr(request.config, "cache", None)
    base = (Path(cache.mkdir("full-store")) if cache is not None
            else Path(tempfile.gettempdir()) / "careerkg-full-store")
    base.mkdir(parents=True, exist_ok=True)
    folder = base / _full_store_digest()
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one session builds, another waits for it
        if not (folder / "reports.json").is_file():
            for old in base.iterdir():  # earlier digests: stale
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
            building = base / (folder.name + ".building")
            store = open_store(str(building / "store"))
            try:
                reports = build(store)
                prepare_kept(store)  # as `careerkg build` does: the search index, the overlap
            finally:
                store.close()
            (building / "reports.json").write_text(json.dumps({
                r.source: {"counts": r.counts, "warnings": r.warnings, "triples": r.triples}
                for r in reports}))
            building.rename(folder)
    return folder / "store"


def full_store_reports(path: Path) -> dict:
    """The import reports of the :func:`full_store` build (source → counts, warnings)."""
    import json

    return json.loads((path.parent / "reports.json").read_text())


@pytest.fixture(scope="session")
def seed_store():
    """The seed graph in memory, shared by read-only tests (do not write to it)."""
    store = open_store(None)
    yield store
    store.close()


def copy_store(store: Path, into: Path) -> Path:
    """A writable copy of a store folder (such as :func:`full_store`'s), as ``into``, with
    the files careerkg keeps beside it (``<store>.search.sqlite``, ``<store>.overlap.pickle``)
    as ``into``'s: a server locks and writes its store, and the cached full graph must stay
    as built."""
    shutil.copytree(store, into)
    for kept in store.parent.glob(glob.escape(store.name) + ".*"):
        if kept.is_file():
            shutil.copy2(kept, into.parent / (into.name + kept.name[len(store.name):]))
    return into


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


# -- the web server: a real `careerkg serve`, and a real headless Chromium -------------------


#: Debian's chromium (never Playwright's own browser download).
CHROMIUM = os.environ.get("CAREERKG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class LiveServer:
    """A real ``careerkg serve`` subprocess on a free loopback port.

    ``args`` are extra command-line options (``"--timeout", "2"``, ``"--data", path`` ...).
    The environment's ``CAREERKG_STORE`` is not passed on unless ``env`` sets it.  The
    start-up warm-up (``WARM_UP``) is off unless ``env`` turns it on: its queries would take
    query processes and CPU that tests of the pool, of killed workers and of time limits
    count on (tests/test_warmup.py tests the warm-up itself).
    """

    def __init__(self, *args: str, env: dict | None = None, startup_timeout: float = 30.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [str(a) for a in args]
        handle, self.log_path = tempfile.mkstemp(prefix="careerkg-serve-", suffix=".log")
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("CAREERKG_STORE", "CAREERKG_UPDATE_ENDPOINT")}
        environment["CAREERKG_WARM_UP"] = "false"
        environment.update(env or {})
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "careerkg.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), *self.args],
            stdout=handle, stderr=subprocess.STDOUT, env=environment,
        )
        os.close(handle)
        self.ready_after = self._wait(startup_timeout)

    def _wait(self, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"careerkg serve exited with {self.process.returncode}:\n{self.log()}"
                )
            if "careerkg serving" in self.log():
                try:  # /healthz: cheap on any graph (GET /sparql counts every triple)
                    requests.get(self.url + "/healthz", timeout=2)
                    return time.monotonic() - self.started
                except requests.RequestException:
                    pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"careerkg serve did not start within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        """Everything the server wrote so far (stdout and stderr)."""
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, then wait; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return self.process.returncode

    def close(self) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            os.unlink(self.log_path)



@pytest.fixture(scope="session")
def live_server():
    """A ``careerkg serve`` of the seed graph shared by the session; its base URL is
    ``live_server.url``.  Query time limit 5 s."""
    server = LiveServer("--timeout", "5")
    yield server
    server.close()


@pytest.fixture
def start_live_server():
    """Start extra servers with their own options: ``start_live_server("--timeout", "2")``;
    each is stopped at the end of the test."""
    servers: list[LiveServer] = []

    def start(*args: str, **kwargs) -> LiveServer:
        server = LiveServer(*args, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def is_local_url(url: str) -> bool:
    """Whether a browser request stays on this machine (loopback, data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    host = parts.hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def _unavailable(reason: str):
    """Skip a browser test with the reason (shown by ``-rs``; a failure in CI, where the
    reason is not in ALLOWED_SKIPS)."""
    pytest.skip(f"browser tests cannot run: {reason}")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (session-wide)."""
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium, or `make chromium`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
    except Exception as error:  # noqa: BLE001 - reported as unavailable
        playwright.stop()
        _unavailable(f"cannot start {CHROMIUM}: {error}")
    yield instance
    instance.close()
    playwright.stop()


class PageLog:
    """What a page did: console errors, uncaught exceptions, every request it made."""

    def __init__(self):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []

    @property
    def outside_requests(self) -> list[str]:
        """Requests that would have left the machine (they are blocked, and listed here)."""
        return [url for url in self.requests if not is_local_url(url)]

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors


@pytest.fixture
def page(browser):
    """A fresh browser page; what it does is in ``page.careerkg_log`` (a :class:`PageLog`,
    also the ``page_log`` fixture).  Requests off this machine are recorded and blocked."""
    context = browser.new_context()
    context.route(
        "**/*",
        lambda route: route.continue_() if is_local_url(route.request.url) else route.abort(),
    )
    new_page = context.new_page()
    log = PageLog()
    new_page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error"
                else None)
    new_page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    new_page.on("request", lambda r: log.requests.append(r.url))
    new_page.careerkg_log = log
    new_page.set_default_timeout(15000)
    yield new_page
    context.close()


@pytest.fixture
def page_log(page) -> PageLog:
    return page.careerkg_log


@pytest.fixture(scope="module")
def app():
    """The real web app on the seed graph (worker processes and all), one per test module."""
    from careerkg.server import close_app, create_app

    app = create_app({"TESTING": True, "MIN_WORKERS": 1, "MAX_WORKERS": 4})
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()

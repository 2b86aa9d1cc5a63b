"""The overlap view at scale (issue 13): how long a real headless Chromium takes to draw
``/overlap?family=all`` — every role of the size, as the role network — and whether the page
stays responsive once drawn.

``careerkg serve`` runs on the size's store.  The first request of the role network builds
the requirement graph and the network (communities, layout) once for the store's generation;
that cold server time is reported on its own row.  Each timed run then opens the page in a
fresh browser tab and reads, from the page itself, the time from the start of navigation to
the first frame after Cytoscape.js is ready (``window.careerkgOverlap.timing.drawn``), and a
``requestAnimationFrame`` ping right after it (how long the main thread keeps a frame waiting).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import requests

from .datasets import Dataset
from .engines import CareerkgServer
from .report import Row
from .timing import Timing

__all__ = ["measure_overlap_view"]

#: Debian's chromium, never a browser download of Playwright's own.
CHROMIUM = os.environ.get("CAREERKG_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
PING = """() => new Promise(done => { const t = performance.now();
  requestAnimationFrame(() => done(performance.now() - t)); })"""
PATH = "/overlap?family=all"
#: Where a run's time goes (ms from the start of navigation): the page's HTML received, the
#: DOM ready (the scripts run), the network's JSON read, Cytoscape.js built, the first frame.
PHASES = """() => { const n = performance.getEntriesByType('navigation')[0];
  const t = window.careerkgOverlap.timing;
  return {html: n.responseEnd, dom_ready: n.domContentLoadedEventEnd, json: t.fetched,
          built: t.built, drawn: t.drawn}; }"""


def measure_overlap_view(ds: Dataset, runs: int, logs: Path) -> tuple[list[Row], list[str]]:
    """Rows for the cold server time of the role network and the time to a drawn view."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    server = CareerkgServer(ds.careerkg_store, logs / "careerkg-overlap.log")
    try:
        server.wait_ready()
        base = server.query_url.rsplit("/sparql", 1)[0]
        start = time.perf_counter()
        answer = requests.get(base + "/api/role-network?family=all", timeout=300)
        cold = time.perf_counter() - start
        answer.raise_for_status()
        roles = len(answer.json()["nodes"])
        drawn, pings = Timing(), Timing()
        phases: dict[str, list[float]] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS,
                                                 headless=True)
            try:
                for _ in range(runs + 1):  # the first run warms the browser's caches
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(base + PATH)
                    page.wait_for_selector("#overlap-graph[data-ready='true']", timeout=60000)
                    timing = page.evaluate("window.careerkgOverlap.timing")
                    for name, ms in page.evaluate(PHASES).items():
                        phases.setdefault(name, []).append(ms)
                    ping = page.evaluate(PING)
                    count = page.evaluate("window.careerkgOverlap.cy.nodes().length")
                    page.close()
                    if count != roles:
                        problems.append(f"{ds.name} / overlap view: drew {count} roles of "
                                        f"{roles}")
                    drawn.samples.append(timing["drawn"] / 1000)
                    pings.samples.append(ping / 1000)
            finally:
                browser.close()
        drawn.samples, pings.samples = drawn.samples[1:], pings.samples[1:]
        phase_medians = {name: round(statistics.median(ms[1:])) for name, ms in phases.items()}
    finally:
        server.stop()
    rows = [
        Row("overlap view", f"/overlap?family=all drawn in Chromium ({roles:,} roles)",
            ds.name, "s", drawn.median,
            notes=f"navigation start to the first frame after drawing; a frame after it "
                  f"waited {pings.median * 1000:.0f} ms (median); median ms: "
                  + ", ".join(f"{k} {v}" for k, v in phase_medians.items()),
            details={"drawn": drawn.to_dict(), "frame_after_draw": pings.to_dict(),
                     "phases_ms": phase_medians}),
        Row("role network (cold)", "first /api/role-network?family=all of a store generation",
            ds.name, "s", cold,
            notes="builds the requirement graph, the network and its layout; cached after"),
    ]
    return rows, problems

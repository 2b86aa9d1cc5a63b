"""Throughput with concurrent clients: careerkg's ``/sparql`` against `oxigraph serve`.

Eight client processes (separate interpreters, so the clients are not serialised by one GIL)
each keep one HTTP session and send the simple queries round-robin for a fixed time, all
starting at the same instant.  Requests per second = answers received / duration.  The
clients share the machine's cores with the server being measured, for both servers alike:
the ratio is what the table reports, and the absolute rates are lower than with a native
load generator.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from .datasets import Dataset
from .engines import ACCEPT_RESULTS
from .report import Row
from .workload import SIMPLE_QUERIES, workload

__all__ = ["measure_throughput", "client_loop", "ClientPool"]


def _ready() -> bool:
    import requests  # noqa: F401 - imported before the clock starts

    return True


def client_loop(url: str, texts: list[str], offset: int, start_at: float, duration: float
                ) -> tuple[int, int, str]:
    """One client: wait until ``start_at`` (epoch seconds), then send queries until
    ``start_at + duration``; return (answers, errors, first error message)."""
    import requests

    session = requests.Session()
    done = errors = 0
    first_error = ""
    i = offset
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    end = start_at + duration
    while time.time() < end:
        text = texts[i % len(texts)]
        i += 1
        try:
            response = session.post(url, data={"query": text},
                                    headers={"Accept": ACCEPT_RESULTS}, timeout=30)
            _ = response.content
            if response.status_code == 200:
                done += 1
            else:
                errors += 1
                first_error = first_error or f"HTTP {response.status_code}: {response.text[:200]}"
        except requests.RequestException as error:
            errors += 1
            first_error = first_error or str(error)
    session.close()
    return done, errors, first_error


class ClientPool:
    """Client processes started once and reused for every server and size."""

    def __init__(self, clients: int):
        self.clients = clients
        self.executor = ProcessPoolExecutor(clients,
                                            mp_context=multiprocessing.get_context("spawn"))
        for future in [self.executor.submit(_ready) for _ in range(clients * 2)]:
            future.result()

    def run(self, url: str, texts: list[str], duration: float) -> tuple[float, int, str]:
        start_at = time.time() + 0.3
        futures = [self.executor.submit(client_loop, url, texts, i, start_at, duration)
                   for i in range(self.clients)]
        results = [f.result() for f in futures]
        done = sum(r[0] for r in results)
        errors = sum(r[1] for r in results)
        message = next((r[2] for r in results if r[2]), "")
        return done / duration, errors, message

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def measure_throughput(ds: Dataset, urls: dict[str, str], pool: ClientPool, duration: float
                       ) -> tuple[Row, list[str]]:
    """One row: requests per second of careerkg and `oxigraph serve` on the simple queries."""
    texts = [q.text for q in workload(ds.params, list(SIMPLE_QUERIES))]
    rates, problems, details = {}, [], {}
    for name in ("careerkg", "oxigraph serve"):
        rate, errors, message = pool.run(urls[name], texts, duration)
        rates[name] = rate
        details[name] = {"requests_per_s": rate, "errors": errors, "seconds": duration}
        if errors:
            problems.append(f"{ds.name} / throughput: {name} answered {errors} requests with "
                            f"errors, first: {message}")
    row = Row(
        "throughput", f"{pool.clients} clients, {' + '.join(SIMPLE_QUERIES)}", ds.name,
        "req/s", rates["careerkg"], rates["oxigraph serve"], "oxigraph serve",
        details=details,
    )
    return row, problems

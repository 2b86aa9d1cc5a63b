"""``/healthz``: whether this server can answer queries, for load balancers and monitors.

200 with ``{"status": "ok", ...}`` when the store answers; 503 with ``"status":
"unavailable"`` and the reason when it does not.  When every query process is busy the
store is not asked (that would queue behind the busy queries): the answer is 200 with
``"status": "busy"``.  Nothing secret is shown (no paths, no settings).  Exempt from the
rate limits (see :mod:`careerkg.server.limits`).
"""

from __future__ import annotations

import time

from flask import Blueprint, jsonify

from careerkg.graph import background
from careerkg.graph.errors import CareerKGError

from .state import state, store

__all__ = ["bp", "health"]

bp = Blueprint("health", __name__)


def health() -> tuple[dict, int]:
    """The health report of the current app's store and its HTTP status.

    Returns
    -------
    dict, int
        ``status`` (``ok``, ``busy`` or ``unavailable``), ``store`` (its kind),
        ``sources`` (how many, when asked), ``pool`` (the query processes, local stores),
        ``warm_up`` (``off``, ``running``, ``done`` or ``failed``: the caches a big graph
        needs, see :mod:`careerkg.server.warmup`), ``preparing`` (what is being computed in
        the background now), ``reason`` when unavailable; and 200 or 503.
    """
    kg = store()
    report: dict = {"status": "ok", "store": kg.kind}
    warming = state().warm_up
    report["warm_up"] = "off" if warming is None else warming.state
    report["preparing"] = background.running()
    pool_state = getattr(kg, "pool_state", None)
    if pool_state is not None:
        pool = pool_state()
        report["pool"] = pool
        if not pool["zygote_alive"]:
            report.update(status="unavailable", reason="the query processes are not running")
            return report, 503
        if pool["busy"] >= pool["max_workers"]:
            report.update(status="busy", sources=None)
            return report, 200
    started = time.perf_counter()
    try:
        report["sources"] = len(kg.sources())
    except (CareerKGError, OSError) as error:
        report.update(status="unavailable", reason=f"the store does not answer: {error}")
        return report, 503
    report["answered_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return report, 200


@bp.route("/healthz")
def healthz():
    """The health report as JSON (never cached)."""
    report, status = health()
    response = jsonify(report)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response

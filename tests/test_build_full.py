"""`careerkg build` of the repository's data/: the full graph (the session's ``full_store``,
built once and cached by the data's digest), counted by `careerkg info`, then built again as
a no-op."""

from __future__ import annotations

import json

import pytest
from conftest import full_store_reports

from careerkg.graph.importers.build import STEPS

# The session's full build (when not cached) runs in the first test's time: about 55 s of CPU,
# several times that in wall time on a shared machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def test_build_of_the_full_graph_counts_and_is_then_a_no_op(full_store, cli):
    """Every step imported; `careerkg info` counts the roles and skills of O*NET and ESCO
    (issue 11: at least 4,000 and 13,000); building again changes nothing, in seconds."""
    reports = full_store_reports(full_store)
    assert list(reports) == [s.kind for s in STEPS]
    assert reports["esco"]["counts"]["roles"] + reports["onet"]["counts"]["roles"] >= 4000
    again = cli("build", "--store", str(full_store), "--format", "json", "--quiet")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert [s["source"] for s in report["sources"]] == [s.kind for s in STEPS]
    assert not any(s["changed"] for s in report["sources"])
    assert report["seconds"] < 30
    info = cli("info", "--store", str(full_store), "--format", "json")
    counts = json.loads(info.output)["counts"]
    assert counts["roles"] >= 4000 and counts["skills"] >= 13000, counts

"""`careerkg build` of the repository's data/: the full graph (the session's ``full_store``,
built once and cached by the data's digest), counted by `careerkg info`, then built again as
a no-op."""

from __future__ import annotations

import json

import pytest
from conftest import full_store_reports

from careerkg.graph.factory import open_store
from careerkg.graph.importers.build import STEPS
from careerkg.graph.overlap import kept

# The session's full build (when not cached) runs in the first test's time: about 55 s of CPU,
# several times that in wall time on a shared machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def test_build_of_the_full_graph_counts_and_is_then_a_no_op(full_store, cli):
    """Every step imported; `careerkg info` counts the roles and skills of O*NET and ESCO
    (issue 11: at least 4,000 and 13,000); building again imports nothing (each step only
    hashes its input) and keeps the requirement graph and search index beside the store."""
    reports = full_store_reports(full_store)
    assert list(reports) == [s.kind for s in STEPS]
    assert reports["esco"]["counts"]["roles"] + reports["onet"]["counts"]["roles"] >= 4000
    # the requirement graph kept beside the store: `careerkg build` writes it again when it
    # is missing (put back if the build fails, for the other tests)
    pickle_path = full_store.parent / f"{full_store.name}.overlap.pickle"
    aside = pickle_path.with_name(pickle_path.name + ".aside")
    pickle_path.rename(aside)
    try:
        rebuilt = cli("build", "--store", str(full_store), "--format", "json", "--quiet")
        assert rebuilt.exit_code == 0, rebuilt.output
    finally:
        if not pickle_path.is_file():
            aside.replace(pickle_path)
    aside.unlink(missing_ok=True)
    kg = open_store(str(full_store), read_only=True)
    try:
        assert kept.kept_key(kg)[:2] == (kg.fingerprint(), kept._code_digest())
        assert kept.load_kept(kg, kg.fingerprint()).number_of_edges() > 200_000
    finally:
        kg.close()
    assert (full_store.parent / f"{full_store.name}.search.sqlite").is_file()
    again = cli("build", "--store", str(full_store), "--format", "json", "--quiet")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert [s["source"] for s in report["sources"]] == [s.kind for s in STEPS]
    assert not any(s["changed"] for s in report["sources"])
    assert report["seconds"] < 30
    info = cli("info", "--store", str(full_store), "--format", "json")
    counts = json.loads(info.output)["counts"]
    assert counts["roles"] >= 4000 and counts["skills"] >= 13000, counts

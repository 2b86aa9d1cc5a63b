"""``careerkg query NAME --param role=...`` takes any name of a role, resolved by the same
function as the canned-query pages (issue 12): the answer is the one the role's IRI gives,
and an unknown or ambiguous name lists the candidates once each.
"""

from __future__ import annotations

import json

from careerkg.graph.namespaces import ID

DS, MLE = ID + "role/data-scientist", ID + "role/machine-learning-engineer"


def _rows(cli, *params):
    result = cli("query", "salary-by-experience", *params, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["results"]["bindings"]


def test_a_label_an_alternative_title_and_a_plural_name_the_role(cli):
    by_iri = _rows(cli, "--param", f"role={DS}", "--param", f"other={MLE}")
    assert by_iri and {r["role"]["value"] for r in by_iri} == {DS}
    for name in ("data scientist", "Data Scientists", "DS", "role:data-scientist"):
        assert _rows(cli, "--param", f"role={name}", "--param", "other=ML engineer") == by_iri


def test_an_unknown_name_lists_the_candidates(cli):
    result = cli("query", "salary-by-experience", "--param", "role=scientist")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: role: no role is named 'scientist'; did you mean one of these?"
    assert "  Data scientist  (role:data-scientist)" in lines
    assert result.output.count(DS) == 0  # prefixed names, not raw IRIs


def test_a_malformed_value_is_refused_before_any_lookup(cli):
    result = cli("query", "salary-by-experience", "--param", "role=<not an iri>")
    assert result.exit_code == 1 and "Error:" in result.output
    result = cli("query", "salary-by-experience", "--param", "nope=x")
    assert result.exit_code == 1 and "no parameter nope" in result.output

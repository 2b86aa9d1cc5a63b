"""Salary figures of roles (issue 4): the seed article's figures keep their qualifiers, and
each figure reads as a person would say it."""

from __future__ import annotations

import pytest

from careerkg.graph.namespaces import ID
from careerkg.graph.salaries import salary_figures, salary_wording

ROLE = ID + "role/"
MLE = ROLE + "machine-learning-engineer"
DS = ROLE + "data-scientist"


def test_salary_figures_keep_their_qualifiers(seed_store):
    figures = salary_figures(seed_store, [MLE, DS])
    by_key = {(f.role, f.dimension, f.group_label): f for f in figures}
    senior = by_key[(MLE, "experience", "Senior")]
    # senior (over 10 years): more than $150,000
    assert (senior.qualifier, senior.amount, senior.wording) == ("at-least", 150000,
                                                                "over $150,000")
    entry = by_key[(DS, "experience", "Entry level")]
    # entry level data scientists: about $85,000
    assert (entry.qualifier, entry.wording) == ("approximate", "about $85,000")
    overall = by_key[(MLE, "overall", "Overall")]
    assert (overall.qualifier, overall.wording) == ("exact", "$112,806")
    ranges = [f for f in figures if f.qualifier == "relative-range"]
    # smaller cities: 10-20% lower, for both roles
    assert {f.role for f in ranges} == {MLE, DS}
    # ... relative to the tech hubs' figure (San Francisco, New York)
    assert all(f.wording == "10–20% lower than Tech hubs" for f in ranges)
    dims = [f.dimension for f in figures]
    assert dims == sorted(dims, key=["overall", "experience", "location", "industry"].index)
    levels = [f.group_label for f in figures if f.dimension == "experience" and f.role == MLE]
    assert levels == ["Entry level", "Mid level", "Senior"]
    assert salary_figures(seed_store, []) == []


@pytest.mark.parametrize("args, wording", [
    (("exact", 1000, "EUR"), "€1,000"),
    (("up-to", 99999.6, "CHF"), "up to 100,000 CHF"),
    (("relative-range", None, None, 0.05, 0.05), "5% higher"),
    (("approximate", None), "no amount"),
])
def test_salary_wording(args, wording):
    assert salary_wording(*args) == wording


def test_docstring_examples_run():
    import doctest

    from careerkg.graph import salaries

    failures, tried = doctest.testmod(salaries, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0

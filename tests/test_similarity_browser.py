"""The next and path pages in a real headless Chromium (issue 13), on a served graph of
hand-made roles: the forms, the tables and lists they draw, the links between them."""

from __future__ import annotations

import pytest
from conftest import LiveServer
from test_similarity import TURTLE, X

ISLAND = f"""
<{X}hermit> a <https://w3id.org/careerkg/ontology#Role> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Test hermit" ;
    <https://w3id.org/careerkg/ontology#requiresSkill> <{X}solitude> .
<{X}solitude> a <https://w3id.org/careerkg/ontology#Skill> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "Solitude" .
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("moves") / "moves.ttl"
    data.write_text(TURTLE + ISLAND, encoding="utf-8")
    live = LiveServer("--data", str(data))
    yield live
    live.close()


@pytest.mark.browser
def test_next_page_lists_moves_and_follows_them(page, page_log, server):
    page.goto(server.url + "/next")
    page.fill("#role", "test nurse")
    with page.expect_navigation():
        page.click("#next-form button[type=submit]")
    rows = page.locator("#next-roles tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert row.get_attribute("data-iri") == X + "medic"
    assert row.locator("td").nth(1).inner_text().startswith("Test medic")
    assert row.locator("ul.learn li").all_inner_texts() == ["Triage"]
    assert "$86,070" in page.text_content(".summary")
    with page.expect_navigation():
        row.get_by_role("link", name="next from there").click()
    assert page.locator("#source-role").inner_text() == "Test medic"
    assert page.locator("#next-roles tbody tr").first.get_attribute("data-iri") == X + "nurse"
    assert page_log.errors == [] and page_log.outside_requests == []


@pytest.mark.browser
def test_path_page_draws_the_steps_and_says_when_there_is_none(page, page_log, server):
    page.goto(server.url + "/path")
    page.fill("#role-a", "99-0001.00")
    page.fill("#role-b", "Test medic")
    with page.expect_navigation():
        page.click("#path-form button[type=submit]")
    steps = page.locator("#path-steps > li")
    assert steps.count() == 2
    assert [steps.nth(i).get_attribute("data-iri") for i in range(2)] == [X + "nurse",
                                                                         X + "medic"]
    assert steps.nth(0).locator("h2").inner_text().startswith("Test nurse")
    assert steps.nth(1).locator("ul.learn li").all_inner_texts() == ["Triage"]
    assert steps.nth(1).locator("ul.learn li a").first.is_visible()
    with page.expect_navigation():
        steps.nth(1).get_by_role("link", name="compare").click()
    assert "/compare" in page.url and page.locator("#explanation li").count() == 5
    page.goto(server.url + "/path?a=test%20nurse&b=test%20hermit")
    assert page.locator("#no-path").is_visible()
    assert "no path from Test nurse to Test hermit within 4 steps" in page.text_content(
        "#no-path")
    assert page.locator("#path-steps").count() == 0
    assert page_log.errors == [] and page_log.outside_requests == []

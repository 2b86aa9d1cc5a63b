"""The header's search box in a real headless Chromium on a live `careerkg serve` (issue 12):
type, pick a suggestion (by mouse or keyboard), land on the thing's page; without
JavaScript the same box is a form that lists results; on a phone it fits the screen.
"""

from __future__ import annotations

import pytest

from careerkg.graph.search import search

pytestmark = pytest.mark.browser

BOX = "#site-search-q"
OPTIONS = "#site-search-list li[role=option]"


def test_type_pick_a_suggestion_and_land_on_its_page(live_server, page, page_log, seed_store):
    page.goto(live_server.url + "/queries")
    page.locator(BOX).press_sequentially("machine lern", delay=40)
    page.wait_for_selector(OPTIONS)
    expected = [hit.label for hit in search(seed_store, "machine lern", limit=8)]
    shown = page.locator(OPTIONS + " .suggestion-label").all_inner_texts()
    assert shown == expected and "Machine learning engineer" in shown
    page.locator(OPTIONS, has_text="Machine learning engineer").click()
    page.wait_for_url("**/id/role/machine-learning-engineer")
    assert "Machine learning engineer" in page.locator("h1").inner_text()
    assert page_log.errors == [] and page_log.outside_requests == []


def test_the_keyboard_picks_a_suggestion(live_server, page, page_log):
    page.goto(live_server.url + "/")
    page.locator(BOX).press_sequentially("statistcs", delay=40)  # a typo
    page.wait_for_selector(OPTIONS)
    first = page.locator(OPTIONS).first.inner_text()
    page.keyboard.press("ArrowDown")
    assert page.locator(OPTIONS).first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert first.splitlines()[0] in page.locator("h1").inner_text()
    assert page_log.errors == []


def test_escape_closes_and_enter_without_a_pick_opens_the_results(live_server, page):
    page.goto(live_server.url + "/")
    page.locator(BOX).press_sequentially("python", delay=40)
    page.wait_for_selector(OPTIONS)
    page.keyboard.press("Escape")
    assert page.locator("#site-search-list").is_hidden()
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=python")
    assert page.locator("ol.search-results li").count() >= 1


def test_without_javascript_the_box_is_a_form(live_server, browser, seed_store):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/id/role/data-scientist")
        page.fill(BOX, "ML engineers")
        page.click(".site-search button[type=submit]")
        page.wait_for_url("**/search?q=ML+engineers")
        links = page.locator("ol.search-results li > a")
        expected = [hit.label for hit in search(seed_store, "ML engineers", limit=50)]
        assert links.all_inner_texts() == expected
        links.first.click()
        page.wait_for_url("**/id/role/machine-learning-engineer")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/search?q=data", "/id/role/data-scientist"])
def test_the_box_fits_a_phone(live_server, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server.url + path)
        box = page.locator(BOX).bounding_box()
        assert box["height"] >= 40 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.querySelector('.site-header').scrollWidth") <= 390
    finally:
        context.close()

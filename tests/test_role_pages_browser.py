"""What a person does, in a real headless Chromium on a live `careerkg serve` of the seed
(issue 12): type in the search box, pick a suggestion, land on the role page, follow "compare
with…", pick the role to compare with; and start from the home page's one-click comparison.
"""

from __future__ import annotations

import pytest
import rdflib
from seed_fixture import source_files_graphs

from careerkg.graph.namespaces import CKG, ID
from careerkg.graph.roles import role_profile

pytestmark = pytest.mark.browser

BOX = "#site-search-q"
OPTIONS = "#site-search-list li[role=option]"
SKOS_DEFINITION = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#definition")


def test_search_pick_land_on_the_role_page_and_compare(live_server, page, page_log, seed_store):
    page.goto(live_server.url + "/")
    page.locator(BOX).press_sequentially("data sci", delay=40)
    page.wait_for_selector(OPTIONS)
    page.locator(OPTIONS, has_text="Data scientist").first.click()
    page.wait_for_url("**/id/role/data-scientist")
    assert page.locator("h1").inner_text() == "Data scientist"
    # The summary is on the screen first: what it is, what it pays (source visible).
    seed = rdflib.Graph()
    for graph in source_files_graphs().values():
        seed += graph
    definition = str(seed.value(rdflib.URIRef(ID + "role/data-scientist"), SKOS_DEFINITION))
    assert page.locator(".role-description").inner_text() == definition
    assert page.locator(".summary-pay .chart-source").is_visible()
    assert "Glassdoor" in page.locator(".summary-pay .chart-source").inner_text()
    # The raw statements are there but folded away.
    assert page.locator("details.raw-statements dl.incoming").is_hidden()
    page.locator("details.raw-statements > summary").click()
    assert page.locator("details.raw-statements dl.incoming").is_visible()
    # Compare with…: the compare page with A filled in, suggesting the most similar roles.
    page.get_by_role("link", name="Compare with…").click()
    page.wait_for_url("**/compare?a=*")
    assert page.locator("#role-a").input_value() == ID + "role/data-scientist"
    most_like = role_profile(seed_store, "data scientist").related[0]["label"]
    page.get_by_role("link", name=f"compare with {most_like}").click()
    page.wait_for_selector("#salary-chart")
    assert page.locator("[data-score='jaccard']").is_visible()
    assert page_log.errors == [] and page_log.outside_requests == []


def test_the_home_page_starts_a_comparison_in_one_click(live_server, page, page_log):
    page.goto(live_server.url + "/")
    assert page.locator("main form").first.get_attribute("action") == "/search"
    page.get_by_role("link", name="Data scientist vs machine learning engineer").click()
    page.wait_for_selector("#salary-chart")
    assert page.locator("#role-b").input_value() == "machine learning engineer"
    page.go_back()
    page.get_by_role("link", name="Computer and Mathematical roles").first.click()
    page.wait_for_url("**/browse/roles?family=15")
    assert page.locator("h1").inner_text() == "Computer and Mathematical roles"
    # The family filter is a plain form: choose "all families" and show.
    page.select_option("#family", "")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/browse/roles?family=")
    roles = {str(s) for g in source_files_graphs().values()
             for s in g.subjects(rdflib.RDF.type, rdflib.URIRef(CKG + "Role"))}
    assert page.locator("ul.browse-roles li").count() == len(roles)
    assert page_log.errors == []

"""A passage's page shows where it is in the article, and its text only when the server has the
article (its ARTICLE setting, CAREERKG_ARTICLE), read at request time and checked against the
SHA-256 the graph records.  Real app, real seed store; positions come from the seed itself."""

from __future__ import annotations

import html
import re

import pytest

from careerkg.graph.article import article_path
from careerkg.graph.namespaces import ID
from careerkg.server import close_app, create_app

try:
    from seed_fixture import article_text, seed_store, select
except ImportError:  # tests/ imported as a package
    from tests.seed_fixture import article_text, seed_store, select

PASSAGE = ID + "source/passage-salary-experience-mle"


def selector(passage: str) -> tuple[str, int, int]:
    """(section, start, end) of a passage, as the seed states them."""
    row = select(seed_store(), f"""
        SELECT ?section ?start ?end WHERE {{
          <{passage}> <https://w3id.org/careerkg/ontology#section> ?section ;
                      <http://www.w3.org/ns/oa#hasSelector> ?s .
          ?s <http://www.w3.org/ns/oa#start> ?start ; <http://www.w3.org/ns/oa#end> ?end .
        }}""")[0]
    return row["section"], row["start"], row["end"]


def page_of(article, passage: str = PASSAGE) -> str:
    """The HTML page of ``passage`` from an app whose ARTICLE setting is ``article``."""
    app = create_app({"TESTING": True, "MIN_WORKERS": 1, "MAX_WORKERS": 2, "ARTICLE": article})
    try:
        response = app.test_client().get("/id/" + passage[len(ID):],
                                         headers={"Accept": "text/html"})
        assert response.status_code == 200
        return response.get_data(as_text=True)
    finally:
        close_app(app)


def element(page: str, css_class: str) -> str | None:
    found = re.search(rf'class="(?:[^"]*\s)?{css_class}(?:\s[^"]*)?">(.*?)</', page, re.S)
    return html.unescape(found.group(1)).strip() if found else None


def test_without_the_article_the_page_shows_section_and_position_only():
    section, start, end = selector(PASSAGE)
    page = page_of(None)
    assert element(page, "passage-section") == section
    assert element(page, "passage-start") == str(start)
    assert element(page, "passage-end") == str(end)
    assert element(page, "passage-text") is None
    assert "no copy of the article" in element(page, "passage-text-unavailable")


def test_with_the_article_the_page_shows_the_passage_text():
    text = article_text()
    _section, start, end = selector(PASSAGE)
    page = page_of(str(article_path()))
    shown = element(page, "passage-text")
    assert shown == text[start:end]
    assert "around $89,000" in shown


def test_a_different_file_is_not_used(tmp_path):
    other = tmp_path / "article.txt"
    other.write_text("Not the article. " * 100, encoding="utf-8")
    page = page_of(str(other))
    assert element(page, "passage-text") is None
    assert "SHA-256" in element(page, "passage-text-unavailable")


def test_a_missing_file_says_so(tmp_path):
    page = page_of(str(tmp_path / "absent.txt"))
    assert element(page, "passage-text") is None
    assert "cannot read the article" in element(page, "passage-text-unavailable")


def test_other_pages_have_no_passage_block():
    page = page_of(None, ID + "role/data-scientist")
    assert element(page, "passage-section") is None


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld"])
def test_the_passage_as_data_points_into_the_article(suffix):
    app = create_app({"TESTING": True, "MIN_WORKERS": 1, "MAX_WORKERS": 2})
    try:
        body = app.test_client().get(
            "/id/" + PASSAGE[len(ID):] + suffix).get_data(as_text=True)
    finally:
        close_app(app)
    assert "hasSelector" in body and "passage-salary-experience-mle-selector" in body
    assert "quote" not in body

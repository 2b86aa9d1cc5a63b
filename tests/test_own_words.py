"""The project's own words: no tracked file repeats the source article's sentences.

Facts and figures carry over from the article; its sentences do not.  A file fails when it shares
a run of 8 consecutive words with the article, except runs inside the article's title (the
article's identifier).  Words are compared after normalising: case folded, apostrophes dropped
("they’re" is "theyre"), every other run of punctuation and whitespace a word break, so
"$150,000" is the words "150" and "000".

The article is third-party text, read from the path in CAREERKG_ARTICLE (.ci/run sets it); the
tests are skipped, saying so, when it is unset.  The files are the repository's tracked files
(``git ls-files``): code, data, docs and tests alike; binary files (a NUL byte or not UTF-8) and
third-party data under ``data/`` are skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

try:
    from seed_fixture import article_text
except ImportError:  # tests/ imported as a package
    from tests.seed_fixture import article_text

ROOT = Path(__file__).resolve().parents[1]
RUN = 8
#: Folders of third-party data files, kept as their publishers wrote them.
THIRD_PARTY = ("data/",)

_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018")
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of ``text``, normalised for comparison.

    >>> words("They’re  in TECH-driven, worlds: $150,000!")
    ['theyre', 'in', 'tech', 'driven', 'worlds', '150', '000']
    """
    return _WORD.findall(text.casefold().translate(_APOSTROPHES))


def runs(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive words.

    >>> sorted(runs(["a", "b", "c"], 2))
    [('a', 'b'), ('b', 'c')]
    """
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def article_runs(article: str) -> set[tuple[str, ...]]:
    """The article's 8-word runs, less those inside its title (its first line)."""
    title = article.strip().splitlines()[0]
    return runs(words(article)) - runs(words(title))


def shared_runs(text: str, forbidden: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The runs of ``text`` (in order, overlapping) that are also runs of the article."""
    tokens = words(text)
    return [run for i in range(len(tokens) - RUN + 1)
            if (run := tuple(tokens[i:i + RUN])) in forbidden]


def tracked_texts() -> dict[str, str]:
    """Every tracked text file of the repository, by path (binary and third-party data left
    out)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are listed with `git ls-files`")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode("utf-8").split("\0")
    texts = {}
    for name in filter(None, listed):
        path = ROOT / name
        if name.startswith(THIRD_PARTY) or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


@pytest.fixture(scope="module")
def article() -> str:
    return article_text()


@pytest.fixture(scope="module")
def forbidden(article) -> set[tuple[str, ...]]:
    return article_runs(article)


def test_no_tracked_file_repeats_the_article(forbidden):
    texts = tracked_texts()
    assert len(texts) > 100 and "graph/seed/source.ttl" in texts
    found = {name: shared for name, text in sorted(texts.items())
             if (shared := shared_runs(text, forbidden))}
    report = "; ".join(f"{name}: {len(shared)} run(s), first: {' '.join(shared[0])!r}"
                       for name, shared in found.items())
    assert not found, f"files sharing {RUN}-word runs with the article: {report}"


# -- the check finds what it must, and only that ------------------------------------------------


def test_a_sentence_of_the_article_is_found_whatever_its_case_and_punctuation(article, forbidden):
    tokens = words(article)
    body = tokens[len(words(article.splitlines()[0])) + 40:][:12]
    planted = "Some text. " + ", ".join(body).upper() + " -- and more text of ours."
    assert len(shared_runs(planted, forbidden)) == len(body) - RUN + 1
    # seven of its words in a row are not a run
    assert shared_runs("Some text. " + " ".join(body[:RUN - 1]) + " and ours.", forbidden) == []


def test_the_title_is_the_article_s_identifier_and_is_not_a_run(article, forbidden):
    title = article.strip().splitlines()[0]
    assert len(words(title)) >= RUN
    assert shared_runs(f'dct:title "{title}"@en', forbidden) == []


def test_binary_and_third_party_files_are_not_read():
    texts = tracked_texts()
    assert not any(name.startswith(THIRD_PARTY) for name in texts)
    assert all("\0" not in text for text in texts.values())

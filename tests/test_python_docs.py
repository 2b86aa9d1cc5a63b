"""docs/python.md is a real session: every example in it runs, against the real seed."""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "python.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_every_code_block_is_a_doctest():
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.M | re.S)
    python = [body for lang, body in blocks if lang in ("python", "py", "pycon", "")]
    assert python and all(body.lstrip().startswith(">>>") for body in python)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_docs_python_md_runs(tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    shutil.copy(FIXTURES / "own-roles.csv", tmp_path / "my-roles.csv")
    monkeypatch.chdir(tmp_path)  # the session writes careerkg.ttl where it runs
    result = doctest.testfile(
        str(DOC), module_relative=False, report=True, verbose=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    prompts = DOC.read_text(encoding="utf-8").count("\n>>> ")
    assert result.failed == 0
    assert result.attempted == prompts > 20
    assert (tmp_path / "careerkg.ttl").is_file()

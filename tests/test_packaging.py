"""careerkg installs as one package: a wheel built from this checkout, installed into a fresh
virtualenv, gives ``import careerkg`` (the API), its subpackages, the packaged ``.ttl`` and
``.rq`` files, and the ``careerkg`` command.  The editable install of ``make setup`` maps the
same names onto the folders of the checkout."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import careerkg
import careerkg.graph

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import sys
from importlib.resources import files
import careerkg, careerkg.graph.builtin
prefix = sys.argv[1]
assert careerkg.__file__.startswith(prefix), careerkg.__file__
assert careerkg.graph.__file__.startswith(prefix), careerkg.graph.__file__
assert (files("careerkg") / "py.typed").is_file()
queries = sorted(p.name for p in files("careerkg.queries").iterdir() if p.name.endswith(".rq"))
ontology = sorted(p.name for p in files("careerkg.ontology").iterdir() if p.name.endswith(".ttl"))
seed = sorted(p.name for p in files("careerkg.graph.seed").iterdir() if p.name.endswith(".ttl"))
kg = careerkg.open()
roles = len(kg.query("SELECT ?r WHERE { ?r a ckg:Role }"))
print(len(queries), len(ontology), len(seed), roles, sorted(careerkg.__all__) == sorted(
    n for n in careerkg.__all__ if hasattr(careerkg, n)))
"""


def test_editable_install_maps_the_checkout_folders():
    assert Path(careerkg.__file__).parent == ROOT / "api"
    assert Path(careerkg.graph.__file__).parent == ROOT / "graph"


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(dist), str(ROOT)], check=True, timeout=240)
    (wheel,) = dist.glob("careerkg-*.whl")
    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # The dependencies come from this environment (no network); careerkg only from the wheel:
    # a plain path in a .pth file, unlike the editable finder here, adds no careerkg.
    (Path(purelib) / "zz-careerkg-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", str(wheel)], check=True, timeout=240)
    found = subprocess.run([python, "-c", CHECK, purelib], cwd=tmp_path, check=True,
                           capture_output=True, text=True, timeout=240).stdout.split()
    expected = [
        str(len(list((ROOT / "queries").glob("*.rq")))),
        str(len(list((ROOT / "ontology").glob("*.ttl")))),
        str(len(list((ROOT / "graph" / "seed").glob("*.ttl")))),
    ]
    assert found[:3] == expected
    assert int(found[3]) >= 2 and found[4] == "True"
    command = subprocess.run([env / "bin" / "careerkg", "query", "-e",
                              "ASK { role:data-scientist a ckg:Role }"], cwd=tmp_path,
                             check=True, capture_output=True, text=True, timeout=240)
    assert command.stdout.strip() == "yes"

"""Copy the browser assets careerkg serves from node_modules/ into server/static/vendor/.

Run by ``make setup`` after ``npm ci``.  Copies the built files the pages load (YASGUI for
the query editor, Cytoscape.js for the overlap views), writes ``THIRD_PARTY_LICENSES.txt``
with the licence of every npm package those bundles come from (name, version, licence id and
the text of its licence file where the package ships one), and touches ``.installed``.
Nothing here is committed: ``server/static/vendor/`` is git-ignored.

Usage::

    python scripts/vendor_assets.py [--node-modules DIR] [--target DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: npm package → files of it to copy (path inside the package → name in vendor/).
ASSETS: dict[str, dict[str, str]] = {
    "@zazuko/yasgui": {
        "build/yasgui.min.js": "yasgui.min.js",
        "build/yasgui.min.css": "yasgui.min.css",
    },
    "cytoscape": {
        "dist/cytoscape.min.js": "cytoscape.min.js",
    },
}

_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying)(\.(md|txt|markdown))?$", re.IGNORECASE)


def _package_dir(node_modules: Path, name: str) -> Path:
    directory = node_modules / name
    if not (directory / "package.json").is_file():
        raise SystemExit(
            f"error: {directory} is missing: run `npm ci` in {ROOT} first (it installs the "
            "packages listed in package.json)"
        )
    return directory


def _closure(node_modules: Path, roots: list[str]) -> list[str]:
    """The packages ``roots`` depend on, transitively (as installed), sorted by name."""
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        manifest = node_modules / name / "package.json"
        if not manifest.is_file():
            continue
        seen.add(name)
        pending.extend(json.loads(manifest.read_text(encoding="utf-8")).get("dependencies", {}))
    return sorted(seen)


def _licence_text(directory: Path) -> str | None:
    for entry in sorted(directory.iterdir()):
        if entry.is_file() and _LICENCE_FILE.match(entry.name):
            return entry.read_text(encoding="utf-8", errors="replace").strip()
    return None


def licences(node_modules: Path, roots: list[str]) -> str:
    """The text of THIRD_PARTY_LICENSES.txt for ``roots`` and everything they depend on."""
    parts = [
        "Third-party code served by careerkg from static/vendor/ (copied from npm packages by",
        "scripts/vendor_assets.py). The bundles include the packages below.",
        "",
    ]
    for name in _closure(node_modules, roots):
        directory = node_modules / name
        manifest = json.loads((directory / "package.json").read_text(encoding="utf-8"))
        licence = manifest.get("license") or "see the package"
        parts.append("=" * 78)
        parts.append(f"{name} {manifest.get('version', '?')} — licence: {licence}")
        homepage = manifest.get("homepage")
        if homepage:
            parts.append(f"homepage: {homepage}")
        parts.append("=" * 78)
        text = _licence_text(directory)
        parts.append(text if text else f"(The package ships no licence file; package.json "
                                         f"declares the licence {licence}.)")
        parts.append("")
    return "\n".join(parts) + "\n"


def vendor(node_modules: Path, target: Path) -> list[Path]:
    """Copy the assets and write the licences; return the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for package, files in ASSETS.items():
        directory = _package_dir(node_modules, package)
        for source, name in files.items():
            out = target / name
            shutil.copyfile(directory / source, out)
            written.append(out)
    notice = target / "THIRD_PARTY_LICENSES.txt"
    notice.write_text(licences(node_modules, list(ASSETS)), encoding="utf-8")
    written.append(notice)
    stamp = target / ".installed"
    stamp.touch()
    written.append(stamp)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    parser.add_argument("--target", type=Path, default=ROOT / "server" / "static" / "vendor")
    args = parser.parse_args(argv)
    for path in vendor(args.node_modules, args.target):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

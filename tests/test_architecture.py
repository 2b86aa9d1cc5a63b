"""docs/architecture.md stays true: its route table is the app's URL map."""

from __future__ import annotations

import re
from pathlib import Path

from careerkg.server import close_app, create_app
from scripts.route_table import routes

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
ROW = re.compile(r"^\| `(?P<rule>[^`]+)` \| (?P<methods>[^|]+) \| `(?P<endpoint>[^`]+)` \|$")


def documented_routes() -> list[tuple[str, str, str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if match := ROW.match(line.strip()):
            rows.append((match["rule"], match["methods"].strip(), match["endpoint"]))
    return sorted(rows)


def test_the_route_table_is_the_apps_url_map():
    app = create_app({"TESTING": True, "MIN_WORKERS": 1, "ADMIN_TOKEN": "x" * 32})
    try:
        actual = routes(app)
    finally:
        close_app(app)
    documented = documented_routes()
    missing = sorted(set(actual) - set(documented))
    stale = sorted(set(documented) - set(actual))
    assert not missing and not stale, (
        f"docs/architecture.md's route table is out of date (python scripts/route_table.py "
        f"prints the current one); not documented: {missing}; no longer routes: {stale}")


def test_the_table_reader_reads_rows():
    # The check above cannot pass vacuously: the table has rows and names the endpoint.
    assert ("/sparql", "GET, POST", "sparql.endpoint") in documented_routes()

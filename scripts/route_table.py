"""Print the route table of docs/architecture.md from the app's URL map.

``python scripts/route_table.py`` prints the Markdown table; ``tests/test_architecture.py``
fails when the table in the docs and the app's routes disagree.
"""

from __future__ import annotations

import sys

from careerkg.server import close_app, create_app

HIDDEN = {"HEAD", "OPTIONS"}


def routes(app) -> list[tuple[str, str, str]]:
    """``(rule, methods, endpoint)`` of every route, sorted by rule."""
    rows = []
    for rule in app.url_map.iter_rules():
        methods = ", ".join(sorted(set(rule.methods or ()) - HIDDEN))
        rows.append((rule.rule, methods, rule.endpoint))
    return sorted(rows)


def table(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| URL | methods | view function |", "|---|---|---|"]
    lines += [f"| `{rule}` | {methods} | `{endpoint}` |" for rule, methods, endpoint in rows]
    return "\n".join(lines)


def main() -> None:
    app = create_app({"TESTING": True, "MIN_WORKERS": 1, "ADMIN_TOKEN": "x" * 32})
    try:
        sys.stdout.write(table(routes(app)) + "\n")
    finally:
        close_app(app)


if __name__ == "__main__":
    main()

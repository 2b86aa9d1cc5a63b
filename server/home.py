"""``/``: what careerkg is, what the graph holds, and links to everything else."""

from __future__ import annotations

from flask import Blueprint, render_template

from careerkg.graph.library import load_library
from careerkg.graph.namespaces import CKG
from careerkg.graph.stats import graph_counts

from .describe import LABEL_PREDICATES
from .state import state, store

__all__ = ["bp"]

bp = Blueprint("home", __name__)

#: How many roles the home page lists by name.
ROLES_SHOWN = 50


def _roles() -> list[dict]:
    labels = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
    result = store().query(
        f"""SELECT ?role (SAMPLE(?name) AS ?label) WHERE {{
          ?role a <{CKG}Role> .
          OPTIONAL {{ VALUES ?p {{ {labels} }} ?role ?p ?name
                      FILTER(LANG(?name) = "" || LANGMATCHES(LANG(?name), "en")) }}
        }} GROUP BY ?role ORDER BY LCASE(STR(?label)) LIMIT {ROLES_SHOWN + 1}""",
        timeout=state().timeout,
    )
    return result.to_python()


@bp.route("/")
def index():
    """The home page."""
    roles = _roles()
    return render_template(
        "home.html",
        counts=graph_counts(store()),
        sources=store().sources(),
        roles=roles[:ROLES_SHOWN],
        more_roles=len(roles) > ROLES_SHOWN,
        queries=list(load_library().values()),
        store_description=state().describe_store(),
    )

"""``/``: search first, one-click starting points, then what the graph holds and the rest."""

from __future__ import annotations

from flask import Blueprint, render_template

from careerkg.graph.browse import browse_roles
from careerkg.graph.library import load_library
from careerkg.graph.namespaces import ID
from careerkg.graph.stats import graph_counts

from .state import state, store

__all__ = ["bp", "STARTING_COMPARE", "DATA_FAMILY"]

bp = Blueprint("home", __name__)

#: The comparison the home page offers in one click (names, resolved by /compare).
STARTING_COMPARE = ("data scientist", "machine learning engineer")
#: The family of data careers: SOC major group 15, Computer and Mathematical.
DATA_FAMILY = "15"


@bp.route("/")
def index():
    """The home page."""
    roles = browse_roles(store(), per_page=100_000)
    own = [r for r in roles.items if r["iri"].startswith(ID + "role/")]
    families = {key: (name, n) for key, name, n in roles.families}
    return render_template(
        "home.html",
        counts=graph_counts(store()),
        sources=store().sources(),
        own_roles=own,
        total_roles=roles.total,
        starting_compare=STARTING_COMPARE,
        data_family=(DATA_FAMILY, *families[DATA_FAMILY]) if DATA_FAMILY in families else None,
        queries=list(load_library().values()),
        store_description=state().describe_store(),
    )

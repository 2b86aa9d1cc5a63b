"""Browse pages: ``/browse/roles?family=&page=`` (every role, or one family such as SOC 15
"Computer and Mathematical"), ``/browse/skills``, ``/browse/tools``, ``/browse/industries``
(the ones most roles need first), each paged with ``?page=``.

The lists are :mod:`careerkg.graph.browse`'s; this module only reads the parameters.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from careerkg.graph.browse import KINDS, browse_items, browse_roles

from .errors import HttpProblem
from .params import int_arg
from .state import store

__all__ = ["bp", "PER_PAGE", "MAX_PAGE"]

bp = Blueprint("browse", __name__)

#: Rows of one browse page, and the highest page number a request may ask for.
PER_PAGE = 50
MAX_PAGE = 10_000


@bp.route("/browse/roles")
def roles():
    """Every role by name, or one family's (``?family=15``), ``?page=``."""
    family = (request.args.get("family") or "").strip() or None
    page = int_arg("page", 1, MAX_PAGE)
    try:
        listing = browse_roles(store(), family=family, page=page, per_page=PER_PAGE)
    except ValueError as error:
        raise HttpProblem(404, str(error)) from None
    names = {key: name for key, name, _n in listing.families}
    return render_template("browse.html", kind="roles", title="Roles", listing=listing,
                           family=family, family_name=names.get(family or ""),
                           kinds=KINDS)


@bp.route("/browse/<any(skills, tools, industries):kind>")
def items(kind: str):
    """Every skill, tool or industry, the ones most roles need first, ``?page=``."""
    page = int_arg("page", 1, MAX_PAGE)
    listing = browse_items(store(), kind, page=page, per_page=PER_PAGE)
    return render_template("browse.html", kind=kind, title=KINDS[kind][2], listing=listing,
                           family=None, family_name=None, kinds=KINDS)

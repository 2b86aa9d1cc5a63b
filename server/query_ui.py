"""``/query``: the query editor (YASGUI) with the canned-query library, and a plain form.

With JavaScript on, YASGUI (served from ``static/vendor/``) sends queries to ``/sparql``; the
query is kept in the page's URL (``/query?query=...``) so it can be shared.  With JavaScript
off, the plain form on the same page submits ``/query?query=...&run=1`` and the server runs
the query and renders the answer as an HTML table.  With ``run=1`` the page also carries
that answer (SPARQL JSON or Turtle) for YASGUI to show, so the query runs once either way.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from careerkg.graph.errors import QueryTimeout, StoreError
from careerkg.graph.formats import RDF_FORMATS, RESULTS_FORMATS
from careerkg.graph.library import load_library
from careerkg.graph.namespaces import BASE, CKG, ID, PREFIXES
from careerkg.graph.results import parse_answer
from careerkg.graph.sparql import QuerySyntaxError

from .errors import HttpProblem, ServiceRefused, UpdateRefused
from .querying import prepare, run_query_serialized
from .state import state

__all__ = ["bp", "DEFAULT_QUERY", "initial_query"]

bp = Blueprint("query_ui", __name__)

#: The query the editor starts with (after the project's PREFIX lines).
DEFAULT_QUERY = """SELECT ?role ?label WHERE {
  ?role a ckg:Role ;
        rdfs:label ?label .
}
ORDER BY ?label"""


def initial_query() -> str:
    """The editor's first text: every project prefix, then :data:`DEFAULT_QUERY`."""
    header = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())
    return f"{header}\n\n{DEFAULT_QUERY}\n"


@bp.route("/query")
def query_page():
    """The editor page; with ``run=1`` (the plain form) also the answer as a table."""
    text = request.args.get("query")
    result = error = answer = None
    status = 200
    if text and request.args.get("run"):
        try:
            prepared = prepare(text)
            fmt = "turtle" if prepared.info.returns_graph else "json"
            body, info = run_query_serialized(prepared, fmt)
            answer = (body, fmt)
            result = parse_answer(body, fmt, info)
        except QuerySyntaxError as exc:
            error, status = {"message": f"malformed SPARQL: {exc}", "line": exc.line,
                             "column": exc.column}, 400
        except UpdateRefused as exc:
            error, status = {"message": str(exc)}, 403
        except ServiceRefused as exc:
            error, status = {"message": str(exc)}, 400
        except HttpProblem as exc:
            error, status = {"message": exc.message}, exc.status
        except (QueryTimeout, StoreError) as exc:
            error, status = {"message": str(exc)}, 503
    library = [
        {"name": q.name, "title": q.title, "description": q.description,
         "query": q.bind(), "url": url_for("canned.query", name=q.name)}
        for q in load_library().values()
    ]
    settings = {
        "endpoint": url_for("sparql.endpoint", _external=True),
        "page": url_for("query_ui.query_page"),
        "query": text or initial_query(),
        "fromUrl": bool(text),
        "answer": _answer_for_editor(answer, error, status),
        "prefixes": PREFIXES,
        "library": library,
        "links": {
            "id": ID, "idPath": url_for("entities.entity", path="x")[:-1],
            "ontology": CKG, "ontologyPath": url_for("entities.ontology"),
            "base": BASE, "resourcePath": url_for("entities.resource"),
        },
    }
    return render_template(
        "query.html",
        settings=settings,
        library=library,
        text=text if text is not None else initial_query(),
        result=result,
        error=error,
        has_editor=state().has_vendor_assets,
        download={fmt: url_for("sparql.endpoint", query=text, format=fmt)
                  for fmt in ("csv", "json")} if text else None,
    ), status


def _answer_for_editor(answer: tuple[bytes, str] | None, error: dict | None,
                       status: int) -> dict | None:
    """The answer the server already computed (the engine's serialization and its format),
    in the form YASGUI's results view takes (so that the page does not run the query a
    second time), or None."""
    if answer is not None:
        body, fmt = answer
        media = (RDF_FORMATS.get(fmt) or RESULTS_FORMATS[fmt]).media_type
        return {"status": 200, "contentType": media, "data": body.decode("utf-8")}
    if error is not None:
        return {"status": status, "error": {"status": status, "text": error["message"]}}
    return None

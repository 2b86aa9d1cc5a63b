"""``/admin/...``: changing the graph over HTTP, for the operator who holds the token.

Off unless a token is configured (``ADMIN_TOKEN``, ``CAREERKG_ADMIN_TOKEN``, or the first
line of ``ADMIN_TOKEN_FILE`` / ``CAREERKG_ADMIN_TOKEN_FILE``): without one this blueprint is
not registered and every ``/admin`` path answers 404.  Every request needs
``Authorization: Bearer <token>``, compared in constant time; a missing or wrong token gets
401 with ``WWW-Authenticate: Bearer``.  Answers (errors too) are JSON.

=======================================  ===================================================
``POST /admin/update``                   a SPARQL update (``application/sparql-update``
                                         body, or a form field ``update``); LOAD and
                                         SERVICE are refused here too (400)
``GET /admin/sources``                   the sources, as the registry lists them
``PUT /admin/sources/<name>``            replace source ``name`` with the RDF body (format
                                         from Content-Type), all or nothing
``DELETE /admin/sources/<name>``         remove a source
``POST /admin/import/<kind>``            run an importer (``onet``, ``esco``, ``csv``,
                                         ``rdf``) on uploaded files (multipart); bad input
                                         → 400 with file, line, column; store unchanged
=======================================  ===================================================

Writes go through the app's store (an isolated store sends them to its writer and retires
the query processes that saw the old graph).  The token and the ``Authorization`` header are
never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import tempfile
import time
from pathlib import Path

from flask import Blueprint, Flask, current_app, g, jsonify, request

from careerkg.graph.errors import InputError
from careerkg.graph.formats import rdf_format
from careerkg.graph.importers import IMPORTERS, import_source
from careerkg.graph.sparql import analyse
from careerkg.graph.store import Payload
from careerkg.graph.warm import forget

from .errors import HttpProblem
from .logs import client_address
from .state import store

__all__ = ["bp", "configured_token", "MIN_TOKEN_LENGTH", "UPLOAD_FORMATS"]

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger("careerkg.admin")

#: Shortest token accepted (a short one could be guessed).
MIN_TOKEN_LENGTH = 16
#: RDF formats a source can be uploaded in (a source is one graph: no N-Quads or TriG).
UPLOAD_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
UPDATE_BODY = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"


def configured_token(config: dict) -> str | None:
    """The admin token the settings give, or None when the admin API is off.

    ``ADMIN_TOKEN`` first, else the first line of the file ``ADMIN_TOKEN_FILE``.

    Raises
    ------
    ValueError
        When the token file cannot be read, or the token is shorter than
        :data:`MIN_TOKEN_LENGTH` characters.
    """
    token = config.get("ADMIN_TOKEN")
    source = "ADMIN_TOKEN"
    path = config.get("ADMIN_TOKEN_FILE")
    if not token and path:
        source = f"the first line of {path}"
        try:
            with open(path, encoding="utf-8") as handle:
                token = handle.readline()
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(f"cannot read the admin token file {path}: {error}") from None
    token = (token or "").strip()
    if not token:
        if path:
            raise ValueError(f"the admin token file {path} is empty")
        return None
    if len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"the admin token ({source}) is too short: use at least "
                         f"{MIN_TOKEN_LENGTH} characters (for example `openssl rand -hex 32`)")
    return token


def init_app(app: Flask) -> bool:
    """Register the admin API on ``app`` when a token is configured; return whether it is."""
    token = configured_token(app.config)
    if token is None:
        return False
    app.extensions["careerkg.admin_token"] = token.encode("utf-8")
    app.register_blueprint(bp)
    return True


@bp.before_request
def _authenticate() -> None:
    g.error_format = "json"
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    expected = current_app.extensions["careerkg.admin_token"]
    # compare_digest takes as long whatever the given token is (on equal-length inputs its
    # time does not depend on where they differ); hashing first makes lengths equal too.
    ok = scheme.lower() == "bearer" and hmac.compare_digest(
        hashlib.sha256(given.strip().encode("utf-8", "surrogatepass")).digest(),
        hashlib.sha256(expected).digest(),
    )
    if not ok:
        log.warning("admin request refused", extra={"fields": {
            "client": client_address(), "path": request.path,
            "reason": "no token" if not header else "wrong token"}})
        raise HttpProblem(
            401, "the admin API needs the operator's token: Authorization: Bearer <token>",
            headers={"WWW-Authenticate": 'Bearer realm="careerkg admin"'},
        )
    # Only now may the body be as large as an import needs.
    request.max_content_length = current_app.config.get("ADMIN_MAX_CONTENT_LENGTH")


def _done(action: str, started: float, **fields) -> None:
    log.info("admin " + action, extra={"fields": {
        "client": client_address(), "seconds": round(time.monotonic() - started, 3), **fields}})


# -- updates -------------------------------------------------------------------------------

@bp.route("/update", methods=["POST"])
def update():
    """Run one SPARQL update on the store."""
    started = time.monotonic()
    if request.mimetype == UPDATE_BODY:
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError as error:
            raise HttpProblem(400, f"the update is not valid UTF-8 (byte {error.start})") \
                from None
    elif request.mimetype in (FORM, "multipart/form-data"):
        text = request.form.get("update")
        if text is None:
            raise HttpProblem(400, "the form has no 'update' field")
    else:
        raise HttpProblem(415, f"send the update as {UPDATE_BODY}, or as a form with "
                               "update=...", headers={"Accept-Post": f"{UPDATE_BODY}, {FORM}"})
    if not text.strip():
        raise HttpProblem(400, "the update is empty")
    info = analyse(text)
    if not info.is_update:
        raise HttpProblem(400, "this is not a SPARQL update; send queries to /sparql")
    if info.uses_load:
        raise HttpProblem(400, "LOAD is not accepted: this server never fetches documents; "
                               "upload the data with PUT /admin/sources/<name> instead")
    if info.uses_service:
        raise HttpProblem(400, "SERVICE is not accepted: this server does not query other "
                               "endpoints")
    kg = store()
    kg.update(text)
    forget(kg)  # a raw update does not change the sources the caches are keyed on
    _done("update", started, length=len(text))
    return jsonify({"status": "ok", "seconds": round(time.monotonic() - started, 3)})


# -- sources -------------------------------------------------------------------------------

@bp.route("/sources", methods=["GET"])
def sources():
    """The live sources."""
    return jsonify([s.to_dict() for s in store().sources()])


def _upload_format():
    mimetype = request.mimetype
    try:
        fmt = rdf_format(mimetype) if mimetype else None
    except ValueError:
        fmt = None
    if fmt is None or fmt.name not in UPLOAD_FORMATS:
        offered = ", ".join(rdf_format(n).media_type for n in UPLOAD_FORMATS)
        raise HttpProblem(
            415, f"cannot load a body of type {mimetype or '(none)'!r} as a source; send one "
                 f"of: {offered}")
    return fmt


@bp.route("/sources/<name>", methods=["PUT"])
def put_source(name: str):
    """Replace (or create) source ``name`` with the RDF document in the body."""
    started = time.monotonic()
    fmt = _upload_format()
    data = request.get_data()
    if not data.strip():
        raise HttpProblem(400, "the body is empty: send the source's RDF document")
    where = f"{name}{fmt.extensions[0]}"
    try:
        source, changed = store().replace_source(
            name, Payload(data=data, format=fmt, label=where),
            title=request.args.get("title") or name,
            digest=hashlib.sha256(data).hexdigest(),
        )
    except ValueError as error:
        if isinstance(error, InputError):
            raise
        raise HttpProblem(400, str(error)) from None
    _done("source replaced" if changed else "source unchanged", started, source=name,
          triples=source.triples)
    return jsonify({**source.to_dict(), "changed": changed})


@bp.route("/sources/<name>", methods=["DELETE"])
def delete_source(name: str):
    """Remove source ``name`` (404 when there is none)."""
    started = time.monotonic()
    dropped = store().drop_source(name)
    _done("source dropped", started, source=name)
    return jsonify({**dropped.to_dict(), "dropped": True})


# -- imports -------------------------------------------------------------------------------

#: Importers that read a folder (all uploaded files) rather than one file.
FOLDER_IMPORTS = frozenset({"onet", "esco"})


def _upload_name(raw: str | None) -> str:
    """A safe file name for an uploaded file: its last path component, checked."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if (not name or name.startswith(".") or len(name) > 200
            or any(ord(c) < 32 or c in '<>:"|?*' for c in name)):
        raise HttpProblem(400, f"unusable file name {raw!r}: give each file a plain name")
    return name


def _public_where(error: InputError, folder: Path, names: dict[str, str]) -> InputError:
    """The error with the uploaded file's own name instead of the temporary path."""
    if error.file:
        try:
            relative = Path(error.file).resolve().relative_to(folder.resolve())
        except ValueError:
            relative = None
        if relative is not None:
            error.file = names.get(str(relative), str(relative)) if str(relative) != "." \
                else "(the uploaded files)"
    return error


@bp.route("/import/<kind>", methods=["POST"])
def import_files(kind: str):
    """Import uploaded files (``multipart/form-data``) with the ``kind`` importer."""
    started = time.monotonic()
    if kind not in IMPORTERS:
        raise HttpProblem(404, f"no importer named {kind!r}; use one of: {', '.join(IMPORTERS)}")
    if request.mimetype != "multipart/form-data":
        raise HttpProblem(415, "send the files as multipart/form-data (curl -F file=@...)")
    uploads = [f for _field, f in request.files.items(multi=True)]
    if not uploads:
        raise HttpProblem(400, "no files were uploaded")
    if kind not in FOLDER_IMPORTS and len(uploads) != 1:
        raise HttpProblem(400, f"the {kind} importer reads one file; {len(uploads)} were sent")
    name = (request.form.get("name") or "").strip() or None
    with tempfile.TemporaryDirectory(prefix="careerkg-import-") as temp:
        folder = Path(temp)
        names: dict[str, str] = {}
        for upload in uploads:
            safe = _upload_name(upload.filename)
            if safe in names:
                raise HttpProblem(400, f"two files are named {safe!r}")
            names[safe] = upload.filename or safe
            upload.save(folder / safe)
        path = folder if kind in FOLDER_IMPORTS else folder / next(iter(names))
        try:
            report = import_source(kind, store(), path, name=name)
        except InputError as error:
            raise _public_where(error, folder, names) from None
        except ValueError as error:
            raise HttpProblem(400, str(error)) from None
    _done("import", started, kind=kind, source=report.source, triples=report.triples,
          changed=report.changed)
    return jsonify(report.to_dict())

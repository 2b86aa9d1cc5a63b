"""A store on any SPARQL 1.1 engine, reached over HTTP.

Reads use the SPARQL 1.1 Protocol against the query endpoint; writes use SPARQL 1.1 Update
against the update endpoint.  Nothing engine-specific is assumed: the default graph of a
query is given explicitly as the live source graphs (``default-graph-uri``), so no "union
default graph" setting is needed on the engine.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests

from .errors import InputError, QueryTimeout, StoreError, input_error_from_engine
from .formats import rdf_format
from .namespaces import PREFIXES, REGISTRY_GRAPH
from .sparql import QuerySyntaxError, analyse, syntax_error_from_engine
from .store import HEAD_BYTES, Payload, Store, check_rdf_input

__all__ = ["RemoteStore", "default_update_endpoint", "public_url"]

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
#: Triples per INSERT DATA request when the data has no blank nodes.
CHUNK = 5000


def public_url(url: str) -> str:
    """A URL as it may be shown: without a user name or password in it.

    >>> public_url("https://user:secret@kg.example/sparql")
    'https://kg.example/sparql'
    """
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


class _TooLarge(StoreError):
    """The engine refused a request as too large (HTTP 413)."""


def default_update_endpoint(query_url: str) -> str:
    """The update endpoint beside a query endpoint: a final ``/query`` becomes ``/update``.

    >>> default_update_endpoint("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/update'
    >>> default_update_endpoint("http://example.org/sparql")
    'http://example.org/sparql'
    """
    return re.sub(r"/query/?$", "/update", query_url)


class RemoteStore(Store):
    kind = "remote"

    def __init__(self, query_url: str, update_url: str | None = None, *, timeout: float = 60):
        self.location = public_url(query_url)
        self.query_url = query_url
        self.update_url = update_url or default_update_endpoint(query_url)
        self.timeout = timeout
        #: Triples per INSERT DATA request (lowered when the engine refuses a batch).
        self.chunk = CHUNK
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "careerkg"

    # -- HTTP ------------------------------------------------------------------------
    def _post(self, url: str, form: list[tuple[str, str]], accept: str | None, timeout: float):
        headers = {"Accept": accept} if accept else {}
        try:
            response = self._session.post(url, data=form, headers=headers, timeout=timeout)
        except requests.Timeout:
            raise QueryTimeout(timeout) from None
        except requests.RequestException as error:
            raise StoreError(
                f"cannot reach the SPARQL endpoint {public_url(url)}: {error}"
            ) from None
        if response.status_code == 400:
            raise syntax_error_from_engine(SyntaxError(response.text.strip()[:2000]))
        if response.status_code == 413:
            raise _TooLarge(f"the endpoint {public_url(url)} answered 413 (request too large)")
        if response.status_code >= 300:
            raise StoreError(
                f"the endpoint {public_url(url)} answered {response.status_code}: "
                f"{response.text[:500]}"
            )
        return response

    # -- reading ---------------------------------------------------------------------
    def _live_graphs(self) -> list[str]:
        """The registry and the live source graphs, read afresh for every query: another
        process may replace a source at any time and drop the graph it replaced (measured:
        a list kept two seconds pointed a query right after another process's import at a
        dropped graph)."""
        return [REGISTRY_GRAPH, *(s.graph for s in self.sources())]

    def _answer(self, text, default_graphs, named_graphs, timeout):
        info = analyse(text)
        if info.is_update:
            raise QuerySyntaxError("an update was given where a query was expected")
        form = [("query", text)]
        if default_graphs is None and not info.has_dataset_clause:
            default_graphs = self._live_graphs()
        for graph in default_graphs or ():
            form.append(("default-graph-uri", graph))
        for graph in named_graphs or ():
            form.append(("named-graph-uri", graph))
        accept = _NTRIPLES if info.returns_graph else _RESULTS_JSON
        response = self._post(self.query_url, form, accept, timeout or self.timeout)
        cap = response.headers.get("X-SPARQL-MaxRows")
        if cap:  # Virtuoso cut the answer at its ResultSetMaxRows, silently otherwise
            raise StoreError(
                f"the engine at {self.location} cut the answer at {cap} rows (its result "
                "limit; for Virtuoso raise ResultSetMaxRows in the [SPARQL] section of "
                "virtuoso.ini, see docs/stores.md): careerkg needs whole answers"
            )
        media = response.headers.get("Content-Type", "").split(";")[0].strip()
        if info.returns_graph or media in ("application/n-triples", "text/turtle"):
            fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
            # the parser yields quads (in the default graph); results hold triples, as a
            # local store's do
            return (quad.triple for quad in ox.parse(response.content, format=fmt))
        results_format = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
        return ox.parse_query_results(response.content, format=results_format)

    def graph_names(self):
        result = self.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=[]
        )
        return sorted(row[0].value for row in result.rows if isinstance(row[0], ox.NamedNode))

    def dump_graph(self, graph, fmt):
        result = self.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
            default_graphs=[],
        )
        return ox.serialize(result.triples, format=fmt.engine, prefixes=PREFIXES) or b""

    # -- writing ---------------------------------------------------------------------
    def update(self, text):
        self._check_writable()
        self._post(self.update_url, [("update", text)], None, self.timeout)

    def _insert(self, payload: Payload, graph: str) -> int:
        if payload.triples is not None:
            triples = list(payload.triples)
        else:
            fmt = payload.format or rdf_format("turtle")
            data = payload.data if payload.data is not None else payload.path.read_bytes()
            check_rdf_input(data[:HEAD_BYTES], fmt, payload.where)
            try:
                triples = [q.triple for q in ox.parse(data, format=fmt.engine,
                                                       base_iri=payload.base_iri)]
            except SyntaxError as error:
                raise input_error_from_engine(error, payload.where) from None
            except (UnicodeDecodeError, ValueError) as error:
                raise InputError(str(error), file=payload.where) from None
        has_bnodes = any(
            isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
            for t in triples
        )
        if has_bnodes:  # a blank node is scoped to one request: send everything at once
            self._insert_batch(triples, graph, split=False)
        else:
            start = 0
            while start < len(triples):
                batch = triples[start:start + self.chunk]
                self._insert_batch(batch, graph, split=True)
                start += len(batch)
        return len(set(triples))

    def _insert_batch(self, triples: list, graph: str, *, split: bool) -> None:
        """INSERT DATA one batch.  An engine that refuses a batch (Virtuoso: "the length of
        generated SQL text has exceeded 10000 lines"; any engine: 413) gets it in halves, and
        the smaller size is kept for the rest of the load; a single refused triple is an
        error that names it."""
        body = "\n".join(f"{t} ." for t in triples)
        try:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
        except (QuerySyntaxError, _TooLarge) as error:
            if split and len(triples) > 1:
                half = len(triples) // 2
                self.chunk = min(self.chunk, half)
                self._insert_batch(triples[:half], graph, split=True)
                self._insert_batch(triples[half:], graph, split=True)
                return
            what = (f"the triple {triples[0]}" if len(triples) == 1
                    else f"a batch of {len(triples)} triples")
            raise StoreError(
                f"the engine at {public_url(self.update_url)} refused {what}: {error}"
            ) from None

    def _drop_graph(self, graph):
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def close(self):
        self._session.close()

"""A remote SPARQL 1.1 store (Virtuoso, Fuseki, GraphDB, Oxigraph server) behind the Store interface.

Everything goes over the SPARQL 1.1 Protocol with httpx, always by POST (Virtuoso
cuts long GET queries). Answers are parsed with pyoxigraph into the same result
types the embedded store returns, and literals are put into pyoxigraph's canonical
form, so callers cannot tell the backends apart.

What differs from the embedded store, and how it is handled:

- **The dataset.** clustergraph keeps every fact in a named graph and queries see
  their union. Virtuoso's default graph is that union already, system graphs
  included: its system graphs (``virtrdf#`` and a few more) stay visible to queries
  that range over everything (``?s ?p ?o``, ``?s a ?class``, ``GRAPH ?g``), because
  every way Virtuoso offers to leave them out gives wrong answers elsewhere (see
  ``_dataset``). ``named_graphs``, ``quads``, ``count`` and ``dump`` never include
  them. Stores with a separate default graph (Fuseki, Oxigraph server:
  ``dialect="generic"``) get the union explicitly, the named graphs as
  ``default-graph-uri`` and ``named-graph-uri``; that list is cached for
  ``graph_cache_seconds`` and renewed on every write made through this object, so
  graphs another client creates show up within that time. A query with its own
  ``FROM`` keeps it. The store's own default graph is not part of the dataset (the
  loader never writes there); ``apply`` refuses quads in it.
- **Writes are not transactions.** Each request is its own commit, and Virtuoso
  runs out of memory above a few thousand triples per ``INSERT DATA``. ``apply``
  therefore sends chunks (``CLEAR SILENT GRAPH``, ``DELETE DATA``, ``INSERT DATA`` of
  at most ``chunk_quads`` quads, always inside ``GRAPH``), after recording what it
  needs to undo them; if any request fails it restores the graphs it touched and
  raises, so a refused or failed change leaves the store as it was. Concurrent
  writers to the same graphs are not isolated from each other.
- **Truncation.** Virtuoso silently cuts results at ``ResultSetMaxRows``. ``quads``
  and ``dump`` page with ``ORDER BY`` + ``LIMIT``/``OFFSET`` and follow the cap the
  server announces (``X-SPARQL-MaxRows``); a user query that hits the cap raises
  ``LimitExceeded`` rather than returning a silently shortened answer.
- **Safety.** The text of a query is checked before it is sent: an update sent as a
  query (Virtuoso would run it), ``DEFINE`` pragmas, ``bif:``/``sql:`` functions (on
  Virtuoso: any SQL function, ``bif:http_get`` included) and ``LOAD`` are refused (see
  ``sparql_text``); ``SERVICE`` calls, which the remote store makes itself, pass the
  service's federation guard.
- Blank nodes cannot be written (data is skolemised by the loader) or bound.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from urllib.parse import urlsplit

import httpx
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)
from pyoxigraph import (
    Store as OxStore,
)

from clustergraph import formats
from clustergraph.errors import (
    ClusterGraphError,
    InputError,
    LimitExceeded,
    QueryError,
    QueryTimeout,
    StoreUnavailable,
)
from clustergraph.query.guard import FederationGuard
from clustergraph.query.sparql_text import has_dataset_clause
from clustergraph.settings import Settings
from clustergraph.store.base import GraphName, QueryResult, Term
from clustergraph.store.sparql_text import (
    prefix_lines,
    require_plain_sparql,
    require_query,
    require_update,
    with_substitutions,
)

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_DECIMAL = XSD + "decimal"
# Graphs Virtuoso creates for itself; they are never part of clustergraph's dataset.
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://www.w3.org/2002/07/owl#",
    "http://localuriqaserver/sparql",
    "http://localuriqaserver/DAV/",
    "http://localhost:8890/sparql",
    "http://localhost:8890/DAV/",
)
# Stands for "no graph at all" where the protocol needs at least one IRI.
NO_GRAPH = "urn:x-clustergraph:no-graph"
SELECT_RESULTS = "application/sparql-results+json"
GRAPH_RESULTS = "application/n-triples, application/n-quads;q=0.9, text/turtle;q=0.5, application/rdf+xml;q=0.4"
_VIRTUOSO_ERROR = re.compile(r"Virtuoso (\w{5}) Error (\S+)")
_INTEGER_LEXICAL = re.compile(r"^[+-]?[0-9]+$")


class RemoteStore:
    """A SPARQL 1.1 endpoint (query and update) used as clustergraph's store."""

    kind = "remote"

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        auth: str = "digest",
        timeout: float = 30.0,
        write_timeout: float | None = None,
        dialect: str | None = None,
        system_graphs: Iterable[str] | None = None,
        federation: FederationGuard | None = None,
        chunk_quads: int = 1000,
        chunk_bytes: int = 1_000_000,
        page_size: int = 50_000,
        graph_cache_seconds: float = 5.0,
    ) -> None:
        """Connect to ``query_url`` and check that it answers ``ASK {}``.

        ``dialect`` is ``"virtuoso"`` or ``"generic"``; by default it is read from the
        server's ``Server`` header. Raises ``StoreUnavailable`` if the endpoint does not
        answer, refuses the credentials or is not a SPARQL endpoint.
        """
        if not query_url.startswith(("http://", "https://")):
            raise StoreUnavailable(f"not an http(s) SPARQL endpoint URL: {query_url}")
        if auth not in ("digest", "basic"):
            raise StoreUnavailable(f"unknown HTTP authentication scheme {auth!r} (digest or basic)")
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.timeout = timeout
        self.write_timeout = write_timeout or max(timeout, 120.0)
        self.chunk_quads = chunk_quads
        self.chunk_bytes = chunk_bytes
        self.page_size = page_size
        self.graph_cache_seconds = graph_cache_seconds
        # SERVICE calls are made by the remote store itself, so they pass the same guard as
        # every request to the service; without one, federation is off.
        self.federation = federation or FederationGuard(Settings.model_construct(service_allowlist=[], service_allow_private=False))
        credentials = None
        if user is not None:
            credentials = (httpx.DigestAuth if auth == "digest" else httpx.BasicAuth)(user, password or "")
        self._client = httpx.Client(
            auth=credentials,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,  # a redirected POST would lose its body; and no surprises in where data goes
            headers={"User-Agent": "clustergraph (remote store)"},
        )
        self._lock = threading.Lock()
        self._graphs: tuple[float, list[NamedNode]] | None = None
        self._max_rows: int | None = None  # the server's row cap, once it has announced one
        probe = self._post(self.query_url, {"query": "ASK {}"}, SELECT_RESULTS)
        server = probe.headers.get("server", "")
        self.dialect = dialect or ("virtuoso" if "virtuoso" in server.lower() else "generic")
        host = urlsplit(query_url).netloc
        self.system_graphs = frozenset(
            system_graphs
            if system_graphs is not None
            else (*VIRTUOSO_SYSTEM_GRAPHS, f"http://{host}/sparql", f"http://{host}/DAV/")
        )
        try:
            parse_query_results(probe.content, format=_results_format(probe))
        except (SyntaxError, ValueError) as err:
            self.close()
            raise StoreUnavailable(f"{query_url} is not a SPARQL endpoint: its answer to ASK {{}} is not a SPARQL result ({err})") from err

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        """The store named by ``settings.store`` with its update URL, credentials and limits."""
        password = settings.store_password.get_secret_value() if settings.store_password is not None else None
        return cls(
            settings.store,
            update_url=settings.store_update_url,
            user=settings.store_user,
            password=password,
            auth=settings.store_auth,
            timeout=settings.query_timeout,
            federation=FederationGuard(settings),
        )

    @property
    def version(self) -> str:
        """A new token on every call: other clients may write to a remote store at any time,
        so no two moments can be promised to hold equal content."""
        return f"remote-{uuid.uuid4().hex}"

    # -- reading -------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: dict[str, Term] | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult:
        """Evaluate a query on the remote store; the default graph is the union of the named graphs.

        Raises ``QueryError`` (malformed query, or an update), ``Forbidden`` (pragmas,
        engine functions, a SERVICE call the federation guard refuses), ``QueryTimeout``,
        ``LimitExceeded`` (the server cut the result) or ``StoreUnavailable``.
        """
        require_plain_sparql(sparql)
        form = require_query(sparql)
        body = with_substitutions(sparql, substitutions or {})
        if prefixes:
            body = prefix_lines(prefixes) + body
        if body is not sparql:  # checked as sent: given prefixes and bound terms are part of it
            require_plain_sparql(body)
        self.federation.check(body)
        request = {"query": body, **self._dataset(default_graph, named_graphs, own=has_dataset_clause(body))}
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self._graph_result(self._post(self.query_url, request, GRAPH_RESULTS))
        response = self._post(self.query_url, request, SELECT_RESULTS)
        if self._truncated(response):
            raise LimitExceeded(
                f"the remote store cut the result at {response.headers['x-sparql-maxrows']} rows "
                "(Virtuoso's ResultSetMaxRows): raise that limit or narrow the query"
            )
        return _parse_results(response)

    def quads(
        self,
        subject: Term | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: GraphName | None = None,
    ) -> Iterator[Quad]:
        """The quads of the named graphs matching a pattern, read page by page."""
        if isinstance(graph, DefaultGraph) or any(isinstance(t, BlankNode) for t in (subject, object, graph)):
            return iter(())  # nothing is kept in the default graph, and blank nodes cannot be addressed
        bound = {name: term for name, term in (("s", subject), ("p", predicate), ("o", object), ("g", graph)) if term is not None}
        values = ""
        if bound:
            values = f"VALUES ({' '.join('?' + n for n in bound)}) {{ ({' '.join(_nt(t) for t in bound.values())}) }} "
        where = f"{{ {values}GRAPH ?g {{ ?s ?p ?o }} {self._not_system('?g')} }}"
        return self._paged_quads(where)

    def named_graphs(self) -> list[NamedNode]:
        """The named graphs that hold at least one quad, system graphs left out, sorted."""
        # GROUP BY, not DISTINCT: Virtuoso takes seconds over DISTINCT ?g even on a small store.
        response = self._post(self.query_url, {"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}, SELECT_RESULTS)
        graphs = {
            row["g"]
            for row in _parse_results(response)
            if isinstance(row["g"], NamedNode) and row["g"].value not in self.system_graphs and row["g"].value != NO_GRAPH
        }
        found = sorted(graphs, key=lambda g: g.value)
        with self._lock:
            self._graphs = (time.monotonic(), found)
        return found

    def count(self) -> int:
        """The number of quads in the named graphs (system graphs left out)."""
        sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_system('?g')} }}"
        rows = list(_parse_results(self._post(self.query_url, {"query": sparql}, SELECT_RESULTS)))
        return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0

    def dump(self, fmt: RdfFormat, *, graph: GraphName | None = None) -> bytes:
        """Serialise the dataset (dataset formats), the union of its triples, or one graph."""
        if graph is not None:
            quads = self.quads(graph=graph)
            if fmt.supports_datasets:
                return serialize(quads, format=fmt)
            return serialize((Triple(q.subject, q.predicate, q.object) for q in quads), format=fmt)
        if fmt.supports_datasets:
            return serialize(self.quads(), format=fmt)
        triples = dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in self.quads())
        return serialize(triples, format=fmt)

    # -- writing -------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Send a SPARQL update as is. Not atomic on every store (Virtuoso applies the
        operations before a failing one). Raises ``QueryError``, ``Forbidden`` (LOAD,
        pragmas, engine functions), ``QueryTimeout`` or ``StoreUnavailable``."""
        require_update(sparql)
        require_plain_sparql(sparql)
        self.federation.check(sparql)
        try:
            self._write(sparql)
        finally:
            self._forget_graphs()

    def apply(
        self,
        *,
        add: Sequence[Quad] = (),
        remove: Sequence[Quad] = (),
        clear_graphs: Sequence[NamedNode] = (),
    ) -> None:
        """Clear graphs, remove quads, then add quads; on any failure undo what was done and raise.

        Raises ``InputError`` (before writing anything) for blank nodes or quads in the
        default graph, else the error of the failed request (``QueryError``,
        ``QueryTimeout``, ``StoreUnavailable``...). If undoing fails too, raises
        ``StoreUnavailable`` saying the graphs may be half-written.
        """
        add = list(dict.fromkeys(add))
        remove = list(dict.fromkeys(remove))
        clear = list(dict.fromkeys(clear_graphs))
        for q in (*add, *remove):
            _check_writable(q)
        if not (add or remove or clear):
            return
        cleared = set(clear)
        # What the store holds now, as far as the change touches it: enough to put it back.
        saved = self._quads_of(clear)
        kept_remove = [q for q in remove if q.graph_name not in cleared]
        kept_add = [q for q in add if q.graph_name not in cleared]
        existing = self._existing(kept_remove + kept_add)
        was_there = [q for q in kept_remove if q in existing]
        were_new = [q for q in kept_add if q not in existing]
        try:
            self._clear(clear)
            for chunk in self._chunks(remove):
                self._write(f"DELETE DATA {{ {chunk} }}")
            for chunk in self._chunks(add):
                self._write(f"INSERT DATA {{ {chunk} }}")
        except ClusterGraphError as failure:
            self._undo(clear, saved, were_new, was_there, failure)
            raise
        finally:
            self._forget_graphs()

    def close(self) -> None:
        self._client.close()

    # -- helpers -------------------------------------------------------------------------

    def _undo(self, clear: list[NamedNode], saved: list[Quad], were_new: list[Quad], was_there: list[Quad], failure: ClusterGraphError) -> None:
        """Put the touched graphs back as they were; raise ``StoreUnavailable`` if that fails too."""
        try:
            self._clear(clear)
            for chunk in self._chunks(were_new):
                self._write(f"DELETE DATA {{ {chunk} }}")
            for chunk in self._chunks(saved + was_there):
                self._write(f"INSERT DATA {{ {chunk} }}")
        except ClusterGraphError as err:
            raise StoreUnavailable(
                f"a write to the remote store failed ({failure}) and undoing it failed too ({err}): "
                f"the graphs {', '.join(sorted({q.graph_name.value for q in saved + were_new + was_there} | {g.value for g in clear}))} "
                "may be half-written; reload them"
            ) from failure

    def _clear(self, graphs: Sequence[NamedNode]) -> None:
        """``CLEAR SILENT GRAPH`` (not DROP: Virtuoso only drops graphs made with CREATE), 50 to a request."""
        for start in range(0, len(graphs), 50):
            self._write(" ;\n".join(f"CLEAR SILENT GRAPH {_nt(g)}" for g in graphs[start : start + 50]))

    def _quads_of(self, graphs: Sequence[NamedNode]) -> list[Quad]:
        """Every quad of ``graphs``, read in one paged query per 50 graphs."""
        found: list[Quad] = []
        for start in range(0, len(graphs), 50):
            values = " ".join(_nt(g) for g in graphs[start : start + 50])
            found.extend(self._paged_quads(f"{{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} {self._not_system('?g')} }}"))
        return found

    def _existing(self, quads: list[Quad]) -> set[Quad]:
        """Which of ``quads`` the store holds (asked in batches, by row number)."""
        found: set[Quad] = set()
        for batch in self._batches(quads, max(1, self.chunk_quads // 2)):
            rows = " ".join(
                f"({i} {_nt(q.subject)} {_nt(q.predicate)} {_nt(q.object)} {_nt(q.graph_name)})" for i, q in enumerate(batch)
            )
            sparql = f"SELECT ?i WHERE {{ VALUES (?i ?s ?p ?o ?g) {{ {rows} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            for row in _parse_results(self._post(self.query_url, {"query": sparql}, SELECT_RESULTS)):
                found.add(batch[int(row["i"].value)])
        return found

    def _chunks(self, quads: Sequence[Quad]) -> Iterator[str]:
        """``GRAPH <g> { ... }`` blocks for ``INSERT DATA`` / ``DELETE DATA``, one request each."""
        for batch in self._batches(quads, self.chunk_quads):
            by_graph: dict[str, list[str]] = {}
            for q in batch:
                by_graph.setdefault(_nt(q.graph_name), []).append(f"{_nt(q.subject)} {_nt(q.predicate)} {_nt(q.object)} .")
            yield "\n".join(f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}" for graph, lines in by_graph.items())

    def _batches(self, quads: Sequence[Quad], limit: int) -> Iterator[list[Quad]]:
        """Batches of at most ``limit`` quads and about ``chunk_bytes`` characters.

        Virtuoso reads "2017"^^xsd:gYear and "2017-01"^^xsd:gYearMonth in one request as
        one constant and stores the first form for both, so such literals are sent in
        different requests: a quad whose literal would meet a different one with the
        same value in its batch waits for a later round.
        """
        pending = list(quads)
        while pending:
            deferred: list[Quad] = []
            batch: list[Quad] = []
            seen: dict[tuple, Literal] = {}
            size = 0
            for q in pending:
                key = _conflict_key(q.object)
                if key is not None and seen.get(key, q.object) != q.object:
                    deferred.append(q)
                    continue
                length = len(str(q)) + 1
                if batch and (len(batch) >= limit or size + length > self.chunk_bytes):
                    yield batch
                    batch, seen, size = [], {}, 0
                if key is not None:
                    seen[key] = q.object
                batch.append(q)
                size += length
            if batch:
                yield batch
            pending = deferred

    def _write(self, sparql: str) -> None:
        self._post(self.update_url, {"update": sparql}, "*/*", timeout=self.write_timeout)

    def _forget_graphs(self) -> None:
        with self._lock:
            self._graphs = None

    def _data_graphs(self) -> list[NamedNode]:
        with self._lock:
            cached = self._graphs
        if cached is not None and time.monotonic() - cached[0] < self.graph_cache_seconds:
            return cached[1]
        return self.named_graphs()

    def _not_system(self, var: str) -> str:
        if not self.system_graphs:
            return ""
        return f"FILTER ({var} NOT IN ({', '.join(_nt(NamedNode(g)) for g in sorted(self.system_graphs))}))"

    def _dataset(self, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None, *, own: bool) -> dict:
        """Protocol parameters that give a query clustergraph's dataset: the union of the
        named graphs as the default graph, and the named graphs for GRAPH.

        Graphs given here are passed on as they are. Otherwise Virtuoso is left alone:
        its default graph is the union already, and every way of restricting its dataset
        (``default-graph-uri``, ``named-graph-uri``, ``input:*-graph-exclude`` pragmas)
        was measured to give wrong answers to ordinary queries (joins with property
        paths come back empty, ``ASK { GRAPH <absent> {...} }`` comes back true), so its
        system graphs stay visible to queries that range over everything. Other stores
        get the named graphs (system graphs left out) as both lists. A query with its
        own FROM / FROM NAMED keeps it.
        """
        params: dict[str, list[str]] = {}
        if default_graph is not None:
            params["default-graph-uri"] = list(default_graph) or [NO_GRAPH]
        if named_graphs is not None:
            params["named-graph-uri"] = list(named_graphs) or [NO_GRAPH]
        if self.dialect == "virtuoso" or own:
            return params
        graphs = [g.value for g in self._data_graphs()] or [NO_GRAPH]
        params.setdefault("default-graph-uri", graphs)
        params.setdefault("named-graph-uri", graphs)
        return params

    def _paged_quads(self, where: str) -> Iterator[Quad]:
        """Run ``SELECT ?s ?p ?o ?g WHERE ...`` to the end, whatever the server's row cap.

        One unordered request is enough when the answer is shorter than a page; past
        that the answer is read again in ``ORDER BY`` pages, so the pages fit together.
        """
        page = self.page_size if self._max_rows is None else min(self.page_size, self._max_rows)
        response = self._post(self.query_url, {"query": f"SELECT ?s ?p ?o ?g WHERE {where} LIMIT {page}"}, SELECT_RESULTS)
        rows = _rows(response)
        if len(rows) < page and not self._truncated(response):
            yield from (_quad(row) for row in rows)
            return
        offset = 0
        while True:
            page = self.page_size if self._max_rows is None else min(self.page_size, self._max_rows)
            sparql = f"SELECT ?s ?p ?o ?g WHERE {where} ORDER BY ?g ?s ?p ?o LIMIT {page} OFFSET {offset}"
            response = self._post(self.query_url, {"query": sparql}, SELECT_RESULTS)
            rows = _rows(response)
            if self._truncated(response) and len(rows) < page and self._max_rows < page:
                continue  # the cap is now known and smaller than the page: ask again with pages that fit
            yield from (_quad(row) for row in rows)
            if len(rows) < page:
                return
            offset += len(rows)

    def _truncated(self, response: httpx.Response) -> bool:
        """Whether the server says it cut the answer at its row cap (and remember the cap)."""
        cap = response.headers.get("x-sparql-maxrows")
        if cap is None or not cap.strip().isdigit():
            return False
        with self._lock:
            self._max_rows = int(cap)
        return True

    def _graph_result(self, response: httpx.Response):
        """CONSTRUCT/DESCRIBE answer as pyoxigraph ``QueryTriples`` (canonical literals, like the embedded store)."""
        fmt = formats.lookup(response.headers.get("content-type", "")) or formats.lookup("ntriples")
        if fmt.kind is not formats.Kind.RDF or fmt.oxigraph is None:
            raise StoreUnavailable(f"the remote store answered a graph query with {fmt.media_type}")
        try:
            quads = [Quad(q.subject, q.predicate, q.object) for q in parse(response.content, format=fmt.oxigraph)]
        except (SyntaxError, ValueError) as err:
            raise StoreUnavailable(f"unreadable answer from the remote store: {err}") from err
        if self._max_rows is not None and len(quads) == self._max_rows + 1:
            raise LimitExceeded(
                f"the remote store cut the result at {self._max_rows + 1} triples (Virtuoso's ResultSetMaxRows): "
                "raise that limit or narrow the query"
            )
        scratch = OxStore()  # storing canonicalises literals, and CONSTRUCT gives the embedded store's result type
        scratch.extend(quads)
        return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def _post(self, url: str, data: dict, accept: str, *, timeout: float | None = None) -> httpx.Response:
        """POST a form to the store; map every failure to a domain error."""
        try:
            response = self._client.post(
                url, data=data, headers={"Accept": accept}, timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT
            )
        except httpx.ConnectTimeout as err:
            raise StoreUnavailable(f"cannot reach the remote store at {url}: connection timed out") from err
        except httpx.TimeoutException as err:
            raise QueryTimeout(
                f"the remote store did not answer within {timeout or self.timeout:g} s"
            ) from err
        except httpx.HTTPError as err:
            raise StoreUnavailable(f"cannot reach the remote store at {url}: {err}") from err
        _raise_for_status(response, url)
        if response.headers.get("x-sql-state"):  # Virtuoso's "anytime" partial answer
            raise QueryTimeout(
                f"the remote store gave a partial answer: {response.headers.get('x-sql-message', 'time limit reached')}"
            )
        return response


# -- module helpers ------------------------------------------------------------------------


def _raise_for_status(response: httpx.Response, url: str) -> None:
    """Map an HTTP error of the store to ``QueryError`` (the request's fault), ``QueryTimeout``,
    ``LimitExceeded`` or ``StoreUnavailable`` (the store's or its configuration's fault)."""
    status = response.status_code
    if status < 400:
        return
    message = _server_message(response.text)
    if status in (401, 407):
        raise StoreUnavailable(f"the remote store at {url} refused the credentials (HTTP {status}): check CLUSTERGRAPH_STORE_USER, _PASSWORD and _AUTH")
    if status == 403:
        raise StoreUnavailable(f"the remote store at {url} refused access (HTTP 403): {message}")
    if status in (404, 405):
        raise StoreUnavailable(f"no SPARQL endpoint at {url} (HTTP {status})")
    if status in (408, 504):
        raise QueryTimeout(f"the remote store timed out (HTTP {status}): {message}")
    if status in (413, 414, 431):
        raise LimitExceeded(f"the request was too large for the remote store (HTTP {status})")
    if status < 500 and status != 429:
        raise QueryError(f"the remote store refused the request: {message}")
    virtuoso = _VIRTUOSO_ERROR.search(response.text)
    if virtuoso:
        state, code = virtuoso.groups()
        lowered = message.lower()
        if state.startswith("S1T") or code.startswith("SR171") or "timed out" in lowered or "estimated execution time" in lowered:
            raise QueryTimeout(f"the remote store stopped the request: {message}")
        if "permission" in lowered or "access denied" in lowered or "security" in lowered:
            raise StoreUnavailable(f"the remote store refused access: {message}")
        if state[:2] in ("22", "37", "07", "21", "42", "S0"):  # data, syntax and semantic errors of the request
            raise QueryError(f"the remote store refused the request: {message}")
    raise StoreUnavailable(f"the remote store failed (HTTP {status}): {message}")


def _server_message(text: str) -> str:
    """The store's own explanation, without the echo of the request that Virtuoso appends."""
    text = text.split("\nSPARQL query:", 1)[0]
    text = re.sub(r"<[^>]+>", " ", text)  # HTML error pages
    text = " ".join(text.split())
    return text[:500] or "no message"


def _results_format(response: httpx.Response) -> QueryResultsFormat:
    fmt = formats.lookup(response.headers.get("content-type", "")) or formats.lookup("json")
    if fmt.kind is not formats.Kind.RESULTS or fmt.oxigraph is None:
        raise StoreUnavailable(f"the remote store answered with {fmt.media_type}, not SPARQL results")
    return fmt.oxigraph


def _parse_results(response: httpx.Response):
    """SELECT/ASK answer as pyoxigraph ``QuerySolutions`` / ``QueryBoolean``, Virtuoso's JSON quirks smoothed."""
    fmt = _results_format(response)
    content = response.content
    if fmt == QueryResultsFormat.JSON:
        content = json.dumps(_normal_json(_load_json(content))).encode()
    try:
        return parse_query_results(content, format=fmt)
    except (SyntaxError, ValueError) as err:
        raise StoreUnavailable(f"unreadable answer from the remote store: {err}") from err


def _load_json(content: bytes) -> dict:
    try:
        return json.loads(content)
    except ValueError as err:
        raise StoreUnavailable(f"unreadable answer from the remote store: {err}") from err


def _normal_json(doc: dict) -> dict:
    """Fix what Virtuoso writes differently: ``typed-literal``, booleans as 1/0,
    ``nodeID://`` blank node labels, non-canonical literals."""
    if "boolean" in doc:
        value = doc["boolean"]
        doc["boolean"] = value.strip().lower() in ("true", "1") if isinstance(value, str) else bool(value)
        return doc
    for binding in doc.get("results", {}).get("bindings", []):
        for value in binding.values():
            _normal_term(value)
    return doc


def _normal_term(value: dict) -> None:
    kind = value.get("type")
    if kind == "typed-literal":
        value["type"] = kind = "literal"
    if kind == "bnode":
        value["value"] = _bnode_id(value["value"])
    elif kind == "literal" and "datatype" in value:
        value["value"] = canonical_value(value["value"], value["datatype"])


def _rows(response: httpx.Response) -> list[dict]:
    bindings = _load_json(response.content).get("results", {}).get("bindings")
    if bindings is None:
        raise StoreUnavailable("unreadable answer from the remote store: no result bindings")
    return bindings


def _quad(row: dict) -> Quad:
    return Quad(_term(row["s"]), _term(row["p"]), _term(row["o"]), _term(row["g"]))


def _term(value: dict):
    kind = value["type"]
    if kind == "uri":
        return NamedNode(value["value"])
    if kind == "bnode":
        return BlankNode(_bnode_id(value["value"]))
    language = value.get("xml:lang") or value.get("lang")
    if language:
        return Literal(value["value"], language=language.lower())
    datatype = value.get("datatype")
    if datatype and datatype != XSD_STRING:
        return Literal(canonical_value(value["value"], datatype), datatype=NamedNode(datatype))
    return Literal(value["value"])


def _bnode_id(label: str) -> str:
    """A valid blank node id from a store's label (Virtuoso: ``nodeID://b10003``)."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", label)
    return ident if ident[:1].isalpha() else "b" + ident


_CANON_STORE = OxStore()
_CANON_LOCK = threading.Lock()
_CANON_S = NamedNode("urn:x-clustergraph:s")


@lru_cache(maxsize=100_000)
def canonical_value(value: str, datatype: str) -> str:
    """The lexical form pyoxigraph stores a typed literal with ("1.0E2"^^xsd:double -> "100").

    Stores normalise differently (Virtuoso: "100.0", booleans as "1"); putting the
    literal through pyoxigraph's own store gives exactly the embedded store's form.
    """
    if not datatype.startswith(XSD) or datatype == XSD_STRING:
        return value
    with _CANON_LOCK:
        _CANON_STORE.add(Quad(_CANON_S, _CANON_S, Literal(value, datatype=NamedNode(datatype))))
        stored = next(iter(_CANON_STORE)).object
        _CANON_STORE.clear()
    return stored.value


def _nt(term) -> str:
    """A term in N-Triples syntax (valid SPARQL, so nothing is pasted in as text).

    Integral xsd:decimal values get a ".0": Virtuoso would store "100"^^xsd:decimal as an integer.
    """
    if isinstance(term, Literal) and term.datatype.value == XSD_DECIMAL and _INTEGER_LEXICAL.match(term.value):
        return str(Literal(term.value + ".0", datatype=term.datatype))
    return str(term)


_YEAR_MONTH = re.compile(r"^(-?[0-9]{4,})(?:-([0-9]{2}))?(Z|[+-][0-9]{2}:[0-9]{2})?$")


def _conflict_key(term) -> tuple | None:
    """The value under which Virtuoso merges constants of one request (gYear / gYearMonth only)."""
    if isinstance(term, Literal) and term.datatype.value in (XSD + "gYear", XSD + "gYearMonth"):
        match = _YEAR_MONTH.match(term.value)
        if match:
            return (match.group(1), match.group(2) or "01", match.group(3) or "")
    return None


def _check_writable(q: Quad) -> None:
    if isinstance(q.graph_name, DefaultGraph):
        raise InputError(f"{q.subject} {q.predicate} {q.object}: a remote store keeps every fact in a named graph (its source)")
    if any(isinstance(t, BlankNode) for t in (q.subject, q.object, q.graph_name)):
        raise InputError(f"{q}: blank nodes cannot be written to a remote store (skolemise the data first)")

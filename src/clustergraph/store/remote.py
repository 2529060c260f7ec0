"""A remote SPARQL 1.1 store (Virtuoso, Fuseki, GraphDB, Oxigraph server) behind the Store interface.

Everything goes over the SPARQL 1.1 Protocol with httpx, always by POST (Virtuoso
cuts long GET queries). Answers are parsed with pyoxigraph into the same result
types the embedded store returns, and literals are put into pyoxigraph's canonical
form, so callers cannot tell the backends apart.

What differs from the embedded store, and how it is handled:

- **The dataset.** clustergraph keeps every fact in a named graph, and queries see
  the merge of the named graphs, each triple once (``store.merge``), kept by
  ``apply`` as a graph of its own: stores with a default graph of their own (Oxigraph
  server, Fuseki without a union default graph: ``dialect="generic"``) keep it there
  and get queries without dataset parameters. Virtuoso has no such graph, and its
  implicit default graph is a bag over every graph, its system graphs included; it
  keeps the merge in ``MERGED_GRAPH`` and gets that graph as ``default-graph-uri``,
  with the named graphs (system graphs left out) as ``named-graph-uri``, so
  ``GRAPH ?g`` sees the sources only. That list is cached for ``graph_cache_seconds``
  and renewed on every write made through this object, so graphs another client
  creates show up within that time (other clients must write through clustergraph,
  or the merge falls behind; a store without it gets it when opened). A query with
  its own ``FROM`` keeps it. ``named_graphs`` and ``count`` never include the system
  graphs or the merge; ``quads`` and ``dump`` give the merge as the default graph.
- **Writes are not transactions.** Each request is its own commit, and Virtuoso
  runs out of memory above a few thousand triples per ``INSERT DATA``. ``apply``
  therefore sends chunks (``CLEAR SILENT GRAPH``, ``DELETE DATA``, ``INSERT DATA`` of
  at most ``chunk_quads`` quads, always inside ``GRAPH``), after recording what it
  needs to undo them; if any request fails it restores the graphs it touched and
  raises, so a refused or failed change leaves the store as it was. Concurrent
  writers to the same graphs are not isolated from each other.
- **Truncation.** Virtuoso silently cuts results at ``ResultSetMaxRows``. ``quads``
  and ``dump`` read the store in parts that each fit in one answer (by graph, then by a
  hash of the triple: ``remote_reading``; no ``ORDER BY`` pages, which Virtuoso refuses
  past 10,000 rows) and follow the cap the server announces (``X-SPARQL-MaxRows``); a
  user query that hits the cap raises ``LimitExceeded`` rather than returning a silently
  shortened answer.
- **Safety.** The text of a query is checked before it is sent: an update sent as a
  query (Virtuoso would run it), ``DEFINE`` pragmas, ``bif:``/``sql:`` functions (on
  Virtuoso: any SQL function, ``bif:http_get`` included) and ``LOAD`` are refused (see
  ``sparql_text``); ``SERVICE`` calls, which the remote store makes itself, pass the
  service's federation guard.
- Blank nodes cannot be written (data is skolemised by the loader) or bound.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlsplit

import httpx
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
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
    Forbidden,
    LimitExceeded,
    QueryError,
    QueryTimeout,
    StoreUnavailable,
)
from clustergraph.query.guard import FederationGuard, mentions_service
from clustergraph.query.sparql_text import has_dataset_clause
from clustergraph.settings import Settings
from clustergraph.store.base import GraphName, QueryResult, Term
from clustergraph.store.dataset import QueryDataset, merged_dataset, query_dataset, several_default_graphs
from clustergraph.store.merge import MERGED_GRAPH, TripleKey, merge_change
from clustergraph.store.remote_reading import plan
from clustergraph.store.remote_wire import (
    check_writable,
    conflict_key,
    nt,
    parse_results,
    raise_for_status,
    read_quads,
    results_format,
)
from clustergraph.store.sparql_text import (
    graph_iris,
    prefix_lines,
    require_plain_sparql,
    require_query,
    require_update,
    with_substitutions,
)

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
# Quads are read as SPARQL XML: Virtuoso writes it several times faster than JSON
# (32,000 rows: 0.7 s against 3.2 s), and it is as exact.
QUAD_RESULTS = "application/sparql-results+xml, application/sparql-results+json;q=0.9"
GRAPH_RESULTS = "application/n-triples, application/n-quads;q=0.9, text/turtle;q=0.5, application/rdf+xml;q=0.4"


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
            parse_query_results(probe.content, format=results_format(probe))
        except (SyntaxError, ValueError) as err:
            self.close()
            raise StoreUnavailable(f"{query_url} is not a SPARQL endpoint: its answer to ASK {{}} is not a SPARQL result ({err})") from err
        # Graphs no query of clustergraph's dataset may see as a named graph.
        self.hidden_graphs = self.system_graphs | {MERGED_GRAPH, NO_GRAPH}
        self._keep_merge()

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
        """Evaluate a query on the remote store; the default graph is the merge of the named graphs.

        A query over several default graphs (``default_graph`` or ``FROM``) is evaluated
        here, with pyoxigraph, over the merge of those graphs read from the store: the stores
        give a triple once per graph that has it. Raises ``QueryError`` (malformed query, or
        an update), ``Forbidden`` (pragmas, engine functions, a SERVICE call the federation
        guard refuses, or any SERVICE call in a query evaluated here), ``QueryTimeout``,
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
        dataset = query_dataset(body, default_graphs=default_graph, named_graphs=named_graphs)
        if several_default_graphs(dataset):
            return self._query_merged_here(body, dataset)
        request = {"query": body, **self._dataset(default_graph, named_graphs, own=has_dataset_clause(body), text=body)}
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self._graph_result(self._post(self.query_url, request, GRAPH_RESULTS))
        response = self._post(self.query_url, request, SELECT_RESULTS)
        if self._truncated(response):
            raise LimitExceeded(
                f"the remote store cut the result at {response.headers['x-sparql-maxrows']} rows "
                "(Virtuoso's ResultSetMaxRows): raise that limit or narrow the query"
            )
        return parse_results(response)

    def _query_merged_here(self, body: str, dataset: QueryDataset) -> QueryResult:
        """Evaluate ``body`` with pyoxigraph over ``dataset``'s graphs, read from the store."""
        if mentions_service(body):
            raise Forbidden(
                "a query over several default graphs is evaluated by clustergraph over their merge, "
                "and such a query cannot call SERVICE; name one default graph or none"
            )
        try:
            scratch, options = merged_dataset(dataset, lambda graph: self.quads(graph=graph))
            return scratch.query(body, **options)
        except (SyntaxError, ValueError) as err:
            raise QueryError(str(err)) from err

    def quads(
        self,
        subject: Term | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: GraphName | None = None,
    ) -> Iterator[Quad]:
        """The quads matching a pattern, read page by page: the named graphs' (system graphs left
        out) and, unless ``graph`` names one of them, the merged default graph's."""
        if any(isinstance(t, BlankNode) for t in (subject, object, graph)):
            return iter(())  # blank nodes cannot be addressed
        bound = {name: term for name, term in (("s", subject), ("p", predicate), ("o", object)) if term is not None}
        values = ""
        if bound:
            values = f"VALUES ({' '.join('?' + n for n in bound)}) {{ ({' '.join(nt(t) for t in bound.values())}) }} "
        merged = self._paged_quads(f"{values}{self._merged_pattern()}", by_graph=False)
        if isinstance(graph, DefaultGraph):
            return merged
        in_graph = f"VALUES ?g {{ {nt(graph)} }} " if graph is not None else ""
        named = self._paged_quads(f"{values}{in_graph}GRAPH ?g {{ ?s ?p ?o }} {self._not_hidden('?g')}")
        return named if graph is not None else itertools.chain(named, merged)

    def named_graphs(self) -> list[NamedNode]:
        """The named graphs that hold at least one quad, system graphs left out, sorted."""
        # GROUP BY, not DISTINCT: Virtuoso takes seconds over DISTINCT ?g even on a small store.
        response = self._post(self.query_url, {"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}, SELECT_RESULTS)
        graphs = {
            row["g"]
            for row in parse_results(response)
            if isinstance(row["g"], NamedNode) and row["g"].value not in self.hidden_graphs
        }
        found = sorted(graphs, key=lambda g: g.value)
        with self._lock:
            self._graphs = (time.monotonic(), found)
        return found

    def count(self) -> int:
        """The number of quads in the named graphs (system graphs and the merge left out)."""
        sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_hidden('?g')} }}"
        rows = list(parse_results(self._post(self.query_url, {"query": sparql}, SELECT_RESULTS)))
        return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0

    def dump(self, fmt: RdfFormat, *, graph: GraphName | None = None) -> bytes:
        """Serialise the dataset (dataset formats: the named graphs and the merged default graph),
        the merged default graph (triple formats), or one graph."""
        if graph is None and not fmt.supports_datasets:
            graph = DefaultGraph()
        quads = self.quads(graph=graph)
        if fmt.supports_datasets:
            return serialize(quads, format=fmt)
        return serialize((Triple(q.subject, q.predicate, q.object) for q in quads), format=fmt)

    # -- writing -------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Send a SPARQL update as is (no validation), then make the merged default graph the
        merge of the named graphs again (a pass over the store: the server's writes go
        through ``apply``). Not atomic on every store (Virtuoso applies the operations
        before a failing one). Raises ``QueryError``, ``Forbidden`` (LOAD, pragmas, engine
        functions), ``QueryTimeout`` or ``StoreUnavailable``."""
        require_update(sparql)
        require_plain_sparql(sparql)
        self.federation.check(sparql)
        try:
            self._write(sparql)
        finally:
            self._forget_graphs()
        self._rebuild_merge()

    def apply(
        self,
        *,
        add: Sequence[Quad] = (),
        remove: Sequence[Quad] = (),
        clear_graphs: Sequence[NamedNode] = (),
    ) -> None:
        """Clear graphs, remove quads, then add quads, the merged default graph kept in step
        (``store.merge``); on any failure undo what was done and raise.

        Raises ``InputError`` (before writing anything) for blank nodes, else the error of
        the failed request (``QueryError``, ``QueryTimeout``, ``StoreUnavailable``...). If
        undoing fails too, raises ``StoreUnavailable`` saying the graphs may be half-written.
        """
        add = list(dict.fromkeys(add))
        remove = list(dict.fromkeys(remove))
        clear = list(dict.fromkeys(clear_graphs))
        for q in (*add, *remove):
            check_writable(q)
        if not (add or remove or clear):
            return
        cleared = set(clear)
        # What the store holds now, as far as the change touches it: enough to put it back.
        saved = self._quads_of(clear)
        change = merge_change(add, remove, clear, cleared=saved, holders=self._holders)
        add, remove = change.add, change.remove
        kept_remove = [q for q in remove if q.graph_name not in cleared]
        kept_add = [q for q in add if q.graph_name not in cleared]
        existing = self._existing(kept_remove + kept_add)
        was_there = [q for q in kept_remove if q in existing]
        were_new = [q for q in kept_add if q not in existing]
        try:
            self._clear(clear)
            self._delete(remove)
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
            self._delete(were_new)
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
            self._write(" ;\n".join(f"CLEAR SILENT GRAPH {nt(g)}" for g in graphs[start : start + 50]))

    def _quads_of(self, graphs: Sequence[NamedNode]) -> list[Quad]:
        """Every quad of ``graphs``, read in one paged query per 50 graphs."""
        found: list[Quad] = []
        for start in range(0, len(graphs), 50):
            values = " ".join(nt(g) for g in graphs[start : start + 50])
            found.extend(self._paged_quads(f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} {self._not_hidden('?g')}"))
        return found

    def _existing(self, quads: list[Quad]) -> set[Quad]:
        """Which of ``quads`` the store holds (the merged default graph's included)."""
        named = [q for q in quads if not isinstance(q.graph_name, DefaultGraph)]
        merged = [q for q in quads if isinstance(q.graph_name, DefaultGraph)]
        found = {named[i] for i, _row in self._matching(named, "GRAPH ?g { ?s ?p ?o }", with_graph=True)}
        found |= {merged[i] for i, _row in self._matching(merged, self._merged_pattern())}
        return found

    def _holders(self, triples: Sequence[TripleKey]) -> dict[TripleKey, list[NamedNode]]:
        """The named graphs (system graphs left out) that state each of ``triples``."""
        quads = [Quad(*t) for t in triples]
        held: dict[TripleKey, list[NamedNode]] = {}
        for i, row in self._matching(quads, f"GRAPH ?g {{ ?s ?p ?o }} {self._not_hidden('?g')}", select="?i ?g"):
            held.setdefault(triples[i], []).append(row["g"])
        return held

    def _matching(self, quads: Sequence[Quad], pattern: str, *, with_graph: bool = False, select: str = "?i") -> Iterator[tuple[int, dict]]:
        """The rows of ``pattern`` (over ``?s ?p ?o``, and ``?g`` if ``with_graph``) for each
        of ``quads``, as (index in ``quads``, row), asked in batches.

        Language-tagged objects are matched by lexical form and tag: Virtuoso 7.2 matches
        nothing for a ``VALUES`` block that holds more than one of them.
        """
        index = {q: i for i, q in enumerate(quads)}
        tagged = [q for q in quads if isinstance(q.object, Literal) and q.object.language]
        plain = [q for q in quads if not (isinstance(q.object, Literal) and q.object.language)]
        graph_var = " ?g" if with_graph else ""
        for objects, rows_of, match in (
            ("?o", plain, ""),
            ("?lex ?lang", tagged, "FILTER (isLiteral(?o) && STR(?o) = ?lex && LCASE(LANG(?o)) = ?lang)"),
        ):
            for batch in self._batches(rows_of, max(1, self.chunk_quads // 2)):
                rows = " ".join(
                    f"({index[q]} {nt(q.subject)} {nt(q.predicate)} "
                    + (nt(q.object) if not match else f"{nt(Literal(q.object.value))} {nt(Literal(q.object.language.lower()))}")
                    + (f" {nt(q.graph_name)}" if with_graph else "")
                    + ")"
                    for q in batch
                )
                sparql = f"SELECT {select} WHERE {{ VALUES (?i ?s ?p {objects}{graph_var}) {{ {rows} }} {pattern} {match} }}"
                for row in parse_results(self._post(self.query_url, {"query": sparql}, SELECT_RESULTS)):
                    yield int(row["i"].value), row

    def _delete(self, quads: Sequence[Quad]) -> None:
        """``DELETE DATA`` in chunks; what a chunk left behind is deleted quad by quad.

        Virtuoso 7.2 was seen to keep a long non-ASCII literal that a chunk of many quads
        deleted (and to delete it when asked alone), so every chunk is checked.
        """
        for batch in self._batches(quads, self.chunk_quads):
            for chunk in self._chunks(batch):
                self._write(f"DELETE DATA {{ {chunk} }}")
            for left in self._existing(batch) if self.dialect == "virtuoso" else ():
                for chunk in self._chunks([left]):
                    self._write(f"DELETE DATA {{ {chunk} }}")

    def _chunks(self, quads: Sequence[Quad]) -> Iterator[str]:
        """``GRAPH <g> { ... }`` blocks for ``INSERT DATA`` / ``DELETE DATA``, one request each
        (the merged default graph: ``MERGED_GRAPH`` on Virtuoso, else the store's default graph)."""
        for batch in self._batches(quads, self.chunk_quads):
            by_graph: dict[str, list[str]] = {}
            for q in batch:
                if isinstance(q.graph_name, DefaultGraph):
                    graph = nt(NamedNode(MERGED_GRAPH)) if self.dialect == "virtuoso" else ""
                else:
                    graph = nt(q.graph_name)
                by_graph.setdefault(graph, []).append(f"{nt(q.subject)} {nt(q.predicate)} {nt(q.object)} .")
            yield "\n".join(
                f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}" if graph else "\n".join(lines) for graph, lines in by_graph.items()
            )

    def _merged_pattern(self) -> str:
        """The triple pattern ``?s ?p ?o`` over the merged default graph (in a query without dataset parameters)."""
        return f"GRAPH {nt(NamedNode(MERGED_GRAPH))} {{ ?s ?p ?o }}" if self.dialect == "virtuoso" else "?s ?p ?o"

    def _rebuild_merge(self) -> None:
        """Make the merged default graph exactly the merge of the named graphs (two updates)."""
        target = f"GRAPH {nt(NamedNode(MERGED_GRAPH))} {{ ?s ?p ?o }}" if self.dialect == "virtuoso" else "?s ?p ?o"
        try:
            self._write(f"INSERT {{ {target} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_hidden('?g')} }}")
            self._write(
                f"DELETE {{ {target} }} WHERE {{ {self._merged_pattern()} "
                f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_hidden('?g')} }} }}"
            )
        finally:
            self._forget_graphs()

    def _keep_merge(self) -> None:
        """Build the merged default graph of a store that has named graphs but no merge yet
        (written by an older version or by another client); a store with a merge is left alone."""
        has_merge = f"ASK {{ {self._merged_pattern()} }}"
        has_named = f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} {self._not_hidden('?g')} }}"
        if bool(self._ask(has_merge)) or not bool(self._ask(has_named)):
            return
        self._rebuild_merge()

    def _ask(self, sparql: str) -> bool:
        return bool(parse_results(self._post(self.query_url, {"query": sparql}, SELECT_RESULTS)))

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
                key = conflict_key(q.object)
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

    def _not_hidden(self, var: str) -> str:
        """A filter that leaves out the system graphs and the merge (``var`` is a graph name)."""
        return f"FILTER ({var} NOT IN ({', '.join(nt(NamedNode(g)) for g in sorted(self.hidden_graphs))}))"

    def _dataset(self, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None, *, own: bool, text: str = "") -> dict:
        """Protocol parameters that give a query clustergraph's dataset: the merged default
        graph as the default graph, and the named graphs for GRAPH.

        Graphs given here are passed on as they are, and a query with its own FROM /
        FROM NAMED keeps it. Otherwise stores with a default graph of their own need no
        parameters (the merge is that graph). Virtuoso gets ``MERGED_GRAPH`` and the named
        graphs (system graphs left out): with ``default-graph-uri`` alone it lets
        ``GRAPH ?g`` range over every graph, the merge and its system graphs included,
        and ``GRAPH <iri>`` over none; and with ``named-graph-uri`` it answers a pattern
        ``GRAPH <iri> { }`` for a graph not in the list as if the group were empty (one
        solution), so the graphs the query names are added to the list (measured on 7.2.5).
        """
        params: dict[str, list[str]] = {}
        if default_graph is not None:
            params["default-graph-uri"] = list(default_graph) or [NO_GRAPH]
        if named_graphs is not None:
            params["named-graph-uri"] = list(named_graphs) or [NO_GRAPH]
        if self.dialect != "virtuoso" or own or params:
            return params
        named = dict.fromkeys(g.value for g in self._data_graphs())
        named.update((iri, None) for iri in graph_iris(text) if iri not in self.hidden_graphs)
        return {"default-graph-uri": [MERGED_GRAPH], "named-graph-uri": list(named) or [NO_GRAPH]}

    def _paged_quads(self, pattern: str, *, by_graph: bool = True) -> Iterator[Quad]:
        """Every row of ``SELECT ?s ?p ?o ?g WHERE { pattern }``, whatever the server's row cap
        and sort limits: read in parts that each fit in one answer (``remote_reading``).

        ``by_graph``: the pattern binds ``?g`` (parts may be graphs); else it is split by hash only.
        Raises ``StoreUnavailable`` if a part cannot be made small enough.
        """
        if by_graph:
            counted = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?g"
        else:
            counted = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
        rows = list(parse_results(self._post(self.query_url, {"query": counted}, SELECT_RESULTS)))
        counts: dict[str | None, int] = {
            row["g"].value if by_graph else None: int(row["n"].value) for row in rows if row["n"] is not None
        }
        if by_graph and any(not isinstance(row["g"], NamedNode) for row in rows):
            counts = {None: sum(counts.values())}  # a graph no VALUES can name: split by hash only
        pending = deque(plan(counts, self._page()))
        while pending:
            part = pending.popleft()
            page = self._page()
            request = {"query": f"SELECT ?s ?p ?o ?g WHERE {part.where(pattern)} LIMIT {page}"}
            response = self._post(self.query_url, request, QUAD_RESULTS)
            cut = self._truncated(response)
            try:
                quads = read_quads(response)
            except StoreUnavailable:  # e.g. a character XML cannot carry: the same part as JSON
                response = self._post(self.query_url, request, SELECT_RESULTS)
                cut = self._truncated(response)
                quads = read_quads(response)
            if cut or len(quads) >= page:
                pending.extendleft(reversed(part.split()))  # maybe more than the answer held
                continue
            yield from quads

    def _page(self) -> int:
        """Rows asked for per request: ``page_size``, or less if the server's row cap is smaller."""
        with self._lock:
            cap = self._max_rows
        return self.page_size if cap is None else max(1, min(self.page_size, cap))

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
        raise_for_status(response, url)
        if response.headers.get("x-sql-state"):  # Virtuoso's "anytime" partial answer
            raise QueryTimeout(
                f"the remote store gave a partial answer: {response.headers.get('x-sql-message', 'time limit reached')}"
            )
        return response

"""The SPARQL 1.1 Service Description of ``/sparql`` and the VoID description of the dataset.

``service_description_response`` answers a GET on the endpoint without a query (the
SPARQL router calls it); ``/.well-known/void`` and ``/void`` serve the VoID description
alone. Both are Turtle, RDF/XML or JSON-LD by ``Accept`` (``?format=`` overrides).

The VoID counts come from the store by SPARQL (``exports.void``) and are cached per
store content version (``store.version``), so a description is computed once per
change of the data, not once per request. Handlers here are blocking: call
``service_description_response`` from a plain ``def`` handler (the threadpool).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS
from starlette.routing import NoMatchFound

from clustergraph import formats
from clustergraph.exports.dcat import describe_oai_service
from clustergraph.exports.void import VoidNumbers, void_graph, void_numbers
from clustergraph.namespaces import SD, VOID
from clustergraph.settings import Settings
from clustergraph.store.base import Store
from clustergraph.web.conneg import negotiate
from clustergraph.web.deps import SettingsDep, StoreDep

router = APIRouter(tags=["service description"])

SPARQL_PATH = "/sparql"
# The name of the SPARQL router's update route (web/sparql.py), by which its path is found.
UPDATE_ROUTE_NAME = "update_endpoint"
GRAPH_STORE_PATH = "/graph-store"
ENTAILMENT_SIMPLE = URIRef("http://www.w3.org/ns/entailment/Simple")
W3C_FORMATS = "http://www.w3.org/ns/formats/"
# The W3C's IRI of each format of the formats table (https://www.w3.org/ns/formats/).
FORMAT_IRIS: dict[str, str] = {
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "trig": "TriG",
    "nquads": "N-Quads",
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
}
# Formats a description can be served in (rdflib serialises these small graphs).
DESCRIPTION_FORMATS = tuple(formats.lookup(name) for name in ("turtle", "rdfxml", "jsonld", "ntriples"))
_STATE_LOCK = threading.Lock()


@dataclass
class _Cached:
    key: tuple
    numbers: VoidNumbers


class VoidCache:
    """The VoID counts of one store, recomputed only when ``store.version`` changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: _Cached | None = None

    def numbers(self, store: Store) -> VoidNumbers:
        version = getattr(store, "version", None)
        key = (id(store), version)
        with self._lock:
            if version is not None and self._entry is not None and self._entry.key == key:
                return self._entry.numbers
        numbers = void_numbers(store)
        with self._lock:
            self._entry = _Cached(key, numbers)
        return numbers


def void_cache(request: Request) -> VoidCache:
    """The app's one VoID cache (created on first use)."""
    state = request.app.state
    cache = getattr(state, "void_cache", None)
    if cache is None:
        with _STATE_LOCK:
            cache = getattr(state, "void_cache", None)
            if cache is None:
                cache = state.void_cache = VoidCache()
    return cache



def public_root(request: Request, settings: Settings) -> str:
    """The URL the service is reached at, ending with ``/``: ``public_url`` or the request's own."""
    root = settings.public_url or str(request.base_url)
    return root if root.endswith("/") else root + "/"


def public_url(request: Request, settings: Settings, path: str | None = None) -> str:
    """The public URL of ``path`` (default: the request's own path), without query string."""
    return public_root(request, settings) + (path if path is not None else request.url.path).lstrip("/")


def dataset_iri(request: Request, settings: Settings) -> str:
    """The dataset's IRI; the same node the DCAT-AP catalogue describes (``{service}catalog#dataset``)."""
    return public_root(request, settings) + "catalog#dataset"


def void_description_graph(request: Request, settings: Settings, store: Store) -> Graph:
    """The VoID description of the served dataset (counts cached per store version)."""
    return void_graph(
        void_cache(request).numbers(store),
        dataset_iri=dataset_iri(request, settings),
        base_iri=settings.base_iri,
        sparql_endpoint=public_url(request, settings, SPARQL_PATH),
    )


def update_endpoint(request: Request, settings: Settings) -> str | None:
    """The public URL of the SPARQL Update endpoint: the route named ``UPDATE_ROUTE_NAME``, when
    an update token is configured; ``None`` when updates are off or no such route exists."""
    if settings.update_token is None:
        return None
    try:
        path = request.app.url_path_for(UPDATE_ROUTE_NAME)
    except NoMatchFound:
        return None
    return public_url(request, settings, str(path))


def service_description_graph(request: Request, settings: Settings, store: Store, *, endpoint: str | None = None) -> Graph:
    """The Service Description of the query endpoint ``endpoint`` (default: the request's URL).

    Languages, result formats and features state what this deployment really does:
    SPARQL 1.1 Update (with its input formats) only where an update endpoint is enabled,
    on its own ``sd:Service`` when it has its own URL; ``sd:BasicFederatedQuery`` only
    with a non-empty SERVICE allow-list. The OAI-PMH interface that serves the same dataset
    to harvesters is a ``dcat:DataService`` (the node ``/catalog`` describes), linked from
    the query service by ``rdfs:seeAlso``.
    """
    endpoint = endpoint or public_url(request, settings)
    graph = void_description_graph(request, settings, store)
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    dataset = URIRef(dataset_iri(request, settings))
    add = graph.add
    service = _service(graph, endpoint, dataset, "clustergraph SPARQL endpoint")
    add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in formats.FORMATS:
        if fmt.name in FORMAT_IRIS:
            add((service, SD.resultFormat, URIRef(W3C_FORMATS + FORMAT_IRIS[fmt.name])))
    if settings.service_allowlist:
        add((service, SD.feature, SD.BasicFederatedQuery))
    graph.bind("dcat", DCAT)
    add((service, RDFS.seeAlso, describe_oai_service(graph, service_url=public_root(request, settings), dataset=dataset)))
    updates = update_endpoint(request, settings)
    if updates is not None:
        # web/sparql.py takes updates by POST on the query endpoint too (as the W3C tests
        # expect) and on a route of their own, described as a service of its own.
        updaters = [service]
        if updates != endpoint:
            updaters.append(_service(graph, updates, dataset, "clustergraph SPARQL Update endpoint"))
        for updater in updaters:
            add((updater, SD.supportedLanguage, SD.SPARQL11Update))
            for fmt in formats.rdf_formats():
                if not fmt.datasets:  # what the Graph Store accepts as a graph
                    add((updater, SD.inputFormat, URIRef(W3C_FORMATS + FORMAT_IRIS[fmt.name])))
    return graph


def _service(graph: Graph, endpoint: str, dataset: URIRef, title: str) -> BNode:
    """An ``sd:Service`` at ``endpoint`` over ``dataset``, whose default graph is the merge of all graphs."""
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, DCTERMS.title, Literal(title, lang="en")))
    # Queries see the RDF merge of the named graphs as their default graph (store.query's contract).
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT_SIMPLE))
    graph.add((service, SD.defaultDataset, dataset))
    return service


def choose_rdf_format(request: Request, offered: tuple[formats.Format, ...], *, default: str = "turtle") -> formats.Format:
    """The offered format ``?format=`` names, else the best match of ``Accept`` (``web.conneg``);
    ``default`` without ``Accept``. Raises 400 for an unknown ``?format=``, 406 when nothing fits."""
    return negotiate(
        request.headers.get("accept"), offered, override=request.query_params.get("format"), default=formats.lookup(default)
    )


def rdf_response(request: Request, graph: Graph, *, default: str = "turtle") -> Response:
    """``graph`` serialised in the format ``Accept`` (or ``?format=``) asks for; 406 if none fits."""
    fmt = choose_rdf_format(request, DESCRIPTION_FORMATS, default=default)
    body = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    return Response(content=body, media_type=fmt.content_type, headers={"Vary": "Accept"})


def service_description_response(request: Request, settings: Settings, store: Store) -> Response:
    """The Service Description of the endpoint at the request's URL, in the negotiated format.

    Blocking (SPARQL over the store on a cache miss): call it from a ``def`` handler.
    Raises ``NotAcceptable`` (406) when ``Accept`` allows none of Turtle, RDF/XML,
    JSON-LD, N-Triples, and ``InputError`` (400) for an unknown ``?format=``.
    """
    return rdf_response(request, service_description_graph(request, settings, store))


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], summary="VoID description of the dataset")
def well_known_void(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """The VoID description: triples, classes with their instances, properties, named graphs."""
    return rdf_response(request, void_description_graph(request, settings, store))


@router.api_route("/void", methods=["GET", "HEAD"], summary="VoID description of the dataset (alias)")
def void(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """The same description as ``/.well-known/void``."""
    return rdf_response(request, void_description_graph(request, settings, store))

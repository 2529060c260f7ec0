"""Dereferenceable IRIs: every resource IRI ``{base}{kind}/{slug}`` answers at ``/{kind}/{slug}``.

* Representation by ``Accept`` (q-values honoured): HTML for browsers, Turtle, JSON-LD,
  N-Triples, RDF/XML, and TriG / N-Quads; or named in the link: ``/{kind}/{slug}.ttl`` or
  ``?format=turtle``. Every format carries the facts in its default graph; TriG and N-Quads
  repeat each fact in the named graph of every source that states it
  (``clustergraph.pages.describe.dataset_document``). Responses carry
  ``Vary: Accept``, ``Link: rel=alternate`` for every format and ``Content-Location``.
* The IRIs are slash IRIs of things, answered directly (200) rather than by a 303 to a
  document (as LodView does); ``/resource?iri=`` answers 303 to the local path for IRIs
  under the base and the ontology, and directly for other IRIs the graph describes.
* The base IRI need not be this server's host: the path after the base is the path here.
* IRIs not in the graph: 404 (problem details, or an HTML page for browsers).
* The ontology (``https://w3id.org/clustergraph/ontology`` and its terms) resolves at
  ``/ontology`` and ``/ontology/{term}`` to its documentation, or its RDF by the same rules.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import NamedNode, Quad, Triple, serialize

from clustergraph import formats
from clustergraph.namespaces import CG, ONTOLOGY_IRI, PREFIXES, resource_prefixes
from clustergraph.pages.describe import dataset_document, describe_dataset, describe_triples
from clustergraph.pages.ontology_view import build_ontology_doc
from clustergraph.pages.resource_view import resource_exists
from clustergraph.pages.urls import Urls
from clustergraph.settings import Settings
from clustergraph.store.base import Store
from clustergraph.web import pages
from clustergraph.web.deps import SettingsDep, StoreDep
from clustergraph.web.errors import problem

router = APIRouter(tags=["linked data"])

HTML = "html"
# Offers in the server's order of preference: HTML first, so */* and browsers get a page.
OFFERS: list[tuple[str, str]] = [
    ("text/html", HTML),
    ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/n-triples", "ntriples"),
    ("application/trig", "trig"),
    ("application/n-quads", "nquads"),
    ("application/x-turtle", "turtle"),
    ("application/json", "jsonld"),
    ("application/xhtml+xml", HTML),
]
RDF_NAMES = pages.RDF_OFFERS
# With ?g bound: the ontology graph; with ?s bound too: one term's triples in it.
ONTOLOGY_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


class NotAcceptable(Exception):
    """The client accepts none of the offered media types."""


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """``Accept`` as (type, subtype, q) ranges; malformed parts are skipped, bad q counts as 0."""
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        main, sub = media.split("/", 1)
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((main, sub, q))
    return ranges


def negotiate(accept: str | None) -> str:
    """The representation (``html`` or an RDF format name) that best matches ``accept``.

    For each offer the most specific matching range sets its q; the highest q wins and ties
    go to the server's order. No header, or an empty one, means HTML.
    Raises ``NotAcceptable`` when every offer has q = 0.
    """
    if not accept or not accept.strip():
        return HTML
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for media, name in OFFERS:
        main, sub = media.split("/")
        q, specificity = 0.0, -1
        for r_main, r_sub, r_q in ranges:
            if (r_main, r_sub) == (main, sub):
                level = 2
            elif r_main == main and r_sub == "*":
                level = 1
            elif (r_main, r_sub) == ("*", "*"):
                level = 0
            else:
                continue
            if level > specificity:
                specificity, q = level, r_q
        if q > best_q:
            best, best_q = name, q
    if best is None:
        raise NotAcceptable(accept)
    return best


def choose(request: Request, extension: str | None) -> str | Response:
    """The representation asked for by extension, ``?format=`` or ``Accept``; or an error response."""
    named = extension or request.query_params.get("format")
    if named:
        if named.lower() == HTML:
            return HTML
        fmt = formats.lookup(named)
        if fmt is None or fmt.name not in RDF_NAMES:
            return _vary(problem(
                400 if not extension else 404, "Unknown format",
                f"unknown format {named!r}; use one of: html, {', '.join(RDF_NAMES)}",
            ))
        return fmt.name
    try:
        return negotiate(request.headers.get("accept"))
    except NotAcceptable:
        offered = ", ".join(dict.fromkeys(media for media, _ in OFFERS))
        return _vary(problem(406, "Not Acceptable", f"this resource is available as: {offered}"))


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response


def _headers(urls: Urls, iri: str, chosen: str) -> dict[str, str]:
    links = [
        f'<{alt["href"]}>; rel="alternate"; type="{alt["media_type"]}"' for alt in pages.alternates(urls, iri)
    ]
    headers = {"Vary": "Accept, Accept-Language", "Link": ", ".join(links)}
    fmt = formats.lookup(chosen)
    if fmt is not None:
        headers["Content-Location"] = urls.format_link(iri, fmt.extension)
    return headers


def rdf_response(triples_or_quads: list, fmt: formats.Format, headers: dict[str, str]) -> Response:
    body = serialize(triples_or_quads, format=fmt.oxigraph, prefixes=_prefixes(fmt))
    return Response(body, media_type=fmt.media_type, headers=headers)


def _prefixes(fmt: formats.Format) -> dict[str, str] | None:
    # JSON-LD and RDF/XML write their own namespaces; prefixes help the Turtle family.
    return dict(PREFIXES) if fmt.name in ("turtle", "trig") else None


def serve_resource(request: Request, store: Store, settings: Settings, iri: str, extension: str | None = None) -> Response:
    """The answer for one IRI of the graph, in the representation the client asked for."""
    chosen = choose(request, extension)
    if isinstance(chosen, Response):
        return chosen
    if not _valid_iri(iri) or not resource_exists(store, iri):
        if chosen == HTML:
            return pages.render_not_found(request, settings, iri)
        return _vary(problem(404, "Not Found", f"{iri} is not in the graph"))
    urls = Urls(settings.base_iri)
    if chosen == HTML:
        response = pages.render_resource(request, store, settings, iri)
        response.headers.update(_headers(urls, iri, HTML))
        return response
    fmt = formats.lookup(chosen)
    data = describe_dataset(store, iri) if fmt.datasets else describe_triples(store, iri)
    return rdf_response(data, fmt, _headers(urls, iri, chosen))


def _valid_iri(iri: str) -> bool:
    """False for text that is no IRI (a path with spaces or quotes): such a thing is not in the graph."""
    try:
        NamedNode(iri)
    except ValueError:
        return False
    return True


def _split_extension(path: str) -> tuple[str, str | None]:
    """``("its-owl", "ttl")`` for ``its-owl.ttl``; no split when the suffix is not an RDF extension."""
    if "." in path:
        stem, suffix = path.rsplit(".", 1)
        fmt = formats.lookup(suffix)
        if suffix.lower() == HTML or (fmt is not None and fmt.name in RDF_NAMES and suffix.lower() == fmt.extension):
            return stem, suffix.lower()
    return path, None


# ---------------------------------------------------------------- the ontology


def _ontology(request: Request, store: Store, settings: Settings, term: str | None, extension: str | None) -> Response:
    chosen = choose(request, extension)
    if isinstance(chosen, Response):
        return chosen
    iri = ONTOLOGY_IRI if term is None else str(CG) + term
    graph = NamedNode(ONTOLOGY_IRI)
    known = _valid_iri(iri) and any(True for _ in store.quads(NamedNode(iri), None, None, graph))
    if not known:
        if chosen == HTML:
            return pages.render_not_found(request, settings, iri)
        return _vary(problem(404, "Not Found", f"{iri} is not a term of the ontology"))
    urls = Urls(settings.base_iri)
    if chosen == HTML:
        response = pages.render_ontology(
            request, settings,
            lambda lang, page_urls: build_ontology_doc(store, lang=lang, urls=page_urls),
            single_iri=None if term is None else iri,
        )
        response.headers.update(_headers(urls, iri, HTML))
        return response
    fmt = formats.lookup(chosen)
    if term is None:
        triples = list(store.query(ONTOLOGY_TRIPLES, substitutions={"g": graph}))
    else:
        triples = list(store.query(ONTOLOGY_TRIPLES, substitutions={"g": graph, "s": NamedNode(iri)}))
    data = dataset_document(_in_graph(t, graph) for t in triples) if fmt.datasets else triples
    return rdf_response(data, fmt, _headers(urls, iri, chosen))


def _in_graph(triple: Triple, graph: NamedNode) -> Quad:
    return Quad(triple.subject, triple.predicate, triple.object, graph)


@router.api_route("/ontology", methods=["GET", "HEAD"], summary="The clustergraph ontology: documentation or RDF")
def ontology(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Classes and properties with English and German labels, definitions and alignments."""
    return _ontology(request, store, settings, None, None)


@router.api_route("/ontology.{extension}", methods=["GET", "HEAD"], summary="The clustergraph ontology in a named RDF format")
def ontology_as(extension: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """``/ontology.ttl``, ``/ontology.jsonld``, ``/ontology.rdf``, ``/ontology.nt``..."""
    _, ext = _split_extension("ontology." + extension)
    if ext is None:
        return problem(404, "Not Found", f"unknown format extension {extension!r}")
    return _ontology(request, store, settings, None, ext)


@router.api_route("/ontology/{term}", methods=["GET", "HEAD"], summary="One term of the ontology: documentation or RDF")
def ontology_term(term: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """``/ontology/Cluster`` resolves ``https://w3id.org/clustergraph/ontology/Cluster``."""
    name, ext = _split_extension(term)
    return _ontology(request, store, settings, name, ext)


# ---------------------------------------------------------------- the resolver


@router.api_route("/resource", methods=["GET", "HEAD"], summary="Resolve any IRI of the graph")
def resolve(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    iri: str = Query(description="An IRI of the graph: a resource, an ontology term or an outside IRI it describes."),
    format: str | None = Query(default=None, description="html, turtle, jsonld, ntriples, rdfxml, trig or nquads."),
) -> Response:
    """303 to the local page of an IRI under the base or the ontology; other IRIs the graph
    holds are answered here; anything else is 404."""
    if not _valid_iri(iri):
        return problem(400, "Bad Request", "the iri parameter is not a valid IRI")
    urls = Urls(settings.base_iri)
    local = urls.local_path(iri)
    if local is not None:
        suffix = ""
        if format:
            fmt = formats.lookup(format)
            if format.lower() != HTML and (fmt is None or fmt.name not in RDF_NAMES):
                return problem(400, "Unknown format", f"unknown format {format!r}")
            suffix = "" if format.lower() == HTML else "." + fmt.extension
        query = urlencode({k: v for k, v in request.query_params.items() if k not in ("iri", "format")})
        target = local + suffix + (f"?{query}" if query else "")
        return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})
    return serve_resource(request, store, settings, iri)


# ---------------------------------------------------------------- resource IRIs, one route per kind


def _add_kind_routes(kind: str) -> None:
    def listing(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
        return pages.render_listing(request, store, settings, kind)

    def resource(slug: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
        stem, ext = _split_extension(slug)
        return serve_resource(request, store, settings, f"{settings.base_iri}{kind}/{stem}", ext)

    listing.__doc__ = f"Every resource whose IRI starts with {{base}}{kind}/ (HTML)."
    resource.__doc__ = f"The resource {{base}}{kind}/{{slug}}: HTML, or RDF by Accept, extension or ?format=."
    router.add_api_route(f"/{kind}/", listing, methods=["GET", "HEAD"], summary=f"All {kind} resources", name=f"list-{kind}")
    router.add_api_route(
        f"/{kind}/{{slug:path}}", resource, methods=["GET", "HEAD"], summary=f"One {kind} resource", name=f"resource-{kind}"
    )


# The kinds come from the IRI contract, independent of the configured base.
for _kind in resource_prefixes("https://example.org/"):
    _add_kind_routes(_kind)


@router.api_route("/.well-known/genid/{slug}", methods=["GET", "HEAD"], summary="A skolemised blank node of the data")
def genid(slug: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Blank nodes are stored as ``{base}.well-known/genid/...`` IRIs; they resolve like any resource."""
    stem, ext = _split_extension(slug)
    return serve_resource(request, store, settings, f"{settings.base_iri}.well-known/genid/{stem}", ext)

"""HTML pages for people: the landing page with the landscape pictures, search, the
listing of each kind, and the renderers that ``linked_data`` uses for resource pages.

Server-side rendered with Jinja2 (autoescaping on: every value from the data is escaped),
readable without JavaScript, in English or German (``?lang=de`` or Accept-Language).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from clustergraph import formats
from clustergraph.landscape.lists import Pictures
from clustergraph.catalog.completeness import Completeness, completeness
from clustergraph.pages.completeness_view import landing_summary
from clustergraph.pages.describe import sparql_for
from clustergraph.pages import site_reads
from clustergraph.pages.labels import negotiate_language
from clustergraph.pages.numbers import format_date, format_number
from clustergraph.pages.ontology_view import OntologyDoc, Term
from clustergraph.pages.resource_view import ResourcePage, resource_page
from clustergraph.pages.schema_org import dataset_jsonld, resource_jsonld, script_json
from clustergraph.pages.search import MAX_QUERY_LENGTH
from clustergraph.pages.texts import KINDS, kind_name, texts
from clustergraph.pages.urls import Urls
from clustergraph.settings import Settings
from clustergraph.store.base import Store
from clustergraph.web.deps import SettingsDep, StoreDep
from clustergraph.web.service_description import public_root, public_url
from clustergraph.web.reads import read_for, read_model

router = APIRouter(tags=["pages"])

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(["html", "svg", "xml"], default_for_string=True),
    trim_blocks=False,
    lstrip_blocks=False,
)
TEMPLATES.filters["number"] = format_number
TEMPLATES.filters["date"] = format_date


def in_language(value: object, page_lang: str) -> object:
    """A name (``pages.labels.Name``) in another language than the page's, in an element that
    says which, so readers and screen readers know; anything else as it is."""
    lang = getattr(value, "lang", None)
    if lang and lang != page_lang:
        return Markup('<span lang="{}">{}</span>').format(lang, value)
    return value


TEMPLATES.filters["named"] = in_language
STATIC = Path(__file__).resolve().parent / "static"
HTML_TYPE = "text/html; charset=utf-8"
SVG_TYPE = "image/svg+xml"
# The RDF formats offered for every resource, in the order pages list them.
RDF_OFFERS = ("turtle", "jsonld", "ntriples", "rdfxml", "trig", "nquads")
FORMAT_NAMES = {
    "turtle": "Turtle",
    "jsonld": "JSON-LD",
    "ntriples": "N-Triples",
    "rdfxml": "RDF/XML",
    "trig": "TriG",
    "nquads": "N-Quads",
}


@dataclass(frozen=True)
class PageContext:
    """What every page needs: the language, the link builder and the page words."""

    lang: str
    urls: Urls
    t: dict[str, str]
    request: Request

    def lang_links(self) -> dict[str, str]:
        """This page's address in each language."""
        links = {}
        for lang in ("en", "de"):
            params = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
            params.append(("lang", lang))
            links[lang] = f"{self.request.url.path}?{urlencode(params)}"
        return links


def page_context(request: Request, settings: Settings) -> PageContext:
    lang, explicit = negotiate_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    return PageContext(lang, Urls(settings.base_iri, lang if explicit else None), texts(lang), request)


def html(ctx: PageContext, template: str, *, status: int = 200, **values: object) -> HTMLResponse:
    """Render ``template`` with the page context; ``Vary`` names what the page depends on."""
    context: dict[str, object] = {"alternates": (), "jsonld": None}
    context.update(values)
    body = TEMPLATES.get_template(template).render(
        lang=ctx.lang, urls=ctx.urls, t=ctx.t, lang_links=ctx.lang_links(), **context
    )
    response = HTMLResponse(body, status_code=status, media_type="text/html")
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Content-Language"] = ctx.lang
    return response


def alternates(urls: Urls, iri: str) -> list[dict[str, str]]:
    """Links to ``iri`` in each RDF format."""
    found = []
    for name in RDF_OFFERS:
        fmt = formats.lookup(name)
        if fmt is not None:
            found.append({"name": FORMAT_NAMES[name], "media_type": fmt.media_type, "href": urls.format_link(iri, fmt.extension)})
    return found


# ---------------------------------------------------------------- renderers used by linked_data


def render_resource(request: Request, store: Store, settings: Settings, iri: str) -> HTMLResponse:
    """The page of the resource ``iri`` (call ``resource_exists`` first). Its data is read through
    the query executor (``catalog.reads``): in a worker, under the query timeout, cached per
    store version. Blocking: call it in a thread."""
    ctx = page_context(request, settings)
    page: ResourcePage = read_for(request, resource_page, iri, catalog=False, lang=ctx.lang, urls=ctx.urls)
    view, classes, related = page.view, page.cluster_classes, page.related
    page_url = public_url(request, settings)
    jsonld = script_json(resource_jsonld(view, cluster_types=classes, page_url=page_url))
    query = sparql_for(view.iri)
    return html(
        ctx,
        "page_resource.html",
        view=view,
        related=related,
        kind_label=kind_name(view.kind, ctx.lang) if view.kind in KINDS else None,
        sparql_text=query,
        sparql_href="/sparql?" + urlencode({"query": query}),
        alternates=alternates(ctx.urls, view.iri),
        jsonld=jsonld,
    )


def render_not_found(request: Request, settings: Settings, iri: str) -> HTMLResponse:
    return html(page_context(request, settings), "page_not_found.html", status=404, iri=iri)


def render_ontology(request: Request, settings: Settings, doc_for, single_iri: str | None = None) -> HTMLResponse:
    """The ontology documentation, or the page of one term (``single_iri``).

    ``doc_for(lang, urls)`` builds the ``OntologyDoc``.
    """
    ctx = page_context(request, settings)
    doc: OntologyDoc = doc_for(ctx.lang, ctx.urls)
    single: Term | None = doc.term(single_iri) if single_iri else None
    iri = single.iri if single else doc.iri
    return html(ctx, "page_ontology.html", doc=doc, single=single, alternates=alternates(ctx.urls, iri))


def render_listing(request: Request, store: Store, settings: Settings, kind: str) -> HTMLResponse:
    """Every resource of ``kind`` (IRIs under ``{base}{kind}/``), by name."""
    ctx = page_context(request, settings)
    found = read_for(request, site_reads.listing, settings.base_iri, kind, catalog=False, lang=ctx.lang, urls=ctx.urls)
    items = [{"href": href, "label": label} for href, label in found]
    return html(
        ctx, "page_listing.html", kind=kind, kind_label=kind_name(kind, ctx.lang), items=items,
        kinds=kind_counts(store, settings, ctx),
    )


def kind_counts(store: Store, settings: Settings, ctx: PageContext) -> list[dict]:
    """How many resources of each kind the graph holds, with links to their listings."""
    counts = read_for(ctx.request, site_reads.kind_counts, settings.base_iri, catalog=False)
    return [
        {"kind": kind, "name": kind_name(kind, ctx.lang), "count": counts.get(kind, 0), "href": ctx.urls.with_lang(f"/{kind}/")}
        for kind in KINDS
    ]


# ---------------------------------------------------------------- routes


# Drawing both pictures reads every cluster and every tie (measured: 4 ms for the bundled
# 23 clusters, 1.3 s for a generated 314), and they change only with the data: they are
# kept per store version, language and link style, with the lists shown under them.
_PICTURES: OrderedDict[tuple, Pictures] = OrderedDict()
_PICTURES_KEPT = 16
_PICTURES_LOCK = threading.Lock()


def _pictures(store: Store, ctx: PageContext) -> Pictures:
    """The landscape and the network SVG for this page's language and links, and their lists."""
    key = (store.version, ctx.lang, ctx.urls)
    with _PICTURES_LOCK:
        if key in _PICTURES:
            _PICTURES.move_to_end(key)
            return _PICTURES[key]
    # Drawn in a query worker (``pages.site_reads``); kept here too, as the drawing may be larger
    # than the executor's cache keeps.
    drawn = read_for(ctx.request, site_reads.pictures, catalog=False, lang=ctx.lang, urls=ctx.urls, no_field_label=ctx.t["no_field"])
    if store.version == key[0]:  # a write while drawing: the next request draws again
        with _PICTURES_LOCK:
            _PICTURES[key] = drawn
            while len(_PICTURES) > _PICTURES_KEPT:
                _PICTURES.popitem(last=False)
    return drawn


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse, summary="Landing page with the cluster landscape")
def home(request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """The NRW cluster landscape (clusters by innovation field), the tie network, search and browsing."""
    ctx = page_context(request, settings)
    pictures = _pictures(store, ctx)
    site = public_root(request, settings)
    jsonld = dataset_jsonld(
        name="clustergraph: NRW innovation clusters",
        description=ctx.t["tagline"],
        url=site,
        sparql_url=site.rstrip("/") + "/sparql",
        dump_urls={"application/sparql-results+json": site.rstrip("/") + "/sparql"},
    )
    return html(
        ctx,
        "page_home.html",
        landscape_svg=pictures.landscape_svg,
        network_svg=pictures.network_svg,
        lists=pictures.lists,
        kinds=kind_counts(store, settings, ctx),
        jsonld=script_json(jsonld),
        completeness=landing_summary(
            read_model(request, Completeness, completeness).totals,
            ctx.lang,
            ctx.urls,
        ),
    )


@router.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
def favicon() -> FileResponse:
    """The site's icon where browsers look for it first (the pages also link ``/static/favicon.svg``)."""
    return FileResponse(STATIC / "favicon.ico", media_type="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=86400"})


@router.api_route("/landscape.svg", methods=["GET", "HEAD"], summary="The cluster landscape as SVG", response_class=Response)
def landscape_svg(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Clusters grouped by innovation field, drawn from the current data (``?lang=de`` for German)."""
    ctx = page_context(request, settings)
    return _svg(_pictures(store, ctx).landscape_svg, "nrw-cluster-landscape.svg", ctx.lang)


@router.api_route("/network.svg", methods=["GET", "HEAD"], summary="The cross-cluster ties as SVG", response_class=Response)
def network_svg(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Clusters and their ties (shared members, technologies, managing bodies, programmes)."""
    ctx = page_context(request, settings)
    return _svg(_pictures(store, ctx).network_svg, "nrw-cluster-network.svg", ctx.lang)


def _svg(body: str, filename: str, lang: str) -> Response:
    # Links inside point at this server's pages; the download name is for "save as". On its
    # own (not inside a page that says it) the picture states its language: SVG 2's ``lang``
    # and, for SVG 1.1 readers, ``xml:lang``.
    body = body.replace("<svg ", f'<svg lang="{lang}" xml:lang="{lang}" ', 1)
    response = Response(body, media_type=SVG_TYPE)
    response.headers["Content-Language"] = lang
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Vary"] = "Accept-Language"
    return response


@router.api_route("/search", methods=["GET", "HEAD"], response_class=HTMLResponse, summary="Search clusters and actors (HTML)")
def search_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    q: str | None = Query(default=None, description="Text to find in names, technologies and cities."),
) -> HTMLResponse:
    """Clusters and actors whose name, technology or city contains ``q``."""
    ctx = page_context(request, settings)
    text = (q or "").strip()
    if not text:
        return html(ctx, "page_search.html", q="", hits=None, error=None)
    if len(text) > MAX_QUERY_LENGTH:
        message = ctx.t["search_too_long"].format(n=MAX_QUERY_LENGTH)
        return html(ctx, "page_search.html", status=400, q=text[:MAX_QUERY_LENGTH], hits=None, error=message)
    hits = read_for(request, site_reads.search_hits, text, catalog=False, lang=ctx.lang, urls=ctx.urls, base_iri=settings.base_iri)
    return html(ctx, "page_search.html", q=text, hits=hits, error=None)


__all__ = ["render_listing", "render_not_found", "render_ontology", "render_resource", "router"]

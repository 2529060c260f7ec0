"""Downloads for European platforms: the DCAT-AP catalogue, whole-dataset dumps, ECCP-aligned profiles."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from starlette.exceptions import HTTPException

from clustergraph import formats
from clustergraph.exports import dcat, eccp
from clustergraph.pages.catalog_view import catalog_view
from clustergraph.web.conneg import negotiate, prefers_html
from clustergraph.web.deps import SettingsDep, StoreDep
from clustergraph.web.pages import FORMAT_NAMES, html, page_context

router = APIRouter(tags=["exports"])

CATALOG_FORMATS = [formats.lookup(name) for name in ("turtle", "jsonld", "rdfxml", "ntriples")]
DUMP_FORMATS = {d.path.rsplit(".", 1)[-1]: formats.lookup(d.media_type) for d in dcat.DUMPS}


def service_url(request: Request, public_url: str | None) -> str:
    """Where this server is reached, ending with '/'."""
    url = public_url or str(request.base_url)
    return url if url.endswith("/") else url + "/"


@router.get("/catalog", summary="DCAT-AP catalogue of the dataset")
def catalog(request: Request, store: StoreDep, settings: SettingsDep, format: str | None = None) -> Response:
    """The DCAT-AP (2.1.1 and 3.0.1 compatible) description of the dataset, its dumps and the
    SPARQL endpoint, for harvesting by data.europa.eu. Turtle, JSON-LD, RDF/XML or N-Triples;
    a page for people when the client asks for HTML first (a browser)."""
    if format is None and prefers_html(request.headers.get("accept"), CATALOG_FORMATS):
        return catalog_page(request, store, settings)
    fmt = negotiate(request.headers.get("accept"), CATALOG_FORMATS, override=format)
    graph = dcat.catalogue(
        store,
        service_url=service_url(request, settings.public_url),
        base_iri=settings.base_iri,
        publisher_name=settings.publisher_name,
        publisher_url=settings.publisher_url,
    )
    body = graph.serialize(format=fmt.rdflib_name)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


def catalog_page(request: Request, store, settings) -> Response:
    """The catalogue as an HTML page of the site, with links to its RDF."""
    ctx = page_context(request, settings)
    graph = dcat.catalogue(
        store,
        service_url=service_url(request, settings.public_url),
        base_iri=settings.base_iri,
        publisher_name=settings.publisher_name,
        publisher_url=settings.publisher_url,
    )
    rdf_links = [{"name": FORMAT_NAMES[f.name], "media_type": f.media_type, "href": f"/catalog?format={f.name}"} for f in CATALOG_FORMATS]
    return html(ctx, "page_catalog.html", view=catalog_view(graph, ctx.lang), rdf_links=rdf_links, alternates=rdf_links)


@router.get("/dump.{extension}", summary="The whole dataset as one file")
def dump(extension: str, store: StoreDep) -> Response:
    """Every named graph as N-Quads (`dump.nq`) or TriG (`dump.trig`), or their union as Turtle (`dump.ttl`)."""
    fmt = DUMP_FORMATS.get(extension)
    if fmt is None:
        raise HTTPException(404, f"no dump as .{extension}; use one of {', '.join('.' + e for e in DUMP_FORMATS)}")
    return Response(
        store.dump(fmt.oxigraph),
        media_type=fmt.content_type,
        headers={"Content-Disposition": f'attachment; filename="clustergraph.{extension}"'},
    )


@router.get("/exports/eccp.{extension}", summary="Cluster profiles aligned with the ECCP")
def eccp_profiles(extension: str, store: StoreDep) -> Response:
    """One row per cluster with the fields ECCP profiles and its mapping tool use (name, website,
    country, NUTS region, managing organisation, members, label, sectors, ecosystems), as CSV or JSON."""
    records = eccp.profiles(store)
    if extension == "csv":
        return Response(eccp.as_csv(records), media_type="text/csv; charset=utf-8")
    if extension == "json":
        body = json.dumps({"data": records, "count": len(records)}, ensure_ascii=False)
        return Response(body, media_type="application/json")
    raise HTTPException(404, "ECCP profiles come as .csv or .json")

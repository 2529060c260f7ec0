"""The portal API under ``/api/v1``: clusters, actors, vocabularies, labels, programmes,
events, sources, search and cross-cluster matching, as JSON for other portals.

* Shapes: the pydantic models of ``clustergraph.catalog.models``; lists come as
  ``{data, count, limit, offset}`` with the total ``count`` and a stable order.
* Ids are the slugs of the graph IRIs; every resource also carries its ``iri``.
* ``application/ld+json`` (by ``Accept`` or ``?format=jsonld``): the same document with an
  ``@context`` link to ``/api/v1/context.jsonld``, so it reads as RDF.
* Caching: a strong ``ETag`` (hash of the store's content version and the request) and
  ``Cache-Control: public, max-age=N``; ``If-None-Match`` answers ``304`` without a query.
* Errors: RFC 9457 problem details (``web/errors.py``): 404 for unknown ids, 406 for an
  unacceptable ``Accept``, 422 for bad parameters.

Handlers are plain ``def``: FastAPI runs them in the threadpool, off the event loop; the
catalogue reads themselves run in the query workers (``catalog.reads``), under the query
timeout (503), answered from the result cache while the store is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from clustergraph import catalog
from clustergraph.catalog.actors import TYPES as ACTOR_TYPES
from clustergraph.catalog.clusters import KINDS as CLUSTER_KINDS
from clustergraph.catalog.completeness import Completeness, completeness
from clustergraph.catalog.labels import LEVELS
from clustergraph.catalog.search import KINDS as SEARCH_KINDS
from clustergraph.catalog.jsonld import context as jsonld_context
from clustergraph.catalog.models import (
    ActorDetail,
    ActorSummary,
    ClusterDetail,
    ClusterSummary,
    Event,
    InnovationField,
    LabelAward,
    Member,
    Page,
    Problem,
    Programme,
    RelatedCluster,
    SearchHit,
    Source,
    Technology,
)
from clustergraph.catalog.query import SLUG_PATTERN, Catalog
from clustergraph.web import api_docs
from clustergraph.web.deps import SettingsDep, StoreDep
from clustergraph.web.errors import PROBLEM_JSON
from clustergraph.web.requests import etag_matches
from clustergraph.web.reads import read_for

PREFIX = "/api/v1"
JSON = "application/json"
JSONLD = "application/ld+json"
router = APIRouter(prefix=PREFIX, tags=["portal API"])

# ---------------------------------------------------------------------------------------
# Parameters shared by the routes
# ---------------------------------------------------------------------------------------


class Variant(str, Enum):
    json = "json"
    jsonld = "jsonld"


LabelLevel = Enum("LabelLevel", {name: name for name in LEVELS}, type=str)  # type: ignore[misc]
ClusterKind = Enum("ClusterKind", {k.replace("-", "_"): k for k in CLUSTER_KINDS}, type=str)  # type: ignore[misc]
ActorType = Enum("ActorType", {k.replace("-", "_"): k for k in ACTOR_TYPES}, type=str)  # type: ignore[misc]
SearchKind = Enum("SearchKind", {k.replace("-", "_"): k for k in SEARCH_KINDS}, type=str)  # type: ignore[misc]

Limit = Annotated[int, Query(ge=1, le=100, description="Most items on the page (1-100).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip (0 = first page).")]
Format = Annotated[
    Variant | None,
    Query(alias="format", description="`jsonld` for JSON-LD (same as `Accept: application/ld+json`)."),
]
Text = Annotated[str | None, Query(min_length=1, max_length=200, description="Text to look for (case-insensitive).")]


def _id_path(what: str) -> Any:
    return Path(
        pattern=SLUG_PATTERN,
        max_length=200,
        description=f"Short id of the {what}: the last segment of its IRI.",
        examples=["its-owl"] if what == "cluster" else None,
    )


ClusterId = Annotated[str, _id_path("cluster")]

# ---------------------------------------------------------------------------------------
# Documentation of the responses every route shares
# ---------------------------------------------------------------------------------------


# Inlined (not a component): FastAPI would also list a component model under application/json.
PROBLEM_SCHEMA = Problem.model_json_schema()


def _problem(example_status: int, title: str, detail: str) -> dict:
    return {
        "content": {
            PROBLEM_JSON: {
                "schema": PROBLEM_SCHEMA,
                "example": {"type": "about:blank", "title": title, "status": example_status, "detail": detail},
            }
        },
        "description": title,
    }


def _responses(model: type[BaseModel] | Any, *, not_found: str | None = None) -> dict:
    """OpenAPI responses: JSON and JSON-LD bodies, 304, 406, 422 and (for one resource) 404."""
    schema_ref = {"$ref": f"#/components/schemas/{_schema_name(model)}"}
    out: dict = {
        200: {
            "content": {JSONLD: {"schema": schema_ref}},
            "description": "The resource, as JSON or (with `?format=jsonld` or `Accept: application/ld+json`) JSON-LD.",
            "headers": {
                "ETag": {"description": "Changes when the data or the request changes.", "schema": {"type": "string"}},
                "Cache-Control": {"description": "public, max-age=N", "schema": {"type": "string"}},
            },
        },
        304: {"description": "Not modified: the `If-None-Match` ETag is current."},
        406: _problem(406, "Not Acceptable", "this resource is available as application/json or application/ld+json"),
        422: _problem(422, "Invalid request parameters", "see errors"),
    }
    if not_found:
        out[404] = _problem(404, "Not Found", f"no {not_found} with id 'unknown'")
    return out


def _schema_name(model: Any) -> str:
    name = getattr(model, "__name__", str(model))
    return name.replace("[", "_").replace("]", "_").replace(".", "_")


# ---------------------------------------------------------------------------------------
# Negotiation, ETags and caching
# ---------------------------------------------------------------------------------------


def _variant(request: Request, fmt: Variant | None) -> str:
    """JSON or JSON-LD: the ``format`` parameter wins, else the best ``Accept`` match.

    Raises a 406 ``HTTPException`` when ``Accept`` rules out both.
    """
    if fmt is not None:
        return JSONLD if fmt is Variant.jsonld else JSON
    accept = request.headers.get("accept")
    if not accept:
        return JSON
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        q = 1.0
        for param in pieces[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media == JSONLD:
            candidate = JSONLD
        elif media in (JSON, PROBLEM_JSON, "application/*", "*/*"):
            candidate = JSON
        else:
            continue
        # Higher q wins; on a tie the exact type named first in the header.
        key = (q, -position, candidate)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        raise HTTPException(406, f"this resource is available as {JSON} or {JSONLD}")
    return best[2]


def _etag(request: Request, version: str, variant: str) -> str:
    """A strong ETag: same store content version + same request = same bytes."""
    query = sorted(request.query_params.multi_items())
    key = json.dumps([version, variant, request.url.path, query, str(request.base_url)], ensure_ascii=False)
    return '"' + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + '"'


def _context_url(request: Request, settings) -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/") + f"{PREFIX}/context.jsonld"
    return str(request.url_for("api_context"))


def respond(
    request: Request, store, settings, fmt: Variant | None, build: Callable[..., BaseModel | dict], *args: Any, **kwargs: Any
) -> Response:
    """Answer a GET: negotiate, revalidate (304) before any query, else build and serialise.

    ``build`` gets a ``Catalog`` (and ``args``, ``kwargs``) and returns a model; it may raise
    ``NotFound`` (404). A catalogue read (marked ``@read``) runs through the query executor
    (``catalog.reads``): in a worker, under the query timeout (503), its answer cached per
    store version; anything else (a constant document) is built here.
    """
    variant = _variant(request, fmt)
    etag = _etag(request, store.version, variant)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.api_cache_seconds}",
        "Vary": "Accept",
    }
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    if getattr(build, "__clustergraph_read__", False):
        result = read_for(request, build, *args, **kwargs)
    else:
        result = build(Catalog(store, settings.base_iri), *args, **kwargs)
    body = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    if variant == JSONLD:
        body = {"@context": _context_url(request, settings), **body}
    return JSONResponse(body, media_type=variant, headers=headers)


# ---------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def api_reference(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The API reference for people: every operation with its parameters, an example and a form to try it."""
    return api_docs.page(request, settings, request.app.openapi(), PREFIX)


@router.get(
    "/context.jsonld",
    name="api_context",
    summary="JSON-LD context of the API",
    description="The `@context` that the JSON-LD variant of every response links to: it maps the API's "
    "fields to the graph's vocabulary (cg:, SKOS, ORG, DCTERMS, schema.org, Hydra).",
    responses={200: {"content": {JSONLD: {"example": {"@context": {"iri": "@id", "name": "schema:name"}}}}}},
)
def api_context(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    response = respond(request, store, settings, Variant.json, lambda cat: jsonld_context(cat.base_iri))
    if response.status_code == 200:
        response.headers["content-type"] = JSONLD
    return response


@router.get(
    "/clusters",
    response_model=Page[ClusterSummary],
    summary="List clusters",
    description="Clusters and networks, filtered and paginated, ordered by name (then IRI). Filters combine "
    "with AND. `technology` also finds clusters tagged with a narrower technology; `city` matches the "
    "place where the cluster (else its managing body) is based, by name or id; `q` is the search of "
    "`/search`: its cluster hits, in its order. Unknown filter ids give an empty page.",
    responses=_responses(Page[ClusterSummary]),
)
def list_clusters(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    innovation_field: Annotated[
        str | None,
        Query(pattern=SLUG_PATTERN, max_length=200, description="Innovation field id.", examples=["key-technologies-ict"]),
    ] = None,
    technology: Annotated[
        str | None, Query(pattern=SLUG_PATTERN, max_length=200, description="Technology id.", examples=["industry-4-0"])
    ] = None,
    label_level: Annotated[LabelLevel | None, Query(description="Has a label of this level.")] = None,
    kind: Annotated[ClusterKind | None, Query(description="Kind of cluster.")] = None,
    city: Annotated[
        str | None, Query(min_length=1, max_length=100, description="City name or place id.", examples=["Essen"])
    ] = None,
    q: Text = None,
    limit: Limit = 20,
    offset: Offset = 0,
    fmt: Format = None,
) -> Response:
    filters = catalog.ClusterFilters(
        innovation_field=innovation_field,
        technology=technology,
        label_level=label_level.value if label_level else None,
        kind=kind.value if kind else None,
        city=city,
        q=q,
    )
    return respond(request, store, settings, fmt, catalog.list_clusters, filters, limit=limit, offset=offset)


@router.get(
    "/clusters/{id}",
    response_model=ClusterDetail,
    summary="One cluster",
    description="Everything the graph says about a cluster: names, kinds, NUTS region (code, and names once the "
    "NUTS graph is loaded), managing body, innovation fields, technologies, labels, programmes, dated figures, and "
    "the sources its facts come from.",
    responses=_responses(ClusterDetail, not_found="cluster"),
)
def get_cluster(request: Request, store: StoreDep, settings: SettingsDep, id: ClusterId, fmt: Format = None) -> Response:
    return respond(request, store, settings, fmt, catalog.get_cluster, id)


@router.get(
    "/clusters/{id}/members",
    response_model=Page[Member],
    summary="Members of a cluster",
    description="The member organisations the graph names for a cluster (not a complete member list), "
    "by name, with their roles and the sources that state each membership.",
    responses=_responses(Page[Member], not_found="cluster"),
)
def list_members(
    request: Request, store: StoreDep, settings: SettingsDep, id: ClusterId, limit: Limit = 20, offset: Offset = 0, fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.list_members, id, limit=limit, offset=offset)


@router.get(
    "/clusters/{id}/related",
    response_model=Page[RelatedCluster],
    summary="Related clusters (cross-cluster matching)",
    description="Other clusters ranked by their ties to this one, with the evidence for each tie. Weights: "
    "shared member 3, joint programme 2, shared technology 2, shared managing body 2, shared innovation "
    "field 1, each scaled by 2/n where n is the number of clusters sharing the item (rare ties count more); "
    "complementary innovation fields (one side in a cross-cutting field, the other in a field the first is "
    "not in) 0.5 per pair. Score = sum of the weights; ties broken by name, then IRI.",
    responses=_responses(Page[RelatedCluster], not_found="cluster"),
)
def list_related(
    request: Request, store: StoreDep, settings: SettingsDep, id: ClusterId, limit: Limit = 20, offset: Offset = 0, fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.related_clusters, id, limit=limit, offset=offset)


@router.get(
    "/actors",
    response_model=Page[ActorSummary],
    summary="List actors",
    description="Organisations of the ecosystem (members, managing bodies, funders, awarding bodies), by name. "
    "`cluster` keeps the members and managing bodies of one cluster; `city` matches where they are based.",
    responses=_responses(Page[ActorSummary]),
)
def list_actors(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    type: Annotated[ActorType | None, Query(description="Kind of organisation.")] = None,
    cluster: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=200, description="Cluster id.")] = None,
    city: Annotated[str | None, Query(min_length=1, max_length=100, description="City name or place id.")] = None,
    q: Text = None,
    limit: Limit = 20,
    offset: Offset = 0,
    fmt: Format = None,
) -> Response:
    filters = catalog.ActorFilters(type=type.value if type else None, cluster=cluster, city=city, q=q)
    return respond(request, store, settings, fmt, catalog.list_actors, filters, limit=limit, offset=offset)


@router.get(
    "/actors/{id}",
    response_model=ActorDetail,
    summary="One actor",
    description="An organisation with the clusters it belongs to or manages, and the sources of its facts.",
    responses=_responses(ActorDetail, not_found="actor"),
)
def get_actor(
    request: Request, store: StoreDep, settings: SettingsDep, id: Annotated[str, _id_path("actor")], fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.get_actor, id)


@router.get(
    "/innovation-fields",
    response_model=Page[InnovationField],
    summary="List innovation fields",
    description="The innovation fields of the Regional Innovation Strategy NRW 2021-2027, by name, with the "
    "number of clusters in each.",
    responses=_responses(Page[InnovationField]),
)
def list_innovation_fields(
    request: Request, store: StoreDep, settings: SettingsDep, q: Text = None, limit: Limit = 20, offset: Offset = 0, fmt: Format = None
) -> Response:
    return respond(
        request, store, settings, fmt, catalog.list_innovation_fields, q=q, limit=limit, offset=offset
    )


@router.get(
    "/innovation-fields/{id}",
    response_model=InnovationField,
    summary="One innovation field",
    description="An innovation field with its names, definition and number of clusters.",
    responses=_responses(InnovationField, not_found="innovation field"),
)
def get_innovation_field(
    request: Request, store: StoreDep, settings: SettingsDep, id: Annotated[str, _id_path("innovation field")], fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.get_innovation_field, id)


@router.get(
    "/technologies",
    response_model=Page[Technology],
    summary="List technologies",
    description="Technologies and sector foci, by name, with the number of clusters working on each "
    "(directly or on a narrower technology).",
    responses=_responses(Page[Technology]),
)
def list_technologies(
    request: Request, store: StoreDep, settings: SettingsDep, q: Text = None, limit: Limit = 20, offset: Offset = 0, fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.list_technologies, q=q, limit=limit, offset=offset)


@router.get(
    "/technologies/{id}",
    response_model=Technology,
    summary="One technology",
    description="A technology with its names, broader technologies and number of clusters.",
    responses=_responses(Technology, not_found="technology"),
)
def get_technology(
    request: Request, store: StoreDep, settings: SettingsDep, id: Annotated[str, _id_path("technology")], fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.get_technology, id)


@router.get(
    "/labels",
    response_model=Page[LabelAward],
    summary="List label awards",
    description="Cluster-management excellence label awards (Bronze, Silver, Gold), newest first.",
    responses=_responses(Page[LabelAward]),
)
def list_labels(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    level: Annotated[LabelLevel | None, Query(description="Only awards of this level.")] = None,
    cluster: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=200, description="Cluster id.")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    fmt: Format = None,
) -> Response:
    lvl = level.value if level else None
    return respond(
        request, store, settings, fmt, catalog.list_labels, level=lvl, cluster=cluster, limit=limit, offset=offset
    )


@router.get(
    "/labels/{id}",
    response_model=LabelAward,
    summary="One label award",
    description="A label award with its level, cluster, awarding body, dates and sources.",
    responses=_responses(LabelAward, not_found="label award"),
)
def get_label(
    request: Request, store: StoreDep, settings: SettingsDep, id: Annotated[str, _id_path("label award")], fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.get_label, id)


@router.get(
    "/programmes",
    response_model=Page[Programme],
    summary="List funding programmes",
    description="Funding programmes with the clusters taking part, by name. `cluster` keeps the programmes of one cluster.",
    responses=_responses(Page[Programme]),
)
def list_programmes(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    cluster: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=200, description="Cluster id.")] = None,
    q: Text = None,
    limit: Limit = 20,
    offset: Offset = 0,
    fmt: Format = None,
) -> Response:
    return respond(
        request, store, settings, fmt, catalog.list_programmes, q=q, cluster=cluster, limit=limit, offset=offset
    )


@router.get(
    "/programmes/{id}",
    response_model=Programme,
    summary="One funding programme",
    description="A funding programme with its funders and the clusters taking part.",
    responses=_responses(Programme, not_found="programme"),
)
def get_programme(
    request: Request, store: StoreDep, settings: SettingsDep, id: Annotated[str, _id_path("programme")], fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.get_programme, id)


@router.get(
    "/events",
    response_model=Page[Event],
    summary="List events",
    description="Events such as the plenaries and info events of the Cluster-Dialog.NRW, newest first.",
    responses=_responses(Page[Event]),
)
def list_events(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    topic_area: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=200, description="Topic area id.")] = None,
    q: Text = None,
    limit: Limit = 20,
    offset: Offset = 0,
    fmt: Format = None,
) -> Response:
    return respond(
        request, store, settings, fmt, catalog.list_events, q=q, topic_area=topic_area, limit=limit, offset=offset
    )


@router.get(
    "/events/{id}",
    response_model=Event,
    summary="One event",
    description="An event with its date, place, topic areas, organisers and participants.",
    responses=_responses(Event, not_found="event"),
)
def get_event(
    request: Request, store: StoreDep, settings: SettingsDep, id: Annotated[str, _id_path("event")], fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.get_event, id)


@router.get(
    "/sources",
    response_model=Page[Source],
    summary="List sources",
    description="The sources of the data: one named graph each, with where it was read and its size, by IRI. "
    "`editorial=true` keeps only the editors' own graphs, `false` drops them.",
    responses=_responses(Page[Source]),
)
def list_sources(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    editorial: Annotated[bool | None, Query(description="Only editorial (true) or only public (false) sources.")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    fmt: Format = None,
) -> Response:
    return respond(
        request, store, settings, fmt, catalog.list_sources, editorial=editorial, limit=limit, offset=offset
    )


@router.get(
    "/sources/{id}",
    response_model=Source,
    summary="One source",
    description="A source (named graph) with its title, address or section, and size.",
    responses=_responses(Source, not_found="source"),
)
def get_source(
    request: Request, store: StoreDep, settings: SettingsDep, id: Annotated[str, _id_path("source")], fmt: Format = None
) -> Response:
    return respond(request, store, settings, fmt, catalog.get_source, id)


@router.get(
    "/completeness",
    response_model=Completeness,
    summary="Completeness of the cluster profiles",
    description="For every cluster (rows, by name) and every field a European cluster profile holds (columns: "
    "name, short name, kind, description, website, founding date, managing organisation, members, number of members, "
    "city, NUTS region, innovation fields, EU industrial ecosystems, technologies, labels, funding programmes, ECCP "
    "profile), its state: `sourced` (stated by a public source), `editorial` (stated only by the editors or marked "
    "as their translation), `research_gap` (searched for and not found) or `missing`; with the values, the sources "
    "behind each state, and the totals. `cluster` keeps one cluster's row.",
    responses=_responses(Completeness, not_found="cluster"),
)
def get_completeness(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    cluster: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=200, description="Cluster id.")] = None,
) -> Response:
    return respond(request, store, settings, None, completeness, cluster=cluster)


@router.get(
    "/search",
    response_model=Page[SearchHit],
    summary="Search",
    description="Clusters, actors, innovation fields, technologies, programmes, initiatives and events whose "
    "names contain `q`, or (clusters and actors) whose technologies, fields or city do. One hit per resource; "
    "whole-name matches first, then matches at the start of the name or a word, then anywhere; names before "
    "related names; clusters before actors before the rest.",
    responses=_responses(Page[SearchHit]),
)
def search_route(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Text to look for.", examples=["hydrogen"])],
    kind: Annotated[SearchKind | None, Query(description="Only resources of this kind.")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    fmt: Format = None,
) -> Response:
    k = kind.value if kind else None
    return respond(request, store, settings, fmt, catalog.search, q, kind=k, limit=limit, offset=offset)

"""``/oai``: the OAI-PMH 2.0 interface harvesters such as data.europa.eu prefer (``exports.oai_pmh``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from clustergraph.exports.oai_pmh import Repository, respond
from clustergraph.exports.oai_records import Deployment, RecordIndex, build_index
from clustergraph.web.deps import SettingsDep, StoreDep
from clustergraph.web.exports import service_url
from clustergraph.web.per_version import cache_on
from clustergraph.web.requests import read_body

router = APIRouter(tags=["exports"])
FORM = "application/x-www-form-urlencoded"
Argument = Annotated[str | None, Query()]


@router.api_route("/oai", methods=["GET", "POST"], summary="OAI-PMH 2.0 data provider", response_class=Response,
                  responses={200: {"content": {"text/xml": {}}, "description": "An OAI-PMH response (errors included)."}})
async def oai(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    verb: Argument = None,
    identifier: Argument = None,
    metadataPrefix: Argument = None,  # noqa: N803 (the protocol's name)
    from_: Annotated[str | None, Query(alias="from")] = None,
    until: Argument = None,
    set: Argument = None,  # noqa: A002
    resumptionToken: Argument = None,  # noqa: N803
) -> Response:
    """The six verbs (Identify, ListMetadataFormats, ListSets, ListIdentifiers, ListRecords,
    GetRecord) by GET or by a POSTed form. Records: the landscape dataset and one dataset per
    source, as `dcat_ap` (DCAT-AP RDF/XML) or `oai_dc`; sets `landscape`, `source`,
    `source:report`, `source:web`, `source:editorial`. Protocol errors come as OAI-PMH errors
    with status 200."""
    # The arguments are declared for the API reference only: they are read raw below, so that a
    # repeated argument can be refused as the protocol wants.
    if request.method == "POST":
        body = await read_body(request, settings.max_body_bytes)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        arguments = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True) if media == FORM else []
    else:
        arguments = list(request.query_params.multi_items())
    root = service_url(request, settings.public_url)
    repo = Repository(
        base_url=f"{root}oai",
        deployment=Deployment(root, settings.base_iri, settings.publisher_name, settings.publisher_url),
        page_size=settings.oai_page_size,
        admin_email=settings.oai_admin_email,
    )

    def answer() -> str:
        index: RecordIndex = cache_on(request.app.state, "oai_records").get(
            store, lambda: build_index(store, settings.base_iri))
        return respond(arguments, index, store, repo)

    return Response(await run_in_threadpool(answer), media_type="text/xml; charset=utf-8")

"""The label table: the page ``/labels`` and the route ``/api/v1/label-history``.

Both read ``catalog.label_history.label_table`` through the query executor, like every
other catalogue read: in a worker, under the query timeout, cached per store version.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from clustergraph.catalog.label_history import LabelTable, label_table
from clustergraph.pages.label_table_view import API_PATH, PATH, table_view
from clustergraph.web.api import Format, _responses, respond
from clustergraph.web.deps import SettingsDep, StoreDep
from clustergraph.web.pages import html, page_context
from clustergraph.web.reads import read_model

router = APIRouter()


@router.api_route(PATH, methods=["GET", "HEAD"], response_class=HTMLResponse, tags=["pages"],
                  summary="Cluster-management labels of every cluster (HTML)")
def labels_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Per cluster: its label awards with the pages that state them, or where and when they were searched for."""
    ctx = page_context(request, settings)
    table = read_model(request, LabelTable, label_table)
    alternates = [{"name": "JSON", "media_type": "application/json", "href": API_PATH}]
    return html(ctx, "page_labels.html", v=table_view(table, ctx.lang, ctx.urls), alternates=alternates)


@router.get(
    API_PATH,
    response_model=LabelTable,
    tags=["portal API"],
    summary="Label history of every cluster",
    description="Every cluster with its cluster-management label awards (level, dates, awarding body, the pages "
    "that state them with address and access date), or the recorded searches that found none (where, with which "
    "queries, when). `status` is awarded, searched or not-searched.",
    responses=_responses(LabelTable),
)
def label_history(request: Request, store: StoreDep, settings: SettingsDep, fmt: Format = None) -> Response:
    return respond(request, store, settings, fmt, label_table)

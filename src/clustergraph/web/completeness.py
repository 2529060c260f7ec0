"""The page ``/completeness``: which fields of each cluster's profile the graph knows from a
source, only from the editors, or not at all (the JSON is ``/api/v1/completeness``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from clustergraph.catalog.completeness import Completeness, completeness
from clustergraph.pages.completeness_view import API_PATH, PATH, table_view
from clustergraph.web.deps import SettingsDep
from clustergraph.web.pages import html, page_context
from clustergraph.web.reads import read_model

router = APIRouter(tags=["pages"])


@router.api_route(PATH, methods=["GET", "HEAD"], response_class=HTMLResponse, summary="Completeness of the cluster profiles (HTML)")
def completeness_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """A table of clusters x profile fields: known from a source, editorial, searched and not found, or missing."""
    ctx = page_context(request, settings)
    report = read_model(request, Completeness, completeness)
    alternates = [{"name": "JSON", "media_type": "application/json", "href": API_PATH}]
    return html(ctx, "page_completeness.html", v=table_view(report, ctx.lang, ctx.urls), alternates=alternates)

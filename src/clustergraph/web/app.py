"""The web application, built by ``create_app(settings)``; the store opens and closes in the lifespan."""

from __future__ import annotations

from contextlib import asynccontextmanager, nullcontext
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from clustergraph.loading.loader import ensure_loaded, gate_for
from clustergraph.progress import Steps
from clustergraph.settings import Settings
from clustergraph.store import open_store
from clustergraph.query.limits import TRUNCATED_HEADER
from clustergraph.web import api, exports, graph_store, linked_data, metrics, pages, query_ui, service_description, sparql
from clustergraph.web import completeness, label_table, oai, releases
from clustergraph.web import openapi, security
from clustergraph.web.errors import install_error_handlers


def create_app(settings: Settings, *, for_reading: bool = False, progress: Steps | None = None) -> FastAPI:
    """Build the app for ``settings``. Nothing happens at import time.

    ``for_reading``: an app that only reads (``serve --get``) opens an on-disk store that a
    running server holds as a read-only snapshot beside it. ``progress`` reports the steps
    of loading the bundled data into an empty store when the app starts.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        gate = None
        if settings.validate_writes and not for_reading:
            # Built now, so that shapes the gate cannot check stop the server at start-up
            # instead of failing the first write; the first load uses it too.
            gate = app.state.shacl_gate = gate_for(settings)
        store = open_store(settings, for_reading=for_reading)
        with progress or nullcontext():
            ensure_loaded(store, settings, progress=progress, gate=gate)
        app.state.store = store
        # Query workers fork from here, before any request thread touches the store.
        app.state.executor = sparql.start_query_service(store, settings)
        try:
            yield
        finally:
            app.state.executor.close()
            store.close()

    # No Swagger UI or ReDoc: they load scripts from a CDN, which the pages' CSP refuses;
    # the API reference is at /api/v1/docs.
    app = FastAPI(title="clustergraph", version="1.0.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.metrics = metrics.Metrics()
    install_error_handlers(app)
    openapi.install(app)  # an operation id per method: no 'Duplicate Operation ID' warnings
    # Security headers and the Host allow-list, outside every other layer (500s included).
    security.install(app, settings)
    # gzip only pays off for larger bodies; level 6 keeps the event loop's share small.
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=6)
    # CORS for reads from the allowed origins (preflight included). Authorization is not an
    # allowed header, so browsers cannot send the update token from another origin.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Accept-Language", "Content-Type"],
        expose_headers=[TRUNCATED_HEADER, "Content-Location", "Link", "Location", "ETag"],
        max_age=86400,
    )

    quad_counts: dict[str, int] = {}

    @app.get("/health", tags=["service"])
    def health() -> dict:
        """Liveness and the size of the store (counted once per store version: counting is linear)."""
        store = app.state.store
        version = store.version
        if version not in quad_counts:
            quad_counts.clear()
            quad_counts[version] = store.count()
        return {"status": "ok", "store": settings.store_kind, "quads": quad_counts[version]}

    # Static assets (the YASGUI bundle, page scripts and styles) are part of the package:
    # the query UI works without a CDN. Mounted before the routers' catch-all routes.
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")

    # Order matters: the linked-data catch-all routes come last.
    for module in (sparql, service_description, graph_store, query_ui, api, exports, oai, releases, completeness, label_table, pages, metrics, linked_data):
        app.include_router(module.router)
    return app

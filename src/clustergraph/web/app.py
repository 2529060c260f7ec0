"""The web application, built by ``create_app(settings)``; the store opens and closes in the lifespan."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from clustergraph.loading.loader import ensure_loaded
from clustergraph.settings import Settings
from clustergraph.store import open_store
from clustergraph.web import api, graph_store, linked_data, pages, query_ui, service_description, sparql
from clustergraph.web.errors import install_error_handlers


def create_app(settings: Settings) -> FastAPI:
    """Build the app for ``settings``. Nothing happens at import time."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        store = open_store(settings)
        ensure_loaded(store, settings)
        app.state.store = store
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="clustergraph", version="1.0.0", lifespan=lifespan)
    app.state.settings = settings
    install_error_handlers(app)

    @app.get("/health", tags=["service"])
    def health() -> dict:
        """Liveness and the size of the store."""
        return {"status": "ok", "store": settings.store_kind, "quads": app.state.store.count()}

    # Static assets (the YASGUI bundle, page scripts and styles) are part of the package:
    # the query UI works without a CDN. Mounted before the routers' catch-all routes.
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")

    # Order matters: the linked-data catch-all routes come last.
    for module in (sparql, service_description, graph_store, query_ui, api, pages, linked_data):
        app.include_router(module.router)
    return app

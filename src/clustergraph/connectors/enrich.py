"""What ``clustergraph enrich nuts|cordis`` does: retrieve, validate, replace the retrieval's graph.

Every failure (an endpoint error, answers the shapes refuse) happens before the one
``store.apply``, so the store is unchanged after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clustergraph.connectors import cordis, nuts
from clustergraph.connectors.client import SparqlClient
from clustergraph.connectors.retrieval import Committed, commit
from clustergraph.errors import InputError
from clustergraph.loading.loader import ensure_loaded
from clustergraph.settings import Settings
from clustergraph.store.base import Store

KINDS = ("nuts", "cordis")


@dataclass
class EnrichResult:
    kind: str
    endpoint: str
    lines: list[str] = field(default_factory=list)
    committed: Committed | None = None
    requests: int = 0
    cuts: int = 0


def client_for(settings: Settings, kind: str) -> SparqlClient:
    """A client for the endpoint of ``kind`` with the settings' timeout, retries and page size."""
    endpoint = {"nuts": settings.nuts_endpoint, "cordis": settings.cordis_endpoint}[kind]
    return SparqlClient(
        endpoint, timeout=settings.connector_timeout, retries=settings.connector_retries,
        page_size=settings.connector_page_size,
    )


def enrich(store: Store, settings: Settings, kind: str, *, dry_run: bool = False, client: SparqlClient | None = None) -> EnrichResult:
    """Run the connector ``kind`` against ``store``; commit unless ``dry_run``.

    Raises ``InputError`` for an unknown kind, ``EndpointError`` when the endpoint fails and
    ``ValidationFailed`` when the answers break the shapes; then nothing is written.
    """
    if kind not in KINDS:
        raise InputError(f"unknown connector {kind!r}: use {' or '.join(KINDS)}")
    client = client or client_for(settings, kind)
    ensure_loaded(store, settings)
    result = EnrichResult(kind, client.endpoint)
    if kind == "nuts":
        found = nuts.retrieve(store, client, base_iri=settings.base_iri)
        retrieval = found.retrieval
        result.lines.append(f"{len(found.regions)} NUTS regions, {len(found.matched)} places matched to their NUTS 3 region")
        result.lines += [f"  {place} -> {region}" for place, region in sorted(found.matched.items())]
        result.lines += [f"  no NUTS 3 region matches the name of {place}" for place in found.unmatched]
    else:
        found = cordis.retrieve(store, client, base_iri=settings.base_iri, dry_run=dry_run)
        retrieval = found.retrieval
        result.lines.append(f"{len(found.matches)} EURIO match(es)" + ("" if dry_run else f", {found.projects} project(s), {found.roles} role(s)"))
        result.lines += [
            f"  {m.actor} -> {m.organisation} ({m.legal_name}{', ' + m.city if m.city else ''}) rule {m.rule}, confidence {m.confidence:.2f}"
            for m in found.matches
        ]
    result.requests, result.cuts = client.requests, client.cuts
    if not dry_run:
        result.committed = commit(store, settings, retrieval)
    return result

"""The "related clusters" section of a cluster page, from the portal API's matching
(``clustergraph.catalog.matching``), with names in the page's language and local links."""

from __future__ import annotations

from dataclasses import dataclass

from clustergraph.catalog.matching import related_clusters
from clustergraph.catalog.query import Catalog
from clustergraph.pages.labels import fetch_names
from clustergraph.pages.urls import Urls
from clustergraph.store.base import Store

RELATED_LIMIT = 10
EVIDENCE_LABELS: dict[str, tuple[str, str]] = {
    "shared_member": ("shared members", "gemeinsame Mitglieder"),
    "joint_programme": ("joint funding programmes", "gemeinsame Förderprogramme"),
    "shared_technology": ("shared technologies", "gemeinsame Technologien"),
    "shared_managing_body": ("same managing body", "gleicher Träger"),
    "shared_field": ("same innovation field", "gleiches Innovationsfeld"),
    "complementary_field": ("complementary innovation fields", "sich ergänzende Innovationsfelder"),
}


@dataclass
class Item:
    name: str
    href: str | None


@dataclass
class EvidenceView:
    kind: str
    label: str
    items: list[Item]


@dataclass
class RelatedView:
    iri: str
    name: str
    href: str | None
    score: float
    evidence: list[EvidenceView]


def related_for(store: Store, iri: str, *, lang: str, urls: Urls) -> list[RelatedView]:
    """Up to ``RELATED_LIMIT`` clusters ranked by their ties to the cluster ``iri``."""
    catalog = Catalog(store, urls.base_iri)
    page = related_clusters(catalog, catalog.id_of(iri), limit=RELATED_LIMIT)
    wanted = {r.cluster.iri for r in page.data} | {i.iri for r in page.data for e in r.evidence for i in e.items}
    names = fetch_names(store, wanted, lang)
    views = []
    for related in page.data:
        evidence = [
            EvidenceView(
                kind=e.kind,
                label=EVIDENCE_LABELS.get(e.kind, (e.kind, e.kind))[1 if lang == "de" else 0],
                items=[Item(names.label(i.iri), urls.page(i.iri, described=True)) for i in e.items],
            )
            for e in related.evidence
        ]
        views.append(
            RelatedView(
                iri=related.cluster.iri,
                name=names.short(related.cluster.iri),
                href=urls.page(related.cluster.iri, described=True),
                score=related.score,
                evidence=evidence,
            )
        )
    return views

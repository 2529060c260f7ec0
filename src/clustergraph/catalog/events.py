"""Events, e.g. the plenaries and info events of the Cluster-Dialog.NRW. Newest first."""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.common import (
    facts,
    first_text,
    identity,
    iris,
    localised,
    names_of,
    ordered,
    paginate,
    refs,
    require,
    sorted_refs,
)
from clustergraph.catalog.models import Event, Page
from clustergraph.catalog.query import Catalog, Fragment, compose
from clustergraph.catalog.reads import read
from clustergraph.namespaces import CG

EVENT_CLASS = NamedNode(str(CG.Event))

# Newest first, undated events last, then by IRI (ordered by ``common.ordered``).
LIST = """
SELECT ?s (MAX(STR(?date)) AS ?sortKey) #BOUND# WHERE {
  #TYPED s cg:Event#
  #FILTERS#
  OPTIONAL { ?s schema:startDate ?date }
}
GROUP BY ?s #BOUND#
"""
BY_TEXT = Fragment(
    """
  FILTER EXISTS {
    ?s skos:prefLabel|skos:altLabel|dct:description ?text FILTER(CONTAINS(LCASE(STR(?text)), LCASE(?q)))
  }""",
    ("q",),
)
BY_TOPIC = Fragment("?s cg:topicArea ?topic .", ("topic",))

FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s dct:description ?o BIND("description" AS ?key) }
  UNION { ?s schema:startDate ?o BIND("start_date" AS ?key) }
  UNION { ?s schema:endDate ?o BIND("end_date" AS ?key) }
  UNION { ?s schema:url|foaf:homepage|foaf:page ?o BIND("url" AS ?key) }
  UNION { ?s schema:location|cg:basedIn ?o BIND("location" AS ?key) }
  UNION { ?s cg:topicArea ?o BIND("topic_area" AS ?key) }
  UNION { ?s cg:organisedBy ?o BIND("organised_by" AS ?key) }
  UNION { ?s cg:partOfInitiative|cg:partOf ?o BIND("part_of" AS ?key) }
  UNION { ?s cg:participant ?o BIND("participant" AS ?key) }
}
"""


@read
def list_events(
    cat: Catalog, *, q: str | None = None, topic_area: str | None = None, limit: int | None = None, offset: int = 0
) -> Page[Event]:
    """Events, newest first, optionally matching text or about one topic area (by id)."""
    active: list = []
    if q is not None:
        active.append((BY_TEXT, {"q": Literal(q)}))
    if topic_area is not None:
        try:
            active.append((BY_TOPIC, {"topic": cat.iri("topic-area", topic_area)}))
        except ValueError:
            return paginate([], limit, offset, list)
    sparql, bindings = compose(LIST, active)
    items = ordered(cat, sparql, descending=True, **bindings)
    return paginate(items, limit, offset, lambda window: events(cat, window))


@read
def get_event(cat: Catalog, slug: str) -> Event:
    """One event; raises ``NotFound``."""
    return events(cat, [require(cat, "event", slug, EVENT_CLASS, "event")])[0]


def events(cat: Catalog, event_iris: Sequence[NamedNode]) -> list[Event]:
    values = facts(cat, FACTS, event_iris)
    keys = ("location", "topic_area", "organised_by", "part_of", "participant")
    linked = refs(cat, [t for v in values.values() for k in keys for t in iris(v, k)])
    names = names_of(cat, event_iris)
    out = []
    for iri in event_iris:
        v = values.get(iri.value, {})

        def linked_refs(key: str) -> list:
            return sorted_refs(linked[t.value] for t in iris(v, key))

        out.append(
            Event(
                **identity(cat, iri, names.get(iri.value)),
                description=localised(v.get("description", [])),
                start_date=first_text(v, "start_date"),
                end_date=first_text(v, "end_date"),
                url=first_text(v, "url"),
                location=linked_refs("location"),
                topic_areas=linked_refs("topic_area"),
                organised_by=linked_refs("organised_by"),
                part_of=linked_refs("part_of"),
                participants=linked_refs("participant"),
            )
        )
    return out

"""The sources (named graphs) as the exports see them: what describes them, their size and
when their data was last modified.

Every fact of the graph is in the named graph of its source, so a source's graph is the
unit that changes together (editors edit it, a retrieval replaces it). Its modification
date is the latest date its description states: ``dct:modified`` (editors and connectors
set it when they change the graph), ``prov:generatedAtTime`` (a retrieval), ``cg:accessed``,
and the dates of the source itself (``dct:date``, ``dct:issued``). A source that states
none takes the dates of what it belongs to (``dct:isPartOf``, ``cg:sourceDocument``) or is
derived from (``prov:wasDerivedFrom``); one with no date at all anywhere takes the latest
date of the whole dataset. Partial dates count from their first day (``"2021"^^xsd:gYear``
is 2021-01-01). Everything here is read from the store, never from the clock, so the same
data gives the same dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.query import Catalog
from clustergraph.store.base import Store

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # the date of a dataset that states no date at all

FACTS = """
SELECT ?s ?key ?o WHERE {
  { SELECT DISTINCT ?s WHERE { #TYPED s cg:Source# } }
  { BIND("source" AS ?key) BIND(true AS ?o) }  # every source, also one that states none of the below
  UNION { ?s dct:title ?o BIND("title" AS ?key) }
  UNION { ?s dct:description ?o BIND("description" AS ?key) }
  UNION { ?s schema:url ?o BIND("url" AS ?key) }
  UNION { ?s dct:isPartOf ?o BIND("part_of" AS ?key) }
  UNION { ?s cg:sourceDocument ?o BIND("document" AS ?key) }
  UNION { ?s prov:wasDerivedFrom ?o BIND("derived_from" AS ?key) }
  UNION { ?s a cg:EditorialSource BIND(true AS ?o) BIND("editorial" AS ?key) }
  UNION { ?s dct:modified|prov:generatedAtTime|cg:accessed|dct:date|dct:issued ?o BIND("date" AS ?key) }
  UNION { ?s cg:sourceDocument/(dct:modified|dct:date|dct:issued) ?o BIND("document_date" AS ?key) }
}
"""
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass(frozen=True)
class SourceFacts:
    """One source as its description states it; texts are ``(text, language)`` pairs."""

    iri: str
    titles: tuple[tuple[str, str], ...] = ()
    descriptions: tuple[tuple[str, str], ...] = ()
    urls: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()
    editorial: bool = False
    has_document: bool = False
    dates: tuple[datetime, ...] = ()  # its own
    document_dates: tuple[datetime, ...] = ()  # of the document it names
    triples: int = 0  # in its named graph
    modified: datetime = EPOCH  # worked out from the dates of it and its relatives

    @property
    def kind(self) -> str:
        """``web`` (has a public address), ``report`` (part or whole of a document), else ``editorial``."""
        if self.urls:
            return "web"
        if (self.part_of or self.has_document) and not self.editorial:
            return "report"
        return "editorial"


def parse_date(term: object) -> datetime | None:
    """A literal's date as a UTC ``datetime`` (a partial date from its first day), or ``None``."""
    if not isinstance(term, Literal):
        return None
    match = _DATE.match(term.value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
                          int(second or 0), tzinfo=timezone.utc)
    except ValueError:
        return None
    if zone and zone != "Z" and hour is not None:  # a time with an offset: move it to UTC
        hours, minutes = zone[1:].split(":")
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        moment = moment - offset if zone[0] == "+" else moment + offset
    return moment


def read_sources(store: Store, base_iri: str) -> dict[str, SourceFacts]:
    """Every described source that has a named graph of its own, by IRI.

    Raises the store's errors (``StoreUnavailable``...).
    """
    cat = Catalog(store, base_iri)
    sizes = {row["g"].value: int(row["n"].value) for row in cat.select(GRAPH_SIZES) if "n" in row}
    found: dict[str, dict[str, list]] = {}
    for row in cat.select(FACTS):
        subject, key, obj = row.get("s"), row.get("key"), row.get("o")
        if isinstance(subject, NamedNode) and key is not None and obj is not None:
            found.setdefault(subject.value, {}).setdefault(key.value, []).append(obj)
    sources = {}
    for iri, facts in found.items():
        sources[iri] = SourceFacts(
            iri=iri,
            titles=_texts(facts.get("title", ())),
            descriptions=_texts(facts.get("description", ())),
            urls=_iris(facts.get("url", ())),
            part_of=_iris(facts.get("part_of", ())),
            derived_from=_iris(facts.get("derived_from", ())),
            editorial="editorial" in facts,
            has_document="document" in facts,
            dates=_dates(facts.get("date", ())),
            document_dates=_dates(facts.get("document_date", ())),
            triples=sizes.get(iri, 0),
        )
    # Sources without a graph (a report whose facts are all in its sections) still lend
    # their dates to their parts, so they are dropped only after the dates are worked out.
    stamps = modification_dates(sources)
    return {iri: replace(source, modified=stamps[iri]) for iri, source in sorted(sources.items()) if iri in sizes}


def modification_dates(sources: dict[str, SourceFacts]) -> dict[str, datetime]:
    """The modification date of every source (see the module's docstring for the rule)."""
    memo: dict[str, datetime | None] = {}

    def date_of(iri: str, seen: frozenset[str]) -> datetime | None:
        if iri in memo:
            return memo[iri]
        source = sources.get(iri)
        if source is None or iri in seen:
            return None
        own = source.dates or source.document_dates
        if own:
            memo[iri] = max(own)
            return memo[iri]
        inherited = [
            d for other in (*source.part_of, *source.derived_from)
            if (d := date_of(other, seen | {iri})) is not None
        ]
        memo[iri] = max(inherited) if inherited else None
        return memo[iri]

    dated = {iri: date_of(iri, frozenset()) for iri in sources}
    latest = max((d for d in dated.values() if d is not None), default=EPOCH)
    return {iri: date or latest for iri, date in dated.items()}


def data_modified(sources: Iterable[SourceFacts]) -> datetime:
    """The modification date of the whole dataset: the latest of its sources'."""
    return max((s.modified for s in sources), default=EPOCH)


def _texts(terms: Iterable) -> tuple[tuple[str, str], ...]:
    pairs = {(t.value, t.language or "") for t in terms if isinstance(t, Literal)}
    return tuple(sorted(pairs, key=lambda p: (p[1], p[0])))


def _iris(terms: Iterable) -> tuple[str, ...]:
    return tuple(sorted({t.value for t in terms if isinstance(t, NamedNode)}))


def _dates(terms: Iterable) -> tuple[datetime, ...]:
    return tuple(sorted({d for t in terms if (d := parse_date(t)) is not None}))

"""The label table (``/labels``) as a page in English and German: per cluster its sourced
cluster-management label awards, each with the page that states it and when that page was
read, or where and when the awards were searched for and not found.

The facts come from ``catalog.label_history``; this module only words and links them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clustergraph.catalog.label_history import AwardWithPages, ClusterLabels, LabelSearch, LabelTable
from clustergraph.catalog.models import Names
from clustergraph.pages.labels import Name
from clustergraph.pages.numbers import format_date
from clustergraph.pages.urls import Urls

PATH = "/labels"
API_PATH = "/api/v1/label-history"

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Cluster-management labels",
        "intro": "The Cluster-Dialog.NRW report counts around 23 cluster-management excellence labels (Bronze, "
        "Silver, Gold of the European Cluster Excellence Initiative) awarded to NRW clusters between 2012 and "
        "2022. For each cluster of the graph this table shows the awards public sources state, with level, date, "
        "validity, awarding body and the page that states them, or where and when they were searched for without "
        "result. \u201cSearched, not found\u201d records a search; it does not say that the cluster holds no label.",
        "summary": "{awarded} of {count} clusters with a sourced label award; {searched} searched, not found; "
        "{not_searched} not yet searched.",
        "caption": "Label awards per cluster",
        "cluster": "Cluster",
        "level": "Level",
        "awarded_on": "Awarded",
        "valid": "Valid until",
        "body": "Awarded by",
        "evidence": "Source or search",
        "awarded": "awarded",
        "searched": "searched, not found",
        "not-searched": "not searched yet",
        "not_stated": "not stated",
        "read_on": "read on {date}",
        "not_read": "access date not recorded",
        "editorial": "editorial choice",
        "gap": "{what}: searched on {date}, not found",
        "searched_in": "Lists and pages read ({n})",
        "queries": "Search queries ({n})",
        "as_data": "The same table as JSON:",
        "no_clusters": "The graph holds no clusters yet.",
        "level_bronze": "Bronze",
        "level_silver": "Silver",
        "level_gold": "Gold",
        "sought_label": "Label awards",
        "sought_awardDate": "Award date",
        "sought_validUntil": "Validity",
    },
    "de": {
        "title": "Clustermanagement-Label",
        "intro": "Der Bericht des Cluster-Dialog.NRW zählt rund 23 Exzellenz-Label für Clustermanagement (Bronze, "
        "Silber, Gold der European Cluster Excellence Initiative), die zwischen 2012 und 2022 an NRW-Cluster "
        "vergeben wurden. Für jeden Cluster des Graphen zeigt diese Tabelle die Verleihungen, die öffentliche "
        "Quellen nennen, mit Stufe, Datum, Gültigkeit, verleihender Stelle und der Seite, die sie nennt, oder wo "
        "und wann ohne Ergebnis danach gesucht wurde. \u201eGesucht, nicht gefunden\u201c hält eine Suche fest; es "
        "sagt nicht, dass der Cluster kein Label hat.",
        "summary": "{awarded} von {count} Clustern mit belegter Label-Verleihung; {searched} gesucht, nicht "
        "gefunden; {not_searched} noch nicht gesucht.",
        "caption": "Label-Verleihungen je Cluster",
        "cluster": "Cluster",
        "level": "Stufe",
        "awarded_on": "Verliehen",
        "valid": "Gültig bis",
        "body": "Verliehen von",
        "evidence": "Quelle oder Suche",
        "awarded": "verliehen",
        "searched": "gesucht, nicht gefunden",
        "not-searched": "noch nicht gesucht",
        "not_stated": "nicht angegeben",
        "read_on": "abgerufen am {date}",
        "not_read": "Abrufdatum nicht erfasst",
        "editorial": "redaktionelle Zuordnung",
        "gap": "{what}: gesucht am {date}, nicht gefunden",
        "searched_in": "Gelesene Listen und Seiten ({n})",
        "queries": "Suchanfragen ({n})",
        "as_data": "Dieselbe Tabelle als JSON:",
        "no_clusters": "Der Graph enthält noch keine Cluster.",
        "level_bronze": "Bronze",
        "level_silver": "Silber",
        "level_gold": "Gold",
        "sought_label": "Label-Verleihungen",
        "sought_awardDate": "Verleihungsdatum",
        "sought_validUntil": "Gültigkeit",
    },
}


@dataclass
class Link:
    text: str
    href: str | None = None


@dataclass
class PageView:
    """A source of an award: its address (a link) and when it was read, or that it is editorial."""

    title: Name
    href: str | None
    read: str


@dataclass
class SearchView:
    what: str
    places: list[Link] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)


@dataclass
class AwardView:
    level: str
    level_id: str | None
    href: str | None
    when: str
    validity: str
    bodies: list[Name]
    pages: list[PageView] = field(default_factory=list)
    searches: list[SearchView] = field(default_factory=list)


@dataclass
class RowView:
    id: str
    name: Name
    href: str | None
    status: str
    status_text: str
    awards: list[AwardView] = field(default_factory=list)
    searches: list[SearchView] = field(default_factory=list)


@dataclass
class LabelTableView:
    w: dict[str, str]
    summary: str
    rows: list[RowView]
    api_path: str = API_PATH


def table_view(table: LabelTable, lang: str, urls: Urls) -> LabelTableView:
    """The page model of ``table`` in ``lang`` (``en`` or ``de``) with links built by ``urls``."""
    w = WORDS["de" if lang == "de" else "en"]
    summary = w["summary"].format(
        awarded=table.awarded, count=table.count, searched=table.searched, not_searched=table.not_searched
    )
    names = {item.iri: item.names for item in table.linked}
    rows = sorted((_row(r, names, lang, w, urls) for r in table.data), key=lambda r: (r.name.casefold(), r.id))
    return LabelTableView(w=w, summary=summary, rows=rows)


def name_in(names: Names | None, fallback: str, lang: str) -> Name:
    """The name in the page's language, else English, else German, with its language; else ``fallback``."""
    order = ("de", "en") if lang == "de" else ("en", "de")
    for key in order:
        text = getattr(names, key, None) if names is not None else None
        if text:
            return Name(text, key)
    return Name(fallback)


def _row(row: ClusterLabels, names: dict[str, Names], lang: str, w: dict[str, str], urls: Urls) -> RowView:
    on_awards = {a.iri for a in row.awards}
    return RowView(
        id=row.cluster.id,
        name=name_in(row.names, row.cluster.name or row.cluster.id, lang),
        href=urls.page(row.cluster.iri, described=True),
        status=row.status,
        status_text=w[row.status],
        awards=[
            _award(a, [s for s in row.searches if s.subject and s.subject.iri == a.iri], names, lang, w, urls)
            for a in row.awards
        ],
        searches=[_search(s, lang, w, urls) for s in row.searches if not (s.subject and s.subject.iri in on_awards)],
    )


def _award(
    award: AwardWithPages, searches: list[LabelSearch], names: dict[str, Names], lang: str, w: dict[str, str], urls: Urls
) -> AwardView:
    bodies = [name_in(names.get(b.iri), b.name or b.id, lang) for b in award.awarded_by]
    return AwardView(
        level=w.get(f"level_{award.level}", award.level or ""),
        level_id=award.level,
        href=urls.page(award.iri, described=True),
        when=format_date(award.award_date, lang) if award.award_date else w["not_stated"],
        validity=format_date(award.valid_until, lang) if award.valid_until else w["not_stated"],
        bodies=bodies or [Name(w["not_stated"], lang)],
        pages=[
            PageView(
                title=name_in(names.get(page.iri), page.title or page.id, lang),
                href=urls.external(page.url) if page.url else urls.page(page.iri, described=True),
                read=w["editorial"] if page.editorial
                else w["read_on"].format(date=format_date(page.accessed, lang)) if page.accessed
                else w["not_read"],
            )
            for page in award.pages
        ],
        searches=[_search(s, lang, w, urls) for s in searches],
    )


def _search(search: LabelSearch, lang: str, w: dict[str, str], urls: Urls) -> SearchView:
    what = " / ".join(w.get(f"sought_{s}", s) for s in search.sought)
    date = format_date(search.date, lang) if search.date else "?"
    return SearchView(
        what=w["gap"].format(what=what, date=date),
        places=[Link(text=address, href=urls.external(address)) for address in search.searched_in],
        queries=list(search.queries),
    )

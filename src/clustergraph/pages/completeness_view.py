"""The completeness table as a page, and the landing page's sentence about it, in English and
German. The numbers come from ``catalog.completeness``; this module only words and links them."""

from __future__ import annotations

from dataclasses import dataclass

from clustergraph.catalog.completeness import (
    FIELDS,
    STATES,
    ClusterCompleteness,
    Completeness,
    StateCounts,
)
from clustergraph.landscape.data import picture_name
from clustergraph.pages.numbers import format_number
from clustergraph.pages.urls import Urls

PATH = "/completeness"
API_PATH = "/api/v1/completeness"
# A mark per state: shape and colour both differ (the page must not rely on colour alone).
MARKS = {"sourced": "●", "editorial": "◐", "research_gap": "⊘", "missing": "–"}

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "name": ("Name", "Name"),
    "short_name": ("Short name", "Kurzname"),
    "kind": ("Kind of cluster", "Clusterart"),
    "description": ("Description", "Beschreibung"),
    "homepage": ("Website", "Webseite"),
    "founding_date": ("Founded", "Gründung"),
    "managing_organisation": ("Managing organisation", "Trägerorganisation"),
    "members": ("Members named", "Genannte Mitglieder"),
    "member_count": ("Number of members", "Mitgliederzahl"),
    "city": ("City", "Stadt"),
    "region": ("Region (NUTS)", "Region (NUTS)"),
    "innovation_fields": ("Innovation fields", "Innovationsfelder"),
    "industrial_ecosystems": ("EU industrial ecosystems", "Industrielle Ökosysteme der EU"),
    "technologies": ("Technologies", "Technologien"),
    "labels": ("Labels", "Label"),
    "funding_programmes": ("Funding programmes", "Förderprogramme"),
    "eccp_profile": ("ECCP profile", "ECCP-Profil"),
}

WORDS = {
    "en": {
        "title": "Completeness of the cluster profiles",
        "intro": "For each field a European cluster profile holds (the fields of the ECCP-aligned export, as far as "
        "the ontology can express them), whether the graph knows it from a source, only from the editors, or not at "
        "all. Each mark links to the source that states the fact, or records that it was searched for; where nothing "
        "is known it links to the cluster's page.",
        "summary": "{sourced} of {cells} profile fields ({clusters} clusters × {fields} fields) are known from sources, "
        "{editorial} only from the editors, {unknown} are unknown ({gap} of them searched for and not found).",
        "landing": "How complete is the graph? {sourced} of {cells} profile fields of the clusters are known from "
        "sources, {editorial} editorial, {unknown} unknown.",
        "landing_link": "Completeness per cluster and field",
        "legend": "Legend",
        "table_caption": "Profile fields per cluster",
        "cluster": "Cluster",
        "from_sources": "from sources",
        "column_total": "From sources",
        "fields_heading": "The fields and where the graph keeps them",
        "field": "Field",
        "property": "Property",
        "counts": "Clusters",
        "as_data": "The same table as JSON:",
        "on_the_command_line": "on the command line:",
        "no_clusters": "The graph holds no clusters yet.",
        "sourced": "from a source",
        "editorial": "editorial only: stated by the clustergraph editors, not by a public source",
        "research_gap": "searched for, not found (recorded as a research gap)",
        "missing": "not in the graph",
        "short_sourced": "from a source",
        "short_editorial": "editorial",
        "short_research_gap": "searched, not found",
        "short_missing": "not in the graph",
    },
    "de": {
        "title": "Vollständigkeit der Clusterprofile",
        "intro": "Für jedes Feld eines europäischen Clusterprofils (die Felder des ECCP-nahen Exports, soweit die "
        "Ontologie sie ausdrücken kann): ob der Graph es aus einer Quelle kennt, nur von der Redaktion oder gar "
        "nicht. Jedes Zeichen verweist auf die Quelle der Angabe oder auf den Vermerk, dass danach gesucht wurde; wo "
        "nichts bekannt ist, auf die Seite des Clusters.",
        "summary": "{sourced} von {cells} Profilfeldern ({clusters} Cluster × {fields} Felder) sind aus Quellen "
        "bekannt, {editorial} nur von der Redaktion, {unknown} sind unbekannt (davon {gap} gesucht und nicht "
        "gefunden).",
        "landing": "Wie vollständig ist der Graph? {sourced} von {cells} Profilfeldern der Cluster sind aus Quellen "
        "bekannt, {editorial} redaktionell, {unknown} unbekannt.",
        "landing_link": "Vollständigkeit je Cluster und Feld",
        "legend": "Legende",
        "table_caption": "Profilfelder je Cluster",
        "cluster": "Cluster",
        "from_sources": "aus Quellen",
        "column_total": "Aus Quellen",
        "fields_heading": "Die Felder und wo der Graph sie führt",
        "field": "Feld",
        "property": "Eigenschaft",
        "counts": "Cluster",
        "as_data": "Dieselbe Tabelle als JSON:",
        "on_the_command_line": "auf der Kommandozeile:",
        "no_clusters": "Der Graph enthält noch keine Cluster.",
        "sourced": "aus einer Quelle",
        "editorial": "nur redaktionell: von der clustergraph-Redaktion angegeben, von keiner öffentlichen Quelle",
        "research_gap": "gesucht, nicht gefunden (als Recherchelücke vermerkt)",
        "missing": "nicht im Graphen",
        "short_sourced": "aus einer Quelle",
        "short_editorial": "redaktionell",
        "short_research_gap": "gesucht, nicht gefunden",
        "short_missing": "nicht im Graphen",
    },
}


def words(lang: str) -> dict[str, str]:
    return WORDS["de" if lang == "de" else "en"]


def field_name(key: str, lang: str) -> str:
    en, de = FIELD_NAMES.get(key, (key, key))
    return de if lang == "de" else en


@dataclass(frozen=True)
class Cell:
    state: str
    mark: str
    href: str | None
    label: str  # the field and its state, for screen readers
    title: str  # the state and the values, shown on hover


def table_view(report: Completeness, lang: str, urls: Urls) -> dict:
    """Everything ``page_completeness.html`` shows: summary, legend, columns, rows of cells."""
    w = words(lang)
    columns = [{"id": f.id, "name": field_name(f.id, lang), "path": f.path, "sourced": f.counts.sourced,
                "counts": f.counts} for f in report.fields]
    rows = []
    for row in report.data:
        cluster_href = urls.page(row.iri)
        name, name_lang = _name(row, lang)
        # A long name gives way to the short name, as in the landscape (the first column stays
        # narrow on a phone); the full name is the link's title. Short names are language-neutral.
        short = next((c.values[0].value for c in row.fields if c.field == "short_name" and c.values), name)
        shown = picture_name(name, short)
        shown_lang = name_lang if shown == name and name_lang != lang else None
        cells = []
        for status in row.fields:
            # One click to the evidence: the record of the search, else the source, else the cluster.
            evidence = (status.gaps or status.sources or [None])[0]
            href = urls.page(evidence, described=True) if evidence else cluster_href
            values = ", ".join(_short(v.value, urls) for v in status.values[:3])
            more = " …" if len(status.values) > 3 else ""
            title = w["short_" + status.state] + (f": {values}{more}" if values else "")
            label = f"{field_name(status.field, lang)}: {w['short_' + status.state]}"
            cells.append(Cell(status.state, MARKS[status.state], href, label, title))
        rows.append({"name": shown, "lang": shown_lang, "full_name": name, "href": cluster_href, "cells": cells,
                     "sourced": row.counts.sourced, "total": row.counts.cells})
    legend = [{"state": s, "mark": MARKS[s], "text": w[s]} for s in STATES]
    return {"w": w, "summary": summary_sentence(report.totals, lang, w["summary"], clusters=report.count),
            "legend": legend, "columns": columns, "rows": rows, "api_path": API_PATH}


def _name(row: ClusterCompleteness, lang: str) -> tuple[str, str | None]:
    """The cluster's name in the page's language if it has one, else the other, with its language."""
    order = ("de", "en") if lang == "de" else ("en", "de")
    for candidate in order:
        name = getattr(row.names, candidate)
        if name:
            return name, candidate
    return row.name, None


def summary_sentence(totals: StateCounts, lang: str, template: str, *, clusters: int = 0) -> str:
    numbers = {"sourced": totals.sourced, "cells": totals.cells, "editorial": totals.editorial,
               "unknown": totals.unknown, "gap": totals.research_gap, "clusters": clusters, "fields": len(FIELDS)}
    return template.format(**{k: format_number(v, lang) for k, v in numbers.items()})


def _short(value: str, urls: Urls) -> str:
    """A value as a reader recognises it: the id of a resource of this graph, else the text itself."""
    path = urls.local_path(value)
    if path is not None:
        return path.rstrip("/").rsplit("/", 1)[-1]
    return value if len(value) <= 60 else value[:57] + "…"


def landing_summary(totals: StateCounts, lang: str, urls: Urls) -> dict[str, str]:
    """The landing page's sentence about completeness, and its link to the table."""
    w = words(lang)
    return {"sentence": summary_sentence(totals, lang, w["landing"]), "link": w["landing_link"],
            "href": urls.with_lang(PATH)}

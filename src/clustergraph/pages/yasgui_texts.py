"""The query editor's own controls in German: the texts YASGUI (a bundle with no translations of
its own) writes into the page, and the wrapper of the problems a failed query answers with.

``static/query-ui.js`` replaces these texts, attributes (``title``, ``aria-label``,
``placeholder``) included, whenever YASGUI draws them. An English page gets no table and keeps
YASGUI's own words.
"""

from __future__ import annotations

# Whole texts, exactly as YASGUI 4 (with its DataTables table) writes them.
EXACT_DE: dict[str, str] = {
    # Editor and tabs
    "Run query": "Abfrage ausführen",
    "Share query": "Abfrage teilen",
    "Add tab": "Tab hinzufügen",
    "Add a new tab": "Neuen Tab hinzufügen",
    "Close tab": "Tab schließen",
    "Query": "Abfrage",
    "Clear endpoint": "Endpunkt leeren",
    "Open settings": "Einstellungen öffnen",
    "Close settings": "Einstellungen schließen",
    "Cancel query": "Abfrage abbrechen",
    "Format query": "Abfrage formatieren",
    "Autoformat": "Automatisch formatieren",
    # Result views and their plugin names
    "Table": "Tabelle",
    "Response": "Antwort",
    "Shows Table view": "Zeigt die Ergebnisse als Tabelle",
    "Shows Response view": "Zeigt die Antwort des Servers",
    "View documentation of Table": "Hilfe zur Tabellenansicht",
    "View documentation of Response": "Hilfe zur Antwortansicht",
    "Download result": "Ergebnis herunterladen",
    "Download Results": "Ergebnisse herunterladen",
    "Download not supported": "Herunterladen nicht möglich",
    "Filter query results": "Ergebnisse filtern",
    "Page size:": "Zeilen pro Seite:",
    "All": "Alle",
    "Simple view": "Einfache Ansicht",
    "Ellipse": "Lange Werte kürzen",
    "First": "Erste Seite",
    "Last": "Letzte Seite",
    "Next": "Nächste Seite",
    "Previous": "Vorige Seite",
    "pagination": "Seiten",
    "No data available in table": "Keine Ergebnisse",
    "No matching records found": "Kein Ergebnis passt zum Filter",
    "No results": "Keine Ergebnisse",
    "Show all": "Alle zeigen",
    "Show less": "Weniger zeigen",
    # Settings and share dialogs
    "Settings": "Einstellungen",
    "Request method": "Anfragemethode",
    "Accept Headers": "Accept-Header",
    "Arguments": "Argumente",
    "Header Arguments": "Header-Argumente",
    "Default Graphs": "Standardgraphen",
    "Named Graphs": "Benannte Graphen",
    "Save": "Speichern",
    "Cancel": "Abbrechen",
    "Copy": "Kopieren",
    "Copied!": "Kopiert!",
    "Copy to clipboard": "In die Zwischenablage kopieren",
    "Shorten": "Kürzen",
}

# Texts with numbers in them: (regular expression, German with $1, $2 ... for the groups).
# Numbers YASGUI writes with a decimal point are given the German comma by the script.
PATTERNS_DE: tuple[tuple[str, str], ...] = (
    (r"^1 results? in ([\d.,]+) seconds?$", "1 Ergebnis in $1 Sekunden"),
    (r"^([\d.,]+) results? in ([\d.,]+) seconds?$", "$1 Ergebnisse in $2 Sekunden"),
    (r"^Response in ([\d.,]+) seconds?$", "Antwort in $1 Sekunden"),
    (r"^Showing ([\d.,]+) to ([\d.,]+) of ([\d.,]+) entries$", "Zeilen $1 bis $2 von $3"),
    (r"^\(filtered from ([\d.,]+) total entries\)$", "(gefiltert aus $1 Zeilen)"),
    (r"^(.+): Activate to sort$", "$1: zum Sortieren aktivieren"),
    (r"^(.+): Activate to invert sorting$", "$1: Sortierung umkehren"),
    (r"^(.+): Activate to remove sorting$", "$1: Sortierung aufheben"),
)

# Titles of the problem details the SPARQL endpoint answers with (``errors.py`` and the
# modules that define their own), for the heading of a failed query.
PROBLEM_TITLES_DE: dict[str, str] = {
    "SPARQL syntax error": "SPARQL-Syntaxfehler",
    "Bad SPARQL request": "Fehlerhafte SPARQL-Anfrage",
    "Unreadable input": "Unlesbare Eingabe",
    "Query timed out": "Zeitlimit der Abfrage überschritten",
    "Query evaluation failed": "Auswertung der Abfrage fehlgeschlagen",
    "Federated query failed": "Föderierte Abfrage fehlgeschlagen",
    "Federated query refused": "Föderierte Abfrage abgelehnt",
    "Result too large": "Ergebnis zu groß",
    "Limit exceeded": "Grenze überschritten",
    "Forbidden": "Nicht erlaubt",
    "Not Acceptable": "Format nicht verfügbar",
    "Unsupported Media Type": "Nicht unterstütztes Format",
    "Content Too Large": "Anfrage zu groß",
    "Store unavailable": "Datenspeicher nicht erreichbar",
    "Internal error": "Interner Fehler",
    "Internal Server Error": "Interner Serverfehler",
}


def editor_texts(lang: str, t: dict[str, str]) -> dict[str, object]:
    """What ``query-ui.js`` needs to speak ``lang``: the parser summary, the failure wrapper and,
    for German, the replacements of YASGUI's own texts. ``t`` is the page's text table."""
    texts: dict[str, object] = {
        "lang": lang,
        "parser": t["sparql_parser_message"],
        "failed": t["sparql_failed"],
        "untranslated": t["untranslated"],
    }
    if lang == "de":
        texts.update(exact=EXACT_DE, patterns=[list(p) for p in PATTERNS_DE], problems=PROBLEM_TITLES_DE, decimal=",")
    return texts

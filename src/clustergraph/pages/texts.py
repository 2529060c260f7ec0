"""The fixed words of the pages in English and German (the data brings its own labels)."""

from __future__ import annotations

from clustergraph.landscape.landscape_svg import LandscapeTexts
from clustergraph.landscape.network_svg import NetworkTexts

# kind segment of the IRI -> (English plural, German plural)
KINDS: dict[str, tuple[str, str]] = {
    "cluster": ("Clusters and networks", "Cluster und Netzwerke"),
    "organisation": ("Actors", "Akteure"),
    "innovation-field": ("Innovation fields", "Innovationsfelder"),
    "theme": ("Cross-cutting themes", "Querschnittsthemen"),
    "ecosystem": ("Industrial ecosystems", "Industrielle Ökosysteme"),
    "technology": ("Technologies", "Technologien"),
    "topic-area": ("Topic areas", "Themenfelder"),
    "label": ("Label awards", "Label-Verleihungen"),
    "programme": ("Funding programmes", "Förderprogramme"),
    "participation": ("Programme participations", "Programmteilnahmen"),
    "membership": ("Memberships", "Mitgliedschaften"),
    "initiative": ("Initiatives", "Initiativen"),
    "event": ("Events", "Veranstaltungen"),
    "document": ("Documents", "Dokumente"),
    "place": ("Places", "Orte"),
    "figure": ("Dated figures", "Datierte Zahlen"),
    "scheme": ("Concept schemes", "Begriffsschemata"),
    "source": ("Sources", "Quellen"),
}

_EN = {
    "site": "clustergraph",
    "lang": "en",
    "untranslated": "only in English",
    "tagline": "Knowledge graph of the innovation clusters of North Rhine-Westphalia",
    "skip": "Skip to content",
    "nav_home": "Landscape",
    "nav_search": "Search",
    "nav_browse": "Browse",
    "nav_sparql": "SPARQL",
    "nav_queries": "Example queries",
    "nav_api": "API",
    "nav_ontology": "Ontology",
    "nav_catalog": "Catalogue",
    "catalog_title": "Data catalogue",
    "catalog_intro": "The DCAT-AP description of this dataset that data.europa.eu and other harvesters read: the "
    "dataset, its downloads and the services that serve it. The same catalogue as RDF is linked at the end.",
    "catalog_dataset": "Dataset",
    "catalog_description": "Description",
    "catalog_publisher": "Publisher",
    "catalog_keywords": "Keywords",
    "catalog_themes": "Themes",
    "catalog_extent": "Size",
    "catalog_quads": "quads",
    "catalog_sources": "Sources",
    "catalog_downloads": "Downloads",
    "catalog_services": "Services",
    "catalog_as_rdf": "This catalogue as RDF",
    "catalog_rdf_intro": "For harvesters: the same description in DCAT-AP 2.1.1 and 3.0.1.",
    "sparql_title": "SPARQL query editor",
    "sparql_endpoint": "SPARQL endpoint",
    "sparql_example": "Example query",
    "sparql_choose": "choose one…",
    "sparql_all_examples": "All example queries",
    "sparql_noscript": "The query editor needs JavaScript. Without it, send queries to the endpoint, for example",
    "sparql_parser_message": "The parser's own message",
    "queries_title": "Example research queries",
    "queries_intro": "{n} queries over the knowledge graph of the NRW innovation clusters. Run opens a query in the "
    "editor and runs it; the result links (JSON and CSV for tables, Turtle and JSON-LD for graphs) fetch its "
    "results directly from the SPARQL endpoint. The same queries run on the command line with",
    "queries_portable": "Each query gives the same answers on {stores}, unless it says otherwise below.",
    "queries_json": "This list as JSON",
    "queries_other_answers": "Other answers on",
    "queries_run": "Run",
    "queries_results_as": "Results as",
    "language": "Language",
    "home_title": "The NRW cluster landscape",
    "home_intro": "Clusters and networks of North Rhine-Westphalia, their managing bodies, members, "
    "innovation fields, technologies, labels and programmes, with the source of every fact. "
    "Every name below is a link; every page is also available as RDF.",
    "search_label": "Search clusters and actors by name, technology or city",
    "search_button": "Search",
    "search_placeholder": "e.g. hydrogen, Paderborn, Chemie",
    "search_title": "Search",
    "search_results": "Results for",
    "search_none": "Nothing found. Try a shorter word, a technology or a city.",
    "search_hint": "Searches the names, technologies and cities of clusters and actors.",
    "search_count": "hits",
    "quote_open": "“",
    "quote_close": "”",
    "stated": "Facts in this source are about",
    "why_name": "name",
    "why_technology": "technology",
    "why_city": "city",
    "kind_cluster": "cluster",
    "kind_actor": "actor",
    "search_too_long": "The search text is longer than {n} characters.",
    "why_short_name": "short name",
    "why_alt_name": "other name",
    "why_innovation_field": "innovation field",
    "kind_organisation": "actor",
    "kind_innovation-field": "innovation field",
    "kind_technology": "technology",
    "kind_programme": "funding programme",
    "kind_initiative": "initiative",
    "kind_event": "event",
    "landscape_heading": "Clusters by innovation field",
    "landscape_caption": "Each cluster in the innovation fields of the Regional Innovation Strategy NRW "
    "2021-2027. Dashed names are editorial assignments: no source states them. Clusters without a field "
    "form their own group.",
    "network_heading": "Cross-cluster ties",
    "network_caption": "Clusters that share members, technologies, a managing body or a funding programme. "
    "The table below the picture lists every tie with what the two clusters share.",
    "landscape_list": "The landscape as a list",
    "ties_heading": "Every tie, with what the clusters share",
    "tie_between": "Clusters",
    "tie_kind": "Tie",
    "tie_via": "Shared",
    "untied_heading": "Clusters without a tie in the data",
    "untied_none": "Every cluster has at least one tie.",
    "download_svg": "Download as SVG",
    "browse_heading": "Browse the graph",
    "counts": "resources",
    "facts": "Facts",
    "incoming": "Referenced by",
    "members": "Members",
    "member_of": "Member of",
    "figures": "Figures",
    "figure_date": "as of",
    "figure_period": "period",
    "related": "Related clusters",
    "related_intro": "Other clusters ranked by shared members, technologies, managing bodies, joint "
    "programmes and innovation fields, with the evidence. The score adds up the ties: a shared member counts 3, "
    "a joint programme, a shared technology or managing body 2, a shared innovation field 1, each times 2/n "
    "where n clusters share it (rare ties count more); complementary fields add 0.5.",
    "related_none": "No related clusters found in the data.",
    "score": "score",
    "sources": "Sources",
    "source": "source",
    "section": "section",
    "of": "of",
    "accessed": "accessed",
    "public_address": "public address",
    "editorial": "editorial",
    "editorial_note": "editorial choice of the clustergraph editors, not stated by a public source",
    "data_heading": "This resource as data",
    "data_intro": "The same facts in RDF (TriG and N-Quads keep the source graph of each fact), "
    "and a SPARQL query that returns them.",
    "sparql_link": "Run the SPARQL query",
    "iri": "IRI",
    "homepage": "Homepage",
    "also_known_as": "Also known as",
    "types": "Type",
    "listing_empty": "Nothing of this kind in the graph yet.",
    "not_found_title": "Not in the graph",
    "not_found_text": "There is no resource with this IRI in the graph.",
    "ontology_classes": "Classes",
    "ontology_properties": "Properties",
    "ontology_individuals": "Named individuals and concept schemes",
    "ontology_version": "Version",
    "ontology_licence": "Licence",
    "label_en": "English",
    "label_de": "German",
    "definition": "Definition",
    "alignments": "Alignments",
    "comment": "Comment",
    "domain": "Domain",
    "range": "Range",
    "whole_ontology": "the whole ontology",
    "footer": "Data: sources as named on each page. Pages generated from the graph; no JavaScript needed.",
    "no_field": "Clusters without innovation field",
}

_DE = {
    "site": "clustergraph",
    "lang": "de",
    "untranslated": "nur auf Englisch",
    "tagline": "Wissensgraph der Innovationscluster in Nordrhein-Westfalen",
    "skip": "Zum Inhalt springen",
    "nav_home": "Landschaft",
    "nav_search": "Suche",
    "nav_browse": "Stöbern",
    "nav_sparql": "SPARQL",
    "nav_queries": "Beispielabfragen",
    "nav_api": "API",
    "nav_ontology": "Ontologie",
    "nav_catalog": "Katalog",
    "catalog_title": "Datenkatalog",
    "catalog_intro": "Die DCAT-AP-Beschreibung dieses Datensatzes, die data.europa.eu und andere Harvester lesen: "
    "der Datensatz, seine Downloads und die Dienste, die ihn bereitstellen. Derselbe Katalog als RDF ist unten verlinkt.",
    "catalog_dataset": "Datensatz",
    "catalog_description": "Beschreibung",
    "catalog_publisher": "Herausgeber",
    "catalog_keywords": "Schlagwörter",
    "catalog_themes": "Themen",
    "catalog_extent": "Umfang",
    "catalog_quads": "Quads",
    "catalog_sources": "Quellen",
    "catalog_downloads": "Downloads",
    "catalog_services": "Dienste",
    "catalog_as_rdf": "Dieser Katalog als RDF",
    "catalog_rdf_intro": "Für Harvester: dieselbe Beschreibung nach DCAT-AP 2.1.1 und 3.0.1.",
    "sparql_title": "SPARQL-Abfrageeditor",
    "sparql_endpoint": "SPARQL-Endpunkt",
    "sparql_example": "Beispielabfrage",
    "sparql_choose": "bitte wählen …",
    "sparql_all_examples": "Alle Beispielabfragen",
    "sparql_noscript": "Der Abfrageeditor braucht JavaScript. Ohne JavaScript schicken Sie Abfragen direkt an den Endpunkt, zum Beispiel",
    "sparql_parser_message": "Meldung des Parsers",
    "queries_title": "Beispielabfragen für die Forschung",
    "queries_intro": "{n} Abfragen über den Wissensgraphen der Innovationscluster in NRW. „Ausführen“ öffnet eine "
    "Abfrage im Editor und führt sie aus; die Ergebnis-Links (JSON und CSV für Tabellen, Turtle und JSON-LD für "
    "Graphen) holen die Ergebnisse direkt vom SPARQL-Endpunkt. Auf der Kommandozeile laufen dieselben Abfragen mit",
    "queries_portable": "Jede Abfrage liefert im eingebetteten Speicher, im Oxigraph-Server und in Virtuoso "
    "dieselben Antworten, sofern unten nichts anderes steht.",
    "queries_json": "Diese Liste als JSON",
    "queries_other_answers": "Andere Antworten in",
    "queries_run": "Ausführen",
    "queries_results_as": "Ergebnisse als",
    "language": "Sprache",
    "home_title": "Die Clusterlandschaft NRW",
    "home_intro": "Cluster und Netzwerke in Nordrhein-Westfalen, ihre Trägerorganisationen, Mitglieder, "
    "Innovationsfelder, Technologien, Label und Programme, mit der Quelle jeder Angabe. "
    "Jeder Name ist ein Link; jede Seite gibt es auch als RDF.",
    "search_label": "Cluster und Akteure nach Name, Technologie oder Stadt suchen",
    "search_button": "Suchen",
    "search_placeholder": "z. B. Wasserstoff, Paderborn, Chemie",
    "search_title": "Suche",
    "search_results": "Ergebnisse für",
    "search_none": "Nichts gefunden. Versuchen Sie ein kürzeres Wort, eine Technologie oder eine Stadt.",
    "search_hint": "Durchsucht Namen, Technologien und Städte von Clustern und Akteuren.",
    "search_count": "Treffer",
    "quote_open": "„",
    "quote_close": "“",
    "stated": "Die Angaben dieser Quelle betreffen",
    "why_name": "Name",
    "why_technology": "Technologie",
    "why_city": "Stadt",
    "kind_cluster": "Cluster",
    "kind_actor": "Akteur",
    "search_too_long": "Der Suchtext ist länger als {n} Zeichen.",
    "why_short_name": "Kurzname",
    "why_alt_name": "anderer Name",
    "why_innovation_field": "Innovationsfeld",
    "kind_organisation": "Akteur",
    "kind_innovation-field": "Innovationsfeld",
    "kind_technology": "Technologie",
    "kind_programme": "Förderprogramm",
    "kind_initiative": "Initiative",
    "kind_event": "Veranstaltung",
    "landscape_heading": "Cluster nach Innovationsfeld",
    "landscape_caption": "Jeder Cluster in den Innovationsfeldern der Regionalen Innovationsstrategie NRW "
    "2021-2027. Gestrichelte Namen sind redaktionelle Zuordnungen, die keine Quelle nennt. Cluster ohne "
    "Feld bilden eine eigene Gruppe.",
    "network_heading": "Verbindungen zwischen Clustern",
    "network_caption": "Cluster mit gemeinsamen Mitgliedern, Technologien, Trägern oder Förderprogrammen. "
    "Die Tabelle unter dem Bild nennt jede Verbindung und was die beiden Cluster gemeinsam haben.",
    "landscape_list": "Die Landschaft als Liste",
    "ties_heading": "Alle Verbindungen und was die Cluster gemeinsam haben",
    "tie_between": "Cluster",
    "tie_kind": "Verbindung",
    "tie_via": "Gemeinsam",
    "untied_heading": "Cluster ohne Verbindung in den Daten",
    "untied_none": "Jeder Cluster hat mindestens eine Verbindung.",
    "download_svg": "Als SVG herunterladen",
    "browse_heading": "Den Graphen erkunden",
    "counts": "Ressourcen",
    "facts": "Angaben",
    "incoming": "Verweise auf diese Ressource",
    "members": "Mitglieder",
    "member_of": "Mitglied von",
    "figures": "Zahlen",
    "figure_date": "Stand",
    "figure_period": "Zeitraum",
    "related": "Verwandte Cluster",
    "related_intro": "Andere Cluster, gereiht nach gemeinsamen Mitgliedern, Technologien, Trägern, "
    "Programmen und Innovationsfeldern, mit den Belegen. Der Wert addiert die Verbindungen: ein gemeinsames "
    "Mitglied zählt 3, ein gemeinsames Programm, eine gemeinsame Technologie oder ein gemeinsamer Träger 2, ein "
    "gemeinsames Innovationsfeld 1, jeweils mal 2/n, wenn n Cluster es teilen (seltene Verbindungen zählen mehr); "
    "sich ergänzende Felder zählen 0,5.",
    "related_none": "Keine verwandten Cluster in den Daten gefunden.",
    "score": "Wert",
    "sources": "Quellen",
    "source": "Quelle",
    "section": "Abschnitt",
    "of": "von",
    "accessed": "abgerufen",
    "public_address": "öffentliche Adresse",
    "editorial": "redaktionell",
    "editorial_note": "redaktionelle Entscheidung der clustergraph-Redaktion, von keiner öffentlichen Quelle genannt",
    "data_heading": "Diese Ressource als Daten",
    "data_intro": "Dieselben Angaben als RDF (TriG und N-Quads enthalten den Quellgraphen jeder Angabe) "
    "und eine SPARQL-Abfrage, die sie liefert.",
    "sparql_link": "SPARQL-Abfrage ausführen",
    "iri": "IRI",
    "homepage": "Webseite",
    "also_known_as": "Auch bekannt als",
    "types": "Typ",
    "listing_empty": "Noch nichts dieser Art im Graphen.",
    "not_found_title": "Nicht im Graphen",
    "not_found_text": "Im Graphen gibt es keine Ressource mit dieser IRI.",
    "ontology_classes": "Klassen",
    "ontology_properties": "Eigenschaften",
    "ontology_individuals": "Benannte Individuen und Begriffsschemata",
    "ontology_version": "Version",
    "ontology_licence": "Lizenz",
    "label_en": "Englisch",
    "label_de": "Deutsch",
    "definition": "Definition",
    "alignments": "Bezüge",
    "comment": "Kommentar",
    "domain": "Definitionsbereich",
    "range": "Wertebereich",
    "whole_ontology": "die ganze Ontologie",
    "footer": "Daten: Quellen wie auf jeder Seite genannt. Seiten aus dem Graphen erzeugt; ohne JavaScript lesbar.",
    "no_field": "Cluster ohne Innovationsfeld",
}

TEXTS = {"en": _EN, "de": _DE}


def texts(lang: str) -> dict[str, str]:
    """The page words in ``lang`` (German for 'de', else English)."""
    return TEXTS["de" if lang == "de" else "en"]


def kind_name(kind: str, lang: str) -> str:
    pair = KINDS.get(kind)
    if pair is None:
        return kind
    return pair[1] if lang == "de" else pair[0]


def landscape_texts(lang: str) -> LandscapeTexts:
    if lang == "de":
        return LandscapeTexts(
            title="Clusterlandschaft NRW nach Innovationsfeld",
            sourced="Zuordnung aus einer Quelle",
            editorial="redaktionelle Zuordnung (von der clustergraph-Redaktion gewählt)",
            cross_cutting="Querschnittsfeld",
            empty="noch keine Cluster",
        )
    return LandscapeTexts()


def network_texts(lang: str) -> NetworkTexts:
    if lang == "de":
        return NetworkTexts(
            title="Verbindungen zwischen Clustern in NRW",
            kinds={
                "members": "gemeinsame Mitglieder",
                "technologies": "gemeinsame Technologien",
                "management": "gemeinsamer Träger",
                "programmes": "gemeinsame Förderprogramme",
            },
            no_ties="noch keine Verbindungen zwischen Clustern in den Daten",
            colours="Kreisfarbe: das erste Innovationsfeld des Clusters",
            untied="leerer Kreis: keine Verbindung in den Daten",
        )
    return NetworkTexts()

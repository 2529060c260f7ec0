"""The example queries' titles and descriptions in German.

The ``.rq`` files carry them in English; these are the editors' translations of that
interface text (not data). An example without a German text here is shown in English and
tagged ``lang="en"``, which the pages' language test reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustergraph.examples import Difference, Example

# example name -> (German title, German description)
GERMAN: dict[str, tuple[str, str]] = {
    "actors-in-several-clusters": (
        "Organisationen in mehreren Clustern",
        (
            "Akteure (Unternehmen, Hochschulen, Forschungsinstitute, öffentliche Stellen), die an mehr als einem "
            "Cluster beteiligt sind – als Mitglied, Gründungsmitglied oder Träger: die Brücken zwischen den Clustern."
        ),
    ),
    "cluster-dialog-events": (
        "Veranstaltungen des Cluster-Dialog.NRW nach Themenfeld",
        (
            "Die fünf Themenfelder, die die Cluster 2022 in der Vernetzungsinitiative Cluster-Dialog.NRW erarbeitet "
            "haben (Wissenstransfer, Cross-Clustering, Bundes- und EU-Förderung, Cluster-Labelling, Europäische "
            "Clusterkonferenz), mit den Veranstaltungen der Initiative zu jedem Feld und ihren Terminen, soweit "
            "bekannt."
        ),
    ),
    "cluster-profile-graph": (
        "Das Profil eines Clusters als Graph",
        (
            "Eine CONSTRUCT-Abfrage, die einen kleinen RDF-Graphen über einen Cluster (hier it's OWL) erzeugt: Namen,"
            " Art, Innovationsfelder mit ihren EU-Ökosystemen, Träger und Stadt, Technologien und Label. Als Turtle "
            "oder JSON-LD herunterladen und anderswo weiterverwenden."
        ),
    ),
    "clusters-by-type": (
        "Cluster nach Art",
        (
            "Wie viele Cluster und Netzwerke jeder Art der Graph enthält (Landescluster, Spitzencluster, "
            "Zukunftscluster, Kompetenznetze, Zentren und Plattformen, Koordinierungsstellen), mit ihren Kurznamen. "
            "Ein Cluster kann mehreren Arten angehören; Cluster, deren Art keine Quelle nennt, werden gesondert "
            "gezählt."
        ),
    ),
    "clusters-eu-ecosystems": (
        "Cluster und die industriellen Ökosysteme der EU",
        (
            "Die industriellen Ökosysteme der EU (die 14 der Industriestrategie der Europäischen Kommission) jedes "
            "Clusters, erreicht über seine NRW-Innovationsfelder. Eine enge Entsprechung ist nahezu gleichwertig, "
            "eine verwandte eine teilweise Überschneidung; beide Zuordnungen sind redaktionelle Entscheidungen des "
            "Projekts."
        ),
    ),
    "clusters-founding-year": (
        "Cluster nach Gründungsjahr",
        (
            "Wann jeder Cluster gegründet wurde oder seine Arbeit aufnahm, so genau wie die Quellen es angeben (Jahr,"
            " Monat oder Tag), die ältesten zuerst. Cluster ohne Angabe zum Beginn fehlen."
        ),
    ),
    "clusters-per-innovation-field": (
        "Cluster je Innovationsfeld",
        (
            "Wie viele Cluster in jedem der sieben Innovationsfelder der Regionalen Innovationsstrategie NRW "
            "2021–2027 arbeiten, mit ihren Namen. Zählt belegte und redaktionelle Zuordnungen gleichermaßen (siehe "
            "editorial-vs-sourced-fields)."
        ),
    ),
    "clusters-without-eu-programme": (
        "Cluster ohne Teilnahme an EU-Programmen",
        (
            "Cluster, für die keine Quelle eine Teilnahme an einem EU-Förderprogramm verzeichnet (Horizont 2020, "
            "COSME oder Teile davon wie INNOSUP-1 und die European Strategic Cluster Partnerships), mit den anderen "
            "Programmen, an denen sie teilnehmen. Der Ausgangsbericht stellt fest, dass NRW-Cluster diese Programme "
            "bisher wenig nutzen."
        ),
    ),
    "cross-field-links": (
        "Verbindungen zwischen Innovationsfeldern",
        (
            "Paare von Innovationsfeldern, die verbunden sind – durch einen Cluster, der beiden zugeordnet ist, oder "
            "durch eine Technologie, an der Cluster beider Felder arbeiten: Ansatzpunkte für Cross-Cluster- und "
            "Cross-Innovation-Arbeit."
        ),
    ),
    "editorial-vs-sourced-fields": (
        "Redaktionelle und belegte Zuordnungen zu Innovationsfeldern",
        (
            "Welche Zuordnungen von Clustern zu Innovationsfeldern eine Quelle nennt und welche redaktionelle "
            "Entscheidungen des Projekts sind (der Ausgangsbericht fasst manche Cluster unter mehreren Feldern "
            "zugleich). Der Graph jeder Zuordnung sagt es, mit dem Titel der Quelle."
        ),
    ),
    "eu-projects-of-research-centres": (
        "EU-Projekte von Forschungseinrichtungen in NRW, live aus CORDIS",
        (
            "An wie vielen EU-Forschungsprojekten drei Forschungseinrichtungen des Graphen als Koordinator oder "
            "Partner beteiligt sind, live am SPARQL-Endpunkt von CORDIS (EURIO) abgefragt und dort gezählt. Die "
            "Einrichtungen werden über ihre rechtlichen Namen in CORDIS gesucht (in der Abfrage neben den Akteuren "
            "des Graphen aufgeführt), sodass der Endpunkt gezielt nachschlägt statt alle Organisationen zu "
            "durchsuchen, und die gezählte Antwort bleibt weit unter seiner Zeilengrenze. Für jeden per Regel "
            "zugeordneten Akteur: `clustergraph enrich cordis`. Läuft auf einem Server, dessen "
            "CLUSTERGRAPH_SERVICE_ALLOWLIST den Endpunkt nennt."
        ),
    ),
    "places-in-nuts-regions": (
        "Orte und ihre NUTS-3-Regionen, live aus EU Vocabularies",
        (
            "Die Städte in Nordrhein-Westfalen (NUTS DEA), die der Graph nennt, jeweils mit der gleichnamigen "
            "NUTS-3-Region und deren NUTS-2-Region, live am SPARQL-Endpunkt des Amts für Veröffentlichungen (Cellar) "
            "abgefragt und über den Namen mit dem Graphen verknüpft, wie es `clustergraph enrich nuts` tut. Der "
            "Endpunkt wird nur nach den Regionen unterhalb von DEA gefragt, nie nach ganz NUTS, sodass seine "
            "Kostenschätzung die Abfrage annimmt und die Zeilengrenze nicht erreicht wird. Läuft auf einem Server, "
            "dessen CLUSTERGRAPH_SERVICE_ALLOWLIST den Endpunkt nennt."
        ),
    ),
    "funding-programmes": (
        "Förderprogramme und ihre Cluster",
        (
            "Die Förderprogramme des Bundes und der EU, die die Quellen nennen, wer sie finanziert, zu welchem "
            "größeren Programm sie gehören und welche Cluster als Teilnehmer verzeichnet sind."
        ),
    ),
    "labels-over-time": (
        "Clustermanagement-Label im Zeitverlauf",
        (
            "Jedes europäische Exzellenzlabel für Clustermanagement (Bronze, Silber, Gold), das ein NRW-Cluster "
            "erhalten hat, nach Verleihungsjahr, mit der verleihenden Stelle, soweit die Quellen sie nennen. "
            "Verleihungen ohne bekanntes Datum stehen am Ende."
        ),
    ),
    "managing-bodies-and-cities": (
        "Träger der Cluster und ihre Städte",
        (
            "Die Organisation, die das Management eines Clusters führt (bei einem Konsortium mehrere), und die Stadt,"
            " in der sie ihren Sitz hat; Cluster, deren Träger keine Quelle nennt, sind als unbekannt markiert."
        ),
    ),
    "member-counts": (
        "Mitgliederzahlen und ihr Stichtag",
        (
            "Die Zahl der Mitglieder (und Gründungsmitglieder, Partner, vertretenen Unternehmen) jedes Clusters als "
            "datierte Zahl: der Wert, wie die Quelle ihn einordnet („genau“, „etwa“, „mehr als“) und der Tag, für den"
            " er gilt. Ältere Zahlen bleiben erhalten: Eine Zahl beschreibt einen Zeitpunkt, nicht den Cluster für "
            "immer."
        ),
    ),
    "provenance-of-a-fact": (
        "Woher jede Angabe über einen Cluster stammt",
        (
            "Jede Aussage über einen Cluster (hier it's OWL; für einen anderen die VALUES-Zeile ändern) mit dem "
            "benannten Graphen, der sie enthält, dem Titel der Quelle und wo sie sich prüfen lässt: ihre Webadressen,"
            " der Abschnitt des Ausgangsberichts oder die redaktionellen Entscheidungen des Projekts."
        ),
    ),
    "shared-technologies": (
        "Technologien mehrerer Cluster",
        (
            "Technologien und Branchenschwerpunkte, an denen mehr als ein Cluster arbeitet, mit den Clustern: wo "
            "Cluster verschiedener Felder zusammenarbeiten könnten."
        ),
    ),
    "sources-per-cluster": (
        "Wie viele Quellen jeden Cluster beschreiben",
        (
            "Die Zahl der verschiedenen Quellen (benannten Graphen), die Angaben zu jedem Cluster machen, wie viele "
            "davon redaktionell sind und wie viele Angaben sie enthalten: ein Maß dafür, wie gut jeder Cluster "
            "dokumentiert ist."
        ),
    ),
    "places-in-nuts-regions": (
        "Orte und ihre NUTS-3-Regionen, live aus EU Vocabularies",
        "Die Städte, die der Graph in Nordrhein-Westfalen (NUTS DEA) nennt, jeweils mit der gleichnamigen "
        "NUTS-3-Region und deren NUTS-2-Region, live vom SPARQL-Endpunkt des Amts für Veröffentlichungen (Cellar) "
        "abgefragt und über den Namen mit dem Graphen verbunden, wie `clustergraph enrich nuts`. Läuft auf einem "
        "Server, dessen CLUSTERGRAPH_SERVICE_ALLOWLIST den Endpunkt nennt.",
    ),
    "eu-projects-of-research-centres": (
        "EU-Projekte von Forschungseinrichtungen in NRW, live aus CORDIS",
        "An wie vielen EU-Forschungsprojekten drei Forschungseinrichtungen des Graphen als Koordinator oder "
        "Partner beteiligt sind, live vom SPARQL-Endpunkt von CORDIS (EURIO) abgefragt und dort gezählt. Läuft "
        "auf einem Server, dessen CLUSTERGRAPH_SERVICE_ALLOWLIST den Endpunkt nennt.",
    ),
}


@dataclass(frozen=True)
class LocalExample:
    """An example query as a page in one language shows it."""

    name: str
    title: str
    description: str
    sparql: str
    differences: tuple[Difference, ...]
    lang: str  # the language of title and description


def localised_example(example: Example, lang: str) -> LocalExample:
    """``example`` with its title and description in ``lang`` where there is a translation."""
    if lang == "de" and example.name in GERMAN:
        title, description = GERMAN[example.name]
        return LocalExample(example.name, title, description, example.sparql, example.differences, "de")
    return LocalExample(example.name, example.title, example.description, example.sparql, example.differences, "en")

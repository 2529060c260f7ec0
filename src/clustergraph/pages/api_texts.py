"""The API reference in German: the editors' translations of the OpenAPI summaries and
descriptions, keyed by the English text. A text missing here is shown in English with
``lang="en"`` (the pages' language test reports it)."""

from __future__ import annotations

_ID = "Kurz-ID {}: das letzte Segment ihrer IRI."

GERMAN: dict[str, str] = {
    "JSON-LD context of the API": "JSON-LD-Kontext der API",
    "The `@context` that the JSON-LD variant of every response links to: it maps the API's fields to the graph's "
    "vocabulary (cg:, SKOS, ORG, DCTERMS, schema.org, Hydra).": "Der `@context`, auf den die JSON-LD-Fassung jeder "
    "Antwort verweist: Er bildet die Felder der API auf das Vokabular des Graphen ab (cg:, SKOS, ORG, DCTERMS, "
    "schema.org, Hydra).",
    "List clusters": "Cluster auflisten",
    "Clusters and networks, filtered and paginated, ordered by name (then IRI). Filters combine with AND. "
    "`technology` also finds clusters tagged with a narrower technology; `city` matches the place where the "
    "cluster (else its managing body) is based, by name or id; `q` is the search of `/search`: its cluster hits, "
    "in its order. Unknown filter ids give an empty page.": "Cluster und Netzwerke, gefiltert und seitenweise, "
    "nach Name geordnet (dann nach IRI). Filter werden mit UND verknüpft. `technology` findet auch Cluster mit "
    "einer engeren Technologie; `city` trifft den Ort, an dem der Cluster (sonst sein Träger) seinen Sitz hat, "
    "nach Name oder ID; `q` ist die Suche von `/search`: ihre Cluster-Treffer in ihrer Reihenfolge. Unbekannte "
    "Filter-IDs ergeben eine leere Seite.",
    "Innovation field id.": "ID des Innovationsfelds.",
    "Technology id.": "ID der Technologie.",
    "Has a label of this level.": "Hat ein Label dieser Stufe.",
    "Kind of cluster.": "Art des Clusters.",
    "City name or place id.": "Name der Stadt oder ID des Orts.",
    "Text to look for (case-insensitive).": "Gesuchter Text (Groß- und Kleinschreibung egal).",
    "Most items on the page (1-100).": "Höchstzahl der Einträge auf der Seite (1–100).",
    "Items to skip (0 = first page).": "Zu überspringende Einträge (0 = erste Seite).",
    "`jsonld` for JSON-LD (same as `Accept: application/ld+json`).": "`jsonld` für JSON-LD (wie "
    "`Accept: application/ld+json`).",
    "One cluster": "Ein Cluster",
    "Everything the graph says about a cluster: names, kinds, NUTS region (code, and names once the NUTS graph is "
    "loaded), managing body, innovation fields, technologies, labels, programmes, dated figures, and the sources its "
    "facts come from.": "Alles, was der Graph über einen Cluster sagt: Namen, Arten, NUTS-Region (Code, und Namen, "
    "sobald der NUTS-Graph geladen ist), Träger, Innovationsfelder, Technologien, Label, Programme, datierte Zahlen "
    "und die Quellen der Angaben.",
    "Short id of the cluster: the last segment of its IRI.": _ID.format("des Clusters"),
    "Members of a cluster": "Mitglieder eines Clusters",
    "The member organisations the graph names for a cluster (not a complete member list), by name, with their "
    "roles and the sources that state each membership.": "Die Mitgliedsorganisationen, die der Graph für einen "
    "Cluster nennt (keine vollständige Mitgliederliste), nach Name, mit ihren Rollen und den Quellen jeder "
    "Mitgliedschaft.",
    "Related clusters (cross-cluster matching)": "Verwandte Cluster (Cross-Cluster-Abgleich)",
    "Other clusters ranked by their ties to this one, with the evidence for each tie. Weights: shared member 3, "
    "joint programme 2, shared technology 2, shared managing body 2, shared innovation field 1, each scaled by "
    "2/n where n is the number of clusters sharing the item (rare ties count more); complementary innovation "
    "fields (one side in a cross-cutting field, the other in a field the first is not in) 0.5 per pair. Score = "
    "sum of the weights; ties broken by name, then IRI.": "Andere Cluster, gereiht nach ihren Verbindungen zu "
    "diesem, mit den Belegen jeder Verbindung. Gewichte: gemeinsames Mitglied 3, gemeinsames Programm 2, "
    "gemeinsame Technologie 2, gemeinsamer Träger 2, gemeinsames Innovationsfeld 1, jeweils mal 2/n, wobei n die "
    "Zahl der Cluster ist, die das teilen (seltene Verbindungen zählen mehr); sich ergänzende Innovationsfelder "
    "(eine Seite in einem Querschnittsfeld, die andere in einem Feld, in dem die erste nicht ist) 0,5 je Paar. "
    "Wert = Summe der Gewichte; bei Gleichstand nach Name, dann IRI.",
    "List actors": "Akteure auflisten",
    "Organisations of the ecosystem (members, managing bodies, funders, awarding bodies), by name. `cluster` keeps "
    "the members and managing bodies of one cluster; `city` matches where they are based.": "Organisationen des "
    "Ökosystems (Mitglieder, Träger, Förderer, verleihende Stellen), nach Name. `cluster` behält die Mitglieder "
    "und Träger eines Clusters; `city` trifft ihren Sitz.",
    "Kind of organisation.": "Art der Organisation.",
    "Cluster id.": "ID des Clusters.",
    "One actor": "Ein Akteur",
    "An organisation with the clusters it belongs to or manages, and the sources of its facts.": "Eine Organisation "
    "mit den Clustern, denen sie angehört oder die sie trägt, und den Quellen ihrer Angaben.",
    "Short id of the actor: the last segment of its IRI.": _ID.format("des Akteurs"),
    "List innovation fields": "Innovationsfelder auflisten",
    "The innovation fields of the Regional Innovation Strategy NRW 2021-2027, by name, with the number of clusters "
    "in each.": "Die Innovationsfelder der Regionalen Innovationsstrategie NRW 2021–2027, nach Name, mit der Zahl "
    "der Cluster in jedem Feld.",
    "One innovation field": "Ein Innovationsfeld",
    "An innovation field with its names, definition and number of clusters.": "Ein Innovationsfeld mit seinen Namen, "
    "seiner Definition und der Zahl seiner Cluster.",
    "Short id of the innovation field: the last segment of its IRI.": _ID.format("des Innovationsfelds"),
    "List technologies": "Technologien auflisten",
    "Technologies and sector foci, by name, with the number of clusters working on each (directly or on a narrower "
    "technology).": "Technologien und Branchenschwerpunkte, nach Name, mit der Zahl der Cluster, die daran arbeiten "
    "(direkt oder an einer engeren Technologie).",
    "One technology": "Eine Technologie",
    "A technology with its names, broader technologies and number of clusters.": "Eine Technologie mit ihren Namen, "
    "übergeordneten Technologien und der Zahl ihrer Cluster.",
    "Short id of the technology: the last segment of its IRI.": _ID.format("der Technologie"),
    "List label awards": "Label-Verleihungen auflisten",
    "Cluster-management excellence label awards (Bronze, Silver, Gold), newest first.": "Verleihungen des "
    "Exzellenzlabels für Clustermanagement (Bronze, Silber, Gold), die neuesten zuerst.",
    "Only awards of this level.": "Nur Verleihungen dieser Stufe.",
    "One label award": "Eine Label-Verleihung",
    "A label award with its level, cluster, awarding body, dates and sources.": "Eine Label-Verleihung mit Stufe, "
    "Cluster, verleihender Stelle, Daten und Quellen.",
    "Short id of the label award: the last segment of its IRI.": _ID.format("der Label-Verleihung"),
    "Label history of every cluster": "Label-Geschichte jedes Clusters",
    "Every cluster with its cluster-management label awards (level, dates, awarding body, the pages that state them "
    "with address and access date), or the recorded searches that found none (where, with which queries, when). "
    "`status` is awarded, searched or not-searched.": "Jeder Cluster mit seinen Clustermanagement-Label-"
    "Verleihungen (Stufe, Daten, verleihende Stelle, die Seiten, die sie nennen, mit Adresse und Abrufdatum) oder "
    "den festgehaltenen Suchen, die keine fanden (wo, mit welchen Anfragen, wann). `status` ist awarded "
    "(verliehen), searched (gesucht, nicht gefunden) oder not-searched (nicht gesucht).",
    "List funding programmes": "Förderprogramme auflisten",
    "Funding programmes with the clusters taking part, by name. `cluster` keeps the programmes of one cluster.":
    "Förderprogramme mit den teilnehmenden Clustern, nach Name. `cluster` behält die Programme eines Clusters.",
    "One funding programme": "Ein Förderprogramm",
    "A funding programme with its funders and the clusters taking part.": "Ein Förderprogramm mit seinen Förderern "
    "und den teilnehmenden Clustern.",
    "Short id of the programme: the last segment of its IRI.": _ID.format("des Programms"),
    "List events": "Veranstaltungen auflisten",
    "Events such as the plenaries and info events of the Cluster-Dialog.NRW, newest first.": "Veranstaltungen wie "
    "die Plenarsitzungen und Infoveranstaltungen des Cluster-Dialog.NRW, die neuesten zuerst.",
    "Topic area id.": "ID des Themenfelds.",
    "One event": "Eine Veranstaltung",
    "An event with its date, place, topic areas, organisers and participants.": "Eine Veranstaltung mit Datum, Ort, "
    "Themenfeldern, Veranstaltern und Teilnehmenden.",
    "Short id of the event: the last segment of its IRI.": _ID.format("der Veranstaltung"),
    "List sources": "Quellen auflisten",
    "The sources of the data: one named graph each, with where it was read and its size, by IRI. `editorial=true` "
    "keeps only the editors' own graphs, `false` drops them.": "Die Quellen der Daten: je ein benannter Graph, mit "
    "dem Ort, an dem sie gelesen wurde, und ihrer Größe, nach IRI. `editorial=true` behält nur die Graphen der "
    "Redaktion, `false` lässt sie weg.",
    "Only editorial (true) or only public (false) sources.": "Nur redaktionelle (true) oder nur öffentliche (false) "
    "Quellen.",
    "One source": "Eine Quelle",
    "A source (named graph) with its title, address or section, and size.": "Eine Quelle (benannter Graph) mit "
    "Titel, Adresse oder Abschnitt und Größe.",
    "Short id of the source: the last segment of its IRI.": _ID.format("der Quelle"),
    "Search": "Suche",
    "Clusters, actors, innovation fields, technologies, programmes, initiatives and events whose names contain `q`, "
    "or (clusters and actors) whose technologies, fields or city do. One hit per resource; whole-name matches "
    "first, then matches at the start of the name or a word, then anywhere; names before related names; clusters "
    "before actors before the rest.": "Cluster, Akteure, Innovationsfelder, Technologien, Programme, Initiativen "
    "und Veranstaltungen, deren Namen `q` enthalten, oder (Cluster und Akteure) deren Technologien, Felder oder "
    "Stadt es tun. Ein Treffer je Ressource; erst Treffer auf den ganzen Namen, dann am Anfang des Namens oder "
    "eines Worts, dann irgendwo; Namen vor verwandten Namen; Cluster vor Akteuren vor dem Rest.",
    "Text to look for.": "Gesuchter Text.",
    "Only resources of this kind.": "Nur Ressourcen dieser Art.",
    "Completeness of the cluster profiles": "Vollständigkeit der Clusterprofile",
    "For every cluster (rows, by name) and every field a European cluster profile holds (columns: name, short name, "
    "kind, description, website, founding date, managing organisation, members, number of members, city, NUTS "
    "region, innovation fields, EU industrial ecosystems, technologies, labels, funding programmes, ECCP profile), "
    "its state: `sourced` (stated by a public source), `editorial` (stated only by the editors or marked as their "
    "translation), `research_gap` (searched for and not found) or `missing`; with the values, the sources behind "
    "each state, and the totals. `cluster` keeps one cluster's row.": "Für jeden Cluster (Zeilen, nach Name) und "
    "jedes Feld eines europäischen Clusterprofils (Spalten: Name, Kurzname, Art, Beschreibung, Webseite, "
    "Gründungsdatum, Trägerorganisation, Mitglieder, Mitgliederzahl, Stadt, NUTS-Region, Innovationsfelder, "
    "industrielle Ökosysteme der EU, Technologien, Label, Förderprogramme, ECCP-Profil) sein Zustand: `sourced` "
    "(von einer öffentlichen Quelle angegeben), `editorial` (nur von der Redaktion angegeben oder als ihre "
    "Übersetzung markiert), `research_gap` (gesucht, nicht gefunden) oder `missing` (fehlt); mit den Werten, den "
    "Quellen hinter jedem Zustand und den Summen. `cluster` behält die Zeile eines Clusters.",
}


def api_text(text: str, lang: str) -> tuple[str, str]:
    """``text`` in ``lang`` where there is a translation, and the language it is in."""
    if lang == "de" and text in GERMAN:
        return GERMAN[text], "de"
    return text, "en"

"""Plain-language names (en/de) of the reused vocabulary terms that the ontology does not label.

The clustergraph ontology labels its own cg: terms (rdfs:label @en/@de); these are read
from the store. Reused terms (ORG, SKOS, DCTERMS, schema.org, FOAF, PROV) are labelled
here so a page never shows a bare IRI where a word would do. ``INVERSE`` gives the
phrase for a link seen from its object ("member of" for org:hasMember).
"""

from __future__ import annotations

from clustergraph.namespaces import CG, PREFIXES

_RDF = PREFIXES["rdf"]
_RDFS = PREFIXES["rdfs"]
_OWL = PREFIXES["owl"]
_SKOS = PREFIXES["skos"]
_ORG = PREFIXES["org"]
_DCT = PREFIXES["dct"]
_SCHEMA = PREFIXES["schema"]
_FOAF = PREFIXES["foaf"]
_PROV = PREFIXES["prov"]
_VANN = "http://purl.org/vocab/vann/"

# property or class IRI -> (English, German)
LABELS: dict[str, tuple[str, str]] = {
    _RDF + "type": ("type", "Typ"),
    _RDFS + "label": ("label", "Bezeichnung"),
    _RDFS + "comment": ("comment", "Kommentar"),
    _RDFS + "seeAlso": ("see also", "siehe auch"),
    _RDFS + "subClassOf": ("subclass of", "Unterklasse von"),
    _RDFS + "subPropertyOf": ("subproperty of", "Untereigenschaft von"),
    _RDFS + "domain": ("domain", "Definitionsbereich"),
    _RDFS + "range": ("range", "Wertebereich"),
    _RDFS + "isDefinedBy": ("defined by", "definiert durch"),
    _OWL + "sameAs": ("same as", "identisch mit"),
    _OWL + "oneOf": ("one of", "eines von"),
    _OWL + "versionInfo": ("version", "Version"),
    _OWL + "versionIRI": ("version IRI", "Versions-IRI"),
    _SKOS + "prefLabel": ("name", "Name"),
    _SKOS + "altLabel": ("also called", "auch genannt"),
    _SKOS + "hiddenLabel": ("hidden name", "verborgener Name"),
    _SKOS + "definition": ("definition", "Definition"),
    _SKOS + "scopeNote": ("scope note", "Anwendungshinweis"),
    _SKOS + "note": ("note", "Anmerkung"),
    _SKOS + "notation": ("notation", "Notation"),
    _SKOS + "inScheme": ("in scheme", "im Schema"),
    _SKOS + "topConceptOf": ("top concept of", "Oberbegriff in"),
    _SKOS + "hasTopConcept": ("top concept", "Oberbegriff"),
    _SKOS + "broader": ("broader", "Oberbegriff"),
    _SKOS + "narrower": ("narrower", "Unterbegriff"),
    _SKOS + "related": ("related", "verwandt"),
    _SKOS + "exactMatch": ("exact match", "genaue Entsprechung"),
    _SKOS + "closeMatch": ("close match", "ähnliche Entsprechung"),
    _SKOS + "broadMatch": ("broader match", "weitere Entsprechung"),
    _SKOS + "narrowMatch": ("narrower match", "engere Entsprechung"),
    _SKOS + "Concept": ("concept", "Begriff"),
    _SKOS + "ConceptScheme": ("concept scheme", "Begriffsschema"),
    _ORG + "hasMember": ("member", "Mitglied"),
    _ORG + "memberOf": ("member of", "Mitglied von"),
    _ORG + "member": ("member", "Mitglied"),
    _ORG + "organization": ("organisation", "Organisation"),
    _ORG + "role": ("role", "Rolle"),
    _ORG + "memberDuring": ("member during", "Mitglied im Zeitraum"),
    _ORG + "linkedTo": ("linked to", "verbunden mit"),
    _ORG + "Membership": ("membership", "Mitgliedschaft"),
    _ORG + "Organization": ("organisation", "Organisation"),
    _ORG + "FormalOrganization": ("formal organisation", "formale Organisation"),
    _ORG + "OrganizationalCollaboration": ("organisational collaboration", "Kooperation von Organisationen"),
    _ORG + "Role": ("role", "Rolle"),
    _DCT + "title": ("title", "Titel"),
    _DCT + "description": ("description", "Beschreibung"),
    _DCT + "isPartOf": ("part of", "Teil von"),
    _DCT + "hasPart": ("has part", "hat Teil"),
    _DCT + "spatial": ("region", "Region"),
    _DCT + "issued": ("published", "veröffentlicht"),
    _DCT + "modified": ("modified", "geändert"),
    _DCT + "date": ("date", "Datum"),
    _DCT + "publisher": ("publisher", "Herausgeber"),
    _DCT + "creator": ("creator", "Urheber"),
    _DCT + "license": ("licence", "Lizenz"),
    _DCT + "subject": ("subject", "Thema"),
    _DCT + "relation": ("related to", "bezieht sich auf"),
    _DCT + "source": ("source", "Quelle"),
    _DCT + "identifier": ("identifier", "Kennung"),
    _DCT + "language": ("language", "Sprache"),
    _DCT + "conformsTo": ("conforms to", "entspricht"),
    _DCT + "type": ("type", "Art"),
    _SCHEMA + "url": ("web address", "Webadresse"),
    _SCHEMA + "name": ("name", "Name"),
    _SCHEMA + "alternateName": ("also called", "auch genannt"),
    _SCHEMA + "startDate": ("start date", "Beginn"),
    _SCHEMA + "endDate": ("end date", "Ende"),
    _SCHEMA + "location": ("location", "Ort"),
    _SCHEMA + "address": ("address", "Adresse"),
    _SCHEMA + "addressLocality": ("city", "Stadt"),
    _SCHEMA + "sameAs": ("same as", "identisch mit"),
    _SCHEMA + "description": ("description", "Beschreibung"),
    _SCHEMA + "Place": ("place", "Ort"),
    _SCHEMA + "City": ("city", "Stadt"),
    _SCHEMA + "Organization": ("organisation", "Organisation"),
    _FOAF + "homepage": ("homepage", "Webseite"),
    _FOAF + "page": ("page", "Seite"),
    _FOAF + "name": ("name", "Name"),
    _PROV + "wasAttributedTo": ("attributed to", "zugeschrieben"),
    _PROV + "wasDerivedFrom": ("derived from", "abgeleitet von"),
    _PROV + "hadPrimarySource": ("primary source", "Primärquelle"),
    _PROV + "generatedAtTime": ("created", "erstellt"),
    _PROV + "Entity": ("entity", "Entität"),
    _PROV + "Activity": ("activity", "Aktivität"),
    _VANN + "preferredNamespacePrefix": ("preferred prefix", "bevorzugtes Präfix"),
    _VANN + "preferredNamespaceUri": ("namespace", "Namensraum"),
    # Regions and countries of the EU tables that the data points to.
    "http://data.europa.eu/nuts/code/DEA": ("North Rhine-Westphalia (NUTS DEA)", "Nordrhein-Westfalen (NUTS DEA)"),
    "http://data.europa.eu/nuts/code/DE": ("Germany (NUTS DE)", "Deutschland (NUTS DE)"),
    "http://publications.europa.eu/resource/authority/country/DEU": ("Germany", "Deutschland"),
}

# property IRI -> (English, German) phrase for the link read backwards, from its object.
INVERSE: dict[str, tuple[str, str]] = {
    _ORG + "hasMember": ("member of", "Mitglied von"),
    _ORG + "member": ("membership", "Mitgliedschaft"),
    _ORG + "organization": ("membership", "Mitgliedschaft"),
    _ORG + "role": ("role in", "Rolle in"),
    _RDF + "type": ("instances", "Instanzen"),
    _SKOS + "inScheme": ("concepts", "Begriffe"),
    _SKOS + "topConceptOf": ("top concepts", "Oberbegriffe"),
    _SKOS + "broader": ("narrower", "Unterbegriff"),
    _DCT + "isPartOf": ("has part", "hat Teil"),
    _DCT + "publisher": ("publisher of", "Herausgeber von"),
    _PROV + "wasDerivedFrom": ("source of", "Grundlage von"),
    _PROV + "wasAttributedTo": ("responsible for", "verantwortlich für"),
    str(CG.managedBy): ("manages", "managt"),
    str(CG.basedIn): ("location of", "Standort von"),
    str(CG.innovationField): ("clusters and actors in this field", "Cluster und Akteure in diesem Feld"),
    str(CG.technology): ("worked on by", "bearbeitet von"),
    str(CG.topicArea): ("dealt with in", "behandelt in"),
    str(CG.fundedBy): ("funds", "fördert"),
    str(CG.fundingProgramme): ("funds", "fördert"),
    str(CG.participant): ("takes part in", "beteiligt an"),
    str(CG.participatesIn): ("participant", "Beteiligter"),
    str(CG.programme): ("participation", "Teilnahme"),
    str(CG.organisedBy): ("organises", "organisiert"),
    str(CG.commissionedBy): ("commissioned", "beauftragte"),
    str(CG.label): ("label of", "Label von"),
    str(CG.awardedTo): ("label awards received", "erhaltene Label"),
    str(CG.awardedBy): ("awarded labels", "verliehene Label"),
    str(CG.labelLevel): ("awards at this level", "Verleihungen dieser Stufe"),
    str(CG.labelScheme): ("awards under this scheme", "Verleihungen nach diesem System"),
    str(CG.partOf): ("has part", "hat Teil"),
    str(CG.partOfInitiative): ("events", "Veranstaltungen"),
    str(CG.sourceDocument): ("sources taken from it", "daraus entnommene Quellen"),
    str(CG.measure): ("figures", "Zahlen"),
    str(CG.figureOf): ("figures", "Zahlen"),
    str(CG.approximateParticipantCount): ("participant count of", "Beteiligtenzahl von"),
}


def builtin_label(iri: str, lang: str) -> str | None:
    """The built-in name of a reused term in ``lang`` ('de' or anything else for English)."""
    pair = LABELS.get(iri)
    if pair is None:
        return None
    return pair[1] if lang == "de" else pair[0]


def inverse_label(iri: str, forward: str, lang: str) -> str:
    """How to name the link ``?s <iri> ?this`` on the page of ``?this``.

    Falls back to "<forward label> of" / "<forward label> von" for properties without a phrase.
    """
    pair = INVERSE.get(iri)
    if pair is not None:
        return pair[1] if lang == "de" else pair[0]
    return f"{forward} von" if lang == "de" else f"{forward} of"

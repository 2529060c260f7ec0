"""The clustergraph ontology (ontology/*.ttl): parses, is documented in English and German,
reuses standard vocabularies, and offers every term of the model contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parent.parent
CG = Namespace("https://w3id.org/clustergraph/ontology/")
ONTOLOGY = URIRef("https://w3id.org/clustergraph/ontology")

# Vocabularies a cg: term may be aligned to (rdfs:subClassOf / rdfs:subPropertyOf /
# owl:equivalentClass targets).
ALLOWED_NAMESPACES = (
    str(CG),
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "https://schema.org/",
    "http://www.w3.org/ns/prov#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/ns/dcat#",
    "http://data.europa.eu/m8g/",
    "http://www.w3.org/ns/legal#",
    "http://www.w3.org/ns/regorg#",
    "http://data.europa.eu/s66#",
    "http://www.w3.org/ns/locn#",
    "http://www.w3.org/2000/01/rdf-schema#",
)

CONTRACT_CLASSES = """
Cluster StateCluster FutureCluster LeadingEdgeCluster CompetenceNetwork CompetencePlatform
CoordinationOffice CompetenceCentre Actor Company SME University ResearchInstitute PublicBody
Association LabelAward LabelLevel LabelScheme FundingProgramme ProgrammeParticipation Initiative
Event Strategy Report TopicArea InnovationField CrossCuttingTheme IndustrialEcosystem Technology
Figure Source EditorialSource
""".split()

CONTRACT_PROPERTIES = """
shortName managedBy managingBodyUnknown innovationField technology basedIn foundingDate label
awardedTo labelLevel awardedBy awardDate validUntil labelScheme participatesIn participant programme
fundedBy fundingProgramme launchDate approximateParticipantCount organisedBy partOf topicArea
partOfInitiative commissionedBy value qualifier referenceDate figureOf measure section accessed
assertedIn projectTranslation
""".split()

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    files = sorted((ROOT / "ontology").glob("*.ttl"))
    assert files, "ontology/ holds no .ttl file"
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def cg_classes(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, OWL.Class) if str(s).startswith(str(CG))}


def cg_properties(graph: Graph) -> set[URIRef]:
    return {
        s
        for kind in PROPERTY_TYPES
        for s in graph.subjects(RDF.type, kind)
        if str(s).startswith(str(CG))
    }


def test_ontology_declares_its_iri_version_iri_and_version(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/clustergraph/ontology/1.0.0")
    assert str(ontology.value(ONTOLOGY, OWL.versionInfo)) == "1.0.0"


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_every_contract_class_is_defined(ontology: Graph, name: str) -> None:
    assert (CG[name], RDF.type, OWL.Class) in ontology, f"cg:{name} is missing"


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_every_contract_property_is_defined(ontology: Graph, name: str) -> None:
    assert CG[name] in cg_properties(ontology), f"cg:{name} is missing"


def test_every_cg_class_and_property_has_english_and_german_labels_and_a_definition(ontology: Graph) -> None:
    terms = cg_classes(ontology) | cg_properties(ontology)
    assert len(terms) > 60
    problems = []
    for term in sorted(terms):
        languages = {label.language for label in ontology.objects(term, RDFS.label) if isinstance(label, Literal)}
        if not {"en", "de"} <= languages:
            problems.append(f"{term}: rdfs:label languages {languages}")
        definitions = [
            d
            for d in (*ontology.objects(term, SKOS.definition), *ontology.objects(term, RDFS.comment))
            if isinstance(d, Literal) and d.language == "en"
        ]
        if not definitions:
            problems.append(f"{term}: no skos:definition or rdfs:comment @en")
    assert problems == []


def test_alignments_point_only_to_allowed_vocabularies(ontology: Graph) -> None:
    bad = []
    for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty):
        for subject, target in ontology.subject_objects(predicate):
            if str(subject).startswith(str(CG)) and not str(target).startswith(ALLOWED_NAMESPACES):
                bad.append((subject, predicate, target))
    assert bad == []


def test_every_cg_class_reaches_a_standard_vocabulary(ontology: Graph) -> None:
    """No reinvented island: following rdfs:subClassOf from any cg: class ends outside cg:."""
    orphans = []
    for cls in cg_classes(ontology):
        ancestors = set(ontology.transitive_objects(cls, RDFS.subClassOf)) - {cls}
        if not any(not str(a).startswith(str(CG)) for a in ancestors):
            orphans.append(cls)
    assert orphans == []


def test_a_cluster_is_an_organisation_for_shacl(ontology: Graph) -> None:
    """sh:class org:Organization must accept clusters: the chain is in the ontology itself."""
    org = Namespace("http://www.w3.org/ns/org#")
    ancestors = set(ontology.transitive_objects(CG.Cluster, RDFS.subClassOf))
    assert org.Organization in ancestors
    assert org.Organization in set(ontology.transitive_objects(CG.PublicBody, RDFS.subClassOf))


def test_label_levels_are_a_closed_list_of_concepts_in_their_scheme(ontology: Graph) -> None:
    levels = {CG.Bronze, CG.Silver, CG.Gold}
    assert set(ontology.subjects(RDF.type, CG.LabelLevel)) == levels
    for level in levels:
        assert (level, RDF.type, SKOS.Concept) in ontology
        assert (level, SKOS.inScheme, CG.LabelLevelScheme) in ontology


def test_asserted_in_is_documented_as_derived_with_range_source(ontology: Graph) -> None:
    assert ontology.value(CG.assertedIn, RDFS.range) == CG.Source
    assert "DERIVED" in str(ontology.value(CG.assertedIn, SKOS.definition))


def test_measures_are_concepts_in_the_measure_scheme(ontology: Graph) -> None:
    measures = set(ontology.subjects(RDF.type, CG.Measure))
    assert CG.MemberCount in measures
    assert all((m, SKOS.inScheme, CG.MeasureScheme) in ontology for m in measures)

"""The documentation of the clustergraph ontology, read from the ontology graph of the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from clustergraph.namespaces import CG, ONTOLOGY_IRI, PREFIXES
from clustergraph.pages.labels import Name, literal_name, pick_literal
from clustergraph.pages.urls import Urls
from clustergraph.store.base import Store

_RDF, _RDFS, _OWL, _SKOS, _DCT = (PREFIXES[k] for k in ("rdf", "rdfs", "owl", "skos", "dct"))
PROPERTY_TYPES = {_OWL + "ObjectProperty", _OWL + "DatatypeProperty", _OWL + "AnnotationProperty", _RDF + "Property"}
CLASS_TYPES = {_OWL + "Class", _RDFS + "Class"}
# How each alignment reads, in English and German.
_ALIGNMENTS = {
    _RDFS + "subClassOf": ("subclass of", "Unterklasse von"),
    _RDFS + "subPropertyOf": ("subproperty of", "Untereigenschaft von"),
    _OWL + "equivalentClass": ("equivalent to", "gleichbedeutend mit"),
    _OWL + "equivalentProperty": ("equivalent to", "gleichbedeutend mit"),
    _SKOS + "exactMatch": ("exact match", "genaue Entsprechung"),
    _SKOS + "closeMatch": ("close match", "nahe Entsprechung"),
    _RDFS + "seeAlso": ("see also", "siehe auch"),
}


def curie(iri: str) -> str:
    """``cg:Cluster`` for an IRI in a known namespace, else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best) and iri != namespace:
            best, name = namespace, prefix
    return f"{name}:{iri[len(best):]}" if best else iri


@dataclass
class TermRef:
    iri: str
    curie: str
    href: str | None


@dataclass
class Term:
    iri: str
    curie: str
    anchor: str
    category: str  # "class", "property" or "individual"
    labels: dict[str, str]
    definition: Name | None  # with its language: the page marks a text not in its own
    comment: Name | None
    types: list[TermRef] = field(default_factory=list)
    alignments: list[tuple[str, TermRef]] = field(default_factory=list)
    domain: list[TermRef] = field(default_factory=list)
    range: list[TermRef] = field(default_factory=list)

    def label(self, lang: str) -> Name:
        for key in (lang, "en"):
            if key in self.labels:
                return Name(self.labels[key], key)
        return Name(self.curie)


@dataclass
class OntologyDoc:
    iri: str
    title: Name
    description: Name | None
    version: str | None
    license: str | None
    classes: list[Term]
    properties: list[Term]
    individuals: list[Term]

    def term(self, iri: str) -> Term | None:
        for term in self.classes + self.properties + self.individuals:
            if term.iri == iri:
                return term
        return None


def build_ontology_doc(store: Store, *, lang: str, urls: Urls) -> OntologyDoc:
    """Every cg: term of the ontology graph with labels, definition, alignments, domain and range."""
    by_subject: dict[str, dict[str, list]] = {}
    for quad in store.quads(None, None, None, NamedNode(ONTOLOGY_IRI)):
        if isinstance(quad.subject, NamedNode):
            by_subject.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(quad.object)

    def ref(node) -> TermRef:
        iri = node.value
        return TermRef(iri, curie(iri), urls.page(iri, described=iri in by_subject))

    def text(props: dict, key: str, language: str = lang) -> Name | None:
        literals = [o for o in props.get(key, []) if isinstance(o, Literal)]
        chosen = pick_literal(literals, language)
        return literal_name(chosen) if chosen is not None else None

    classes, properties, individuals = [], [], []
    for iri, props in sorted(by_subject.items()):
        if not iri.startswith(str(CG)):
            continue
        types = {o.value for o in props.get(_RDF + "type", []) if isinstance(o, NamedNode)}
        category = "class" if types & CLASS_TYPES else "property" if types & PROPERTY_TYPES else "individual"
        labels = {}
        for literal in props.get(_RDFS + "label", []) + props.get(_SKOS + "prefLabel", []):
            if isinstance(literal, Literal) and literal.language and literal.language not in labels:
                labels[literal.language] = literal.value
        term = Term(
            iri=iri,
            curie=curie(iri),
            anchor=iri[len(str(CG)):],
            category=category,
            labels=labels,
            definition=text(props, _SKOS + "definition"),
            comment=text(props, _RDFS + "comment"),
            types=[ref(o) for o in props.get(_RDF + "type", []) if isinstance(o, NamedNode)],
            alignments=[
                (names[1] if lang == "de" else names[0], ref(o))
                for predicate, names in _ALIGNMENTS.items()
                for o in props.get(predicate, [])
                if isinstance(o, NamedNode)
            ],
            domain=[ref(o) for o in props.get(_RDFS + "domain", []) if isinstance(o, NamedNode)],
            range=[ref(o) for o in props.get(_RDFS + "range", []) if isinstance(o, NamedNode)],
        )
        {"class": classes, "property": properties, "individual": individuals}[category].append(term)
    head = by_subject.get(ONTOLOGY_IRI, {})
    license_iri = next((o.value for o in head.get(_DCT + "license", []) if isinstance(o, NamedNode)), None)
    return OntologyDoc(
        iri=ONTOLOGY_IRI,
        title=text(head, _DCT + "title") or Name("clustergraph ontology"),
        description=text(head, _DCT + "description"),
        version=text(head, _OWL + "versionInfo"),
        license=license_iri,
        classes=classes,
        properties=properties,
        individuals=individuals,
    )

"""What the landscape pictures show, read from the store: clusters grouped by innovation
field (sourced or editorial assignment) and the ties between clusters."""

from __future__ import annotations

from dataclasses import dataclass, field

from clustergraph.namespaces import sparql_prologue
from clustergraph.pages.labels import fetch_names
from clustergraph.pages.urls import Urls
from clustergraph.store.base import Store

CLUSTERS = sparql_prologue() + """SELECT DISTINCT ?c WHERE { ?c a/rdfs:subClassOf* cg:Cluster }"""
CLUSTER_TYPES = sparql_prologue() + """SELECT DISTINCT ?c ?type WHERE {
  ?c a ?type . ?type rdfs:subClassOf* cg:Cluster .
  FILTER NOT EXISTS { ?c a ?narrower . ?narrower rdfs:subClassOf+ ?type . FILTER(?narrower != ?type) }
}"""
FIELDS = sparql_prologue() + """SELECT ?field ?cross ?notation WHERE {
  ?field a cg:InnovationField .
  OPTIONAL { ?field cg:isCrossCutting ?cross }
  OPTIONAL { ?field skos:notation ?notation }
}"""
ASSIGNMENTS = sparql_prologue() + """SELECT ?c ?field ?editorial WHERE {
  GRAPH ?g { ?c cg:innovationField ?field }
  ?c a/rdfs:subClassOf* cg:Cluster .
  BIND(EXISTS { ?g a cg:EditorialSource } AS ?editorial)
}"""
TIES = sparql_prologue() + """SELECT DISTINCT ?a ?b ?kind ?via WHERE {
  {
    ?a org:hasMember|^org:organization/org:member ?via .
    ?b org:hasMember|^org:organization/org:member ?via .
    BIND("members" AS ?kind)
  } UNION {
    ?a cg:technology ?via . ?b cg:technology ?via . BIND("technologies" AS ?kind)
  } UNION {
    ?a cg:managedBy ?via . ?b cg:managedBy ?via . BIND("management" AS ?kind)
  } UNION {
    ?a cg:fundingProgramme|cg:participatesIn/cg:programme|^cg:participant/cg:programme ?via .
    ?b cg:fundingProgramme|cg:participatesIn/cg:programme|^cg:participant/cg:programme ?via .
    BIND("programmes" AS ?kind)
  }
  FILTER(STR(?a) < STR(?b))
  ?a a/rdfs:subClassOf* cg:Cluster .
  ?b a/rdfs:subClassOf* cg:Cluster .
}"""
TIE_KINDS = ("members", "technologies", "management", "programmes")


@dataclass
class ClusterNode:
    iri: str
    name: str  # short name where there is one
    full_name: str
    href: str | None
    type_label: str | None = None


@dataclass
class Placement:
    cluster: ClusterNode
    editorial: bool  # only an editorial source assigns this cluster to this field


@dataclass
class FieldGroup:
    iri: str | None  # None: the group of clusters without a field
    label: str
    href: str | None
    cross_cutting: bool
    members: list[Placement] = field(default_factory=list)
    colour: int | None = None  # palette index, fixed by the field's IRI so it is the same in every language


@dataclass
class Landscape:
    clusters: list[ClusterNode]
    groups: list[FieldGroup]


@dataclass
class Tie:
    a: ClusterNode
    b: ClusterNode
    kind: str  # one of TIE_KINDS
    via: list[tuple[str, str]]  # (IRI, name) of the shared things


PICTURE_NAME_LIMIT = 28


def picture_name(label: str, short: str) -> str:
    """The name a picture shows: the full name in the page's language when it fits, else the short name.

    Short names are language-neutral strings from the sources ("Hydrogen" for the
    Zukunftscluster Wasserstoff); a full name that fits reads right in either language.
    """
    return label if len(label) <= PICTURE_NAME_LIMIT else short


def read_landscape(store: Store, *, lang: str, urls: Urls, no_field_label: str) -> Landscape:
    """Every cluster, grouped by innovation field; a cluster with several fields is in each group."""
    cluster_iris = sorted(row["c"].value for row in store.query(CLUSTERS))
    types: dict[str, set[str]] = {}
    for row in store.query(CLUSTER_TYPES):
        types.setdefault(row["c"].value, set()).add(row["type"].value)
    # One entry per field: with the union default graph a triple stated in two sources
    # comes back twice.
    by_iri: dict[str, tuple[str, bool, object]] = {}
    for row in store.query(FIELDS):
        iri = row["field"].value
        known = by_iri.get(iri)
        cross = _is_true(row["cross"]) or (known is not None and known[1])
        notation = row["notation"] if row["notation"] is not None else (known[2] if known else None)
        by_iri[iri] = (iri, cross, notation)
    fields = list(by_iri.values())
    assignments: dict[tuple[str, str], bool] = {}
    for row in store.query(ASSIGNMENTS):
        key = (row["c"].value, row["field"].value)
        # Sourced wins: an assignment is editorial only if no other source states it.
        assignments[key] = assignments.get(key, True) and _is_true(row["editorial"])
    all_types = {t for ts in types.values() for t in ts}
    names = fetch_names(store, set(cluster_iris) | {f for f, _, _ in fields} | all_types, lang)
    nodes = {
        iri: ClusterNode(
            iri=iri,
            name=picture_name(names.label(iri), names.short(iri)),
            full_name=names.label(iri),
            href=urls.page(iri, described=True),
            type_label=", ".join(sorted(names.label(t) for t in types.get(iri, ()))) or None,
        )
        for iri in cluster_iris
    }
    # By notation, then IRI: the same order (and so the same pictures) in every language.
    fields.sort(key=lambda f: (f[1], f[2].value if f[2] is not None else "", f[0]))
    palette = {iri: i for i, iri in enumerate(sorted(f for f, _, _ in fields))}
    groups = [
        FieldGroup(f, names.label(f), urls.page(f, described=True), cross, colour=palette[f]) for f, cross, _ in fields
    ]
    by_field = {g.iri: g for g in groups}
    placed: set[str] = set()
    for (cluster, field_iri), editorial in sorted(assignments.items()):
        if cluster in nodes and field_iri in by_field:
            by_field[field_iri].members.append(Placement(nodes[cluster], editorial))
            placed.add(cluster)
    unplaced = FieldGroup(None, no_field_label, None, False)
    unplaced.members = [Placement(nodes[c], False) for c in cluster_iris if c not in placed]
    for group in groups:
        group.members.sort(key=lambda p: p.cluster.name.casefold())
    unplaced.members.sort(key=lambda p: p.cluster.name.casefold())
    if unplaced.members:
        groups.append(unplaced)
    return Landscape(clusters=sorted(nodes.values(), key=lambda n: n.name.casefold()), groups=groups)


def read_ties(store: Store, landscape: Landscape, *, lang: str) -> list[Tie]:
    """Pairs of clusters that share members, technologies, managing bodies or programmes."""
    nodes = {n.iri: n for n in landscape.clusters}
    grouped: dict[tuple[str, str, str], set[str]] = {}
    for row in store.query(TIES):
        a, b = row["a"].value, row["b"].value
        if a in nodes and b in nodes:
            grouped.setdefault((a, b, row["kind"].value), set()).add(row["via"].value)
    names = fetch_names(store, {v for vias in grouped.values() for v in vias}, lang)
    ties = [
        Tie(nodes[a], nodes[b], kind, sorted(((v, names.label(v)) for v in vias), key=lambda x: x[1].casefold()))
        for (a, b, kind), vias in grouped.items()
    ]
    ties.sort(key=lambda t: (TIE_KINDS.index(t.kind), t.a.name.casefold(), t.b.name.casefold()))
    return ties


def _is_true(term) -> bool:
    return term is not None and term.value in ("true", "1")

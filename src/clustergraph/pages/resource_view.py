"""The view model of one resource: its names, facts grouped by property, incoming links,
members, figures and the source of every fact.

``build_view`` runs a handful of SPARQL queries with the resource bound as ``?s`` and
returns plain dataclasses; templates only format them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.reads import read
from clustergraph.namespaces import CG, PREFIXES, sparql_prologue
from clustergraph.pages.labels import Names, fetch_names, format_literal, pick_literal
from clustergraph.pages.related import RelatedView, related_for
from clustergraph.pages.numbers import format_date
from clustergraph.pages.sentences import figure_parts
from clustergraph.pages.sources import SourceRef, fetch_sources
from clustergraph.pages.urls import Urls
from clustergraph.pages.vocabulary import builtin_label, inverse_label
from clustergraph.store.base import Store

RDF_TYPE = PREFIXES["rdf"] + "type"
_ORG = PREFIXES["org"]
_SKOS = PREFIXES["skos"]
HAS_MEMBER = _ORG + "hasMember"
FIGURE_OF = str(CG.figureOf)
INCOMING_LIMIT = 1000

OUTGOING = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
INCOMING = f"SELECT ?s ?x ?p ?g WHERE {{ GRAPH ?g {{ ?x ?p ?s }} }} LIMIT {INCOMING_LIMIT}"
MEMBERS = (
    sparql_prologue()
    + """SELECT DISTINCT ?s ?member ?role ?g WHERE {
  { GRAPH ?g { ?s org:hasMember ?member } }
  UNION
  { GRAPH ?g { ?m org:organization ?s ; org:member ?member } OPTIONAL { ?m org:role ?role } }
}"""
)
MEMBER_OF = (
    sparql_prologue()
    + """SELECT DISTINCT ?s ?org ?role ?g WHERE {
  { GRAPH ?g { ?org org:hasMember ?s } }
  UNION
  { GRAPH ?g { ?m org:member ?s ; org:organization ?org } OPTIONAL { ?m org:role ?role } }
}"""
)
FIGURES = (
    sparql_prologue()
    + """SELECT ?s ?f ?measure ?value ?qualifier ?date ?start ?end ?g WHERE {
  GRAPH ?g { ?f cg:figureOf ?s }
  OPTIONAL { ?f cg:measure ?measure }
  OPTIONAL { ?f cg:value ?value }
  OPTIONAL { ?f cg:qualifier ?qualifier }
  OPTIONAL { ?f cg:referenceDate ?date }
  OPTIONAL { ?f cg:periodStart ?start }
  OPTIONAL { ?f cg:periodEnd ?end }
}"""
)

# The classes of clusters (the matching knows instances of these under the base).
CLUSTER_CLASSES = sparql_prologue() + "SELECT ?c WHERE { ?c rdfs:subClassOf* cg:Cluster }"

# The resources a named graph (a source) states facts about.
GRAPH_SUBJECTS = f"SELECT DISTINCT ?s ?x WHERE {{ GRAPH ?s {{ ?x ?p ?o }} }} ORDER BY ?x LIMIT {INCOMING_LIMIT}"
# (pyoxigraph binds ``substitutions`` only for variables in the SELECT projection, hence ?s.)

# Properties shown first, in this order; the rest follow alphabetically by label.
PREFERRED_ORDER = [
    _SKOS + "prefLabel",
    str(CG.shortName),
    _SKOS + "altLabel",
    PREFIXES["dct"] + "description",
    _SKOS + "definition",
    PREFIXES["foaf"] + "homepage",
    PREFIXES["schema"] + "url",
    str(CG.managedBy),
    str(CG.managingBodyUnknown),
    str(CG.basedIn),
    str(CG.innovationField),
    str(CG.technology),
    str(CG.foundingDate),
    str(CG.label),
    str(CG.fundingProgramme),
    str(CG.participatesIn),
]
# Shown in their own sections, not in the fact lists.
_OWN_SECTION_OUT = {RDF_TYPE, HAS_MEMBER}
_OWN_SECTION_IN = {HAS_MEMBER, _ORG + "member", _ORG + "organization", FIGURE_OF}
_DESCRIPTION_PROPERTIES = (PREFIXES["dct"] + "description", _SKOS + "definition", PREFIXES["rdfs"] + "comment")


@dataclass
class Value:
    """One object of a fact: a link to a resource or a literal, with its footnotes."""

    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    external: bool = False
    note: str | None = None  # e.g. the role of a member
    sources: list[SourceRef] = field(default_factory=list)

    @property
    def editorial_only(self) -> bool:
        return bool(self.sources) and all(s.editorial for s in self.sources)


@dataclass
class FactGroup:
    """All values of one property, under the property's plain-language name."""

    predicate: str
    label: str
    definition: str | None
    values: list[Value]
    href: str | None = None  # documentation of the property


@dataclass
class Figure:
    """A dated number about the resource ("more than 200 members, 2022")."""

    iri: str
    href: str | None
    measure: str
    value: str
    reference_date: str | None
    period: str | None
    sources: list[SourceRef]


@dataclass
class Link:
    iri: str
    label: str
    href: str | None


@dataclass
class ResourceView:
    iri: str
    lang: str
    label: str
    other_labels: list[tuple[str, str]]  # (language, name) in the other languages
    short_name: str | None
    description: str | None
    types: list[Link]
    facts: list[FactGroup]
    incoming: list[FactGroup]
    members: list[Value]
    member_of: list[Value]
    figures: list[Figure]
    sources: list[SourceRef]
    kind: str | None
    homepage: str | None = None
    description_lang: str | None = None
    type_iris: set[str] = field(default_factory=set)
    stated: list[Value] = field(default_factory=list)  # for a source: what its graph describes

    @property
    def is_cluster(self) -> bool:
        return self.kind == "cluster"


@dataclass
class ResourcePage:
    """What the page of one resource shows: its view, the cluster classes (for its JSON-LD) and,
    for a cluster, the clusters related to it."""

    view: ResourceView
    cluster_classes: set[str]
    related: list[RelatedView] | None


@read
def resource_page(store: Store, iri: str, *, lang: str, urls: Urls) -> ResourcePage:
    """Everything the page of ``iri`` reads, in one go (one job for the query workers: see
    ``catalog.reads``). Call ``resource_exists`` first."""
    view = build_view(store, iri, lang=lang, urls=urls)
    classes = {row["c"].value for row in store.query(CLUSTER_CLASSES)}
    related = None
    if view.kind == "cluster" and view.type_iris & classes:
        related = related_for(store, iri, lang=lang, urls=urls)
    return ResourcePage(view, classes, related)


def resource_exists(store: Store, iri: str) -> bool:
    """True if ``iri`` is the subject or object of any stored triple."""
    node = NamedNode(iri)
    for _ in store.quads(node, None, None, None):
        return True
    for _ in store.quads(None, None, node, None):
        return True
    return False


def kind_of(iri: str, base_iri: str) -> str | None:
    """The first path segment under the base (``cluster`` for ``{base}cluster/x``), if any."""
    if iri.startswith(base_iri) and "/" in iri[len(base_iri):]:
        return iri[len(base_iri):].split("/", 1)[0]
    return None


class _Footnotes:
    """The source descriptions of a page; ``number`` gives them footnote numbers in page order."""

    def __init__(self, catalogue: dict[str, SourceRef]) -> None:
        self.catalogue = catalogue

    def refs(self, graphs: list[str]) -> list[SourceRef]:
        return [self.catalogue[g] for g in sorted(set(graphs)) if g in self.catalogue]

    @staticmethod
    def number(view: ResourceView) -> list[SourceRef]:
        """Number the sources in the order a reader meets them; returns them in that order."""
        order: list[SourceRef] = []
        values = [v for grp in view.facts for v in grp.values]
        values += view.members + view.member_of
        lists = [v.sources for v in values] + [f.sources for f in view.figures]
        lists += [v.sources for grp in view.incoming for v in grp.values]
        for refs in lists:
            for ref in refs:
                if ref not in order:
                    order.append(ref)
                    ref.number = len(order)
            refs.sort(key=lambda r: r.number)
        return order


def build_view(store: Store, iri: str, *, lang: str, urls: Urls) -> ResourceView:
    """The view model of ``iri`` in ``lang`` ('en' or 'de'). Call ``resource_exists`` first."""
    bound = {"s": NamedNode(iri)}
    out_rows = [(r["p"].value, r["o"], r["g"].value) for r in store.query(OUTGOING, substitutions=bound)]
    in_rows = [(r["x"], r["p"].value, r["g"].value) for r in store.query(INCOMING, substitutions=bound)]
    member_rows = [(r["member"], r["role"], r["g"].value) for r in store.query(MEMBERS, substitutions=bound)]
    member_of_rows = [(r["org"], r["role"], r["g"].value) for r in store.query(MEMBER_OF, substitutions=bound)]
    figure_rows = list(store.query(FIGURES, substitutions=bound))
    stated_iris = [r["x"].value for r in store.query(GRAPH_SUBJECTS, substitutions=bound) if isinstance(r["x"], NamedNode)]

    iris: set[str] = {iri, *stated_iris}
    for p, o, _ in out_rows:
        iris.add(p)
        if isinstance(o, NamedNode):
            iris.add(o.value)
    for x, p, _ in in_rows:
        iris.add(p)
        if isinstance(x, NamedNode):
            iris.add(x.value)
    for node, role, _ in member_rows + member_of_rows:
        for term in (node, role):
            if isinstance(term, NamedNode):
                iris.add(term.value)
    for row in figure_rows:
        for key in ("f", "measure"):
            if isinstance(row[key], NamedNode):
                iris.add(row[key].value)
    names = fetch_names(store, iris, lang)
    graphs = [g for *_, g in out_rows] + [g for *_, g in in_rows]
    graphs += [g for *_, g in member_rows + member_of_rows] + [r["g"].value for r in figure_rows]
    notes = _Footnotes(fetch_sources(store, graphs, lang))

    def link_value(node, graphs_of: list[str], note: str | None = None) -> Value:
        if isinstance(node, NamedNode):
            described = node.value in names.described
            href = urls.page(node.value, described=described)
            external = urls.local_path(node.value) is None and not described
            # An outside address without a name reads best as itself.
            known = node.value in names.labels or builtin_label(node.value, lang) is not None
            text = node.value if external and not known else names.label(node.value)
            return Value(
                text=text, href=href, iri=node.value, external=external,
                note=note, sources=notes.refs(graphs_of),
            )
        if isinstance(node, Literal):
            return Value(text=format_literal(node, lang), lang=node.language, note=note, sources=notes.refs(graphs_of))
        return Value(text=str(node), note=note, sources=notes.refs(graphs_of))

    # Header: names, types, description.
    name_literals = [o for p, o, _ in out_rows if p == _SKOS + "prefLabel" and isinstance(o, Literal)]
    label = names.label(iri)
    other_labels = sorted(
        {(o.language or "", o.value) for o in name_literals if o.value != label and o.language}
    )
    description_literals = [o for p, o, _ in out_rows if p in _DESCRIPTION_PROPERTIES and isinstance(o, Literal)]
    description = pick_literal(description_literals, lang)
    types = sorted(
        {o.value for p, o, _ in out_rows if p == RDF_TYPE and isinstance(o, NamedNode)},
        key=names.label,
    )
    homepages = [o.value for p, o, _ in out_rows if p == PREFIXES["foaf"] + "homepage" and isinstance(o, NamedNode)]

    facts = _group(
        [(p, o, g) for p, o, g in out_rows if p not in _OWN_SECTION_OUT],
        names, urls, link_value, inverse=False,
    )
    incoming = _group(
        [(p, x, g) for x, p, g in in_rows if p not in _OWN_SECTION_IN],
        names, urls, link_value, inverse=True,
    )
    members = _relations(member_rows, names, link_value)
    member_of = _relations(member_of_rows, names, link_value)
    figures = _figures(figure_rows, names, urls, notes, lang)

    view = ResourceView(
        iri=iri,
        lang=lang,
        label=label,
        other_labels=other_labels,
        short_name=names.short_names.get(iri),
        description=description.value if description is not None else None,
        description_lang=description.language if description is not None and description.language else None,
        types=[Link(t, names.label(t), urls.page(t, described=t in names.described)) for t in types],
        facts=facts,
        incoming=incoming,
        members=members,
        member_of=member_of,
        figures=figures,
        sources=[],
        kind=kind_of(iri, urls.base_iri),
        homepage=next((h for h in sorted(homepages) if urls.external(h)), None),
        type_iris=set(types),
        stated=sorted(
            (Value(text=names.label(x), href=urls.page(x, described=True), iri=x) for x in stated_iris),
            key=lambda v: v.text.casefold(),
        ),
    )
    view.sources = _Footnotes.number(view)
    return view


def _group(rows, names: Names, urls: Urls, link_value, *, inverse: bool) -> list[FactGroup]:
    """Facts grouped by property; one value per distinct object with all the graphs that state it."""
    by_property: dict[str, dict[object, list[str]]] = {}
    for p, node, g in rows:
        by_property.setdefault(p, {}).setdefault(node, []).append(g)
    groups = []
    for p, objects in by_property.items():
        forward = names.label(p)
        label = inverse_label(p, forward, names.lang) if inverse else forward
        values = [link_value(node, gs) for node, gs in objects.items()]
        values.sort(key=lambda v: (v.lang not in (None, "", names.lang), v.text.casefold()))
        groups.append(
            FactGroup(
                predicate=p, label=label, definition=names.definitions.get(p), values=values,
                href=urls.page(p, described=p in names.described),
            )
        )
    rank = {p: i for i, p in enumerate(PREFERRED_ORDER)}
    groups.sort(key=lambda grp: (rank.get(grp.predicate, len(rank)), grp.label.casefold()))
    return groups


def _relations(rows, names: Names, link_value) -> list[Value]:
    """Members (or memberships) merged from org:hasMember and org:Membership, with roles."""
    merged: dict[str, tuple[NamedNode, list[str], set[str]]] = {}
    for node, role, g in rows:
        if not isinstance(node, NamedNode):
            continue
        entry = merged.setdefault(node.value, (node, [], set()))
        entry[1].append(g)
        if isinstance(role, NamedNode):
            entry[2].add(names.label(role.value))
    values = [link_value(node, gs, note=", ".join(sorted(roles)) or None) for node, gs, roles in merged.values()]
    values.sort(key=lambda v: v.text.casefold())
    return values


def _figures(rows, names: Names, urls: Urls, notes: _Footnotes, lang: str) -> list[Figure]:
    merged: dict[str, dict] = {}
    for row in rows:
        slot = merged.setdefault(row["f"].value, {"graphs": []})
        slot["graphs"].append(row["g"].value)
        for key in ("measure", "value", "qualifier", "date", "start", "end"):
            if row[key] is not None:
                slot.setdefault(key, row[key])
    figures = []
    for fig_iri, slot in merged.items():
        qualifier = slot["qualifier"].value if "qualifier" in slot else ""
        value = slot["value"].value if "value" in slot else "?"
        measure = slot["measure"].value if "measure" in slot else None
        number, noun = figure_parts(measure, names.label(measure or fig_iri), qualifier, value, lang)
        period = None
        if "start" in slot or "end" in slot:
            period = f"{slot['start'].value if 'start' in slot else ''}–{slot['end'].value if 'end' in slot else ''}"
        figures.append(
            Figure(
                iri=fig_iri,
                href=urls.page(fig_iri, described=True),
                measure=noun,
                value=number,
                reference_date=format_date(slot["date"].value, lang) if "date" in slot else None,
                period=period,
                sources=notes.refs(slot["graphs"]),
            )
        )
    figures.sort(key=lambda f: (f.measure.casefold(), f.reference_date or ""))
    return figures

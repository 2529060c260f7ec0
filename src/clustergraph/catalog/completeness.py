"""How complete each cluster's profile is: for every field a European cluster profile holds,
whether the graph knows it from a source, only from the editors, or not at all.

The fields are the columns of the ECCP-aligned export (``exports.eccp``) that the graph
states per cluster, and beside them what else a European cluster profile holds and the
ontology can express: names, kind, description, website, founding date, managing
organisation, members and their number, city and NUTS region, innovation fields, EU
industrial ecosystems, technologies, labels, funding programmes and the ECCP profile page.
Each cell of a cluster x field table is in one of four states:

* ``sourced``: a fact for the field is stated in the graph of a public source (a report
  section or a web page);
* ``editorial``: facts for it are stated only in editorial graphs (``cg:EditorialSource``:
  ``source:editorial``, ``source:research-gaps``) or are marked as the editors' own
  (``cg:projectTranslation``); a fact reached in two steps (field -> ecosystem) is editorial
  when either step is;
* ``research_gap``: no fact, and the graph records that it was searched for and not found
  (a ``cg:ResearchGap`` naming the property, or ``cg:managingBodyUnknown true``);
* ``missing``: no fact and no record.

A fixed handful of queries does the work, whatever the number of clusters: one UNION over
every field's patterns with the graph of each step, one for the research-gap records, one
for the editors' marks (plus the clusters, their names and the editorial graphs). A
``cluster`` id narrows them through a bound variable.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal as TypeLiteral

from pydantic import BaseModel, Field
from pyoxigraph import NamedNode

from clustergraph.catalog.common import display_name, names_of, public_names, require
from clustergraph.catalog.models import Names
from clustergraph.catalog.query import Catalog, Row
from clustergraph.catalog.reads import read
from clustergraph.namespaces import CG

CLUSTER_CLASS = NamedNode(str(CG.Cluster))
State = TypeLiteral["sourced", "editorial", "research_gap", "missing"]
STATES: tuple[str, ...] = ("sourced", "editorial", "research_gap", "missing")


@dataclass(frozen=True)
class ProfileField:
    """One field of a cluster profile and the graph patterns that state it.

    ``patterns`` bind ``?cluster`` and ``?value`` and put each step in ``GRAPH ?g1 { }``
    (and ``GRAPH ?g2 { }`` for a second step); ``sought`` are the properties a
    ``cg:ResearchGap`` names (``cg:soughtProperty``) when the field was searched for and
    not found; ``gaps`` are further patterns binding ``?cluster`` and ``?g1`` that record
    such a search; ``marks`` bind ``?cluster`` and ``?value`` where a value is marked as the
    editors' own wherever it is stated.
    """

    key: str
    eccp: str | None  # the column of the ECCP-aligned export (exports.eccp) that carries it, if any
    path: str  # the property path, for people reading the table
    patterns: tuple[str, ...]
    sought: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()

    def sought_properties(self) -> tuple[str, ...]:
        """``sought``, else the path when it is one property (the member count, a figure, and
        the ecosystems, reached through the fields, have none)."""
        return self.sought or ((self.path,) if re.fullmatch(r"[a-z]+:[A-Za-z]+", self.path) else ())


FIELDS: tuple[ProfileField, ...] = (
    ProfileField("name", "name", "skos:prefLabel", ("GRAPH ?g1 { ?cluster skos:prefLabel ?value }",),
                 marks=("?cluster cg:projectTranslation ?value",)),
    ProfileField("short_name", None, "cg:shortName", ("GRAPH ?g1 { ?cluster cg:shortName ?value }",)),
    # Any type below cg:Cluster (the plain cg:Cluster says no more than "a cluster").
    ProfileField("kind", "cluster_types", "rdf:type", ("GRAPH ?g1 { ?cluster a ?value } FILTER(?value != cg:Cluster)",)),
    ProfileField("description", None, "dct:description", ("GRAPH ?g1 { ?cluster dct:description ?value }",)),
    ProfileField("homepage", "websites", "foaf:homepage", ("GRAPH ?g1 { ?cluster foaf:homepage ?value }",)),
    ProfileField("founding_date", "founding_date", "cg:foundingDate", ("GRAPH ?g1 { ?cluster cg:foundingDate ?value }",)),
    ProfileField("managing_organisation", "managing_organisation", "cg:managedBy",
                 ("GRAPH ?g1 { ?cluster cg:managedBy ?value }",),
                 gaps=("GRAPH ?g1 { ?cluster cg:managingBodyUnknown ?unknown } FILTER(STR(?unknown) IN (\"true\", \"1\"))",)),
    ProfileField("members", None, "org:hasMember", ("GRAPH ?g1 { ?cluster org:hasMember ?value }",)),
    ProfileField("member_count", "member_count", "^cg:figureOf [cg:measure cg:MemberCount] / cg:value",
                 ("GRAPH ?g1 { ?figure cg:figureOf ?cluster } ?figure cg:measure cg:MemberCount . GRAPH ?g2 { ?figure cg:value ?value }",)),
    ProfileField("city", "city", "cg:basedIn", ("GRAPH ?g1 { ?cluster cg:basedIn ?value }",)),
    ProfileField("region", "nuts_region", "dct:spatial", ("GRAPH ?g1 { ?cluster dct:spatial ?value }",)),
    ProfileField("innovation_fields", "innovation_fields", "cg:innovationField",
                 ("GRAPH ?g1 { ?cluster cg:innovationField ?value }",)),
    ProfileField("industrial_ecosystems", "eu_industrial_ecosystems_editorial",
                 "cg:innovationField / (skos:closeMatch|skos:relatedMatch|skos:exactMatch)",
                 (("GRAPH ?g1 { ?cluster cg:innovationField ?innovationField } "
                   "GRAPH ?g2 { ?innovationField skos:closeMatch|skos:relatedMatch|skos:exactMatch ?value } "
                   "?value a cg:IndustrialEcosystem"),)),
    ProfileField("technologies", "technologies", "cg:technology", ("GRAPH ?g1 { ?cluster cg:technology ?value }",)),
    ProfileField("labels", "cluster_labels", "cg:label", ("GRAPH ?g1 { ?cluster cg:label ?value }",)),
    ProfileField("funding_programmes", None, "cg:fundingProgramme | ^cg:participant / cg:programme",
                 ("GRAPH ?g1 { ?cluster cg:fundingProgramme ?value }",
                  "GRAPH ?g1 { ?participation cg:participant ?cluster } GRAPH ?g2 { ?participation cg:programme ?value }"),
                 sought=("cg:fundingProgramme", "cg:participatesIn")),
    ProfileField("eccp_profile", None, "cg:eccpProfile", ("GRAPH ?g1 { ?cluster cg:eccpProfile ?value }",)),
)
FIELD_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)


def _union(parts: Iterable[tuple[str, str]]) -> str:
    # Field keys are constants of this module; they reach the query as string literals.
    return "\n  UNION ".join(f'{{ {pattern} BIND("{key}" AS ?field) }}' for key, pattern in parts)


# Every cluster (or the one bound to ?cluster), with its names read separately.
CLUSTERS = """
SELECT DISTINCT ?cluster WHERE { #TYPED cluster cg:Cluster# }
"""
FACTS = f"""
SELECT ?cluster ?field ?value ?g1 ?g2 WHERE {{
  {_union((f.key, p) for f in FIELDS for p in f.patterns)}
  #IS_A cluster cg:Cluster#
}}
"""
# The research gaps: a cg:ResearchGap about the cluster naming the property sought, or a
# field's own record (cg:managingBodyUnknown true).
SOUGHT = " ".join(f'({prop} "{f.key}")' for f in FIELDS for prop in f.sought_properties())
GAPS = f"""
SELECT DISTINCT ?cluster ?field ?g1 ?gap WHERE {{
  {{ GRAPH ?g1 {{ ?gap cg:gapSubject ?cluster }} ?gap cg:soughtProperty ?sought VALUES (?sought ?field) {{ {SOUGHT} }} }}
  UNION {_union((f.key, p) for f in FIELDS for p in f.gaps)}
  #IS_A cluster cg:Cluster#
}}
"""
MARKS = f"""
SELECT DISTINCT ?cluster ?field ?value WHERE {{
  {_union((f.key, p) for f in FIELDS for p in f.marks)}
  #IS_A cluster cg:Cluster#
}}
"""
EDITORIAL_GRAPHS = "SELECT DISTINCT ?g WHERE { #TYPED g cg:EditorialSource# }"


# ---------------------------------------------------------------- the shapes of the answer


class FieldValue(BaseModel):
    """One value of a field, with its own state and the graphs that state it."""

    value: str = Field(description="The IRI or the literal's text.")
    state: TypeLiteral["sourced", "editorial"]
    sources: list[str] = Field(default_factory=list, description="IRIs of the graphs (sources) that state it.")


class FieldStatus(BaseModel):
    """One cell of the table: a field of one cluster's profile."""

    field: str
    state: State = Field(description="sourced, editorial, research_gap or missing.")
    values: list[FieldValue] = Field(default_factory=list)
    sources: list[str] = Field(
        default_factory=list,
        description="The graphs behind the state: those stating the sourced (or editorial) values, or recording the gap.",
    )
    gaps: list[str] = Field(
        default_factory=list, description="IRIs of the research-gap records (cg:ResearchGap) of a research_gap field."
    )


class StateCounts(BaseModel):
    """How many cells are in each state; ``unknown`` = ``research_gap`` + ``missing``."""

    sourced: int = 0
    editorial: int = 0
    research_gap: int = 0
    missing: int = 0
    unknown: int = 0
    cells: int = 0


_COUNTS_EXAMPLE = {"sourced": 13, "editorial": 1, "research_gap": 0, "missing": 3, "unknown": 3, "cells": 17}
_SOURCE_EXAMPLE = "https://w3id.org/clustergraph/source/its-owl-organisation"
_ROW_EXAMPLE = {
    "id": "its-owl", "iri": "https://w3id.org/clustergraph/cluster/its-owl", "name": "it's OWL",
    "names": {"en": "it's OWL", "de": "it's OWL"},
    "fields": [{"field": "homepage", "state": "sourced", "sources": [_SOURCE_EXAMPLE], "gaps": [],
                "values": [{"value": "https://www.its-owl.de", "state": "sourced", "sources": [_SOURCE_EXAMPLE]}]}],
    "counts": _COUNTS_EXAMPLE,
}


class ClusterCompleteness(BaseModel):
    """One row of the table: a cluster and the state of each profile field."""

    model_config = {"json_schema_extra": {"examples": [_ROW_EXAMPLE]}}

    id: str
    iri: str
    name: str
    names: Names
    fields: list[FieldStatus]
    counts: StateCounts


class ProfileFieldInfo(BaseModel):
    """One column of the table: a profile field, where it comes from, and its counts."""

    id: str
    eccp: str | None = Field(
        description="The column of the ECCP-aligned export (/exports/eccp.csv) that carries it; null when it has none."
    )
    path: str = Field(description="The property (path) in the graph.")
    counts: StateCounts


class Completeness(BaseModel):
    """The completeness table: profile fields x clusters, with the totals."""

    model_config = {"json_schema_extra": {"examples": [{
        "states": list(STATES),
        "totals": _COUNTS_EXAMPLE,
        "fields": [{"id": "homepage", "eccp": "websites", "path": "foaf:homepage",
                    "counts": {"sourced": 1, "editorial": 0, "research_gap": 0, "missing": 0, "unknown": 0, "cells": 1}}],
        "data": [_ROW_EXAMPLE],
        "count": 1,
    }]}}

    states: list[str] = Field(default_factory=lambda: list(STATES))
    totals: StateCounts
    fields: list[ProfileFieldInfo]
    data: list[ClusterCompleteness]
    count: int = Field(description="Number of clusters (rows).")


# ---------------------------------------------------------------- computing it


@read
def completeness(cat: Catalog, cluster: str | None = None) -> Completeness:
    """The state of every profile field of every cluster (or of the cluster with id ``cluster``).

    Rows are ordered by display name, then IRI; cells in the order of ``FIELDS``.
    Raises ``NotFound`` for an unknown cluster id, and the store's errors.
    """
    bound = {"cluster": require(cat, "cluster", cluster, CLUSTER_CLASS, "cluster")} if cluster is not None else {}
    clusters = [row["cluster"] for row in cat.select(CLUSTERS, **bound) if isinstance(row.get("cluster"), NamedNode)]
    editorial = {row["g"].value for row in cat.select(EDITORIAL_GRAPHS) if "g" in row}
    # Only the kinds below cg:Cluster say what kind of cluster it is (the query drops cg:Cluster).
    kinds = {c.value for c in cat.classes("cg:Cluster")}
    facts = _grouped(r for r in cat.select(FACTS, **bound) if r["field"].value != "kind" or r["value"].value in kinds)
    gaps = _grouped(cat.select(GAPS, **bound))
    marked = {(r["cluster"].value, r["field"].value, _key(r["value"])) for r in cat.select(MARKS, **bound)}
    names = names_of(cat, clusters)
    rows = []
    for iri in clusters:
        cells = [
            _cell(spec.key, facts.get((iri.value, spec.key), []), gaps.get((iri.value, spec.key), []), editorial,
                  lambda value, key=spec.key, iri=iri: (iri.value, key, value) in marked)
            for spec in FIELDS
        ]
        rows.append(ClusterCompleteness(
            id=cat.id_of(iri.value), iri=iri.value, name=display_name(names.get(iri.value)) or cat.id_of(iri.value),
            names=public_names(names.get(iri.value)), fields=cells, counts=_counts(c.state for c in cells),
        ))
    rows.sort(key=lambda r: (r.name.casefold(), r.iri))
    columns = [
        ProfileFieldInfo(id=spec.key, eccp=spec.eccp, path=spec.path, counts=_counts(r.fields[i].state for r in rows))
        for i, spec in enumerate(FIELDS)
    ]
    return Completeness(
        totals=_counts(c.state for r in rows for c in r.fields), fields=columns, data=rows, count=len(rows)
    )


def _key(term) -> str:
    # Literals compare by text and language or datatype (str() is their N-Triples form).
    return str(term)


def _grouped(rows: Iterable[Row]) -> dict[tuple[str, str], list[Row]]:
    out: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if "cluster" in row and "field" in row:
            out[(row["cluster"].value, row["field"].value)].append(row)
    return out


def _cell(key: str, facts: list[Row], gaps: list[Row], editorial: set[str], is_marked) -> FieldStatus:
    """The state of one field from its fact rows (with their graphs), gap rows and marks."""
    values: dict[str, dict[str, set[str]]] = {}  # value text -> {"sourced"/"editorial": graphs}
    for row in facts:
        graphs = {row[g].value for g in ("g1", "g2") if g in row}
        own = bool(graphs & editorial) or is_marked(_key(row["value"]))
        # A fact reached in two steps is a source's only when every step is.
        state = "editorial" if own else "sourced"
        values.setdefault(row["value"].value, {}).setdefault(state, set()).update(graphs)
    listed = []
    for value, by_state in sorted(values.items()):
        state = "sourced" if "sourced" in by_state else "editorial"
        listed.append(FieldValue(value=value, state=state, sources=sorted(by_state[state])))
    for state in ("sourced", "editorial"):
        chosen = [v for v in listed if v.state == state]
        if chosen:
            return FieldStatus(field=key, state=state, values=listed, sources=sorted({s for v in chosen for s in v.sources}))
    if gaps:
        return FieldStatus(
            field=key,
            state="research_gap",
            sources=sorted({row["g1"].value for row in gaps if "g1" in row}),
            gaps=sorted({row["gap"].value for row in gaps if "gap" in row}),
        )
    return FieldStatus(field=key, state="missing")


def _counts(states: Iterable[str]) -> StateCounts:
    counts = {state: 0 for state in STATES}
    for state in states:
        counts[state] += 1
    total = sum(counts.values())
    return StateCounts(**counts, unknown=counts["research_gap"] + counts["missing"], cells=total)


__all__ = ["FIELDS", "FIELD_KEYS", "STATES", "Completeness", "completeness"]


# ---------------------------------------------------------------- as text, for the command line

TEXT_MARKS = {"sourced": "S", "editorial": "E", "research_gap": "G", "missing": "."}


def as_text(table: Completeness) -> str:
    """The table for a terminal: one line per cluster, one numbered column per field, then
    the key to the columns and marks and the totals."""
    width = max([len(row.id) for row in table.data] + [len("cluster")])
    head = "cluster".ljust(width) + "".join(f"{i:>3}" for i in range(1, len(FIELDS) + 1)) + "  sourced"
    lines = [head]
    for row in table.data:
        marks = "".join(f"{TEXT_MARKS[cell.state]:>3}" for cell in row.fields)
        lines.append(f"{row.id.ljust(width)}{marks}  {row.counts.sourced}/{row.counts.cells}")
    lines.append("")
    lines.append("fields: " + ", ".join(f"{i} {spec.key}" for i, spec in enumerate(FIELDS, 1)))
    lines.append("marks: S from a source, E editorial only, G searched and not found (research gap), . not in the graph")
    t = table.totals
    lines.append(
        f"{t.sourced} of {t.cells} profile fields known from sources, {t.editorial} editorial, {t.unknown} unknown "
        f"({t.research_gap} searched and not found, {t.missing} not in the graph)"
    )
    return "\n".join(lines)

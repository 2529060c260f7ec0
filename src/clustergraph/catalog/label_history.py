"""The label history of every cluster: its cluster-management label awards with the pages
that state them, or the record that they were searched for and not found.

Every cluster of the graph gets one row, so a reader sees at a glance which clusters have a
sourced award, which were searched without result (``cg:ResearchGap`` in the editorial
graph ``source:research-gaps``: where, with which queries, when) and which were not
searched at all. A search that found nothing is the editors' statement about the search,
never a statement that the cluster holds no label.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from pyoxigraph import NamedNode

from clustergraph.catalog.common import facts, first_text, iris, names_of, public_names, refs, sorted_refs
from clustergraph.catalog.labels import awards
from clustergraph.catalog.models import BASE, LabelAward, Names, Ref, Source, _example
from clustergraph.catalog.query import Catalog, cg_local, text, typed, with_values
from clustergraph.catalog.reads import read
from clustergraph.catalog.sources import sources

Status = Literal["awarded", "searched", "not-searched"]

CLUSTERS = f"SELECT DISTINCT ?c WHERE {{ {typed('c', 'cg:Cluster')} }}"

# The awards of each cluster.
AWARDS = """
SELECT ?c ?a WHERE {
  #VALUES#
  ?c cg:label ?a .
}
"""

# The searches recorded about each cluster or about one of its awards.
GAPS = """
SELECT DISTINCT ?c ?gap WHERE {
  #VALUES#
  ?gap a cg:ResearchGap .
  { ?gap cg:gapSubject ?c } UNION { ?c cg:label ?award . ?gap cg:gapSubject ?award }
}
"""

GAP_FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s cg:gapSubject ?o BIND("subject" AS ?key) }
  UNION { ?s cg:soughtProperty ?o BIND("sought" AS ?key) }
  UNION { ?s cg:searchedIn ?o BIND("searched_in" AS ?key) }
  UNION { ?s cg:searchQuery ?o BIND("query" AS ?key) }
  UNION { ?s cg:searchDate ?o BIND("date" AS ?key) }
}
"""

class AwardWithPages(LabelAward):
    """A label award with its sources described: for a web page its address and when it was read."""

    pages: list[Source] = Field(default_factory=list)


class LabelSearch(BaseModel):
    """A recorded search that did not find what it looked for (a ``cg:ResearchGap``)."""

    model_config = _example(
        id="labels-chemie-nrw",
        iri=f"{BASE}research-gap/labels-chemie-nrw",
        name="Label awards of Chemie.NRW: searched, not found",
        subject={"id": "chemie-nrw", "iri": f"{BASE}cluster/chemie-nrw", "kind": "cluster", "name": "Chemie.NRW"},
        sought=["label"],
        searched_in=["https://www.cluster-analysis.org/benchmarked-clusters"],
        queries=["Chemie.NRW Cluster Label ECEI Bronze VCI NRW Clustermanagement"],
        date="2026-12-05",
    )

    id: str
    iri: str
    name: str | None = None
    subject: Ref | None = Field(default=None, description="The cluster or label award the search was about.")
    sought: list[str] = Field(default_factory=list, description="The properties searched for (cg: local names).")
    searched_in: list[str] = Field(default_factory=list, description="Addresses of the lists and pages read.")
    queries: list[str] = Field(default_factory=list, description="The search queries that were run.")
    date: str | None = Field(default=None, description="When the search was made.")


class ClusterLabels(BaseModel):
    """One row of the label table: a cluster, its awards and the searches recorded about it."""

    model_config = _example(
        cluster={"id": "chemie-nrw", "iri": f"{BASE}cluster/chemie-nrw", "kind": "cluster", "name": "Chemie.NRW"},
        names={"en": None, "de": "Landescluster Chemie.NRW"},
        status="searched",
        awards=[],
        searches=[LabelSearch.model_config["json_schema_extra"]["examples"][0]],
    )

    cluster: Ref
    names: Names = Field(default_factory=Names, description="The cluster's names in English and German.")
    status: Status = Field(
        description="awarded (at least one sourced award), searched (none found, the search is recorded) "
        "or not-searched (neither)."
    )
    awards: list[AwardWithPages] = Field(default_factory=list)
    searches: list[LabelSearch] = Field(default_factory=list)


class LinkedNames(BaseModel):
    """A resource the table links, with its names by language (so a page can say which language it shows)."""

    iri: str
    names: Names


class LabelTable(BaseModel):
    """The label history of every cluster, by cluster name."""

    data: list[ClusterLabels]
    count: int = Field(description="Number of clusters.")
    awarded: int = Field(description="Clusters with at least one sourced award.")
    searched: int = Field(description="Clusters without an award whose search is recorded.")
    not_searched: int = Field(description="Clusters with neither.")
    linked: list[LinkedNames] = Field(
        default_factory=list, description="Names in English and German of the awarding bodies and sources the rows link."
    )


@read
def label_table(cat: Catalog) -> LabelTable:
    """Every cluster with its label awards (and their pages) or its recorded searches."""
    cluster_iris = [row["c"] for row in cat.select(CLUSTERS) if isinstance(row.get("c"), NamedNode)]
    clusters = sorted_refs(refs(cat, cluster_iris).values())
    names = names_of(cat, cluster_iris)
    by_iri = {c.iri: NamedNode(c.iri) for c in clusters}
    award_rows = cat.select(with_values(AWARDS, "c", by_iri.values())) if by_iri else []
    gap_rows = cat.select(with_values(GAPS, "c", by_iri.values())) if by_iri else []
    award_iris = list({row["a"].value: row["a"] for row in award_rows}.values())
    found = {a.iri: a for a in _with_pages(cat, awards(cat, award_iris))}
    searches = {s.iri: s for s in _searches(cat, list({row["gap"].value: row["gap"] for row in gap_rows}.values()))}
    rows = []
    for cluster in clusters:
        mine = sorted(
            (found[row["a"].value] for row in award_rows if row["c"].value == cluster.iri),
            key=lambda a: (a.award_date or "~", a.iri),  # dated first, oldest first; undated after
        )
        looked = sorted((searches[row["gap"].value] for row in gap_rows if row["c"].value == cluster.iri), key=lambda s: s.iri)
        status: Status = "awarded" if mine else "searched" if any("label" in s.sought for s in looked) else "not-searched"
        rows.append(
            ClusterLabels(
                cluster=cluster, names=public_names(names.get(cluster.iri)), status=status, awards=mine, searches=looked
            )
        )
    linked = {t.iri: NamedNode(t.iri) for a in found.values() for t in (*a.awarded_by, *a.pages)}
    return LabelTable(
        linked=[LinkedNames(iri=iri, names=public_names(n)) for iri, n in sorted(names_of(cat, linked.values()).items())],
        data=rows,
        count=len(rows),
        awarded=sum(r.status == "awarded" for r in rows),
        searched=sum(r.status == "searched" for r in rows),
        not_searched=sum(r.status == "not-searched" for r in rows),
    )


def _with_pages(cat: Catalog, found: list[LabelAward]) -> list[AwardWithPages]:
    """The awards with their sources described (address, access date, editorial or not)."""
    graphs = list({s.iri: NamedNode(s.iri) for a in found for s in a.sources}.values())
    described = {source.iri: source for source in sources(cat, graphs)}
    return [
        AwardWithPages(**award.model_dump(), pages=[described[s.iri] for s in award.sources if s.iri in described])
        for award in found
    ]


def _searches(cat: Catalog, gap_iris: list[NamedNode]) -> list[LabelSearch]:
    values = facts(cat, GAP_FACTS, gap_iris)
    subjects = refs(cat, [*gap_iris, *(t for v in values.values() for t in iris(v, "subject"))])
    out = []
    for gap in gap_iris:
        v = values.get(gap.value, {})
        subject = iris(v, "subject")
        out.append(
            LabelSearch(
                id=cat.id_of(gap.value),
                iri=gap.value,
                name=subjects[gap.value].name,
                subject=subjects[subject[0].value] if subject else None,
                sought=sorted(cg_local(t.value) or t.value for t in iris(v, "sought")),
                searched_in=[t.value for t in iris(v, "searched_in")],
                queries=[q for t in v.get("query", []) if (q := text(t)) is not None],
                date=first_text(v, "date"),
            )
        )
    return out

"""The label table (catalog.label_history): every cluster either has a sourced label award,
each award's page named by one address with the date it was read, or a recorded search
(where, with which queries, when); and the research gaps that record searches are guarded
by the shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from clustergraph.catalog import Catalog
from clustergraph.catalog.label_history import label_table
from clustergraph.formats import lookup
from clustergraph.loading.parse import parse_bytes
from clustergraph.loading.validation import Change
from clustergraph.namespaces import CG
from clustergraph.settings import DEFAULT_BASE_IRI

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_FILES = sorted(p.stem for p in (ROOT / "data" / "clusters").glob("*.trig"))
RESEARCH_GAPS = NamedNode(f"{DEFAULT_BASE_IRI}source/research-gaps")
XSD_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")

SOURCE_URLS = "SELECT DISTINCT ?g ?url WHERE { ?g <https://schema.org/url> ?url }"
COUNT_CLUSTERS = """
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* cg:Cluster }
"""


def test_the_table_has_one_row_per_cluster_of_the_graph(cat: Catalog) -> None:
    table = label_table(cat)
    in_graph = int(next(iter(cat.store.query(COUNT_CLUSTERS)))["n"].value)
    ids = [row.cluster.id for row in table.data]
    assert len(ids) == len(set(ids)) == table.count == in_graph
    # the bundled data: the 23 clusters of the report, one file each
    assert sorted(ids) == CLUSTER_FILES
    assert table.awarded + table.searched + table.not_searched == table.count


def test_every_cluster_has_an_award_or_a_recorded_search(cat: Catalog) -> None:
    table = label_table(cat)
    problems = []
    for row in table.data:
        if row.status == "awarded":
            if not row.awards:
                problems.append(f"{row.cluster.id}: awarded without award")
            continue
        label_searches = [s for s in row.searches if "label" in s.sought]
        if row.status != "searched" or not label_searches:
            problems.append(f"{row.cluster.id}: {row.status}, neither award nor search")
            continue
        for search in label_searches:
            if search.date is None or not search.searched_in:
                problems.append(f"{row.cluster.id}: search without date or place")
            if not all(place.startswith(("https://", "http://")) for place in search.searched_in):
                problems.append(f"{row.cluster.id}: a searched place is not a web address")
    assert problems == []
    assert table.not_searched == 0


def test_each_award_is_stated_on_a_page_with_one_address_and_an_access_date(cat: Catalog) -> None:
    table = label_table(cat)
    found = [award for row in table.data for award in row.awards]
    assert found, "the bundled data holds label awards (it's OWL's Gold labels)"
    problems = []
    for award in found:
        if {s.iri for s in award.sources} != {p.iri for p in award.pages}:
            problems.append(f"{award.id}: a source of the award is not described")
        web = [page for page in award.pages if not page.editorial]
        if not web:
            problems.append(f"{award.id}: stated by no page")
        for page in web:
            # the catalogue shows one address; the graph must not hold a second one it hides
            addresses = list(cat.store.query(SOURCE_URLS, substitutions={"g": NamedNode(page.iri)}))
            if page.url is None or len(addresses) != 1:
                problems.append(f"{award.id}: {page.id} names {len(addresses)} addresses")
            if page.accessed is None:
                problems.append(f"{award.id}: {page.id} has no access date")
    assert problems == []


def test_searches_about_an_award_show_in_its_clusters_row(cat: Catalog) -> None:
    row = next(r for r in label_table(cat).data if r.cluster.id == "its-owl")
    assert row.status == "awarded"
    about_awards = {s.subject.id: s.sought for s in row.searches if s.subject is not None}
    award_ids = {a.id for a in row.awards}
    # every recorded search of this row is about the cluster or one of its awards
    assert set(about_awards) <= award_ids | {"its-owl"}
    undated = [a.id for a in row.awards if a.award_date is None]
    assert all("awardDate" in about_awards.get(a, []) for a in undated)


def test_the_status_follows_the_data(cat: Catalog) -> None:
    """Dropping a cluster's search record makes it not-searched; adding an award makes it awarded."""
    before = {r.cluster.id: r.status for r in label_table(cat).data}
    assert before["chemie-nrw"] == "searched"
    gap = NamedNode(f"{DEFAULT_BASE_IRI}research-gap/labels-chemie-nrw")
    stated = list(cat.store.quads(subject=gap, graph=RESEARCH_GAPS))
    assert stated
    cat.store.apply(remove=stated)
    assert {r.cluster.id: r.status for r in label_table(cat).data}["chemie-nrw"] == "not-searched"

    award = NamedNode(f"{DEFAULT_BASE_IRI}label/chemie-nrw-test")
    graph = NamedNode(f"{DEFAULT_BASE_IRI}source/test-page")
    cluster = NamedNode(f"{DEFAULT_BASE_IRI}cluster/chemie-nrw")
    cat.store.apply(add=[
        Quad(cluster, NamedNode(str(CG.label)), award, graph),
        Quad(award, NamedNode(str(CG.labelLevel)), NamedNode(str(CG.Silver)), graph),
    ])
    row = next(r for r in label_table(cat).data if r.cluster.id == "chemie-nrw")
    assert row.status == "awarded"
    assert [(a.id, a.level) for a in row.awards] == [("chemie-nrw-test", "silver")]


def _gap_quads(trig: str) -> list[Quad]:
    prefixes = (
        "@prefix cg: <https://w3id.org/clustergraph/ontology/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix cluster: <cluster/> .\n@prefix research-gap: <research-gap/> .\n@prefix source: <source/> .\n"
    )
    return parse_bytes((prefixes + trig).encode(), lookup("trig"), base_iri=DEFAULT_BASE_IRI, name="gap.trig")


GOOD = """GRAPH source:research-gaps {
  research-gap:labels-test a cg:ResearchGap ; cg:gapSubject cluster:chemie-nrw ; cg:soughtProperty cg:label ;
    cg:searchedIn <https://eucles.be/> ; cg:searchQuery "x" ; cg:searchDate "2026-12-05"^^xsd:date . }"""


@pytest.mark.parametrize(
    ("trig", "message"),
    [
        (GOOD.replace("GRAPH source:research-gaps", "GRAPH source:editorial"), "source:research-gaps"),
        (GOOD.replace(' ; cg:searchDate "2026-12-05"^^xsd:date', ""), "cg:searchDate"),
        (GOOD.replace('"2026-12-05"^^xsd:date', '"yesterday"'), "cg:searchDate"),
        (GOOD.replace("cg:searchedIn <https://eucles.be/> ;", ""), "cg:searchedIn"),
        (GOOD.replace("cg:gapSubject cluster:chemie-nrw ;", ""), "cg:gapSubject"),
        (GOOD.replace("research-gap:labels-test", "<gap/labels-test>"), "research-gap/{slug}"),
    ],
)
def test_a_broken_research_gap_is_refused(store, shacl_gate, trig: str, message: str) -> None:
    assert not shacl_gate.check(store, Change(add=_gap_quads(GOOD))).violations
    violations = shacl_gate.check(store, Change(add=_gap_quads(trig))).violations
    assert any(message in v.message for v in violations), [v.message for v in violations]


def test_every_bundled_search_record_is_dated_and_in_the_research_gaps_graph(store) -> None:
    # named graphs only: the store also keeps their merge as its default graph
    dates = [q for q in store.quads(predicate=NamedNode(str(CG.searchDate))) if not isinstance(q.graph_name, DefaultGraph)]
    assert len(dates) >= 22
    assert {q.graph_name for q in dates} == {RESEARCH_GAPS}
    assert all(isinstance(q.object, Literal) and q.object.datatype == XSD_DATE for q in dates)

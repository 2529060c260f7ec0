"""Provenance a reader can check: every fact sits in the graph of one page (with the date it
was read) or one section of the seed report, and editorial acts are in the editorial graphs.

The checks read the bundled data through the project's loader (``read_inputs``) and are
shown to fail on the small bad inputs in ``tests/fixtures/provenance/`` and
``tests/fixtures/broken/``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from clustergraph.loading.loader import bundled_inputs, read_inputs
from clustergraph.settings import Settings

BASE = "https://w3id.org/clustergraph/"
CG = "https://w3id.org/clustergraph/ontology/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SCHEMA_URL = NamedNode("https://schema.org/url")
ACCESSED = NamedNode(CG + "accessed")
SECTION = NamedNode(CG + "section")
SOURCE_DOCUMENT = NamedNode(CG + "sourceDocument")
IS_PART_OF = NamedNode(DCT + "isPartOf")
EDITORIAL_SOURCE = NamedNode(CG + "EditorialSource")
RETRIEVED_SOURCE = NamedNode(CG + "RetrievedSource")
TRANSLATION = NamedNode(CG + "projectTranslation")
EDITORIAL_NOTE = NamedNode(SKOS + "editorialNote")
DERIVED_FROM = NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
# The editors' English summaries of what a source states (many sources are German).
SUMMARIES = {NamedNode(DCT + "description"), NamedNode(SKOS + "note")}
SUMMARY_GRAPH = BASE + "source/summary-of-"
CONCEPT_SCHEME = NamedNode(SKOS + "ConceptScheme")
PLACE = NamedNode("https://schema.org/Place")
NAMES = {NamedNode(SKOS + "prefLabel"), NamedNode(SKOS + "altLabel"), NamedNode(CG + "shortName"), NamedNode(DCT + "title")}
CATALOGUE = NamedNode(BASE + "source/catalogue")
SEED = NamedNode(BASE + "source/seed-report-2022")
NUTS = "http://data.europa.eu/nuts/code/"

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read(extra: tuple[Path, ...] = ()) -> list[Quad]:
    """The bundled data (plus ``extra`` files) as the loader reads it."""
    settings = Settings(store="memory", _env_file=None)
    _files, quads = read_inputs([*bundled_inputs(settings), *extra], base_iri=settings.base_iri)
    return quads


def _by_subject(quads: list[Quad], graph: NamedNode | None = None) -> dict[NamedNode, dict[NamedNode, list]]:
    table: dict = defaultdict(lambda: defaultdict(list))
    for q in quads:
        if graph is None or q.graph_name == graph:
            table[q.subject][q.predicate].append(q.object)
    return table


def described_sources(quads: list[Quad]) -> dict[NamedNode, dict[NamedNode, list]]:
    """Every resource that has a ``schema:url`` or is described in the catalogue."""
    table = _by_subject(quads, CATALOGUE)
    for subject, props in _by_subject(quads).items():
        if SCHEMA_URL in props:
            table[subject] = props
    return table


def _one_page(props: dict) -> bool:
    return len(props.get(SCHEMA_URL, [])) == 1 and len(props.get(ACCESSED, [])) == 1


def _one_section(props: dict) -> bool:
    return props.get(IS_PART_OF) == [SEED] and len(props.get(SECTION, [])) == 1


def locator_problems(quads: list[Quad]) -> list[str]:
    """Graphs holding facts that are not one page with its access date, one section of the
    seed report, the seed report itself, an editorial graph or a retrieval; and web sources
    without exactly one address and one access date."""
    sources = described_sources(quads)
    problems: list[str] = []
    graphs = {q.graph_name for q in quads if not isinstance(q.graph_name, DefaultGraph)} - {CATALOGUE}
    for graph in sorted(graphs, key=str):
        props = sources.get(graph, {})
        kinds = [
            _one_page(props),
            _one_section(props),
            len(props.get(SOURCE_DOCUMENT, [])) == 1,
            EDITORIAL_SOURCE in props.get(RDF_TYPE, []),
            RETRIEVED_SOURCE in props.get(RDF_TYPE, []),
        ]
        if sum(kinds) != 1:
            problems.append(f"{graph.value}: not exactly one page with its access date, or one section")
    for subject, props in sources.items():
        if SCHEMA_URL in props and (len(props[SCHEMA_URL]) != 1 or len(props.get(ACCESSED, [])) != 1):
            problems.append(f"{subject.value}: a web source needs one address and one access date")
    return sorted(set(problems))


def unmarked_editorial_facts(quads: list[Quad]) -> list[str]:
    """Editorial acts sitting in a source graph: translations, editors' notes, the editors'
    summaries, corrected typos, names of concept schemes, and the region a city lies in."""
    sources = _by_subject(quads, CATALOGUE)
    editorial = {g for g, props in sources.items() if EDITORIAL_SOURCE in props.get(RDF_TYPE, [])}
    schemes = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object == CONCEPT_SCHEME}
    places = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object == PLACE}
    translations = {(q.subject, q.object) for q in quads if q.predicate == TRANSLATION}
    # A reading the editors give next to their note (e.g. AI.NRW for the report's Al.NRW).
    noted = {q.subject for q in quads if q.graph_name in editorial and q.predicate == EDITORIAL_NOTE}
    readings = {(q.subject, q.object.value) for q in quads
                if q.graph_name in editorial and q.subject in noted and q.predicate in NAMES and isinstance(q.object, Literal)}
    seed_sections = {g for g, props in sources.items() if props.get(IS_PART_OF) == [SEED]} | {SEED}
    found: list[str] = []
    for q in quads:
        if isinstance(q.graph_name, DefaultGraph) or q.graph_name in editorial or q.graph_name == CATALOGUE:
            continue
        where = f"{q.subject.value} {q.predicate.value} in {q.graph_name.value}"
        if q.predicate in (TRANSLATION, EDITORIAL_NOTE):
            found.append(f"editors' mark outside the editorial graph: {where}")
        elif q.predicate in SUMMARIES:
            found.append(f"an editors' summary in a source graph: {where}")
        elif q.predicate in NAMES and (q.subject, q.object) in translations:
            found.append(f"a translation stated as a source's name: {where}")
        elif q.predicate in NAMES and q.subject in schemes:
            found.append(f"a concept-scheme name the editors coined: {where}")
        elif q.subject in places and q.predicate == IS_PART_OF and isinstance(q.object, NamedNode) and q.object.value.startswith(NUTS):
            found.append(f"a region the page does not state: {where}")
        elif (q.graph_name in seed_sections and q.predicate in NAMES and isinstance(q.object, Literal)
              and any(s == q.subject and reading in q.object.value for s, reading in readings)):
            found.append(f"the editors' reading inside the report's graph: {where}")
    return found


def summary_problems(quads: list[Quad]) -> list[str]:
    """Summary graphs (``source:summary-of-{slug}``) that do not lead to the one page or
    section they summarise: not editorial, not derived from exactly ``source:{slug}``, that
    source not one page with its access date or one section, or holding more than summaries."""
    sources = described_sources(quads)
    problems: list[str] = []
    graphs = {q.graph_name for q in quads if isinstance(q.graph_name, NamedNode) and q.graph_name.value.startswith(SUMMARY_GRAPH)}
    for graph in sorted(graphs, key=str):
        props = sources.get(graph, {})
        page = NamedNode(BASE + "source/" + graph.value.removeprefix(SUMMARY_GRAPH))
        of = sources.get(page, {})
        if EDITORIAL_SOURCE not in props.get(RDF_TYPE, []):
            problems.append(f"{graph.value}: a summary graph is not an editorial source")
        if props.get(DERIVED_FROM) != [page]:
            problems.append(f"{graph.value}: a summary graph is derived from exactly the source it is named after")
        if not (_one_page(of) or _one_section(of)):
            problems.append(f"{graph.value}: the summarised source is not one page with its access date or one section")
        for q in quads:
            if q.graph_name == graph and q.predicate not in SUMMARIES:
                problems.append(f"{graph.value}: a summary graph holds only summaries, not {q.predicate.value}")
    return sorted(set(problems))


def test_every_fact_sits_in_one_page_with_its_access_date_or_one_section() -> None:
    assert locator_problems(read()) == []


def test_the_locator_check_catches_bundles_and_unplaced_sections() -> None:
    problems = locator_problems(read((FIXTURES / "provenance" / "graph-without-one-locator.trig",)))
    assert any(p.startswith(BASE + "source/bundle:") for p in problems)
    assert any("source/seed-report-2022-somewhere:" in p for p in problems)
    assert any("source/bundle: a web source needs one address" in p for p in problems)


@pytest.mark.parametrize("fixture", ["web-source-without-access-date.trig", "web-source-two-addresses.trig"])
def test_the_locator_check_catches_the_broken_web_sources(fixture: str) -> None:
    problems = locator_problems(read((FIXTURES / "broken" / fixture,)))
    assert any("a web source needs one address and one access date" in p for p in problems), problems


def test_editorial_acts_in_the_bundled_data_carry_their_mark() -> None:
    assert unmarked_editorial_facts(read()) == []


def test_the_editorial_check_catches_each_kind_of_unmarked_act() -> None:
    found = unmarked_editorial_facts(read((FIXTURES / "provenance" / "editorial-facts-unmarked.trig",)))
    for kind, graph in [
        ("editors' mark outside the editorial graph", "source/medizin-nrw-ueber-uns"),
        ("a translation stated as a source's name", "source/medizin-nrw-ueber-uns"),
        ("the editors' reading inside the report's graph", "source/seed-report-2022-s2"),
        ("a concept-scheme name the editors coined", "source/eccp-typology"),
        ("a region the page does not state", "source/rudolf-henke-h2-2020"),
        ("editors' mark outside the editorial graph", "source/amo-neurosys-2022"),
        ("an editors' summary in a source graph", "source/medizin-nrw-ueber-uns"),
        ("an editors' summary in a source graph", "source/seed-report-2022-s1-3"),
    ]:
        assert any(f.startswith(kind) and f.endswith(BASE + graph) for f in found), (kind, found)


def test_every_summary_leads_to_the_one_page_or_section_it_summarises() -> None:
    quads = read()
    assert summary_problems(quads) == []
    summaries = [q for q in quads if q.predicate in SUMMARIES and q.graph_name != CATALOGUE]
    in_summary_graphs = [q for q in summaries if q.graph_name.value.startswith(SUMMARY_GRAPH)]
    # Only the research-gaps graph speaks for the editors themselves; every other
    # description or note summarises one source.
    others = {q.graph_name.value for q in summaries} - {q.graph_name.value for q in in_summary_graphs}
    assert in_summary_graphs and others <= {BASE + "source/research-gaps"}, others


def test_the_summary_check_catches_graphs_without_their_one_source() -> None:
    problems = summary_problems(read((FIXTURES / "provenance" / "summary-graphs-without-their-source.trig",)))
    for graph, kind in [
        ("summary-of-nowhere", "not an editorial source"),
        ("summary-of-nowhere", "derived from exactly the source it is named after"),
        ("summary-of-nowhere", "not one page with its access date or one section"),
        ("summary-of-medizin-nrw-ueber-uns", "derived from exactly the source it is named after"),
        ("summary-of-medizin-nrw-ueber-uns", "holds only summaries"),
    ]:
        assert any(p.startswith(f"{BASE}source/{graph}:") and kind in p for p in problems), (graph, kind, problems)


def test_the_report_keeps_its_own_spelling_and_the_reading_is_editorial() -> None:
    quads = read()
    ki = NamedNode(BASE + "cluster/ki-nrw")
    alt = NamedNode(SKOS + "altLabel")
    in_s2 = {q.object.value for q in quads if q.subject == ki and q.predicate == alt and q.graph_name == NamedNode(BASE + "source/seed-report-2022-s2")}
    in_editorial = {q.object.value for q in quads if q.subject == ki and q.predicate == alt and q.graph_name == NamedNode(BASE + "source/editorial")}
    assert "Al.NRW" in in_s2 and "AI.NRW" not in in_s2
    assert "AI.NRW" in in_editorial

"""When a source's data was last modified: the rule the OAI-PMH datestamps and the release date follow."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from clustergraph.exports.sources import EPOCH, SourceFacts, data_modified, modification_dates, parse_date, read_sources

BASE = "https://w3id.org/clustergraph/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(("value", "datatype", "expected"), [
    ("2021-10-26", "date", utc(2021, 10, 26)),
    ("2016-09", "gYearMonth", utc(2016, 9, 1)),
    ("2012", "gYear", utc(2012, 1, 1)),
    ("2024-05-01T10:30:00Z", "dateTime", utc(2024, 5, 1, 10, 30)),
    ("2024-05-01T12:30:00+02:00", "dateTime", utc(2024, 5, 1, 10, 30)),
    ("2024-05-01T08:30:00.250-02:00", "dateTime", utc(2024, 5, 1, 10, 30)),
    ("2024-02-30", "date", None),
    ("last spring", "string", None),
])
def test_dates_of_every_kind_count_from_their_first_moment_in_utc(value, datatype, expected) -> None:
    assert parse_date(Literal(value, datatype=NamedNode(XSD + datatype))) == expected


def test_a_source_takes_its_latest_own_date_else_its_parent_s_else_what_it_is_derived_from() -> None:
    sources = {
        "report": SourceFacts("report", document_dates=(utc(2022, 1, 1),)),
        "section": SourceFacts("section", part_of=("report",)),
        "page": SourceFacts("page", dates=(utc(2019, 11, 22), utc(2024, 5, 1, 10, 30))),
        "editorial": SourceFacts("editorial", derived_from=("section",)),
        "undated": SourceFacts("undated"),
        "loop": SourceFacts("loop", part_of=("loop",)),
    }
    dates = modification_dates(sources)
    assert dates["report"] == dates["section"] == dates["editorial"] == utc(2022, 1, 1)
    assert dates["page"] == utc(2024, 5, 1, 10, 30)
    assert dates["undated"] == dates["loop"] == utc(2024, 5, 1, 10, 30)  # the latest date of the dataset
    assert modification_dates({"alone": SourceFacts("alone")}) == {"alone": EPOCH}


def test_the_bundled_sources_have_their_dates_and_sizes(store) -> None:
    sources = read_sources(store, BASE)
    graphs = {g.value for g in store.named_graphs()} - {"https://w3id.org/clustergraph/ontology"}
    assert set(sources) == graphs
    news = sources[f"{BASE}source/its-owl-news-2022-02-28"]
    assert (news.kind, news.modified, news.triples) == ("web", utc(2026, 12, 5), 8)  # read (cg:accessed) after its own date
    assert sources[f"{BASE}source/seed-report-2022-s2"].kind == "report"
    assert sources[f"{BASE}source/editorial"].kind == "editorial"
    assert data_modified(sources.values()) == utc(2026, 12, 5)


def test_dct_modified_on_a_source_moves_its_date_and_the_dataset_s(store) -> None:
    source = NamedNode(f"{BASE}source/its-owl-news-2022-02-28")
    modified = Literal("2027-03-04T05:06:07Z", datatype=NamedNode(XSD + "dateTime"))
    store.apply(add=[Quad(source, NamedNode("http://purl.org/dc/terms/modified"), modified,
                          NamedNode(f"{BASE}source/catalogue"))])
    sources = read_sources(store, BASE)
    assert sources[source.value].modified == utc(2027, 3, 4, 5, 6, 7)
    assert data_modified(sources.values()) == utc(2027, 3, 4, 5, 6, 7)

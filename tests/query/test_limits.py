"""Row and size caps: answers are cut at max_rows in every format and stay valid; oversize answers are refused."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QueryResultsFormat, RdfFormat, Store, parse, parse_query_results

from clustergraph import formats
from clustergraph.query.limits import ResultLimits, ResultTooLarge, serialize_solutions, serialize_triples

EX = "http://example.org/"
ROWS = 50
SELECT = f"SELECT ?s ?label WHERE {{ ?s <{EX}label> ?label }} ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT {{ ?s <{EX}label> ?label }} WHERE {{ ?s <{EX}label> ?label }}"
RESULTS = {"json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML, "tsv": QueryResultsFormat.TSV}


@pytest.fixture(scope="module")
def engine() -> Store:
    store = Store()
    # Values with markup, quotes, tabs and newlines: they must not be taken for row boundaries.
    store.extend(
        Quad(NamedNode(f"{EX}s{i:03}"), NamedNode(f"{EX}label"), Literal(f'<result>"{i}"\t\n}},{{"x"', language="en"))
        for i in range(ROWS)
    )
    return store


def rows_of(body: bytes, name: str) -> list[tuple[str, str]]:
    if name == "csv":
        import csv
        import io

        return [tuple(r) for r in csv.reader(io.StringIO(body.decode(), newline=""))][1:]
    return [(r["s"].value, r["label"].value) for r in parse_query_results(body, format=RESULTS[name])]


def expected(engine: Store, n: int) -> list[tuple[str, str]]:
    return [(r["s"].value, r["label"].value) for r in engine.query(SELECT)][:n]


@pytest.mark.parametrize("name", ["json", "xml", "tsv", "csv"])
@pytest.mark.parametrize("cap", [1, 7, ROWS - 1])
def test_a_select_over_the_row_cap_is_cut_to_the_first_rows_and_stays_valid(engine: Store, name: str, cap: int) -> None:
    out = serialize_solutions(engine.query(SELECT), formats.lookup(name), ResultLimits(cap, 10_000_000))

    assert out.truncated
    assert rows_of(out.body, name) == expected(engine, cap)


@pytest.mark.parametrize("name", ["json", "xml", "tsv", "csv"])
@pytest.mark.parametrize("cap", [ROWS, ROWS + 1, 100_000])
def test_a_select_within_the_row_cap_is_whole(engine: Store, name: str, cap: int) -> None:
    out = serialize_solutions(engine.query(SELECT), formats.lookup(name), ResultLimits(cap, 10_000_000))

    assert not out.truncated
    assert rows_of(out.body, name) == expected(engine, ROWS)


def test_a_select_over_the_size_cap_is_refused(engine: Store) -> None:
    with pytest.raises(ResultTooLarge) as refused:
        serialize_solutions(engine.query(SELECT), formats.lookup("json"), ResultLimits(100_000, 500))
    assert refused.value.http_status == 507


@pytest.mark.parametrize(
    ("name", "rdf"), [("ntriples", RdfFormat.N_TRIPLES), ("turtle", RdfFormat.TURTLE), ("nquads", RdfFormat.N_QUADS)]
)
def test_a_construct_over_the_row_cap_is_cut_to_that_many_triples(engine: Store, name: str, rdf: RdfFormat) -> None:
    out = serialize_triples(engine.query(CONSTRUCT), formats.lookup(name), ResultLimits(10, 10_000_000))

    assert out.truncated and out.rows == 10
    assert len(list(parse(out.body, format=rdf))) == 10


def test_a_construct_within_the_caps_is_whole(engine: Store) -> None:
    out = serialize_triples(
        engine.query(CONSTRUCT), formats.lookup("turtle"), ResultLimits(ROWS, 10_000_000), prefixes={"ex": EX}
    )

    assert not out.truncated
    assert len(list(parse(out.body, format=RdfFormat.TURTLE))) == ROWS
    assert b"@prefix ex:" in out.body


def test_a_construct_over_the_size_cap_is_refused(engine: Store) -> None:
    with pytest.raises(ResultTooLarge):
        serialize_triples(engine.query(CONSTRUCT), formats.lookup("ntriples"), ResultLimits(100_000, 1000))


@pytest.mark.parametrize("name", ["json", "xml"])
def test_an_answer_too_large_in_whole_is_served_cut_when_the_cut_fits(engine: Store, name: str) -> None:
    whole = serialize_solutions(engine.query(SELECT), formats.lookup(name), ResultLimits(100_000, 10_000_000)).body
    limits = ResultLimits(3, len(whole) // 2)

    out = serialize_solutions(engine.query(SELECT), formats.lookup(name), limits, again=lambda: engine.query(SELECT))

    assert out.truncated and rows_of(out.body, name) == expected(engine, 3)

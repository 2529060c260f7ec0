"""ECCP-aligned profiles: one row per cluster, the known facts filled, the unknown left empty."""

from __future__ import annotations

import csv
import io

from clustergraph.exports.eccp import FIELDS, as_csv, profiles

CLUSTER_COUNT = """
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* cg:Cluster }
"""


def test_one_profile_per_cluster(store) -> None:
    records = profiles(store)
    expected = int(next(iter(store.query(CLUSTER_COUNT)))["n"].value)
    assert len(records) == expected >= 23
    assert all(set(FIELDS) == set(r) for r in records)


def test_known_facts_are_filled_and_unknown_left_empty(store) -> None:
    by_id = {r["id"]: r for r in profiles(store)}
    assert "Gold" in by_id["its-owl"]["cluster_labels"]
    assert by_id["its-owl"]["websites"]
    assert by_id["neurosys"]["innovation_fields"] == ""
    assert all(r["country"] == "DE" and r["nuts_region"] == "DEA" for r in by_id.values())


def test_csv_parses_back_into_the_same_rows(store) -> None:
    records = profiles(store)
    parsed = list(csv.DictReader(io.StringIO(as_csv(records))))
    assert parsed == records

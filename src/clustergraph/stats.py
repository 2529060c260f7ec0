"""Counts over the store: quads, instances per class, triples per graph."""

from __future__ import annotations

from clustergraph.store.base import Store

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?count) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?count) ?class
"""
GRAPH_COUNTS = """
SELECT ?graph (COUNT(*) AS ?count) WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY DESC(?count) ?graph
"""


def store_stats(store: Store) -> dict:
    """Numbers for ``clustergraph stats`` and the dataset description."""
    classes = [
        {"class": row["class"].value, "count": int(row["count"].value)} for row in store.query(CLASS_COUNTS)
    ]
    graphs = [
        {"graph": row["graph"].value, "count": int(row["count"].value)} for row in store.query(GRAPH_COUNTS)
    ]
    return {"quads": store.count(), "classes": classes, "graphs": graphs}

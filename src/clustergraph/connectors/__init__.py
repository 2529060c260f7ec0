"""Connectors to the EU's SPARQL endpoints (all Virtuoso): NUTS regions from the Publications
Office's Cellar, EURIO organisations, projects and roles from CORDIS.

``client`` pages through an endpoint's answers and turns its failures into ``EndpointError``;
``nuts`` and ``cordis`` build one retrieval each; ``retrieval`` describes a retrieval as a
source and commits it through the SHACL gate. Nothing here does I/O at import.
"""

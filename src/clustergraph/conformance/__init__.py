"""The W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description tests, run over HTTP.

``clustergraph conformance --manifests DIR [--url URL]`` reads the manifests below DIR
(``protocol/``, ``graph-store-protocol/``, ``service-description/``), runs every test
against a live server and prints one line per test and a summary ``N passed, M failed``.
Without ``--url`` it starts its own server on a free port with the test data.
"""

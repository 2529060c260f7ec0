"""Data access and view models for the HTML pages: one resource, search, labels.

Everything here reads the store through SPARQL with bound variables and returns plain
dataclasses; rendering happens in ``clustergraph.web.pages`` (Jinja2 templates).
"""

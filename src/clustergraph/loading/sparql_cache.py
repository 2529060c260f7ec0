"""Parse each SPARQL text once for rdflib's engine, however often it is evaluated.

pyshacl evaluates every ``sh:sparql`` constraint once per focus node with the same
text and other ``initBindings``; rdflib parses and translates the text every time,
which was about 80 % of validation time on memberships (profiled in benchmarks/).
A translated query is meant to be evaluated many times (that is what rdflib's
``prepareQuery`` gives), so caching it by text, base and namespaces changes nothing
but the time.
"""

from __future__ import annotations

from functools import lru_cache

import rdflib.plugins.sparql.processor as processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

_original_query = processor.SPARQLProcessor.query


@lru_cache(maxsize=1024)
def _prepared(text: str, base: str | None, namespaces: tuple):
    return translateQuery(parseQuery(text), base, dict(namespaces) if namespaces else None)


def _query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
    if isinstance(strOrQuery, str):
        strOrQuery = _prepared(strOrQuery, base, tuple(sorted((initNs or {}).items())))
    return _original_query(self, strOrQuery, initBindings, initNs, base, DEBUG)


def install() -> None:
    """Route rdflib's SPARQL processor through the cache (idempotent)."""
    processor.SPARQLProcessor.query = _query

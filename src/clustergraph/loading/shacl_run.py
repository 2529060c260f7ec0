"""Run compiled shapes (``shacl_sparql``) on a pyoxigraph store and read the rows as findings.

The data validated is what pyshacl validates in the gate: every triple of the store's
graphs (the union, queried with ``use_default_graph_as_union``), the ontology, and the
derived ``cg:assertedIn`` that the compiled patterns read off the named graphs. Findings
carry the terms as pyshacl shows them (through rdflib, which normalises literals).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad, Store
from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral

from clustergraph.loading.report import Finding
from clustergraph.loading.shacl_sparql import ASSERTED_IN, RDF_TYPE, Check, Compiled

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SUBCLASS_PAIRS = "SELECT DISTINCT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?o }"
_SUB = re.compile(r"⟦sub <([^>]*)>⟧")
_ILL = re.compile(r"⟦ill (\?\w+) <([^>]*)>⟧")
_ONLY = "⟦only⟧"
# What pyshacl accepts as the value of a well-typed literal of these datatypes.
_VALUE_TYPES: dict[str, type | tuple[type, ...]] = {
    XSD + "string": (str, bytes), RDF_LANGSTRING: (str, bytes), XSD + "integer": int, XSD + "float": float,
    XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": date, XSD + "time": time, XSD + "dateTime": datetime,
}
XSD_STRING = XSD + "string"

logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # ill-typed literals are findings, not log noise


def to_rdflib(term):
    """Convert a pyoxigraph term to rdflib.

    ``xsd:string`` literals become plain literals, as rdflib compares plain and
    ``xsd:string`` literals as different values.
    """
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, Literal):
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return RdfLiteral(term.value)
        return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))
    if hasattr(term, "value"):  # a blank node
        return BNode(term.value)
    raise TypeError(f"unsupported term {term!r}")


def shown(term) -> str | None:
    """A term as findings show it: IRIs and literals as text, blank nodes not at all."""
    if term is None:
        return None
    term = to_rdflib(term)
    return None if isinstance(term, BNode) else str(term)


def ill_typed(literal: Literal, datatype: str) -> bool:
    """Whether pyshacl's ``sh:datatype`` refuses a literal that carries ``datatype``."""
    converted = to_rdflib(literal)
    if getattr(converted, "ill_typed", None) is True:
        return True
    wanted = _VALUE_TYPES.get(datatype)
    return wanted is not None and not isinstance(converted.value, wanted)


class Run:
    """One validation of one store state with compiled shapes; with ``focus``, of those
    focus nodes only (IRIs), which gives the findings about them that a whole run gives."""

    def __init__(self, compiled: Compiled, store: Store, *, focus: Iterable[str] | None = None) -> None:
        self.compiled = compiled
        self.store = store
        self.only = "" if focus is None else "VALUES ?this { " + " ".join(f"<{f}>" for f in sorted(focus)) + " }"
        self.closure = self._subclasses()
        self.ill = self._ill_typed()

    def query(self, text: str):
        return self.store.query(text, use_default_graph_as_union=True)

    def _subclasses(self) -> dict[str, set[str]]:
        below: dict[str, set[str]] = {}
        for row in self.query(SUBCLASS_PAIRS):
            s, o = row["s"], row["o"]
            if isinstance(s, NamedNode) and isinstance(o, NamedNode):
                below.setdefault(o.value, set()).add(s.value)
        return below

    def subclasses(self, cls: str) -> set[str]:
        found, todo = {cls}, [cls]
        while todo:
            for sub in self.closure.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return found

    def _ill_typed(self) -> dict[str, list[Literal]]:
        """Per datatype a ``sh:datatype`` test reads, the literals at its positions rdflib refuses."""
        positions = {d: p for d, p in self.compiled.datatype_positions.items() if d != RDF_LANGSTRING}
        if not positions:
            return {}
        predicates = " ".join(f"<{p}>" for p in sorted(set().union(*positions.values())))
        datatypes = ", ".join(f"<{d}>" for d in sorted(positions))
        rows = self.query(
            f"SELECT DISTINCT ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o . "
            f'FILTER(isLiteral(?o) && LANG(?o) = "" && DATATYPE(?o) IN ({datatypes})) }}'
        )
        bad: dict[str, list[Literal]] = {}
        for row in rows:
            literal = row["o"]
            datatype = literal.datatype.value
            if row["p"].value in positions[datatype] and ill_typed(literal, datatype):
                bad.setdefault(datatype, []).append(literal)
        return bad

    def render(self, query: str) -> str:
        query = query.replace(_ONLY, self.only)
        query = _SUB.sub(lambda m: " ".join(f"<{c}>" for c in sorted(self.subclasses(m.group(1)))), query)

        def ill(m: re.Match) -> str:
            bad = self.ill.get(m.group(2), [])
            return "(" + " || ".join(f"sameTerm({m.group(1)}, {lit})" for lit in bad) + ")" if bad else "false"

        return _ILL.sub(ill, query)

    def roots(self) -> set[int]:
        """The targeted shapes with at least one focus node in this run."""
        if not self.only:
            return set(range(len(self.compiled.targets)))
        excluded = ", ".join(f"<{g}>" for g in self.compiled.excluded_graphs)
        rows = self.query(
            f"SELECT DISTINCT ?k ?x WHERE {{ {self.only} "
            f'{{ ?this <{RDF_TYPE}> ?x BIND("type" AS ?k) }} UNION {{ ?this ?x ?o BIND("subject of" AS ?k) }} UNION '
            f'{{ GRAPH ?g {{ ?this ?p ?o }} FILTER(?g NOT IN ({excluded})) BIND("subject of" AS ?k) BIND(<{ASSERTED_IN}> AS ?x) }} }}'
        )
        types, predicates = set(), set()
        for row in rows:
            (types if row["k"].value == "type" else predicates).add(row["x"].value)
        return {
            i
            for i, (classes, subjects_of) in enumerate(self.compiled.targets)
            if predicates.intersection(subjects_of) or any(types & self.subclasses(c) for c in classes)
        }

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        roots = self.roots()
        for check in self.compiled.checks:
            if check.root not in roots:
                continue
            for row in self.query(self.render(check.query)):
                found.append(self.finding(check, row))
        return found

    def finding(self, check: Check, row) -> Finding:
        shape = check.shape
        focus = row["this"]
        if check.sparql is None:
            value = row[check.value] if check.value else None
            message = shape.message
        else:
            value = row["value"] if "value" in check.sparql.projected and row["value"] is not None else focus
            message = sparql_message(check.sparql.message, check.sparql.projected, row, focus, value)
        return Finding(
            severity=shape.severity,
            focus=shown(focus),
            path=check.path,
            message=message,
            value=shown(value),
            shape=shape.name,
        )


def sparql_message(template: str, projected: Sequence[str], row, focus, value) -> str:
    """pyshacl's filling of ``{?var}`` / ``{$var}`` in the message of a SPARQL constraint."""
    values = {v: row[v] for v in projected if v not in ("this", "path", "value", "failure") and row[v] is not None}
    values["this"] = focus
    values["value"] = value
    for name, term in values.items():
        template = re.sub(f"{{[?$]{name}}}", str(to_rdflib(term)), template)
    return template


def missing_quads(store: Store, quads: Iterable[Quad], *, looked_up_in: NamedNode, put_in: NamedNode) -> list[Quad]:
    """The triples of ``quads`` that graph ``looked_up_in`` of ``store`` lacks, as quads in ``put_in``."""
    return [
        Quad(q.subject, q.predicate, q.object, put_in)
        for q in quads
        if Quad(q.subject, q.predicate, q.object, looked_up_in) not in store
    ]


def loose_triples(store: Store) -> tuple[int, object | None]:
    """How many default-graph triples no named graph states, and the subject of one."""
    rows = list(
        store.query(
            "SELECT (COUNT(*) AS ?n) (SAMPLE(?s) AS ?one) WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
        )
    )
    n = int(rows[0]["n"].value) if rows else 0
    return n, (rows[0]["one"] if n else None)


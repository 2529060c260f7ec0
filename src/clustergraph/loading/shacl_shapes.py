"""The shapes graph read into a small model, refusing every construct the compiler lacks.

``shacl_sparql`` compiles this model to SPARQL. What it cannot express must never be
validated silently less, so reading raises ``ShapesUnsupported`` for any ``sh:``
predicate on a shape outside ``SUPPORTED``, for paths other than a predicate or
``sh:inversePath``, for reporting shapes without exactly one ``sh:message`` (pyshacl
would make up a text of its own) and for SPARQL constraints whose reading needs more
than joining on ``$this`` (see ``_check_select``). ``sh:node`` is refused too: pyshacl
reports the nested shape's results beside its own (as ``sh:detail``), which the compiled
queries do not reproduce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node, Variable


class ShapesUnsupported(ValueError):
    """The shapes use a SHACL construct the compiled validator does not implement."""


# Constraint parameters the compiler implements, and the shape predicates that only describe.
CONSTRAINTS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.pattern, SH.flags, SH["in"],
    SH.hasValue, SH.languageIn, SH.uniqueLang, SH.lessThan, SH.minInclusive, SH.maxInclusive,
    SH["or"], SH["and"], SH.xone,
}
STRUCTURE = {SH.targetClass, SH.targetSubjectsOf, SH.property, SH.path, SH.severity, SH.message, SH.sparql}
DESCRIPTIVE = {SH.name, SH.description, SH.order, SH.group, SH.declare}
SUPPORTED = CONSTRAINTS | STRUCTURE | DESCRIPTIVE
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
NODE_KINDS = {SH.IRI, SH.BlankNode, SH.Literal, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral, SH.IRIOrLiteral}
SPARQL_CONSTRAINT_KEYS = {RDF.type, SH.message, SH.select, SH.prefixes, RDFS.comment, RDFS.label}
_PROLOGUE = re.compile(r"\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)", re.IGNORECASE)


@dataclass(frozen=True)
class Path:
    predicate: str
    inverse: bool = False


@dataclass(frozen=True)
class SparqlConstraint:
    node: Node
    message: str
    prologue: str  # PREFIX lines from sh:prefixes and from the text itself
    select: str  # the SELECT query after its prologue, with $this written ?this
    projected: tuple[str, ...]


@dataclass
class Shape:
    node: Node
    path: Path | None = None
    severity: str = "Violation"
    messages: list[str] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)
    target_subjects_of: list[str] = field(default_factory=list)
    # (parameter local name, value); value is a term, a list of terms or of shapes
    constraints: list[tuple[str, object]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        """The shape's IRI as results name it (``None`` for a blank node)."""
        return None if isinstance(self.node, BNode) else str(self.node)

    @property
    def message(self) -> str:
        if len(self.messages) != 1:
            raise ShapesUnsupported(
                f"shape {self.node} reports results but has {len(self.messages)} sh:message values; exactly one is supported"
            )
        return self.messages[0]

    @property
    def targeted(self) -> bool:
        return bool(self.target_classes or self.target_subjects_of)


def read_shapes(graph: Graph) -> list[Shape]:
    """The shapes with targets (those validation starts from), with everything they use."""
    reader = _Reader(graph)
    roots = set(graph.subjects(SH.targetClass)) | set(graph.subjects(SH.targetSubjectsOf))
    for other in (SH.targetNode, SH.targetObjectsOf, SH.target):
        if next(graph.subjects(other), None) is not None:
            raise ShapesUnsupported(f"{other} is not supported")
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape)):
        reader.check_keys(shape)  # unreferenced shapes too: an unknown predicate is a mistake anywhere
        if (shape, RDF.type, RDFS.Class) in graph or (shape, RDF.type, OWL.Class) in graph:
            raise ShapesUnsupported(f"{shape} is a class and a shape (implicit class target): not supported")
    return [reader.shape(node) for node in sorted(roots, key=str)]


class _Reader:
    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.done: dict[Node, Shape] = {}

    def check_keys(self, node: Node) -> None:
        for p in set(self.g.predicates(node)):
            if str(p).startswith(str(SH)) and p not in SUPPORTED:
                raise ShapesUnsupported(f"shape {node} uses {p}, which the compiled validator does not support")

    def one(self, node: Node, p: URIRef) -> Node | None:
        values = list(self.g.objects(node, p))
        if len(values) > 1:
            raise ShapesUnsupported(f"shape {node} has {len(values)} values of {p}; one is supported")
        return values[0] if values else None

    def shape(self, node: Node) -> Shape:
        if node in self.done:
            return self.done[node]
        self.check_keys(node)
        if self.one(node, SH.deactivated) is not None:
            raise ShapesUnsupported(f"shape {node}: sh:deactivated is not supported")
        shape = Shape(node=node)
        self.done[node] = shape  # before the parts: a shape may refer to itself
        severity = self.one(node, SH.severity)
        if severity is not None:
            if severity not in SEVERITIES:
                raise ShapesUnsupported(f"shape {node}: severity {severity} is not supported")
            shape.severity = SEVERITIES[severity]
        shape.messages = sorted(str(m) for m in self.g.objects(node, SH.message))
        shape.target_classes = sorted(str(c) for c in self.g.objects(node, SH.targetClass))
        shape.target_subjects_of = sorted(str(p) for p in self.g.objects(node, SH.targetSubjectsOf))
        path = self.one(node, SH.path)
        if path is not None:
            shape.path = self.path(node, path)
        for p, value in sorted(self.g.predicate_objects(node), key=lambda pv: (str(pv[0]), str(pv[1]))):
            if p in CONSTRAINTS and p != SH.flags:
                shape.constraints.append(self.constraint(node, p, value))
        if (node, SH.flags, None) in self.g and (node, SH.pattern, None) not in self.g:
            raise ShapesUnsupported(f"shape {node}: sh:flags without sh:pattern")
        names = [name for name, _ in shape.constraints]
        for name in ("minCount", "maxCount", "uniqueLang", "lessThan"):
            if name in names and shape.path is None:
                raise ShapesUnsupported(f"shape {node}: sh:{name} needs sh:path")
        shape.properties = [self.shape(p) for p in sorted(self.g.objects(node, SH.property), key=str)]
        if shape.properties and shape.path is not None:
            raise ShapesUnsupported(f"shape {node}: sh:property on a property shape is not supported")
        shape.sparql = [self.sparql(node, c) for c in sorted(self.g.objects(node, SH.sparql), key=str)]
        if shape.sparql and (shape.path is not None or shape.messages):
            raise ShapesUnsupported(
                f"shape {node}: sh:sparql is supported on node shapes without an sh:message of their own"
            )
        return shape

    def path(self, node: Node, path: Node) -> Path:
        if isinstance(path, URIRef):
            return Path(str(path))
        inverse = self.one(path, SH.inversePath)
        if isinstance(inverse, URIRef) and set(self.g.predicates(path)) == {SH.inversePath}:
            return Path(str(inverse), inverse=True)
        raise ShapesUnsupported(f"shape {node}: only predicate paths and sh:inversePath of a predicate are supported")

    def constraint(self, node: Node, p: URIRef, value: Node) -> tuple[str, object]:
        name = str(p)[len(str(SH)):]
        if p in (SH["or"], SH["and"], SH.xone):
            return name, [self.shape(member) for member in self.items(node, value)]
        if p == SH.node:
            return name, self.shape(value)
        if p in (SH["in"], SH.languageIn):
            return name, self.items(node, value)
        if p == SH.nodeKind and value not in NODE_KINDS:
            raise ShapesUnsupported(f"shape {node}: sh:nodeKind {value} is unknown")
        if p in (SH.minCount, SH.maxCount) and not (isinstance(value, Literal) and isinstance(value.value, int)):
            raise ShapesUnsupported(f"shape {node}: {p} must be an integer")
        if p == SH.uniqueLang and not (isinstance(value, Literal) and isinstance(value.value, bool)):
            raise ShapesUnsupported(f"shape {node}: sh:uniqueLang must be a boolean")
        if p in (SH["class"], SH.datatype, SH.lessThan) and not isinstance(value, URIRef):
            raise ShapesUnsupported(f"shape {node}: {p} must be an IRI")
        if p in (SH.minInclusive, SH.maxInclusive) and not (isinstance(value, Literal) and value.value is not None):
            raise ShapesUnsupported(f"shape {node}: {p} must be a well-typed literal")
        if p == SH.pattern:
            flags = self.one(node, SH.flags)
            if flags is not None and set(str(flags)) - {"i"}:
                raise ShapesUnsupported(f"shape {node}: only the sh:flags 'i' is supported")
            return name, (str(value), str(flags or ""))
        return name, value

    def items(self, node: Node, head: Node) -> list:
        try:
            return list(self.g.items(head))
        except Exception as err:
            raise ShapesUnsupported(f"shape {node}: {head} is not an RDF list") from err

    def sparql(self, node: Node, constraint: Node) -> SparqlConstraint:
        for p in set(self.g.predicates(constraint)):
            if p not in SPARQL_CONSTRAINT_KEYS:
                raise ShapesUnsupported(f"SPARQL constraint of {node} uses {p}: not supported")
        messages = [str(m) for m in self.g.objects(constraint, SH.message)]
        if len(messages) != 1:
            raise ShapesUnsupported(f"SPARQL constraint of {node}: exactly one sh:message is supported")
        selects = list(self.g.objects(constraint, SH.select))
        if len(selects) != 1:
            raise ShapesUnsupported(f"SPARQL constraint of {node}: exactly one sh:select is supported")
        prefixes = self.prefix_lines(constraint)
        text = str(selects[0])
        position = 0
        while match := _PROLOGUE.match(text, position):
            position = match.end()
        own_prologue, body = text[:position], text[position:]
        body = re.sub(r"\$this\b", "?this", body)
        projected = _check_select(node, prefixes + own_prologue + "\n" + body)
        return SparqlConstraint(constraint, messages[0], prefixes + own_prologue + "\n", body, projected)

    def prefix_lines(self, constraint: Node) -> str:
        """pyshacl's reading of sh:prefixes: the declarations of the named ontologies."""
        lines = []
        for holder in sorted(self.g.objects(constraint, SH.prefixes), key=str):
            for declaration in sorted(self.g.objects(holder, SH.declare), key=str):
                prefix, namespace = self.one(declaration, SH.prefix), self.one(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise ShapesUnsupported(f"sh:declare {declaration} needs sh:prefix and sh:namespace")
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
            if (holder, RDF.type, OWL.Ontology) not in self.g:
                raise ShapesUnsupported(f"sh:prefixes {holder}: only prefixes declared on an owl:Ontology are supported")
        return "".join(lines)


# Algebra that makes joining on ?this differ from pre-binding it, or reads what the
# validation graph of pyshacl does not have (named graphs, remote services).
_DENIED = {"Minus", "Group", "AggregateJoin", "ToMultiSet", "Slice", "Graph", "ServiceGraphPattern", "values"}
_TOP = {"SelectQuery", "Project", "Distinct", "Reduced", "OrderBy", "Filter", "Extend", "Join", "BGP"}


def _check_select(node: Node, text: str) -> tuple[str, ...]:
    """The projected variables of a SELECT that can be joined on ``?this`` instead of pre-bound.

    Pre-binding ``$this`` (what pyshacl does, once per focus node) and joining every solution
    on ``?this`` give the same results when ``?this`` is bound by a basic graph pattern of the
    query's top level and nothing counts, nests or subtracts solutions.
    """
    try:
        algebra = prepareQuery(text).algebra
    except Exception as err:
        raise ShapesUnsupported(f"SPARQL constraint of {node} does not parse: {err}") from err
    if algebra.name != "SelectQuery":
        raise ShapesUnsupported(f"SPARQL constraint of {node}: only SELECT is supported")
    projected = tuple(str(v) for v in algebra["PV"])
    if "this" not in projected:
        raise ShapesUnsupported(f"SPARQL constraint of {node} must project $this")
    if {"failure", "path"} & set(projected):
        raise ShapesUnsupported(f"SPARQL constraint of {node}: ?failure and ?path are not supported")
    found: set[str] = set()
    bound_at_top = False

    def walk(part: object, top: bool) -> None:
        nonlocal bound_at_top
        name = getattr(part, "name", None)
        if isinstance(part, dict) and name is not None:
            if name in _DENIED:
                found.add(name)
            if name == "BGP":
                for s, p, o in part["triples"]:
                    if not isinstance(p, URIRef) or str(p).endswith("/assertedIn"):
                        found.add("a variable or path as predicate, or cg:assertedIn")
                    bound_at_top = bound_at_top or (top and Variable("this") in (s, o))
            for key, value in part.items():
                walk(value, top and name in _TOP and key in {"p", "p1", "p2"} or (top and name == "LeftJoin" and key == "p1"))
        elif isinstance(part, (list, tuple)):
            for item in part:
                walk(item, False)

    walk(algebra, True)
    if found:
        raise ShapesUnsupported(f"SPARQL constraint of {node} uses {sorted(found)}: not supported")
    if not bound_at_top:
        raise ShapesUnsupported(f"SPARQL constraint of {node} must bind $this in a triple pattern at its top level")
    return projected



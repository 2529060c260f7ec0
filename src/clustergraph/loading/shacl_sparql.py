"""The shapes model (``shacl_shapes``) compiled to SPARQL SELECT queries, one per constraint.

Each query finds, over the whole dataset at once, the rows pyshacl would report one by
one: a focus node, and a value node where SHACL names one. The queries run with the
union of all graphs as their default graph (``shacl_run``), so every pattern may see a
triple more than once: queries say ``DISTINCT`` where pyshacl works on sets.

Two things depend on the data and are filled in per run, written as markers here:
``⟦sub <C>⟧``, the classes below ``C`` by ``rdfs:subClassOf`` (closure taken on the data,
as pyshacl does), and ``⟦ill ?v <D>⟧``, true for the literals of datatype ``D`` that rdflib
finds ill-typed (so ``sh:datatype`` agrees with the oracle, whose lexical rules are not
XSD's). ``⟦only⟧`` becomes ``VALUES ?this {...}`` when a run looks at some focus nodes
only (validation around a change) and nothing otherwise. The derived ``?s cg:assertedIn ?g`` is read off the named graphs by the patterns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from clustergraph.loading.shacl_shapes import Path, Shape, ShapesUnsupported, SparqlConstraint

ASSERTED_IN = "https://w3id.org/clustergraph/ontology/assertedIn"
RDF_TYPE = str(RDF.type)
NODE_KIND_TESTS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
VALUE_KINDS = {"class", "datatype", "nodeKind", "pattern", "in", "hasValue", "languageIn", "minInclusive",
               "maxInclusive", "or", "and", "xone", "node"}


@dataclass(frozen=True)
class Check:
    """One compiled query and how its rows read as findings."""

    query: str
    root: int  # index of the targeted shape whose focus nodes the query starts from
    shape: Shape  # the shape results name (severity, message, sh:sourceShape)
    path: str | None  # sh:resultPath (None for node shapes and inverse paths)
    value: str | None  # variable giving sh:value, or None
    sparql: SparqlConstraint | None = None


@dataclass
class Compiled:
    checks: list[Check] = field(default_factory=list)
    # per targeted shape, its targets: (classes, predicates whose subjects are targeted)
    targets: list[tuple[list[str], list[str]]] = field(default_factory=list)
    # graphs whose subjects get no derived cg:assertedIn
    excluded_graphs: list[str] = field(default_factory=list)
    # datatype IRI -> predicates whose objects a datatype test reads (for ``⟦ill⟧``)
    datatype_positions: dict[str, set[str]] = field(default_factory=dict)


def term(node) -> str:
    """A shapes-graph term as SPARQL text."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype is not None and node.datatype != XSD.string:
            return f'"{text}"^^<{node.datatype}>'
        return f'"{text}"'
    raise ShapesUnsupported(f"{node!r} cannot be a constant of a compiled constraint")


def string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


class Compiler:
    def __init__(self, excluded_graphs: list[str]) -> None:
        # Graphs whose subjects get no derived cg:assertedIn (the ontology, the gate's scratch graph).
        self.excluded = excluded_graphs
        self.fresh = count()
        self.out = Compiled(excluded_graphs=list(excluded_graphs))
        self.root = 0

    def var(self, stem: str = "x") -> str:
        return f"?{stem}{next(self.fresh)}"

    # ---- patterns -------------------------------------------------------------------

    def path(self, path: Path, s: str, o: str) -> str:
        if path.inverse:
            s, o = o, s
        if path.predicate != ASSERTED_IN:
            return f"{s} <{path.predicate}> {o} ."
        p, x = self.var("p"), self.var("o")
        excluded = ", ".join(f"<{g}>" for g in self.excluded)
        return (
            f"{{ {s} <{ASSERTED_IN}> {o} }} UNION "
            f"{{ GRAPH {o} {{ {s} {p} {x} }} FILTER({o} NOT IN ({excluded})) }}"
        )

    def focus(self, shape: Shape) -> str:
        """A subquery binding ?this to each focus node of ``shape`` once."""
        return f"{{ SELECT DISTINCT ?this WHERE {{ {self.focus_body(shape)} }} }}"

    def focus_body(self, shape: Shape) -> str:
        """A pattern matching the focus nodes of ``shape`` as ?this (some more than once)."""
        branches = []
        for c in shape.target_classes:
            t = self.var("t")
            branches.append(f"?this <{RDF_TYPE}> {t} . VALUES {t} {{ ⟦sub <{c}>⟧ }}")
        for p in shape.target_subjects_of:
            branches.append(self.path(Path(p), "?this", self.var("o")))
        union = " UNION ".join(f"{{ {b} }}" for b in branches)
        return f"⟦only⟧ {union}"

    def values(self, path: Path, v: str) -> str:
        """A pattern binding ``v`` to every value of ``path``, whatever the focus node."""
        if path.predicate == ASSERTED_IN and not path.inverse:
            excluded = ", ".join(f"<{g}>" for g in self.excluded)
            return f"{{ {self.var('s')} <{ASSERTED_IN}> {v} }} UNION {{ GRAPH {v} {{ }} FILTER({v} NOT IN ({excluded})) }}"
        return self.path(path, self.var("s"), v)

    # ---- expressions: does a node conform? -------------------------------------------

    def value_test(self, name: str, value, v: str, via: str | None) -> str:
        """A boolean expression, never an error: does node ``v`` pass constraint ``name``?
        ``via`` is the predicate whose objects ``v`` ranges over, if any."""
        if name == "class":
            t = self.var("t")
            return f"EXISTS {{ {v} <{RDF_TYPE}> {t} . VALUES {t} {{ ⟦sub <{value}>⟧ }} }}"
        if name == "datatype":
            return self.datatype_test(str(value), v, via)
        if name == "nodeKind":
            return NODE_KIND_TESTS[value].format(v=v)
        if name == "pattern":
            pattern, flags = value
            return f"COALESCE(!isBlank({v}) && REGEX(STR({v}), {string(pattern)}, {string(flags)}), false)"
        if name == "in":
            return "(" + " || ".join(self.equal(v, c) for c in value) + ")" if value else "false"
        if name == "hasValue":
            return self.equal(v, value)
        if name == "languageIn":
            tags = [str(t).lower() for t in value]
            if "*" in tags:
                return f'COALESCE(LANG({v}) != "", false)'
            listed = ", ".join(string(t) for t in tags)
            return (
                f'COALESCE(LANG({v}) != "" && (LCASE(LANG({v})) IN ({listed}) || '
                f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-")) IN ({listed})), false)'
            )
        if name in ("minInclusive", "maxInclusive"):
            op = ">=" if name == "minInclusive" else "<="
            stringy = isinstance(value.value, str)
            same_kind = f'({"" if stringy else "!"}(DATATYPE({v}) = <{XSD.string}> || LANG({v}) != ""))'
            return f"COALESCE(isLiteral({v}) && {same_kind} && {v} {op} {term(value)}, false)"
        if name in ("or", "and"):
            joiner = " || " if name == "or" else " && "
            return "(" + joiner.join(self.conforms(s, v, via) for s in value) + ")"
        if name == "xone":
            return "((" + " + ".join(f"IF({self.conforms(s, v, via)}, 1, 0)" for s in value) + ") = 1)"
        if name == "node":
            return self.conforms(value, v, via)
        raise ShapesUnsupported(f"sh:{name} cannot be compiled as a test on a node")

    def datatype_test(self, datatype: str, v: str, via: str | None) -> str:
        if via is not None:
            self.out.datatype_positions.setdefault(datatype, set()).add(via)
        if datatype == str(RDF.langString):
            return f'COALESCE(isLiteral({v}) && LANG({v}) != "", false)'
        if datatype in (str(RDFS.Literal), str(RDFS.Datatype)):
            raise ShapesUnsupported(f"sh:datatype {datatype} is not supported")
        return f'COALESCE(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) = <{datatype}> && !⟦ill {v} <{datatype}>⟧, false)'

    def equal(self, v: str, constant) -> str:
        """rdflib's term equality (literals compared after rdflib normalised their lexical form)."""
        if isinstance(constant, Literal) and constant.datatype is not None and constant.datatype != XSD.string:
            return (
                f"(sameTerm({v}, {term(constant)}) || COALESCE(isLiteral({v}) && "
                f"DATATYPE({v}) = <{constant.datatype}> && {v} = {term(constant)}, false))"
            )
        return f"sameTerm({v}, {term(constant)})"

    def conforms(self, shape: Shape, x: str, via: str | None) -> str:
        """Does node ``x`` conform to ``shape`` (used inside sh:or, sh:and, sh:xone, sh:node)?"""
        if shape.severity != "Violation":
            return "true"  # pyshacl with allow_warnings: a non-Violation shape always conforms
        if shape.sparql:
            raise ShapesUnsupported(f"sh:sparql in a shape used by sh:or/sh:and/sh:xone/sh:node ({shape.node})")
        tests = []
        for name, value in shape.constraints:
            if shape.path is None:
                tests.append(self.value_test(name, value, x, via))
                continue
            tests.append(self.nested_path_test(shape, name, value, x))
        tests += [self.conforms(p, x, via) for p in shape.properties]
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def nested_path_test(self, shape: Shape, name: str, value, x: str) -> str:
        path = shape.path
        assert path is not None
        via = None if path.inverse else path.predicate
        if name in VALUE_KINDS - {"hasValue"}:
            y = self.var("y")
            return f"NOT EXISTS {{ {self.path(path, x, y)} FILTER(!{self.value_test(name, value, y, via)}) }}"
        if name == "hasValue":
            y = self.var("y")
            return f"EXISTS {{ {self.path(path, x, y)} FILTER({self.equal(y, value)}) }}"
        if name in ("minCount", "maxCount"):
            n = int(value) if name == "minCount" else int(value) + 1
            if n == 0:
                return "true" if name == "minCount" else "false"
            if n > 4:
                raise ShapesUnsupported(f"sh:{name} {value} inside sh:or/sh:and/sh:xone/sh:node")
            ys = [self.var("y") for _ in range(n)]
            patterns = " ".join(self.path(path, x, y) for y in ys)
            distinct = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(ys) for b in ys[i + 1:])
            found = f"EXISTS {{ {patterns} {f'FILTER({distinct})' if distinct else ''} }}"
            return found if name == "minCount" else f"!{found}"
        if name == "uniqueLang":
            if not value.value:
                return "true"
            a, b = self.var("y"), self.var("y")
            return (
                f"NOT EXISTS {{ {self.path(path, x, a)} {self.path(path, x, b)} FILTER(!sameTerm({a}, {b}) && "
                f'LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
            )
        if name == "lessThan":
            y, w = self.var("y"), self.var("w")
            return f"NOT EXISTS {{ {self.path(path, x, y)} {x} <{value}> {w} . FILTER(!{self.less(y, w)}) }}"
        raise ShapesUnsupported(f"sh:{name} inside sh:or/sh:and/sh:xone/sh:node")

    @staticmethod
    def less(a: str, b: str) -> str:
        # pyshacl compares IRIs as strings, and a string with a non-string never.
        return f"COALESCE(IF(isIRI({a}) && isIRI({b}), STR({a}) < STR({b}), !isIRI({a}) && !isIRI({b}) && {a} < {b}), false)"

    # ---- top-level queries -----------------------------------------------------------

    def compile(self, roots: list[Shape]) -> Compiled:
        for index, shape in enumerate(roots):
            self.root = index
            focus = self.focus(shape)
            self.out.targets.append((shape.target_classes, shape.target_subjects_of))
            is_focus = f"FILTER EXISTS {{ {self.focus_body(shape)} }}"
            if shape.path is None:
                self.node_checks(shape, focus)
                for prop in shape.properties:
                    self.property_checks(prop, focus, is_focus)
            else:
                self.property_checks(shape, focus, is_focus)
        return self.out

    def add(self, query: str, shape: Shape, path: str | None, value: str | None, sparql=None) -> None:
        self.out.checks.append(Check(query, self.root, shape, path, value, sparql))

    def node_checks(self, shape: Shape, focus: str) -> None:
        for name, value in shape.constraints:
            test = self.value_test(name, value, "?this", None)
            shape.message  # noqa: B018  (raises when the shape has no single message)
            # pyshacl gives sh:hasValue results no value; every other node test the focus node.
            self.add(f"SELECT ?this WHERE {{ {focus} FILTER(!{test}) }}", shape, None, None if name == "hasValue" else "this")
        for constraint in shape.sparql:
            variables = " ".join(f"?{v}" for v in constraint.projected)
            self.add(
                f"{constraint.prologue}SELECT DISTINCT {variables} WHERE {{ {focus} {{ {constraint.select} }} }}",
                shape, None, "this", constraint,
            )

    def property_checks(self, prop: Shape, focus: str, is_focus: str) -> None:
        """Queries for the constraints of property shape ``prop`` on the focus nodes ``focus``
        (a subquery) or, where it is cheaper to find candidates first, ``is_focus`` (a filter)."""
        if prop.sparql:
            raise ShapesUnsupported(f"sh:sparql on a property shape ({prop.node})")
        path = prop.path
        assert path is not None
        result_path = None if path.inverse else path.predicate
        via = None if path.inverse else path.predicate
        for name, value in prop.constraints:
            prop.message  # noqa: B018
            if name in VALUE_KINDS - {"hasValue"}:
                test = self.value_test(name, value, "?v", via)
                # Test each distinct value once, then find who has the failing ones: values
                # are shared (organisations, places, graphs) and most pass. The derived
                # cg:assertedIn has few distinct values but many holders: join those with the
                # focus nodes first.
                failing = f"{{ SELECT DISTINCT ?v WHERE {{ {self.values(path, '?v')} FILTER(!{test}) }} }}"
                if path.predicate == ASSERTED_IN:
                    query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {self.path(path, '?this', '?v')} {failing} }}"
                else:
                    query = f"SELECT DISTINCT ?this ?v WHERE {{ {failing} {self.path(path, '?this', '?v')} {is_focus} }}"
                self.add(query, prop, result_path, "v")
            elif name == "hasValue":
                query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {self.path(path, '?this', '?v')} FILTER({self.equal('?v', value)}) }} }}"
                self.add(query, prop, result_path, None)
            elif name == "minCount":
                n = int(value)
                if n == 0:
                    continue
                if n == 1:
                    query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {self.path(path, '?this', '?v')} }} }}"
                else:
                    query = (
                        f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {self.path(path, '?this', '?v')} }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})"
                    )
                self.add(query, prop, result_path, None)
            elif name == "maxCount" and int(value) == 1:
                query = self.two_values(path, "?this", "true", "", is_focus)
                self.add(query, prop, result_path, None)
            elif name == "maxCount":
                query = (
                    f"SELECT ?this WHERE {{ {focus} {self.path(path, '?this', '?v')} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(value)})"
                )
                self.add(query, prop, result_path, None)
            elif name == "uniqueLang":
                if not value.value:
                    continue
                same_lang = 'LANG(?a) != "" && LCASE(LANG(?a)) = LCASE(LANG(?b))'
                query = self.two_values(path, "?this ?lang", same_lang, "BIND(LCASE(LANG(?a)) AS ?lang)", is_focus)
                self.add(query, prop, result_path, None)
            elif name == "lessThan":
                query = (
                    f"SELECT DISTINCT ?this ?v ?w WHERE {{ {focus} {self.path(path, '?this', '?v')} "
                    f"?this <{value}> ?w . FILTER(!{self.less('?v', '?w')}) }}"
                )
                self.add(query, prop, result_path, "v")
            else:
                raise ShapesUnsupported(f"sh:{name} on property shape {prop.node}")

    def two_values(self, path: Path, projection: str, condition: str, tail: str, is_focus: str) -> str:
        """Focus nodes with two different values ?a and ?b of ``path`` meeting ``condition``
        (a self-join: cheaper than counting every focus node's values)."""
        return (
            f"SELECT DISTINCT {projection} WHERE {{ {self.path(path, '?this', '?a')} {self.path(path, '?this', '?b')} "
            f"FILTER(!sameTerm(?a, ?b) && {condition}) {tail} {is_focus} }}"
        )

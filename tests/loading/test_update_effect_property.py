"""Property: on random updates over random data, the change ``update_effect`` reads off the
update equals the change the copy-and-diff finds (``change_of``), errors included.

The data: a few quads over a small vocabulary in the default graph and three named graphs,
with stored blank nodes, and sometimes a named graph left behind empty. The updates: one to
three operations of every kind (``INSERT DATA``, ``DELETE DATA``, ``DELETE WHERE``,
``DELETE/INSERT ... WHERE`` with ``WITH``/``USING``/``USING NAMED``, ``CLEAR``, ``DROP``,
``CREATE``, ``ADD``, ``MOVE``, ``COPY``), written with full IRIs, a prefix or a base.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad
from pyoxigraph import Store as OxStore
from test_update_effect import EX, effect, reference

SUBJECTS = ["s0", "s1"]
PREDICATES = ["p0", "p1"]
GRAPHS = ["g0", "g1", "g2"]  # g2 never holds data; it exists only when an update creates it
LITERALS = ['"a"', '"b"@en', "1"]
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def node(name: str) -> NamedNode:
    return NamedNode(f"{EX}{name}")


def stored_quads(draw) -> list[Quad]:
    """A few quads over the small vocabulary, in the default graph, g0 and g1."""
    terms = [node(s) for s in SUBJECTS] + [BlankNode("d0")]
    objects = terms + [Literal("a"), Literal("b", language="en"), Literal("1", datatype=XSD_INTEGER)]
    quads = []
    for _ in range(draw(st.integers(4, 14))):
        graph = draw(st.sampled_from([None, node("g0"), node("g1")]))
        triple = (draw(st.sampled_from(terms)), node(draw(st.sampled_from(PREDICATES))), draw(st.sampled_from(objects)))
        quads.append(Quad(*triple, graph) if graph is not None else Quad(*triple))
    return quads


def engine_of(draw, quads: list[Quad]) -> OxStore:
    store = OxStore()
    store.extend(quads)
    ghost = Quad(node("s0"), node("p0"), node("s0"), node("g1"))
    if draw(st.booleans()) and not list(store.quads_for_pattern(None, None, None, node("g1"))):
        store.add(ghost)  # g1 left behind empty: the store keeps a graph's name after its last quad
        store.remove(ghost)
    return store


class Writer:
    """How IRIs are written in one request: in full, with a prefix, or against a BASE."""

    def __init__(self, style: str) -> None:
        self.style = style

    def prologue(self) -> str:
        return {"full": "", "prefix": f"PREFIX ex: <{EX}>\n", "base": f"BASE <{EX}>\n"}[self.style]

    def iri(self, name: str) -> str:
        return {"full": f"<{EX}{name}>", "prefix": f"ex:{name}", "base": f"<{name}>"}[self.style]


def ground(draw, w: Writer, stored: list[Quad], *, bnodes: bool) -> str:
    """A triple without variables in a graph: often one the store holds, else a new one."""
    known = [q for q in stored if not isinstance(q.subject, BlankNode) and not isinstance(q.object, BlankNode)]
    if known and draw(st.booleans()):
        q = draw(st.sampled_from(known))
        triple = f"{q.subject} {q.predicate} {q.object}"
        return f"{triple} ." if isinstance(q.graph_name, DefaultGraph) else f"GRAPH {q.graph_name} {{ {triple} }}"
    s = draw(st.sampled_from([w.iri(x) for x in SUBJECTS] + (["_:n0", "_:n1", "[]"] if bnodes else [])))
    p = draw(st.sampled_from([w.iri(x) for x in PREDICATES] + ["a"]))
    o = draw(st.sampled_from([w.iri(x) for x in SUBJECTS] + LITERALS + (["_:n0"] if bnodes else [])))
    return in_graph(draw, w, f"{s} {p} {o}", graphs=[None, *GRAPHS])


def pattern(draw, w: Writer, *, bnodes: bool = False) -> str:
    """A triple with variables (templates and WHERE clauses)."""
    s = draw(st.sampled_from(["?s"] * 4 + ["?o", w.iri("s0")] + (["_:t", "[]", "?b"] if bnodes else [])))
    p = draw(st.sampled_from(["?p"] * 3 + [w.iri("p0"), w.iri("p1")]))
    o = draw(st.sampled_from(["?o"] * 5 + ["?s", "?x", w.iri("s1"), '"a"'] + (["_:t", "?b"] if bnodes else [])))
    return f"{s} {p} {o}"


def in_graph(draw, w: Writer, triple: str, *, graphs: list) -> str:
    """``triple`` in the default graph or in a GRAPH block (a name, or the variable ``?g``)."""
    where = draw(st.sampled_from(graphs))
    if where is None:
        return f"{triple} ."
    return f"GRAPH {where if where.startswith('?') else w.iri(where)} {{ {triple} }}"


def block(draw, part, *, most: int = 2) -> str:
    """One to ``most`` parts in braces: a data block, a template, a quad pattern."""
    return "{ " + " ".join(part() for _ in range(draw(st.integers(1, most)))) + " }"


def quad_pattern(draw, w: Writer, *, bnodes: bool = False) -> str:
    """Templates and DELETE WHERE: triples in the default graph, a named one or ``GRAPH ?g``."""
    graphs = [None, "?g", "?g", *GRAPHS]
    return block(draw, lambda: in_graph(draw, w, pattern(draw, w, bnodes=bnodes), graphs=graphs))


def where_clause(draw, w: Writer, *, own_dataset: bool) -> tuple[str, str]:
    """A WHERE group, and its triple patterns alone (which a DELETE template may repeat).
    ``own_dataset``: WITH or USING name the default graph, so patterns mostly go there."""
    # Mostly one triple pattern, in graphs that hold data: joins of random patterns seldom match.
    count = draw(st.sampled_from([1, 1, 2]))
    graphs = [None, None, None, "?g"] if own_dataset else [None, "?g", "?g", "g0", "g1"]
    body = " ".join(in_graph(draw, w, pattern(draw, w), graphs=graphs) for _ in range(count))
    extra = draw(
        st.sampled_from(
            [
                "",
                "",
                f"OPTIONAL {{ ?s {w.iri('p1')} ?x }}",
                "FILTER(!isLiteral(?o))",
                "BIND(BNODE() AS ?b)",
                f"VALUES ?x {{ {w.iri('s1')} 1 }}",
                f"GRAPH ?g {{ ?s {w.iri('p0')}* ?o }}",
                f"GRAPH {w.iri('g1')} {{ {w.iri('s0')} {w.iri('p0')}? {w.iri('s0')} }}",
                "GRAPH ?g { }",
                f"GRAPH {w.iri('g1')} {{ BIND(1 AS ?y) }}",
                "GRAPH ?g { OPTIONAL { ?s ?p ?o } }",
                "FILTER NOT EXISTS { GRAPH ?h { FILTER(true) } }",
            ]
        )
    )
    return f"{{ {body} {extra} }}", f"{{ {body} }}"


def graph_ref(draw, w: Writer) -> str:
    name = draw(st.sampled_from(["DEFAULT"] + GRAPHS))
    if name == "DEFAULT":
        return name
    return f"GRAPH {w.iri(name)}" if draw(st.booleans()) else w.iri(name)


KINDS = ["INSERT DATA", "DELETE DATA", "DELETE WHERE", "MODIFY", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"]


def operation(draw, w: Writer, stored: list[Quad]) -> tuple[str, str]:
    kind = draw(st.sampled_from(KINDS + ["MODIFY", "MODIFY", "DELETE WHERE"]))  # the richest kinds more often
    silent = "SILENT " if draw(st.booleans()) else ""
    if kind in ("INSERT DATA", "DELETE DATA"):
        text = f"{kind} {block(draw, lambda: ground(draw, w, stored, bnodes=kind == 'INSERT DATA'))}"
    elif kind == "DELETE WHERE":
        text = f"DELETE WHERE {quad_pattern(draw, w)}"
    elif kind == "MODIFY":
        dataset_graphs = st.sampled_from(["g0", "g0", "g1", "g2"])
        with_ = f"WITH {w.iri(draw(dataset_graphs))} " if draw(st.integers(0, 2)) == 0 else ""
        using = "".join(
            f"USING {draw(st.sampled_from(['', '', 'NAMED ']))}{w.iri(draw(dataset_graphs))} "
            for _ in range(draw(st.sampled_from([0, 0, 1, 2])))
        )
        clauses = draw(st.sampled_from(["delete", "insert", "both"]))
        where, matched = where_clause(draw, w, own_dataset=bool(with_ or using))
        deleted = matched if draw(st.booleans()) else quad_pattern(draw, w)
        delete = f"DELETE {deleted} " if clauses != "insert" else ""
        # Blank nodes new for each solution: a template that makes one per solution, often.
        made = draw(st.sampled_from(["", "", f"[] {w.iri('p1')} ?s, ?o .", f"GRAPH ?g {{ _:t {w.iri('p0')} ?o }}"]))
        inserted = quad_pattern(draw, w, bnodes=True)[:-1] + made + " }"
        insert = f"INSERT {inserted} " if clauses != "delete" else ""
        text = f"{with_}{delete}{insert}{using}WHERE {where}"
    elif kind in ("CLEAR", "DROP"):
        target = draw(st.sampled_from(["DEFAULT", "NAMED", "ALL", "GRAPH", "GRAPH"]))
        if target == "GRAPH":
            target = f"GRAPH {w.iri(draw(st.sampled_from(GRAPHS)))}"
        text = f"{kind} {silent}{target}"
    elif kind == "CREATE":
        text = f"CREATE {silent}GRAPH {w.iri(draw(st.sampled_from(GRAPHS)))}"
    else:
        text = f"{kind} {silent}{graph_ref(draw, w)} TO {graph_ref(draw, w)}"
    return kind, text


@st.composite
def cases(draw) -> tuple[OxStore, list[str], str]:
    """A store, and a request of one to three operations (their kinds, the text)."""
    stored = stored_quads(draw)
    engine = engine_of(draw, stored)
    w = Writer(draw(st.sampled_from(["full", "prefix", "base"])))
    ops = [operation(draw, w, stored) for _ in range(draw(st.integers(1, 3)))]
    return engine, [kind for kind, _ in ops], w.prologue() + " ;\n".join(text for _, text in ops)


def test_random_updates_over_random_data_give_the_copy_and_diffs_change() -> None:
    seen: Counter[str] = Counter()  # requests: answered, changed (answered, not empty), fell back
    kinds_answered: Counter[str] = Counter()

    @settings(max_examples=500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=cases())
    def check(case: tuple[OxStore, list[str], str]) -> None:
        engine, kinds, text = case
        fast = effect(engine, text)
        if fast[0] == "cannot tell":
            seen["fell back"] += 1
            return
        assert fast == reference(engine, text), text
        seen["answered"] += 1
        seen["changed"] += fast[0] == "ok" and bool(fast[1] or fast[2])
        kinds_answered.update(kinds if fast[0] == "ok" else ["error"])

    check()
    # The comparison means something only if the fast path answered most requests, of every
    # kind, and many of them changed something.
    assert seen["answered"] > seen["fell back"], seen
    assert set(KINDS) <= set(kinds_answered), kinds_answered
    assert seen["changed"] > seen["answered"] / 3, seen

"""An update's change read off the update itself equals the change the copy-and-diff finds.

``update_effect`` works out what an update adds and removes without copying the store;
``change_of`` (the reference) runs it on a copy and compares. These cases are the tricky
ones of SPARQL Update semantics; ``test_update_effect_property.py`` compares the two on
random updates over random data.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat
from pyoxigraph import Store as OxStore

from clustergraph.errors import QueryError
from clustergraph.loading.parse import skolemize
from clustergraph.loading.update_effect import CannotTell, update_effect
from clustergraph.loading.update_job import UpdateJob, change_of, decode_change
from clustergraph.loading.updates import UpdateRequest, prepared_text
from clustergraph.query.evaluation import OK, pyoxigraph_runner

EX = "http://ex/"
G1, G2, EMPTIED = NamedNode(f"{EX}g1"), NamedNode(f"{EX}g2"), NamedNode(f"{EX}emptied")
DATA = f"""
<{EX}a> <{EX}p> <{EX}b> <{EX}g1> .
<{EX}a> <{EX}name> "A" <{EX}g1> .
<{EX}c> <{EX}p> <{EX}d> <{EX}g2> .
<{EX}c> <{EX}p> "lit" <{EX}g2> .
<{EX}e> <{EX}p> <{EX}f> .
_:data <{EX}p> <{EX}a> <{EX}g2> .
"""


def dataset(nquads: str = DATA, *, emptied: Sequence[NamedNode] = (EMPTIED,)) -> OxStore:
    """A store with ``nquads`` and, for each of ``emptied``, a named graph left behind empty
    (as the server's store keeps a graph's name after its last quad is deleted)."""
    store = OxStore()
    store.load(nquads, format=RdfFormat.N_QUADS)
    for graph in emptied:
        quad = Quad(NamedNode(f"{EX}x"), NamedNode(f"{EX}x"), NamedNode(f"{EX}x"), graph)
        store.add(quad)
        store.remove(quad)
    return store


def canonical(engine: OxStore, added: Sequence[Quad], removed: Sequence[Quad]) -> tuple[frozenset, frozenset]:
    """The change with new blank nodes named canonically (as the server skolemises them), so two
    changes compare equal when they differ only in the labels of the blank nodes they create."""
    stored = {t for q in engine for t in (q.subject, q.object, q.graph_name) if isinstance(t, BlankNode)}

    def pin(t):
        return NamedNode(f"urn:stored-bnode:{t.value}") if t in stored else t

    pinned = [Quad(pin(q.subject), q.predicate, pin(q.object), pin(q.graph_name)) for q in added]
    return frozenset(map(str, skolemize(pinned, base_iri="urn:new/"))), frozenset(map(str, removed))


def failure(err: Exception) -> tuple:
    """An error as compared: its type and message, blank node labels left out (the engine names
    whichever shared label it meets first, and its order of meeting them varies between runs)."""
    return ("error", type(err).__name__, re.sub(r"_:\w+", "_:...", str(err)))


def reference(engine: OxStore, text: str, base_iri: str | None = EX) -> tuple:
    """What the copy-and-diff gives: ``("ok", added, removed)`` or ``failure(err)``."""
    try:
        added, removed = change_of(list(engine), text, base_iri=base_iri)
    except (QueryError, RuntimeError) as err:
        return failure(err)
    return ("ok", *canonical(engine, added, removed))


def effect(engine: OxStore, text: str, base_iri: str | None = EX) -> tuple:
    """What ``update_effect`` gives, in ``reference``'s shape, or ``("cannot tell", why)``."""
    try:
        added, removed = update_effect(engine, text, base_iri=base_iri)
    except CannotTell as why:
        return ("cannot tell", str(why))
    except QueryError as err:
        return failure(err)
    return ("ok", *canonical(engine, added, removed))


def same(text: str, engine: OxStore | None = None) -> tuple:
    """Assert the fast path answered and agrees with the reference; return the answer."""
    engine = dataset() if engine is None else engine
    fast = effect(engine, text)
    assert fast[0] != "cannot tell", fast
    assert fast == reference(engine, text)
    return fast


def n(name: str) -> str:
    return f"<{EX}{name}>"


AGREE = {
    "insert data of a quad already there changes nothing": f"INSERT DATA {{ GRAPH {n('g1')} {{ {n('a')} {n('p')} {n('b')} }} }}",
    "delete data of a quad not there changes nothing": f"DELETE DATA {{ {n('a')} {n('p')} {n('zz')} }}",
    "insert data into a graph the store lacks": f'INSERT DATA {{ GRAPH {n("new")} {{ {n("s")} {n("p")} "x"@EN, +1, 01, 1.0 }} }}',
    "a quad deleted and inserted by one operation stays": (
        f"DELETE {{ GRAPH ?g {{ ?s {n('p')} ?o }} }} INSERT {{ GRAPH ?g {{ ?s {n('p')} ?o }} }} "
        f"WHERE {{ GRAPH ?g {{ ?s {n('p')} ?o }} }}"
    ),
    "template triples with an unbound variable are skipped": (
        f"INSERT {{ GRAPH {n('out')} {{ ?s {n('has')} ?missing . ?s {n('seen')} true }} }} "
        f"WHERE {{ GRAPH ?g {{ ?s {n('p')} ?o OPTIONAL {{ ?s {n('nope')} ?missing }} }} }}"
    ),
    "a literal bound in subject position is skipped": f"INSERT {{ ?o {n('back')} ?s }} WHERE {{ GRAPH ?g {{ ?s {n('p')} ?o }} }}",
    "blank nodes of an insert template are new for each solution": (
        f"INSERT {{ GRAPH {n('out')} {{ [] {n('about')} ?s ; {n('list')} (?o 1) }} }} WHERE {{ GRAPH ?g {{ ?s {n('p')} ?o }} }}"
    ),
    "WITH names the templates' graph and the WHERE's default graph; named graphs stay visible": (
        f"WITH {n('g1')} DELETE {{ ?s {n('p')} ?o }} INSERT {{ ?o {n('p')} ?s . GRAPH ?h {{ ?s {n('w')} 1 }} }} "
        f"WHERE {{ ?s {n('p')} ?o OPTIONAL {{ GRAPH ?h {{ ?x {n('p')} ?y }} }} }}"
    ),
    "USING alone leaves no named graphs": f"INSERT {{ {n('r')} {n('saw')} ?g }} USING {n('g1')} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "USING merges its graphs into the default graph": (
        f"INSERT {{ GRAPH {n('out')} {{ ?s ?p ?o }} }} USING {n('g1')} USING {n('g2')} WHERE {{ ?s ?p ?o }}"
    ),
    "USING NAMED alone leaves the default graph empty": (
        f"INSERT {{ {n('r')} {n('saw')} ?o }} USING NAMED {n('g1')} WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s {n('p')} ?o }} }} }}"
    ),
    "without USING or WITH the WHERE matches the store's default graph": "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DELETE WHERE across graphs": f"DELETE WHERE {{ GRAPH ?g {{ ?s {n('p')} ?o }} }}",
    "an emptied graph is not a graph the WHERE can see": f"INSERT {{ {n('r')} {n('graph')} ?g }} WHERE {{ GRAPH ?g {{ }} }}",
    "an emptied graph can be created": f"CREATE GRAPH {n('emptied')}",
    "a graph created and dropped in one request": f"CREATE GRAPH {n('new')} ; DROP GRAPH {n('new')} ; DROP SILENT GRAPH {n('new')}",
    "a graph emptied by DELETE DATA can still be dropped": (
        f"DELETE DATA {{ GRAPH {n('g1')} {{ {n('a')} {n('p')} {n('b')} . {n('a')} {n('name')} 'A' }} }} ; DROP GRAPH {n('g1')}"
    ),
    "COPY of a graph to itself does nothing": f"COPY {n('g1')} TO GRAPH {n('g1')}",
    "MOVE SILENT from a graph that does not exist still empties the target": f"MOVE SILENT {n('none')} TO {n('g1')}",
    "ADD the default graph to a named graph": f"ADD DEFAULT TO {n('g2')}",
    "COPY a named graph over the default graph": f"COPY GRAPH {n('g2')} TO DEFAULT",
    "MOVE then ADD back": f"MOVE {n('g1')} TO {n('g2')} ; ADD {n('g2')} TO {n('g3')}",
    "CLEAR ALL": "CLEAR ALL",
    "DROP NAMED then a graph operation on what is left": f"DROP NAMED ; CLEAR DEFAULT ; CREATE SILENT GRAPH {n('g1')}",
    "a WHERE before any change, then data": (
        f"DELETE WHERE {{ GRAPH {n('g1')} {{ ?s ?p ?o }} }} ; INSERT DATA {{ GRAPH {n('g1')} {{ {n('a')} {n('p')} {n('z')} }} }}"
    ),
    "prefixes and BASE accumulate over operations": (
        f"PREFIX ex: <{EX}> INSERT DATA {{ ex:s ex:p ex:o }} ; BASE <{EX}sub/> INSERT DATA {{ GRAPH ex:g1 {{ <s> ex:p <o> }} }}"
    ),
    "relative IRIs resolve against the request's base": "INSERT DATA { GRAPH <g1> { <rel> <p> <x> } }",
    "a graph variable bound to a new blank node": f"INSERT {{ GRAPH ?g {{ {n('s')} {n('p')} 1 }} }} WHERE {{ BIND(BNODE() AS ?g) }}",
    "a graph variable bound to a literal is skipped": f"INSERT {{ GRAPH ?g {{ {n('s')} {n('p')} 1 }} }} WHERE {{ BIND(1 AS ?g) }}",
    "stored blank nodes are matched and kept": f"INSERT {{ GRAPH {n('out')} {{ ?b {n('copy')} ?o }} }} WHERE {{ GRAPH ?g {{ ?b {n('p')} ?o FILTER(isBlank(?b)) }} }}",
    "a zero-length path inside GRAPH": f"INSERT {{ {n('r')} {n('in')} ?g }} WHERE {{ GRAPH ?g {{ {n('a')} {n('p')}* {n('a')} }} }}",
    "an empty request changes nothing": f"PREFIX ex: <{EX}>",
    "a comparison in a FILTER is not a triple term": (
        f"DELETE {{ GRAPH ?g {{ ?s {n('name')} ?o }} }} WHERE {{ GRAPH ?g {{ ?s {n('name')} ?o FILTER(?o < 'B' && ?o<'C') }} }}"
    ),
}


@pytest.mark.parametrize("text", AGREE.values(), ids=AGREE.keys())
def test_the_fast_path_agrees_with_the_copy_and_diff(text: str) -> None:
    same(text)


def test_an_insert_data_is_its_own_change_less_what_is_there() -> None:
    text = f"INSERT DATA {{ GRAPH {n('g1')} {{ {n('a')} {n('p')} {n('b')}, {n('new')} }} }}"
    added, removed = update_effect(dataset(), text, base_iri=None)
    assert added == [Quad(NamedNode(f"{EX}a"), NamedNode(f"{EX}p"), NamedNode(f"{EX}new"), G1)]
    assert removed == []


def test_blank_nodes_of_a_template_are_new_per_solution_and_shared_within_one() -> None:
    text = f"INSERT {{ GRAPH {n('out')} {{ _:x {n('about')} ?s . _:x {n('via')} ?o }} }} WHERE {{ GRAPH ?g {{ ?s {n('p')} ?o }} }}"
    added, _ = update_effect(dataset(), text, base_iri=None)
    by_node: dict[BlankNode, set[str]] = {}
    for quad in added:
        by_node.setdefault(quad.subject, set()).add(quad.predicate.value)
    assert len(by_node) == 4  # one node per solution (4 quads with ex:p in named graphs)
    assert all(preds == {f"{EX}about", f"{EX}via"} for preds in by_node.values())


def test_a_graph_operation_removes_the_graphs_quads() -> None:
    added, removed = update_effect(dataset(), f"DROP GRAPH {n('g1')}", base_iri=None)
    assert added == []
    assert {q.graph_name for q in removed} == {G1} and len(removed) == 2


CANNOT_TELL = {
    "a WHERE after an operation that changed the data": (
        f"INSERT DATA {{ {n('a')} {n('p')} {n('new')} }} ; INSERT {{ {n('r')} {n('saw')} ?o }} WHERE {{ ?s ?p ?o }}",
        "after an operation that changed",
    ),
    "a WHERE after CREATE of a new graph": (
        f"CREATE GRAPH {n('new')} ; INSERT {{ {n('r')} {n('saw')} ?g }} WHERE {{ GRAPH ?g {{ }} }}",
        "after an operation that changed",
    ),
    "DROP of a graph that does not exist": (f"DROP GRAPH {n('none')}", "does not exist"),
    "DROP of an emptied graph (not in the copy)": (f"DROP GRAPH {n('emptied')}", "does not exist"),
    "CLEAR of a graph that does not exist": (f"CLEAR GRAPH {n('none')}", "does not exist"),
    "CREATE of a graph that exists": (f"CREATE GRAPH {n('g1')}", "exists fails"),
    "MOVE from a graph that does not exist": (f"MOVE {n('none')} TO {n('g1')}", "does not exist"),
    "SERVICE": ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    "triple terms": (f"INSERT DATA {{ {n('a')} {n('p')} <<( {n('a')} {n('p')} {n('b')} )>> }}", "RDF 1.2"),
    "a reifier": (f"INSERT DATA {{ {n('a')} {n('p')} {n('b')} ~ {n('r')} }}", "RDF 1.2"),
    "an annotation": (f"INSERT DATA {{ {n('a')} {n('p')} {n('b')} {{| {n('q')} 1 |}} }}", "RDF 1.2"),
    "an RDF-star triple": (f"INSERT DATA {{ <<{n('a')} {n('p')} {n('b')}>> {n('q')} 1 }}", "RDF 1.2"),
    "a solution that binds a triple term": (
        f"INSERT {{ {n('a')} {n('p')} ?t }} WHERE {{ BIND(TRIPLE({n('a')}, {n('p')}, {n('b')}) AS ?t) }}",
        "triple term",
    ),
}


@pytest.mark.parametrize(("text", "why"), CANNOT_TELL.values(), ids=CANNOT_TELL.keys())
def test_what_the_fast_path_cannot_tell_it_leaves_to_the_copy_and_diff(text: str, why: str) -> None:
    engine = dataset()
    fast = effect(engine, text)
    assert fast[0] == "cannot tell" and why in fast[1], fast
    assert reference(engine, text)[0] in ("ok", "error")  # the fallback still answers


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <a> <b> ",
        "INSERT DATA { _:b <p> 1 } ; INSERT DATA { _:b <p> 2 }",  # one label in two blocks
        "DELETE DATA { _:b <p> 1 }",
        "PREFIX ex: <http://ex/> INSERT DATA { nope:s ex:p 1 }",
    ],
)
def test_a_syntax_error_is_the_engines_own_message(text: str) -> None:
    engine = dataset()
    fast = effect(engine, text)
    assert fast[0] == "error" and fast == reference(engine, text)


def test_the_protocols_using_graphs_are_read_like_written_ones() -> None:
    request = UpdateRequest(
        f"INSERT {{ GRAPH {n('out')} {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}", using_graphs=(f"{EX}g2",)
    )
    fast = same(prepared_text(request))
    assert len(fast[1]) == 3


def test_several_using_graphs_make_one_default_graph_each_triple_once() -> None:
    shared = f"<{EX}a> <{EX}p> <{EX}b>"
    engine = dataset(f"{shared} <{EX}g1> .\n{shared} <{EX}g2> .\n<{EX}c> <{EX}p> <{EX}d> <{EX}g2> .\n")
    text = (
        f"INSERT {{ GRAPH {n('out')} {{ [] {n('about')} ?s }} }} USING {n('g1')} USING {n('g2')} WHERE {{ ?s ?p ?o }}"
    )
    fast = same(text, engine)
    assert len(fast[1]) == 2  # a and c once each, though a is in both graphs
    same(
        f"INSERT {{ GRAPH {n('out')} {{ [] {n('about')} ?s }} }} USING {n('g2')} USING {n('g2')} WHERE {{ ?s ?p ?o }}",
        engine,
    )
    same(
        f"INSERT {{ GRAPH {n('out')} {{ [] {n('in')} ?g }} }} USING {n('g1')} USING {n('g2')} USING NAMED {n('g2')} "
        f"WHERE {{ ?s ?p ?o GRAPH ?g {{ ?s ?p ?o }} }}",
        engine,
    )


def test_a_read_only_on_disk_store_gives_the_same_change(tmp_path: Path) -> None:
    writable = OxStore(str(tmp_path / "store"))
    writable.load(DATA, format=RdfFormat.N_QUADS)
    writable.flush()
    del writable
    engine = OxStore.read_only(str(tmp_path / "store"))
    same(
        f"DELETE {{ GRAPH ?g {{ ?s {n('p')} ?o }} }} INSERT {{ GRAPH ?g {{ ?o {n('q')} ?s }} }} WHERE {{ GRAPH ?g {{ ?s {n('p')} ?o }} }}",
        engine,
    )
    same(f"COPY {n('g1')} TO {n('g2')}", engine)


def test_the_update_job_says_which_method_found_the_change() -> None:
    engine = dataset()
    text = f"DELETE WHERE {{ GRAPH ?g {{ ?s {n('name')} ?o }} }} ; INSERT DATA {{ GRAPH {n('g1')} {{ {n('a')} {n('name')} 'B' }} }}"
    fast = UpdateJob(text, base_iri=None, skolem_base="urn:sk/").perform(pyoxigraph_runner(engine), engine)
    slow = UpdateJob(text, base_iri=None, skolem_base="urn:sk/", copy_and_diff=True).perform(
        pyoxigraph_runner(engine), engine
    )
    assert (fast.status, fast.message) == (OK, "effect")
    assert (slow.status, slow.message) == (OK, "copy: asked for")
    assert decode_change(fast) == decode_change(slow)
    added, removed = decode_change(fast)
    assert added == [Quad(NamedNode(f"{EX}a"), NamedNode(f"{EX}name"), Literal("B"), G1)]
    assert removed == [Quad(NamedNode(f"{EX}a"), NamedNode(f"{EX}name"), Literal("A"), G1)]


def test_the_update_job_falls_back_with_its_reason_and_keeps_the_engines_error() -> None:
    engine = dataset()
    outcome = UpdateJob(f"DROP GRAPH {n('none')}", base_iri=None, skolem_base="urn:sk/").perform(
        pyoxigraph_runner(engine), engine
    )
    assert outcome.status != OK and "does not exist" in outcome.message
    moved = UpdateJob(
        f"INSERT DATA {{ {n('s')} {n('p')} 1 }} ; DELETE WHERE {{ ?s {n('p')} ?o }}",
        base_iri=None,
        skolem_base="urn:sk/",
    )
    done = moved.perform(pyoxigraph_runner(engine), engine)
    assert done.status == OK and done.message.startswith("copy: a WHERE clause after")
    added, removed = pickle.loads(done.body)
    assert added == [] and {q.graph_name for q in removed} == {DefaultGraph()}

"""A retrieval from an external endpoint as a source of its own, committed through the SHACL gate.

Each kind of retrieval (``nuts``, ``cordis``) has one named graph, ``{base}source/eu-{kind}``,
which holds the retrieved facts and the graph's own description as a ``cg:RetrievedSource``:
endpoint, the queries asked, retrieval time, licence and modification date. Committing
clears that graph and adds the new retrieval in one transaction, so the previous retrieval
of the same kind is replaced, never merged, and a refused or failed retrieval leaves the
store as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Quad

from clustergraph.loading.loader import gate_for
from clustergraph.loading.report import Report
from clustergraph.loading.validation import Change, ShaclGate
from clustergraph.namespaces import CG, PREFIXES
from clustergraph.settings import Settings
from clustergraph.store.base import Store

XSD_DATETIME = NamedNode(PREFIXES["xsd"] + "dateTime")
XSD_DATE = NamedNode(PREFIXES["xsd"] + "date")
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
# The European Commission's reuse policy (Decision 2011/833/EU, CC BY 4.0 since 2019)
# covers both CORDIS and the NUTS vocabulary.
EU_LICENCE = NamedNode("https://creativecommons.org/licenses/by/4.0/")


def term(prefix: str, local: str) -> NamedNode:
    """A NamedNode from a prefix of ``namespaces.PREFIXES``."""
    return NamedNode(PREFIXES[prefix] + local)


@dataclass
class Retrieval:
    """The facts one run of a connector retrieved, and what it asked where."""

    kind: str
    title: str
    endpoint: str
    base_iri: str
    queries: list[str] = field(default_factory=list)
    triples: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = field(default_factory=list)
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def graph(self) -> NamedNode:
        return NamedNode(f"{self.base_iri}source/eu-{self.kind}")

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.triples.append((s, p, o))

    def quads(self) -> list[Quad]:
        """The retrieved facts and the source description, all in the retrieval's graph."""
        g = self.graph
        stamp = Literal(self.retrieved_at.replace(microsecond=0).isoformat().replace("+00:00", "Z"), datatype=XSD_DATETIME)
        described = [
            (g, RDF_TYPE, NamedNode(str(CG.Source))),
            (g, RDF_TYPE, NamedNode(str(CG.RetrievedSource))),
            (g, term("dct", "title"), Literal(self.title, language="en")),
            (g, term("schema", "url"), NamedNode(self.endpoint)),
            (g, NamedNode(str(CG.endpoint)), NamedNode(self.endpoint)),
            (g, term("prov", "generatedAtTime"), stamp),
            # Like every web source, the day it was read (the shapes ask it of each schema:url).
            (g, NamedNode(str(CG.accessed)), Literal(self.retrieved_at.date().isoformat(), datatype=XSD_DATE)),
            (g, term("dct", "modified"), stamp),
            (g, term("dct", "license"), EU_LICENCE),
        ]
        described += [(g, NamedNode(str(CG.retrievalQuery)), Literal(q)) for q in dict.fromkeys(self.queries)]
        seen = dict.fromkeys(described + self.triples)
        return [Quad(s, p, o, g) for s, p, o in seen]


@dataclass
class Committed:
    graph: str
    quads: int
    report: Report


def commit(store: Store, settings: Settings, retrieval: Retrieval, *, gate: ShaclGate | None = None) -> Committed:
    """Validate ``retrieval`` together with what is stored, then replace its graph in one transaction.

    Raises ``ValidationFailed`` (nothing written) when the result would break the shapes.
    """
    gate = gate or gate_for(settings)
    quads = retrieval.quads()
    change = Change(add=quads, clear_graphs=[retrieval.graph])
    report = gate.require(store, change)
    store.apply(add=change.add, clear_graphs=change.clear_graphs)
    return Committed(graph=retrieval.graph.value, quads=len(quads), report=report)


def values(iris: Sequence[str]) -> str:
    """IRIs for a VALUES block; ``NamedNode`` refuses anything that is not an IRI, so nothing breaks out."""
    return " ".join(str(NamedNode(iri)) for iri in sorted(set(iris)))

"""Reading the W3C test manifests (HTTP-in-RDF ``ht:`` requests) into plain dataclasses.

The manifests are Turtle files whose ``mf:entries`` list tests in order and whose
``mf:include`` pulls in other manifests. A test's action is an ``ht:Connection`` with an
ordered list of ``ht:Request``; each request carries its expected ``ht:Response``
(``mf:expectedStatus``, ``mf:expectedFormat``, ``mf:expectedBoolean``,
``mf:expectedLocation``, and for the Graph Store tests a ``Content-Type`` and a body
that the response must be isomorphic to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote, urlparse

from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from clustergraph.errors import InputError

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

# The suites the runner knows, by folder below the manifests directory.
SUITES = ("protocol", "graph-store-protocol", "service-description")
TEST_TYPES = {MF.ProtocolTest: "protocol", MF.GraphStoreProtocolTest: "graph-store", MF.ServiceDescriptionTest: "service-description"}
_STATUS_BY_NAME = {s.phrase.replace(" ", "").replace("-", "").lower(): s.value for s in HTTPStatus}


@dataclass(frozen=True)
class StatusExpectation:
    """Acceptable statuses: exact codes (``hts:Created``) and classes (``hts:StatusCode2xx`` -> 2)."""

    codes: frozenset[int] = frozenset()
    classes: frozenset[int] = frozenset()

    def accepts(self, status: int) -> bool:
        if not self.codes and not self.classes:
            return True
        return status in self.codes or status // 100 in self.classes

    def __str__(self) -> str:
        parts = sorted(str(c) for c in self.codes) + sorted(f"{c}xx" for c in self.classes)
        return " or ".join(parts) or "any"


@dataclass(frozen=True)
class Expected:
    """What one response must look like."""

    status: StatusExpectation
    format: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None
    location_variable: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None


@dataclass(frozen=True)
class HttpRequest:
    """One ``ht:Request`` as written in the manifest (paths still point at ``/sparql/`` or ``/gsp``)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    encoding: str
    expected: Expected

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass(frozen=True)
class GraphData:
    """A file the test needs loaded as a named graph."""

    path: Path
    graph: str


@dataclass
class ManifestTest:
    iri: str
    name: str
    kind: str  # "protocol", "graph-store" or "service-description"
    suite: str
    requests: list[HttpRequest] = field(default_factory=list)
    graph_data: list[GraphData] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The local name of the test IRI (``query_post_form``)."""
        return self.iri.rsplit("#", 1)[-1]


def load_suites(manifests_dir: Path) -> list[ManifestTest]:
    """Every test of the protocol, Graph Store and Service Description manifests below ``manifests_dir``.

    Raises ``InputError`` when a suite's ``manifest.ttl`` is missing or unreadable.
    """
    tests: list[ManifestTest] = []
    for suite in SUITES:
        path = manifests_dir / suite / "manifest.ttl"
        if not path.is_file():
            raise InputError(f"{path}: no such manifest (expected folders {', '.join(SUITES)} below {manifests_dir})")
        tests.extend(load_manifest(path, suite))
    return tests


def load_manifest(path: Path, suite: str) -> list[ManifestTest]:
    """The tests listed in ``mf:entries`` of ``path`` and of the manifests it includes, in order."""
    graph = Graph()
    # One IRI for the manifest whether or not its folder is reached through a symbolic link.
    manifest = URIRef(path.resolve().as_uri())
    try:
        graph.parse(path, format="turtle", publicID=str(manifest))
    except Exception as err:  # rdflib raises many kinds of parse errors
        raise InputError(f"{path}: cannot read the manifest: {err}") from err
    tests: list[ManifestTest] = []
    for included in _list(graph, graph.value(manifest, MF.include)):
        tests.extend(load_manifest(_file(included), suite))
    for entry in _list(graph, graph.value(manifest, MF.entries)):
        tests.append(_test(graph, entry, suite))
    return tests


def _test(graph: Graph, entry, suite: str) -> ManifestTest:
    kind = next((TEST_TYPES[t] for t in graph.objects(entry, RDF.type) if t in TEST_TYPES), None)
    if kind is None:
        raise InputError(f"{entry}: not a protocol, graph store or service description test")
    test = ManifestTest(iri=str(entry), name=str(graph.value(entry, MF.name) or entry), kind=kind, suite=suite)
    test.requires = sorted(str(r).rsplit("#", 1)[-1] for r in graph.objects(entry, MF.requires))
    for data in graph.objects(entry, UT.graphData):
        test.graph_data.append(GraphData(_file(graph.value(data, UT.graph)), str(graph.value(data, RDFS.label))))
    action = graph.value(entry, MF.action)
    if action is not None:
        test.requests = [_request(graph, node) for node in _list(graph, graph.value(action, HT.requests))]
    return test


def _request(graph: Graph, node) -> HttpRequest:
    body_node = graph.value(node, HT.body)
    body = None
    encoding = "UTF-8"
    if body_node is not None:
        body = str(graph.value(body_node, CNT.chars))
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
    response = graph.value(node, HT.resp)
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=_headers(graph, graph.value(node, HT.headers)),
        body=body,
        encoding=encoding,
        expected=_expected(graph, response),
    )


def _expected(graph: Graph, response) -> Expected:
    if response is None:
        return Expected(StatusExpectation())
    codes, classes = set(), set()
    for status in graph.objects(response, MF.expectedStatus):
        name = str(status).rsplit("#", 1)[-1]
        if name.startswith("StatusCode") and name.endswith("xx"):
            classes.add(int(name[len("StatusCode")]))
        elif name.lower() in _STATUS_BY_NAME:
            codes.add(_STATUS_BY_NAME[name.lower()])
        else:
            raise InputError(f"unknown expected status {status}")
    fmt = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    location = graph.value(response, MF.expectedLocation)
    body_node = graph.value(response, HT.body)
    return Expected(
        status=StatusExpectation(frozenset(codes), frozenset(classes)),
        format=str(fmt) if fmt is not None else None,
        boolean=bool(boolean.toPython()) if boolean is not None else None,
        location_variable=str(location) if location is not None else None,
        headers=_headers(graph, graph.value(response, HT.headers)),
        body=str(graph.value(body_node, CNT.chars)) if body_node is not None else None,
    )


def _headers(graph: Graph, head) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue))) for h in _list(graph, head)
    )


def _list(graph: Graph, head) -> list:
    return list(Collection(graph, head)) if head is not None else []


def _file(iri) -> Path:
    parsed = urlparse(str(iri))
    if parsed.scheme != "file":
        raise InputError(f"{iri}: the runner reads only local files")
    return Path(unquote(parsed.path))

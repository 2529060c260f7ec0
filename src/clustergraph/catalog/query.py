"""The little SPARQL toolkit every repository module uses.

* ``Catalog`` is the context a repository function needs: the store and the base IRI.
* ``select`` runs a module-constant query with bound variables (pyoxigraph ``substitutions``),
  never with user text pasted into the query string.
* ``values`` renders a ``VALUES`` block from IRIs read from the store or built from a
  validated id (pyoxigraph ``NamedNode`` objects print in N-Triples syntax, which is valid
  SPARQL), so a page of resources is described with one query instead of one per resource.
* ``is_a`` / ``typed`` put class markers in a query that ``Catalog.expand`` replaces by the
  class and its subclasses as read from the ontology (no ``rdfs:subClassOf*`` paths in the
  queries: see ``Catalog.expand``).
* ``ids``: the short ids of the API are the slugs of the resource IRIs
  (``{base}cluster/its-owl`` has id ``its-owl``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, QuerySolutions

from clustergraph.namespaces import CG, sparql_prologue
from clustergraph.store.base import Store, Term

PROLOGUE = sparql_prologue()
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
Row = dict[str, Term]
# Every class at or below ?class (one cheap query over the ontology's subclass triples).
CLASS_CLOSURE = "SELECT DISTINCT ?sub WHERE { ?sub rdfs:subClassOf* ?class }"
_CLASS_CACHE: dict[tuple, list[NamedNode]] = {}
_MARKER = re.compile(r"#(IS_A|TYPED) ([A-Za-z_][A-Za-z0-9_]*) (cg:[A-Za-z]+)#")


@dataclass(frozen=True)
class Catalog:
    """What every repository function works on: a store and the base of the resource IRIs."""

    store: Store
    base_iri: str

    def iri(self, kind: str, slug: str) -> NamedNode:
        """The IRI of the resource ``slug`` of ``kind`` (``cluster``, ``organisation``...).

        Raises ``ValueError`` for a slug that cannot occur in the data (the shapes allow
        only lower-case letters, digits and single hyphens), so no odd text reaches a query.
        """
        if not _SLUG.match(slug):
            raise ValueError(f"not a valid id: {slug!r}")
        return NamedNode(f"{self.base_iri}{kind}/{slug}")

    def kind_of(self, iri: str) -> str | None:
        """``cluster`` for ``{base}cluster/x``; ``None`` for an IRI outside the base."""
        if not iri.startswith(self.base_iri):
            return None
        rest = iri[len(self.base_iri) :]
        return rest.split("/", 1)[0] if "/" in rest else None

    def id_of(self, iri: str) -> str:
        """The short id of an IRI: the part after ``{base}{kind}/``, else its local name."""
        if iri.startswith(self.base_iri):
            rest = iri[len(self.base_iri) :]
            if "/" in rest:
                return rest.split("/", 1)[1]
            return rest
        return re.split(r"[/#]", iri.rstrip("/#"))[-1]

    def classes(self, cls: str) -> list[NamedNode]:
        """``cls`` (``cg:Cluster``) and every class below it, from the ontology in the store.

        Read once per content version of a local store (the ontology hardly ever changes).
        """
        iri = NamedNode(str(CG) + cls.split(":", 1)[1])
        version = self.store.version if self.store.kind != "remote" else None
        key = (version, iri.value)
        if version is not None and key in _CLASS_CACHE:
            return _CLASS_CACHE[key]
        # The class is inlined (a constant of the calling module): Virtuoso refuses a
        # transitive path whose start is only bound by VALUES.
        result = self.store.query(PROLOGUE + CLASS_CLOSURE.replace("?class", str(iri)))
        found = {iri.value: iri}
        for solution in result:
            term = solution["sub"]
            if isinstance(term, NamedNode):
                found.setdefault(term.value, term)
        classes = sorted(found.values(), key=lambda n: n.value)
        if version is not None:
            if len(_CLASS_CACHE) > 64:
                _CLASS_CACHE.clear()
            _CLASS_CACHE[key] = classes
        return classes

    def expand(self, sparql: str) -> str:
        """Replace the class markers of ``is_a``/``typed`` by the class lists they stand for.

        Instead of ``?s a/rdfs:subClassOf* cg:Cluster`` in every query: pyoxigraph evaluates
        such a path from its unbound side (a page query becomes tens of times slower on a
        large graph) and Virtuoso returns nothing when it meets one next to OPTIONAL and
        GROUP BY. The class IRIs come from the store and print in N-Triples syntax.
        """

        def replace(match: re.Match) -> str:
            kind, var, cls = match.groups()
            classes = self.classes(cls)
            if kind == "TYPED":
                return f"?{var} a ?{var}Type . VALUES ?{var}Type {{ {' '.join(str(c) for c in classes)} }}"
            listed = ", ".join(str(c) for c in classes)
            return f"FILTER EXISTS {{ ?{var} a ?{var}Type FILTER(?{var}Type IN ({listed})) }}"

        return _MARKER.sub(replace, sparql)

    def select(self, sparql: str, **bindings: Term | None) -> list[Row]:
        """Run a SELECT query (module constant) with ``bindings`` as bound variables.

        ``None`` bindings are dropped. pyoxigraph binds only variables that the query
        projects, so every bound variable must appear in the SELECT clause.
        Raises the store's errors (``QueryError``, ``StoreUnavailable``).
        """
        substitutions = {name: term for name, term in bindings.items() if term is not None}
        result = self.store.query(PROLOGUE + self.expand(sparql), substitutions=substitutions or None)
        assert isinstance(result, QuerySolutions), "select() runs SELECT queries only"
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        for solution in result:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term
            rows.append(row)
        return rows

    def ask(self, sparql: str, **bindings: Term) -> bool:
        """Run an ASK query with bound variables (which pyoxigraph allows without projection)."""
        return bool(self.store.query(PROLOGUE + self.expand(sparql), substitutions=dict(bindings) or None))


def values(var: str, terms: Iterable[NamedNode]) -> str:
    """A ``VALUES ?var { ... }`` block for IRIs read from the store or built from a validated id.

    Only ``NamedNode`` objects are accepted: their ``str()`` is N-Triples syntax with every
    character that could end the IRI escaped, so the block cannot change the query.
    An empty input gives a block that matches nothing.
    """
    items = []
    for term in terms:
        if not isinstance(term, NamedNode):
            raise TypeError("values() takes NamedNode objects only")
        items.append(str(term))
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
        raise ValueError(f"bad variable name {var!r}")
    return f"VALUES ?{var} {{ {' '.join(items)} }}"


def with_values(sparql: str, var: str, terms: Iterable[NamedNode]) -> str:
    """Put a ``VALUES`` block where the query constant says ``#VALUES#``."""
    if "#VALUES#" not in sparql:
        raise ValueError("query has no #VALUES# marker")
    return sparql.replace("#VALUES#", values(var, terms))


def text(term: Term | None) -> str | None:
    """The lexical form of a literal, the IRI of a named node, ``None`` for nothing."""
    if term is None:
        return None
    if isinstance(term, (Literal, NamedNode)):
        return term.value
    return str(term)


def integer(term: Term | None, default: int = 0) -> int:
    if term is None:
        return default
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        return default


def boolean(term: Term | None) -> bool | None:
    if term is None:
        return None
    return term.value in ("true", "1")


def number(term: Term | None) -> int | float | None:
    """An xsd:integer as int, an xsd:decimal/double as float."""
    if term is None:
        return None
    try:
        return int(term.value)
    except ValueError:
        try:
            return float(term.value)
        except ValueError:
            return None


def cg_local(iri: str) -> str | None:
    """``StateCluster`` for ``cg:StateCluster``; ``None`` outside the cg: namespace."""
    return iri[len(str(CG)) :] if iri.startswith(str(CG)) else None


def group(rows: Iterable[Mapping[str, Term]], key: str) -> dict[str, list[Mapping[str, Term]]]:
    """Rows grouped by the IRI/value of column ``key`` (order of first appearance kept)."""
    out: dict[str, list[Mapping[str, Term]]] = {}
    for row in rows:
        term = row.get(key)
        if term is not None:
            out.setdefault(term.value, []).append(row)
    return out


@dataclass(frozen=True)
class Fragment:
    """A constant graph pattern that narrows a list query, and the variables it binds.

    A list query is a constant template with a ``#FILTERS#`` marker (where the fragments of
    the active filters go) and a ``#BOUND#`` marker (in SELECT and GROUP BY: the bound
    variables, which pyoxigraph requires to be projected). Values reach the query only as
    bound variables.
    """

    pattern: str
    variables: tuple[str, ...]


def compose(template: str, active: Iterable[tuple[Fragment, Mapping[str, Term]]]) -> tuple[str, dict[str, Term]]:
    """Fill a list-query template with the active filter fragments.

    Returns the query and its bindings. Raises ``ValueError`` when a fragment's variable
    has no value (a programming error, never user input).
    """
    patterns: list[str] = []
    bindings: dict[str, Term] = {}
    for fragment, values_ in active:
        for name in fragment.variables:
            if name not in values_:
                raise ValueError(f"no value for ?{name}")
            bindings[name] = values_[name]
        patterns.append(fragment.pattern)
    bound = " ".join(f"?{name}" for name in bindings)
    return template.replace("#FILTERS#", "\n".join(patterns)).replace("#BOUND#", bound), bindings


def is_a(var: str, cls: str) -> str:
    """A marker that keeps rows whose bound ``?var`` is an instance of ``cls`` or a subclass.

    ``Catalog.select`` expands it (see ``Catalog.expand``). ``var`` and ``cls`` are constants
    of the calling module, never user input.
    """
    return _marker("IS_A", var, cls)


def typed(var: str, cls: str) -> str:
    """A marker that binds ``?var`` to every instance of ``cls`` or a subclass (for lists)."""
    return _marker("TYPED", var, cls)


def _marker(kind: str, var: str, cls: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var) or not re.fullmatch(r"cg:[A-Za-z]+", cls):
        raise ValueError("class markers take a variable name and a cg: class")
    return f"#{kind} {var} {cls}#"

"""Building blocks shared by the repositories: names, references, sources, figures, pages."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.models import Figure, Names, Page, Ref, SourceRef
from clustergraph.catalog.query import Catalog, cg_local, number, text, with_values
from clustergraph.errors import NotFound

T = TypeVar("T")

# Names of any resources: preferred labels, else rdfs:label (ontology terms), else dct:title (sources).
NAMES = """
SELECT ?s ?label ?rank WHERE {
  #VALUES#
  { ?s skos:prefLabel ?label BIND(1 AS ?rank) }
  UNION { ?s rdfs:label ?label BIND(2 AS ?rank) }
  UNION { ?s dct:title ?label BIND(3 AS ?rank) }
}
"""

# Which named graphs state something about each subject: the provenance of its facts.
SOURCES_OF = """
SELECT DISTINCT ?s ?g WHERE {
  #VALUES#
  GRAPH ?g { ?s ?p ?o }
}
"""

# Dated figures about each resource, with the graph each figure is stated in.
FIGURES_OF = """
SELECT ?s ?f ?measure ?value ?qualifier ?date ?g WHERE {
  #VALUES#
  GRAPH ?g { ?f cg:figureOf ?s }
  OPTIONAL { ?f cg:measure ?measure }
  OPTIONAL { ?f cg:value ?value }
  OPTIONAL { ?f cg:qualifier ?qualifier }
  OPTIONAL { ?f cg:referenceDate ?date }
}
"""

# Does a resource of this class (or a subclass) exist? (?s bound; the marker names the class.)
EXISTS_AS = "ASK { #TYPED s CLASS# }"


class Labels(Names):
    """Names by language plus a label without language tag (``plain``), which the API omits."""

    plain: str | None = None


def names_of(cat: Catalog, iris: Iterable[NamedNode]) -> dict[str, Labels]:
    """Names by language of each IRI (``skos:prefLabel``, else ``rdfs:label``, else ``dct:title``)."""
    unique = _unique(iris)
    if not unique:
        return {}
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for row in cat.select(with_values(NAMES, "s", unique)):
        label = row["label"]
        lang = label.language if isinstance(label, Literal) and label.language else ""
        key = (row["s"].value, lang.split("-")[0].lower())
        rank = int(row["rank"].value)
        # The lowest rank wins; among equals the smallest string, so the choice is stable.
        if key not in best or (rank, label.value) < best[key]:
            best[key] = (rank, label.value)
    by_iri: dict[str, dict[str, str]] = {}
    for (iri, lang), (_, value) in best.items():
        by_iri.setdefault(iri, {})[lang] = value
    return {
        iri: Labels(en=langs.get("en"), de=langs.get("de"), plain=langs.get("")) for iri, langs in by_iri.items()
    }


def display_name(names: Names | None) -> str | None:
    """The name to show: English, else German, else an untagged label."""
    if names is None:
        return None
    return names.en or names.de or getattr(names, "plain", None)


def public_names(names: Names | None) -> Names:
    """``names`` as the API shows them (only the @en and @de labels)."""
    if names is None:
        return Names()
    return Names(en=names.en, de=names.de)


def identity(cat: Catalog, iri: NamedNode, names: Names | None) -> dict[str, object]:
    """The fields every resource of the API starts with: ``id``, ``iri``, ``name``, ``names``."""
    slug = cat.id_of(iri.value)
    return {"id": slug, "iri": iri.value, "name": display_name(names) or slug, "names": public_names(names)}


def refs(cat: Catalog, iris: Iterable[NamedNode]) -> dict[str, Ref]:
    """A ``Ref`` (id, iri, kind, name) for each IRI, with names read in one query."""
    unique = _unique(iris)
    names = names_of(cat, unique)
    return {iri.value: make_ref(cat, iri.value, names.get(iri.value)) for iri in unique}


def make_ref(cat: Catalog, iri: str, names: Names | None) -> Ref:
    return Ref(id=cat.id_of(iri), iri=iri, kind=cat.kind_of(iri), name=display_name(names) or cat.id_of(iri))


def source_ref(ref: Ref) -> SourceRef:
    return SourceRef(**ref.model_dump())


def sources_of(cat: Catalog, iris: Iterable[NamedNode]) -> dict[str, list[SourceRef]]:
    """The sources (named graphs) that state facts about each IRI, sorted by id."""
    unique = _unique(iris)
    if not unique:
        return {}
    rows = cat.select(with_values(SOURCES_OF, "s", unique))
    graphs = refs(cat, [r["g"] for r in rows if isinstance(r.get("g"), NamedNode)])
    out: dict[str, list[SourceRef]] = {}
    for row in rows:
        g = row.get("g")
        if isinstance(g, NamedNode):
            out.setdefault(row["s"].value, []).append(source_ref(graphs[g.value]))
    return {iri: sorted(items, key=lambda r: r.id) for iri, items in out.items()}


def figures_of(cat: Catalog, iris: Iterable[NamedNode]) -> dict[str, list[Figure]]:
    """Dated figures about each IRI, newest first per measure, each with its sources."""
    unique = _unique(iris)
    if not unique:
        return {}
    rows = cat.select(with_values(FIGURES_OF, "s", unique))
    linked = refs(cat, [r[k] for r in rows for k in ("g", "measure") if isinstance(r.get(k), NamedNode)])
    by_figure: dict[tuple[str, str], Figure] = {}
    order: dict[str, list[Figure]] = {}
    for row in rows:
        key = (row["s"].value, row["f"].value)
        figure = by_figure.get(key)
        if figure is None:
            measure = row.get("measure")
            figure = Figure(
                id=cat.id_of(row["f"].value),
                iri=row["f"].value,
                measure=cg_local(measure.value) if measure is not None else None,
                measure_name=linked[measure.value].name if isinstance(measure, NamedNode) else None,
                value=number(row.get("value")),
                qualifier=text(row.get("qualifier")),
                reference_date=text(row.get("date")),
            )
            by_figure[key] = figure
            order.setdefault(key[0], []).append(figure)
        g = row.get("g")
        if isinstance(g, NamedNode) and all(s.iri != g.value for s in figure.sources):
            figure.sources.append(source_ref(linked[g.value]))
    for figures in order.values():
        # By measure, newest first, then IRI; two passes because only the date runs backwards.
        figures.sort(key=lambda f: f.iri)
        figures.sort(key=lambda f: f.reference_date or "", reverse=True)
        figures.sort(key=lambda f: f.measure or "")
        for figure in figures:
            figure.sources.sort(key=lambda s: s.id)
    return order


def require(cat: Catalog, kind: str, slug: str, cls: NamedNode, label: str) -> NamedNode:
    """The IRI of ``slug`` if the graph holds a resource of class ``cls`` there.

    Raises ``NotFound`` (HTTP 404) otherwise, also for ids that cannot be valid slugs.
    """
    try:
        iri = cat.iri(kind, slug)
    except ValueError:
        raise NotFound(f"no {label} with id {slug!r}") from None
    if not cat.ask(EXISTS_AS.replace("CLASS", "cg:" + (cg_local(cls.value) or "")), s=iri):
        raise NotFound(f"no {label} with id {slug!r}")
    return iri


def paginate(items: Sequence[T], limit: int | None, offset: int, build: Callable[[Sequence[T]], list]) -> Page:
    """A ``Page`` of ``items[offset:offset+limit]`` built by ``build``, with the total count.

    ``limit=None`` means every item from ``offset`` on (for callers inside the service).
    """
    limit = len(items) if limit is None else limit
    window = items[offset : offset + limit]
    return Page(data=build(window) if window else [], count=len(items), limit=limit, offset=offset)


def _unique(iris: Iterable[NamedNode]) -> list[NamedNode]:
    seen: dict[str, NamedNode] = {}
    for iri in iris:
        if isinstance(iri, NamedNode):
            seen.setdefault(iri.value, iri)
    return list(seen.values())


Facts = dict[str, list]


def facts(cat: Catalog, sparql: str, iris: Iterable[NamedNode], var: str = "s") -> dict[str, Facts]:
    """Run a facts query (columns ``?{var} ?key ?o``) for many resources at once.

    Returns ``{iri: {key: [terms, in a stable order, without duplicates]}}``.
    """
    unique = _unique(iris)
    if not unique:
        return {}
    out: dict[str, Facts] = {iri.value: {} for iri in unique}
    for row in cat.select(with_values(sparql, var, unique)):
        subject, key, obj = row.get(var), row.get("key"), row.get("o")
        if subject is None or key is None or obj is None:
            continue
        bucket = out.setdefault(subject.value, {}).setdefault(key.value, [])
        if obj not in bucket:
            bucket.append(obj)
    for per_key in out.values():
        for key, terms in per_key.items():
            per_key[key] = sorted(terms, key=lambda t: (t.value, str(t)))
    return out


def first_text(values: Facts, key: str) -> str | None:
    """The first (smallest) value of ``key`` as text."""
    terms = values.get(key) or []
    return text(terms[0]) if terms else None


def iris(values: Facts, key: str) -> list[NamedNode]:
    return [t for t in values.get(key, []) if isinstance(t, NamedNode)]


_ORDERED_CACHE: OrderedDict[tuple, list[NamedNode]] = OrderedDict()
_ORDERED_CACHE_SIZE = 256
_ORDERED_LOCK = threading.Lock()
_MEMO: OrderedDict[tuple, object] = OrderedDict()
_MEMO_SIZE = 16
_MEMO_LOCKS: dict[str, threading.Lock] = {}


def per_version(cat: Catalog, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept per store content version (and base IRI) under ``name``.

    For what depends on the whole graph and is read by many requests (the ties of every
    cluster): worked out once per version, by one caller while the others wait. A remote
    store's version is new on every call (others may write to it), so there it is computed
    every time. Raises what ``compute`` raises.
    """
    if cat.store.kind == "remote":
        return compute()
    key = (name, cat.store.version, cat.base_iri)
    with _ORDERED_LOCK:
        lock = _MEMO_LOCKS.setdefault(name, threading.Lock())
    with lock:
        with _ORDERED_LOCK:
            if key in _MEMO:
                _MEMO.move_to_end(key)
                return _MEMO[key]  # type: ignore[return-value]
        value = compute()
        with _ORDERED_LOCK:
            _MEMO[key] = value
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
        return value


def ordered(cat: Catalog, sparql: str, var: str = "s", *, descending: bool = False, **bindings) -> list[NamedNode]:
    """The distinct IRIs in column ``var`` of a list query, in a stable order.

    The order is by the ``?sortKey`` column (case-insensitive; highest first with
    ``descending``; rows without a key last), then by IRI. It is applied here, not by the
    query's ORDER BY, so every backend pages the same way (Virtuoso orders computed strings
    by its own rules). Sorting every match is the dear part of a list page on a large graph,
    and the same list is asked for page after page; so the result is kept per store content
    version (the token behind the API's ETags) and used again until the store changes. Not
    for a remote store: others may write to it, so its version is new on every call.
    """
    version = cat.store.version if cat.store.kind != "remote" else None
    key = (version, sparql, var, descending, tuple(sorted((n, str(t)) for n, t in bindings.items() if t is not None)))
    if version is not None:
        with _ORDERED_LOCK:
            hit = _ORDERED_CACHE.get(key)
            if hit is not None:
                _ORDERED_CACHE.move_to_end(key)
                return list(hit)
    keys: dict[str, tuple[NamedNode, str | None]] = {}
    for row in cat.select(sparql, **bindings):
        term = row.get(var)
        if isinstance(term, NamedNode):
            sort_key = row.get("sortKey")
            value = sort_key.value.lower() if sort_key is not None else None
            if term.value not in keys or keys[term.value][1] is None:
                keys[term.value] = (term, value)
    by_iri = sorted(keys.values(), key=lambda item: item[0].value)
    with_key = sorted((i for i in by_iri if i[1] is not None), key=lambda item: item[1], reverse=descending)
    result = [term for term, _ in with_key] + [term for term, value in by_iri if value is None]
    if version is not None:
        with _ORDERED_LOCK:
            _ORDERED_CACHE[key] = list(result)
            while len(_ORDERED_CACHE) > _ORDERED_CACHE_SIZE:
                _ORDERED_CACHE.popitem(last=False)
    return result


def sorted_refs(items: Iterable[Ref]) -> list[Ref]:
    """References in a stable order: by name (case-insensitive), then IRI."""
    return sorted(items, key=lambda r: ((r.name or "").casefold(), r.iri))


def types_of(values: Facts, key: str = "type") -> list[str]:
    """cg: class local names among the rdf:type values, sorted."""
    return sorted({name for t in values.get(key, []) if (name := cg_local(t.value))})


def localised(terms: Iterable) -> str | None:
    """The English text among ``terms`` if there is one, else German, else an untagged one.

    Among several texts of one language the smallest wins, so the choice is stable.
    """
    by_lang: dict[str, str] = {}
    for term in sorted(terms, key=lambda t: t.value):
        lang = (term.language or "").split("-")[0].lower() if isinstance(term, Literal) else ""
        by_lang.setdefault(lang, term.value)
    for lang in ("en", "de", ""):
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), None)


# Every place something is based in, with its names.
PLACES = """
SELECT DISTINCT ?place ?name WHERE { ?x cg:basedIn ?place . OPTIONAL { ?place skos:prefLabel|skos:altLabel ?name } }
"""


def places_matching(cat: Catalog, city: str) -> list[NamedNode]:
    """The places named ``city`` (any language, case-insensitive) or whose id is ``city``.

    Matched in Python over the few places there are, so no backend compares non-ASCII text
    by its own rules (Virtuoso misses "Düsseldorf" bound from a request).
    """
    wanted = city.strip().casefold()
    found: dict[str, NamedNode] = {}
    for row in cat.select(PLACES):
        place, name = row.get("place"), row.get("name")
        if not isinstance(place, NamedNode):
            continue
        if cat.id_of(place.value) == wanted or (name is not None and name.value.casefold() == wanted):
            found[place.value] = place
    return sorted(found.values(), key=lambda p: p.value)

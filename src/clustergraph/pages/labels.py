"""Names for IRIs in a chosen language, fetched in one query per batch of IRIs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Self

from pyoxigraph import Literal, NamedNode

from clustergraph.namespaces import CG, PREFIXES, sparql_prologue
from clustergraph.pages.vocabulary import builtin_label
from clustergraph.store.base import Store

LANGUAGES = ("en", "de")

# Name properties, best first; cg:shortName only when nothing else names the resource.
NAME_PROPERTIES = (
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["rdfs"] + "label",
    PREFIXES["dct"] + "title",
    PREFIXES["schema"] + "name",
    PREFIXES["foaf"] + "name",
    str(CG.shortName),
)
_SHORT_NAME = str(CG.shortName)
_XSD = PREFIXES["xsd"]

LABELS_QUERY = (
    sparql_prologue()
    + """SELECT ?x ?p ?label ?definition WHERE {
  VALUES ?x { %s }
  {
    VALUES ?p { skos:prefLabel rdfs:label dct:title schema:name foaf:name cg:shortName }
    ?x ?p ?label
  } UNION {
    ?x skos:definition ?definition
  }
}"""
)
SUBJECTS_QUERY = "SELECT DISTINCT ?x WHERE { VALUES ?x { %s } ?x ?p ?o }"


class Name(str):
    """A name as shown, with the language the data gives it (``None``: untagged or unknown), so
    a page can mark a name that is not in the page's language (``lang="en"`` on a German page)."""

    lang: str | None

    def __new__(cls, text: str, lang: str | None = None) -> Self:
        name = super().__new__(cls, text)
        name.lang = lang or None
        return name


def literal_name(literal: Literal) -> Name:
    """The text of ``literal`` with its language tag."""
    return Name(literal.value, literal.language)


def values_block(iris: Iterable[str]) -> str:
    """IRIs in SPARQL syntax for a VALUES block.

    ``NamedNode`` refuses anything that is not a valid IRI, so its N-Triples form cannot
    break out of the block; the IRIs come from the store, not from the request.
    """
    return " ".join(str(NamedNode(iri)) for iri in sorted(set(iris)))


def pick_literal(literals: Iterable[Literal], lang: str) -> Literal | None:
    """The literal in ``lang``, else English, else German, else untagged, else any."""
    by_lang: dict[str, Literal] = {}
    for lit in sorted(literals, key=lambda item: item.value):
        by_lang.setdefault(lit.language or "", lit)
    for key in (lang, "en", "de", ""):
        if key in by_lang:
            return by_lang[key]
    return next(iter(by_lang.values()), None)


def local_name(iri: str) -> str:
    """The last segment of an IRI, made readable ("its-owl" -> "its owl")."""
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return tail.replace("-", " ").replace("_", " ") or iri


def format_literal(lit: Literal, lang: str) -> str:
    """A literal as a reader would write it: booleans as yes/no, everything else as stored."""
    if lit.datatype.value == _XSD + "boolean":
        yes = lit.value in ("true", "1")
        if lang == "de":
            return "ja" if yes else "nein"
        return "yes" if yes else "no"
    return lit.value


@dataclass
class Names:
    """Names and definitions of a batch of IRIs in one language."""

    lang: str
    labels: dict[str, str] = field(default_factory=dict)
    short_names: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    described: set[str] = field(default_factory=set)  # IRIs that are subjects in the store

    def label(self, iri: str) -> Name:
        """The best name of ``iri``: from the data, the built-in vocabulary table (in the page's
        language), or its IRI; with the language of the name."""
        if iri in self.labels:
            return self.labels[iri] if isinstance(self.labels[iri], Name) else Name(self.labels[iri])
        builtin = builtin_label(iri, self.lang)
        return Name(builtin, self.lang) if builtin else Name(local_name(iri))

    def short(self, iri: str) -> Name:
        """A short name (cg:shortName) where there is one, else the label."""
        short = self.short_names.get(iri)
        return (short if isinstance(short, Name) else Name(short)) if short else self.label(iri)


def fetch_names(store: Store, iris: Iterable[str], lang: str) -> Names:
    """Names, short names and definitions of ``iris``, and which of them the store describes."""
    wanted = {iri for iri in iris if iri}
    names = Names(lang)
    if not wanted:
        return names
    block = values_block(wanted)
    candidates: dict[str, dict[str, list[Literal]]] = {}
    definitions: dict[str, list[Literal]] = {}
    for row in store.query(LABELS_QUERY % block):
        iri = row["x"].value
        if row["definition"] is not None:
            definitions.setdefault(iri, []).append(row["definition"])
        elif isinstance(row["label"], Literal):
            candidates.setdefault(iri, {}).setdefault(row["p"].value, []).append(row["label"])
    for iri, by_property in candidates.items():
        for prop in NAME_PROPERTIES:
            if prop in by_property and prop != _SHORT_NAME:
                chosen = pick_literal(by_property[prop], lang)
                if chosen is not None:
                    names.labels[iri] = literal_name(chosen)
                    break
        if _SHORT_NAME in by_property:
            short = pick_literal(by_property[_SHORT_NAME], lang)
            if short is not None:
                names.short_names[iri] = literal_name(short)
                names.labels.setdefault(iri, literal_name(short))
    for iri, lits in definitions.items():
        chosen = pick_literal(lits, lang)
        if chosen is not None:
            names.definitions[iri] = chosen.value
    names.described = {row["x"].value for row in store.query(SUBJECTS_QUERY % block)}
    return names


def negotiate_language(query_lang: str | None, accept_language: str | None) -> tuple[str, bool]:
    """The page language: ``?lang=`` if it is en/de, else the best of Accept-Language, else English.

    Returns the language and whether it was chosen explicitly (so links carry it on).
    """
    if query_lang and query_lang.lower() in LANGUAGES:
        return query_lang.lower(), True
    best, best_q = "en", 0.0
    for part in (accept_language or "").split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower().split("-")[0]
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag in LANGUAGES and q > best_q:
            best, best_q = tag, q
    return best, False


__all__ = [
    "LANGUAGES",
    "Names",
    "fetch_names",
    "format_literal",
    "local_name",
    "negotiate_language",
    "pick_literal",
    "values_block",
]

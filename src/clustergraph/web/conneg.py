"""Content negotiation: an ``Accept`` header (with q-values) or a ``format`` override → one format.

Pure functions over the formats table (``clustergraph.formats``); no request objects,
so the rules are tested as a table.

Rules (RFC 9110 §12.5.1):

- ``format`` (a short name, extension or media type: ``json``, ``ttl``,
  ``text/csv``) wins over ``Accept``; an unknown name is a 400, a known format that
  cannot carry this kind of result a 406.
- Each offered format gets the q-value of the *most specific* range that matches it
  (``text/turtle`` over ``text/*`` over ``*/*``), so ``text/*;q=0.5, text/csv;q=0``
  refuses CSV. Among the formats with the highest q, the more specific match wins,
  then the order of ``offered`` (the server's preference).
- No ``Accept`` (or an empty one): the first offered format (or ``default``).
- Nothing acceptable: 406, naming what is offered.

The SPARQL endpoint reads ``format``, ``output`` and ``results`` differently, as *hints*
(``negotiate_with_hints``), the way Virtuoso and Fuseki do and SPARQLWrapper relies on: each
value may be a comma-separated list, the first hint that names a format for this kind of
result wins, a hint is read in the form the result needs (``json`` is JSON-LD for a graph,
``xml`` RDF/XML; ``json-ld`` is SPARQL JSON for a table), and a hint that fits nothing
(``turtle`` for a table, a typo) is passed over for ``Accept``.

Some media types name a format only together with the kind of result: ``application/json``
is SPARQL JSON for a table and JSON-LD for a graph, ``application/xml`` SPARQL XML or
RDF/XML. They are in ``GENERIC_MEDIA_TYPES`` and count as a specific match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clustergraph import formats
from clustergraph.errors import ClusterGraphError, InputError
from clustergraph.formats import Format, Kind


class NotAcceptable(ClusterGraphError):
    """No offered format is acceptable to the client."""

    http_status = 406
    exit_code = 2
    title = "Not Acceptable"


GENERIC_MEDIA_TYPES: dict[Kind, dict[str, str]] = {
    Kind.RESULTS: {
        "application/json": "json",
        "text/javascript": "json",
        "application/javascript": "json",
        "application/xml": "xml",
        "text/xml": "xml",
    },
    Kind.RDF: {
        "application/json": "jsonld",
        "application/x-json+ld": "jsonld",
        "application/xml": "rdfxml",
        "text/xml": "rdfxml",
        "application/turtle": "turtle",
        "text/n3": "turtle",  # Turtle is a subset of N3
        "text/rdf+n3": "turtle",
        "application/n3": "turtle",
    },
}

HTML_TYPES = ("text/html", "application/xhtml+xml")

# The request parameters SPARQL clients put their format hints in (SPARQLWrapper sends all
# three; Virtuoso reads ``format``, Fuseki ``output``, ``format`` and ``results``).
HINT_PARAMETERS = ("format", "output", "results")

# Hint names beyond the formats table: Fuseki's and SPARQLWrapper's short names.
HINT_NAMES: dict[str, str] = {
    "sparql": "xml",
    "rdf+xml": "rdfxml",
    "n3": "turtle",
    "text": "turtle",
    "n-triples": "ntriples",
    "n-quads": "nquads",
}

# What a hint naming a format of the other kind means: the same syntax in the form the
# result has (JSON for JSON, XML for XML). Other formats have no counterpart.
COUNTERPARTS: dict[str, str] = {"json": "jsonld", "jsonld": "json", "xml": "rdfxml", "rdfxml": "xml"}


@dataclass(frozen=True)
class MediaRange:
    type: str  # "text", "*"
    subtype: str  # "turtle", "*"
    q: float

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    @property
    def media_type(self) -> str:
        return f"{self.type}/{self.subtype}"


def parse_accept(accept: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed parts are skipped, a bad q counts as 0."""
    ranges: list[MediaRange] = []
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        if "/" not in media:
            if media == "*":  # some clients send a bare "*"
                media = "*/*"
            else:
                continue
        type_, _, subtype = media.partition("/")
        if not type_ or not subtype:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(type_, subtype, q))
    return ranges


def _names(media_type: str, fmt: Format) -> bool:
    """True if ``media_type`` (exact) names ``fmt``: its own type, an alias or a generic type for its kind."""
    known = formats.lookup(media_type)
    if known is fmt:
        return True
    return GENERIC_MEDIA_TYPES.get(fmt.kind, {}).get(media_type) == fmt.name


def _quality(ranges: Sequence[MediaRange], fmt: Format) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching ``fmt``; (0, -1) if none matches."""
    best: tuple[int, float] | None = None
    major = fmt.media_type.split("/", 1)[0]
    for r in ranges:
        if r.specificity == 2:
            matches = _names(r.media_type, fmt)
        elif r.specificity == 1:
            matches = r.type == major
        else:
            matches = True
        if matches and (best is None or r.specificity > best[0] or (r.specificity == best[0] and r.q > best[1])):
            best = (r.specificity, r.q)
    return (0.0, -1) if best is None else (best[1], best[0])


def format_for_name(name: str, offered: Sequence[Format]) -> Format:
    """The offered format a ``format`` parameter names; 400 if unknown, 406 if it does not fit here."""
    wanted = name.strip().lower()
    fmt = formats.lookup(wanted)
    if fmt is None:
        kinds = {f.kind for f in offered}
        generic = [GENERIC_MEDIA_TYPES.get(k, {}).get(wanted) for k in kinds]
        names = [g for g in generic if g]
        fmt = formats.lookup(names[0]) if names else None
    if fmt is None:
        raise InputError(f"unknown format {name!r}; use one of {', '.join(f.name for f in offered)}")
    if fmt not in offered:
        raise NotAcceptable(
            f"this response cannot be given as {fmt.name}; use one of {', '.join(f.name for f in offered)}"
        )
    return fmt


def negotiate(
    accept: str | None,
    offered: Sequence[Format],
    *,
    override: str | None = None,
    default: Format | None = None,
) -> Format:
    """The format to answer in.

    Raises ``InputError`` (400) for an unknown ``override`` and ``NotAcceptable`` (406)
    when nothing offered is acceptable.
    """
    if not offered:
        raise NotAcceptable("nothing can be offered for this request")
    if override:
        return format_for_name(override, offered)
    ranges = parse_accept(accept)
    if not ranges:
        return default if default in offered else offered[0]
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for position, fmt in enumerate(offered):
        q, specificity = _quality(ranges, fmt)
        if q <= 0:
            continue
        score = (q, specificity, -position)
        if best is None or score > best:
            best, chosen = score, fmt
    if chosen is None:
        raise NotAcceptable(f"none of {', '.join(f.media_type for f in offered)} is acceptable (Accept: {accept})")
    return chosen


def prefers_html(accept: str | None, over: Sequence[Format] = ()) -> bool:
    """True if the client asks for HTML (a browser): an explicit ``text/html`` range whose q is
    above zero and at least that of every range naming one of ``over`` explicitly.
    """
    ranges = parse_accept(accept)
    html_q = max((r.q for r in ranges if r.media_type in HTML_TYPES), default=0.0)
    if html_q <= 0:
        return False
    other_q = max(
        (r.q for r in ranges if r.specificity == 2 and any(_names(r.media_type, f) for f in over)), default=0.0
    )
    return html_q >= other_q


def split_hints(values: Iterable[str]) -> list[str]:
    """The hints in the values of the hint parameters, in order: comma-separated lists are
    split, media-type parameters (``;q=...``) dropped, empty entries skipped."""
    hints: list[str] = []
    for value in values:
        for part in value.split(","):
            hint = part.split(";", 1)[0].strip().lower()
            if hint:
                hints.append(hint)
    return hints


def hinted_format(hint: str, offered: Sequence[Format]) -> Format | None:
    """The offered format ``hint`` asks for, read in the form of the offered formats' kind;
    ``None`` if it names none of them (unknown, or a format this kind has no counterpart of)."""
    for kind in dict.fromkeys(f.kind for f in offered):
        # a generic media type of this kind first (application/json: SPARQL JSON for a table)
        names = [GENERIC_MEDIA_TYPES.get(kind, {}).get(hint), HINT_NAMES.get(hint)]
        names += [generic.get(hint) for generic in GENERIC_MEDIA_TYPES.values()]
        fmt = formats.lookup(next((n for n in names if n), hint))
        if fmt is not None and fmt.kind is not kind:
            counterpart = COUNTERPARTS.get(fmt.name)
            fmt = formats.lookup(counterpart) if counterpart else None
        if fmt is not None and fmt in offered:
            return fmt
    return None


def negotiate_with_hints(accept: str | None, offered: Sequence[Format], hints: Sequence[str]) -> Format:
    """The format of a SPARQL answer: the first usable hint, else the best match of ``Accept``.

    Raises ``NotAcceptable`` (406) only when no hint is usable and ``Accept`` rules out every
    offered format; never 400, since an unusable hint is passed over.
    """
    for hint in hints:
        fmt = hinted_format(hint, offered)
        if fmt is not None:
            return fmt
    return negotiate(accept, offered)


def acceptable_with_hints(accept: str | None, offered: Sequence[Format], hints: Sequence[str]) -> Format | None:
    """Like ``negotiate_with_hints`` but ``None`` where it would refuse with 406."""
    try:
        return negotiate_with_hints(accept, offered, hints)
    except NotAcceptable:
        return None


def offer_text(offered: Sequence[Format]) -> str:
    """The offered formats for a message: ``a, b or c (format=x, y or z)``."""
    return f"{_either([f.media_type for f in offered])} (format={_either([f.name for f in offered])})"


def _either(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"

"""What the pictures show, as lists for the page under them: every field with its clusters,
every tie with what the two clusters share, and the clusters without a tie. Nothing in the
pictures is then only readable by hovering, and a phone can read the lists."""

from __future__ import annotations

from dataclasses import dataclass, field

from clustergraph.landscape.data import TIE_KINDS, Landscape, Tie
from clustergraph.landscape.network_svg import KIND_STYLES, NetworkTexts, circle_order
from clustergraph.landscape.svg import NEUTRAL, colour
from clustergraph.pages.urls import Urls


@dataclass(frozen=True)
class Named:
    """A name and the page it links to (``None``: nothing to link)."""

    name: str
    href: str | None
    editorial: bool = False


@dataclass(frozen=True)
class FieldList:
    label: str
    href: str | None
    colour: str
    members: list[Named]


@dataclass(frozen=True)
class TieRow:
    a: Named
    b: Named
    kind: str
    kind_label: str
    stroke: str
    dash: str
    via: list[Named]
    iris: tuple[str, str] = ("", "")  # the two clusters' IRIs, as the picture's data-a and data-b


@dataclass(frozen=True)
class PictureLists:
    fields: list[FieldList] = field(default_factory=list)
    ties: list[TieRow] = field(default_factory=list)
    untied: list[Named] = field(default_factory=list)


@dataclass(frozen=True)
class Pictures:
    """Both pictures of the landing page and their lists, for one language and link style."""

    landscape_svg: str
    network_svg: str
    lists: PictureLists


def picture_lists(landscape: Landscape, ties: list[Tie], urls: Urls, texts: NetworkTexts) -> PictureLists:
    """The lists under the pictures, in the pictures' order."""
    fields = [
        FieldList(
            g.label,
            g.href,
            colour(g.colour) if g.iri is not None else NEUTRAL,
            [Named(p.cluster.full_name, p.cluster.href, p.editorial) for p in g.members],
        )
        for g in landscape.groups
    ]
    rows = [
        TieRow(
            Named(t.a.full_name, t.a.href),
            Named(t.b.full_name, t.b.href),
            t.kind,
            texts.kinds.get(t.kind, t.kind),
            *KIND_STYLES[t.kind],
            [Named(name, urls.page(iri, described=True)) for iri, name in t.via],
            (t.a.iri, t.b.iri),
        )
        for t in sorted(ties, key=lambda t: (TIE_KINDS.index(t.kind), t.a.full_name.casefold(), t.b.full_name.casefold()))
    ]
    tied = {t.a.iri for t in ties} | {t.b.iri for t in ties}
    order, _ = circle_order(landscape)
    by_iri = {n.iri: n for n in landscape.clusters}
    untied = sorted(
        (Named(by_iri[i].full_name, by_iri[i].href) for i in order if i not in tied), key=lambda n: n.name.casefold()
    )
    return PictureLists(fields, rows, untied)

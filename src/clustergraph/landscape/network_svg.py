"""The network picture: clusters on a circle, lines for the ties between them.

A pure function: ``render_network(landscape, ties, texts)`` returns an SVG document.
Clusters are ordered by their first innovation field, then by IRI, so neighbours on the
circle share a field and the picture is the same in every language. A circle's colour is
its first field's (the legend names them; a hollow circle has no tie). Each tie kind
(shared members, technologies, managing bodies, programmes) has a line style of its own in
greys and dashes, never a field colour; its width grows with the number of shared things,
and its ``<title>`` names them. The page lists every tie under the picture as well, so
nothing depends on hovering. Every text from the data is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from clustergraph.landscape.data import TIE_KINDS, Landscape, Tie
from clustergraph.landscape.svg import FONT, INK, NEUTRAL, colour, esc, truncate

WIDTH = 1060  # room for 28-character names beside the circle
RADIUS = 310
LEGEND_TOP = 58
LEGEND_ROW = 22
LEGEND_COLUMNS = 3
LABEL_LIMIT = 28  # as long as a full name the pictures show (landscape.data.PICTURE_NAME_LIMIT)
# (stroke colour, dash pattern) per tie kind: no field colour, told apart by dashes too.
KIND_STYLES = {
    "members": ("#1b1f24", ""),
    "technologies": ("#1b1f24", "8 5"),
    "management": ("#8a939e", ""),
    "programmes": ("#6b7480", "2 4"),
}
KIND_BEND = {"members": 0.0, "technologies": 0.18, "management": -0.18, "programmes": 0.32}


@dataclass(frozen=True)
class NetworkTexts:
    title: str = "Ties between NRW clusters"
    kinds: dict[str, str] = field(
        default_factory=lambda: {
            "members": "shared members",
            "technologies": "shared technologies",
            "management": "shared managing body",
            "programmes": "joint funding programmes",
        }
    )
    no_ties: str = "no ties between clusters in the data yet"
    colours: str = "Circle colour: the cluster's first innovation field"
    untied: str = "hollow circle: no tie in the data"


def render_network(landscape: Landscape, ties: list[Tie], texts: NetworkTexts = NetworkTexts()) -> str:
    """The tie network as an SVG document (a string)."""
    order, field_index = circle_order(landscape)
    legend, legend_height = _legend(texts, landscape, present={t.kind for t in ties})
    centre_y = LEGEND_TOP + legend_height + 60 + RADIUS  # room for the top label
    height = centre_y + RADIUS + 60
    count = max(len(order), 1)
    centre = WIDTH / 2
    positions: dict[str, tuple[float, float, float]] = {}
    for i, iri in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        positions[iri] = (centre + RADIUS * math.cos(angle), centre_y + RADIUS * math.sin(angle), angle)
    edges = [_edge(tie, positions, centre, centre_y, texts) for tie in ties if tie.a.iri in positions and tie.b.iri in positions]
    nodes_by_iri = {n.iri: n for n in landscape.clusters}
    degree: dict[str, int] = {}
    for tie in ties:
        degree[tie.a.iri] = degree.get(tie.a.iri, 0) + 1
        degree[tie.b.iri] = degree.get(tie.b.iri, 0) + 1
    nodes = []
    for iri in order:
        node = nodes_by_iri[iri]
        x, y, angle = positions[iri]
        hue = colour(field_index.get(iri))
        tied = degree.get(iri, 0) > 0
        r = 7 + min(degree.get(iri, 0), 10) * 0.6
        right = math.cos(angle) >= -1e-9
        lx = x + (r + 6) * math.cos(angle)
        ly = y + (r + 6) * math.sin(angle) + 4
        anchor = "start" if right else "end"
        label = truncate(node.name, LABEL_LIMIT)
        tooltip = node.full_name + (f" ({node.type_label})" if node.type_label else "")
        href = f' href="{esc(node.href)}"' if node.href else ""
        fill, stroke = (hue, "#ffffff") if tied else ("#ffffff", hue)
        nodes.append(
            f'<a class="cluster node{"" if tied else " untied"}"{href} data-iri="{esc(iri)}" aria-label="{esc(tooltip)}">'
            f"<title>{esc(tooltip)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="{2 if tied else 3}"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="13" fill="{INK}" text-anchor="{anchor}">{esc(label)}</text></a>'
        )
    empty = ""
    if not ties:
        empty = (
            f'<text x="{centre:.0f}" y="{centre_y:.0f}" font-size="14" fill="{INK}" '
            f'text-anchor="middle">{esc(texts.no_ties)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" role="img" aria-labelledby="network-title" class="network" font-family="{esc(FONT)}">'
        f'<title id="network-title">{esc(texts.title)}</title>'
        "<style>a.node:focus circle, a.node:hover circle { stroke: #1b1f24; stroke-width: 3; }"
        " a.node:focus { outline: none; } a.node:hover text, a.node:focus text { text-decoration: underline; }"
        " path.tie:hover { stroke-opacity: 1; }</style>"
        f'<rect x="0" y="0" width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>'
        f'<text x="16" y="34" font-size="20" font-weight="700" fill="{INK}">{esc(texts.title)}</text>'
        f'{legend}<g class="ties">{"".join(edges)}</g><g class="nodes">{"".join(nodes)}</g>{empty}</svg>'
    )


def _edge(tie: Tie, positions: dict[str, tuple[float, float, float]], centre: float, centre_y: float, texts: NetworkTexts) -> str:
    (x1, y1, _), (x2, y2, _) = positions[tie.a.iri], positions[tie.b.iri]
    bend = KIND_BEND.get(tie.kind, 0.0)
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    # Pull the curve towards the centre, shifted sideways per kind so kinds do not overlap.
    cx = mx + (centre - mx) * 0.35 + (y2 - y1) * bend * 0.5
    cy = my + (centre_y - my) * 0.35 - (x2 - x1) * bend * 0.5
    width = 1.2 + min(len(tie.via), 6) * 0.7
    evidence = f"{tie.a.name} – {tie.b.name}: {texts.kinds.get(tie.kind, tie.kind)}: " + ", ".join(name for _, name in tie.via)
    stroke, dash = KIND_STYLES.get(tie.kind, (NEUTRAL, ""))
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path class="tie {esc(tie.kind)}" data-a="{esc(tie.a.iri)}" data-b="{esc(tie.b.iri)}" '
        f'd="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" fill="none" '
        f'stroke="{stroke}" stroke-width="{width:.1f}" stroke-opacity="0.7"{dashes}>'
        f"<title>{esc(evidence)}</title></path>"
    )


def circle_order(landscape: Landscape) -> tuple[list[str], dict[str, int]]:
    """Clusters in field order, then by IRI (the same in every language), and the colour index
    of each cluster's first field."""
    order: list[str] = []
    field_index: dict[str, int] = {}
    for group in landscape.groups:
        members = sorted(group.members, key=lambda p: p.cluster.iri)
        if group.iri is not None and group.colour is not None:
            for placement in members:
                field_index.setdefault(placement.cluster.iri, group.colour)
        for placement in members:
            if placement.cluster.iri not in order:
                order.append(placement.cluster.iri)
    for node in sorted(landscape.clusters, key=lambda n: n.iri):
        if node.iri not in order:
            order.append(node.iri)
    return order, field_index


def _legend(texts: NetworkTexts, landscape: Landscape, present: set[str]) -> tuple[str, float]:
    """Tie styles in one row; below them every field colour, in a grid of fixed columns (the
    same rows in every language). Returns the SVG and its height."""
    column = (WIDTH - 32) / LEGEND_COLUMNS
    parts = []
    for i, kind in enumerate(TIE_KINDS):
        x = 16 + i * (WIDTH - 32) / len(TIE_KINDS)
        stroke, dash = KIND_STYLES[kind]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        opacity = "1" if kind in present else "0.6"
        parts.append(
            f'<g class="legend-item tie-kind" data-kind="{kind}" opacity="{opacity}"><line x1="{x:.1f}" y1="{LEGEND_TOP}" '
            f'x2="{x + 34:.1f}" y2="{LEGEND_TOP}" stroke="{stroke}" stroke-width="4"{dashes}/>'
            f'<text x="{x + 40:.1f}" y="{LEGEND_TOP + 4.5}" font-size="13" fill="{INK}">{esc(truncate(texts.kinds.get(kind, kind), 30))}</text></g>'
        )
    y = LEGEND_TOP + LEGEND_ROW + 6
    parts.append(f'<text x="16" y="{y + 4.5:.1f}" font-size="13" font-weight="700" fill="{INK}">{esc(texts.colours)}</text>')
    entries = [(colour(g.colour), g.label, "") for g in landscape.groups if g.iri is not None and g.colour is not None]
    entries += [(NEUTRAL, g.label, "") for g in landscape.groups if g.iri is None]
    entries.append((NEUTRAL, texts.untied, "untied"))
    for i, (hue, label, extra) in enumerate(entries):
        row, col = divmod(i, LEGEND_COLUMNS)
        x = 16 + col * column
        cy = y + LEGEND_ROW * (row + 1)
        fill, stroke = ("#ffffff", hue) if extra else (hue, "#ffffff")
        parts.append(
            f'<g class="legend-item field-colour"><circle cx="{x + 8:.1f}" cy="{cy:.1f}" r="7" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{3 if extra else 1}"/><text x="{x + 22:.1f}" y="{cy + 4.5:.1f}" font-size="13" fill="{INK}">'
            f"{esc(truncate(label, 40))}</text></g>"
        )
    rows = math.ceil(len(entries) / LEGEND_COLUMNS)
    return f'<g class="legend">{"".join(parts)}</g>', LEGEND_ROW * (rows + 1) + 6

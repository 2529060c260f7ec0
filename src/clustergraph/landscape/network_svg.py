"""The network picture: clusters on a circle, lines for the ties between them.

A pure function: ``render_network(landscape, ties, texts)`` returns an SVG document.
Clusters are ordered by their first innovation field so neighbours on the circle share
a field; each tie kind (shared members, technologies, managing bodies, programmes) has
its own colour and curve, its width grows with the number of shared things, and its
``<title>`` names them (the evidence). Every text from the data is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from clustergraph.landscape.data import TIE_KINDS, Landscape, Tie
from clustergraph.landscape.svg import FONT, INK, NEUTRAL, colour, esc, text_width, truncate

WIDTH = 980
RADIUS = 310
CENTRE_Y = 90 + RADIUS + 30  # below the title and legend, with room for labels
HEIGHT = CENTRE_Y + RADIUS + 60
LABEL_LIMIT = 26
KIND_COLOURS = {"members": "#0b6fa4", "technologies": "#b35900", "management": "#00795c", "programmes": "#a4327a"}
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


def render_network(landscape: Landscape, ties: list[Tie], texts: NetworkTexts = NetworkTexts()) -> str:
    """The tie network as an SVG document (a string)."""
    order, field_index = _circle_order(landscape)
    count = max(len(order), 1)
    radius = RADIUS
    centre = WIDTH / 2
    positions: dict[str, tuple[float, float, float]] = {}
    for i, iri in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        positions[iri] = (centre + radius * math.cos(angle), CENTRE_Y + radius * math.sin(angle), angle)
    edges = []
    for tie in ties:
        if tie.a.iri not in positions or tie.b.iri not in positions:
            continue
        (x1, y1, _), (x2, y2, _) = positions[tie.a.iri][:3], positions[tie.b.iri][:3]
        bend = KIND_BEND.get(tie.kind, 0.0)
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        # Pull the curve towards the centre, shifted sideways per kind so kinds do not overlap.
        cx = mx + (centre - mx) * 0.35 + (y2 - y1) * bend * 0.5
        cy = my + (CENTRE_Y - my) * 0.35 - (x2 - x1) * bend * 0.5
        width = 1.2 + min(len(tie.via), 6) * 0.7
        evidence = f"{tie.a.name} – {tie.b.name}: {texts.kinds.get(tie.kind, tie.kind)}: " + ", ".join(
            name for _, name in tie.via
        )
        edges.append(
            f'<path class="tie {esc(tie.kind)}" data-a="{esc(tie.a.iri)}" data-b="{esc(tie.b.iri)}" '
            f'd="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" fill="none" '
            f'stroke="{KIND_COLOURS.get(tie.kind, NEUTRAL)}" stroke-width="{width:.1f}" stroke-opacity="0.6">'
            f"<title>{esc(evidence)}</title></path>"
        )
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
        r = 7 + min(degree.get(iri, 0), 10) * 0.6
        right = math.cos(angle) >= -1e-9
        lx = x + (r + 6) * math.cos(angle)
        ly = y + (r + 6) * math.sin(angle) + 4
        anchor = "start" if right else "end"
        label = truncate(node.name, LABEL_LIMIT)
        tooltip = node.full_name + (f" ({node.type_label})" if node.type_label else "")
        href = f' href="{esc(node.href)}"' if node.href else ""
        nodes.append(
            f'<a class="cluster node"{href} data-iri="{esc(iri)}" aria-label="{esc(tooltip)}">'
            f"<title>{esc(tooltip)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{hue}" stroke="#ffffff" stroke-width="2"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="13" fill="{INK}" text-anchor="{anchor}">{esc(label)}</text></a>'
        )
    legend = _legend(texts, present={t.kind for t in ties})
    empty = ""
    if not ties:
        empty = (
            f'<text x="{centre:.0f}" y="{CENTRE_Y:.0f}" font-size="14" fill="{INK}" '
            f'text-anchor="middle">{esc(texts.no_ties)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="network-title" class="network" font-family="{esc(FONT)}">'
        f'<title id="network-title">{esc(texts.title)}</title>'
        "<style>a.node:focus circle, a.node:hover circle { stroke: #1b1f24; stroke-width: 3; }"
        " a.node:focus { outline: none; } a.node:hover text, a.node:focus text { text-decoration: underline; }"
        " path.tie:hover { stroke-opacity: 1; }</style>"
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
        f'<text x="16" y="34" font-size="20" font-weight="700" fill="{INK}">{esc(texts.title)}</text>'
        f'{legend}<g class="ties">{"".join(edges)}</g><g class="nodes">{"".join(nodes)}</g>{empty}</svg>'
    )


def _circle_order(landscape: Landscape) -> tuple[list[str], dict[str, int]]:
    """Clusters in field order (then by name), and the colour index of each cluster's first field."""
    order: list[str] = []
    field_index: dict[str, int] = {}
    for group in landscape.groups:
        if group.iri is not None and group.colour is not None:
            for placement in group.members:
                field_index.setdefault(placement.cluster.iri, group.colour)
        for placement in group.members:
            if placement.cluster.iri not in order:
                order.append(placement.cluster.iri)
    for node in landscape.clusters:
        if node.iri not in order:
            order.append(node.iri)
    return order, field_index


def _legend(texts: NetworkTexts, present: set[str]) -> str:
    parts = []
    x = 16.0
    for kind in TIE_KINDS:
        label = texts.kinds.get(kind, kind)
        opacity = "1" if kind in present else "0.6"
        parts.append(
            f'<g class="legend-item" opacity="{opacity}"><line x1="{x:.1f}" y1="58" x2="{x + 28:.1f}" y2="58" '
            f'stroke="{KIND_COLOURS[kind]}" stroke-width="4"/>'
            f'<text x="{x + 34:.1f}" y="62.5" font-size="13" fill="{INK}">{esc(label)}</text></g>'
        )
        x += 34 + text_width(label, 13) + 24
    return f'<g class="legend">{"".join(parts)}</g>'

"""The landscape picture: clusters grouped by innovation field, one box per field.

A pure function of the data: ``render_landscape(landscape, texts)`` returns an SVG
document as a string. Every text from the data is escaped. Each cluster is an ``<a>``
element with class ``cluster`` and ``data-iri``; an editorial assignment (no source
states it, the editors chose it) is drawn dashed and in italics, and the legend says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustergraph.landscape.data import FieldGroup, Landscape
from clustergraph.landscape.svg import FONT, INK, NEUTRAL, colour, esc, text_width, truncate, wrap

WIDTH = 1100
MARGIN = 16
GAP = 16
COLUMNS = 2
PILL_SIZE = 13.0
PILL_HEIGHT = 26
PILL_GAP = 8
HEADER_SIZE = 15.0
NAME_LIMIT = 34


@dataclass(frozen=True)
class LandscapeTexts:
    """The words of the picture in the reader's language."""

    title: str = "NRW cluster landscape by innovation field"
    sourced: str = "assignment stated by a source"
    editorial: str = "editorial assignment (chosen by the clustergraph editors)"
    cross_cutting: str = "cross-cutting field"
    empty: str = "no clusters yet"


def render_landscape(landscape: Landscape, texts: LandscapeTexts = LandscapeTexts()) -> str:
    """The landscape as an SVG document (a string), sized to its content."""
    regular = [g for g in landscape.groups if g.iri is not None and not g.cross_cutting]
    wide = [g for g in landscape.groups if g.iri is None or g.cross_cutting]
    column_width = (WIDTH - 2 * MARGIN - GAP * (COLUMNS - 1)) / COLUMNS
    parts: list[str] = []
    heights = [MARGIN + 40.0] * COLUMNS  # below the title
    for group in regular:
        col = heights.index(min(heights))
        x = MARGIN + col * (column_width + GAP)
        svg, height = _group(group, x, heights[col], column_width, group.colour, texts)
        parts.append(svg)
        heights[col] += height + GAP
    y = max(heights)
    for group in wide:
        svg, height = _group(group, MARGIN, y, WIDTH - 2 * MARGIN, group.colour, texts)
        parts.append(svg)
        y += height + GAP
    legend, legend_height = _legend(MARGIN, y, texts)
    parts.append(legend)
    total = y + legend_height + MARGIN
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {total:.0f}" width="{WIDTH}" '
        f'height="{total:.0f}" role="img" aria-labelledby="landscape-title" class="landscape" '
        f'font-family="{esc(FONT)}">'
        f'<title id="landscape-title">{esc(texts.title)}</title>'
        '<style>a.cluster:focus rect, a.cluster:hover rect { stroke-width: 3; fill: #eef4fb; }'
        ' a.cluster:focus { outline: none; } a:hover text { text-decoration: underline; }</style>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{total:.0f}" fill="#ffffff"/>'
        f'<text x="{MARGIN}" y="{MARGIN + 18}" font-size="20" font-weight="700" fill="{INK}">{esc(texts.title)}</text>'
    )
    if not landscape.clusters:
        parts.append(f'<text x="{MARGIN}" y="{MARGIN + 60}" font-size="14" fill="{INK}">{esc(texts.empty)}</text>')
    return head + "".join(parts) + "</svg>"


def _group(group: FieldGroup, x: float, y: float, width: float, index: int | None, texts: LandscapeTexts) -> tuple[str, float]:
    """One field box at (x, y): a coloured header with the field's name, then the cluster pills."""
    hue = colour(index) if group.iri is not None and index is not None else NEUTRAL
    header_lines = wrap(group.label, width - 24, HEADER_SIZE, max_lines=2)
    if group.cross_cutting:
        header_lines[-1] = f"{header_lines[-1]} · {texts.cross_cutting}"
    header_height = 14 + len(header_lines) * (HEADER_SIZE + 5)
    pills: list[str] = []
    cursor_x, cursor_y = x + 12, y + header_height + 10
    for placement in group.members:
        node = placement.cluster
        name = truncate(node.name, NAME_LIMIT)
        pill_width = text_width(name, PILL_SIZE) + 24
        if cursor_x + pill_width > x + width - 12 and cursor_x > x + 12:
            cursor_x = x + 12
            cursor_y += PILL_HEIGHT + PILL_GAP
        tooltip = node.full_name + (f" ({node.type_label})" if node.type_label else "")
        if placement.editorial:
            tooltip += f" · {texts.editorial}"
        dash = ' stroke-dasharray="5 3"' if placement.editorial else ""
        style = ' font-style="italic"' if placement.editorial else ""
        marker = "editorial" if placement.editorial else "sourced"
        href = f' href="{esc(node.href)}"' if node.href else ""
        pills.append(
            f'<a class="cluster {marker}"{href} data-iri="{esc(node.iri)}" aria-label="{esc(tooltip)}">'
            f"<title>{esc(tooltip)}</title>"
            f'<rect x="{cursor_x:.1f}" y="{cursor_y:.1f}" width="{pill_width:.1f}" height="{PILL_HEIGHT}" rx="13" '
            f'fill="#ffffff" stroke="{hue}" stroke-width="1.6"{dash}/>'
            f'<text x="{cursor_x + 12:.1f}" y="{cursor_y + 17.5:.1f}" font-size="{PILL_SIZE}" fill="{INK}"{style}>'
            f"{esc(name)}</text></a>"
        )
        cursor_x += pill_width + PILL_GAP
    body_bottom = cursor_y + (PILL_HEIGHT if group.members else 0) + 12
    height = body_bottom - y
    header_text = "".join(
        f'<text x="{x + 12:.1f}" y="{y + 22 + i * (HEADER_SIZE + 5):.1f}" font-size="{HEADER_SIZE}" '
        f'font-weight="700" fill="#ffffff">{esc(line)}</text>'
        for i, line in enumerate(header_lines)
    )
    if group.href:
        header_text = f'<a class="field" href="{esc(group.href)}" data-iri="{esc(group.iri)}">{header_text}</a>'
    frame = (
        f'<g class="field-group" data-field="{esc(group.iri or "")}">'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" rx="8" fill="#f7f8fa" '
        f'stroke="{hue}" stroke-width="1.5"/>'
        f'<path d="M{x:.1f},{y + 8:.1f} a8,8 0 0 1 8,-8 h{width - 16:.1f} a8,8 0 0 1 8,8 v{header_height - 8:.1f} '
        f'h{-width:.1f} z" fill="{hue}"/>'
        f"{header_text}{''.join(pills)}</g>"
    )
    return frame, height


def _legend(x: float, y: float, texts: LandscapeTexts) -> tuple[str, float]:
    items = [(texts.sourced, ""), (texts.editorial, ' stroke-dasharray="5 3"')]
    parts = []
    cursor = x
    for label, dash in items:
        italic = ' font-style="italic"' if dash else ""
        parts.append(
            f'<rect x="{cursor:.1f}" y="{y:.1f}" width="34" height="18" rx="9" fill="#ffffff" stroke="{NEUTRAL}" '
            f'stroke-width="1.6"{dash}/>'
            f'<text x="{cursor + 42:.1f}" y="{y + 13.5:.1f}" font-size="13" fill="{INK}"'
            f"{italic}>{esc(label)}</text>"
        )
        cursor += 42 + text_width(label, 13) + 28
    return f'<g class="legend">{"".join(parts)}</g>', 18

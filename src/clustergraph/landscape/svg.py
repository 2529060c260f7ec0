"""Small helpers shared by the SVG pictures: escaping, text width, wrapping, colours."""

from __future__ import annotations

from html import escape

# Seven field colours (Okabe-Ito based, darkened where needed for 4.5:1 contrast on white).
PALETTE = ("#0b6fa4", "#b35900", "#00795c", "#a4327a", "#6a5acd", "#8a6d00", "#b3261e", "#3d6b21")
NEUTRAL = "#5b6470"
INK = "#1b1f24"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"


def esc(text: object) -> str:
    """Escape text for SVG element content and double- or single-quoted attributes."""
    return escape(str(text), quote=True)


def text_width(text: str, size: float) -> float:
    """A rough width of ``text`` in px at font ``size`` (average glyph width 0.56 em)."""
    wide = sum(1 for ch in text if ch.isupper() or ch in "mwMW@%")
    return (len(text) * 0.55 + wide * 0.12) * size


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, width: float, size: float, max_lines: int = 3) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` px (the last line is truncated)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [truncate(" ".join(lines[max_lines - 1:]), int(width / (0.56 * size)))]
    return lines or [""]


def colour(index: int | None) -> str:
    return NEUTRAL if index is None else PALETTE[index % len(PALETTE)]

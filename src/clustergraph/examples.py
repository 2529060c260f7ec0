"""The catalogue of example research queries: ``queries/*.rq`` with a title and description.

Each file starts with comment lines ``# title: ...`` and ``# description: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    sparql: str


def load_examples(folder: Path) -> dict[str, Example]:
    """Every ``.rq`` file of ``folder`` by name (file name without extension), in name order."""
    found: dict[str, Example] = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            key, _, value = line.lstrip("# ").partition(":")
            if value:
                meta.setdefault(key.strip().lower(), value.strip())
        found[path.stem] = Example(
            name=path.stem,
            title=meta.get("title", path.stem),
            description=meta.get("description", ""),
            sparql=text,
        )
    return found

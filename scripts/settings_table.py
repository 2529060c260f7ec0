"""Print the README's settings table from the Settings model, so the two cannot drift apart.

Run ``python scripts/settings_table.py --write`` after adding a setting.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from clustergraph.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- settings:start -->", "<!-- settings:end -->"


def _default(name: str, field) -> str:
    if name.endswith("_dir"):
        return f"bundled `{name[:-4]}/`"
    value = field.default_factory() if field.default_factory is not None else field.default
    if isinstance(value, list):
        value = ",".join(value)
    return "" if value in (None, "") else f"`{value}`"


def table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        lines.append(f"| `CLUSTERGRAPH_{name.upper()}` | {_default(name, field)} | {field.description or ''} |")
    return "\n".join(lines)


def readme_with_table(text: str) -> str:
    return re.sub(f"{START}.*?{END}", f"{START}\n{table()}\n{END}", text, flags=re.S)


if __name__ == "__main__":
    if "--write" in sys.argv:
        README.write_text(readme_with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(table())

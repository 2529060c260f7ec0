"""The README's shell blocks and the commands in them, so tests run what a newcomer types."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of the README section headed ``## title`` (up to the next ``## `` heading)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, flags=re.DOTALL | re.MULTILINE)
    assert match, f"README.md has no section '## {title}'"
    return match.group(1)


def sh_blocks(title: str) -> list[str]:
    """The ```sh blocks of a README section, in order."""
    return re.findall(r"^```sh\n(.*?)^```", section(title), flags=re.DOTALL | re.MULTILINE)


def commands(block: str) -> list[list[str]]:
    """The commands of a shell block as argument lists, a quoted argument spanning lines kept
    whole and ``# comments`` dropped."""
    found: list[list[str]] = []
    pending = ""
    for line in block.splitlines():
        pending = f"{pending}\n{line}" if pending else line
        try:
            words = shlex.split(pending, comments=True)
        except ValueError:  # a quote still open: the command goes on on the next line
            continue
        if words:
            found.append(words)
        pending = ""
    assert not pending, f"unclosed quote in a README block: {pending!r}"
    return found

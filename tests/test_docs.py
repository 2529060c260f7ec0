"""The README stays true: every setting is documented, and the commands it shows exist."""

from __future__ import annotations

import re
from pathlib import Path

from clustergraph.cli import app
from clustergraph.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    for name in Settings.model_fields:
        assert f"CLUSTERGRAPH_{name.upper()}" in README, f"CLUSTERGRAPH_{name.upper()} is not in README.md"


def test_every_documented_setting_exists() -> None:
    documented = set(re.findall(r"CLUSTERGRAPH_([A-Z_]+[A-Z])", README))
    known = {name.upper() for name in Settings.model_fields}
    assert documented - known - {"TEST_VIRTUOSO_URL", "TEST_VIRTUOSO_USER", "TEST_VIRTUOSO_PASSWORD"} == set()


def test_every_cli_command_is_in_the_readme() -> None:
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"clustergraph {name}" in README, f"`clustergraph {name}` is not in README.md"


def test_the_readme_shows_the_two_setup_commands() -> None:
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/clustergraph serve" in README
    assert "bash .ci/run" in README  # kept in agreement with .ci/run by tests/test_setup.py


def test_the_settings_table_matches_the_settings_model() -> None:
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / "settings_table.py"
    spec = importlib.util.spec_from_file_location("settings_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.readme_with_table(README) == README, "run: python scripts/settings_table.py --write"


def test_example_queries_named_in_the_readme_exist() -> None:
    queries = Path(__file__).resolve().parent.parent / "queries"
    for name in re.findall(r"--example ([\w-]+)", README):
        assert (queries / f"{name}.rq").is_file(), name

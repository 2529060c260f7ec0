"""The README's enrichment commands, run as a maintainer types them, against the local EU stand-in.

Only the endpoint settings differ from a real run (they point at the stand-in instead of the
live endpoints, whose URLs the README names as the defaults); ``serve`` is left out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from support.readme import commands, section, sh_blocks

from clustergraph.settings import Settings

BASE = "https://w3id.org/clustergraph/"


def test_the_readme_enrichment_block_runs_and_the_diff_shows_each_retrieval(eu_virtuoso, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERGRAPH_")}
    env.update(
        CLUSTERGRAPH_STORE=str(tmp_path / "store"),
        CLUSTERGRAPH_NUTS_ENDPOINT=eu_virtuoso.endpoint,
        CLUSTERGRAPH_CORDIS_ENDPOINT=eu_virtuoso.endpoint,
        CLUSTERGRAPH_CONNECTOR_RETRIES="1",
    )
    outputs: dict[str, str] = {}
    (block,) = sh_blocks("Enrichment from EU SPARQL endpoints")
    for words in commands(block):
        assert words[0] == "clustergraph", words
        if words[1] == "serve":
            continue
        done = subprocess.run(
            [sys.executable, "-m", "clustergraph.cli", *words[1:]],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        assert done.returncode == 0, (words, done.stderr)
        outputs[" ".join(words[1:])] = done.stdout
    assert f"to {BASE}source/eu-nuts" in outputs["enrich nuts"]
    assert "dry run: nothing written" in outputs["enrich cordis --dry-run"]
    assert f"to {BASE}source/eu-cordis" in outputs["enrich cordis"]
    diff = next(text for command, text in outputs.items() if command.startswith("diff "))
    assert f"{BASE}source/eu-nuts" in diff and f"{BASE}source/eu-cordis" in diff


def test_the_readme_names_the_live_endpoints_that_are_the_defaults() -> None:
    text = section("Enrichment from EU SPARQL endpoints")
    defaults = Settings(_env_file=None)
    allowed = re.search(r"CLUSTERGRAPH_SERVICE_ALLOWLIST=(\S+) clustergraph serve", text)
    assert allowed, "the README shows how to start the server for the federation examples"
    assert allowed.group(1).split(",") == [defaults.nuts_endpoint, defaults.cordis_endpoint]
    assert defaults.nuts_endpoint in text and defaults.cordis_endpoint in text

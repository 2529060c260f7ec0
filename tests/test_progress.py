"""Progress on long steps: shown on a terminal (a real pseudo-terminal, or rich's forced terminal
mode), quiet when the output goes to a pipe or a file; `load --verbose` prints the steps anyway."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from clustergraph.progress import Steps

FORCED_TERMINAL = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "TERM": "xterm"}
RICH_VARIABLES = ("TTY_COMPATIBLE", "TTY_INTERACTIVE", "FORCE_COLOR", "NO_COLOR", "CLUSTERGRAPH_")


def environment(**extra: str) -> dict[str, str]:
    """This environment without rich's terminal switches or clustergraph settings, with ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(RICH_VARIABLES)}
    return {**env, **extra}


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", *args], check=False, env=environment(**env), capture_output=True,
        text=True,
        timeout=300,
    )


def on_a_pseudo_terminal(*args: str, **env: str) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on a new pseudo-terminal; its exit code and everything it wrote."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "clustergraph.cli", *args], env=environment(TERM="xterm", **env),
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
    )
    os.close(follower)
    written = bytearray()
    while True:  # read as it comes: the terminal's buffer is small and a full one stops the writer
        ready, _, _ = select.select([leader], [], [], 300)
        assert ready, "no output from the CLI for 300 s"
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        written += chunk
    os.close(leader)
    return process.wait(timeout=60), written.decode(errors="replace")


def test_load_off_a_terminal_prints_only_its_report_and_summary(tmp_path: Path) -> None:
    done = cli("load", CLUSTERGRAPH_STORE=str(tmp_path / "store"))
    assert done.returncode == 0, done.stderr
    assert "conforms: 0 violation(s)" in done.stderr
    for step in ("reading", "validating", "committing", "✓", "\x1b["):
        assert step not in done.stderr, step
    assert done.stdout.startswith("loaded ")


def test_load_on_a_pseudo_terminal_shows_each_step_ticked(tmp_path: Path) -> None:
    code, screen = on_a_pseudo_terminal("load", CLUSTERGRAPH_STORE=str(tmp_path / "store"))
    assert code == 0, screen
    assert "\x1b[" in screen  # drawn live, with the terminal's control sequences
    for step in ("reading ", "validating ", "committing "):
        ticked = [line for line in screen.splitlines() if step in line and "✓" in line]
        assert ticked, f"no ticked '{step}' step in: {screen[-2000:]}"
    # Reading a file is a step with a size: a bar that ends full.
    assert any("reading " in line and "100%" in line for line in screen.splitlines()), screen[-2000:]
    assert "loaded " in screen


def test_load_in_rich_forced_terminal_mode_shows_the_steps(tmp_path: Path) -> None:
    done = cli("load", CLUSTERGRAPH_STORE=str(tmp_path / "store"), **FORCED_TERMINAL)
    assert done.returncode == 0, done.stderr
    assert "✓" in done.stderr and "committing " in done.stderr and "validating " in done.stderr


def test_load_verbose_prints_each_step_as_a_plain_line_off_a_terminal(tmp_path: Path) -> None:
    done = cli("load", "--verbose", CLUSTERGRAPH_STORE=str(tmp_path / "store"))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any(line.startswith("reading ") for line in lines)
    assert any(line.startswith("validating ") for line in lines)
    assert any(line.startswith("committing ") for line in lines)
    assert "\x1b[" not in done.stderr


def test_export_shows_its_steps_on_a_terminal_and_nothing_off_one(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    quiet = cli("export", "eccp", "-f", "csv", CLUSTERGRAPH_STORE=store)  # loads the empty store first
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == "" and quiet.stdout.startswith("id,iri,")
    shown = cli("export", "eccp", "-f", "csv", CLUSTERGRAPH_STORE=store, **FORCED_TERMINAL)
    assert shown.returncode == 0, shown.stderr
    assert "exporting eccp csv" in shown.stderr and "✓" in shown.stderr
    assert shown.stdout == quiet.stdout  # the progress goes to stderr only


def test_a_failed_export_leaves_its_step_unticked() -> None:
    failed = cli("export", "dump", "-f", "no-such-format", CLUSTERGRAPH_STORE="memory", **FORCED_TERMINAL)
    assert failed.returncode == 2
    step = [line for line in failed.stderr.splitlines() if "exporting dump no-such-format" in line]
    assert step and all("✓" not in line for line in step), failed.stderr
    assert "is not an RDF format" in failed.stderr


def test_steps_that_begin_with_the_same_word_are_one_step(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FORCED_TERMINAL.items():
        monkeypatch.setenv(name, value)
    screen = io.StringIO()
    with Steps("loading", stream=screen) as steps:
        for name in ("a.trig", "b.trig", "c.trig"):
            steps(f"parsed {name}")
        steps("validating 3 files")
    text = screen.getvalue()
    assert "parsed c.trig [3]" in text and "validating 3 files" in text
    assert text.splitlines()[0] == "loading ..."
    assert text.index("validating 3 files") < text.index("loading: done in ")


def test_announced_steps_off_a_terminal_print_the_title_and_the_time_only() -> None:
    log = io.StringIO()
    with Steps("loading the bundled data", announce=True, stream=log) as steps:
        steps("parsed a.trig")
        steps("validating")
    lines = log.getvalue().splitlines()
    assert lines[0] == "loading the bundled data ..."
    assert lines[1].startswith("loading the bundled data: done in ") and len(lines) == 2


def test_steps_with_nothing_to_do_print_nothing() -> None:
    log = io.StringIO()
    with Steps("loading the bundled data", announce=True, stream=log):
        pass  # a store that holds data already: the server's start loads nothing
    assert log.getvalue() == ""


def test_a_line_format_dump_shows_a_bar_and_writes_what_the_store_dumps(tmp_path: Path) -> None:
    store = tmp_path / "store"
    target = tmp_path / "all.nq"
    done = cli("export", "dump", "-o", str(target), CLUSTERGRAPH_STORE=str(store), **FORCED_TERMINAL)
    assert done.returncode == 0, done.stderr
    assert "writing N-Quads" in done.stderr and "100%" in done.stderr
    from pyoxigraph import RdfFormat

    from clustergraph.store.embedded import EmbeddedStore

    opened = EmbeddedStore(store, read_only=True)
    try:
        assert target.read_bytes() == opened.dump(RdfFormat.N_QUADS)
    finally:
        opened.close()


def test_a_release_shows_a_bar_over_the_files_it_makes(tmp_path: Path) -> None:
    done = cli("export", "release", "-o", str(tmp_path / "release"), CLUSTERGRAPH_STORE="memory", **FORCED_TERMINAL)
    assert done.returncode == 0, done.stderr
    assert "making release " in done.stderr and "100%" in done.stderr
    assert (tmp_path / "release" / "SHA256SUMS").is_file()


def test_stats_on_an_empty_store_counts_the_bundled_data_it_loads_first(tmp_path: Path) -> None:
    done = cli("stats", "-f", "json", CLUSTERGRAPH_STORE=str(tmp_path / "store"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["quads"] > 0

"""`clustergraph load` killed with SIGKILL while it reads, validates or commits leaves the store
as it was (a fresh store: empty; a filled one: its old content) or complete, and the next load
clears what the killed one left beside the store."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clustergraph.store import EmbeddedStore, content_hash

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

SEED = 5
# The step lines `load --verbose` prints; a kill is aimed at a moment inside each.
STEPS = ("reading", "validating", "committing")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "clustergraph.cli", *args]


def content(store: Path) -> str:
    db = EmbeddedStore(store)
    try:
        return content_hash(db)
    finally:
        db.close()


def staging_left(store: Path) -> list[Path]:
    return list(store.parent.glob(f".{store.name}.staging-*"))


def killed_at(step: str, delay: float, args: list[str]) -> bool:
    """Run ``load --verbose`` and kill it ``delay`` seconds after it began ``step``; whether it
    was still running at the kill."""
    process = subprocess.Popen(cli("load", "--verbose", *args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith(step):
            break
    time.sleep(delay)
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    return running


@pytest.mark.parametrize("staging", ["0", "1000000000000"], ids=["staged on disk", "staged in memory"])
@pytest.mark.parametrize("filled", [False, True], ids=["fresh store", "filled store"])
def test_a_load_killed_at_any_step_leaves_the_old_or_the_complete_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filled: bool, staging: str
) -> None:
    monkeypatch.setenv("CLUSTERGRAPH_LOAD_MEMORY_BYTES", staging)
    data = generate(10_000, SEED, out_root=tmp_path / "landscape")
    inputs = [str(data / "synthetic.nq")] if filled else [str(data)]
    pristine = tmp_path / "pristine"
    if filled:
        subprocess.run(cli("load", "--store", str(pristine)), check=True, capture_output=True, timeout=300)
    else:
        EmbeddedStore(pristine).close()
    old = content(pristine)
    complete = tmp_path / "complete"
    shutil.copytree(pristine, complete)
    subprocess.run(cli("load", *inputs, "--store", str(complete)), check=True, capture_output=True, timeout=300)
    new = content(complete)
    assert new != old
    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0}
    running = 0
    for attempt, step in enumerate(STEPS):
        store = tmp_path / f"store-{attempt}"
        shutil.copytree(pristine, store)
        # Soon after the step begins: a load of 10,000 quads takes a second or two in all.
        running += killed_at(step, rng.uniform(0, 0.05), [*inputs, "--store", str(store)])
        found = content(store)
        assert found in (old, new), f"killed while {step}: neither the old nor the complete store"
        outcomes["old" if found == old else "new"] += 1
        # The next load clears the killed one's staging folder and completes.
        subprocess.run(cli("load", *inputs, "--store", str(store)), check=True, capture_output=True, timeout=300)
        assert content(store) == new
        assert staging_left(store) == []
    assert running >= 2, "too few kills landed while the load was running"
    assert outcomes["old"] >= 1

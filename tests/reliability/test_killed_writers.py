"""Nothing half-written: `clustergraph export -o` and `clustergraph load` killed with SIGKILL at
any moment leave the old file or store, or the complete new one.

The data is a generated landscape (benchmarks/generate.py), large enough that writing it
takes a while: the kills are aimed at the moment the export's temporary file fills and at
the load's commit, and at random moments besides.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from clustergraph.stats import store_stats
from clustergraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
GENERATE = ROOT / "benchmarks" / "generate.py"
EXPORT_SIZE = "100k"
LOAD_SIZE = "10k"
SEED = 7
EXPORT_KILLS = 8
LOAD_KILLS = 5
OLD_EXPORT = b'<http://example.org/old> <http://example.org/says> "the previous export" <http://example.org/g> .\n' * 1000


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "clustergraph.cli", *args]


def generated(root: Path, size: str) -> Path:
    """The generated landscape of ``size`` quads (synthetic.nq plus a copy of the bundled data)."""
    subprocess.run([sys.executable, str(GENERATE), "--size", size, "--seed", str(SEED), "--out", str(root)], check=True,
                   capture_output=True, timeout=300)
    (folder,) = [p for p in root.iterdir() if p.is_dir() and p.name.startswith(size)]
    return folder


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An on-disk store holding a generated landscape of 100k quads (bulk-loaded: the export test needs size, not validity)."""
    root = tmp_path_factory.mktemp("export-kills")
    data = generated(root, EXPORT_SIZE)
    store = root / "store"
    code = (
        "import sys, pyoxigraph\n"
        "s = pyoxigraph.Store(sys.argv[1])\n"
        "s.bulk_load(path=sys.argv[2], format=pyoxigraph.RdfFormat.N_QUADS)\n"
        "s.flush()\n"
    )
    subprocess.run([sys.executable, "-c", code, str(store), str(data / "synthetic.nq")], check=True, timeout=300)
    yield store


def test_an_export_killed_at_any_moment_leaves_the_old_file_or_the_complete_new_one(
    big_store: Path, tmp_path: Path, figures: dict
) -> None:
    """Guarantee: `clustergraph export dump -o FILE` killed with SIGKILL (mid-write or at random)
    leaves FILE byte-identical to the previous export or to the complete new one, never truncated."""
    reference = tmp_path / "reference.nq"
    started = time.monotonic()
    subprocess.run(cli("export", "dump", "--store", str(big_store), "-o", str(reference)), check=True,
                   capture_output=True, timeout=300)
    full_run = time.monotonic() - started
    new = reference.read_bytes()
    target = tmp_path / "export.nq"
    target.write_bytes(OLD_EXPORT)
    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0}
    mid_write = 0
    for attempt in range(EXPORT_KILLS):
        process = subprocess.Popen(cli("export", "dump", "--store", str(big_store), "-o", str(target)),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        partial = tmp_path / f".export.nq.partial-{process.pid}"
        if attempt % 2 == 0:  # aim at the write: kill once the temporary file holds some bytes
            deadline = time.monotonic() + full_run * 3
            while time.monotonic() < deadline and process.poll() is None:
                if partial.exists() and partial.stat().st_size > 0:
                    break
                time.sleep(0.001)
        else:
            time.sleep(rng.uniform(0, full_run))
        writing = partial.exists()
        kill(process)
        mid_write += writing
        content = target.read_bytes()
        assert content in (OLD_EXPORT, new), f"kill {attempt}: {len(content)} bytes, neither the old nor the new export"
        outcomes["old" if content == OLD_EXPORT else "new"] += 1
        if content == new:  # start the next round from an old file again
            target.write_bytes(OLD_EXPORT)
    assert mid_write >= EXPORT_KILLS // 2, "too few kills landed while the export was writing"
    subprocess.run(cli("export", "dump", "--store", str(big_store), "-o", str(target)), check=True,
                   capture_output=True, timeout=300)
    assert target.read_bytes() == new
    assert not list(tmp_path.glob(".export.nq.partial-*")), "a completed export leaves no temporary file behind"
    figures.update(
        faults_injected=EXPORT_KILLS, faults_survived=EXPORT_KILLS, kills_while_writing=mid_write,
        left_old_file=outcomes["old"], left_new_file=outcomes["new"], export_bytes=len(new),
        export_seconds=round(full_run, 2),
    )


def store_content(store: Path) -> dict:
    """Quads per graph as `clustergraph stats` counts them, the store opened as the CLI opens it."""
    db = EmbeddedStore(store)
    try:
        numbers = store_stats(db)
    finally:
        db.close()
    return {"quads": numbers["quads"], "graphs": {row["graph"]: row["count"] for row in numbers["graphs"]}}


def test_a_load_killed_during_its_commit_leaves_the_old_or_the_new_store(tmp_path: Path, figures: dict) -> None:
    """Guarantee: `clustergraph load` killed with SIGKILL around its commit leaves the store with
    exactly the old content or exactly the old plus the new, and the store opens."""
    data = generated(tmp_path / "generated", LOAD_SIZE) / "synthetic.nq"
    pristine = tmp_path / "pristine"
    subprocess.run(cli("load", "--store", str(pristine)), check=True, capture_output=True, timeout=300)
    old = store_content(pristine)
    complete = tmp_path / "complete"
    shutil.copytree(pristine, complete)
    done = subprocess.run(cli("load", str(data), "--store", str(complete)), check=True, capture_output=True,
                          text=True, timeout=300)
    commit = float(done.stdout.split("commit ")[1].split(" s")[0])
    new = store_content(complete)
    assert new["quads"] > old["quads"]
    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0}
    for attempt in range(LOAD_KILLS):
        store = tmp_path / f"store-{attempt}"
        shutil.copytree(pristine, store)
        process = subprocess.Popen(cli("load", "--verbose", str(data), "--store", str(store)),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in process.stderr:  # --verbose: the CLI says "committing N quads" right before the transaction
            if line.startswith("committing"):
                break
        time.sleep(rng.uniform(0, commit * 1.5))
        kill(process)
        process.stderr.close()
        content = store_content(store)
        assert content in (old, new), f"kill {attempt}: {content['quads']} quads, neither old nor new"
        outcomes["old" if content == old else "new"] += 1
        shutil.rmtree(store)
    figures.update(
        faults_injected=LOAD_KILLS, faults_survived=LOAD_KILLS, left_old_store=outcomes["old"],
        left_new_store=outcomes["new"], quads_loaded=new["quads"] - old["quads"], commit_seconds=commit,
    )

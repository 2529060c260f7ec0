"""Atomic file writes: a file under its final name is complete or absent; failures leave no trace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clustergraph.files import write_atomically


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "export.nq"
    target.write_bytes(b"old")
    chunks = [b"a" * 1000, b"b" * 10]
    assert write_atomically(target, iter(chunks)) == 1010
    assert target.read_bytes() == b"".join(chunks)
    assert [p.name for p in tmp_path.iterdir()] == ["export.nq"]


def test_a_failing_source_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "export.nq"
    target.write_bytes(b"old")

    def failing():
        yield b"new"
        raise RuntimeError("the export failed half way")

    with pytest.raises(RuntimeError):
        write_atomically(target, failing())
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["export.nq"]


def test_a_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomically(tmp_path / "missing" / "export.nq", b"data")
    assert not (tmp_path / "missing").exists()


def test_the_partial_file_of_a_killed_writer_is_removed_by_the_next_write(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    stale = tmp_path / f".export.nq.partial-{int(gone.stdout)}"
    stale.write_bytes(b"half an export")
    write_atomically(tmp_path / "export.nq", b"data")
    assert not stale.exists()

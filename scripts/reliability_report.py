"""Run the reliability tests and write RELIABILITY.md from their results.

    python scripts/reliability_report.py              # run tests/reliability, write RELIABILITY.md
    python scripts/reliability_report.py --no-run     # rebuild RELIABILITY.md from the last results
    python scripts/reliability_report.py -- -k fuzz   # pass arguments on to pytest

Every test in tests/reliability whose docstring states a guarantee (its first paragraph; a
leading "Guarantee:" is dropped) becomes a row: the guarantee, the test that proves it, its
result and the figures it recorded with the ``figures`` fixture. The figures ``requests``,
``faults_injected``, ``faults_survived``, ``bypasses_tried`` and ``bypasses_blocked`` are added
up for the summary. Results go to tests/artifacts/reliability/ (tests.json, junit.xml and
fuzz.json). Exits with pytest's status, so a failed guarantee fails the run; the report is
written either way and shows the failure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests" / "reliability"
RESULTS = ROOT / "tests" / "artifacts" / "reliability"
REPORT = ROOT / "RELIABILITY.md"
RESULTS_ENV = "CLUSTERGRAPH_RELIABILITY_RESULTS"
TOTALS = ("requests", "faults_injected", "faults_survived", "bypasses_tried", "bypasses_blocked")
MAX_TABLE_ITEMS = 4  # larger dicts of figures stay out of the tables
MARKS = {"passed": "passed", "failed": "**FAILED**", "error": "**ERROR**", "skipped": "skipped", "not run": "not run"}


@dataclass
class Guarantee:
    """One test function (all its parameters) and what its runs showed."""

    file: str
    function: str
    text: str
    outcomes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    figures: list[dict] = field(default_factory=list)

    @property
    def result(self) -> str:
        failed = [o for o in self.outcomes if o not in ("passed",)]
        if not failed:
            runs = len(self.outcomes)
            return "passed" if runs == 1 else f"passed ({runs} cases)"
        worst = "failed" if "failed" in failed else failed[0]
        return f"{MARKS.get(worst, worst)} ({len(failed)} of {len(self.outcomes)})"

    def total(self, name: str) -> int:
        return sum(f.get(name, 0) for f in self.figures if isinstance(f.get(name, 0), int | float))


def run_tests(results: Path, pytest_args: Sequence[str]) -> int:
    """Run pytest on tests/reliability with results written to ``results``; pytest's exit status."""
    results.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pytest", str(TESTS.relative_to(ROOT)), "-p", "no:cacheprovider",
               f"--junitxml={results / 'junit.xml'}", *pytest_args]
    environment = {**os.environ, RESULTS_ENV: str(results)}
    return subprocess.run(command, cwd=ROOT, env=environment, check=False).returncode


def guarantees(tests: list[dict]) -> tuple[list[Guarantee], list[str]]:
    """The tests grouped by function, in file order; and the node ids of tests without a docstring."""
    grouped: dict[tuple[str, str], Guarantee] = {}
    undocumented = []
    for test in tests:
        text = test["guarantee"].removeprefix("Guarantee:").strip()
        if not text:
            undocumented.append(test["nodeid"])
            continue
        key = (test["file"], test["function"])
        entry = grouped.setdefault(key, Guarantee(test["file"], test["function"], text))
        entry.outcomes.append(test["outcome"])
        entry.seconds += test["duration"]
        if test["figures"]:
            entry.figures.append(test["figures"])
    return list(grouped.values()), undocumented


def figure_text(figures: list[dict]) -> str:
    """The recorded figures of a test, compact; numbers of parametrised runs added up."""
    if not figures:
        return ""
    if len(figures) > 1:
        keys = sorted({k for f in figures for k, v in f.items() if isinstance(v, int | float)})
        return ", ".join(f"{k} {sum(f.get(k, 0) for f in figures):,}" for k in keys)
    parts = []
    for key, value in figures[0].items():
        if isinstance(value, dict) and len(value) > MAX_TABLE_ITEMS:
            continue  # shown in a section of its own (the fuzzing counts) or in the results folder
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}" for k, v in value.items())
            parts.append(f"{key} ({value})")
        elif isinstance(value, int) and not isinstance(value, bool):
            parts.append(f"{key} {value:,}")
        else:
            parts.append(f"{key} {value}")
    return "; ".join(parts).replace("|", "\\|")


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                               check=False).stdout
        return head + (" with uncommitted changes" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def render(items: list[Guarantee], undocumented: list[str], fuzz: dict | None, seconds: float | None) -> str:
    """RELIABILITY.md."""
    totals = {name: sum(g.total(name) for g in items) for name in TOTALS}
    passed = sum(o == "passed" for g in items for o in g.outcomes)
    cases = sum(len(g.outcomes) for g in items)
    held = sum(all(o == "passed" for o in g.outcomes) for g in items)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Reliability",
        "",
        (
            "What clustergraph guarantees under hostile input, faults and slow clients, each guarantee with the "
            "test that proves it and what the test measured. Generated by `python scripts/reliability_report.py` "
            "(which runs `tests/reliability/`); do not edit by hand."
        ),
        "",
        (
            f"Run: {when}, commit {commit()}, {platform.system()} with {os.cpu_count()} cores"
            + (f", {seconds:.0f} s" if seconds is not None else "") + "."
        ),
        "",
        "## Summary",
        "",
        "| | |",
        "|---|---|",
        f"| guarantees held | {held} of {len(items)} ({passed} of {cases} test cases passed) |",
        f"| requests sent (fuzzing and attacks) | {totals['requests']:,} |",
        (
            f"| faults injected / survived (SIGKILLs, slow connections) | {totals['faults_injected']:,} / "
            f"{totals['faults_survived']:,} |"
        ),
        f"| bypasses tried / blocked | {totals['bypasses_tried']:,} / {totals['bypasses_blocked']:,} |",
    ]
    if fuzz:
        lines.append(f"| fuzzed requests answered 5xx outside the documented limits | {fuzz['unexpected_5xx']} |")
    current = None
    for item in items:
        if item.file != current:
            current = item.file
            lines += ["", f"## `tests/reliability/{item.file}`", "", "| guarantee | test | result | figures |",
                      "|---|---|---|---|"]
        lines.append(f"| {item.text} | `{item.function}` | {item.result} | {figure_text(item.figures)} |")
    if fuzz:
        summary = (
            f"{fuzz['requests']:,} requests in {fuzz['seconds']} s against a live server "
            f"({fuzz['operations']} operations of the OpenAPI document; /health p50 {fuzz['health_p50_ms']} ms, "
            f"max {fuzz['health_max_ms']} ms while fuzzing; CPU: client {fuzz.get('client_cpu_seconds', '?')} s, "
            f"server process {fuzz.get('server_process_cpu_seconds', '?')} s)."
        )
        lines += ["", "## Fuzzing in detail", "", summary, "", "| source | requests |", "|---|---|"]
        lines += [f"| {kind} | {count:,} |" for kind, count in sorted(fuzz["by_kind"].items(), key=lambda kv: -kv[1])]
        lines += ["", "| status | responses |", "|---|---|"]
        lines += [f"| {status} | {count:,} |" for status, count in fuzz["statuses"].items()]
        if fuzz.get("documented_limits"):
            limits = ", ".join(f"{name}: {count:,}" for name, count in fuzz["documented_limits"].items())
            lines += ["", f"5xx answers for documented limits: {limits}."]
        for example in fuzz.get("unexpected_examples", []):
            lines += ["", f"- unexpected {example['status']} {example['title']}: `{example['request'][:400]!r}`"]
    if undocumented:
        lines += ["", "## Tests without a stated guarantee", ""] + [f"- `{nodeid}`" for nodeid in undocumented]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-run", action="store_true", help="rebuild the report from the last results")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of the results")
    parser.add_argument("--out", type=Path, default=REPORT, help="where to write the report")
    parser.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --)")
    args = parser.parse_args(argv)
    status, seconds = 0, None
    if not args.no_run:
        started = time.monotonic()
        status = run_tests(args.results, args.pytest_args)
        seconds = time.monotonic() - started
    tests_file = args.results / "tests.json"
    if not tests_file.exists():
        print(f"no results in {args.results}: run without --no-run first", file=sys.stderr)
        return status or 2
    items, undocumented = guarantees(json.loads(tests_file.read_text(encoding="utf-8")))
    fuzz_file = args.results / "fuzz.json"
    fuzz = json.loads(fuzz_file.read_text(encoding="utf-8")) if fuzz_file.exists() else None
    args.out.write_text(render(items, undocumented, fuzz, seconds), encoding="utf-8")
    print(f"wrote {args.out} ({len(items)} guarantees)")
    return status


if __name__ == "__main__":
    sys.exit(main())

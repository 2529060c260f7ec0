"""The README's two set-up commands: they agree with `.ci/run`, and the first one serves on Debian's own Python."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from fnmatch import fnmatch
from pathlib import Path

import httpx
from support.readme import README, ROOT, commands, section, sh_blocks
from support.servers import free_port

CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
CI_LINES = [line.strip() for line in CI_RUN.splitlines() if line.strip() and not line.lstrip().startswith("#")]
DEBIAN_PYTHON = Path("/usr/bin/python3")


def setup_commands() -> tuple[str, str]:
    """The two commands of the README's set-up: serve, and install and test."""
    blocks = sh_blocks("Set-up")
    assert len(blocks) == 2, "the set-up is two commands"
    return blocks[0].strip(), blocks[1].strip()


def ci_venv() -> str:
    match = re.search(r"^VENV=(\S+)$", CI_RUN, flags=re.MULTILINE)
    assert match, ".ci/run names its virtual environment in VENV="
    return match.group(1)


def test_the_serve_command_makes_a_venv_installs_into_it_and_serves_from_it() -> None:
    serve, _ = setup_commands()
    steps = [step.strip() for step in serve.split("&&")]
    venv = steps[0].removeprefix("python3 -m venv ")
    assert steps[0] == f"python3 -m venv {venv}"
    assert steps[1:] == [f"{venv}/bin/pip install -e .", f"{venv}/bin/clustergraph serve"]
    assert f"{venv}/" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_test_command_is_ci_run() -> None:
    _, test = setup_commands()
    assert commands(test) == [["bash", ".ci/run"]]
    done = subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_ci_run_installs_only_into_a_venv_of_its_own_that_the_readme_names() -> None:
    venv = ci_venv()
    assert f"`{venv}`" in README
    assert f"{venv}/" in (ROOT / ".gitignore").read_text().splitlines()
    assert '[ -x "$VENV/bin/python3" ] || python3 -m venv "$VENV"' in CI_LINES
    installs = [line for line in CI_LINES if "pip install" in line]
    assert installs and all(line.startswith('"$VENV/bin/python3" -m pip install') for line in installs), installs


def test_ci_run_runs_the_readme_test_command_with_the_venv_python() -> None:
    named = re.search(r"runs\s+`([^`]+)`\s+with that environment's Python", README)
    assert named, "the README says which test command .ci/run runs"
    command = named.group(1)
    path_line = CI_LINES.index('export PATH="$PWD/$VENV/bin:$PATH"')
    runs = [i for i, line in enumerate(CI_LINES) if line.split(' "$@"')[0] == command]
    assert runs and min(runs) > path_line, f"{command} runs after the venv is first on PATH"


def test_ci_run_installs_python3_venv_when_venv_cannot_work() -> None:
    assert "python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)" in CI_LINES
    assert "`python3-venv`" in README


def test_every_debian_package_ci_run_installs_is_named_in_the_readme() -> None:
    packages = set(re.findall(r"missing\+=\(([\w.-]+)\)", CI_RUN))
    for line in CI_LINES:
        if "apt-get install" in line and '"${missing[@]}"' not in line:
            packages |= {w for w in line.split("--no-install-recommends", 1)[1].split()}
    assert {"chromium", "virtuoso-opensource-7-bin", "python3-venv", "nodejs", "npm"} <= packages
    for package in packages:
        assert f"`{package}`" in section("Set-up"), f"{package} (.ci/run installs it) is not in the README's set-up"


def test_the_readme_serve_command_works_on_debians_own_python(tmp_path: Path) -> None:
    """On Debian's python3 (PEP 668: no installs outside a venv) the README's first command
    installs the package into a fresh venv and serves the bundled data."""
    assert DEBIAN_PYTHON.is_file(), "CI runs on Debian: /usr/bin/python3 is its own Python"
    stdlib = subprocess.run(
        [DEBIAN_PYTHON, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert (Path(stdlib) / "EXTERNALLY-MANAGED").is_file(), "Debian's Python refuses installs outside a venv"
    clone = copy_of_the_working_tree(tmp_path / "clone")
    serve, _ = setup_commands()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLUSTERGRAPH_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(PATH=f"{DEBIAN_PYTHON.parent}:/bin", CLUSTERGRAPH_PORT=str(port))
    log = tmp_path / "setup.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", serve], cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}/health", process, log, timeout=600)
        assert health == {"status": "ok", "store": "disk", "quads": health["quads"]} and health["quads"] > 2000
        venv_python = clone / ".venv" / "bin" / "python3"
        base = subprocess.run(
            [venv_python, "-c", "import sys; print(sys.base_prefix)"], check=True, capture_output=True, text=True
        )
        assert base.stdout.strip() == "/usr", "the venv is made from Debian's Python"
        assert "loading and validating the bundled data" in log.read_text(errors="replace")
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the session this test started: bash and the server
        process.wait(timeout=30)


def copy_of_the_working_tree(target: Path) -> Path:
    """The repository's files as a fresh clone has them (what .gitignore names left out), with
    uncommitted changes; works in a copy that is no git checkout too."""
    ignored = [line.strip().strip("/") for line in (ROOT / ".gitignore").read_text().splitlines()]
    patterns = [p for p in ignored if p and not p.startswith("#")] + [".git"]

    def left_out(folder: str, names: list[str]) -> set[str]:
        here = Path(folder).relative_to(ROOT)
        return {n for n in names if any(fnmatch(n, p) or fnmatch((here / n).as_posix(), p) for p in patterns)}

    shutil.copytree(ROOT, target, ignore=left_out, symlinks=True)
    return target


def wait_for_health(url: str, process: subprocess.Popen, log: Path, *, timeout: float) -> dict:
    """``/health`` of the server the set-up command starts, once it answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the set-up command ended: {log.read_text(errors='replace')[-3000:]}"
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return response.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"no answer within {timeout:.0f} s: {log.read_text(errors='replace')[-3000:]}")

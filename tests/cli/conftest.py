"""The CLI tests' archive: `councilwatch demo` run once for the session (it crawls a council
and a news site twice), and the real command to run in its folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def councilwatch(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from councilwatch.cli import run; run()", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli-demo")
    result = councilwatch(folder, "demo", "--dir", "demo")
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "demo"


@pytest.fixture
def in_demo(demo_dir):
    """Run `councilwatch ARGS` in the demo's folder (its config names its archive)."""

    def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return councilwatch(demo_dir, *args, env=env)

    return run

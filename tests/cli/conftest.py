"""The demo, run through the real `councilwatch` command (it crawls a council and a news
site twice), and a way to run more commands in its folder afterwards."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.command import councilwatch


@dataclass
class DemoRun:
    folder: Path  # where `councilwatch demo` was started
    demo_dir: Path  # the --dir it wrote its config and archive into
    result: subprocess.CompletedProcess

    def councilwatch(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return councilwatch(cwd or self.demo_dir, *args)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> DemoRun:
    folder = tmp_path_factory.mktemp("newcomer")
    result = councilwatch(folder, "demo", "--dir", "explore")
    return DemoRun(folder=folder, demo_dir=folder / "explore", result=result)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """A demo archive shared by the read-only command tests of the whole session."""
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

"""The demo, run once for the module through the real `councilwatch` command (it costs four
crawls), and a way to run more commands in its folder afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class DemoRun:
    folder: Path  # where `councilwatch demo` was started
    demo_dir: Path  # the --dir it wrote its config and archive into
    result: subprocess.CompletedProcess

    def councilwatch(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return _councilwatch(cwd or self.demo_dir, *args)


def _councilwatch(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # No COUNCILWATCH_* from the developer's shell: the demo needs no configuration at all.
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    return subprocess.run(
        [sys.executable, "-c", "from councilwatch.cli import run; run()", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> DemoRun:
    folder = tmp_path_factory.mktemp("newcomer")
    result = _councilwatch(folder, "demo", "--dir", "explore")
    return DemoRun(folder=folder, demo_dir=folder / "explore", result=result)

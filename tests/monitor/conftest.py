"""Fixtures for the scheduler tests: the real `councilwatch` command started in the background
(the campaign site and its config are in tests/conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest


@pytest.fixture
def spawn(tmp_path):
    """Start the real `councilwatch` command in the background; stopped at teardown if alive."""
    started: list[subprocess.Popen] = []

    def start(*args: str, db: str) -> subprocess.Popen:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
        environ["COUNCILWATCH_DB"] = db
        proc = subprocess.Popen(
            [sys.executable, "-c", "from councilwatch.cli import run; run()", *args],
            cwd=tmp_path,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

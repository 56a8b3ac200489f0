"""Fixtures for the scheduler tests: the real `councilwatch` command started in the background
(the campaign site and its config are in tests/conftest.py)."""

from __future__ import annotations

import signal
import subprocess

import pytest

from tests.helpers import command


@pytest.fixture
def spawn(tmp_path):
    """Start the real `councilwatch` command in the background; stopped at teardown if alive."""
    started: list[subprocess.Popen] = []

    def spawn(*args: str, db: str) -> subprocess.Popen:
        started.append(command.start(tmp_path, *args, db=db))
        return started[-1]

    yield spawn
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

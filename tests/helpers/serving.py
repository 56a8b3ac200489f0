"""`councilwatch serve` started for a test, and headless Chromium to look at what it serves."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers.command import start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    """Until `url` answers 200; fails at once if the process exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited early: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"serve did not answer at {url}")


@contextmanager
def serving(folder: Path, *args: str, db: str | None = None) -> Iterator[str]:
    """`councilwatch serve ARGS` in `folder` on a free port, until the block ends; gives the
    base URL, once Datasette answers there."""
    port = free_port()
    process = start(folder, "serve", "--port", str(port), *args, db=db)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base}/-/versions.json", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def chromium() -> str:
    """Headless Chromium's command; the test is skipped without it (fails in CI)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("headless Chromium must be installed in CI")
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    return browser


def browse(url: str, profile: Path) -> str:
    """The page's DOM as headless Chromium built it (a fresh profile each time)."""
    shutil.rmtree(profile, ignore_errors=True)
    result = subprocess.run(
        [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", url,
        ],
        capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout

"""`councilwatch serve` stopped as systemd (SIGTERM) or a person (Ctrl-C) stops it: Datasette
stops with it, and the exit code is 0."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited early: {process.communicate()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("serve never answered")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_exits_0_when_asked_to_stop(demo_dir, signum):
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from councilwatch.cli import run; run()",
            "serve",
            "--port",
            str(port),
        ],
        cwd=demo_dir,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_serving(url, process)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "datasette stopped" not in stderr
    with pytest.raises(httpx.HTTPError):  # Datasette went with it
        httpx.get(url, timeout=2)

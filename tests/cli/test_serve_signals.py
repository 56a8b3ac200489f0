"""`councilwatch serve` stopped as systemd (SIGTERM) or a person (Ctrl-C) stops it: Datasette
stops with it, and the exit code is 0."""

from __future__ import annotations

import signal

import httpx
import pytest

from tests.helpers.command import start
from tests.helpers.serving import free_port, wait_until_serving


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_exits_0_when_asked_to_stop(demo_dir, signum):
    port = free_port()
    process = start(demo_dir, "serve", "--port", str(port))
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_serving(url, process)
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

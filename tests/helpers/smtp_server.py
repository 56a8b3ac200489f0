"""A real SMTP server (aiosmtpd) on 127.0.0.1, on a port the OS chooses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class _Controller(Controller):
    """aiosmtpd's Controller on port 0: learn the port the OS chose before the self-check
    connects to it (1.4.6 would connect to port 0)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def serve_smtp(inbox, **options) -> Iterator[Controller]:
    """Serves SMTP into `inbox` (aiosmtpd's handler), as `.inbox`; `options` go to aiosmtpd."""
    controller = _Controller(inbox, hostname="127.0.0.1", port=0, **options)
    controller.start()
    controller.inbox = inbox
    try:
        yield controller
    finally:
        controller.stop()

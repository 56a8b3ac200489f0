"""The `councilwatch` command: each command lives in a module of `councilwatch/commands/`."""

from councilwatch.app import app, run
from councilwatch.commands import (  # noqa: F401  (importing registers the commands)
    alerts,
    archive,
    compare,
    crawl,
    demo,
    schedule,
    search,
    setup,
)

__all__ = ["app", "run"]

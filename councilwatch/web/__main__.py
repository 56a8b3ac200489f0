"""Datasette with councilwatch's pages: `python -m councilwatch.web serve ARCHIVE.db ...`.

`councilwatch serve` runs this rather than `python -m datasette`, so the plugin is part of
the package (no entry point to install, no plugins folder to copy) and only this server
loads it.
"""

from datasette.cli import cli
from datasette.plugins import pm

from councilwatch.web import plugin

pm.register(plugin, name="councilwatch")
cli()

"""`python -m councilwatch`: the same command as `councilwatch`."""

from councilwatch.cli import run

run()

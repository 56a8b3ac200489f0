"""Setting up: `init` writes a starter config, `db upgrade` creates or migrates the archive."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import typer

from core.config import DEFAULT_CONFIG, load_config
from councilwatch.app import UserError, app, err, state

db_app = typer.Typer(help="Manage the archive database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.command()
def init(
    directory: Path = typer.Argument(Path("."), help="Where to write councilwatch.toml."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented starter councilwatch.toml with real councils and news sources.

    Example: councilwatch init ~/watch
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / DEFAULT_CONFIG
    if target.exists() and not force:
        raise UserError(f"{target} exists; use --force to overwrite it")
    target.write_text(files("councilwatch").joinpath("starter.toml").read_text(encoding="utf-8"))
    load_config(target)  # the starter must itself be valid
    err.print(f"wrote {target}; next: councilwatch crawl (or councilwatch demo to try it offline)")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the archive or migrate it to the newest schema.

    Example: councilwatch --db postgresql+psycopg://postgres@127.0.0.1/councilwatch db upgrade
    """
    from storage.db import safe_url, upgrade

    st = state(ctx)
    upgrade(st.db_url)
    err.print(f"archive at {safe_url(st.db_url)} is up to date")

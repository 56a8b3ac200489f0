"""The Typer application every command module registers on, and what commands share."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console

from councilwatch.config import UK, Config, ConfigError, database_url, load_config

app = typer.Typer(
    name="councilwatch",
    help="Watch UK council publications and local news; hear when decisions or figures change.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)

# Messages and progress go to stderr; stdout is for output a script may parse (--json).
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class UserError(Exception):
    """Bad input from the user: shown as one line, no traceback, exit code 2."""


@dataclass
class State:
    config_path: Path | None = None
    db: str | None = None
    verbose: bool = False
    _config: Config | None = field(default=None, repr=False)

    def config(self, required: bool = False) -> Config:
        if self._config is None or (required and self._config.path is None):
            self._config = load_config(self.config_path, required=required)
        return self._config

    @property
    def db_url(self) -> str:
        return database_url(self.db, self.config())

    def archive(self):
        from storage.db import open_archive

        return open_archive(self.db_url)


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Path = typer.Option(
        None,
        "--config",
        "-c",
        envvar="COUNCILWATCH_CONFIG",
        help="Config file (default ./councilwatch.toml).",
    ),
    db: str = typer.Option(
        None,
        "--db",
        envvar="COUNCILWATCH_DB",
        help="Database URL (default sqlite:///councilwatch.db).",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show progress and debug logs."),
) -> None:
    ctx.obj = State(config_path=config, db=db, verbose=verbose)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def state(ctx: typer.Context) -> State:
    return ctx.find_root().obj


def uk_time(value: datetime | None) -> str:
    """A timestamp as a UK reader expects it: local time, day first."""
    if value is None:
        return "-"
    return value.astimezone(UK).strftime("%d %b %Y %H:%M")


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def parse_when(text: str, option: str) -> datetime:
    """A user's date (`2026-11-01`, `01/11/2026`, `7 days ago`) as an aware datetime, UK time."""
    import dateparser

    parsed = dateparser.parse(
        text,
        settings={
            "DATE_ORDER": "DMY",
            "TIMEZONE": "Europe/London",
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "past",
        },
    )
    if parsed is None:
        raise UserError(
            f"{option}: cannot read {text!r} as a date (try 2026-11-01 or '7 days ago')"
        )
    return parsed


def run() -> None:
    """Console entry point: user errors become one line on stderr, never a traceback."""
    from storage.db import DatabaseError

    try:
        app()
    except (UserError, ConfigError) as exc:
        err.print(f"councilwatch: {exc}", markup=False)
        sys.exit(2)
    except DatabaseError as exc:
        err.print(f"councilwatch: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("councilwatch: interrupted")
        sys.exit(130)

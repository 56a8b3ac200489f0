"""The Typer application every command module registers on, and what commands share."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from typer.core import TyperGroup

from councilwatch.dates import UK, DateError

if TYPE_CHECKING:
    from councilwatch.config import Config

# The options of `councilwatch` itself, which people also type after the command
# (`councilwatch db upgrade --db sqlite:///x.db`); those taking a value, then flags.
GLOBAL_WITH_VALUE = ("--config", "-c", "--db")
GLOBAL_FLAGS = ("--verbose", "-v")


def hoist_global_options(args: list[str]) -> list[str]:
    """`args` with the global options moved before the command, wherever they were typed.

    Everything after `--` is left alone, so `councilwatch search -- --db` searches for "--db".
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_WITH_VALUE and name.startswith("--") and "=" in arg:
            front.append(arg)
        elif arg in GLOBAL_WITH_VALUE and i + 1 < len(args):
            front.extend(args[i : i + 2])
            i += 1
        elif arg in GLOBAL_FLAGS:
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


class GlobalOptionsGroup(TyperGroup):
    def parse_args(self, ctx, args):
        return super().parse_args(ctx, hoist_global_options(list(args)))


app = typer.Typer(
    name="councilwatch",
    cls=GlobalOptionsGroup,
    help="Watch UK council publications and local news; hear when decisions or figures change."
    " The options below may also come after the command (councilwatch status --db URL).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Messages and progress go to stderr; stdout is for output a script may parse (--json).
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class UserError(Exception):
    """Bad input from the user: shown as one line, no traceback, exit code 2."""


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 new version`, `2 new versions`: the count with its noun agreeing."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


SUPPORTED_DATABASES = ("sqlite", "postgresql")


def checked_db_url(url: str, where: str) -> str:
    """A database URL councilwatch can open, or a UserError saying what to write instead."""
    if "://" not in url:
        hint = (
            f"; for an SQLite file write sqlite:///{url}"
            if url.endswith((".db", ".sqlite", ".sqlite3"))
            else ""
        )
        raise UserError(
            f"{where}: {url!r} is not a database URL (sqlite:///councilwatch.db or "
            f"postgresql://user@host/name){hint}"
        )
    backend = url.split("://", 1)[0].split("+", 1)[0].lower()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in SUPPORTED_DATABASES:
        raise UserError(
            f"{where}: unsupported database {backend!r}: councilwatch keeps its archive in "
            "SQLite (sqlite:///councilwatch.db) or PostgreSQL (postgresql://user@host/name)"
        )
    return url


@dataclass
class State:
    config_path: Path | None = None
    db: str | None = None
    verbose: bool = False
    _config: Config | None = field(default=None, repr=False)

    def config(self, required: bool = False, *, sending: bool | str = False) -> Config:
        """The config; `sending` commands also check that every secret it names is set (or,
        given a subscription's name, the secrets that subscription uses)."""
        from councilwatch.config import load_config

        if self._config is None or (required and self._config.path is None):
            self._config = load_config(self.config_path, required=required)
        if sending:
            from alerts.redact import hide_secrets

            only = sending if isinstance(sending, str) else None
            hide_secrets(self._config.check_secrets(only))
        return self._config

    @property
    def db_url(self) -> str:
        from councilwatch.config import database_url

        url = database_url(self.db, self.config())
        return checked_db_url(url, "--db" if self.db else "database url")

    def archive(self):
        """The archive for a command that writes: created or migrated to the newest schema."""
        from storage.db import open_archive

        return open_archive(self.db_url)

    def existing_archive(self):
        """The archive for a command that only reads: opened read-only, never created."""
        from storage.db import open_existing

        return open_existing(self.db_url)

    def known_sources(self, session) -> list[str]:
        """Source names in the config or the archive."""
        from sqlalchemy import select

        from storage.models import Source

        names = {s.name for s in self.config().sources}
        names.update(session.scalars(select(Source.name)))
        return sorted(names)

    def check_source(self, name: str | None, session, option: str = "--source") -> None:
        if name is None:
            return
        known = self.known_sources(session)
        if name not in known:
            raise UserError(
                f"{option}: unknown source {name!r} (known: {', '.join(known) or 'none yet'})"
            )


def check_choice(value: str | None, choices, option: str, what: str = "kind") -> None:
    if value is not None and value not in choices:
        raise UserError(f"{option}: unknown {what} {value!r} (known: {', '.join(choices)})")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"councilwatch {version('councilwatch')}")
        raise typer.Exit()


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
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    ctx.obj = State(config_path=config, db=db, verbose=verbose)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from alerts.redact import redact_logs

    redact_logs()


def state(ctx: typer.Context) -> State:
    return ctx.find_root().obj


def uk_time(value: datetime | None) -> str:
    """A timestamp as a UK reader expects it: local time, day first."""
    if value is None:
        return "-"
    return value.astimezone(UK).strftime("%d %b %Y %H:%M")


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def run() -> None:
    """Console entry point: user errors become one line on stderr, never a traceback."""
    try:
        app(prog_name="councilwatch")
    except Exception as exc:
        code = _exit_code(exc)
        if code is None:
            raise
        err.print(f"councilwatch: {exc}", markup=False)
        sys.exit(code)
    except KeyboardInterrupt:
        err.print("councilwatch: interrupted")
        sys.exit(130)


def _exit_code(exc: Exception) -> int | None:
    """2 for bad input (including no archive where one was named), 1 for a database that
    cannot be used, None for a bug. The modules are looked up, not imported: `--help`
    must not pay for SQLAlchemy, and an exception of a module never imported cannot occur."""
    bad_input: tuple[type, ...] = (UserError, DateError)
    config = sys.modules.get("councilwatch.config")
    if config is not None:
        bad_input += (config.ConfigError,)
    db = sys.modules.get("storage.db")
    if db is not None:
        bad_input += (db.ArchiveNotReady,)
    if isinstance(exc, bad_input):
        return 2
    if db is not None and isinstance(exc, db.DatabaseError):
        return 1
    return None

"""Engines, sessions and schema upgrades for the archive (SQLite by default, PostgreSQL too)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.config import DEFAULT_URL

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"

# How long a writer waits for another process's write transaction before giving up.
# Crawls of several councils run in parallel processes against one SQLite file.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# JSON columns keep their characters as they are: council text is full of £ and curly
# quotes, which as \u escapes take six bytes each (both databases read either form).
JSON_TEXT = partial(json.dumps, ensure_ascii=False)


class DatabaseError(Exception):
    """The archive cannot be reached or used; the message says why in one line."""


class ArchiveNotReady(DatabaseError):
    """There is no archive at the URL, or its schema is not the one this code reads: the
    message says which, and what to run."""


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 in SQLAlchemy 2.1 but psycopg2 in 2.0; say it explicitly."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Take over transaction control from the sqlite3 module so that every write
    # transaction starts with BEGIN IMMEDIATE (see _sqlite_begin): a reader that later
    # tries to write would otherwise fail with SQLITE_BUSY instead of waiting.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_pragmas_read_only(dbapi_conn, _record) -> None:
    # A read-only connection cannot switch the file to WAL (that is a write), and needs not:
    # it reads a WAL archive as it is.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_reading(conn) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, writer: bool = True, read_only: bool = False) -> Engine:
    """An engine for the archive; `read_only` connections cannot write (SQLite opens the
    file with mode=ro, PostgreSQL sessions are read-only), so a read command cannot
    create, migrate or change an archive even by mistake."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        connect_args: dict[str, Any] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        if parsed.database and parsed.database != ":memory:":
            parent = Path(parsed.database).expanduser().resolve().parent
            if not parent.is_dir():
                raise DatabaseError(f"database folder does not exist: {parent}")
            if read_only:
                # SQLAlchemy passes `file:...?mode=ro` to sqlite3 as a URI when uri=true.
                path = Path(parsed.database).expanduser().resolve()
                url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
        engine = create_engine(url, connect_args=connect_args, json_serializer=JSON_TEXT)
        event.listen(engine, "connect", _sqlite_pragmas_read_only if read_only else _sqlite_pragmas)
        begin = _sqlite_begin if writer and not read_only else _sqlite_begin_reading
        event.listen(engine, "begin", begin)
        return engine
    connect_args = {"connect_timeout": 10}
    if read_only:
        connect_args["options"] = "-c default_transaction_read_only=on"
    try:
        return create_engine(
            url, pool_pre_ping=True, connect_args=connect_args, json_serializer=JSON_TEXT
        )
    except Exception as exc:  # missing driver, bad dialect name
        raise DatabaseError(f"cannot use database {parsed.render_as_string()}: {exc}") from exc


def dialect_insert(session: Session, model):
    """An INSERT that can take ON CONFLICT clauses, in the archive database's own dialect."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(model)


def insert_ignoring_duplicates(session: Session, model, values: dict[str, Any]) -> None:
    """INSERT that does nothing if the primary or unique key exists (another crawl got there first)."""
    session.execute(dialect_insert(session, model).values(**values).on_conflict_do_nothing())


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database URL>"


def alembic_config(url: str):
    # Imported here, not at the top: every crawl process opens the archive, and only
    # `db upgrade` needs Alembic (whose import costs a crawl 60 ms).
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = normalise_url(url)
    return cfg


def upgrade(url: str) -> None:
    """Create or migrate the archive schema to the newest revision."""
    from alembic import command

    try:
        command.upgrade(alembic_config(url), "head")
    except OperationalError as exc:
        raise DatabaseError(f"cannot reach database {safe_url(url)}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


class Archive:
    """A connected archive: an engine plus a session factory."""

    def __init__(self, url: str = DEFAULT_URL, *, read_only: bool = False) -> None:
        self.url = normalise_url(url)
        self.read_only = read_only
        self.engine = make_engine(self.url, read_only=read_only)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # On SQLite, readers get their own engine whose transactions begin deferred, so a
        # journalist's search never queues behind a crawl's write (WAL serves both).
        if self.engine.dialect.name == "sqlite" and not read_only:
            self.read_engine = make_engine(self.url, writer=False)
        else:
            self.read_engine = self.engine
        self.readers = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self):
        """One transaction: committed on success, rolled back whole on any error."""
        return self._transaction(self.sessions)

    def reading(self):
        """A transaction for queries only: on SQLite it never waits for a writer."""
        return self._transaction(self.readers)

    @contextmanager
    def _transaction(self, factory: sessionmaker) -> Iterator[Session]:
        try:
            with factory.begin() as session:
                yield session
        except OperationalError as exc:
            raise DatabaseError(f"database {safe_url(self.url)}: {_first_line(exc)}") from exc

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def open_archive(url: str, migrate: bool = True) -> Archive:
    archive = Archive(url)
    if migrate and not _at_head(archive):
        upgrade(url)
    return archive


def _at_head(archive: Archive) -> bool:
    """Whether the schema is the newest already, as it nearly always is: one query, where
    Alembic's import and run would cost every crawl 0.1 CPU-seconds to find nothing to do."""
    try:
        with archive.read_engine.connect() as conn:
            found = stored_revisions(conn)
    except OperationalError:
        return False  # `upgrade` says what is wrong
    return schema_revisions()[1] in found


def stored_revisions(conn) -> list[str]:
    """The schema revisions an archive records (none for a database that is not one yet)."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return []
    return list(conn.scalars(text("SELECT version_num FROM alembic_version")))


def schema_revisions() -> tuple[set[str], str]:
    """Every schema revision this code knows, and the newest, from the migration files
    themselves (read as text: importing Alembic costs a read command 60 ms)."""
    revisions: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision(?:: *\w+)? *= *['\"]([^'\"]+)['\"]", text, re.M)
        down = re.search(r"^down_revision(?:: *[\w |\[\],]+)? *= *['\"]([^'\"]+)['\"]", text, re.M)
        if rev:
            revisions[rev[1]] = down[1] if down else None
    parents = set(revisions.values())
    heads = sorted(r for r in revisions if r not in parents)
    return set(revisions), heads[-1] if heads else ""


def open_existing(url: str) -> Archive:
    """The archive at `url`, read-only, if it exists and has this code's schema.

    Never creates or migrates: a read command run in the wrong folder must say there is
    no archive there, not answer "no changes" from an empty one it has just made.
    """
    shown = safe_url(url)
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {shown}") from exc
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ArchiveNotReady(f"no archive at {shown}: an in-memory database is always empty")
        path = Path(parsed.database).expanduser()
        if not path.is_file():
            where = "" if path.is_absolute() else f" ({path.resolve()})"
            raise ArchiveNotReady(
                f"no archive at {shown}{where}: run `councilwatch crawl` (or `councilwatch demo`) to "
                "make one, or `councilwatch db upgrade` for an empty one; --db names another"
            )
    archive = Archive(url, read_only=True)
    try:
        # An unreachable server is a DatabaseError (exit 1); a database without the table is
        # simply not an archive yet.
        with archive.read_engine.connect() as conn:
            found = stored_revisions(conn)
    except OperationalError as exc:
        archive.dispose()
        raise DatabaseError(f"cannot reach database {shown}: {_first_line(exc)}") from exc
    except Exception:
        archive.dispose()
        raise
    known, head = schema_revisions()
    if head in found:
        return archive
    archive.dispose()
    if not found:
        raise ArchiveNotReady(
            f"{shown} is not a councilwatch archive (it has no schema): run "
            "`councilwatch db upgrade` to make it one"
        )
    if all(rev in known for rev in found):
        raise ArchiveNotReady(
            f"the archive at {shown} is older than this councilwatch (schema {found[0]}, "
            f"needs {head}): run `councilwatch db upgrade`"
        )
    raise ArchiveNotReady(
        f"the archive at {shown} is newer than this councilwatch (schema {found[0]}): "
        "upgrade councilwatch"
    )

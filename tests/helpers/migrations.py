"""Moving a test's archive down and up its migrations, and what autogenerate would still
propose for it: the migration tests check that each migration comes, goes and matches the
models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import alembic_config
from storage.models import Base


def tables(archive) -> set[str]:
    return set(inspect(archive.engine).get_table_names())


def columns(archive, table: str) -> set[str]:
    return {c["name"] for c in inspect(archive.engine).get_columns(table)}


def differences(archive, *words: str) -> list:
    """What autogenerate would change for the models' tables whose repr names any of
    `words`; the full-text tables, which the models do not describe, are left out."""

    def include(name, type_, _parents) -> bool:
        return not (type_ == "table" and "_fts" in (name or ""))

    with archive.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include})
        diffs = compare_metadata(context, Base.metadata)
    return [d for d in diffs if any(w in repr(d) for w in words)]


def downgrade(archive, url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
    archive.engine.dispose()  # what the archive reads next is the schema as it is now


def upgrade(archive, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
    archive.engine.dispose()

"""Alembic environment: the URL comes from the caller (`storage.db.upgrade`) or $COUNCILWATCH_DB."""

import os

from alembic import context

from storage.db import DEFAULT_URL, make_engine, normalise_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, parent_names):
    # FTS5 virtual tables and their shadow tables are made by hand-written DDL;
    # autogenerate would otherwise propose dropping them.
    return not (type_ == "table" and name and "_fts" in name)


def run_migrations_online() -> None:
    url = config.attributes.get("url") or normalise_url(
        os.environ.get("COUNCILWATCH_DB", DEFAULT_URL)
    )
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = make_engine(url)
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

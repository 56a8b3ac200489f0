"""Fresh archives for tests: an SQLite file, or a PostgreSQL database made for the test and
dropped after it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# The databases a test parametrized over them runs on.
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty database on the server `admin_url` reaches."""
    import psycopg

    name = f"cw_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(request, folder: Path) -> Iterator[str]:
    """For a fixture parametrized "sqlite" / "postgresql": a file in `folder`, or a new
    PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{folder / 'archive.db'}"
    else:
        with postgres_database(request.getfixturevalue("postgres_admin_url")) as url:
            yield url


@contextmanager
def opened_archive(url: str):
    """The archive at `url`, migrated, disposed of when the block ends."""
    from storage.db import open_archive

    archive = open_archive(url)
    try:
        yield archive
    finally:
        archive.dispose()

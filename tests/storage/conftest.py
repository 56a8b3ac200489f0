"""The journalist archive (see archive_data.py), built once per database for the session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from archive_data import build


@dataclass
class Built:
    url: str
    archive: object


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def journalist_archive(request, tmp_path_factory):
    """The archive above, on an SQLite file and on PostgreSQL; tests must only read it."""
    from storage.db import open_archive

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('journalist') / 'archive.db'}"
        drop = None
    else:
        import psycopg

        admin = request.getfixturevalue("postgres_admin_url")
        name = f"cw_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{admin.rsplit('/', 1)[0]}/{name}".replace(
            "postgresql://", "postgresql+psycopg://", 1
        )

        def drop():
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    archive = open_archive(url)
    build(archive)
    yield Built(url, archive)
    archive.dispose()
    if drop:
        drop()


@pytest.fixture(scope="session")
def journalist_sqlite_url(tmp_path_factory) -> str:
    """The same archive on an SQLite file only, for the (slower) command-line tests: the
    queries behind the commands are tested on both databases."""
    from storage.db import open_archive

    url = f"sqlite:///{tmp_path_factory.mktemp('journalist-cli') / 'archive.db'}"
    archive = open_archive(url)
    build(archive)
    archive.dispose()
    return url

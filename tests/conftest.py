"""Fixtures every test may use: real archives (SQLite file and PostgreSQL), the replay
server, a config writer and the real `councilwatch` command."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from councilwatch.replay import ReplayServer

PG_ADMIN_URL = os.environ.get("COUNCILWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SHARED_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _postgres_reachable() -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    problem = _postgres_reachable()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must be reachable in CI at {PG_ADMIN_URL}: {problem}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL} ({problem})")
    return PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"cw_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = postgres_admin_url.rsplit("/", 1)[0]
    yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """The same test on an SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def archive(db_url):
    from storage.db import open_archive

    archive = open_archive(db_url)
    yield archive
    archive.dispose()


@pytest.fixture
def replay():
    with ReplayServer() as server:
        yield server


@pytest.fixture
def write_config(tmp_path):
    """Write a councilwatch.toml into the test's folder; crawls there are never delayed."""

    def write(body: str, *, polite: bool = False) -> Path:
        path = tmp_path / "councilwatch.toml"
        crawl = "" if polite else "[crawl]\ndelay_seconds = 0\ntimeout_minutes = 5\n\n"
        path.write_text(crawl + body, encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli(tmp_path):
    """Run the real `councilwatch` command in the test's folder."""

    def run(*args: str, db: str | None = None, env: dict | None = None, input: str | None = None):
        environ = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
        if db:
            environ["COUNCILWATCH_DB"] = db
        environ.update(env or {})
        return subprocess.run(
            [sys.executable, "-c", "from councilwatch.cli import run; run()", *args],
            cwd=tmp_path,
            env=environ,
            capture_output=True,
            text=True,
            input=input,
            timeout=600,
        )

    return run

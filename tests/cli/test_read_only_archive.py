"""Commands that only read never create, migrate or change an archive, and refuse names
they do not know."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

READ_COMMANDS = [
    ("changes",),
    ("history", "camp:page:nowhere"),
    ("search", "council"),
    ("figures-over-time", "centres"),
    ("export",),
    ("alerts", "list"),
    ("serve", "--port", "0"),
    ("figures", "kingston:decision:13567"),
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: " ".join(c))
def test_a_read_command_where_there_is_no_archive_says_what_to_run_and_creates_nothing(
    cli, tmp_path, command
):
    result = cli(*command)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "no archive at sqlite:///councilwatch.db" in line
    assert str(tmp_path / "councilwatch.db") in line
    assert "councilwatch crawl" in line and "councilwatch db upgrade" in line
    assert not list(tmp_path.glob("councilwatch.db*"))


def test_status_without_an_archive_says_so_and_creates_nothing(cli, tmp_path, write_config):
    write_config('[[sources]]\nname = "camp"\ntype = "page"\nurls = ["http://127.0.0.1:9/"]\n')
    result = cli("status")
    assert result.returncode == 2
    assert "no archive at" in result.stderr
    assert not list(tmp_path.glob("councilwatch.db*"))


def test_an_archive_older_than_the_code_asks_for_db_upgrade(cli, sqlite_url, tmp_path):
    from alembic import command

    from storage.db import alembic_config

    command.upgrade(alembic_config(sqlite_url), "0003")  # an archive from an older release
    result = cli("changes", db=sqlite_url)
    assert result.returncode == 2
    assert "older than this councilwatch" in result.stderr
    assert "run `councilwatch db upgrade`" in result.stderr
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    assert cli("db", "upgrade", db=sqlite_url).returncode == 0
    assert cli("changes", db=sqlite_url).returncode == 0


def test_a_database_without_the_schema_is_not_taken_for_an_empty_archive(cli, tmp_path):
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    result = cli("search", "council", db=f"sqlite:///{tmp_path / 'other.db'}")
    assert result.returncode == 2
    assert "not a councilwatch archive" in result.stderr
    with sqlite3.connect(tmp_path / "other.db") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"}


@pytest.mark.postgres
def test_a_read_command_on_an_empty_postgresql_database_creates_no_tables(cli, postgres_url):
    result = cli("changes", db=postgres_url)
    assert result.returncode == 2
    assert "not a councilwatch archive" in result.stderr
    import sqlalchemy

    engine = sqlalchemy.create_engine(postgres_url)
    try:
        assert sqlalchemy.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_read_commands_leave_the_archive_file_as_it_was(in_demo, demo_dir):
    db = demo_dir / "councilwatch.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for command in (("changes",), ("search", "council"), ("export",), ("alerts", "list")):
        result = in_demo(*command)
        assert result.returncode == 0, result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(
    "command",
    [
        ("changes", "--source", "kingstn"),
        ("search", "council", "--source", "kingstn"),
        ("figures-over-time", "centres", "--source", "kingstn"),
        ("export", "--source", "kingstn"),
        ("crawl", "kingstn"),
    ],
    ids=lambda c: c[0],
)
def test_an_unknown_source_is_refused_with_the_known_names(in_demo, command):
    result = in_demo(*command)
    assert result.returncode == 2
    assert "'kingstn'" in result.stderr
    assert "kingston, oxford-mail" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("command", "known"),
    [
        (("changes", "--kind", "figures"), "figure"),
        (("search", "council", "--kind", "meetings"), "agenda_item"),
        (("search", "council", "--figure-kind", "pounds"), "money"),
        (("export", "--kind", "meetings"), "agenda_item"),
        (("figures-over-time", "centres", "--kind", "pounds"), "percent"),
    ],
    ids=lambda c: c[0] if isinstance(c, tuple) else c,
)
def test_an_unknown_kind_is_refused_with_the_known_names(in_demo, command, known):
    result = in_demo(*command)
    assert result.returncode == 2
    assert known in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

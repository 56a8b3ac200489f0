"""Migration 0010: text stored once, up and down with data, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from storage.db import alembic_config, open_archive
from storage.models import Base
from storage.queries import export_figures
from storage.search import search
from tests.helpers.archive_data import build

QUERIES = [
    '"children\'s centres"',
    "closure",
    "redundan*",
    "centres -strike",
    "judicial review",
    "savin*",
]


def found(archive) -> tuple[list, list]:
    """What a journalist sees: every query's hits with their snippets, every figure's sentence."""
    with archive.session() as session:
        hits = [[(h.key, h.version_number, h.snippet) for h in search(session, q)] for q in QUERIES]
        figures = [
            (f["key"], f["version"], f["text"], f["sentence"]) for f in export_figures(session)
        ]
    return hits, figures


def columns(archive, table: str) -> set[str]:
    return {c["name"] for c in inspect(archive.engine).get_columns(table)}


def test_downgrading_keeps_the_text_and_sentences_and_upgrading_finds_the_same(db_url):
    archive = open_archive(db_url)
    build(archive)
    before = found(archive)
    assert all(before[0]) and before[1]
    with archive.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if "'versions'" in repr(d) or "'figures'" in repr(d)] == []

    command.downgrade(alembic_config(db_url), "0009")
    archive.engine.dispose()
    assert "text" in columns(archive, "versions")
    assert "sentence" in columns(archive, "figures")
    with archive.engine.connect() as conn:
        sentences = {r[0] for r in conn.execute(text("SELECT sentence FROM figures"))}
        texts = conn.execute(text("SELECT count(*) FROM versions WHERE text = ''")).scalar()
        # The old full-text structures index the old text column again.
        match = (
            "SELECT count(*) FROM versions_fts WHERE versions_fts MATCH 'redundancies'"
            if archive.engine.dialect.name == "sqlite"
            else "SELECT count(*) FROM versions_fts WHERE words @@ to_tsquery('simple', 'redundancies')"
        )
        assert conn.execute(text(match)).scalar() == 1
    assert sentences == {sentence for *_, sentence in before[1]}
    assert texts == 0

    # A version stored before the migration, by the old schema's triggers, is converted.
    with archive.engine.begin() as conn:
        conn.execute(text("UPDATE versions SET text = text || ' Zyzzogeton' WHERE id = 1"))
    command.upgrade(alembic_config(db_url), "head")
    archive.engine.dispose()
    assert "text" not in columns(archive, "versions")
    assert "sentence" not in columns(archive, "figures")
    assert found(archive) == before
    with archive.session() as session:
        # The index reads the text from the fields, not what the old column said.
        assert list(search(session, "zyzzogeton")) == []
    archive.dispose()

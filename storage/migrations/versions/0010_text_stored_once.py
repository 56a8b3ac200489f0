"""text stored once: a version's text is computed from its fields, a figure's sentence is an offset

Revision ID: 0010
Revises: 0009

`versions.text` was the strings of `versions.fields` stored a second time, and
`figures.sentence` a copy of a stretch of that text. The text is now the view
`version_texts` (and `Version.text` in Python, `storage.fulltext`), a figure keeps the
start and end of its sentence in it, and the full-text rows of a new version are written
by the archive with the version rather than by an insert trigger; SQLite's two FTS5
indexes become contentless (they read their text from `versions` no more). On PostgreSQL
`versions.fields` becomes `json`, which keeps the order the text is read in (`jsonb`
reorders keys); the full-text vectors are recomputed from the text in that order.
"""

import importlib
import json
import logging
import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from storage import fulltext

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# What migration 0002 created: a downgrade puts it back as it was.
search_0002 = importlib.import_module("storage.migrations.versions.0002_search")


def versions_table(*extra):
    return sa.table(
        "versions",
        sa.column("id", sa.Integer),
        sa.column("title", sa.Text),
        sa.column("fields", sa.JSON),
        *extra,
    )


versions = versions_table()
figures = sa.table(
    "figures",
    sa.column("id", sa.Integer),
    sa.column("version_id", sa.Integer),
    sa.column("sentence", sa.Text),
    sa.column("sentence_start", sa.Integer),
    sa.column("sentence_end", sa.Integer),
)
BATCH = 500


def _words(value, title) -> list[str]:
    """The strings of `value` that its version's text shows, in the order it walks them."""
    return fulltext.text_projection(None, {"": value}).split("\n") if value != title else []


def _in_text_order(value, title, text: str, at: int = 0):
    """`value` with each object's keys in the order their words stand in `text` (from `at`),
    and where its words end; jsonb hands keys back in an order of its own."""
    if isinstance(value, list):
        out = []
        for inner in value:
            inner, at = _in_text_order(inner, title, text, at)
            out.append(inner)
        return out, at
    if not isinstance(value, dict):
        found = text.find(value, at) if isinstance(value, str) and value else -1
        return value, (found + len(value) if found >= 0 and value != title else at)

    def first(key):
        places = [text.find(w, at) for w in _words(value[key], title) if w]
        places = [p for p in places if p >= 0]
        return (not places or key in ("url", "id"), min(places, default=0))

    ordered = {}
    for key in sorted(value, key=first):
        ordered[key], at = _in_text_order(value[key], title, text, at)
    return ordered, at


def _in_batches(bind, table, *where):
    """The rows of `table` (its columns as listed), BATCH at a time in id order."""
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table).where(table.c.id > last, *where).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _fields(row) -> dict:
    return json.loads(row.fields) if isinstance(row.fields, str) else row.fields


def _restore_field_order(bind) -> None:
    """Where a version's fields no longer give the text stored beside them (PostgreSQL's
    jsonb reordered their keys), put the keys back in the order the text shows, so the
    text computed from now on is the one that was stored."""
    for rows in _in_batches(bind, versions_table(sa.column("text", sa.Text))):
        restored = []
        for row in rows:
            fields = _fields(row)
            if fulltext.text_projection(row.title, fields) == row.text:
                continue
            ordered, _ = _in_text_order(fields, row.title, row.text)
            if fulltext.text_projection(row.title, ordered) == row.text:
                restored.append({"vid": row.id, "fields": ordered})
        if restored:
            bind.execute(
                versions.update()
                .where(versions.c.id == sa.bindparam("vid"))
                .values(fields=sa.bindparam("fields", type_=sa.JSON)),
                restored,
            )


def _texts_with_figures(bind):
    """(version id, its text) for every version that has figures, a batch at a time."""
    for rows in _in_batches(bind, versions, versions.c.id.in_(sa.select(figures.c.version_id))):
        for row in rows:
            yield row.id, fulltext.text_projection(row.title, _fields(row))


def _sentence_span(text: str, sentence: str) -> tuple[int, int] | None:
    """Where `sentence` (white space made single spaces) stands in `text`."""
    words = sentence.split()
    if not words:
        return 0, 0
    found = re.search(r"\s+".join(map(re.escape, words)), text)
    return (found.start(), found.end()) if found else None


def _fill_offsets(bind) -> None:
    lost = 0
    for version_id, text in _texts_with_figures(bind):
        spans = []
        for fig_id, sentence in bind.execute(
            sa.select(figures.c.id, figures.c.sentence).where(figures.c.version_id == version_id)
        ):
            span = _sentence_span(text, sentence)
            if span is None:
                lost += 1
                span = (0, 0)
            spans.append({"fid": fig_id, "s": span[0], "e": span[1]})
        bind.execute(
            figures.update()
            .where(figures.c.id == sa.bindparam("fid"))
            .values(sentence_start=sa.bindparam("s"), sentence_end=sa.bindparam("e")),
            spans,
        )
    if lost:
        log.warning("%d figures' sentences are no longer in their version's text", lost)


def _fill_sentences(bind) -> None:
    for version_id, text in _texts_with_figures(bind):
        rows = [
            {"fid": fig_id, "sentence": " ".join(text[start:end].split())}
            for fig_id, start, end in bind.execute(
                sa.select(figures.c.id, figures.c.sentence_start, figures.c.sentence_end).where(
                    figures.c.version_id == version_id
                )
            )
        ]
        bind.execute(
            figures.update()
            .where(figures.c.id == sa.bindparam("fid"))
            .values(sentence=sa.bindparam("sentence")),
            rows,
        )


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        for trigger in ("versions_fts_au", "versions_fts_ad", "versions_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS versions_fts_words")
        op.execute("DROP TABLE IF EXISTS versions_fts")
    else:
        op.execute("DROP TRIGGER IF EXISTS versions_fts_sync ON versions")
        op.execute("DROP FUNCTION IF EXISTS versions_fts_sync()")
        op.execute("ALTER TABLE versions ALTER COLUMN fields TYPE json USING fields::json")
        for statement in fulltext.PG_TEXT_FUNCTIONS:
            op.execute(statement)

    _restore_field_order(bind)
    op.add_column("figures", sa.Column("sentence_start", sa.Integer(), nullable=True))
    op.add_column("figures", sa.Column("sentence_end", sa.Integer(), nullable=True))
    _fill_offsets(bind)
    if sqlite:
        # figures is referenced by no other table, so copying it loses nothing.
        with op.batch_alter_table("figures") as batch_op:
            batch_op.alter_column("sentence_start", nullable=False)
            batch_op.alter_column("sentence_end", nullable=False)
            batch_op.drop_column("sentence")
    else:
        op.alter_column("figures", "sentence_start", nullable=False)
        op.alter_column("figures", "sentence_end", nullable=False)
        op.drop_column("figures", "sentence")
    # A plain ALTER TABLE (SQLite >= 3.35 has DROP COLUMN): a batch copy of versions would
    # drop the old table and, through ON DELETE CASCADE, its figures.
    op.drop_column("versions", "text")

    if sqlite:
        op.execute(fulltext.SQLITE_VIEW)
        op.execute(fulltext.SQLITE_FIGURES_VIEW)
        for table in fulltext.SQLITE_TOKENIZERS:
            op.execute(fulltext.sqlite_fts_table(table))
        for statement in fulltext.SQLITE_TRIGGERS:
            op.execute(statement)
        fulltext.sqlite_rebuild(bind)
    else:
        op.execute(fulltext.PG_VIEW)
        op.execute(fulltext.PG_FIGURES_VIEW)
        for statement in fulltext.PG_TRIGGER:
            op.execute(statement)
        # The text now reads the fields in the order `json` keeps (for versions stored
        # before, jsonb's order): positions in the vectors follow it.
        op.execute(
            f"""UPDATE versions_fts f SET (tsv, words) = (SELECT {
                fulltext.pg_vectors("v.title", "version_text(v.title, v.fields)")
            } FROM versions v WHERE v.id = f.version_id)"""
        )


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column("versions", sa.Column("text", sa.Text(), nullable=False, server_default=""))
    op.execute(
        "UPDATE versions SET text = (SELECT t.text FROM version_texts t WHERE t.id = versions.id)"
    )
    op.add_column("figures", sa.Column("sentence", sa.Text(), nullable=True))
    _fill_sentences(bind)
    if sqlite:
        for trigger in fulltext.SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS versions_fts_words")
        op.execute("DROP TABLE IF EXISTS versions_fts")
        for view in fulltext.VIEWS:
            op.execute(f"DROP VIEW IF EXISTS {view}")
        with op.batch_alter_table("figures") as batch_op:
            batch_op.alter_column("sentence", nullable=False)
            batch_op.drop_column("sentence_end")
            batch_op.drop_column("sentence_start")
        # The full-text tables over versions(title, text), their triggers and their rows.
        for statement in search_0002.SQLITE_UP[2:9]:
            op.execute(statement)
    else:
        op.execute("DROP TRIGGER IF EXISTS versions_fts_refresh ON versions")
        op.execute("DROP FUNCTION IF EXISTS versions_fts_refresh()")
        for view in fulltext.VIEWS:
            op.execute(f"DROP VIEW IF EXISTS {view}")
        for function in fulltext.PG_TEXT_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
        op.alter_column("figures", "sentence", nullable=False)
        op.drop_column("figures", "sentence_end")
        op.drop_column("figures", "sentence_start")
        op.alter_column(
            "versions",
            "fields",
            type_=postgresql.JSONB(astext_type=sa.Text()),
            postgresql_using="fields::jsonb",
        )
        for statement in search_0002.PG_UP[4:6]:
            op.execute(statement)
        op.execute(
            f"""UPDATE versions_fts f SET (tsv, words) = (SELECT {search_0002.pg_vectors("v")}
            FROM versions v WHERE v.id = f.version_id)"""
        )

"""search: figures per version and full-text search

Revision ID: 0002
Revises: 0001

The full-text structures are written by hand (Alembic cannot describe FTS5 virtual
tables or PL/pgSQL triggers) and are named `versions_fts*`, which `env.py`'s
`include_name` keeps out of autogenerate. Both are filled by triggers on `versions`,
so every way of storing a version indexes it, and existing versions are indexed here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UP = [
    # What search filters and groups on, per version, in rows small enough to stay in
    # the page cache: reading them from `versions` (whose rows carry the whole text)
    # costs a random read per candidate.
    """CREATE TABLE versions_fts_meta (
        version_id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL,
        source_id INTEGER NOT NULL,
        kind VARCHAR(20) NOT NULL,
        seen_at DATETIME NOT NULL)""",
    "CREATE INDEX ix_versions_fts_meta_document_id ON versions_fts_meta (document_id)",
    # content="versions" in double quotes: Datasette recognises the table as the
    # full-text index of `versions` only in that spelling (or [versions]).
    """CREATE VIRTUAL TABLE versions_fts USING fts5(
        title, text, content="versions", content_rowid="id",
        tokenize="porter unicode61 remove_diacritics 2")""",
    # The same words unstemmed, for prefix queries: a stemmer turns "redundancies" into
    # "redund", which the prefix "redundan*" would never match.
    """CREATE VIRTUAL TABLE versions_fts_words USING fts5(
        title, text, content="versions", content_rowid="id",
        tokenize="unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER versions_fts_ai AFTER INSERT ON versions BEGIN
        INSERT INTO versions_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        INSERT INTO versions_fts_words(rowid, title, text) VALUES (new.id, new.title, new.text);
        INSERT INTO versions_fts_meta (version_id, document_id, source_id, kind, seen_at)
        SELECT new.id, new.document_id, d.source_id, d.kind, new.seen_at
        FROM documents d WHERE d.id = new.document_id;
    END""",
    """CREATE TRIGGER versions_fts_ad AFTER DELETE ON versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO versions_fts_words(versions_fts_words, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        DELETE FROM versions_fts_meta WHERE version_id = old.id;
    END""",
    """CREATE TRIGGER versions_fts_au AFTER UPDATE OF title, text ON versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO versions_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        INSERT INTO versions_fts_words(versions_fts_words, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO versions_fts_words(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    "INSERT INTO versions_fts(versions_fts) VALUES ('rebuild')",
    "INSERT INTO versions_fts_words(versions_fts_words) VALUES ('rebuild')",
    """INSERT INTO versions_fts_meta (version_id, document_id, source_id, kind, seen_at)
        SELECT v.id, v.document_id, d.source_id, d.kind, v.seen_at
        FROM versions v JOIN documents d ON d.id = v.document_id""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS versions_fts_au",
    "DROP TRIGGER IF EXISTS versions_fts_ad",
    "DROP TRIGGER IF EXISTS versions_fts_ai",
    "DROP TABLE IF EXISTS versions_fts_meta",
    "DROP TABLE IF EXISTS versions_fts_words",
    "DROP TABLE IF EXISTS versions_fts",
]

# The title is weighted above the body for ranking. Text beyond 500,000 characters is
# not indexed: a tsvector is limited to 1 MB and positions stop at 16,383 anyway.
# `tsv` is stemmed English; `words` is the words as printed ('simple'), for prefix queries.
PG_VECTOR = (
    "setweight(to_tsvector('{config}'::regconfig, coalesce({row}.title, '')), 'A') || "
    "to_tsvector('{config}'::regconfig, left(coalesce({row}.text, ''), 500000))"
)


def pg_vectors(row: str) -> str:
    return (
        PG_VECTOR.format(config="english", row=row)
        + ", "
        + PG_VECTOR.format(config="simple", row=row)
    )


PG_UP = [
    # document_id .. seen_at: what search filters and groups on, so that it never has to
    # read the wide `versions` rows of thousands of candidates.
    """CREATE TABLE versions_fts (
        version_id integer PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
        document_id integer NOT NULL,
        source_id integer NOT NULL,
        kind varchar(20) NOT NULL,
        seen_at timestamp with time zone NOT NULL,
        tsv tsvector NOT NULL,
        words tsvector NOT NULL)""",
    "CREATE INDEX ix_versions_fts_tsv ON versions_fts USING gin (tsv)",
    "CREATE INDEX ix_versions_fts_words ON versions_fts USING gin (words)",
    "CREATE INDEX ix_versions_fts_document_id ON versions_fts (document_id)",
    f"""CREATE FUNCTION versions_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO versions_fts (version_id, document_id, source_id, kind, seen_at, tsv, words)
        SELECT NEW.id, NEW.document_id, d.source_id, d.kind, NEW.seen_at, {pg_vectors("NEW")}
        FROM documents d WHERE d.id = NEW.document_id
        ON CONFLICT (version_id) DO UPDATE SET tsv = EXCLUDED.tsv, words = EXCLUDED.words;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER versions_fts_sync AFTER INSERT OR UPDATE OF title, text ON versions
        FOR EACH ROW EXECUTE FUNCTION versions_fts_sync()""",
    f"""INSERT INTO versions_fts (version_id, document_id, source_id, kind, seen_at, tsv, words)
        SELECT v.id, v.document_id, d.source_id, d.kind, v.seen_at, {pg_vectors("v")}
        FROM versions v JOIN documents d ON d.id = v.document_id""",
]

PG_DOWN = [
    "DROP TRIGGER IF EXISTS versions_fts_sync ON versions",
    "DROP FUNCTION IF EXISTS versions_fts_sync()",
    "DROP TABLE IF EXISTS versions_fts",
]


def upgrade() -> None:
    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_figures_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_figures_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figures_version_id"), ["version_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_document_id"), ["document_id"], unique=False)
        batch_op.create_index("ix_figures_subject", ["subject"], unique=False)
        batch_op.create_index("ix_figures_kind_subject", ["kind", "subject"], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_UP, "postgresql": PG_UP}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}.get(dialect, []):
        op.execute(statement)
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index("ix_figures_kind_subject")
        batch_op.drop_index("ix_figures_subject")
        batch_op.drop_index(batch_op.f("ix_figures_document_id"))
        batch_op.drop_index(batch_op.f("ix_figures_version_id"))
    op.drop_table("figures")

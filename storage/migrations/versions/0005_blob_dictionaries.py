"""blobs: per-source zstd dictionaries

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

try:  # Python 3.14+ has zstd in the standard library; Scrapy pulls the backport before that.
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd  # type: ignore[no-redef]

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FK = "fk_blobs_dictionary_id_blob_dictionaries"


def upgrade() -> None:
    op.create_table(
        "blob_dictionaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sample_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blob_dictionaries")),
        sa.UniqueConstraint("source_name", name=op.f("uq_blob_dictionaries_source_name")),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Batch mode would copy every blob into a new table; SQLite can add a column with
        # its reference in place.
        op.execute(
            f"ALTER TABLE blobs ADD COLUMN dictionary_id INTEGER "
            f"CONSTRAINT {FK} REFERENCES blob_dictionaries (id)"
        )
    else:
        op.add_column("blobs", sa.Column("dictionary_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "blobs", "blob_dictionaries", ["dictionary_id"], ["id"])
        # Blobs are zstd already: TOAST should store them out of line as they are, not
        # spend time trying to compress them again.
        op.execute("ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    # Without their dictionaries these blobs could not be read: compress them alone again.
    conn = op.get_bind()
    dictionaries = {
        id_: zstd.ZstdDict(data)
        for id_, data in conn.execute(sa.text("SELECT id, data FROM blob_dictionaries"))
    }
    # A few hundred at a time: each one updated leaves the query, so memory stays small.
    select_some = sa.text(
        "SELECT sha256, data, dictionary_id FROM blobs WHERE dictionary_id IS NOT NULL LIMIT 500"
    )
    while rows := conn.execute(select_some).fetchall():
        for sha256, data, dictionary_id in rows:
            body = zstd.decompress(data, zstd_dict=dictionaries[dictionary_id])
            conn.execute(
                sa.text(
                    "UPDATE blobs SET data = :data, dictionary_id = NULL WHERE sha256 = :sha256"
                ),
                {"data": zstd.compress(body, 10), "sha256": sha256},
            )
    if conn.dialect.name == "sqlite":
        op.execute("ALTER TABLE blobs DROP COLUMN dictionary_id")
    else:
        op.execute("ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTENDED")
        op.drop_constraint(FK, "blobs", type_="foreignkey")
        op.drop_column("blobs", "dictionary_id")
    op.drop_table("blob_dictionaries")

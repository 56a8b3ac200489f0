"""search: PostgreSQL's full-text indexes updated in place, without a pending list

Revision ID: 0006
Revises: 0005

A GIN index with `fastupdate` (PostgreSQL's default) collects new entries in a pending
list of up to `gin_pending_list_limit` (4 MB) per index and merges them later. That
suits bulk loads. The archive instead gains a few versions per crawled page, so every
crawl left both indexes holding mostly half-empty pending-list pages: on the benchmark
council (694 versions) they took 3.0 MB, against 0.5 MB when entries go straight into
the index, and inserts were no slower. Searches also no longer scan the pending list.
SQLite's FTS5 is unaffected.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = ("ix_versions_fts_tsv", "ix_versions_fts_words")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        # Merge what is already pending: turning fastupdate off does not.
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")

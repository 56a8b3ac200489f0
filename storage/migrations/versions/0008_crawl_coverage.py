"""crawl coverage: one row per crawl for the documents it found unchanged

Revision ID: 0008
Revises: 0007

An unchanged document is no longer rewritten by every crawl that sees it (a `last_seen`
update per document and per version, which on PostgreSQL left a dead row version of each
every crawl); each crawl records the documents it found unchanged once, as ranges of
ids, and `storage.coverage.last_seen` answers when a document was last seen.
"""

import sqlalchemy as sa
from alembic import op

from storage.types import JSONType, UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_coverage",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("document_ranges", JSONType, nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_crawl_coverage_run_id_crawl_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_crawl_coverage_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_crawl_coverage")),
    )
    op.create_index(
        "ix_crawl_coverage_source_id_seen_at", "crawl_coverage", ["source_id", "seen_at"]
    )


def downgrade() -> None:
    # Before this table, every crawl wrote last_seen into the rows it saw: carry each
    # document's (and its latest version's) last sighting back there.
    op.execute(
        """UPDATE documents SET last_seen = c.seen_at FROM (
            SELECT doc.id AS id, max(cov.seen_at) AS seen_at FROM documents doc
            JOIN crawl_coverage cov ON cov.source_id = doc.source_id
            WHERE EXISTS (SELECT 1 FROM json_each(cov.document_ranges) r
                          WHERE doc.id BETWEEN json_extract(r.value, '$[0]')
                                            AND json_extract(r.value, '$[1]'))
            GROUP BY doc.id) c
        WHERE documents.id = c.id AND c.seen_at > documents.last_seen"""
        if op.get_bind().dialect.name == "sqlite"
        else """UPDATE documents SET last_seen = c.seen_at FROM (
            SELECT doc.id AS id, max(cov.seen_at) AS seen_at FROM documents doc
            JOIN crawl_coverage cov ON cov.source_id = doc.source_id
            WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(cov.document_ranges) r
                          WHERE doc.id BETWEEN (r.value->>0)::int AND (r.value->>1)::int)
            GROUP BY doc.id) c
        WHERE documents.id = c.id AND c.seen_at > documents.last_seen"""
    )
    op.execute(
        """UPDATE versions SET last_seen = (
            SELECT d.last_seen FROM documents d WHERE d.latest_version_id = versions.id)
        WHERE id IN (SELECT latest_version_id FROM documents WHERE latest_version_id IS NOT NULL)"""
    )
    op.drop_index("ix_crawl_coverage_source_id_seen_at", table_name="crawl_coverage")
    op.drop_table("crawl_coverage")

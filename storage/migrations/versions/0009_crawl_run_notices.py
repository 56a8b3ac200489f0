"""crawl run notices: what a crawl wants the maintainers to know that is not a failure

Revision ID: 0009
Revises: 0008

A watched page that moved permanently within its host is read and stored as usual; the
crawl says where it went so the config can be updated. Kept apart from `problems`, which
URL health counts as failures.
"""

import sqlalchemy as sa
from alembic import op

from storage.types import JSONType

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("notices", JSONType, nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE (SQLite >= 3.35 has DROP COLUMN): a batch copy of crawl_runs
    # would drop the old table and, through ON DELETE CASCADE, the crawl coverage rows
    # migration 0008's downgrade still needs.
    op.drop_column("crawl_runs", "notices")

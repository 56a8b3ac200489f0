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
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("notices")

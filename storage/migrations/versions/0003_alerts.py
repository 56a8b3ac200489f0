"""alerts: outbox and delivery attempts

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "alert_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("subscription", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_messages")),
        sa.UniqueConstraint("uid", name=op.f("uq_alert_messages_uid")),
    )
    op.create_index(
        "ix_alert_messages_status_next_attempt_at",
        "alert_messages",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("subscription", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("event", JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name=op.f("fk_alert_outbox_change_id_changes")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["alert_messages.id"],
            name=op.f("fk_alert_outbox_message_id_alert_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_alert_outbox_idempotency_key")),
    )
    op.create_index(
        "ix_alert_outbox_status_due_at", "alert_outbox", ["status", "due_at"], unique=False
    )
    op.create_index(
        op.f("ix_alert_outbox_message_id"), "alert_outbox", ["message_id"], unique=False
    )
    op.create_table(
        "alert_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["alert_messages.id"],
            name=op.f("fk_alert_attempts_message_id_alert_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_attempts")),
    )
    op.create_index(
        op.f("ix_alert_attempts_message_id"), "alert_attempts", ["message_id"], unique=False
    )
    op.create_table(
        "source_health",
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_source_health")),
    )


def downgrade() -> None:
    op.drop_table("source_health")
    op.drop_index(op.f("ix_alert_attempts_message_id"), table_name="alert_attempts")
    op.drop_table("alert_attempts")
    op.drop_index(op.f("ix_alert_outbox_message_id"), table_name="alert_outbox")
    op.drop_index("ix_alert_outbox_status_due_at", table_name="alert_outbox")
    op.drop_table("alert_outbox")
    op.drop_index("ix_alert_messages_status_next_attempt_at", table_name="alert_messages")
    op.drop_table("alert_messages")

"""What a merge keeps beside the records: conflicts, their dismissals, values waiting for a row.

Revision ID: 0013
Revises: 0012

Adds ``sync_conflict`` (each value that lost to a concurrent one, and each edit that
outlived a concurrent delete, until a user resolves it), ``conflict_dismissal`` (a
synced record per resolved conflict, so it closes on every device), ``sync_superseded``
(writes another device overwrote on purpose before they arrived here) and
``sync_pending`` (winning values whose row has not arrived yet). All start empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sync_conflict_field", ["table_name", "row_id", "column_name"], unique=False
        )
    op.create_table(
        "conflict_dismissal",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sync_superseded",
        sa.Column("id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sync_pending",
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", "column_name"),
    )


def downgrade() -> None:
    op.drop_table("sync_pending")
    op.drop_table("sync_superseded")
    op.drop_table("conflict_dismissal")
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_conflict_field")
    op.drop_table("sync_conflict")

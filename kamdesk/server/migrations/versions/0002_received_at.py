"""When the server received each entry.

Revision ID: s0002
Revises: s0001

Adds ``server_entry.received_at`` (milliseconds since the epoch, by the server's clock),
so ``prune --older-than DAYS`` cuts by when entries arrived, not by their writers' clocks:
work typed offline ten days ago and sent today is today's to a book that synced
yesterday. The entries already there are stamped with the upgrade's time: their age is
counted from it, so the first prune after the upgrade sends no recent book to a resync.
"""

import time
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0002"
down_revision: str | None = "s0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("server_entry", sa.Column("received_at", sa.BigInteger, nullable=True))
    op.execute(
        sa.text("UPDATE server_entry SET received_at = :now").bindparams(
            now=int(time.time() * 1000)
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("server_entry") as table:
        table.drop_column("received_at")

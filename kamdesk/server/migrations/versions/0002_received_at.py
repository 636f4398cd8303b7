"""When the server received each entry.

Revision ID: s0002
Revises: s0001

Adds ``server_entry.received_at`` (milliseconds since the epoch, by the server's clock),
so ``prune --older-than DAYS`` cuts by when entries arrived, not by their writers' clocks:
work typed offline ten days ago and sent today is today's to a book that synced
yesterday. Entries from before it have none, and count as older than any cut.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0002"
down_revision: str | None = "s0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("server_entry", sa.Column("received_at", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("server_entry") as table:
        table.drop_column("received_at")

"""What a device had seen of a row when it deleted it.

Revision ID: 0014
Revises: 0013

Adds ``sync_deletion_seen``: for each delete (the deleting device and the delete's
clock), the clock of every field of the row as that device knew them. A merge reads it
to tell an edit the deleting device had seen (the delete wins) from one made
concurrently (the row stays, flagged), whichever clock is later. Starts empty: deletes
made before it are judged as before, by their clocks alone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_deletion_seen",
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("seen", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", "device_id"),
    )


def downgrade() -> None:
    op.drop_table("sync_deletion_seen")

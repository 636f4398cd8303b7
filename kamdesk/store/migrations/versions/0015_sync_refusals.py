"""This device's changes the team's sync server refused.

Revision ID: 0015
Revises: 0014

Adds ``sync_refusal``: each change of this book the sync server refused (it was to an
account handed to another team while the book was offline), copied as it was sent, with
the server's reason and when. The change stays in the book; this is what lets the app
say it never reached the team, until the user dismisses it (a dismissed one is kept,
marked, so the server naming it again does not bring it back). Starts empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_refusal",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("refused_at", sa.DateTime(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )


def downgrade() -> None:
    op.drop_table("sync_refusal")

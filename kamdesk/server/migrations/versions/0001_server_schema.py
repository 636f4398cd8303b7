"""The sync server's first schema: users, devices, entries, accounts and their rows.

Revision ID: s0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "server_user",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "server_device",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("server_user.id"), nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "server_entry",
        sa.Column("server_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("device_id", sa.String(100), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hlc", sa.BigInteger, nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.String(64), nullable=False),
        sa.Column("column_name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("seen_hlc", sa.BigInteger, nullable=True),
        sa.Column("seen_device", sa.String(100), nullable=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=True),
        sa.Column("handover", sa.Boolean, nullable=False),
        sa.UniqueConstraint("device_id", "seq", name="uq_server_entry_device_seq"),
    )
    op.create_index("ix_server_entry_team_seq", "server_entry", ["team", "server_seq"])
    op.create_index("ix_server_entry_account", "server_entry", ["account_id"])
    op.create_table(
        "server_account",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("team", sa.String(200), nullable=False),
    )
    op.create_table(
        "server_row",
        sa.Column("table_name", sa.String(64), primary_key=True),
        sa.Column("row_id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False),
    )
    counters = op.create_table(
        "server_counter",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(counters, [{"name": "entries", "value": 0}, {"name": "pruned", "value": 0}])


def downgrade() -> None:
    for table in (
        "server_counter",
        "server_row",
        "server_account",
        "server_entry",
        "server_device",
        "server_user",
    ):
        op.drop_table(table)

"""The people on a deal: each stakeholder's role, force, attitude and influence on it.

Revision ID: 0005
Revises: 0004

Adds ``deal_person``. Its lists (buying roles, forces, attitudes) are the stakeholder
card's, seeded by 0001, so this revision seeds nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal_person",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("stakeholder_id", sa.String(), nullable=False),
        sa.Column("buying_role", sa.String(), nullable=False),
        sa.Column("force", sa.String(), nullable=False),
        sa.Column("attitude", sa.String(), nullable=False),
        sa.Column("influence", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.ForeignKeyConstraint(["stakeholder_id"], ["stakeholder.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deal_person", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_person_deal_live", ["opportunity_id", "deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_deal_person_stakeholder_id"), ["stakeholder_id"], unique=False
        )


def downgrade() -> None:
    # The entries go with the table, and so do their lines in the change log: a book at
    # 0004 has no table to apply them to.
    log = sa.table("change_log", sa.column("table_name", sa.String))
    op.execute(log.delete().where(log.c.table_name == "deal_person"))
    with op.batch_alter_table("deal_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_person_stakeholder_id"))
        batch_op.drop_index("ix_deal_person_deal_live")
    op.drop_table("deal_person")

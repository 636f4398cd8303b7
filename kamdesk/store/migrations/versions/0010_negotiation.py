"""Negotiation preparation on a deal: the plan, the concessions, the roles at the table.

Revision ID: 0010
Revises: 0009

Adds ``negotiation_plan`` (best, expected and walk-away price, payment terms and
delivery, and both sides' BATNA), ``concession`` (the concession plan, in order: what we
give, what we ask in return, its value and status) and ``negotiation_role`` (who of our
team plays which part), and seeds the ``concession_status`` and ``negotiation_role``
lists in English and Chinese.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kamdesk.store.migrations.helpers import seed_vocabulary

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (id, list, code, English, Chinese), frozen as they stood at this revision. The id is
#: uuid5 of "list:code" in the vocabulary namespace (``Term.id``): every device seeds the
#: same rows.
_SEED_VOCABULARY: tuple[tuple[str, str, str, str, str], ...] = (
    ("c4f32590-9dae-52da-adf9-458d536381f1", "concession_status", "planned", "Planned", "计划中"),
    ("5a8f868f-7c5b-5109-84c2-cb6f5322093c", "concession_status", "offered", "Offered", "已提出"),
    ("be54936b-416f-5ce2-ba38-d4828b70d247", "concession_status", "accepted", "Accepted", "已接受"),
    ("252a56f0-83c5-53e6-858a-58cc30a8da7a", "concession_status", "refused", "Refused", "被拒绝"),
    (
        "39ea4b91-a1ba-52a8-aa5c-bcc6ac03fba0",
        "negotiation_role",
        "lead",
        "Lead negotiator",
        "主谈人",
    ),
    ("7ea0323e-e8ba-5eb1-bbcd-ca0f52da1d1a", "negotiation_role", "technical", "Technical", "技术"),
    ("a689c7b5-a0bf-55a3-8ef2-a8ca50d8f7f7", "negotiation_role", "finance", "Finance", "财务"),
    ("d0d9252e-0e52-5252-a617-cd3c9b991860", "negotiation_role", "legal", "Legal", "法务"),
    (
        "f6e7b73f-5db0-5567-b0a6-8b047cdccf58",
        "negotiation_role",
        "decision_maker",
        "Decision maker",
        "决策人",
    ),
    ("57ebad8d-b635-53c2-b784-f7729ed08599", "negotiation_role", "other", "Other", "其他"),
)

_TABLES = ("negotiation_plan", "concession", "negotiation_role")


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("opportunity_id", sa.String(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "negotiation_plan",
        *_record_columns(),
        sa.Column("price_best_minor", sa.Integer(), nullable=True),
        sa.Column("price_expected_minor", sa.Integer(), nullable=True),
        sa.Column("price_walk_away_minor", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("payment_best", sa.String(), nullable=False),
        sa.Column("payment_expected", sa.String(), nullable=False),
        sa.Column("payment_walk_away", sa.String(), nullable=False),
        sa.Column("delivery_best", sa.String(), nullable=False),
        sa.Column("delivery_expected", sa.String(), nullable=False),
        sa.Column("delivery_walk_away", sa.String(), nullable=False),
        sa.Column("our_batna", sa.Text(), server_default="", nullable=False),
        sa.Column("their_batna", sa.Text(), server_default="", nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "concession",
        *_record_columns(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what_we_give", sa.String(), nullable=False),
        sa.Column("what_we_ask", sa.String(), nullable=False),
        sa.Column("value_minor", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "negotiation_role",
        *_record_columns(),
        sa.Column("team_member_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.ForeignKeyConstraint(["team_member_id"], ["team_member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                f"ix_{table}_deal_live", ["opportunity_id", "deleted_at"], unique=False
            )
    with op.batch_alter_table("negotiation_role", schema=None) as batch_op:
        batch_op.create_index(
            "ix_negotiation_role_team_member_id", ["team_member_id"], unique=False
        )
    _seed_vocabulary()


def _seed_vocabulary() -> None:
    seed_vocabulary(_SEED_VOCABULARY)


def downgrade() -> None:
    # The lists go with the tables (terms a team added to them too), and so do their
    # lines in the change log: a book at 0009 has nothing to apply them to.
    kinds = ("concession_status", "negotiation_role")
    vocabulary = sa.table("vocabulary", sa.column("id", sa.String), sa.column("kind", sa.String))
    doomed = sa.select(vocabulary.c.id).where(vocabulary.c.kind.in_(kinds))
    log = sa.table("change_log", sa.column("table_name", sa.String), sa.column("row_id", sa.String))
    op.execute(
        log.delete().where(
            log.c.table_name.in_(_TABLES)
            | ((log.c.table_name == "vocabulary") & log.c.row_id.in_(doomed))
        )
    )
    op.execute(vocabulary.delete().where(vocabulary.c.kind.in_(kinds)))
    with op.batch_alter_table("negotiation_role", schema=None) as batch_op:
        batch_op.drop_index("ix_negotiation_role_team_member_id")
    for table in reversed(_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_deal_live")
        op.drop_table(table)

"""The competitors on a deal, and the list of their standings with the customer.

Revision ID: 0006
Revises: 0005

Adds ``deal_competitor`` and seeds the ``competitor_standing`` list (leading, level with
us, behind us, unknown) in English and Chinese.
"""

import datetime
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (id, list, code, English, Chinese), frozen as they stood at this revision. The id is
#: uuid5 of "list:code" in the vocabulary namespace (``Term.id``): every device seeds the
#: same rows.
_SEED_VOCABULARY: tuple[tuple[str, str, str, str, str], ...] = (
    ("4540d312-5f70-538e-a602-617b0af18c3b", "competitor_standing", "leading", "Leading", "领先"),
    (
        "a3a316e5-314f-5aed-bb8a-40626541bec9",
        "competitor_standing",
        "level",
        "Level with us",
        "与我方持平",
    ),
    (
        "4c9ca4c5-cbe0-5991-834f-e19474b562a0",
        "competitor_standing",
        "behind",
        "Behind us",
        "落后于我方",
    ),
    ("e48781de-c80c-5ffd-8dc3-bcdae4d7cb9e", "competitor_standing", "unknown", "Unknown", "未知"),
)


def upgrade() -> None:
    op.create_table(
        "deal_competitor",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("standing", sa.String(), nullable=False),
        sa.Column("strengths", sa.Text(), server_default="", nullable=False),
        sa.Column("weaknesses", sa.Text(), server_default="", nullable=False),
        sa.Column("differentiation", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deal_competitor", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_competitor_deal_live", ["opportunity_id", "deleted_at"], unique=False
        )
    _seed_vocabulary()


def _seed_vocabulary() -> None:
    table = sa.table(
        "vocabulary",
        sa.column("id", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("kind", sa.String),
        sa.column("code", sa.String),
        sa.column("label_en", sa.String),
        sa.column("label_zh", sa.String),
        sa.column("position", sa.Integer),
        sa.column("archived", sa.Boolean),
    )
    stamp = datetime.datetime(2026, 12, 1)
    op.bulk_insert(
        table,
        [
            {
                "id": row_id,
                "created_at": stamp,
                "updated_at": stamp,
                "kind": kind,
                "code": code,
                "label_en": label_en,
                "label_zh": label_zh,
                "position": position,
                "archived": False,
            }
            for position, (row_id, kind, code, label_en, label_zh) in enumerate(_SEED_VOCABULARY)
        ],
    )


def downgrade() -> None:
    # The list goes with the table (terms a team added to it too), and so do their lines
    # in the change log: a book at 0005 has nothing to apply them to.
    kinds = ("competitor_standing",)
    vocabulary = sa.table("vocabulary", sa.column("id", sa.String), sa.column("kind", sa.String))
    doomed = sa.select(vocabulary.c.id).where(vocabulary.c.kind.in_(kinds))
    log = sa.table("change_log", sa.column("table_name", sa.String), sa.column("row_id", sa.String))
    op.execute(
        log.delete().where(
            (log.c.table_name == "deal_competitor")
            | ((log.c.table_name == "vocabulary") & log.c.row_id.in_(doomed))
        )
    )
    op.execute(vocabulary.delete().where(vocabulary.c.kind.in_(kinds)))
    with op.batch_alter_table("deal_competitor", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_competitor_deal_live")
    op.drop_table("deal_competitor")

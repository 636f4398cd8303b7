"""Objections on a deal, handled in the LSCPA steps, and the lists of their types and states.

Revision ID: 0007
Revises: 0006

Adds ``objection`` and seeds the ``objection_type`` list (price, timing, risk, decision,
other) and the ``objection_status`` list (open, handled) in English and Chinese.
"""

import datetime
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (id, list, code, English, Chinese), frozen as they stood at this revision. The id is
#: uuid5 of "list:code" in the vocabulary namespace (``Term.id``): every device seeds the
#: same rows.
_SEED_VOCABULARY: tuple[tuple[str, str, str, str, str], ...] = (
    ("af9d6183-ee1b-574b-8ad3-c526fe1562ed", "objection_type", "price", "Price", "价格"),
    ("8f8e44b5-63ec-57d2-88d6-20c5e096b6e9", "objection_type", "time", "Timing", "时间"),
    ("8fe05a76-09f4-5a86-b4f6-e834ed3408d1", "objection_type", "risk", "Risk", "风险"),
    ("13e86920-5d3b-5e39-969c-75ce41365626", "objection_type", "decision", "Decision", "决策"),
    ("f77447e8-cbbf-593d-bb48-6286a37f47b8", "objection_type", "other", "Other", "其他"),
    ("8ea062aa-72eb-5e4c-819d-632d30b568e1", "objection_status", "open", "Open", "待处理"),
    ("ec5d32d9-bb9c-5a78-a775-da0c89bfe540", "objection_status", "handled", "Handled", "已处理"),
)


def upgrade() -> None:
    op.create_table(
        "objection",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("raised_by_id", sa.String(), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("listen", sa.Text(), server_default="", nullable=False),
        sa.Column("sympathize", sa.Text(), server_default="", nullable=False),
        sa.Column("confirm", sa.Text(), server_default="", nullable=False),
        sa.Column("process", sa.Text(), server_default="", nullable=False),
        sa.Column("assure", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.ForeignKeyConstraint(["raised_by_id"], ["stakeholder.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.create_index(
            "ix_objection_deal_live", ["opportunity_id", "deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_objection_raised_by_id"), ["raised_by_id"], unique=False
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
            for (row_id, kind, code, label_en, label_zh), position in zip(
                _SEED_VOCABULARY, _positions(), strict=True
            )
        ],
    )


def _positions() -> list[int]:
    """Each term's place in its own list: 0, 1, 2… per list."""
    seen: dict[str, int] = {}
    places = []
    for _id, kind, _code, _en, _zh in _SEED_VOCABULARY:
        places.append(seen.get(kind, 0))
        seen[kind] = places[-1] + 1
    return places


def downgrade() -> None:
    # The list goes with the table (terms a team added to it too), and so do their lines
    # in the change log: a book at 0006 has nothing to apply them to.
    kinds = ("objection_type", "objection_status")
    vocabulary = sa.table("vocabulary", sa.column("id", sa.String), sa.column("kind", sa.String))
    doomed = sa.select(vocabulary.c.id).where(vocabulary.c.kind.in_(kinds))
    log = sa.table("change_log", sa.column("table_name", sa.String), sa.column("row_id", sa.String))
    op.execute(
        log.delete().where(
            (log.c.table_name == "objection")
            | ((log.c.table_name == "vocabulary") & log.c.row_id.in_(doomed))
        )
    )
    op.execute(vocabulary.delete().where(vocabulary.c.kind.in_(kinds)))
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objection_raised_by_id"))
        batch_op.drop_index("ix_objection_deal_live")
    op.drop_table("objection")

"""Deals: the opportunity table, its stage history, and the lists a deal chooses from.

Revision ID: 0004
Revises: 0003

Adds ``opportunity`` (a deal at an account) and ``stage_change`` (each move of a deal
from one stage to the next, so a rep sees how long it sat in each), and seeds the deal
vocabulary in English and Chinese: the two stage models, their stages, the deal statuses
and the win or loss reasons.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kamdesk.store.migrations.helpers import seed_vocabulary

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "opportunity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("owner_id", sa.String(), nullable=True),
        sa.Column("amount_minor", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("stage_model", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("outcome_reason", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["team_member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opportunity_account_live", ["account_id", "deleted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_opportunity_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "stage_change",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("from_stage", sa.String(), nullable=False),
        sa.Column("to_stage", sa.String(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stage_change_history", ["opportunity_id", "changed_at"], unique=False
        )

    _seed_vocabulary()


#: (id, list, code, English, Chinese). The id is uuid5 of "list:code" in the vocabulary
#: namespace, as ``kamdesk.domain.vocabulary.Term.id`` makes it, so every device seeds the
#: same rows.
_SEED_VOCABULARY: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "a590e4da-c8c7-57a8-a9cc-00825298e3f6",
        "stage_model",
        "compass",
        "Sales compass (4 stages)",
        "销售罗盘（四阶段）",
    ),
    (
        "c32e0881-1e32-516b-8388-432c8121a693",
        "stage_model",
        "project",
        "Project sales (6 stages)",
        "项目型销售（六阶段）",
    ),
    ("5cc5228a-55e9-5300-946b-5256f8909a00", "deal_stage", "compass.intent", "Intent", "意向"),
    ("87a013fe-7dd5-50cd-971f-adafea2ca0c5", "deal_stage", "compass.solution", "Solution", "方案"),
    (
        "89850556-719c-5e6d-a624-c9b5242eab12",
        "deal_stage",
        "compass.commercial",
        "Commercial",
        "商务",
    ),
    ("64cd398d-4fc3-5792-b08e-82d8a9b5bcf3", "deal_stage", "compass.closing", "Closing", "成交"),
    (
        "f1ce2c11-9e25-5ceb-b2f8-185a184e8855",
        "deal_stage",
        "project.development",
        "Development",
        "客户开发",
    ),
    (
        "d0329fce-ae73-56e3-8d55-fd49fdaeecc5",
        "deal_stage",
        "project.approval",
        "Project approval",
        "立项",
    ),
    ("1e2721f9-e57c-5348-bcef-78da675c9af3", "deal_stage", "project.proposal", "Proposal", "提案"),
    (
        "d027d1f7-5074-5c08-93f5-14faf3ed8503",
        "deal_stage",
        "project.tender",
        "Tender / bid",
        "招投标",
    ),
    (
        "b426aff4-f1e4-5afa-ad8b-626517a083dc",
        "deal_stage",
        "project.negotiation",
        "Negotiation",
        "商务谈判",
    ),
    (
        "4386713d-1a96-5298-b4eb-ff9bece0b412",
        "deal_stage",
        "project.implementation",
        "Implementation",
        "工程实施",
    ),
    ("15e543c9-4521-564a-9411-32fd8b64c68b", "deal_status", "open", "Open", "进行中"),
    ("9666c626-760c-5ee9-bacc-99d4ffc0e033", "deal_status", "won", "Won", "赢单"),
    ("f4154283-495b-56d1-8ef4-a582fac4a9ad", "deal_status", "lost", "Lost", "丢单"),
    (
        "c59c0e94-520a-5da4-8071-5f5e609280ef",
        "outcome_reason",
        "value",
        "Value proven (ROI)",
        "价值得到认可（ROI）",
    ),
    (
        "d2340f7a-19e7-54c9-8406-af8053504a1e",
        "outcome_reason",
        "relationship",
        "Relationship",
        "客户关系",
    ),
    (
        "ef2f5db5-21c2-52e7-9bd0-c1a393c2aa4a",
        "outcome_reason",
        "solution_fit",
        "Solution fit",
        "方案匹配度",
    ),
    ("5296881a-b477-5d08-b7cc-ec13282f7b02", "outcome_reason", "price", "Price", "价格"),
    (
        "6c44b2bc-16d0-50b8-80aa-5af854733e47",
        "outcome_reason",
        "competitor",
        "Competitor preferred",
        "客户选择了竞争对手",
    ),
    (
        "4c26cf01-7ad5-5baa-9a5f-b9505cc40d5a",
        "outcome_reason",
        "no_decision",
        "No decision / postponed",
        "客户未决策或推迟",
    ),
)


def _seed_vocabulary() -> None:
    # A frozen copy of the deal vocabulary as it stood at this revision: later edits to
    # the declaration in kamdesk.kinds.opportunity must not change what this wrote.
    seed_vocabulary(_SEED_VOCABULARY)


def downgrade() -> None:
    # The deal lists go with the deals, and so do their entries in the change log: a book
    # at 0003 has no table to apply them to. Terms a team added to these lists go too.
    kinds = sorted({kind for _id, kind, _code, _en, _zh in _SEED_VOCABULARY})
    vocabulary = sa.table("vocabulary", sa.column("id", sa.String), sa.column("kind", sa.String))
    doomed = sa.select(vocabulary.c.id).where(vocabulary.c.kind.in_(kinds))
    log = sa.table("change_log", sa.column("table_name", sa.String), sa.column("row_id", sa.String))
    op.execute(
        log.delete().where(
            log.c.table_name.in_(("opportunity", "stage_change"))
            | ((log.c.table_name == "vocabulary") & log.c.row_id.in_(doomed))
        )
    )
    op.execute(vocabulary.delete().where(vocabulary.c.kind.in_(kinds)))

    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_change_history")

    op.drop_table("stage_change")
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_owner_id"))
        batch_op.drop_index("ix_opportunity_account_live")

    op.drop_table("opportunity")

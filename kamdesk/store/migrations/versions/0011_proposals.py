"""Proposals with the customer's ROI: the proposal, its options, lines, benefits, pains, phases.

Revision ID: 0011
Revises: 0010

Adds ``proposal`` (one version of a proposal to an account, for a deal or none, in its
own language and currency, with its horizon, the customer's discount rate, its status,
version and series), and under it ``proposal_option`` (good / better / best),
``proposal_line`` and ``proposal_benefit`` (each option's price and yearly value),
``proposal_pain`` (a pain and what answers it) and ``proposal_phase`` (the
implementation plan). Every row under a proposal keeps a ``lineage_id`` so versions
compare row by row. Seeds the ``proposal_language``, ``proposal_status``,
``line_item_kind``, ``billing`` and ``benefit_kind`` lists in English and Chinese.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kamdesk.store.migrations.helpers import seed_vocabulary

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (id, list, code, English, Chinese), frozen as they stood at this revision. The id is
#: uuid5 of "list:code" in the vocabulary namespace (``Term.id``).
_SEED_VOCABULARY: tuple[tuple[str, str, str, str, str], ...] = (
    ("3ca0657e-7e5a-5948-8dc1-44f8dc5b9fe5", "proposal_language", "en", "English", "英文"),
    ("fbede99d-398f-53f7-964a-732c8d240cde", "proposal_language", "zh_CN", "Chinese", "中文"),
    ("a7c7b75b-4caa-5224-9b22-3404cb7f1e1e", "proposal_status", "draft", "Draft", "草稿"),
    ("518c1b72-3237-51d5-9111-7e6c4ce28386", "proposal_status", "sent", "Sent", "已发送"),
    ("a803dce7-8c51-5b85-8a58-9901a74e8e84", "line_item_kind", "product", "Product", "产品"),
    ("d9248cab-8cfc-5fd6-8a3f-b07f70f4ec55", "line_item_kind", "service", "Service", "服务"),
    ("d9663a31-6c2e-5ee7-944c-a318509c8591", "billing", "one_off", "One-off", "一次性"),
    ("5368b8f0-c68a-5e1a-adb1-da11e73f893e", "billing", "yearly", "Every year", "每年"),
    (
        "de793e0b-299c-5dc6-b443-77c48e7a17c4",
        "benefit_kind",
        "cost_saved",
        "Cost saved",
        "成本节约",
    ),
    (
        "aaebebfa-b83f-5598-9c9b-f207dc310f8c",
        "benefit_kind",
        "revenue_gained",
        "Revenue gained",
        "收入增长",
    ),
    (
        "980d75ae-5d9c-518e-b185-49ba27f51a86",
        "benefit_kind",
        "hours_saved",
        "Hours saved",
        "工时节省",
    ),
    (
        "c879e198-5ca2-5658-bfdd-dcb033377272",
        "benefit_kind",
        "risk_avoided",
        "Risk avoided",
        "风险规避",
    ),
)
_LISTS = ("proposal_language", "proposal_status", "line_item_kind", "billing", "benefit_kind")

#: Each table, the column naming the row it hangs from, and that row's table.
_TABLES: tuple[tuple[str, str, str], ...] = (
    ("proposal", "account_id", "account"),
    ("proposal_option", "proposal_id", "proposal"),
    ("proposal_line", "option_id", "proposal_option"),
    ("proposal_benefit", "option_id", "proposal_option"),
    ("proposal_pain", "proposal_id", "proposal"),
    ("proposal_phase", "proposal_id", "proposal"),
)
#: The live-rows index of each table, as the models name them.
_LIVE_INDEXES: dict[str, str] = {
    "proposal": "ix_proposal_account_live",
    "proposal_option": "ix_proposal_option_proposal_live",
    "proposal_line": "ix_proposal_line_option_live",
    "proposal_benefit": "ix_proposal_benefit_option_live",
    "proposal_pain": "ix_proposal_pain_proposal_live",
    "proposal_phase": "ix_proposal_phase_proposal_live",
}


def _record_columns(parent_column: str) -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column(parent_column, sa.String(), nullable=False),
    ]


def _text(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Text(), server_default="", nullable=False)


def upgrade() -> None:
    op.create_table(
        "proposal",
        *_record_columns("account_id"),
        sa.Column("opportunity_id", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("horizon_years", sa.Integer(), nullable=False),
        sa.Column("discount_rate", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.String(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        _text("situation"),
        _text("payment_terms"),
        _text("why_us"),
        _text("reference_cases"),
        _text("next_steps"),
        _text("notes"),
        sa.Column("status_quo_cost_minor", sa.Integer(), nullable=True),
        sa.Column("competitor_name", sa.String(), nullable=False),
        sa.Column("competitor_one_off_minor", sa.Integer(), nullable=True),
        sa.Column("competitor_per_year_minor", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "proposal_option",
        *_record_columns("proposal_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        _text("summary"),
        sa.Column("recommended", sa.Boolean(), nullable=False),
        sa.Column("lineage_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "proposal_line",
        *_record_columns("option_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(), nullable=False),
        sa.Column("item_kind", sa.String(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.Integer(), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("billing", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("lineage_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["option_id"], ["proposal_option.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "proposal_benefit",
        *_record_columns("option_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("amount_per_year_minor", sa.Integer(), nullable=True),
        sa.Column("hours_per_year", sa.Integer(), nullable=True),
        sa.Column("hourly_rate_minor", sa.Integer(), nullable=True),
        _text("assumption"),
        sa.Column("starts_year", sa.Integer(), nullable=False),
        sa.Column("lineage_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["option_id"], ["proposal_option.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "proposal_pain",
        *_record_columns("proposal_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pain", sa.String(), nullable=False),
        sa.Column("component", sa.String(), nullable=False),
        sa.Column("lineage_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "proposal_phase",
        *_record_columns("proposal_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("weeks", sa.Integer(), nullable=True),
        _text("deliverables"),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("lineage_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for table, parent_column, _parent in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(_LIVE_INDEXES[table], [parent_column, "deleted_at"], unique=False)
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index("ix_proposal_series", ["series_id", "version"], unique=False)
        batch_op.create_index("ix_proposal_opportunity_id", ["opportunity_id"], unique=False)
    seed_vocabulary(_SEED_VOCABULARY)


def downgrade() -> None:
    # The lists go with the tables (terms a team added to them too), and so do their
    # lines in the change log: a book at 0010 has nothing to apply them to.
    tables = tuple(table for table, _column, _parent in _TABLES)
    vocabulary = sa.table("vocabulary", sa.column("id", sa.String), sa.column("kind", sa.String))
    doomed = sa.select(vocabulary.c.id).where(vocabulary.c.kind.in_(_LISTS))
    log = sa.table("change_log", sa.column("table_name", sa.String), sa.column("row_id", sa.String))
    op.execute(
        log.delete().where(
            log.c.table_name.in_(tables)
            | ((log.c.table_name == "vocabulary") & log.c.row_id.in_(doomed))
        )
    )
    op.execute(vocabulary.delete().where(vocabulary.c.kind.in_(_LISTS)))
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_opportunity_id")
        batch_op.drop_index("ix_proposal_series")
    for table in reversed(tables):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(_LIVE_INDEXES[table])
        op.drop_table(table)

"""First schema: accounts, stakeholders, team, coverage, vocabulary and the change log.

Revision ID: 0001
Revises:
"""

import datetime
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "book_meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("seen_hlc", sa.Integer(), nullable=True),
        sa.Column("seen_device", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("device_id", "device_seq"),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_log_field", ["table_name", "row_id", "column_name", "hlc"], unique=False
        )

    op.create_table(
        "team_member",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "vocabulary",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("label_en", sa.String(), nullable=False),
        sa.Column("label_zh", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "code"),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("parent_id", sa.String(), nullable=True),
        sa.Column("org_level", sa.String(), nullable=False),
        sa.Column("own_purchasing", sa.Boolean(), nullable=False),
        sa.Column("industry", sa.String(), nullable=False),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("lifecycle_stage", sa.String(), nullable=False),
        sa.Column("decision_mode", sa.String(), nullable=False),
        sa.Column("owner_id", sa.String(), nullable=True),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("annual_revenue_minor", sa.Integer(), nullable=True),
        sa.Column("potential_revenue_minor", sa.Integer(), nullable=True),
        sa.Column("procurement_process", sa.Text(), server_default="", nullable=False),
        sa.Column("budget_cycle", sa.String(), nullable=False),
        sa.Column("pain_points", sa.Text(), server_default="", nullable=False),
        sa.Column("strategy", sa.String(), nullable=False),
        sa.Column("incumbent_suppliers", sa.Text(), server_default="", nullable=False),
        sa.Column("competitors", sa.Text(), server_default="", nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["team_member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index("ix_account_live_name", ["deleted_at", "name", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "stakeholder",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("reports_to_id", sa.String(), nullable=True),
        sa.Column("buying_role", sa.String(), nullable=False),
        sa.Column("force", sa.String(), nullable=False),
        sa.Column("attitude", sa.String(), nullable=False),
        sa.Column("influence", sa.Integer(), nullable=True),
        sa.Column("decision_style", sa.String(), nullable=False),
        sa.Column("personal_goals", sa.Text(), server_default="", nullable=False),
        sa.Column("interests", sa.Text(), server_default="", nullable=False),
        sa.Column("needs_basic", sa.Text(), server_default="", nullable=False),
        sa.Column("needs_personal", sa.Text(), server_default="", nullable=False),
        sa.Column("needs_business", sa.Text(), server_default="", nullable=False),
        sa.Column("needs_strategic", sa.Text(), server_default="", nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("wechat", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reports_to_id"],
            ["stakeholder.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stakeholder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stakeholder_account_id"), ["account_id"], unique=False)

    op.create_table(
        "coverage",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("stakeholder_id", sa.String(), nullable=False),
        sa.Column("team_member_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholder.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_member_id"],
            ["team_member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coverage_pair", ["stakeholder_id", "team_member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coverage_stakeholder_id"), ["stakeholder_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coverage_team_member_id"), ["team_member_id"], unique=False
        )

    _seed_vocabulary()


_SEED_VOCABULARY: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "24fbfa81-9161-52e8-8bf0-f26e79f1c27e",
        "industry",
        "manufacturing",
        "Manufacturing",
        "制造业",
    ),
    ("3e7dc968-8762-59a1-b3b7-5a0b12ab3b4b", "industry", "finance", "Finance", "金融"),
    ("b53061d8-b320-5b30-9297-f9d302a03d25", "industry", "internet", "Internet", "互联网"),
    ("5a2dc4a6-e150-5ced-a8a1-f473d596dc1c", "industry", "government", "Government", "政府"),
    ("e9941c18-cc21-5184-8b94-07ac0ca1d0a6", "industry", "energy", "Energy & utilities", "能源"),
    ("a518da21-3ca5-5fb3-854a-e1ad19ac338f", "industry", "healthcare", "Healthcare", "医疗"),
    ("bccebf6f-6318-5e6f-ab4f-e92a6e39d297", "industry", "retail", "Retail & consumer", "零售"),
    ("6645c6ed-2c0c-5a03-9c15-cfa64883c0b8", "industry", "logistics", "Logistics", "物流"),
    ("d509ecf7-f967-51a8-a2bb-c56ae6d2ca25", "industry", "education", "Education", "教育"),
    ("681efb18-8e1b-5952-b938-97e7fbb48358", "industry", "telecom", "Telecommunications", "通信"),
    ("ec439f97-34f0-53a4-959d-414630afb0fe", "lifecycle_stage", "prospect", "Prospect", "潜在客户"),
    ("eb52070b-ce8a-5a5a-a48f-f6a40382262c", "lifecycle_stage", "new", "New customer", "新客户"),
    ("48052a73-f072-504c-a5b9-e608d35da228", "lifecycle_stage", "mature", "Mature", "成熟客户"),
    (
        "a09af760-8dfc-5528-8d32-a2527dd79a08",
        "lifecycle_stage",
        "strategic",
        "Strategic partner",
        "战略客户",
    ),
    (
        "a82e8132-ba1b-5316-8652-b0eadcfb0d6c",
        "decision_mode",
        "centralised",
        "Centralised",
        "集中决策",
    ),
    (
        "19736fb5-6eb1-5e33-a421-33ed0d2ad52d",
        "decision_mode",
        "decentralised",
        "Decentralised",
        "分散决策",
    ),
    ("ed9f77a8-81c7-5b4e-8cb4-5197aac27765", "decision_mode", "mixed", "Mixed", "混合决策"),
    ("a7e4ebe9-82a4-5855-8a7b-f21fbdc90d71", "org_level", "standalone", "Standalone", "独立客户"),
    ("e188243c-6e69-53fc-bcb5-9556e95db46a", "org_level", "group", "Group", "集团"),
    ("3f8c9127-39c3-542c-bff7-97f1c41384a5", "org_level", "headquarters", "Headquarters", "总部"),
    ("c75de53f-ed27-55cb-a576-3a948f41625b", "org_level", "branch", "Branch", "分公司"),
    ("df5c3292-dc06-5a68-95c1-fa99d3a95ca8", "org_level", "subsidiary", "Subsidiary", "子公司"),
    ("b0de2103-dad3-5776-8bb5-79199499b1d2", "budget_cycle", "annual", "Annual", "年度"),
    ("486b1919-243f-544d-b41c-b7e2e9282747", "budget_cycle", "quarterly", "Quarterly", "季度"),
    ("d5aed0f7-d85e-5fef-8e58-3d29779416a5", "budget_cycle", "project", "Per project", "按项目"),
    ("8f5db5cb-3b3b-5c20-8348-70fcfec39386", "strategy", "expand", "Expand", "扩张"),
    ("6ded09bc-e342-54f3-9aeb-f3c7dbe6c08c", "strategy", "stabilise", "Stabilise", "稳定"),
    ("c435b646-4e6f-5dd3-ab24-7a69c54ce1da", "strategy", "transform", "Transform", "转型"),
    ("33b56afc-2553-5a91-b459-81f2062b4a09", "level", "executive", "Executive", "高层"),
    ("0f8e2ee7-4409-5981-8c22-159c80d522e2", "level", "middle", "Middle management", "中层"),
    ("1f853486-7370-5ab7-9621-651f6a9f44ac", "level", "staff", "Staff", "基层"),
    (
        "072d3e30-4b1d-5aa3-8ec4-4ae77fe73ca2",
        "buying_role",
        "EB",
        "Economic buyer (EB)",
        "最终决策者 (EB)",
    ),
    (
        "10ae1040-96b2-58dd-9e69-3f26515d9435",
        "buying_role",
        "UB",
        "User buyer (UB)",
        "应用选型者 (UB)",
    ),
    (
        "2066f70f-0b7c-516d-8df4-706ce85f92e4",
        "buying_role",
        "TB",
        "Technical buyer (TB)",
        "技术选型者 (TB)",
    ),
    ("704e73f8-592e-58cc-9fb8-3f7a1784b330", "buying_role", "COACH", "Coach", "教练 (Coach)"),
    (
        "8e8d5c4c-493d-591d-9665-af6897add8ca",
        "force",
        "E-DB",
        "E-DB final decision",
        "E-DB 最终决策",
    ),
    (
        "023573d9-cc3a-534b-b500-e99c01b972d5",
        "force",
        "E-PB",
        "E-PB assisting decision",
        "E-PB 辅助决策",
    ),
    (
        "69902f67-877e-5500-878a-e5b43031e366",
        "force",
        "U-WB",
        "U-WB direct user beneficiary",
        "U-WB 直接应用受益",
    ),
    (
        "61656dab-424d-5a5e-b783-3eed5c42bd17",
        "force",
        "U-BB",
        "U-BB indirect user beneficiary",
        "U-BB 间接应用受益",
    ),
    (
        "073e17b4-59d6-5e90-b6df-32cca84b2eca",
        "force",
        "T-CA",
        "T-CA standards gatekeeper",
        "T-CA 标准把关",
    ),
    (
        "f9b33af0-522b-5567-836c-4ef881205802",
        "force",
        "T-FB",
        "T-FB budget support",
        "T-FB 预算支持",
    ),
    (
        "41dc6269-df57-5b22-8fd6-537f033e7b4b",
        "force",
        "T-AB",
        "T-AB process approval",
        "T-AB 流程审批",
    ),
    (
        "6cc39986-b089-59ad-ae11-f3ec8c97a5f8",
        "force",
        "C-CO",
        "C-CO guiding coach",
        "C-CO 指导教练",
    ),
    (
        "b32d273a-5995-5866-ad4b-8f0893ca3b54",
        "force",
        "C-CA",
        "C-CA internal advocate",
        "C-CA 内部提倡",
    ),
    ("bbc26b86-530b-5418-9789-f99c405a88c1", "attitude", "supportive", "Supportive", "支持"),
    ("ff31a9c6-cf96-58dd-8ed8-623c26d48bf6", "attitude", "neutral", "Neutral", "中立"),
    ("40b73060-61d1-5ac4-93b7-af0e6878c094", "attitude", "opposed", "Opposed", "反对"),
    (
        "efc1ec3a-b452-5680-864b-d9d3aa83157b",
        "decision_style",
        "risk_taking",
        "Risk-taking",
        "冒险型",
    ),
    (
        "56b01d3f-5615-51c6-a41e-9a7680daec0d",
        "decision_style",
        "conservative",
        "Conservative",
        "保守型",
    ),
    (
        "2f3ccd36-acdb-5c9e-ba92-778e3c48a9f2",
        "team_role",
        "account_manager",
        "Account manager",
        "客户经理",
    ),
    (
        "8c806ebb-f14e-5f9b-a30f-57160a4ad544",
        "team_role",
        "solution_manager",
        "Solution manager",
        "解决方案经理",
    ),
    (
        "483882cb-eedc-5b28-82e1-da4246a05bc8",
        "team_role",
        "delivery_manager",
        "Delivery manager",
        "交付经理",
    ),
    (
        "8bec4f91-aa46-5642-8699-6fc7d2aeba5b",
        "team_role",
        "executive_sponsor",
        "Executive sponsor",
        "高层支持者",
    ),
    ("27363791-fdf7-517a-839d-135b9406c7ce", "team_role", "other", "Other", "其他"),
)


def _seed_vocabulary() -> None:
    # A frozen copy of the default vocabulary as it stood at this revision: later edits
    # to the defaults in code must not change what this migration wrote.
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
    stamp = datetime.datetime(2026, 1, 1)
    positions: dict[str, int] = {}
    rows = []
    for row_id, kind, code, label_en, label_zh in _SEED_VOCABULARY:
        position = positions.get(kind, 0)
        positions[kind] = position + 1
        rows.append(
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
        )
    op.bulk_insert(table, rows)


def downgrade() -> None:

    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coverage_team_member_id"))
        batch_op.drop_index(batch_op.f("ix_coverage_stakeholder_id"))
        batch_op.drop_index("ix_coverage_pair")

    op.drop_table("coverage")
    with op.batch_alter_table("stakeholder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_account_id"))

    op.drop_table("stakeholder")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_parent_id"))
        batch_op.drop_index(batch_op.f("ix_account_owner_id"))
        batch_op.drop_index("ix_account_live_name")

    op.drop_table("account")
    op.drop_table("vocabulary")
    op.drop_table("team_member")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_field")

    op.drop_table("change_log")
    op.drop_table("book_meta")

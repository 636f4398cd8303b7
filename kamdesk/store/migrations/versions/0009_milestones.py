"""Milestones: a deal's checklist of what the customer must decide, and its templates.

Revision ID: 0009
Revises: 0008

Adds ``milestone`` (one decision the customer must make on a deal, by stage, ticked
with the day it was done, and the visit that answered it) and ``milestone_template``
(the checklist every new deal of a stage model starts with), and seeds the templates
of both stage models in English and Chinese.
"""

import datetime
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "milestone",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("answered_by_visit_id", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["answered_by_visit_id"], ["visit.id"]),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(
            "ix_milestone_deal_live", ["opportunity_id", "deleted_at"], unique=False
        )

    op.create_table(
        "milestone_template",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text_en", sa.String(), nullable=False),
        sa.Column("text_zh", sa.String(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("milestone_template", schema=None) as batch_op:
        batch_op.create_index("ix_milestone_template_stage", ["stage", "position"], unique=False)

    _seed_templates()


#: (id, stage, position, English, Chinese). The id is uuid5 of
#: "milestone_template:stage:n" (the n-th of its stage) in the vocabulary namespace, as
#: ``kamdesk.kinds.milestone.template_id`` makes it, so every device seeds the same rows;
#: the position orders the team's list: model, stage, then as listed
#: (``template_position``).
_SEED_TEMPLATES: tuple[tuple[str, str, int, str, str], ...] = (
    (
        "00a60ddd-01f5-5010-997c-0faf539f38c7",
        "compass.intent",
        0,
        "The customer agrees there is a problem worth solving",
        "客户确认存在需要解决的问题",
    ),
    (
        "92eb8bd2-8943-53ca-abcb-b285913752be",
        "compass.intent",
        1,
        "The customer has said what the problem costs the business",
        "客户说明了问题对业务造成的影响",
    ),
    (
        "26962cdb-a40a-5539-bdc7-d063df716320",
        "compass.intent",
        2,
        "The customer agrees to explore a solution with us",
        "客户同意与我们一起探讨解决方案",
    ),
    (
        "bc29992c-e6d2-5979-971c-bfda8f71e18c",
        "compass.intent",
        3,
        "A contact at the customer agrees to guide us (coach)",
        "客户方有人愿意指导我们（教练）",
    ),
    (
        "c0040e62-6aa2-5379-b1ec-b86b5aa00f36",
        "compass.solution",
        1000,
        "The customer has confirmed the requirements and selection criteria",
        "客户确认了需求和选型标准",
    ),
    (
        "5e29a073-dad3-5d68-8bee-2e5b0e32f0c2",
        "compass.solution",
        1001,
        "The users agree the solution solves their problem",
        "使用部门认可方案能解决他们的问题",
    ),
    (
        "1659c970-6c66-50b4-bfc9-1f61e0bcc6fc",
        "compass.solution",
        1002,
        "The technical buyers accept the solution as workable",
        "技术选型者认可方案技术上可行",
    ),
    (
        "5f165d86-857c-5130-a3a9-b60e383882b1",
        "compass.solution",
        1003,
        "The customer accepts the value we quantified (ROI)",
        "客户认可我们量化的价值（ROI）",
    ),
    (
        "a2f4ee15-7f23-5f51-81f2-2623f0238e83",
        "compass.commercial",
        2000,
        "The customer has confirmed the budget and its source",
        "客户确认了预算及资金来源",
    ),
    (
        "827b1462-1206-5f97-a6fd-d52e7c7097d4",
        "compass.commercial",
        2001,
        "The customer has explained the purchasing process and approvals",
        "客户说明了采购流程和审批环节",
    ),
    (
        "a797035d-2648-5a2c-9ccd-c446979a6e45",
        "compass.commercial",
        2002,
        "The economic buyer agrees to go ahead",
        "最终决策者同意推进",
    ),
    (
        "fa6cc6ec-f517-5a7f-b927-b374d229e577",
        "compass.commercial",
        2003,
        "The customer accepts the price and payment terms",
        "客户接受了价格和付款条件",
    ),
    (
        "91b09aa0-6a2e-5431-b99d-e355371266b0",
        "compass.closing",
        3000,
        "The customer has chosen us as supplier",
        "客户选定我们为供应商",
    ),
    (
        "b36a144a-83ed-5d95-98d7-01a27eea4cf6",
        "compass.closing",
        3001,
        "The customer's legal and purchasing teams agree the contract",
        "客户的法务和采购认可合同条款",
    ),
    (
        "a5482e96-0c61-51d0-9d0f-7001f964f4da",
        "compass.closing",
        3002,
        "The customer has signed the contract",
        "客户签署了合同",
    ),
    (
        "693bc880-1656-5950-b99e-633e6ac2b215",
        "compass.closing",
        3003,
        "The customer has fixed the start date and delivery team",
        "客户确定了启动日期和实施团队",
    ),
    (
        "47b5767c-d732-5f18-9cb8-9f2b32bb3f52",
        "project.development",
        100000,
        "The customer confirms a need that calls for a project",
        "客户确认存在需要立项解决的需求",
    ),
    (
        "99a92309-959b-5082-a009-f0859c9ce57a",
        "project.development",
        100001,
        "The customer has shared the scope, budget range and timetable",
        "客户提供了项目范围、预算区间和时间表",
    ),
    (
        "f2205e91-6317-569c-b95e-df963a887e9b",
        "project.development",
        100002,
        "The customer has told us who takes part in the decision",
        "客户告知了参与决策的人员",
    ),
    (
        "79a2caf5-9293-5b1d-87e8-f162e89ac51b",
        "project.approval",
        101000,
        "The customer has approved the project internally",
        "客户内部已正式立项",
    ),
    (
        "81884dc2-0f58-5bb3-9653-44b50280add5",
        "project.approval",
        101001,
        "The customer confirms the budget is approved",
        "客户确认预算已获批准",
    ),
    (
        "8c7d6274-05d3-5fbe-8c20-2663f2c15218",
        "project.approval",
        101002,
        "The customer has put us on the supplier shortlist",
        "客户将我们列入候选供应商",
    ),
    (
        "6b8d112a-efeb-5779-8da9-de2e4e17b33a",
        "project.proposal",
        102000,
        "The customer has confirmed the purchase criteria and scoring",
        "客户确认了采购标准和评分方式",
    ),
    (
        "e7254b7c-1925-55d3-b362-e5d92f56455d",
        "project.proposal",
        102001,
        "The key decision makers have heard our proposal presented",
        "客户的关键决策人听取了我们的方案汇报",
    ),
    (
        "95664503-13fd-5e68-bc27-1c2ad2d91ca7",
        "project.proposal",
        102002,
        "The customer agrees our proposal meets the requirements",
        "客户认可我们的方案满足要求",
    ),
    (
        "e2a9834e-5da9-5bf6-8547-c31907ca2349",
        "project.proposal",
        102003,
        "The customer accepts the value we quantified (ROI)",
        "客户认可我们量化的价值（ROI）",
    ),
    (
        "236b69a6-6326-589c-867f-06ad62f20c9b",
        "project.tender",
        103000,
        "The customer has chosen open tender or negotiated bid",
        "客户确定了采购方式（公开招标或议标）",
    ),
    (
        "bc6c4454-779b-58c6-aa82-7a5f0a7cb870",
        "project.tender",
        103001,
        "The customer's tender documents fit our proposal",
        "客户的招标文件与我们的方案相符",
    ),
    (
        "a646742f-8ebb-56f2-a06e-183b1f5f068b",
        "project.tender",
        103002,
        "The customer's evaluation panel has scored the bids",
        "客户的评标委员会完成了评审",
    ),
    (
        "1357b4e8-32c1-5437-82e3-b4a94d89246f",
        "project.tender",
        103003,
        "The customer has told us we won the bid",
        "客户通知我们中标",
    ),
    (
        "1efcc86b-03fb-5025-9525-08802f8115dd",
        "project.negotiation",
        104000,
        "The customer accepts the price and payment terms",
        "客户接受了价格和付款条件",
    ),
    (
        "7a798118-2495-5261-9e7a-e419f1689606",
        "project.negotiation",
        104001,
        "The customer's legal team agrees the contract terms",
        "客户的法务认可合同条款",
    ),
    (
        "e05cd690-6a50-585b-9369-dd585e970e23",
        "project.negotiation",
        104002,
        "The customer's contract approval is complete",
        "客户完成了合同审批",
    ),
    (
        "3748a6bd-5465-5f29-8507-72f2cf7904bc",
        "project.negotiation",
        104003,
        "The customer has signed the contract",
        "客户签署了合同",
    ),
    (
        "7983f666-ab48-51c0-9054-770df11e0119",
        "project.implementation",
        105000,
        "The customer has agreed the delivery plan and who does what",
        "客户确认了实施计划和双方职责",
    ),
    (
        "87b90ac4-b1f5-563e-848a-38ce91f65546",
        "project.implementation",
        105001,
        "The customer has signed off each delivery stage",
        "客户确认了各阶段交付成果",
    ),
    (
        "a25a0b19-a705-5426-9c87-74a4541f210d",
        "project.implementation",
        105002,
        "The customer has accepted the project",
        "客户完成了项目验收",
    ),
    (
        "3d639ea2-34a7-53fa-81bf-214b8df98c93",
        "project.implementation",
        105003,
        "The customer closes the project and pays the final instalment",
        "客户同意结项并支付尾款",
    ),
)


def _seed_templates() -> None:
    # A frozen copy of the default checklists as they stood at this revision: later
    # edits to kamdesk.kinds.milestone must not change what this wrote.
    table = sa.table(
        "milestone_template",
        sa.column("id", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("stage", sa.String),
        sa.column("position", sa.Integer),
        sa.column("text_en", sa.String),
        sa.column("text_zh", sa.String),
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
                "stage": stage,
                "position": position,
                "text_en": text_en,
                "text_zh": text_zh,
                "archived": False,
            }
            for row_id, stage, position, text_en, text_zh in _SEED_TEMPLATES
        ],
    )


def downgrade() -> None:
    # The checklists go with their tables, and so do their entries in the change log: a
    # book at the revision below has no table to apply them to.
    log = sa.table("change_log", sa.column("table_name", sa.String))
    op.execute(log.delete().where(log.c.table_name.in_(("milestone", "milestone_template"))))

    with op.batch_alter_table("milestone_template", schema=None) as batch_op:
        batch_op.drop_index("ix_milestone_template_stage")
    op.drop_table("milestone_template")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index("ix_milestone_deal_live")
    op.drop_table("milestone")

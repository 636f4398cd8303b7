"""Visits: the visit, its attendees on both sides, the question bank, questions, follow-ups.

Revision ID: 0008
Revises: 0007

Adds ``visit`` (a visit to an account, optionally for one of its deals, its start and
end in UTC with the time zone it was planned in), ``visit_attendee`` and
``visit_team_member`` (who attends, theirs and ours), ``question`` (the team's question
bank, seeded with three questions of each kind in English and Chinese),
``visit_question`` (what to ask at a visit, and the answer) and ``follow_up`` (what was
promised, by whom, by when); and seeds the visit statuses and the kinds of question.
"""

import datetime
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (
    "visit",
    "visit_attendee",
    "visit_team_member",
    "question",
    "visit_question",
    "follow_up",
)


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    ]


def _long_text(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Text(), server_default="", nullable=False)


def upgrade() -> None:
    op.create_table(
        "visit",
        *_record_columns(),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("opportunity_id", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("time_zone", sa.String(), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        _long_text("objective"),
        _long_text("agenda"),
        _long_text("value_first"),
        _long_text("commitment_best"),
        _long_text("commitment_minimum"),
        sa.Column("outcome", sa.String(), nullable=False),
        _long_text("signals"),
        _long_text("notes"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index("ix_visit_account_live", ["account_id", "deleted_at"], unique=False)
        batch_op.create_index("ix_visit_starts_at", ["starts_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_visit_opportunity_id"), ["opportunity_id"], unique=False
        )

    op.create_table(
        "visit_attendee",
        *_record_columns(),
        sa.Column("visit_id", sa.String(), nullable=False),
        sa.Column("stakeholder_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["stakeholder_id"], ["stakeholder.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit_attendee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_attendee_visit_id"), ["visit_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_visit_attendee_stakeholder_id"),
            ["stakeholder_id"],
            unique=False,
        )

    op.create_table(
        "visit_team_member",
        *_record_columns(),
        sa.Column("visit_id", sa.String(), nullable=False),
        sa.Column("team_member_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["team_member_id"], ["team_member.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit_team_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_team_member_visit_id"), ["visit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_visit_team_member_team_member_id"),
            ["team_member_id"],
            unique=False,
        )

    op.create_table(
        "question",
        *_record_columns(),
        sa.Column("question_type", sa.String(), nullable=False),
        sa.Column("text_en", sa.String(), nullable=False),
        sa.Column("text_zh", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

    op.create_table(
        "visit_question",
        *_record_columns(),
        sa.Column("visit_id", sa.String(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        _long_text("answer"),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_question_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "follow_up",
        *_record_columns(),
        sa.Column("visit_id", sa.String(), nullable=False),
        sa.Column("account_id", sa.String(), nullable=True),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("owner_id", sa.String(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["team_member.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_open", ["account_id", "done", "due"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_visit_id"), ["visit_id"], unique=False)

    _seed()


#: (id, list, code, English, Chinese), ids as ``kamdesk.domain.vocabulary.Term.id`` makes
#: them, so every device seeds the same rows.
_SEED_VOCABULARY: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "e26b3e00-c960-5b25-a0d6-f766379d0923",
        "visit_status",
        "planned",
        "Planned",
        "计划中",
    ),
    ("4b05cb59-8327-50f1-8add-e0f7a23527b5", "visit_status", "done", "Done", "已完成"),
    (
        "08ce8b5b-f439-5d85-8521-ac7d4d6ef7b4",
        "visit_status",
        "cancelled",
        "Cancelled",
        "已取消",
    ),
    ("b1fbb3e1-3e87-57d0-816b-23de3e288b09", "question_type", "open", "Open", "开放式"),
    (
        "76bef54a-0ee8-5b65-9892-0c4bf9c8c19a",
        "question_type",
        "guiding",
        "Guiding",
        "引导式",
    ),
    (
        "07ebb151-4ae2-5f3f-9c55-87e128d5da28",
        "question_type",
        "confirming",
        "Confirming",
        "确认式",
    ),
    (
        "14e900c5-6b62-57ee-bc5c-e41b8cdaa355",
        "question_type",
        "value",
        "Value",
        "价值式",
    ),
)

#: The question bank a book starts with: (id, kind of question, English, Chinese).
_SEED_QUESTIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000001",
        "open",
        "What are this year's priorities for your team?",
        "今年贵部门的工作重点是什么？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000002",
        "open",
        "How do you see the business developing over the next three years?",
        "您如何看待未来三年的业务发展？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000003",
        "open",
        "What keeps you busiest at the moment?",
        "目前最让您操心的是哪些事情？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000004",
        "guiding",
        "Where exactly does the delay happen?",
        "具体是在哪个环节出现延误的？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000005",
        "guiding",
        "How often does this happen, and what does it cost you each time?",
        "这种情况多久发生一次？每次会造成多少损失？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000006",
        "guiding",
        "Who else is affected when this goes wrong?",
        "出现问题时还会影响到哪些部门或人员？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000007",
        "confirming",
        "If I understood right, your main concern is …?",
        "如果我理解得没错，您最关心的是……？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000008",
        "confirming",
        "So the decision will be made by … before …, is that right?",
        "也就是说，最终由……在……之前做决定，对吗？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-000000000009",
        "confirming",
        "Have I missed anything that matters to you?",
        "还有哪些对您重要的方面我没有提到？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-00000000000a",
        "value",
        "If this were solved, what would it mean for you?",
        "如果这个问题解决了，对您意味着什么？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-00000000000b",
        "value",
        "What would a 10% gain here be worth to the business?",
        "这里提升10%，对业务来说价值多少？",
    ),
    (
        "9d0c3f5e-0b8a-4c8e-9a51-00000000000c",
        "value",
        "How would your management measure the success of this project?",
        "贵公司管理层会如何衡量这个项目的成功？",
    ),
)


def _seed() -> None:
    # Frozen copies as they stood at this revision: later edits of the declarations in
    # kamdesk.kinds.visit must not change what this wrote.
    stamp = datetime.datetime(2026, 12, 1)
    vocabulary = sa.table(
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
    op.bulk_insert(vocabulary, rows)
    question = sa.table(
        "question",
        sa.column("id", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("question_type", sa.String),
        sa.column("text_en", sa.String),
        sa.column("text_zh", sa.String),
    )
    op.bulk_insert(
        question,
        [
            {
                "id": row_id,
                "created_at": stamp,
                "updated_at": stamp,
                "question_type": kind,
                "text_en": text_en,
                "text_zh": text_zh,
            }
            for row_id, kind, text_en, text_zh in _SEED_QUESTIONS
        ],
    )


def downgrade() -> None:
    # The visit lists go with the visits, and so do their entries in the change log: a
    # book at the revision before has no table to apply them to.
    kinds = sorted({kind for _id, kind, _code, _en, _zh in _SEED_VOCABULARY})
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
    for table in reversed(_TABLES):
        op.drop_table(table)

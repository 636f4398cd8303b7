"""The tables of visits (拜访): the visit, who attends, its questions and follow-ups.

Declared in ``kamdesk.kinds.visit``; these names are stable (calendar export and the
pre-visit briefing read them):

``visit``
    account_id (FK account), opportunity_id (FK opportunity, NULL when the visit is for
    no deal; a deleted deal's id stays, and reads skip it, so undoing the deletion
    brings the link back), title, starts_at and ends_at (UTC, stored as naive ISO text
    ``YYYY-MM-DD HH:MM:SS.ffffff`` and read back aware), time_zone (IANA name the visit
    was planned in: show the times in it), place, status (planned / done / cancelled),
    objective, agenda, value_first (价值先行), commitment_best, commitment_minimum, and
    the debrief: outcome (one line), signals, notes.
``visit_attendee``
    visit_id, stakeholder_id: the customer's people at the visit (their account's).
    The id follows from the pair (``link_id``); a removed attendee is a tombstone.
``visit_team_member``
    visit_id, team_member_id: our people at the visit, likewise.
``question``
    The team's question bank, no parent: question_type (open / guiding / confirming /
    value), text_en, text_zh.
``visit_question``
    visit_id, question_id (FK question, or NULL for a question of the visit's own),
    text (that own question), answer (filled in the debrief).
``follow_up``
    visit_id, account_id (the visit's, for the account list's overdue marker), what,
    owner_id (FK team_member), due (a date), done.

Every table has the columns of ``Record`` (id, created_at, updated_at, deleted_at).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Column, DateTime, Dialect, Index, Text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

from kamdesk.models.tables import Record

#: Fixed for ever: link ids are made from it on every device (see ``link_id``).
LINK_NAMESPACE = uuid.UUID("7b1c3c52-6a55-4a3f-9f0e-2f5e3d0a9c41")


def link_id(table: str, owner_id: str, other_id: str) -> str:
    """The id of the row linking ``owner_id`` to ``other_id`` in ``table``, on any device.

    Two devices adding the same attendee to a visit make one row, as coverage does.
    """
    return str(uuid.uuid5(LINK_NAMESPACE, f"{table}/{owner_id}/{other_id}"))


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment kept in UTC: stored without offset, read back aware.

    SQLite has no time zones; storing every moment in UTC keeps them comparable (the
    week view's range is one index scan) and reading them back aware keeps a stored
    value equal to the one a form sends.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Store in UTC, without the offset."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a moment must be aware")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Read back as UTC."""
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


def _text() -> Column[str]:
    return Column(Text, nullable=False, server_default="")


def _moment() -> Column[dt.datetime]:
    return Column(UtcDateTime(), nullable=False)


class Visit(Record, table=True):
    """A visit to an account (拜访): its plan, and afterwards its debrief."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_account_live", "account_id", "deleted_at"),
        Index("ix_visit_starts_at", "starts_at"),
    )

    account_id: str = Field(foreign_key="account.id")
    opportunity_id: str | None = Field(default=None, foreign_key="opportunity.id", index=True)
    title: str
    starts_at: dt.datetime = Field(sa_column=_moment())
    ends_at: dt.datetime = Field(sa_column=_moment())
    time_zone: str = "UTC"
    place: str = ""
    status: str = "planned"
    objective: str = Field(default="", sa_column=_text())
    agenda: str = Field(default="", sa_column=_text())
    value_first: str = Field(default="", sa_column=_text())
    commitment_best: str = Field(default="", sa_column=_text())
    commitment_minimum: str = Field(default="", sa_column=_text())
    outcome: str = ""
    signals: str = Field(default="", sa_column=_text())
    notes: str = Field(default="", sa_column=_text())


class VisitAttendee(Record, table=True):
    """A stakeholder of the visit's account at the visit."""

    __tablename__ = "visit_attendee"

    visit_id: str = Field(foreign_key="visit.id", index=True)
    stakeholder_id: str = Field(foreign_key="stakeholder.id", index=True)

    def __init__(self, **values: Any) -> None:
        if "id" not in values and {"visit_id", "stakeholder_id"} <= values.keys():
            values["id"] = link_id("visit_attendee", values["visit_id"], values["stakeholder_id"])
        super().__init__(**values)


class VisitTeamMember(Record, table=True):
    """One of our team at the visit."""

    __tablename__ = "visit_team_member"

    visit_id: str = Field(foreign_key="visit.id", index=True)
    team_member_id: str = Field(foreign_key="team_member.id", index=True)

    def __init__(self, **values: Any) -> None:
        if "id" not in values and {"visit_id", "team_member_id"} <= values.keys():
            values["id"] = link_id(
                "visit_team_member", values["visit_id"], values["team_member_id"]
            )
        super().__init__(**values)


class Question(Record, table=True):
    """A question of the team's bank (提问技巧), in both languages."""

    __tablename__ = "question"

    question_type: str = "open"
    text_en: str = ""
    text_zh: str = ""


class VisitQuestion(Record, table=True):
    """A question to ask at a visit (from the bank, or its own), and the answer heard."""

    __tablename__ = "visit_question"

    visit_id: str = Field(foreign_key="visit.id", index=True)
    question_id: str | None = Field(default=None, foreign_key="question.id")
    text: str = ""
    answer: str = Field(default="", sa_column=_text())


class FollowUp(Record, table=True):
    """Something promised at a visit: what, by whom, by when, and whether it is done."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_open", "account_id", "done", "due"),)

    visit_id: str = Field(foreign_key="visit.id", index=True)
    #: The visit's account, set in the transaction that makes the follow-up (the kind's
    #: after_write): the account list asks "has this account an overdue follow-up" of
    #: one index.
    account_id: str | None = Field(default=None, foreign_key="account.id")
    what: str
    owner_id: str | None = Field(default=None, foreign_key="team_member.id")
    due: dt.date | None = None
    done: bool = False

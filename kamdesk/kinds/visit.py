"""Visits (拜访): the plan of a visit, who attends, its questions, and its follow-ups.

A visit is at an account, for one of its deals or none; it starts and ends at moments
kept in UTC with the time zone it was planned in (see ``kamdesk.domain.visits``). Its
attendees are the account's stakeholders and our team members, kept in link tables. The
team's question bank (``question``) has no parent; a visit picks questions from it, or
writes its own, and the debrief records the answers and the follow-ups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import FieldKind as F
from kamdesk.domain.fields import FieldSpec
from kamdesk.domain.visits import in_zone, local_zone_name
from kamdesk.domain.vocabulary import VocabularyKind as V
from kamdesk.domain.vocabulary import terms
from kamdesk.i18n import N_, _
from kamdesk.kinds.base import Kind, LinkSet, ListColumn, ParentLink

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record


def _visit_model() -> type[Record]:
    from kamdesk.models.visit import Visit

    return Visit


def _attendee_model() -> type[Record]:
    from kamdesk.models.visit import VisitAttendee

    return VisitAttendee


def _team_model() -> type[Record]:
    from kamdesk.models.visit import VisitTeamMember

    return VisitTeamMember


def _question_model() -> type[Record]:
    from kamdesk.models.visit import Question

    return Question


def _visit_question_model() -> type[Record]:
    from kamdesk.models.visit import VisitQuestion

    return VisitQuestion


def _follow_up_model() -> type[Record]:
    from kamdesk.models.visit import FollowUp

    return FollowUp


def _ends_after_start(values: Mapping[str, Any]) -> dict[str, str]:
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, dt.datetime) or not isinstance(ends, dt.datetime):
        return {}  # a missing or unreadable time has its own message
    if starts.tzinfo is not None and ends.tzinfo is not None and ends <= starts:
        return {"ends_at": _("A visit must end after it starts.")}
    return {}


def _visit_account(session: Session, record_id: str | None, values: Mapping[str, Any]) -> str:
    from kamdesk.models.visit import Visit

    if record_id is not None:
        stored = session.get(Visit, record_id)
        return stored.account_id if stored is not None else ""
    return str(values.get("account_id") or "")


def _check_visit(session: Session, record_id: str | None, values: dict[str, Any]) -> dict[str, str]:
    """The deal and the attendees must be the visit's account's; our people on the team."""
    from kamdesk.models import Opportunity, Stakeholder, TeamMember

    account_id = _visit_account(session, record_id, values)
    errors: dict[str, str] = {}
    deal_id = values.get("opportunity_id")
    if deal_id:
        deal = session.get(Opportunity, deal_id)
        if deal is None or deal.deleted_at is not None:
            errors["opportunity_id"] = _("This deal no longer exists.")
        elif deal.account_id != account_id:
            errors["opportunity_id"] = _("Choose a deal of this visit's account.")
    for person_id in values.get("attendees", ()):
        person = session.get(Stakeholder, person_id)
        if person is None or person.deleted_at is not None:
            errors["attendees"] = _("A person in this list no longer exists.")
        elif person.account_id != account_id:
            errors["attendees"] = _("Choose people of this visit's account.")
    for member_id in values.get("our_attendees", ()):
        member = session.get(TeamMember, member_id)
        if member is None or member.deleted_at is not None:
            errors["our_attendees"] = _("A team member in this list no longer exists.")
    return errors


VISIT = Kind(
    name="visit",
    label=N_("visit"),
    plural=N_("Visits"),
    model=_visit_model,
    parent=ParentLink("account", "account_id"),
    fields=(
        FieldSpec("title", N_("Visit"), F.TEXT, required=True),
        FieldSpec("opportunity_id", N_("Deal"), F.DEAL),
        FieldSpec("starts_at", N_("Starts"), F.DATETIME, required=True),
        FieldSpec("ends_at", N_("Ends"), F.DATETIME, required=True),
        FieldSpec("time_zone", N_("Time zone"), F.TIME_ZONE, required=True),
        FieldSpec("place", N_("Place"), F.TEXT),
        FieldSpec("status", N_("Status"), F.CHOICE, True, V.VISIT_STATUS),
        FieldSpec("attendees", N_("Their attendees"), F.STAKEHOLDERS),
        FieldSpec("our_attendees", N_("Our attendees"), F.TEAM_MEMBERS),
        FieldSpec("outcome", N_("Outcome"), F.TEXT),
        FieldSpec("objective", N_("Objective"), F.LONG_TEXT),
        FieldSpec("agenda", N_("Agenda"), F.LONG_TEXT),
        FieldSpec("value_first", N_("Value to bring first (价值先行)"), F.LONG_TEXT),
        FieldSpec("commitment_best", N_("Best action commitment"), F.LONG_TEXT),
        FieldSpec("commitment_minimum", N_("Minimum acceptable action"), F.LONG_TEXT),
        FieldSpec("signals", N_("Signals seen"), F.LONG_TEXT),
        FieldSpec("notes", N_("Notes"), F.LONG_TEXT),
    ),
    order_by=("starts_at", "title"),
    list_columns=(
        ListColumn("starts_at", 0.20),
        ListColumn("title", 0.30),
        ListColumn("opportunity_id", 0.18),
        ListColumn("status", 0.10),
        ListColumn("outcome", 0.22),
    ),
    search_text=("title", "place", "notes"),
    links=(
        LinkSet(
            "attendees",
            "visit_attendee",
            "visit_id",
            "stakeholder_id",
            "stakeholder",
            _attendee_model,
        ),
        LinkSet(
            "our_attendees",
            "visit_team_member",
            "visit_id",
            "team_member_id",
            "team_member",
            _team_model,
        ),
    ),
    checks=(_ends_after_start,),
    book_check=_check_visit,
    defaults={"status": "planned", "time_zone": local_zone_name()},
    title_field="title",
    shown_on="account",
    position=20,
    vocabulary=(
        *terms(
            V.VISIT_STATUS,
            ("planned", "Planned", "计划中"),
            ("done", "Done", "已完成"),
            ("cancelled", "Cancelled", "已取消"),
        ),
    ),
)


def _has_text(values: Mapping[str, Any]) -> dict[str, str]:
    if not str(values.get("text_en") or "").strip() and not str(values.get("text_zh") or ""):
        return {"text_en": _("Write the question in English or Chinese.")}
    return {}


QUESTION = Kind(
    name="question",
    label=N_("question"),
    plural=N_("Question bank"),
    model=_question_model,
    fields=(
        FieldSpec("question_type", N_("Kind of question"), F.CHOICE, True, V.QUESTION_TYPE),
        FieldSpec("text_en", N_("Question (English)"), F.TEXT),
        FieldSpec("text_zh", N_("Question (Chinese)"), F.TEXT),
    ),
    order_by=("question_type", "text_en"),
    list_columns=(
        ListColumn("question_type", 0.16),
        ListColumn("text_en", 0.42),
        ListColumn("text_zh", 0.42),
    ),
    checks=(_has_text,),
    defaults={"question_type": "open"},
    title_field="text_en",
    vocabulary=tuple(
        terms(
            V.QUESTION_TYPE,
            ("open", "Open", "开放式"),
            ("guiding", "Guiding", "引导式"),
            ("confirming", "Confirming", "确认式"),
            ("value", "Value", "价值式"),
        )
    ),
)


def _question_or_text(values: Mapping[str, Any]) -> dict[str, str]:
    if not values.get("question_id") and not str(values.get("text") or "").strip():
        return {"question_id": _("Pick a question from the bank or write one.")}
    return {}


VISIT_QUESTION = Kind(
    name="visit_question",
    label=N_("question"),
    plural=N_("Questions"),
    model=_visit_question_model,
    parent=ParentLink("visit", "visit_id"),
    fields=(
        FieldSpec("question_id", N_("From the question bank"), F.QUESTION),
        FieldSpec("text", N_("Or a question of our own"), F.TEXT),
        FieldSpec("answer", N_("Answer"), F.LONG_TEXT),
    ),
    order_by=("question_id", "text"),
    list_columns=(
        ListColumn("question_id", 0.40),
        ListColumn("text", 0.30),
        ListColumn("answer", 0.30),
    ),
    checks=(_question_or_text,),
    title_field="text",
    shown_on="visit",
    position=10,
)


def _visit_of(session: Session, record_id: str | None, values: Mapping[str, Any]) -> Any:
    from kamdesk.models.visit import FollowUp, Visit

    if record_id is not None:
        stored = session.get(FollowUp, record_id)
        visit_id = stored.visit_id if stored is not None else None
    else:
        visit_id = values.get("visit_id")
    return session.get(Visit, visit_id) if visit_id else None


def _check_follow_up(
    session: Session, record_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    """A follow-up is due on the visit's day or after (the day where the visit is)."""
    due = values.get("due")
    if not isinstance(due, dt.date):
        return {}
    visit = _visit_of(session, record_id, values)
    if visit is None:
        return {}
    day = in_zone(visit.starts_at, visit.time_zone).date()
    if due < day:
        return {"due": _("A follow-up cannot be due before its visit.")}
    return {}


def _follow_the_visit(session: Session, record: Record, before: dict[str, Any]) -> None:
    """A new follow-up takes its visit's account (what the overdue marker reads)."""
    from kamdesk.models.visit import FollowUp, Visit

    assert isinstance(record, FollowUp)
    if record.account_id is None:
        visit = session.get(Visit, record.visit_id)
        if visit is not None:
            record.account_id = visit.account_id


FOLLOW_UP = Kind(
    name="follow_up",
    label=N_("follow-up"),
    plural=N_("Follow-ups"),
    model=_follow_up_model,
    parent=ParentLink("visit", "visit_id"),
    fields=(
        FieldSpec("what", N_("Follow-up"), F.TEXT, required=True),
        FieldSpec("owner_id", N_("Owner"), F.TEAM_MEMBER),
        FieldSpec("due", N_("Due"), F.DATE),
        FieldSpec("done", N_("Done"), F.FLAG),
    ),
    order_by=("done", "due", "what"),
    list_columns=(
        ListColumn("what", 0.50),
        ListColumn("owner_id", 0.20),
        ListColumn("due", 0.18),
        ListColumn("done", 0.12),
    ),
    book_check=_check_follow_up,
    after_write=_follow_the_visit,
    defaults={"done": False},
    title_field="what",
    shown_on="visit",
    position=20,
)

#: The question bank a new book starts with (提问技巧), per kind of question: (id, kind,
#: English, Chinese). Fixed ids, so every device seeds the same rows; migration 0008
#: keeps its own frozen copy.
DEFAULT_QUESTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000001", "open",
     "What are this year's priorities for your team?", "今年贵部门的工作重点是什么？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000002", "open",
     "How do you see the business developing over the next three years?",
     "您如何看待未来三年的业务发展？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000003", "open",
     "What keeps you busiest at the moment?", "目前最让您操心的是哪些事情？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000004", "guiding",
     "Where exactly does the delay happen?", "具体是在哪个环节出现延误的？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000005", "guiding",
     "How often does this happen, and what does it cost you each time?",
     "这种情况多久发生一次？每次会造成多少损失？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000006", "guiding",
     "Who else is affected when this goes wrong?", "出现问题时还会影响到哪些部门或人员？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000007", "confirming",
     "If I understood right, your main concern is …?", "如果我理解得没错，您最关心的是……？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000008", "confirming",
     "So the decision will be made by … before …, is that right?",
     "也就是说，最终由……在……之前做决定，对吗？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-000000000009", "confirming",
     "Have I missed anything that matters to you?", "还有哪些对您重要的方面我没有提到？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-00000000000a", "value",
     "If this were solved, what would it mean for you?", "如果这个问题解决了，对您意味着什么？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-00000000000b", "value",
     "What would a 10% gain here be worth to the business?",
     "这里提升10%，对业务来说价值多少？"),
    ("9d0c3f5e-0b8a-4c8e-9a51-00000000000c", "value",
     "How would your management measure the success of this project?",
     "贵公司管理层会如何衡量这个项目的成功？"),
)  # fmt: skip

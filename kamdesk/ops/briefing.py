"""The pre-visit briefing: gathering one visit's briefing from the book, and its PDF.

The builder (``kamdesk.reports.visit_briefing``) takes plain data; this is the one place
that reads the book for it, resolving vocabulary codes to labels in the current language
and working out the red flags (``kamdesk.domain.briefing``).

Whose role counts: on a visit for a deal, each person's buying role, attitude and
influence on that deal (the deal's people), falling back to their card for someone not
on it; the red flags look at the deal's people when it has any, else at the account's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from kamdesk.domain.briefing import HIGH_INFLUENCE, PersonFacts, RedFlag, RedFlagKind, red_flags
from kamdesk.domain.visits import in_zone, is_overdue
from kamdesk.domain.vocabulary import Attitude, BuyingRole, Level
from kamdesk.errors import NotFoundError
from kamdesk.i18n import _, current_language
from kamdesk.kinds import KINDS, kind
from kamdesk.reports.data import Branding
from kamdesk.reports.visit_data import (
    BriefingDeal,
    BriefingFollowUp,
    BriefingPerson,
    BriefingQuestion,
    PastVisit,
    VisitBriefing,
)
from kamdesk.store import visit_exports as reads
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader, RecordRow, StakeholderRow
from kamdesk.store.visits import last_contacted, open_follow_ups

#: What a card lists under "needs", most pressing first.
_NEEDS = ("needs_business", "needs_strategic", "needs_personal", "needs_basic")


def visit_briefing_data(
    book: Book, visit_id: str, *, now: dt.datetime | None = None
) -> VisitBriefing:
    """The briefing of one visit, in the current language (NotFoundError if it is gone)."""
    now = now or dt.datetime.now(dt.UTC)
    db = book.db
    visit = reads.visit_record(db, visit_id.strip())
    if visit is None:
        raise NotFoundError(_("No visit with the id {id} in this book.").format(id=visit_id))
    reader = BookReader(db)
    account = reader.account(visit.account_id)
    if account is None:  # visit_record reads visits of live accounts only
        raise NotFoundError(_("This account no longer exists."))
    language = current_language().code
    vocabulary = reader.vocabulary()

    def label(list_name: str, code: object) -> str:
        for term in vocabulary.get(list_name, []):
            if term.code == code:
                return term.label(language)
        return str(code or "")

    members = {m.id: m.name for m in reader.team_members()}
    people = {s.id: s for s in reader.stakeholders(visit.account_id)}
    on_deal = reads.deal_people(db, visit.opportunity_id) if visit.opportunity_id else {}
    # Contacts before this visit: a briefing read after the visit began does not count the
    # visit itself as its attendees' last contact.
    before = min(now, visit.starts_at - dt.timedelta(microseconds=1))
    contacted = last_contacted(db, visit.account_id, before)
    today = in_zone(now, visit.time_zone).date()

    def on_this_deal(person: StakeholderRow) -> dict[str, Any]:
        """The person's role, attitude and influence on the visit's deal, else their card's."""
        values = {name: person.values[name] for name in ("buying_role", "attitude", "influence")}
        for name, value in on_deal.get(person.id, {}).items():
            if value not in ("", None):
                values[name] = value
        return values

    attendee_ids = [p.id for p in reads.attendees(db, [visit.id])[visit.id]]
    cards = sorted(
        (people[i] for i in attendee_ids if i in people),
        key=lambda p: _importance(p, on_this_deal(p)),
    )
    attendees = tuple(
        _card(person, on_this_deal(person), label, members, contacted.get(person.id), visit)
        for person in cards
    )
    in_play = [people[i] for i in on_deal if i in people] or list(people.values())
    flags = red_flags(
        PersonFacts(
            name=person.name,
            buying_role=str(on_this_deal(person)["buying_role"] or ""),
            attitude=str(on_this_deal(person)["attitude"] or ""),
            influence=on_this_deal(person)["influence"],
            covered=any(m in members for m in person.covered_by),
            contacted=person.id in contacted,
        )
        for person in in_play
    )
    previous = reads.previous_visit(db, visit)
    return VisitBriefing(
        account_name=visit.account_name,
        title=visit.title,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        generated_on=today,
        time_zone=visit.time_zone,
        place=visit.place,
        deal_name=visit.deal_name,
        tier=str(account["tier"] or ""),
        lifecycle_stage=label("lifecycle_stage", account["lifecycle_stage"]),
        industry=label("industry", account["industry"]),
        owner=members.get(str(account["owner_id"]), ""),
        currency=str(account["currency"]),
        annual_revenue_minor=account["annual_revenue_minor"],
        potential_revenue_minor=account["potential_revenue_minor"],
        attendees=attendees,
        our_attendees=tuple(p.name for p in reads.team(db, [visit.id])[visit.id]),
        deals=_open_deals(reader, visit, label),
        last_visit=(
            PastVisit(
                previous.title,
                in_zone(previous.starts_at, previous.time_zone).date(),
                previous.outcome,
            )
            if previous is not None
            else None
        ),
        follow_ups=tuple(
            BriefingFollowUp(
                text=item.what,
                owner=item.owner_name,
                due=item.due,
                overdue=is_overdue(item.due, False, today),
            )
            for item in open_follow_ups(db, visit.account_id)
        ),
        objective=visit.objective,
        agenda=visit.agenda,
        value_first=visit.value_first,
        commitment_best=visit.commitment_best,
        commitment_minimum=visit.commitment_minimum,
        questions=tuple(
            BriefingQuestion(_question_text(q, language), label("question_type", q.question_type))
            for q in reads.questions(db, visit.id)
        ),
        red_flags=tuple(
            _flag_text(flag, for_deal=bool(visit.opportunity_id and on_deal)) for flag in flags
        ),
    )


def visit_briefing_pdf(book: Book, visit_id: str, branding: Branding) -> bytes:
    """The one-page pre-visit briefing PDF of one visit."""
    from kamdesk.reports.visit_briefing import build_visit_briefing

    return build_visit_briefing(visit_briefing_data(book, visit_id), branding)


def _importance(person: StakeholderRow, on_deal: Mapping[str, Any]) -> tuple[int, int, str]:
    """Where a card goes: the economic buyer and executives first, then by influence.

    A page too full for every card leaves out the last ones.
    """
    decides = on_deal["buying_role"] == BuyingRole.ECONOMIC_BUYER or (
        person.values["level"] == Level.EXECUTIVE
    )
    return (0 if decides else 1, -(on_deal["influence"] or 0), person.name)


def _card(
    person: StakeholderRow,
    on_deal: Mapping[str, Any],
    label: Any,
    members: Mapping[str, str],
    last: dt.datetime | None,
    visit: reads.VisitRecord,
) -> BriefingPerson:
    attitude = str(on_deal["attitude"] or "")
    return BriefingPerson(
        name=person.name,
        title=str(person.values["title"] or ""),
        role=label("buying_role", on_deal["buying_role"]),
        attitude=label("attitude", attitude),
        opposed=attitude == Attitude.OPPOSED,
        supportive=attitude == Attitude.SUPPORTIVE,
        influence=on_deal["influence"],
        needs=tuple(str(person.values[n]) for n in _NEEDS if str(person.values[n] or "").strip()),
        covered_by=tuple(members[m] for m in person.covered_by if m in members),
        last_contact=in_zone(last, visit.time_zone).date() if last is not None else None,
    )


def _open_deals(
    reader: BookReader, visit: reads.VisitRecord, label: Any
) -> tuple[BriefingDeal, ...]:
    """The account's open deals, the visit's own first."""
    deals = [
        row
        for row in reader.records_of(kind("opportunity"), visit.account_id)
        if row.values["status"] == "open"
    ]
    deals.sort(key=lambda row: row.id != visit.opportunity_id)
    progress = _progress(reader, deals)
    return tuple(
        BriefingDeal(
            name=str(row.values["name"]),
            stage=label("deal_stage", row.values["stage"]),
            amount_minor=row.values["amount_minor"],
            currency=str(row.values["currency"]),
            expected_close=row.values["expected_close"],
            probability=row.values["probability"],
            next_milestone=progress.get(row.id, ""),
            this_visit=row.id == visit.opportunity_id,
        )
        for row in deals
    )


def _progress(reader: BookReader, deals: Sequence[RecordRow]) -> dict[str, str]:
    """Each deal's next milestone ('' when none is waiting).

    Milestones are declared with their own revision: a book that has not got them yet
    has none to show.
    """
    if not deals or not any(k.name == "milestone" for k in KINDS):
        return {}
    from kamdesk.store.milestones import DealStage, deal_progress

    stages = [
        DealStage(row.id, str(row.values["stage_model"]), str(row.values["stage"])) for row in deals
    ]
    return {deal: found.next_milestone for deal, found in deal_progress(reader.db, stages).items()}


def _question_text(question: reads.QuestionRow, language: str) -> str:
    """The visit's own wording, else the bank's in the language (or the other one)."""
    if question.text.strip():
        return question.text
    first, second = (
        (question.text_zh, question.text_en)
        if language.startswith("zh")
        else (question.text_en, question.text_zh)
    )
    return first if first.strip() else second


def _flag_text(flag: RedFlag, *, for_deal: bool) -> str:
    """The red flag as one sentence."""
    if flag.kind is RedFlagKind.NO_ECONOMIC_BUYER:
        if for_deal:
            return _("No economic buyer among the people on this deal.")
        return _("No economic buyer on record at this account.")
    if flag.kind is RedFlagKind.ECONOMIC_BUYER_NOT_CONTACTED:
        return _(
            "No contact with the economic buyer ({names}): nobody of ours covers them, "
            "and they have attended no visit."
        ).format(names=", ".join(flag.names))
    if flag.kind is RedFlagKind.UNCOVERED_OPPONENT:
        return _(
            "{name} is opposed, with influence {influence} of 5, and nobody of ours covers them."
        ).format(name=", ".join(flag.names), influence=flag.influence or HIGH_INFLUENCE)
    return _("No coach: nobody at the account guides us from the inside.")

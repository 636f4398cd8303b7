"""The plain data a visit's calendar entry and its pre-visit briefing are built from.

As in :mod:`kamdesk.reports.data`, every text is already in the reader's language
(vocabulary codes resolved by the caller, in ``kamdesk.ops``), amounts are in minor units
with their currency, and times are aware: the builders never open the book.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CalendarAttendee:
    """Someone at a visit, as a calendar lists them."""

    name: str
    #: Their email when the book has one; a calendar can then link them to a contact.
    email: str = ""
    #: Job title (or our team role), shown beside the name in the description.
    title: str = ""
    #: On our side (a team member) rather than the customer's.
    ours: bool = False
    #: The record id, so an attendee with no email still has an address that stays the
    #: same from one export to the next.
    record_id: str = ""


@dataclass(frozen=True)
class CalendarVisit:
    """One visit as a calendar entry."""

    #: The visit's id: the calendar entry's UID is made from it.
    id: str
    title: str
    #: Aware datetimes (the book stores UTC).
    starts_at: dt.datetime
    ends_at: dt.datetime
    #: IANA name of the visit's time zone ("Asia/Shanghai"); empty means UTC.
    time_zone: str = ""
    account_name: str = ""
    deal_name: str = ""
    place: str = ""
    objective: str = ""
    agenda: str = ""
    value_first: str = ""
    commitment_best: str = ""
    commitment_minimum: str = ""
    attendees: tuple[CalendarAttendee, ...] = ()
    cancelled: bool = False
    #: Revision number of the entry (iCalendar SEQUENCE): higher after every change.
    sequence: int = 0
    #: When the visit was last changed, if known (iCalendar LAST-MODIFIED).
    last_modified: dt.datetime | None = None


@dataclass(frozen=True)
class BriefingPerson:
    """One customer attendee's card on the briefing."""

    name: str
    title: str = ""
    #: Buying role on this visit's deal (or on the person's card when there is no deal).
    role: str = ""
    attitude: str = ""
    #: Against us: the card is marked so it stands out.
    opposed: bool = False
    #: For us: the attitude is shown in green.
    supportive: bool = False
    #: 1 (little) to 5 (decisive); ``None`` when not assessed.
    influence: int | None = None
    #: What they need from us, most pressing first (business, personal…), one per item.
    needs: tuple[str, ...] = ()
    #: Who on our side covers them.
    covered_by: tuple[str, ...] = ()
    #: The day of the last visit they attended, if any.
    last_contact: dt.date | None = None


@dataclass(frozen=True)
class BriefingDeal:
    """One open deal at the account."""

    name: str
    stage: str = ""
    amount_minor: int | None = None
    currency: str = "CNY"
    expected_close: dt.date | None = None
    #: Percent, 0 to 100.
    probability: int | None = None
    #: The next thing the customer must decide (the first open milestone), if recorded.
    next_milestone: str = ""
    #: This visit is about this deal.
    this_visit: bool = False


@dataclass(frozen=True)
class BriefingFollowUp:
    """An open follow-up of an earlier visit."""

    text: str
    owner: str = ""
    due: dt.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class BriefingQuestion:
    """A question to ask, with its kind from the question bank (open, confirming…)."""

    text: str
    kind: str = ""


@dataclass(frozen=True)
class PastVisit:
    """The last visit before this one, and how it went."""

    title: str
    day: dt.date
    outcome: str = ""


@dataclass(frozen=True)
class VisitBriefing:
    """Everything the one-page pre-visit briefing shows."""

    account_name: str
    title: str
    #: Aware datetimes, shown in ``time_zone``.
    starts_at: dt.datetime
    ends_at: dt.datetime
    generated_on: dt.date
    time_zone: str = ""
    place: str = ""
    deal_name: str = ""
    tier: str = ""
    lifecycle_stage: str = ""
    industry: str = ""
    owner: str = ""
    currency: str = "CNY"
    annual_revenue_minor: int | None = None
    potential_revenue_minor: int | None = None
    attendees: tuple[BriefingPerson, ...] = ()
    #: Our people at the visit.
    our_attendees: tuple[str, ...] = ()
    deals: tuple[BriefingDeal, ...] = ()
    last_visit: PastVisit | None = None
    follow_ups: tuple[BriefingFollowUp, ...] = ()
    objective: str = ""
    agenda: str = ""
    value_first: str = ""
    commitment_best: str = ""
    commitment_minimum: str = ""
    questions: tuple[BriefingQuestion, ...] = ()
    #: Warnings, each one sentence, most serious first.
    red_flags: tuple[str, ...] = ()

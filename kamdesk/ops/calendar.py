"""Calendar export: one visit, or every visit from today on, written as an .ics file.

The builder (``kamdesk.reports.calendar``) takes plain data; this module reads the book
for it, in the UI's language, and writes the file whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kamdesk.errors import NotFoundError
from kamdesk.i18n import _
from kamdesk.ops.reports import save_file
from kamdesk.reports.visit_data import CalendarAttendee, CalendarVisit
from kamdesk.store import visit_exports as reads
from kamdesk.store.book import Book


def calendar_visits(
    book: Book, visit_id: str | None = None, *, today: dt.date | None = None
) -> list[CalendarVisit]:
    """The visit ``visit_id`` as calendar data, or every visit from ``today`` on.

    "From today on" starts at midnight of ``today`` (by default the computer's today) on
    the computer's clock, so this morning's visit is still exported this afternoon.
    Raises NotFoundError for an id that names no live visit.
    """
    if visit_id is not None:
        visit = reads.visit_record(book.db, visit_id.strip())
        if visit is None:
            raise NotFoundError(_("No visit with the id {id} in this book.").format(id=visit_id))
        visits = [visit]
    else:
        day = today or dt.date.today()
        midnight = dt.datetime.combine(day, dt.time()).astimezone()
        visits = reads.visits_from(book.db, midnight)
    ids = [visit.id for visit in visits]
    theirs = reads.attendees(book.db, ids)
    ours = reads.team(book.db, ids)
    return [
        CalendarVisit(
            id=visit.id,
            title=visit.title,
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            time_zone=visit.time_zone,
            account_name=visit.account_name,
            deal_name=visit.deal_name,
            place=visit.place,
            objective=visit.objective,
            agenda=visit.agenda,
            value_first=visit.value_first,
            commitment_best=visit.commitment_best,
            commitment_minimum=visit.commitment_minimum,
            attendees=(
                *(_attendee(person, ours=False) for person in theirs[visit.id]),
                *(_attendee(person, ours=True) for person in ours[visit.id]),
            ),
            cancelled=visit.status == "cancelled",
            sequence=reads.revision(book.db, visit.id),
            last_modified=visit.updated_at,
        )
        for visit in visits
    ]


def _attendee(person: reads.Participant, *, ours: bool) -> CalendarAttendee:
    return CalendarAttendee(
        name=person.name, email=person.email, title=person.title, ours=ours, record_id=person.id
    )


def export_calendar(
    book: Book, target: Path, visit_id: str | None = None, *, today: dt.date | None = None
) -> int:
    """Write the .ics file to ``target`` (whole or not at all); returns how many visits.

    Nothing is written when the visit does not exist or the folder cannot be written
    (KamdeskError, with a message saying which).
    """
    from kamdesk.reports.calendar import build_calendar

    visits = calendar_visits(book, visit_id, today=today)
    # The PDF writer writes any file atomically: a temporary name, then a rename.
    save_file(build_calendar(visits), target)
    return len(visits)

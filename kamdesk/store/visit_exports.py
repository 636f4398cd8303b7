"""Reads for a visit's calendar entry and its pre-visit briefing.

Plain sqlite3, like ``kamdesk.store.reader``: a briefing must be ready in well under a
second on a 10,000-account book, and the calendar export of every upcoming visit reads
one row per visit. Moments are stored in UTC (``kamdesk.models.visit``); only live
records of live accounts are read, and a deleted deal reads as no deal.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from typing import Final, NamedTuple

from kamdesk.store.visits import read_moment, stored_moment

#: The visit's columns a calendar entry shows: a logged change to one of them (or to
#: who attends) is a new revision of the entry.
CALENDAR_COLUMNS: Final = (
    "title",
    "starts_at",
    "ends_at",
    "time_zone",
    "place",
    "status",
    "objective",
    "agenda",
    "value_first",
    "commitment_best",
    "commitment_minimum",
    "opportunity_id",
    "deleted_at",
)
#: SQLite's default limit on bound parameters is 999 in older builds: stay well under.
_CHUNK: Final = 500


class VisitRecord(NamedTuple):
    """A live visit with its account's and its deal's names."""

    id: str
    account_id: str
    account_name: str
    #: None when the visit is for no deal, or its deal was deleted.
    opportunity_id: str | None
    deal_name: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    place: str
    status: str
    objective: str
    agenda: str
    value_first: str
    commitment_best: str
    commitment_minimum: str
    outcome: str
    updated_at: dt.datetime | None


class Participant(NamedTuple):
    """Someone at a visit: a stakeholder (theirs) or a team member (ours)."""

    id: str
    name: str
    title: str
    email: str


class PastVisitRow(NamedTuple):
    """An earlier visit of the account: what the briefing recalls of it."""

    title: str
    starts_at: dt.datetime
    time_zone: str
    outcome: str


class QuestionRow(NamedTuple):
    """A question to ask at a visit: its own text or the bank's, with the bank's kind."""

    text: str
    text_en: str
    text_zh: str
    question_type: str


_VISIT_SELECT: Final = (
    "SELECT v.id, v.account_id, a.name, o.id, COALESCE(o.name, ''), v.title, v.starts_at, "
    "v.ends_at, v.time_zone, v.place, v.status, v.objective, v.agenda, v.value_first, "
    "v.commitment_best, v.commitment_minimum, v.outcome, v.updated_at FROM visit v "
    "JOIN account a ON a.id = v.account_id AND a.deleted_at IS NULL "
    "LEFT JOIN opportunity o ON o.id = v.opportunity_id AND o.deleted_at IS NULL "
)


def _visit(row: Sequence[object]) -> VisitRecord:
    texts = [str(value or "") for value in row[8:17]]
    time_zone, place, status, objective, agenda, value_first, best, minimum, outcome = texts
    return VisitRecord(
        id=str(row[0]),
        account_id=str(row[1]),
        account_name=str(row[2]),
        opportunity_id=str(row[3]) if row[3] else None,
        deal_name=str(row[4]),
        title=str(row[5]),
        starts_at=read_moment(str(row[6])),
        ends_at=read_moment(str(row[7])),
        time_zone=time_zone,
        place=place,
        status=status,
        objective=objective,
        agenda=agenda,
        value_first=value_first,
        commitment_best=best,
        commitment_minimum=minimum,
        outcome=outcome,
        updated_at=_stamp(row[17]) if row[17] else None,
    )


def _stamp(raw: object) -> dt.datetime:
    """An ``updated_at`` as stored (naive UTC, or with an offset), aware."""
    moment = dt.datetime.fromisoformat(str(raw))
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def visit_record(db: sqlite3.Connection, visit_id: str) -> VisitRecord | None:
    """The live visit ``visit_id`` of a live account, or None."""
    row = db.execute(f"{_VISIT_SELECT}WHERE v.id = ? AND v.deleted_at IS NULL", (visit_id,))
    found = row.fetchone()
    return _visit(found) if found is not None else None


def visits_from(db: sqlite3.Connection, start: dt.datetime) -> list[VisitRecord]:
    """Every live visit of a live account starting at ``start`` or later, soonest first."""
    rows = db.execute(
        f"{_VISIT_SELECT}WHERE v.starts_at >= ? AND v.deleted_at IS NULL "
        "ORDER BY v.starts_at, v.id",
        (stored_moment(start),),
    )
    return [_visit(row) for row in rows]


def _by_visit(
    db: sqlite3.Connection, sql: str, visit_ids: Sequence[str]
) -> dict[str, list[Participant]]:
    found: dict[str, list[Participant]] = {visit_id: [] for visit_id in visit_ids}
    for start in range(0, len(visit_ids), _CHUNK):
        chunk = list(visit_ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        for visit_id, *person in db.execute(sql.format(marks=marks), chunk):
            found[visit_id].append(Participant(*(str(value or "") for value in person)))
    return found


def attendees(db: sqlite3.Connection, visit_ids: Sequence[str]) -> dict[str, list[Participant]]:
    """The customer's live people at each visit, by name."""
    return _by_visit(
        db,
        "SELECT l.visit_id, s.id, s.name, s.title, s.email FROM visit_attendee l "
        "JOIN stakeholder s ON s.id = l.stakeholder_id AND s.deleted_at IS NULL "
        "WHERE l.deleted_at IS NULL AND l.visit_id IN ({marks}) ORDER BY s.name, s.id",
        visit_ids,
    )


def team(db: sqlite3.Connection, visit_ids: Sequence[str]) -> dict[str, list[Participant]]:
    """Our live team members at each visit, by name."""
    return _by_visit(
        db,
        "SELECT l.visit_id, m.id, m.name, m.title, m.email FROM visit_team_member l "
        "JOIN team_member m ON m.id = l.team_member_id AND m.deleted_at IS NULL "
        "WHERE l.deleted_at IS NULL AND l.visit_id IN ({marks}) ORDER BY m.name, m.id",
        visit_ids,
    )


def revision(db: sqlite3.Connection, visit_id: str) -> int:
    """How many changes the change log has had to what the visit's calendar entry shows.

    The count of logged entries for the visit's :data:`CALENDAR_COLUMNS` and for its
    attendee rows (both sides): every save that changes one of them adds at least one
    entry, so the count rises with each change and stays put for an export with none
    between. The entries are the ones sync carries, so two devices that have synced give
    the same number (``updated_at`` would not: each device stamps its own). Counted from
    each field's tally of writes (``field_clock.writes``), which compacting the log
    leaves as it was, so a calendar never takes a later export as older.
    """
    from kamdesk.store.changelog import pack_row_id

    def writes(table: str, columns: Sequence[str] | None, row_ids: Sequence[str]) -> int:
        if not row_ids:
            return 0
        named = ""
        if columns is not None:
            named = f" AND c.column_name IN ({', '.join('?' * len(columns))})"
        # By field key: each row's few columns, never a scan of the book's clocks.
        (count,) = db.execute(
            "SELECT COALESCE(SUM(f.writes), 0) FROM sync_column c CROSS JOIN field_clock f "
            f"ON f.column_idx = c.idx WHERE c.table_name = ?{named} "
            f"AND f.row_id IN ({', '.join('?' * len(row_ids))})",
            (table, *(columns or ()), *(pack_row_id(r) for r in row_ids)),
        ).fetchone()
        return int(count)

    links = 0
    for table in ("visit_attendee", "visit_team_member"):
        ids = [r[0] for r in db.execute(f"SELECT id FROM {table} WHERE visit_id = ?", (visit_id,))]
        links += writes(table, None, ids)
    return writes("visit", CALENDAR_COLUMNS, [visit_id]) + links


def previous_visit(db: sqlite3.Connection, visit: VisitRecord) -> PastVisitRow | None:
    """The account's last visit (not cancelled) that started before ``visit``."""
    row = db.execute(
        "SELECT title, starts_at, time_zone, outcome FROM visit "
        "WHERE account_id = ? AND deleted_at IS NULL AND status != 'cancelled' "
        "AND starts_at < ? AND id != ? ORDER BY starts_at DESC, id DESC LIMIT 1",
        (visit.account_id, stored_moment(visit.starts_at), visit.id),
    ).fetchone()
    if row is None:
        return None
    return PastVisitRow(str(row[0]), read_moment(str(row[1])), str(row[2]), str(row[3] or ""))


def questions(db: sqlite3.Connection, visit_id: str) -> list[QuestionRow]:
    """The visit's questions, in the order they were added."""
    rows = db.execute(
        "SELECT vq.text, COALESCE(q.text_en, ''), COALESCE(q.text_zh, ''), "
        "COALESCE(q.question_type, '') FROM visit_question vq "
        "LEFT JOIN question q ON q.id = vq.question_id AND q.deleted_at IS NULL "
        "WHERE vq.visit_id = ? AND vq.deleted_at IS NULL ORDER BY vq.created_at, vq.id",
        (visit_id,),
    )
    return [QuestionRow(*(str(value or "") for value in row)) for row in rows]


def deal_people(db: sqlite3.Connection, deal_id: str) -> dict[str, dict[str, object]]:
    """Each live person on the deal: their role, attitude and influence on it, by person."""
    rows = db.execute(
        "SELECT p.stakeholder_id, p.buying_role, p.attitude, p.influence FROM deal_person p "
        "JOIN stakeholder s ON s.id = p.stakeholder_id AND s.deleted_at IS NULL "
        "WHERE p.opportunity_id = ? AND p.deleted_at IS NULL",
        (deal_id,),
    )
    return {
        str(person): {"buying_role": role or "", "attitude": attitude or "", "influence": influence}
        for person, role, attitude, influence in rows
    }

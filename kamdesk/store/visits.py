"""Reads of visits across accounts: a week's visits, open follow-ups, last contacts.

Plain sqlite3, like ``kamdesk.store.reader``: the week view opens on a 10,000-account
book with about ten visits an account, so each day is one range scan of
``ix_visit_starts_at``; the account list asks which of the accounts it shows have an
overdue follow-up of ``ix_follow_up_open``. The visits are read first and their accounts
looked up (``CROSS JOIN`` keeps that order: left to itself, the planner walks every live
account, 30 times slower). Moments are stored in UTC as ``YYYY-MM-DD HH:MM:SS.ffffff``
text (``kamdesk.models.visit``) and compared as such.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple


def stored_moment(moment: dt.datetime) -> str:
    """``moment`` as the book stores it (UTC, no offset), for comparisons in SQL."""
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S.%f}"


def read_moment(raw: str) -> dt.datetime:
    """A stored moment, aware (UTC)."""
    return dt.datetime.fromisoformat(raw).replace(tzinfo=dt.UTC)


class VisitLine(NamedTuple):
    """A visit as the week view and ``kamdesk visits`` list it."""

    id: str
    account_id: str
    account_name: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    status: str
    place: str


class FollowUpLine(NamedTuple):
    """An open follow-up of an account, with its visit and owner."""

    id: str
    visit_id: str
    visit_title: str
    what: str
    owner_name: str
    due: dt.date | None


def visits_between(
    db: sqlite3.Connection, start: dt.datetime, end: dt.datetime | None = None
) -> list[VisitLine]:
    """Live visits of live accounts starting in [start, end) (no end: from ``start`` on)."""
    params: list[str] = [stored_moment(start)]
    until = ""
    if end is not None:
        until = "AND v.starts_at < ? "
        params.append(stored_moment(end))
    rows = db.execute(
        "SELECT v.id, v.account_id, a.name, v.title, v.starts_at, v.ends_at, v.time_zone, "
        "v.status, v.place FROM visit v "
        "CROSS JOIN account a ON a.id = v.account_id AND a.deleted_at IS NULL "
        f"WHERE v.starts_at >= ? {until}AND v.deleted_at IS NULL "
        "ORDER BY v.starts_at, v.id",
        params,
    )
    return [
        VisitLine(r[0], r[1], r[2], r[3], read_moment(r[4]), read_moment(r[5]), *r[6:])
        for r in rows
    ]


def visits_in(
    db: sqlite3.Connection, start: dt.datetime, end: dt.datetime, limit: int
) -> tuple[list[VisitLine], int]:
    """The first ``limit`` live visits starting in [start, end), and how many there are.

    A day of a 10,000-account book can hold hundreds of visits: the week view lists the
    first of each day and says how many more, so opening it reads a few hundred rows.
    """
    params = (stored_moment(start), stored_moment(end))
    live = (
        "FROM visit v CROSS JOIN account a ON a.id = v.account_id AND a.deleted_at IS NULL "
        "WHERE v.starts_at >= ? AND v.starts_at < ? AND v.deleted_at IS NULL "
    )
    rows = db.execute(
        "SELECT v.id, v.account_id, a.name, v.title, v.starts_at, v.ends_at, v.time_zone, "
        f"v.status, v.place {live}ORDER BY v.starts_at, v.id LIMIT ?",
        (*params, limit),
    ).fetchall()
    lines = [
        VisitLine(r[0], r[1], r[2], r[3], read_moment(r[4]), read_moment(r[5]), *r[6:])
        for r in rows
    ]
    if len(lines) < limit:
        return lines, len(lines)
    return lines, int(db.execute(f"SELECT COUNT(*) {live}", params).fetchone()[0])


#: An open follow-up of a live visit, due before the day given.
_OVERDUE = (
    "SELECT 1 FROM follow_up f JOIN visit v ON v.id = f.visit_id AND v.deleted_at IS NULL "
    "WHERE f.account_id = ? AND f.done = 0 AND f.due < ? AND f.deleted_at IS NULL LIMIT 1"
)


def overdue_accounts(db: sqlite3.Connection, ids: Sequence[str], today: dt.date) -> set[str]:
    """Which of ``ids`` have an overdue follow-up (one index probe per account)."""
    day = today.isoformat()
    return {i for i in ids if db.execute(_OVERDUE, (i, day)).fetchone() is not None}


def open_follow_ups(db: sqlite3.Connection, account_id: str) -> list[FollowUpLine]:
    """The account's follow-ups not done yet, of its live visits, soonest due first."""
    rows = db.execute(
        "SELECT f.id, f.visit_id, v.title, f.what, COALESCE(m.name, ''), f.due "
        "FROM follow_up f JOIN visit v ON v.id = f.visit_id AND v.deleted_at IS NULL "
        "LEFT JOIN team_member m ON m.id = f.owner_id AND m.deleted_at IS NULL "
        "WHERE f.account_id = ? AND f.done = 0 AND f.deleted_at IS NULL "
        "ORDER BY f.due IS NULL, f.due, f.what, f.id",
        (account_id,),
    )
    return [
        FollowUpLine(r[0], r[1], r[2], r[3], r[4], dt.date.fromisoformat(r[5]) if r[5] else None)
        for r in rows
    ]


def last_contacted(
    db: sqlite3.Connection, account_id: str, now: dt.datetime
) -> dict[str, dt.datetime]:
    """When each stakeholder of the account last attended a visit (not cancelled, begun)."""
    rows = db.execute(
        "SELECT l.stakeholder_id, MAX(v.starts_at) FROM visit v "
        "JOIN visit_attendee l ON l.visit_id = v.id AND l.deleted_at IS NULL "
        "WHERE v.account_id = ? AND v.deleted_at IS NULL AND v.status != 'cancelled' "
        "AND v.starts_at <= ? GROUP BY l.stakeholder_id",
        (account_id, stored_moment(now)),
    )
    return {person: read_moment(moment) for person, moment in rows}

"""Visits in time: wall-clock times in a time zone, weeks, and overdue follow-ups.

A visit is stored as two moments in UTC with the name of the time zone it was planned in
(``Asia/Shanghai``), so it is shown at the wall-clock times the rep typed, whatever the
offset of that day: a visit on the Monday after the clocks go forward in Berlin still
starts at 09:00, now at +02:00. A wall-clock time the clocks skip (02:30 on the night
they go forward) names no moment, and is refused rather than silently moved.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC


class NonexistentTimeError(ValueError):
    """A wall-clock time that the clocks skip in its time zone (a daylight-saving gap)."""


@cache
def zone(name: str) -> ZoneInfo | None:
    """The time zone called ``name``, or None if there is no such zone."""
    if not name or name != name.strip() or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def local_zone_name() -> str:
    """The IANA name of this computer's time zone ("UTC" when it cannot be told).

    Read from ``TZ`` or the ``/etc/localtime`` link, which costs no zone database load,
    so a new visit's form starts in the user's own zone.
    """
    name = os.environ.get("TZ", "").lstrip(":")
    if name and zone(name) is not None:
        return name
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return "UTC"
    marker = "zoneinfo/"
    if marker in target:
        name = target.split(marker, 1)[1]
        if zone(name) is not None:
            return name
    return "UTC"


def to_utc(wall: dt.datetime, zone_name: str) -> dt.datetime:
    """The moment of wall-clock time ``wall`` (naive) in ``zone_name``, in UTC.

    Raises NonexistentTimeError for a time the clocks skip, ValueError for an unknown
    zone. A time the clocks pass twice (when they go back) is its first passing.
    """
    tz = zone(zone_name)
    if tz is None:
        raise ValueError(zone_name)
    local = wall.replace(tzinfo=tz, fold=0)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise NonexistentTimeError(zone_name)
    return moment


def in_zone(moment: dt.datetime, zone_name: str) -> dt.datetime:
    """``moment`` (aware) as the wall-clock time of ``zone_name`` (aware, with its offset).

    An unknown zone shows UTC, so a visit synced from a device that knows more zones is
    still shown, at a time that is right.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(zone_name) or UTC)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def is_overdue(due: dt.date | None, done: bool, today: dt.date) -> bool:
    """True for an open follow-up whose due date has passed."""
    return not done and due is not None and due < today

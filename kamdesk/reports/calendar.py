"""Visits as an iCalendar file (.ics) that Outlook, Google and Apple calendars import.

Plain data in (:class:`~kamdesk.reports.visit_data.CalendarVisit`), file bytes out; the
file is written with the ``icalendar`` library, which also folds long lines and escapes
text as RFC 5545 asks. What makes a re-export update the entries a calendar already has,
rather than add them a second time:

- each entry's UID is made from the visit's id alone (:func:`visit_uid`), so it is the
  same in every export, from any device;
- SEQUENCE is the visit's revision number, which the caller derives from the book so that
  it is higher after every change (see ``kamdesk.ops.calendar``): a calendar takes an
  entry with the same UID and a higher SEQUENCE as the newer version.

Times are written in the visit's own time zone (``DTSTART;TZID=Asia/Shanghai:…``) with a
VTIMEZONE for each zone used: Outlook ignores a TZID it finds no VTIMEZONE for and reads
the time as its own local time. It also ignores the RDATE lists ``icalendar`` writes zone
rules as, so :func:`zone_component` writes them as Outlook and Google do themselves: one
STANDARD and one DAYLIGHT part, each with a yearly rule ("last Sunday of March at 02:00"),
worked out from the zone data and checked against every change in the years around the
visits. Only a zone whose changes follow no such rule (or changed their rule in those
years) gets each change written out. Texts are in the UI's language.
"""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
)

from kamdesk import APP_NAME
from kamdesk.i18n import _, current_language
from kamdesk.reports.visit_data import CalendarAttendee, CalendarVisit

#: The right-hand part of every UID: the visit id is unique on its own, the domain part
#: only keeps our UIDs apart from those of other programs, as RFC 5545 suggests.
UID_DOMAIN: Final = "visit.kamdesk"
#: Years before the first visit and after the last whose zone rules are checked (and, for
#: a zone with no yearly rule, written). Older history (China's daylight saving of
#: 1986–1991) is left out: it only gets in the way of Outlook's reading of the zone.
_ZONE_MARGIN_YEARS: Final = 2
_UTC_NAMES: Final = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"})
_WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def visit_uid(visit_id: str) -> str:
    """The calendar UID of a visit: the same for every export of it, from any device."""
    return f"{visit_id}@{UID_DOMAIN}"


def build_calendar(visits: Sequence[CalendarVisit], *, stamp: dt.datetime | None = None) -> bytes:
    """``visits`` as the bytes of one .ics file (UTF-8, CRLF line ends, lines folded).

    ``stamp`` is the moment of the export (DTSTAMP), by default now; pass a fixed one for
    output that is the same from one run to the next.
    """
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", f"-//{APP_NAME}//{APP_NAME} visits//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("{app} visits").format(app=APP_NAME))
    if visits:
        first_year = min(visit.starts_at for visit in visits).year - _ZONE_MARGIN_YEARS
        last_year = max(visit.ends_at for visit in visits).year + _ZONE_MARGIN_YEARS
        zones = {key for visit in visits if (key := _zone_key(_zone(visit.time_zone)))}
        for name in sorted(zones):
            calendar.add_component(zone_component(name, first_year, last_year))
    for visit in visits:
        calendar.add_component(_event(visit, stamp))
    data: bytes = calendar.to_ical()
    return data


def _event(visit: CalendarVisit, stamp: dt.datetime) -> Event:
    """The VEVENT of one visit."""
    zone = _zone(visit.time_zone)
    language = current_language().locale.replace("_Hans", "").replace("_", "-")
    event = Event()
    event.add("uid", visit_uid(visit.id))
    event.add("dtstamp", stamp)
    event.add("sequence", max(0, visit.sequence))
    if visit.last_modified is not None:
        event.add("last-modified", visit.last_modified.astimezone(dt.UTC))
    event.add("dtstart", visit.starts_at.astimezone(zone))
    event.add("dtend", visit.ends_at.astimezone(zone))
    event.add("summary", _summary(visit), parameters={"LANGUAGE": language})
    if visit.place.strip():
        event.add("location", visit.place.strip(), parameters={"LANGUAGE": language})
    event.add("description", description(visit), parameters={"LANGUAGE": language})
    event.add("status", "CANCELLED" if visit.cancelled else "CONFIRMED")
    for attendee in visit.attendees:
        address = _address(attendee)
        if address is not None:
            event.add("attendee", address)
    return event


def _zone(name: str) -> dt.tzinfo:
    """The visit's time zone, or UTC when it has none the computer knows."""
    if not name.strip():
        return dt.UTC
    try:
        zone = ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        # A name synced from a computer with newer zone data: UTC keeps the instant right.
        return dt.UTC
    # Times in UTC are written as such ("…Z"), with no VTIMEZONE to go with them.
    return dt.UTC if zone.key in _UTC_NAMES else zone


def _zone_key(zone: dt.tzinfo) -> str | None:
    """The IANA name a VTIMEZONE is written for; ``None`` for UTC, which needs none."""
    return zone.key if isinstance(zone, ZoneInfo) else None


class _Transition(NamedTuple):
    """A change of a zone's offset, as the zone's wall clock read just before it."""

    local: dt.datetime
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    is_dst: bool


def zone_component(name: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of the zone ``name``, right for every moment of those years.

    A zone without daylight saving then is one STANDARD part with its offset. A zone with
    two changes a year on the same weekday rule each year is a STANDARD and a DAYLIGHT
    part with a yearly RRULE, the form Outlook reads. Any other zone (Israel's "Friday
    before the last Sunday") gets a part per change, exact for every calendar that follows
    RFC 5545.
    """
    zone = ZoneInfo(name)
    changes = [
        change for year in range(first_year, last_year + 1) for change in _transitions(zone, year)
    ]
    component = Timezone()
    component.add("tzid", name)
    rules = _yearly_rules(changes, first_year, last_year)
    if rules is not None:
        for change, byday in rules:
            part = _part(change)
            part.add("rrule", {"freq": "yearly", "bymonth": change.local.month, "byday": byday})
            component.add_component(part)
        return component
    # No change at all, or no yearly rule: the offset of the first year, then each change
    # as a part of its own (no RDATE lists, which Outlook and some parsers misread).
    moment = dt.datetime(first_year, 1, 1, tzinfo=zone)
    offset = moment.utcoffset() or dt.timedelta()
    start = dt.datetime(1970, 1, 1) if not changes else moment.replace(tzinfo=None)
    component.add_component(
        _part(_Transition(start, offset, offset, moment.tzname() or name, bool(moment.dst())))
    )
    for change in changes:
        component.add_component(_part(change))
    return component


def _part(change: _Transition) -> TimezoneStandard | TimezoneDaylight:
    """A STANDARD or DAYLIGHT part starting with ``change``."""
    part = TimezoneDaylight() if change.is_dst else TimezoneStandard()
    part.add("dtstart", change.local)
    part.add("tzoffsetfrom", change.offset_from)
    part.add("tzoffsetto", change.offset_to)
    part.add("tzname", change.name)
    return part


def _transitions(zone: ZoneInfo, year: int) -> list[_Transition]:
    """The offset changes of ``zone`` in ``year``: days first, then the exact minute."""
    day = dt.timedelta(days=1)
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    changes: list[_Transition] = []
    moment = start
    while moment.year == year:
        after = moment + day
        if _offset(moment, zone) != _offset(after, zone):
            low, high = moment, after
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset(middle, zone) == _offset(low, zone):
                    low = middle
                else:
                    high = middle
            instant = high.replace(second=0, microsecond=0)
            before, now = _offset(instant - dt.timedelta(minutes=1), zone), _offset(instant, zone)
            local = instant.astimezone(zone)
            changes.append(
                _Transition(
                    local=(instant + before).replace(tzinfo=None),
                    offset_from=before,
                    offset_to=now,
                    name=local.tzname() or "",
                    is_dst=bool(local.dst()),
                )
            )
        moment = after
    return changes


def _offset(moment: dt.datetime, zone: ZoneInfo) -> dt.timedelta:
    return moment.astimezone(zone).utcoffset() or dt.timedelta()


def _yearly_rules(
    changes: list[_Transition], first_year: int, last_year: int
) -> list[tuple[_Transition, str]] | None:
    """The two yearly rules (first change, BYDAY) the ``changes`` follow, or ``None``.

    Each year must have one change into daylight saving and one out of it, in the same
    month, at the same time of day, with the same offsets, on the same n-th (or last)
    weekday of the month.
    """
    years = range(first_year, last_year + 1)
    if len(changes) != 2 * len(years):
        return None
    rules: list[tuple[_Transition, str]] = []
    for kind in (True, False):
        same = [c for c in changes if c.is_dst is kind]
        if [c.local.year for c in same] != list(years):
            return None
        first = same[0]

        def shape(change: _Transition) -> tuple[object, ...]:
            local = change.local
            return (
                local.month,
                local.time(),
                local.weekday(),
                change.offset_from,
                change.offset_to,
            )

        if any(shape(c) != shape(first) for c in same):
            return None
        shared = set.intersection(*(_weekday_rules(c.local) for c in same))
        if not shared:
            return None
        # "Last Sunday" rather than "fourth Sunday" where both hold: what the zone means.
        rules.append((first, min(shared, key=lambda rule: not rule.startswith("-"))))
    return rules


def _weekday_rules(moment: dt.datetime) -> set[str]:
    """The BYDAY values ``moment``'s date is: ``{"4SU", "-1SU"}`` for March 29, 2026."""
    weekday = _WEEKDAYS[moment.weekday()]
    rules = {f"{(moment.day - 1) // 7 + 1}{weekday}"}
    days_in_month = calendar_module.monthrange(moment.year, moment.month)[1]
    if moment.day + 7 > days_in_month:
        rules.add(f"-1{weekday}")
    return rules


def _summary(visit: CalendarVisit) -> str:
    """What a calendar's week view shows: the title, with the account unless it names it."""
    title = " ".join(visit.title.split())
    account = " ".join(visit.account_name.split())
    if not title:
        return _("Visit: {account}").format(account=account) if account else _("Visit")
    if account and account not in title:
        return f"{account} · {title}"
    return title


def description(visit: CalendarVisit) -> str:
    """The entry's notes: the objective and agenda first, then what else a rep needs.

    Plain text (calendars show DESCRIPTION as typed), one section per paragraph, headed
    in the UI's language.
    """
    sections: list[tuple[str, str]] = [
        (_("Objective"), visit.objective),
        (_("Agenda"), visit.agenda),
        (_("Value to bring first"), visit.value_first),
        (_("Best commitment sought"), visit.commitment_best),
        (_("Minimum acceptable commitment"), visit.commitment_minimum),
        (_("Account"), visit.account_name),
        (_("Deal"), visit.deal_name),
        (_("Attendees"), _people(a for a in visit.attendees if not a.ours)),
        (_("Our team"), _people(a for a in visit.attendees if a.ours)),
    ]
    return "\n\n".join(f"{heading}:\n{text.strip()}" for heading, text in sections if text.strip())


def _people(attendees: Iterable[CalendarAttendee]) -> str:
    """One line per person: "王磊, CIO"."""
    return "\n".join(
        ", ".join(part for part in (a.name.strip(), a.title.strip()) if part)
        for a in attendees
        if a.name.strip()
    )


def _address(attendee: CalendarAttendee) -> vCalAddress | None:
    """The ATTENDEE value: their email, or a URN of their record when the book has none.

    A calendar address must be a URI; ``urn:uuid:`` keeps a person with no email on the
    entry with their name (and the same address in every export). Without either the
    person is only named in the description.
    """
    if attendee.email.strip():
        address = vCalAddress(f"mailto:{attendee.email.strip()}")
    elif _is_uuid(attendee.record_id):
        address = vCalAddress(f"urn:uuid:{attendee.record_id}")
    else:
        return None
    if attendee.name.strip():
        address.params["CN"] = attendee.name.strip()
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    return address


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True

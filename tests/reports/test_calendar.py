"""The .ics export, read back by vobject: a calendar parser other than the library that wrote it.

vobject builds each time zone from the file's own VTIMEZONE, so these tests also check
that the zone rules we write give the right offsets (what Outlook relies on).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from visit_book import SHANGHAI, at, make_visit_book, needs_visits

from kamdesk.errors import NotFoundError
from kamdesk.i18n import _, set_language
from kamdesk.kinds import kind
from kamdesk.ops.calendar import calendar_visits, export_calendar
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.reports.calendar import build_calendar
from kamdesk.reports.visit_data import CalendarAttendee, CalendarVisit
from kamdesk.store.book import Book

VISIT_ID = "7d0c9a52-1f7e-4a43-9a55-0d6c2b6a9e01"
WANG_ID = "0b8f4a0e-55aa-4c3c-8a3e-6e2f1f0f2a11"
LI_ID = "c1d7e5b2-9f40-4f6e-b7a1-2a9d3e4f5a22"


def make_visit(**changes: Any) -> CalendarVisit:
    fields: dict[str, Any] = {
        "id": VISIT_ID,
        "title": "MES 二期方案评审",
        # 09:30–11:00 in Shanghai.
        "starts_at": dt.datetime(2026, 12, 3, 1, 30, tzinfo=dt.UTC),
        "ends_at": dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC),
        "time_zone": "Asia/Shanghai",
        "account_name": "华东制造集团",
        "deal_name": "MES 二期扩容",
        "place": "苏州工业园区星湖街 328 号, 3F; meeting room 2",
        "objective": "确认试点范围; get the CIO to name a project owner",
        "agenda": "1. 回顾上次会议\n2. Demo, 15 min\n3. 下一步",
        "value_first": "汽车行业参考案例",
        "commitment_best": "CIO 签署试点立项",
        "commitment_minimum": "安排技术交流会",
        "attendees": (
            CalendarAttendee("王磊", "wang.lei@example.cn", "CIO", record_id=WANG_ID),
            CalendarAttendee("李娜", "", "采购经理", record_id=LI_ID),
            CalendarAttendee("Anna Berg", "anna@vista.example", "Account manager", ours=True),
        ),
        "sequence": 2,
    }
    fields.update(changes)
    return CalendarVisit(**fields)


def read_back(data: bytes) -> Any:
    return vobject.readOne(data.decode("utf-8"))


def events(calendar: Any) -> list[Any]:
    return list(getattr(calendar, "vevent_list", []))


def zone_ids(calendar: Any) -> set[str]:
    return {zone.tzid.value for zone in getattr(calendar, "vtimezone_list", [])}


def test_times_read_back_in_the_visits_own_time_zone() -> None:
    visit = make_visit()

    calendar = read_back(build_calendar([visit]))

    (event,) = events(calendar)
    start, end = event.dtstart.value, event.dtend.value
    assert start == visit.starts_at and end == visit.ends_at
    # Written as Shanghai wall-clock time, with the zone's rules in the file.
    assert (start.hour, start.minute) == (9, 30)
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert "Asia/Shanghai" in zone_ids(calendar)


def test_each_zone_has_its_vtimezone_and_summer_and_winter_offsets_are_right() -> None:
    winter = make_visit(
        id="a0000000-0000-4000-8000-000000000001",
        starts_at=dt.datetime(2027, 1, 14, 9, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 1, 14, 10, 0, tzinfo=dt.UTC),
        time_zone="Europe/Berlin",
    )
    summer = make_visit(
        id="a0000000-0000-4000-8000-000000000002",
        starts_at=dt.datetime(2027, 7, 14, 9, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 7, 14, 10, 0, tzinfo=dt.UTC),
        time_zone="Europe/Berlin",
    )
    shanghai = make_visit(id="a0000000-0000-4000-8000-000000000003")

    calendar = read_back(build_calendar([winter, summer, shanghai]))

    assert zone_ids(calendar) == {"Europe/Berlin", "Asia/Shanghai"}
    by_uid = {event.uid.value: event for event in events(calendar)}
    assert len(by_uid) == 3
    read_winter, read_summer = (
        by_uid[f"{v.id}@visit.kamdesk"].dtstart.value for v in (winter, summer)
    )
    assert read_winter == winter.starts_at and read_winter.hour == 10
    assert read_summer == summer.starts_at and read_summer.hour == 11
    assert read_winter.utcoffset() == dt.timedelta(hours=1)
    assert read_summer.utcoffset() == dt.timedelta(hours=2)


def test_a_visit_across_a_daylight_saving_change_keeps_its_length() -> None:
    # 01:30 summer time to 04:00 winter time in Berlin on the night the clocks go back:
    # three and a half hours, though the wall clock shows two and a half.
    visit = make_visit(
        starts_at=dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 10, 25, 3, 0, tzinfo=dt.UTC),
        time_zone="Europe/Berlin",
    )

    (event,) = events(read_back(build_calendar([visit])))

    assert event.dtstart.value == visit.starts_at
    assert event.dtend.value == visit.ends_at
    length = event.dtend.value.astimezone(dt.UTC) - event.dtstart.value.astimezone(dt.UTC)
    assert length == dt.timedelta(hours=3, minutes=30)
    assert (event.dtstart.value.hour, event.dtend.value.hour) == (1, 4)


def test_a_time_zone_the_computer_does_not_know_keeps_the_moment_in_utc() -> None:
    visit = make_visit(time_zone="Mars/Olympus_Mons")

    (event,) = events(read_back(build_calendar([visit])))

    assert event.dtstart.value == visit.starts_at
    assert event.dtstart.value.utcoffset() == dt.timedelta(0)


def test_the_uid_is_the_same_in_every_export_and_differs_between_visits() -> None:
    first = read_back(build_calendar([make_visit()], stamp=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)))
    again = read_back(
        build_calendar(
            [make_visit(title="MES 二期方案评审（改期）", sequence=3)],
            stamp=dt.datetime(2026, 12, 2, tzinfo=dt.UTC),
        )
    )
    other = read_back(build_calendar([make_visit(id="b6f4c1d2-0000-4000-8000-000000000009")]))

    (uid,) = (event.uid.value for event in events(first))
    assert [event.uid.value for event in events(again)] == [uid]
    assert [event.uid.value for event in events(other)] != [uid]
    assert VISIT_ID in uid


def test_sequence_and_last_modified_are_written() -> None:
    changed = dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC)

    (event,) = events(read_back(build_calendar([make_visit(sequence=7, last_modified=changed)])))

    assert int(event.sequence.value) == 7
    assert event.last_modified.value == changed


def test_attendees_with_names_and_emails_where_the_book_has_them() -> None:
    (event,) = events(read_back(build_calendar([make_visit()])))

    attendees = {a.params["CN"][0]: a.value for a in event.attendee_list}
    assert attendees == {
        "王磊": "mailto:wang.lei@example.cn",
        # No email in the book: an address made from the person's record, the same each time.
        "李娜": f"urn:uuid:{LI_ID}",
        "Anna Berg": "mailto:anna@vista.example",
    }
    description = event.description.value
    assert "王磊, CIO" in description
    assert "李娜, 采购经理" in description
    assert "Anna Berg, Account manager" in description


def test_location_summary_and_description_round_trip_special_characters() -> None:
    visit = make_visit()

    (event,) = events(read_back(build_calendar([visit])))

    assert event.location.value == visit.place
    assert event.summary.value == "华东制造集团 · MES 二期方案评审"
    description = event.description.value
    objective_at = description.index(visit.objective)
    agenda_at = description.index(visit.agenda)
    assert objective_at < agenda_at
    for text in (visit.value_first, visit.commitment_best, visit.commitment_minimum):
        assert text in description
    assert event.status.value == "CONFIRMED"


def test_a_cancelled_visit_is_marked_cancelled() -> None:
    (event,) = events(read_back(build_calendar([make_visit(cancelled=True)])))

    assert event.status.value == "CANCELLED"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_texts_are_in_the_language_of_the_ui(language: str) -> None:
    set_language(language)

    (event,) = events(read_back(build_calendar([make_visit()])))

    description = event.description.value
    for heading in ("Objective", "Agenda", "Attendees"):
        assert f"{_(heading)}:\n" in description
    expected = {"en": "en-US", "zh_CN": "zh-CN"}[language]
    assert event.description.params["LANGUAGE"] == [expected]
    assert event.summary.params["LANGUAGE"] == [expected]


def test_an_empty_export_is_still_a_calendar() -> None:
    calendar = read_back(build_calendar([]))

    assert events(calendar) == []
    assert calendar.version.value == "2.0"


@pytest.mark.parametrize(
    "zone",
    ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Jerusalem", "Asia/Kolkata"],
)
def test_every_visit_reads_back_at_its_moment_with_the_zones_offset_then(zone: str) -> None:
    # A visit at 10:00 local time on the 14th of every month over four years: both sides
    # of every change, in zones with a yearly rule and in one whose rule shifts (Israel).
    local = ZoneInfo(zone)
    visits = [
        make_visit(
            id=f"c0000000-0000-4000-8000-{index:012d}",
            starts_at=(start := dt.datetime(year, month, 14, 10, tzinfo=local)),
            ends_at=start + dt.timedelta(hours=1),
            time_zone=zone,
        )
        for index, (year, month) in enumerate(
            (year, month) for year in range(2026, 2030) for month in range(1, 13)
        )
    ]

    calendar = read_back(build_calendar(visits))

    read = {event.uid.value: event.dtstart.value for event in events(calendar)}
    for visit in visits:
        start = read[f"{visit.id}@visit.kamdesk"]
        assert start == visit.starts_at, visit.starts_at
        assert start.utcoffset() == visit.starts_at.utcoffset(), visit.starts_at
        assert start.hour == 10


def test_a_zone_with_daylight_saving_is_one_standard_and_one_daylight_rule() -> None:
    # Outlook reads a zone from one STANDARD and one DAYLIGHT part with yearly rules, and
    # ignores lists of dates: Berlin must come out in that form.
    visit = make_visit(time_zone="Europe/Berlin")

    (zone,) = read_back(build_calendar([visit])).vtimezone_list

    parts = {part.name: part for part in zone.components()}
    assert set(parts) == {"STANDARD", "DAYLIGHT"}
    assert len(list(zone.components())) == 2
    assert parts["DAYLIGHT"].rrule.value == "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert parts["STANDARD"].rrule.value == "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    assert not hasattr(parts["DAYLIGHT"], "rdate")


# -- Gathered from a real book -------------------------------------------------------------


@needs_visits
def test_a_visit_exported_twice_keeps_its_uid_and_an_edit_raises_its_sequence(
    book: Book, tmp_path: Path
) -> None:
    made = make_visit_book(book)
    first, again = tmp_path / "first.ics", tmp_path / "again.ics"

    export_calendar(book, first, made.visit)
    export_calendar(book, again, made.visit)
    update_record(book, kind("visit"), made.visit, {"starts_at": at("2026-12-08 10:00")})
    edited = tmp_path / "edited.ics"
    export_calendar(book, edited, made.visit)

    (one,), (two,), (three,) = (events(read_back(p.read_bytes())) for p in (first, again, edited))
    assert one.uid.value == two.uid.value == three.uid.value
    assert int(two.sequence.value) == int(one.sequence.value)
    assert int(three.sequence.value) > int(one.sequence.value)
    assert three.dtstart.value == at("2026-12-08 10:00")
    assert (three.dtstart.value.hour, three.dtstart.value.minute) == (10, 0)


@needs_visits
def test_a_change_of_attendees_raises_the_sequence_too(book: Book) -> None:
    made = make_visit_book(book)
    before = calendar_visits(book, made.visit)[0].sequence

    update_record(book, kind("visit"), made.visit, {"attendees": (made.people["李娜"],)})

    assert calendar_visits(book, made.visit)[0].sequence > before


@needs_visits
def test_the_book_s_visit_reads_back_with_its_zone_people_and_place(
    book: Book, tmp_path: Path
) -> None:
    made = make_visit_book(book)
    target = tmp_path / "visit.ics"

    assert export_calendar(book, target, made.visit) == 1

    calendar = read_back(target.read_bytes())
    (event,) = events(calendar)
    assert event.dtstart.value == at("2026-12-08 09:30")
    assert event.dtstart.value.utcoffset() == dt.timedelta(hours=8)
    assert "Asia/Shanghai" in zone_ids(calendar)
    assert event.location.value == "苏州工业园区星湖街 328 号"
    addresses = {a.params["CN"][0]: a.value for a in event.attendee_list}
    assert addresses["李娜"] == "mailto:li.na@huadong.example.cn"
    assert addresses["王建国"] == f"urn:uuid:{made.people['王建国']}"
    assert addresses["李明"] == "mailto:li.ming@vista.example"
    assert set(addresses) == {*made.people, "李明", "Anna Berg"}
    assert "确认试点范围" in event.description.value
    assert "MES 二期扩容" in event.description.value


@needs_visits
def test_every_visit_from_today_on_and_none_before(book: Book) -> None:
    made = make_visit_book(book)
    visit = kind("visit")
    earlier = create_record(
        book,
        visit,
        made.account,
        {"title": "上次拜访", "starts_at": at("2026-11-20 14:00"),
         "ends_at": at("2026-11-20 15:00"), "time_zone": SHANGHAI},
    )  # fmt: skip
    cancelled = create_record(
        book,
        visit,
        made.account,
        {"title": "取消的拜访", "starts_at": at("2026-12-09 14:00"),
         "ends_at": at("2026-12-09 15:00"), "time_zone": SHANGHAI, "status": "cancelled"},
    )  # fmt: skip

    exported = calendar_visits(book, today=dt.date(2026, 12, 1))

    assert [v.id for v in exported] == [made.visit, cancelled]
    assert earlier not in {v.id for v in exported}
    assert [v.cancelled for v in exported] == [False, True]


@needs_visits
def test_an_unknown_visit_is_refused_and_nothing_is_written(book: Book, tmp_path: Path) -> None:
    make_visit_book(book)
    target = tmp_path / "none.ics"

    with pytest.raises(NotFoundError):
        export_calendar(book, target, "no-such-visit")

    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".none.ics")]

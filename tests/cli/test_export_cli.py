"""``kamdesk export ics`` and ``kamdesk report visit-briefing``: real processes, real files.

The .ics is read back with vobject, a parser other than the library that writes it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import vobject
from pypdf import PdfReader

from kamdesk.domain.visits import to_utc
from kamdesk.kinds import KINDS, kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.ops.team import create_team_member
from kamdesk.store.book import Book

from .test_command_line import digest, run

pytestmark = pytest.mark.skipif(
    not any(k.name == "visit" for k in KINDS), reason="visits are not in this book's schema yet"
)

SHANGHAI = "Asia/Shanghai"


def local(day: dt.date, time: str) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(f"{day.isoformat()} {time}"), SHANGHAI)


def make_book(path: Path) -> dict[str, str]:
    """An account with two people and three visits: last week, tomorrow, next week."""
    today = dt.date.today()
    with Book.open(path, create=True) as book:
        account = create_account(book, {"name": "华东制造集团", "currency": "CNY", "tier": "A"})
        wang = create_stakeholder(
            book, account, {"name": "王建国", "title": "CIO", "buying_role": "EB"}
        )
        li = create_stakeholder(
            book, account, {"name": "李娜", "email": "li.na@huadong.example.cn"}
        )
        ming = create_team_member(book, {"name": "李明", "email": "li.ming@vista.example"})
        visit = kind("visit")

        def new_visit(title: str, day: dt.date, **values: Any) -> str:
            return create_record(
                book,
                visit,
                account,
                {
                    "title": title,
                    "starts_at": local(day, "09:30"),
                    "ends_at": local(day, "11:00"),
                    "time_zone": SHANGHAI,
                    **values,
                },
            )

        return {
            "account": account,
            "past": new_visit("上次拜访", today - dt.timedelta(days=7)),
            "next": new_visit(
                "方案评审会",
                today + dt.timedelta(days=1),
                place="苏州工业园区星湖街 328 号",
                objective="确认试点范围",
                agenda="1. 回顾\n2. 演示",
                attendees=(wang, li),
                our_attendees=(ming,),
            ),
            "later": new_visit("工厂参观", today + dt.timedelta(days=8)),
        }


def read_ics(path: Path) -> list[Any]:
    calendar = vobject.readOne(path.read_text(encoding="utf-8"))
    return list(getattr(calendar, "vevent_list", []))


def one_line_error(done: Any) -> None:
    assert done.returncode == 1
    assert done.stderr.startswith("kamdesk: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_export_ics_of_one_visit(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    before = digest(book)
    target = tmp_path / "visit.ics"

    done = run("export", "ics", "--book", str(book), "--visit", ids["next"], "-o", str(target),
               home=tmp_path / "home")  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert str(target) in done.stdout
    (event,) = read_ics(target)
    assert event.uid.value == f"{ids['next']}@visit.kamdesk"
    assert event.summary.value == "华东制造集团 · 方案评审会"
    start = event.dtstart.value
    assert (start.hour, start.minute, start.utcoffset()) == (9, 30, dt.timedelta(hours=8))
    assert event.location.value == "苏州工业园区星湖街 328 号"
    assert {a.params["CN"][0] for a in event.attendee_list} == {"王建国", "李娜", "李明"}
    assert "确认试点范围" in event.description.value
    assert digest(book) == before  # exporting writes nothing to the book


def test_export_ics_of_every_visit_from_today_on(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    target = tmp_path / "all.ics"

    done = run("export", "ics", "--book", str(book), "-o", str(target), home=tmp_path / "home")

    assert done.returncode == 0, done.stderr
    assert "2 visits" in done.stdout
    uids = [event.uid.value for event in read_ics(target)]
    assert uids == [f"{ids['next']}@visit.kamdesk", f"{ids['later']}@visit.kamdesk"]


def test_re_exporting_an_edited_visit_keeps_its_uid_and_raises_its_sequence(
    tmp_path: Path,
) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    first, second = tmp_path / "first.ics", tmp_path / "second.ics"
    args = ("export", "ics", "--book", str(book), "--visit", ids["next"], "-o")

    assert run(*args, str(first), home=tmp_path / "home").returncode == 0
    with Book.open(book) as opened:
        update_record(opened, kind("visit"), ids["next"], {"place": "上海总部 20 楼"})
    assert run(*args, str(second), home=tmp_path / "home").returncode == 0

    (before,), (after,) = read_ics(first), read_ics(second)
    assert after.uid.value == before.uid.value
    assert int(after.sequence.value) > int(before.sequence.value)
    assert after.location.value == "上海总部 20 楼"


def test_export_ics_in_chinese_heads_the_description_in_chinese(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    target = tmp_path / "visit.ics"

    done = run("--language", "zh_CN", "export", "ics", "--book", str(book), "--visit",
               ids["next"], "-o", str(target), home=tmp_path / "home")  # fmt: skip

    assert done.returncode == 0, done.stderr
    (event,) = read_ics(target)
    assert event.description.params["LANGUAGE"] == ["zh-CN"]


@pytest.mark.parametrize("command", [("export", "ics"), ("report", "visit-briefing")])
def test_an_unknown_visit_is_one_line_and_writes_nothing(
    command: tuple[str, str], tmp_path: Path
) -> None:
    book = tmp_path / "b.kamdesk"
    make_book(book)
    before = digest(book)
    target = tmp_path / "out" / "file"
    target.parent.mkdir()

    done = run(*command, "--book", str(book), "--visit", "no-such-visit", "-o", str(target),
               home=tmp_path / "home")  # fmt: skip

    one_line_error(done)
    assert "no-such-visit" in done.stderr
    assert list(target.parent.iterdir()) == []
    assert digest(book) == before


@pytest.mark.parametrize("command", [("export", "ics"), ("report", "visit-briefing")])
def test_a_path_that_cannot_be_written_is_one_line_and_writes_nothing(
    command: tuple[str, str], tmp_path: Path
) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    missing = tmp_path / "no such folder" / "file"
    folder = tmp_path / "a folder"
    folder.mkdir()

    for target in (missing, folder):
        done = run(*command, "--book", str(book), "--visit", ids["next"], "-o", str(target),
                   home=tmp_path / "home")  # fmt: skip
        one_line_error(done)
    assert not missing.parent.exists()
    assert list(folder.iterdir()) == []


def test_report_visit_briefing_writes_one_page_with_the_visit(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    target = tmp_path / "briefing.pdf"

    done = run("report", "visit-briefing", "--book", str(book), "--visit", ids["next"], "-o",
               str(target), home=tmp_path / "home")  # fmt: skip

    assert done.returncode == 0, done.stderr
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    text = "".join(reader.pages[0].extract_text().split())
    for expected in (
        "方案评审会",
        "华东制造集团",
        "王建国",
        "李娜",
        "确认试点范围",
        "Pre-visitbriefing",
    ):
        assert expected in text, expected


def test_report_visit_briefing_in_chinese(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    target = tmp_path / "briefing.pdf"

    done = run("--language", "zh_CN", "report", "visit-briefing", "--book", str(book),
               "--visit", ids["next"], "-o", str(target), home=tmp_path / "home")  # fmt: skip

    assert done.returncode == 0, done.stderr
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    text = "".join(reader.pages[0].extract_text().split())
    assert f"{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日" in text
    assert "09:30–11:00" in text

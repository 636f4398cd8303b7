"""``kamdesk visits``: one tab-separated line per visit, its start in its own time zone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kamdesk.domain.visits import to_utc
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, delete_record
from kamdesk.store.book import Book

from .test_command_line import digest, run

VISIT = kind("visit")


def visit(book: Book, account: str, title: str, wall: str, zone: str) -> str:
    starts = to_utc(dt.datetime.fromisoformat(wall), zone)
    return create_record(
        book,
        VISIT,
        account,
        {"title": title, "starts_at": starts, "ends_at": starts + dt.timedelta(hours=1),
         "time_zone": zone},
    )  # fmt: skip


def make_book(path: Path) -> dict[str, str]:
    today = dt.date.today()
    with Book.open(path, create=True) as book:
        acme = create_account(book, {"name": "Acme Robotics", "currency": "USD"})
        suzhou = create_account(book, {"name": "华东制造集团苏州分公司", "currency": "CNY"})
        ids = {
            "berlin": visit(book, acme, "Steering\tcommittee", "2027-03-29 09:00", "Europe/Berlin"),
            "shanghai": visit(book, suzhou, "方案交流会", "2027-03-30 09:30", "Asia/Shanghai"),
            "winter": visit(book, acme, "Kick-off", "2027-01-12 10:00", "Europe/Berlin"),
            "past": visit(book, suzhou, "季度回顾", "2020-06-01 10:00", "Asia/Shanghai"),
            "soon": visit(book, acme, "Next week", f"{today + dt.timedelta(days=7)} 10:00", "UTC"),
        }
        gone = visit(book, acme, "Deleted", "2027-03-29 15:00", "Europe/Berlin")
        delete_record(book, VISIT, gone)
    return ids


def test_visits_lists_each_visit_from_today_on_in_its_own_time_zone(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    before = digest(book)

    done = run("visits", "--book", str(book), home=tmp_path / "home")

    assert done.returncode == 0, done.stderr
    soon = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    expected = [
        [ids["winter"], "2027-01-12T10:00:00+01:00", "Acme Robotics", "Kick-off"],
        # After the clocks went forward: the same 09:00, now an hour further from UTC.
        [ids["berlin"], "2027-03-29T09:00:00+02:00", "Acme Robotics", "Steering committee"],
        [ids["shanghai"], "2027-03-30T09:30:00+08:00", "华东制造集团苏州分公司", "方案交流会"],
        [ids["soon"], f"{soon}T10:00:00+00:00", "Acme Robotics", "Next week"],
    ]
    # In the order they start (whenever the test runs, the visit "next week" among them).
    expected.sort(key=lambda line: dt.datetime.fromisoformat(line[1]))
    assert [line.split("\t") for line in done.stdout.splitlines()] == [
        line for line in expected if line[1][:10] >= dt.date.today().isoformat()
    ]
    assert digest(book) == before  # listing writes nothing


def test_visits_from_and_to_are_days_both_included(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    done = run(
        "visits", "--book", str(book), "--from", "2020-01-01", "--to", "2027-03-29",
        home=tmp_path / "home",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    listed = [line.split("\t")[0] for line in done.stdout.splitlines() if ids["soon"] not in line]
    assert listed == [ids["past"], ids["winter"], ids["berlin"]]


def test_a_bad_date_or_range_or_book_is_one_line_and_exit_1(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    make_book(book)
    home = tmp_path / "home"
    for args, message in (
        (("--from", "2026-13-01"), "--from 2026-13-01 is not a date"),
        (("--to", "next week"), "--to next week is not a date"),
        (("--from", "2027-03-02", "--to", "2027-03-01"), "--to 2027-03-01 is before --from"),
    ):
        done = run("visits", "--book", str(book), *args, home=home)
        assert done.returncode == 1
        assert done.stdout == ""
        assert done.stderr.startswith(f"kamdesk: {message}")
        assert done.stderr.count("\n") == 1
    done = run("visits", "--book", str(tmp_path / "none.kamdesk"), home=home)
    assert done.returncode == 1
    assert done.stderr.startswith("kamdesk: ") and done.stderr.count("\n") == 1
    assert not (tmp_path / "none.kamdesk").exists()

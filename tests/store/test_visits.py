"""Visits through the actions: times in their zone, attendees, follow-ups, a deal's deletion."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kamdesk.domain.visits import NonexistentTimeError, in_zone, to_utc
from kamdesk.errors import ValidationError
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, delete_record, restore_record, update_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.ops.team import create_team_member
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader
from kamdesk.store.visits import last_contacted, open_follow_ups, overdue_accounts

VISIT = kind("visit")
FOLLOW_UP = kind("follow_up")
QUESTION = kind("question")
VISIT_QUESTION = kind("visit_question")
DEAL = kind("opportunity")
SHANGHAI = "Asia/Shanghai"


def at(text: str, zone: str = SHANGHAI) -> dt.datetime:
    """The moment of wall-clock time ``text`` in ``zone``."""
    return to_utc(dt.datetime.fromisoformat(text), zone)


@pytest.fixture
def account_id(book: Book) -> str:
    return create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})


def new_visit(book: Book, account_id: str, **values: Any) -> str:
    return create_record(
        book,
        VISIT,
        account_id,
        {
            "title": "方案交流会",
            "starts_at": at("2026-12-08 09:30"),
            "ends_at": at("2026-12-08 11:00"),
            "time_zone": SHANGHAI,
            **values,
        },
    )


def visits(book: Book, account_id: str) -> list[dict[str, Any]]:
    return [row.values for row in BookReader(book.db).records_of(VISIT, account_id)]


def refused(call: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.errors


def test_a_visit_is_read_back_at_the_wall_clock_times_of_its_zone(
    book: Book, account_id: str
) -> None:
    visit_id = new_visit(book, account_id, place="苏州工厂")
    row = BookReader(book.db).record_of(VISIT, visit_id)
    assert row is not None
    starts = in_zone(row.values["starts_at"], row.values["time_zone"])
    assert starts.isoformat() == "2026-12-08T09:30:00+08:00"
    assert row.values["starts_at"] == dt.datetime(2026, 12, 8, 1, 30, tzinfo=dt.UTC)
    assert row.values["status"] == "planned"
    assert row.values["place"] == "苏州工厂"


def test_a_visit_across_a_daylight_saving_change_keeps_its_wall_clock_times(
    book: Book, account_id: str
) -> None:
    # Berlin's clocks go from 02:00 to 03:00 on Sunday 28 March 2027.
    berlin = "Europe/Berlin"
    visit_id = new_visit(
        book,
        account_id,
        starts_at=at("2027-03-28 01:30", berlin),
        ends_at=at("2027-03-28 03:30", berlin),
        time_zone=berlin,
    )
    monday = new_visit(
        book,
        account_id,
        title="Steering committee",
        starts_at=at("2027-03-29 09:00", berlin),
        ends_at=at("2027-03-29 10:00", berlin),
        time_zone=berlin,
    )
    # Editing something else leaves the times as they were.
    update_record(book, VISIT, visit_id, {"title": "Night shift walk-through"})
    reader = BookReader(book.db)
    across = reader.record_of(VISIT, visit_id)
    after = reader.record_of(VISIT, monday)
    assert across is not None and after is not None
    starts = in_zone(across.values["starts_at"], berlin)
    ends = in_zone(across.values["ends_at"], berlin)
    assert (starts.isoformat(), ends.isoformat()) == (
        "2027-03-28T01:30:00+01:00",
        "2027-03-28T03:30:00+02:00",
    )
    # The clocks skipped an hour: the visit lasts one.
    assert across.values["ends_at"] - across.values["starts_at"] == dt.timedelta(hours=1)
    assert in_zone(after.values["starts_at"], berlin).isoformat() == "2027-03-29T09:00:00+02:00"
    assert after.values["starts_at"] == dt.datetime(2027, 3, 29, 7, 0, tzinfo=dt.UTC)


def test_a_time_the_clocks_skip_names_no_moment() -> None:
    with pytest.raises(NonexistentTimeError):
        to_utc(dt.datetime(2027, 3, 28, 2, 30), "Europe/Berlin")
    # The hour passed twice when the clocks go back is its first passing.
    first = to_utc(dt.datetime(2027, 10, 31, 2, 30), "Europe/Berlin")
    assert first == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)


def test_a_visit_ending_before_it_starts_is_refused_by_its_end(book: Book, account_id: str) -> None:
    errors = refused(lambda: new_visit(book, account_id, ends_at=at("2026-12-08 08:00")))
    assert errors == {"ends_at": "A visit must end after it starts."}
    visit_id = new_visit(book, account_id)
    errors = refused(
        lambda: update_record(book, VISIT, visit_id, {"starts_at": at("2026-12-08 12:00")})
    )
    assert "ends_at" in errors
    assert [v["starts_at"] for v in visits(book, account_id)] == [at("2026-12-08 09:30")]


def test_times_need_a_zone_and_a_zone_must_exist(book: Book, account_id: str) -> None:
    errors = refused(lambda: new_visit(book, account_id, starts_at=dt.datetime(2026, 12, 8, 9, 30)))
    assert errors["starts_at"] == "Enter a date and time such as 2026-12-31 09:30."
    errors = refused(lambda: new_visit(book, account_id, time_zone="Mars/Olympus_Mons"))
    assert errors["time_zone"] == "Choose a time zone such as Asia/Shanghai."
    assert visits(book, account_id) == []


def test_attendees_are_the_accounts_people_and_our_team(book: Book, account_id: str) -> None:
    wang = create_stakeholder(book, account_id, {"name": "王磊"})
    chen = create_stakeholder(book, account_id, {"name": "陈静"})
    other = create_account(book, {"name": "Acme Logistics", "currency": "USD"})
    stranger = create_stakeholder(book, other, {"name": "Bob Stone"})
    me = create_team_member(book, {"name": "李娜"})

    errors = refused(lambda: new_visit(book, account_id, attendees=(wang, stranger)))
    assert errors == {"attendees": "Choose people of this visit's account."}
    assert visits(book, account_id) == []

    visit_id = new_visit(book, account_id, attendees=(wang,), our_attendees=(me,))
    assert visits(book, account_id)[0]["attendees"] == (wang,)
    assert visits(book, account_id)[0]["our_attendees"] == (me,)
    before = update_record(book, VISIT, visit_id, {"attendees": (chen, wang)})
    assert before == {"attendees": (wang,)}
    assert visits(book, account_id)[0]["attendees"] == tuple(sorted((chen, wang)))
    errors = refused(lambda: update_record(book, VISIT, visit_id, {"attendees": (stranger,)}))
    assert errors == {"attendees": "Choose people of this visit's account."}
    # Undo puts the list back as it was.
    update_record(book, VISIT, visit_id, before)
    assert visits(book, account_id)[0]["attendees"] == (wang,)


def test_a_deal_of_another_account_is_refused(book: Book, account_id: str) -> None:
    other = create_account(book, {"name": "Acme Logistics", "currency": "USD"})
    theirs = create_record(book, DEAL, other, {"name": "Fleet telematics", "currency": "USD"})
    errors = refused(lambda: new_visit(book, account_id, opportunity_id=theirs))
    assert errors == {"opportunity_id": "Choose a deal of this visit's account."}
    assert visits(book, account_id) == []


def test_deleting_a_deal_keeps_its_visits_without_the_link_and_undo_brings_it_back(
    book: Book, account_id: str
) -> None:
    deal = create_record(book, DEAL, account_id, {"name": "MES 二期扩容", "currency": "CNY"})
    new_visit(book, account_id, opportunity_id=deal, notes="客户关注交付周期")
    delete_record(book, DEAL, deal)
    [visit] = visits(book, account_id)
    assert visit["opportunity_id"] is None
    assert visit["notes"] == "客户关注交付周期"
    restore_record(book, DEAL, deal)
    assert visits(book, account_id)[0]["opportunity_id"] == deal


def test_a_follow_up_cannot_be_due_before_its_visit(book: Book, account_id: str) -> None:
    # The visit is on 8 December in Shanghai, still the 7th in UTC.
    visit_id = new_visit(
        book, account_id, starts_at=at("2026-12-08 07:00"), ends_at=at("2026-12-08 08:00")
    )
    errors = refused(
        lambda: create_record(
            book, FOLLOW_UP, visit_id, {"what": "发送报价", "due": dt.date(2026, 12, 7)}
        )
    )
    assert errors == {"due": "A follow-up cannot be due before its visit."}
    assert open_follow_ups(book.db, account_id) == []
    follow_up = create_record(
        book, FOLLOW_UP, visit_id, {"what": "发送报价", "due": dt.date(2026, 12, 8)}
    )
    errors = refused(
        lambda: update_record(book, FOLLOW_UP, follow_up, {"due": dt.date(2026, 12, 1)})
    )
    assert errors == {"due": "A follow-up cannot be due before its visit."}
    [line] = open_follow_ups(book.db, account_id)
    assert (line.what, line.due) == ("发送报价", dt.date(2026, 12, 8))


def test_overdue_follow_ups_mark_their_account_until_done(book: Book, account_id: str) -> None:
    other = create_account(book, {"name": "Acme Logistics", "currency": "USD"})
    visit_id = new_visit(book, account_id)
    follow_up = create_record(
        book, FOLLOW_UP, visit_id, {"what": "Send the ROI model", "due": dt.date(2026, 12, 9)}
    )
    ids = [account_id, other]
    assert overdue_accounts(book.db, ids, dt.date(2026, 12, 9)) == set()
    assert overdue_accounts(book.db, ids, dt.date(2026, 12, 10)) == {account_id}
    update_record(book, FOLLOW_UP, follow_up, {"done": True})
    assert overdue_accounts(book.db, ids, dt.date(2026, 12, 10)) == set()
    assert open_follow_ups(book.db, account_id) == []
    # A deleted visit takes its follow-ups off the account.
    update_record(book, FOLLOW_UP, follow_up, {"done": False})
    delete_record(book, VISIT, visit_id)
    assert overdue_accounts(book.db, ids, dt.date(2026, 12, 10)) == set()


def test_last_contacted_is_the_latest_visit_a_person_attended(book: Book, account_id: str) -> None:
    wang = create_stakeholder(book, account_id, {"name": "王磊"})
    chen = create_stakeholder(book, account_id, {"name": "陈静"})
    new_visit(book, account_id, attendees=(wang, chen))
    new_visit(
        book,
        account_id,
        attendees=(wang,),
        starts_at=at("2026-12-10 14:00"),
        ends_at=at("2026-12-10 15:00"),
    )
    new_visit(
        book,
        account_id,
        attendees=(chen,),
        status="cancelled",
        starts_at=at("2026-12-11 14:00"),
        ends_at=at("2026-12-11 15:00"),
    )
    now = at("2026-12-20 12:00")
    assert last_contacted(book.db, account_id, now) == {
        wang: at("2026-12-10 14:00"),
        chen: at("2026-12-08 09:30"),
    }
    # A visit still ahead is no contact yet.
    assert last_contacted(book.db, account_id, at("2026-12-09 12:00")) == {
        wang: at("2026-12-08 09:30"),
        chen: at("2026-12-08 09:30"),
    }


def test_the_question_bank_starts_with_questions_of_every_kind_in_both_languages(
    book: Book,
) -> None:
    bank = BookReader(book.db).all_of(QUESTION)
    for question_type in ("open", "guiding", "confirming", "value"):
        mine = [q.values for q in bank if q.values["question_type"] == question_type]
        assert len(mine) >= 3
        assert all(q["text_en"] and q["text_zh"] for q in mine)
    # The team edits it like any list.
    added = create_record(
        book, QUESTION, None, {"question_type": "value", "text_en": "What would it save?"}
    )
    assert any(q.id == added for q in BookReader(book.db).all_of(QUESTION))
    errors = refused(lambda: create_record(book, QUESTION, None, {"question_type": "open"}))
    assert errors == {"text_en": "Write the question in English or Chinese."}


def test_a_visit_asks_a_question_of_the_bank_or_its_own(book: Book, account_id: str) -> None:
    visit_id = new_visit(book, account_id)
    question = BookReader(book.db).all_of(QUESTION)[0].id
    errors = refused(lambda: create_record(book, VISIT_QUESTION, visit_id, {"answer": "?"}))
    assert errors == {"question_id": "Pick a question from the bank or write one."}
    asked = create_record(book, VISIT_QUESTION, visit_id, {"question_id": question})
    own = create_record(book, VISIT_QUESTION, visit_id, {"text": "谁来签字？"})
    update_record(book, VISIT_QUESTION, own, {"answer": "总经理"})
    rows = {r.id: r.values for r in BookReader(book.db).records_of(VISIT_QUESTION, visit_id)}
    assert rows[asked]["question_id"] == question
    assert rows[own]["answer"] == "总经理"

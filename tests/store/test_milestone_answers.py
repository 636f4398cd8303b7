"""A visit answers milestones: the debrief ticks them with the visit's day, undo unticks."""

from __future__ import annotations

import datetime as dt

import pytest

from kamdesk.domain.visits import to_utc
from kamdesk.errors import ValidationError
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.milestones import (
    answer_milestones,
    answered_by,
    restore_answers,
    unanswer_milestones,
)
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader, RecordRow

DEAL = kind("opportunity")
MILESTONE = kind("milestone")
VISIT = kind("visit")
SHANGHAI = "Asia/Shanghai"


def at(text: str) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(text), SHANGHAI)


@pytest.fixture
def account_id(book: Book) -> str:
    return create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})


def new_deal(book: Book, account_id: str, name: str = "MES 二期扩容") -> str:
    return create_record(book, DEAL, account_id, {"name": name, "currency": "CNY"})


def new_visit(book: Book, account_id: str, deal_id: str | None, start: str) -> str:
    values = {
        "title": "方案交流会",
        "starts_at": at(start),
        "ends_at": at(start) + dt.timedelta(hours=1),
        "time_zone": SHANGHAI,
        "opportunity_id": deal_id,
    }
    return create_record(book, VISIT, account_id, values)


def checklist(book: Book, deal_id: str) -> list[RecordRow]:
    return BookReader(book.db).records_of(MILESTONE, deal_id)


def test_a_visit_ticks_the_milestones_it_answered_on_its_own_day(
    book: Book, account_id: str
) -> None:
    deal = new_deal(book, account_id)
    # 00:30 in Shanghai on Nov 20 is still Nov 19 in UTC: the day is the visit's own.
    visit = new_visit(book, account_id, deal, "2026-11-20 00:30")
    first, second, third = (row.id for row in checklist(book, deal)[:3])
    update_record(book, MILESTONE, second, {"done": True, "done_on": dt.date(2026, 11, 2)})

    replaced = answer_milestones(book, visit, [first, second])

    rows = checklist(book, deal)
    assert [(r.values["done"], r.values["done_on"]) for r in rows[:3]] == [
        (True, dt.date(2026, 11, 20)),
        (True, dt.date(2026, 11, 2)),  # already ticked: it keeps its day
        (False, None),
    ]
    assert answered_by(book, visit) == [first, second]
    restore_answers(book, replaced)  # undo
    rows = checklist(book, deal)
    assert [(r.values["done"], r.values["done_on"]) for r in rows[:2]] == [
        (False, None),
        (True, dt.date(2026, 11, 2)),
    ]
    assert answered_by(book, visit) == []
    assert third not in replaced


def test_a_milestone_of_another_deal_is_refused_and_nothing_is_saved(
    book: Book, account_id: str
) -> None:
    deal = new_deal(book, account_id)
    other = new_deal(book, account_id, "Fleet telematics")
    visit = new_visit(book, account_id, deal, "2026-11-20 10:00")
    mine = checklist(book, deal)[0].id
    theirs = checklist(book, other)[0].id
    with pytest.raises(ValidationError) as refused:
        answer_milestones(book, visit, [mine, theirs])
    assert set(refused.value.errors) == {"milestones"}
    assert "another deal" in refused.value.errors["milestones"]
    assert not checklist(book, deal)[0].values["done"]
    assert answered_by(book, visit) == []


def test_a_visit_for_no_deal_answers_milestones_of_its_accounts_deals_only(
    book: Book, account_id: str
) -> None:
    deal = new_deal(book, account_id)
    elsewhere = create_account(book, {"name": "Acme Robotics", "currency": "USD"})
    foreign = new_deal(book, elsewhere, "Robot cells")
    visit = new_visit(book, account_id, None, "2026-11-20 10:00")
    answer_milestones(book, visit, [checklist(book, deal)[0].id])
    assert checklist(book, deal)[0].values["done"]
    with pytest.raises(ValidationError):
        answer_milestones(book, visit, [checklist(book, foreign)[0].id])


def test_a_visit_still_to_come_answers_nothing(book: Book, account_id: str) -> None:
    deal = new_deal(book, account_id)
    ahead = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    visit = new_visit(book, account_id, deal, f"{ahead} 10:00")
    with pytest.raises(ValidationError):
        answer_milestones(book, visit, [checklist(book, deal)[0].id])
    assert not checklist(book, deal)[0].values["done"]


def test_unanswering_unticks_what_this_visit_answered_and_leaves_another_visits(
    book: Book, account_id: str
) -> None:
    deal = new_deal(book, account_id)
    first_visit = new_visit(book, account_id, deal, "2026-11-10 10:00")
    second_visit = new_visit(book, account_id, deal, "2026-11-20 10:00")
    first, second = (row.id for row in checklist(book, deal)[:2])
    answer_milestones(book, first_visit, [first])
    answer_milestones(book, second_visit, [second])

    replaced = unanswer_milestones(book, second_visit, [first, second])
    assert set(replaced) == {second}  # the first visit's answer is not this one's
    rows = checklist(book, deal)
    assert [(r.values["done"], r.values["done_on"]) for r in rows[:2]] == [
        (True, dt.date(2026, 11, 10)),
        (False, None),
    ]
    restore_answers(book, replaced)  # undo
    assert answered_by(book, second_visit) == [second]
    assert checklist(book, deal)[1].values["done_on"] == dt.date(2026, 11, 20)

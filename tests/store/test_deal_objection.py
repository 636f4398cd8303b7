"""Objections on a deal, through the actions: the standard answers by type, in the
language of the moment they are suggested."""

from __future__ import annotations

import datetime as dt

import pytest

from kamdesk.errors import ValidationError
from kamdesk.i18n import set_language
from kamdesk.kinds import kind
from kamdesk.kinds.objection import STEPS, suggest
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader

DEAL = kind("opportunity")
OBJECTION = kind("objection")


@pytest.fixture
def account(book: Book) -> str:
    return create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})


@pytest.fixture
def deal(book: Book, account: str) -> str:
    return create_record(book, DEAL, account, {"name": "MES 二期扩容", "currency": "CNY"})


def stored(book: Book, deal_id: str) -> list[dict[str, object]]:
    return [row.values for row in BookReader(book.db).records_of(OBJECTION, deal_id)]


def test_a_price_objection_gets_the_standard_answers_and_keeps_what_was_typed(
    book: Book, account: str, deal: str
) -> None:
    wang = create_stakeholder(book, account, {"name": "王磊"})
    create_record(
        book,
        OBJECTION,
        deal,
        {
            "summary": "Twice the price of the local supplier",
            "type": "price",
            "raised_by_id": wang,
            "raised_on": dt.date(2026, 11, 20),
            "listen": "He compared our licence with their one-off fee.",
        },
    )
    [objection] = stored(book, deal)
    assert objection["status"] == "open"
    assert objection["raised_on"] == dt.date(2026, 11, 20)
    assert objection["listen"] == "He compared our licence with their one-off fee."
    assert "total cost of ownership" in str(objection["process"])
    assert "payment plan" in str(objection["process"])
    assert all(objection[step] for step in STEPS)


def test_the_answers_are_in_the_language_of_the_moment(book: Book, deal: str) -> None:
    set_language("zh_CN")
    create_record(book, OBJECTION, deal, {"summary": "担心上线影响生产", "type": "risk"})
    set_language("en")
    [objection] = stored(book, deal)
    assert "试点" in str(objection["process"])  # a pilot
    assert "退出条款" in str(objection["process"])  # an exit clause


def test_another_type_replaces_the_suggested_answers_but_not_the_reps_own() -> None:
    price = suggest("type", {"type": "price"})
    assert set(price) == set(STEPS)
    mine = "Show the three-year TCO sheet Li Na asked for."
    timing = suggest("type", {"type": "time", **price, "process": mine})
    assert "process" not in timing  # the rep's own text stays
    assert timing["assure"] == "Agree the first phase and its date."
    assert "phased rollout" in suggest("type", {"type": "time", **price})["process"]
    assert suggest("status", {"type": "price"}) == {}  # only the type suggests


def test_an_objection_needs_a_line_a_type_of_the_list_and_someone_of_the_account(
    book: Book, deal: str
) -> None:
    elsewhere = create_account(book, {"name": "Blue River Bank", "currency": "USD"})
    carol = create_stakeholder(book, elsewhere, {"name": "Carol Diaz"})
    with pytest.raises(ValidationError) as refused:
        create_record(book, OBJECTION, deal, {"summary": "", "type": "budget"})
    assert set(refused.value.errors) == {"summary", "type"}
    with pytest.raises(ValidationError) as refused:
        create_record(
            book, OBJECTION, deal, {"summary": "Too dear", "type": "price", "raised_by_id": carol}
        )
    assert refused.value.errors == {
        "raised_by_id": "Carol Diaz is not one of this deal's account's people."
    }
    assert stored(book, deal) == []


def test_an_objection_is_marked_handled(book: Book, deal: str) -> None:
    objection = create_record(book, OBJECTION, deal, {"summary": "Not this year", "type": "time"})
    update_record(book, OBJECTION, objection, {"status": "handled"})
    assert stored(book, deal)[0]["status"] == "handled"

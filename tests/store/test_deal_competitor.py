"""The competitors on a deal, through the actions."""

from __future__ import annotations

import pytest

from kamdesk.errors import ValidationError
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, delete_record, restore_record, update_record
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader

DEAL = kind("opportunity")
COMPETITOR = kind("deal_competitor")


@pytest.fixture
def deal(book: Book) -> str:
    account = create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})
    return create_record(book, DEAL, account, {"name": "MES 二期扩容", "currency": "CNY"})


def listed(book: Book, deal_id: str) -> list[tuple[object, ...]]:
    return [
        (row.values["name"], row.values["standing"], row.values["differentiation"])
        for row in BookReader(book.db).records_of(COMPETITOR, deal_id)
    ]


def test_competitors_are_listed_by_name_with_their_standing_and_our_difference(
    book: Book, deal: str
) -> None:
    sap = create_record(
        book,
        COMPETITOR,
        deal,
        {
            "name": "SAP",
            "standing": "leading",
            "strengths": "Incumbent ERP; the CIO's former employer",
            "weaknesses": "Slow local support",
            "differentiation": "On-site team in Suzhou within 4 hours",
        },
    )
    create_record(book, COMPETITOR, deal, {"name": "用友"})
    assert listed(book, deal) == [
        ("SAP", "leading", "On-site team in Suzhou within 4 hours"),
        ("用友", "unknown", ""),  # the standing is unknown until the rep says
    ]

    update_record(book, COMPETITOR, sap, {"standing": "level"})
    delete_record(book, COMPETITOR, sap)
    assert [name for name, *_ in listed(book, deal)] == ["用友"]
    restore_record(book, COMPETITOR, sap)
    assert listed(book, deal)[0][:2] == ("SAP", "level")


def test_a_competitor_needs_a_name_and_a_standing_of_the_list(book: Book, deal: str) -> None:
    with pytest.raises(ValidationError) as refused:
        create_record(book, COMPETITOR, deal, {"name": " ", "standing": "winning"})
    assert set(refused.value.errors) == {"name", "standing"}
    assert listed(book, deal) == []


def test_the_standings_read_in_both_languages(book: Book) -> None:
    terms = {t.code: t for t in BookReader(book.db).vocabulary()["competitor_standing"]}
    assert list(terms) == ["leading", "level", "behind", "unknown"]
    assert (terms["leading"].label_en, terms["leading"].label_zh) == ("Leading", "领先")
    assert terms["behind"].label_zh == "落后于我方"
    assert terms["unknown"].label("zh_CN") == "未知"

"""Negotiation preparation on a deal, through the actions: the plan, concessions, roles."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kamdesk.errors import NotFoundError, ValidationError
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import (
    check_record,
    create_record,
    delete_record,
    restore_record,
    update_record,
)
from kamdesk.ops.negotiation import move_concession
from kamdesk.ops.team import create_team_member
from kamdesk.store.book import Book, create_book
from kamdesk.store.reader import BookReader
from kamdesk.store.schema import SCHEMA_HEAD

from .test_deal_migrations import downgrade

DEAL = kind("opportunity")
PLAN = kind("negotiation_plan")
CONCESSION = kind("concession")
ROLE = kind("negotiation_role")


@pytest.fixture
def deal(book: Book) -> str:
    account = create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})
    return create_record(
        book,
        DEAL,
        account,
        {"name": "框架协议续签", "currency": "CNY", "stage": "compass.commercial"},
    )


def plan_of(book: Book, deal_id: str) -> dict[str, object]:
    [plan] = BookReader(book.db).records_of(PLAN, deal_id)
    return plan.values


def refused(call: object, *args: object) -> dict[str, str]:
    assert callable(call)
    with pytest.raises(ValidationError) as error:
        call(*args)
    return error.value.errors


# The plan --------------------------------------------------------------------------------


def test_a_plan_keeps_the_three_positions_and_both_batnas(book: Book, deal: str) -> None:
    plan = create_record(
        book,
        PLAN,
        deal,
        {
            "price_best_minor": 980_000_000,
            "price_expected_minor": 900_000_000,
            "price_walk_away_minor": 820_000_000,
            "currency": "CNY",
            "payment_best": "50% 预付，验收后付清",
            "payment_expected": "30/60/10",
            "payment_walk_away": "验收后 90 天",
            "delivery_best": "分两期，首期 3 个月",
            "delivery_expected": "首期 4 个月",
            "delivery_walk_away": "首期 6 个月",
            "our_batna": "Move the team to the Ningbo expansion.",
            "their_batna": "启明科技的报价，但需要重新做集成。",
        },
    )
    values = plan_of(book, deal)
    assert (
        values["price_best_minor"],
        values["price_expected_minor"],
        values["price_walk_away_minor"],
        values["currency"],
    ) == (980_000_000, 900_000_000, 820_000_000, "CNY")
    assert values["payment_expected"] == "30/60/10"
    assert values["their_batna"] == "启明科技的报价，但需要重新做集成。"

    update_record(book, PLAN, plan, {"price_walk_away_minor": 850_000_000})
    assert plan_of(book, deal)["price_walk_away_minor"] == 850_000_000


@pytest.mark.parametrize(
    ("prices", "field", "message"),
    [
        (
            {"price_best_minor": 100, "price_expected_minor": 120},
            "price_expected_minor",
            "The expected price cannot be above the best price: we are selling.",
        ),
        (
            {"price_best_minor": 100, "price_expected_minor": 90, "price_walk_away_minor": 95},
            "price_walk_away_minor",
            "The walk-away price cannot be above the expected price: we are selling.",
        ),
        (
            # With no expected price, the walk-away is still under the best.
            {"price_best_minor": 100, "price_walk_away_minor": 101},
            "price_walk_away_minor",
            "The walk-away price cannot be above the best price: we are selling.",
        ),
    ],
)
def test_prices_out_of_order_are_refused_by_the_field(
    book: Book, deal: str, prices: dict[str, int], field: str, message: str
) -> None:
    errors = refused(create_record, book, PLAN, deal, {**prices, "currency": "CNY"})
    assert errors == {field: message}
    assert BookReader(book.db).records_of(PLAN, deal) == []


def test_equal_positions_and_missing_ones_are_fine(book: Book, deal: str) -> None:
    create_record(
        book,
        PLAN,
        deal,
        {"price_best_minor": 500, "price_expected_minor": 500, "currency": "CNY"},
    )
    assert plan_of(book, deal)["price_walk_away_minor"] is None


def test_an_edit_that_puts_prices_out_of_order_is_refused_and_changes_nothing(
    book: Book, deal: str
) -> None:
    plan = create_record(
        book,
        PLAN,
        deal,
        {"price_best_minor": 300, "price_expected_minor": 200, "currency": "CNY"},
    )
    errors = refused(update_record, book, PLAN, plan, {"price_expected_minor": 400})
    assert errors == {
        "price_expected_minor": "The expected price cannot be above the best price: we are selling."
    }
    assert plan_of(book, deal)["price_expected_minor"] == 200
    # Lowering the best price under the expected is caught on the same field pair.
    errors = refused(update_record, book, PLAN, plan, {"price_best_minor": 100})
    assert set(errors) == {"price_expected_minor"}


def test_a_negative_price_or_a_bad_currency_is_refused_by_the_field(book: Book, deal: str) -> None:
    errors = refused(
        create_record, book, PLAN, deal, {"price_walk_away_minor": -5, "currency": "yuan"}
    )
    assert set(errors) == {"price_walk_away_minor", "currency"}


def test_a_deal_has_one_plan_and_a_deleted_one_can_be_replaced(book: Book, deal: str) -> None:
    first = create_record(book, PLAN, deal, {"price_expected_minor": 100, "currency": "CNY"})
    errors = refused(create_record, book, PLAN, deal, {"currency": "CNY"})
    assert errors == {
        "price_expected_minor": "This deal already has a negotiation plan: edit that one."
    }
    # The form asks the same before saving.
    assert refused(check_record, book, PLAN, deal, None, {"currency": "CNY"}) == errors
    assert len(BookReader(book.db).records_of(PLAN, deal)) == 1

    delete_record(book, PLAN, first)
    second = create_record(book, PLAN, deal, {"price_expected_minor": 200, "currency": "CNY"})
    assert plan_of(book, deal)["price_expected_minor"] == 200
    # Editing the one plan is of course allowed.
    update_record(book, PLAN, second, {"notes": "采购部换了负责人"})


def test_another_deal_has_a_plan_of_its_own(book: Book, deal: str) -> None:
    account = create_account(book, {"name": "Northwind", "currency": "EUR"})
    other = create_record(book, DEAL, account, {"name": "Rotterdam renewal", "currency": "EUR"})
    create_record(book, PLAN, deal, {"currency": "CNY"})
    create_record(book, PLAN, other, {"price_expected_minor": 42_000_000, "currency": "EUR"})
    assert plan_of(book, other)["currency"] == "EUR"


# Concessions -------------------------------------------------------------------------------


def concessions(book: Book, deal_id: str) -> list[tuple[object, ...]]:
    return [
        (row.values["what_we_give"], row.values["what_we_ask"], row.values["status"])
        for row in BookReader(book.db).records_of(CONCESSION, deal_id)
    ]


def test_concessions_are_listed_in_the_order_they_were_planned(book: Book, deal: str) -> None:
    steps = [
        ("延长质保至 3 年", "签三年框架协议"),
        ("Free on-site training", "A reference visit for two prospects"),
        ("5% 折扣", "本季度内签约"),
    ]
    ids = [
        create_record(book, CONCESSION, deal, {"what_we_give": give, "what_we_ask": ask})
        for give, ask in steps
    ]
    # Later ones keep their place when an earlier one changes.
    update_record(book, CONCESSION, ids[0], {"status": "offered"})
    assert concessions(book, deal) == [
        ("延长质保至 3 年", "签三年框架协议", "offered"),
        ("Free on-site training", "A reference visit for two prospects", "planned"),
        ("5% 折扣", "本季度内签约", "planned"),
    ]
    # Deleted and restored, the second comes back in its place, not last.
    delete_record(book, CONCESSION, ids[1])
    assert [give for give, *_ in concessions(book, deal)] == ["延长质保至 3 年", "5% 折扣"]
    restore_record(book, CONCESSION, ids[1])
    assert [give for give, *_ in concessions(book, deal)] == [give for give, _ in steps]
    # One added after a deletion still goes last.
    delete_record(book, CONCESSION, ids[2])
    create_record(book, CONCESSION, deal, {"what_we_give": "Extra seats", "what_we_ask": "Logo"})
    assert [give for give, *_ in concessions(book, deal)][-1] == "Extra seats"


def changes(book: Book) -> int:
    return int(book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0])


def test_a_concession_moves_up_and_down_the_plan_one_place_at_a_time(book: Book, deal: str) -> None:
    first, second, third = (
        create_record(book, CONCESSION, deal, {"what_we_give": give, "what_we_ask": "x"})
        for give in ("Warranty", "Training", "Discount")
    )

    def order() -> list[object]:
        return [give for give, *_ in concessions(book, deal)]

    assert move_concession(book, third, -1) is True
    assert order() == ["Warranty", "Discount", "Training"]
    assert move_concession(book, third, -1) is True
    assert order() == ["Discount", "Warranty", "Training"]
    # First already, last already: nothing moves, nothing is written.
    logged = changes(book)
    assert move_concession(book, third, -1) is False
    assert move_concession(book, second, 1) is False
    assert order() == ["Discount", "Warranty", "Training"]
    assert changes(book) == logged
    # Moving back is the same action the other way.
    assert move_concession(book, third, 1) is True
    assert order() == ["Warranty", "Discount", "Training"]
    # A deleted neighbour is stepped over.
    delete_record(book, CONCESSION, third)
    assert move_concession(book, second, -1) is True
    assert order() == ["Training", "Warranty"]
    delete_record(book, CONCESSION, first)
    with pytest.raises(NotFoundError):
        move_concession(book, first, -1)


def test_concessions_tied_in_place_are_numbered_afresh_when_one_moves(
    book: Book, deal: str
) -> None:
    from kamdesk.models.negotiation import Concession

    made = [
        create_record(book, CONCESSION, deal, {"what_we_give": give, "what_we_ask": "x"})
        for give in ("A", "B", "C")
    ]
    with book.write() as session:  # as two devices adding one each can leave them
        for concession_id in made:
            row = session.get(Concession, concession_id)
            assert row is not None
            row.position = 1
    listed = [give for give, *_ in concessions(book, deal)]
    last = [c.id for c in BookReader(book.db).records_of(CONCESSION, deal)][-1]
    assert move_concession(book, last, -1) is True
    after = [give for give, *_ in concessions(book, deal)]
    assert after == [listed[0], listed[2], listed[1]]


@pytest.mark.parametrize("ask", [None, "", "   "])
def test_a_concession_asks_something_in_return(book: Book, deal: str, ask: str | None) -> None:
    values = {"what_we_give": "5% 折扣"} | ({} if ask is None else {"what_we_ask": ask})
    errors = refused(create_record, book, CONCESSION, deal, values)
    assert errors == {
        "what_we_ask": "A concession is never given for nothing: say what we ask in return."
    }
    assert concessions(book, deal) == []


def test_clearing_what_we_ask_is_refused(book: Book, deal: str) -> None:
    made = create_record(
        book, CONCESSION, deal, {"what_we_give": "Free pilot", "what_we_ask": "Decision by May"}
    )
    errors = refused(update_record, book, CONCESSION, made, {"what_we_ask": ""})
    assert set(errors) == {"what_we_ask"}
    assert concessions(book, deal)[0][1] == "Decision by May"


def test_a_concession_needs_what_we_give_and_a_status_of_the_list(book: Book, deal: str) -> None:
    errors = refused(
        create_record,
        book,
        CONCESSION,
        deal,
        {"what_we_give": " ", "what_we_ask": "Logo", "status": "maybe"},
    )
    assert set(errors) == {"what_we_give", "status"}


def test_a_concession_of_value_keeps_it_with_its_currency(book: Book, deal: str) -> None:
    made = create_record(
        book,
        CONCESSION,
        deal,
        {
            "what_we_give": "5% 折扣",
            "what_we_ask": "本季度内签约",
            "value_minor": 45_000_000,
            "currency": "CNY",
        },
    )
    [row] = BookReader(book.db).records_of(CONCESSION, deal)
    assert (row.values["value_minor"], row.values["currency"]) == (45_000_000, "CNY")
    errors = refused(update_record, book, CONCESSION, made, {"value_minor": -1})
    assert set(errors) == {"value_minor"}
    errors = refused(
        create_record,
        book,
        CONCESSION,
        deal,
        {"what_we_give": "Discount", "what_we_ask": "Signature", "value_minor": 100},
    )
    assert errors == {"currency": "Choose the currency of the value."}


def test_concession_statuses_read_in_both_languages(book: Book) -> None:
    terms = {t.code: t for t in BookReader(book.db).vocabulary()["concession_status"]}
    assert list(terms) == ["planned", "offered", "accepted", "refused"]
    assert (terms["offered"].label_en, terms["offered"].label_zh) == ("Offered", "已提出")


# Roles -------------------------------------------------------------------------------------


def test_each_of_our_people_has_a_role_at_the_table(book: Book, deal: str) -> None:
    wang = create_team_member(book, {"name": "王磊"})
    chen = create_team_member(book, {"name": "Chen Jie"})
    create_record(book, ROLE, deal, {"team_member_id": wang})
    create_record(
        book, ROLE, deal, {"team_member_id": chen, "role": "finance", "notes": "Payment terms"}
    )
    roles = [
        (row.values["team_member_id"], row.values["role"])
        for row in BookReader(book.db).records_of(ROLE, deal)
    ]
    assert roles == [(chen, "finance"), (wang, "lead")]  # a new role starts as the lead


def test_a_role_needs_a_team_member_who_exists_and_a_role_of_the_list(
    book: Book, deal: str
) -> None:
    errors = refused(create_record, book, ROLE, deal, {"role": "lead"})
    assert set(errors) == {"team_member_id"}
    wang = create_team_member(book, {"name": "王磊"})
    errors = refused(create_record, book, ROLE, deal, {"team_member_id": wang, "role": "boss"})
    assert set(errors) == {"role"}
    errors = refused(
        create_record, book, ROLE, deal, {"team_member_id": "no-such-member", "role": "legal"}
    )
    assert errors == {"team_member_id": "This team member no longer exists."}


def test_negotiation_roles_read_in_both_languages(book: Book) -> None:
    terms = {t.code: t for t in BookReader(book.db).vocabulary()["negotiation_role"]}
    assert list(terms) == ["lead", "technical", "finance", "legal", "decision_maker", "other"]
    assert terms["lead"].label("zh_CN") == "主谈人"
    assert terms["decision_maker"].label_en == "Decision maker"


# The deal's going ------------------------------------------------------------------------


def test_nothing_is_added_to_a_deal_that_was_deleted(book: Book, deal: str) -> None:
    delete_record(book, DEAL, deal)
    for declared, values in (
        (PLAN, {"currency": "CNY"}),
        (CONCESSION, {"what_we_give": "x", "what_we_ask": "y"}),
    ):
        errors = refused(create_record, book, declared, deal, values)
        assert list(errors.values()) == [f"The deal of this {declared.label} no longer exists."]


# The revision -----------------------------------------------------------------------------


def test_a_0009_book_gains_negotiation_preparation_and_goes_back_to_0009(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    create_book(path, revision="0009")
    with closing(sqlite3.connect(path)) as db:
        terms_at_0009 = db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0]
    with Book.open(path) as book:  # upgraded to the head on opening
        assert book.revision == SCHEMA_HEAD
        account = create_account(book, {"name": "Northwind", "currency": "EUR"})
        deal = create_record(book, DEAL, account, {"name": "Rotterdam renewal", "currency": "EUR"})
        member = create_team_member(book, {"name": "Emily Carter"})
        create_record(book, PLAN, deal, {"price_expected_minor": 100, "currency": "EUR"})
        create_record(book, CONCESSION, deal, {"what_we_give": "Training", "what_we_ask": "Logo"})
        create_record(book, ROLE, deal, {"team_member_id": member})

    downgrade(path, "0009")
    tables = {"negotiation_plan", "concession", "negotiation_role"}
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0009",)
        left = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert not tables & left
        lists = {r[0] for r in db.execute("SELECT DISTINCT kind FROM vocabulary")}
        assert not {"concession_status", "negotiation_role"} & lists
        assert db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0] == terms_at_0009
        logged = {r[0] for r in db.execute("SELECT DISTINCT table_name FROM change_log")}
        assert not tables & logged
        assert db.execute("SELECT name FROM opportunity").fetchall() == [("Rotterdam renewal",)]

    with Book.open(path) as book:  # and up again, with empty lists of its own
        assert book.revision == SCHEMA_HEAD
        assert BookReader(book.db).records_of(CONCESSION, deal) == []
        assert len(BookReader(book.db).vocabulary()["negotiation_role"]) == 6
        assert book.integrity_check() == ["ok"]

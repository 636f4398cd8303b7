"""Resolving a conflict on real books: the choice is an edit through the ops, and it syncs.

Two laptops edit the same field before they hear of each other; each resolution here is
made on one of them and delivered to the other, where the conflict must be gone too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamdesk.errors import ValidationError
from kamdesk.i18n import set_language
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account, update_account
from kamdesk.ops.conflicts import (
    Conflict,
    conflicts_by_account,
    open_conflicts,
    resolve_conflict,
    resolve_with_text,
)
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.proposals import new_proposal, send_proposal
from kamdesk.ops.stakeholders import create_stakeholder, update_stakeholder
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader

from .books import deliver, new_device_book

DEAL = kind("opportunity")


@pytest.fixture
def laptops(empty_book_template: Path, tmp_path: Path) -> Iterator[tuple[Book, Book]]:
    books = tuple(
        new_device_book(empty_book_template, tmp_path / f"{name}.kamdesk")
        for name in ("alice", "bob")
    )
    yield books  # type: ignore[misc]
    for book in books:
        book.close()


def exchange(alice: Book, bob: Book) -> None:
    """Both laptops sync: each receives what the other wrote."""
    deliver(alice, bob)
    deliver(bob, alice)


def notes_of(book: Book, account_id: str) -> str:
    return str(
        book.db.execute("SELECT notes FROM account WHERE id = ?", (account_id,)).fetchone()[0]
    )


def log_size(book: Book) -> int:
    return int(book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0])


def logged_tables(book: Book) -> Counter[str]:
    """How many change-log entries name each table."""
    return Counter(t for (t,) in book.db.execute("SELECT table_name FROM change_log"))


def conflicting_notes(alice: Book, bob: Book) -> tuple[str, Conflict]:
    """An account whose notes both laptops changed at once; alice's open conflict."""
    account = create_account(alice, {"name": "华东制造集团", "currency": "CNY"})
    deliver(alice, bob)
    update_account(alice, account, {"notes": "Wants a pilot line in Suzhou"})
    update_account(bob, account, {"notes": "Budget approved for 2027"})
    exchange(alice, bob)
    (conflict,) = open_conflicts(alice)
    assert conflict.column == "notes"
    return account, conflict


def test_keeping_theirs_writes_the_losing_value_and_closes_it_on_the_other_laptop(
    laptops: tuple[Book, Book],
) -> None:
    alice, bob = laptops
    account, conflict = conflicting_notes(alice, bob)
    assert conflict.account_id == account
    assert conflict.label == "Notes"

    resolve_conflict(alice, conflict.id, keep_value=True)

    assert open_conflicts(alice) == []
    assert notes_of(alice, account) == conflict.value
    deliver(alice, bob)
    assert open_conflicts(bob) == []
    assert notes_of(bob, account) == conflict.value


def test_keeping_mine_leaves_the_value_and_closes_it_on_the_other_laptop(
    laptops: tuple[Book, Book],
) -> None:
    alice, bob = laptops
    account, conflict = conflicting_notes(alice, bob)
    before = logged_tables(alice)

    resolve_conflict(alice, conflict.id, keep_value=False)

    assert open_conflicts(alice) == []
    assert notes_of(alice, account) == conflict.current
    # Only the dismissal is written: the notes themselves are not logged again.
    assert set(logged_tables(alice) - before) == {"conflict_dismissal"}
    deliver(alice, bob)
    assert open_conflicts(bob) == []
    assert notes_of(bob, account) == conflict.current


def test_a_merged_text_replaces_both_values_on_both_laptops(laptops: tuple[Book, Book]) -> None:
    alice, bob = laptops
    account, conflict = conflicting_notes(alice, bob)
    assert conflict.can_merge_text
    merged = "Wants a pilot line in Suzhou; budget approved for 2027"

    resolve_with_text(bob, open_conflicts(bob)[0].id, f"  {merged}  ")

    assert notes_of(bob, account) == merged  # trimmed, as a form keeps it
    assert open_conflicts(bob) == []
    deliver(bob, alice)
    assert notes_of(alice, account) == merged
    assert open_conflicts(alice) == []


def test_a_refused_merged_text_changes_nothing(laptops: tuple[Book, Book]) -> None:
    alice, bob = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    deliver(alice, bob)
    update_account(alice, account, {"name": "Huadong Precision"})
    update_account(bob, account, {"name": "华东精密"})
    exchange(alice, bob)
    (conflict,) = open_conflicts(alice)
    before = log_size(alice)

    with pytest.raises(ValidationError) as refused:
        resolve_with_text(alice, conflict.id, "   ")  # an account must have a name

    assert "name" in refused.value.errors
    assert log_size(alice) == before
    assert [c.id for c in open_conflicts(alice)] == [conflict.id]
    name = alice.db.execute("SELECT name FROM account WHERE id = ?", (account,)).fetchone()[0]
    assert name == conflict.current


def test_a_deal_stage_kept_through_the_ops_gets_its_stage_history(
    laptops: tuple[Book, Book],
) -> None:
    alice, bob = laptops
    account = create_account(alice, {"name": "Acme Robotics", "currency": "USD"})
    deal = create_record(alice, DEAL, account, {"name": "Line 2 robots", "currency": "USD"})
    deliver(alice, bob)
    update_record(alice, DEAL, deal, {"stage": "compass.solution"})
    update_record(bob, DEAL, deal, {"stage": "compass.commercial"})
    exchange(alice, bob)
    (conflict,) = open_conflicts(alice)
    assert (conflict.column, conflict.label, conflict.record_kind) == ("stage", "Stage", "deal")
    assert conflict.account_id == account
    assert not conflict.can_merge_text  # a stage is chosen, not typed

    resolve_conflict(alice, conflict.id, keep_value=True)

    for book in (alice, bob):
        if book is bob:
            deliver(alice, bob)
        moves = book.db.execute(
            "SELECT from_stage, to_stage FROM stage_change WHERE opportunity_id = ? "
            "AND deleted_at IS NULL",
            (deal,),
        ).fetchall()
        assert (conflict.current, conflict.value) in moves
        stage = book.db.execute("SELECT stage FROM opportunity WHERE id = ?", (deal,)).fetchone()
        assert stage == (conflict.value,)
        assert open_conflicts(book) == []


def test_a_sent_proposal_refuses_the_losing_title_and_stays_as_it_was(
    laptops: tuple[Book, Book],
) -> None:
    alice, bob = laptops
    account = create_account(alice, {"name": "Acme Steel", "currency": "USD"})
    proposal = new_proposal(alice, account, title="Line 2 automation")
    option = BookReader(alice.db).records_of(kind("proposal_option"), proposal)[0].id
    create_record(
        alice,
        kind("proposal_line"),
        option,
        {"product": "Robot cell", "quantity": 2000, "unit_price_minor": 45_000_000},
    )
    deliver(alice, bob)
    update_record(alice, kind("proposal"), proposal, {"title": "Line 2 automation, phase 1"})
    update_record(bob, kind("proposal"), proposal, {"title": "Line 2 and 3 automation"})
    exchange(alice, bob)
    send_proposal(alice, proposal, dt.date(2026, 12, 1))
    (conflict,) = open_conflicts(alice)
    before = log_size(alice)

    with pytest.raises(ValidationError) as refused:
        resolve_conflict(alice, conflict.id, keep_value=True)

    assert "was sent on" in refused.value.message
    assert log_size(alice) == before
    assert [c.id for c in open_conflicts(alice)] == [conflict.id]
    # Keeping the title the customer has is no change to it, and closes the conflict.
    resolve_conflict(alice, conflict.id, keep_value=False)
    assert open_conflicts(alice) == []


def test_conflicts_are_counted_by_the_account_they_belong_to(laptops: tuple[Book, Book]) -> None:
    alice, bob = laptops
    acme = create_account(alice, {"name": "Acme Robotics", "currency": "USD"})
    bank = create_account(alice, {"name": "Blue River Bank", "currency": "USD"})
    quiet = create_account(alice, {"name": "Northwind", "currency": "USD"})
    person = create_stakeholder(alice, acme, {"name": "Alice Walker"})
    deal = create_record(alice, DEAL, acme, {"name": "Line 2 robots", "currency": "USD"})
    deliver(alice, bob)
    for book, word in ((alice, "alice"), (bob, "bob")):
        update_stakeholder(book, person, {"title": f"CTO ({word})"})
        update_record(book, DEAL, deal, {"notes": f"{word}'s notes"})
        update_account(book, bank, {"notes": f"{word}'s notes"})
    exchange(alice, bob)

    assert conflicts_by_account(alice) == {acme: 2, bank: 1}
    assert quiet not in conflicts_by_account(bob)
    assert {c.record for c in open_conflicts(alice, acme)} == {"Alice Walker", "Line 2 robots"}
    resolve_conflict(alice, open_conflicts(alice, bank)[0].id, keep_value=False)
    assert conflicts_by_account(alice) == {acme: 2}


def test_a_field_label_follows_the_language(laptops: tuple[Book, Book]) -> None:
    alice, bob = laptops
    _account, conflict = conflicting_notes(alice, bob)
    set_language("zh_CN")
    try:
        assert conflict.label == "备注"
        assert conflict.record_kind == "客户"
    finally:
        set_language("en")


def test_a_conflict_of_a_record_deleted_since_waits_until_it_is_restored(
    laptops: tuple[Book, Book],
) -> None:
    from kamdesk.ops.accounts import delete_account, restore_account

    alice, bob = laptops
    account, _conflict = conflicting_notes(alice, bob)
    delete_account(bob, account)
    deliver(bob, alice, allow_mass_delete=True)  # the book's one account: it asks first
    for book in (alice, bob):
        assert open_conflicts(book) == []  # nothing to choose on a deleted account
        assert conflicts_by_account(book) == {}
    restore_account(alice, account)
    deliver(alice, bob)
    for book in (alice, bob):
        (back,) = open_conflicts(book)
        assert back.column == "notes"
    resolve_conflict(alice, back.id, keep_value=True)
    deliver(alice, bob)
    assert open_conflicts(bob) == []

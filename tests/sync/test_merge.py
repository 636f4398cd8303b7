"""The merge, on real books: who wins a field, what is kept as a conflict, and how it closes."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account, delete_account, update_account
from kamdesk.ops.conflicts import open_conflicts, resolve_conflict
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.ops.sync import MassDeleteError, merge_into
from kamdesk.store.book import Book
from kamdesk.sync.clock import pack
from kamdesk.sync.entries import WireEntry, refused_place

from .books import conflicts, data, deliver, entries_of, new_device_book

DEAL = kind("opportunity")
ANDROID_TIME = 1_765_000_000_000


@pytest.fixture
def laptops(empty_book_template: Path, tmp_path: Path) -> Iterator[tuple[Book, Book, Book]]:
    books = tuple(
        new_device_book(empty_book_template, tmp_path / f"{name}.kamdesk")
        for name in ("alice", "bob", "carol")
    )
    yield books  # type: ignore[misc]
    for book in books:
        book.close()


def name_of(book: Book, account_id: str) -> str:
    return str(
        book.db.execute("SELECT name FROM account WHERE id = ?", (account_id,)).fetchone()[0]
    )


def test_a_new_laptop_receives_the_whole_book(laptops: tuple[Book, Book, Book]) -> None:
    alice, bob, _ = laptops
    group = create_account(alice, {"name": "华东制造集团", "currency": "CNY"})
    branch = create_account(alice, {"name": "苏州分公司", "parent_id": group, "currency": "CNY"})
    create_stakeholder(alice, branch, {"name": "王磊", "title": "采购总监"})
    result = deliver(alice, bob)
    assert result.applied == len(entries_of(alice))
    assert data(bob) == data(alice)
    # What bob applied is alice's, not bob's own edits: bob has nothing to send.
    assert entries_of(bob) == []


def test_concurrent_edits_keep_the_loser_as_a_conflict_on_both_laptops(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice, bob, _ = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    deliver(alice, bob)
    update_account(alice, account, {"name": "Huadong Precision"})
    update_account(bob, account, {"name": "华东精密"})
    deliver(alice, bob)
    deliver(bob, alice)
    assert name_of(alice, account) == name_of(bob, account)
    found = open_conflicts(alice)
    assert [(c.column, c.current) for c in found] == [("name", name_of(alice, account))]
    loser = {"Huadong Precision", "华东精密"} - {name_of(alice, account)}
    assert [c.value for c in found] == list(loser)
    assert conflicts(alice) == conflicts(bob)


def test_a_value_replaced_by_someone_who_saw_it_is_no_conflict(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice, bob, carol = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    update_account(alice, account, {"name": "Huadong A"})
    deliver(alice, bob)
    update_account(bob, account, {"name": "Huadong B"})  # bob saw alice's value
    # Carol hears of bob's edit before the value it replaced.
    deliver(bob, carol)
    deliver(alice, carol)
    deliver(bob, alice)
    for book in laptops:
        assert name_of(book, account) == "Huadong B"
        assert open_conflicts(book) == []


def test_the_same_entries_in_any_order_or_twice_give_the_same_book(
    laptops: tuple[Book, Book, Book], empty_book_template: Path, tmp_path: Path
) -> None:
    alice, bob, carol = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    for book in (bob, carol):
        deliver(alice, book)
    for index, book in enumerate(laptops):
        update_account(book, account, {"name": f"name {index}", "notes": f"notes {index}"})
        create_stakeholder(book, account, {"name": f"person {index}"})
    everything = [e for book in laptops for e in entries_of(book)]
    books = []
    for attempt in range(3):
        fresh = new_device_book(empty_book_template, tmp_path / f"fresh{attempt}.kamdesk")
        shuffled = everything * 2
        random.Random(attempt).shuffle(shuffled)
        # Delivered in three parts, each in its own order: entries after a gap wait.
        for part in (shuffled[::3], shuffled[1::3], shuffled[2::3], shuffled):
            merge_into(fresh, part)
        books.append(fresh)
    try:
        assert all(len(open_conflicts(b)) == 4 for b in books)  # name and notes, 2 losers each
        for other in books[1:]:
            assert data(other) == data(books[0])
            assert conflicts(other) == conflicts(books[0])
        again = merge_into(books[0], everything)
        assert (again.applied, again.skipped) == (0, len(everything))
    finally:
        for book in books:
            book.close()


def test_resolving_a_conflict_closes_it_on_every_laptop(laptops: tuple[Book, Book, Book]) -> None:
    alice, bob, carol = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    for book in (bob, carol):
        deliver(alice, book)
    update_account(bob, account, {"notes": "bob's notes"})
    update_account(carol, account, {"notes": "carol's notes"})
    for source in (bob, carol):
        for target in laptops:
            if target is not source:
                deliver(source, target)
    (conflict,) = open_conflicts(alice)
    resolve_conflict(alice, conflict.id, keep_value=True)
    assert open_conflicts(alice) == []
    for target in (bob, carol):
        deliver(alice, target)
        assert open_conflicts(target) == []
    notes = {b.db.execute("SELECT notes FROM account").fetchone()[0] for b in laptops}
    assert notes == {conflict.value}


def test_an_edit_concurrent_with_a_delete_keeps_the_row_and_flags_it(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice, bob, _ = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    deliver(alice, bob)
    delete_account(alice, account)
    update_account(bob, account, {"notes": "visited on Monday, wants a pilot"})
    deliver(alice, bob, allow_mass_delete=True)  # the one account there is
    deliver(bob, alice)
    for book in (alice, bob):
        live = book.db.execute("SELECT deleted_at FROM account WHERE id = ?", (account,))
        assert live.fetchone()[0] is None
        (flag,) = open_conflicts(book)
        assert (flag.kind, flag.record, flag.writer) == ("deleted", "Huadong", alice.device_id)
    resolve_conflict(bob, open_conflicts(bob)[0].id, keep_value=True)  # delete it after all
    deliver(bob, alice, allow_mass_delete=True)
    for book in (alice, bob):
        gone = book.db.execute("SELECT deleted_at FROM account WHERE id = ?", (account,))
        assert gone.fetchone()[0] is not None
        assert open_conflicts(book) == []


@pytest.mark.parametrize("edit_arrives_first", [True, False])
def test_an_edit_earlier_than_a_concurrent_delete_keeps_the_row_too(
    laptops: tuple[Book, Book, Book], edit_arrives_first: bool
) -> None:
    alice, bob, _ = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    deliver(alice, bob)
    update_account(bob, account, {"notes": "visited on Monday, wants a pilot"})
    delete_account(alice, account)  # later than Bob's edit, without having seen it
    # The delete says what Alice had of the row: Bob's note was not part of it.
    if edit_arrives_first:
        deliver(bob, alice)
        deliver(alice, bob, allow_mass_delete=True)
    else:
        deliver(alice, bob, allow_mass_delete=True)
        deliver(bob, alice)
    assert data(alice) == data(bob)
    assert conflicts(alice) == conflicts(bob)
    for book in (alice, bob):
        row = book.db.execute("SELECT deleted_at, notes FROM account WHERE id = ?", (account,))
        assert row.fetchone() == (None, "visited on Monday, wants a pilot")
        (flag,) = open_conflicts(book)
        assert (flag.kind, flag.writer) == ("deleted", alice.device_id)


def test_a_delete_made_after_seeing_an_edit_stays_deleted(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice, bob, _ = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    deliver(alice, bob)
    update_account(bob, account, {"notes": "visited on Monday"})
    deliver(bob, alice)
    delete_account(alice, account)  # Alice saw Bob's note and deleted the account anyway
    deliver(alice, bob, allow_mass_delete=True)
    deliver(bob, alice)
    for book in (alice, bob):
        gone = book.db.execute("SELECT deleted_at FROM account WHERE id = ?", (account,))
        assert gone.fetchone()[0] is not None
        assert open_conflicts(book) == []


def test_an_amount_and_its_currency_merge_whole(laptops: tuple[Book, Book, Book]) -> None:
    alice, bob, _ = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    deal = create_record(alice, DEAL, account, {"name": "MES rollout", "currency": "CNY"})
    deliver(alice, bob)
    update_record(alice, DEAL, deal, {"amount_minor": 120_000_00, "currency": "CNY"})
    update_record(bob, DEAL, deal, {"amount_minor": 20_000_00, "currency": "USD"})
    deliver(alice, bob)
    deliver(bob, alice)
    pairs = {
        b.db.execute("SELECT amount_minor, currency FROM opportunity").fetchone()
        for b in (alice, bob)
    }
    assert pairs in ({(120_000_00, "CNY")}, {(20_000_00, "USD")})
    (conflict,) = open_conflicts(alice)
    assert conflict.column == "amount"
    assert {tuple(conflict.value.values()), tuple(conflict.current.values())} == {
        (120_000_00, "CNY"),
        (20_000_00, "USD"),
    }


def test_a_person_arriving_before_their_account_waits_for_it(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice, bob, carol = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    deliver(alice, bob)
    person = create_stakeholder(bob, account, {"name": "王磊"})
    deliver(bob, carol)  # carol has no account yet
    assert carol.db.execute("SELECT COUNT(*) FROM stakeholder").fetchone()[0] == 0
    deliver(alice, carol)
    row = carol.db.execute("SELECT account_id, name FROM stakeholder WHERE id = ?", (person,))
    assert row.fetchone() == (account, "王磊")


def remote(seq: int, table: str, column: str, value: object, hlc: int) -> WireEntry:
    return WireEntry(
        "5f0c2b9e-1d3a-4c6b-8e7f-a1b2c3d4e5f6",
        seq,
        hlc,
        table,
        "7e3d2c1b-0a9f-4e8d-b7c6-d5e4f3a2b1c0",
        column,
        json.dumps(value),
        None,
        None,
    )


def test_entries_for_a_table_this_version_lacks_are_kept_not_applied(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice = laptops[0]
    result = merge_into(
        alice, [remote(1, "account_plan", "goal", "grow share", pack(ANDROID_TIME))]
    )
    assert result.applied == 1
    kept = alice.db.execute("SELECT table_name, value FROM sync_pending").fetchall()
    assert kept == [("account_plan", '"grow share"')]


def test_entries_after_a_missing_one_wait_for_it(laptops: tuple[Book, Book, Book]) -> None:
    alice = laptops[0]
    first = remote(1, "account", "name", "Huadong", pack(ANDROID_TIME))
    second = remote(2, "account", "notes", "second", pack(ANDROID_TIME) + 1)
    assert merge_into(alice, [second]).waiting == 1
    assert alice.db.execute("SELECT COUNT(*) FROM account").fetchone()[0] == 0
    assert merge_into(alice, [second, first]).applied == 2
    assert alice.db.execute("SELECT name, notes FROM account").fetchone() == ("Huadong", "second")


def test_a_refused_changes_place_holder_is_taken_and_nothing_of_it_applied(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice = laptops[0]
    first = remote(1, "account", "name", "Huadong", pack(ANDROID_TIME))
    device = first.device_id
    refused = refused_place(device, 2, pack(ANDROID_TIME) + 1, "not_your_team")
    third = remote(3, "account", "notes", "after the refused one", pack(ANDROID_TIME) + 2)
    result = merge_into(alice, [third, refused, first])
    assert (result.applied, result.waiting) == (2, 0)
    assert alice.db.execute("SELECT name, notes FROM account").fetchone() == (
        "Huadong",
        "after the refused one",
    )
    assert alice.db.execute(
        "SELECT last_seq FROM sync_device WHERE device_id = ?", (device,)
    ).fetchone() == (3,)
    assert alice.db.execute(
        "SELECT COUNT(*) FROM sync_column WHERE table_name = '_refused'"
    ).fetchone() == (0,)
    assert alice.db.execute("SELECT COUNT(*) FROM sync_pending").fetchone() == (0,)


def test_a_clock_far_in_the_future_is_followed_and_reported(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice = laptops[0]
    ahead = pack(alice.clock._wall() + 3 * 24 * 60 * 60 * 1000)
    result = merge_into(alice, [remote(1, "account", "name", "From the future", ahead)])
    assert list(result.future_clocks.values()) == [pytest.approx(3 * 24 * 60, abs=2)]
    assert alice.clock.now() > ahead


def test_a_sync_deleting_most_accounts_stops_and_asks(laptops: tuple[Book, Book, Book]) -> None:
    alice, bob, _ = laptops
    accounts = [create_account(alice, {"name": f"A{i}", "currency": "CNY"}) for i in range(4)]
    deliver(alice, bob)
    for account in accounts[:3]:
        delete_account(alice, account)
    with pytest.raises(MassDeleteError) as refused:
        deliver(alice, bob)
    assert (refused.value.deletions, refused.value.live) == (3, 4)
    assert bob.db.execute("SELECT COUNT(*) FROM account WHERE deleted_at IS NULL").fetchone() == (
        4,
    )
    deliver(alice, bob, allow_mass_delete=True)
    assert bob.db.execute("SELECT COUNT(*) FROM account WHERE deleted_at IS NULL").fetchone() == (
        1,
    )


def test_a_local_edit_outranks_a_value_still_waiting_for_the_row_it_names(
    laptops: tuple[Book, Book, Book],
) -> None:
    alice, bob, carol = laptops
    account = create_account(alice, {"name": "Huadong", "currency": "CNY"})
    for book in (bob, carol):
        deliver(alice, book)
    owner = create_record_member(alice)
    deliver(alice, bob)
    update_account(bob, account, {"owner_id": owner})  # carol has not heard of the owner
    deliver(bob, carol)
    assert carol.db.execute("SELECT owner_id FROM account").fetchone() == (None,)
    own_owner = create_record_member(carol)
    update_account(carol, account, {"owner_id": own_owner})  # after bob's, knowingly
    deliver(alice, carol)
    assert carol.db.execute("SELECT owner_id FROM account").fetchone() == (own_owner,)
    assert carol.db.execute("SELECT COUNT(*) FROM sync_pending").fetchone() == (0,)


def create_record_member(book: Book) -> str:
    from kamdesk.ops.team import create_team_member

    return create_team_member(book, {"name": "李娜", "role": "account_manager"})

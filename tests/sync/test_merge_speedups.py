"""Rows a merge makes in bulk are the rows the app would have made, and can be found."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account, delete_account, update_account
from kamdesk.ops.kinds import create_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.ops.sync import merge_into
from kamdesk.ops.team import create_team_member
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountQuery, BookReader
from kamdesk.sync.clock import pack
from kamdesk.sync.entries import WireEntry

from .books import data, deliver, new_device_book

DEAL = kind("opportunity")


@pytest.fixture
def laptops(empty_book_template: Path, tmp_path: Path) -> Iterator[tuple[Book, Book]]:
    alice = new_device_book(empty_book_template, tmp_path / "alice.kamdesk")
    bob = new_device_book(empty_book_template, tmp_path / "bob.kamdesk")
    yield alice, bob
    alice.close()
    bob.close()


def found(book: Book, text: str) -> list[str]:
    return BookReader(book.db).account_ids(AccountQuery(text=text))


def test_a_first_sync_makes_rows_with_every_default_and_finds_them(
    laptops: tuple[Book, Book],
) -> None:
    alice, bob = laptops
    owner = create_team_member(alice, {"name": "张伟"})
    group = create_account(alice, {"name": "华东制造集团", "owner_id": owner, "currency": "CNY"})
    create_stakeholder(alice, group, {"name": "王磊", "title": "采购总监"})
    create_record(alice, DEAL, group, {"name": "MES rollout", "currency": "CNY"})
    deliver(alice, bob)
    # Every column the receiving book made is what the sending book holds (defaults too).
    assert data(bob) == data(alice)
    # Found by its name, its owner, its people (by pinyin too) and its deals.
    for text in ("华东", "张伟", "王磊", "wl", "MES"):
        assert found(bob, text) == [group], text


def test_an_account_arriving_deleted_is_not_found(laptops: tuple[Book, Book]) -> None:
    alice, bob = laptops
    gone = create_account(alice, {"name": "Northwind Logistics", "currency": "USD"})
    delete_account(alice, gone)
    deliver(alice, bob)
    assert data(bob) == data(alice)
    assert found(bob, "Northwind") == []


def test_later_edits_of_rows_a_sync_made_are_found_under_the_new_text(
    laptops: tuple[Book, Book],
) -> None:
    alice, bob = laptops
    account = create_account(alice, {"name": "Contoso", "currency": "USD"})
    deliver(alice, bob)
    update_account(alice, account, {"name": "Fabrikam"})
    deliver(alice, bob)
    assert found(bob, "Fabrikam") == [account]
    assert found(bob, "Contoso") == []


def test_a_field_a_newer_version_added_does_not_stop_its_row_from_arriving(
    laptops: tuple[Book, Book],
) -> None:
    _, bob = laptops
    device = "5d7c1e2a-0b3f-4c6d-8e9a-1f2b3c4d5e6f"
    row_id = "3f2e1d0c-9b8a-4765-8432-10fedcba9876"
    sent = [
        WireEntry(
            device, seq, pack(1_765_000_000_000 + seq), "account", row_id, column, value, None, None
        )
        for seq, (column, value) in enumerate(
            [("name", '"Contoso"'), ("currency", '"USD"'), ("carbon_score", "7")], 1
        )
    ]
    assert merge_into(bob, sent).applied == 3
    assert bob.db.execute("SELECT name FROM account WHERE id = ?", (row_id,)).fetchone() == (
        "Contoso",
    )
    assert found(bob, "Contoso") == [row_id]

"""Restoring a record never leaves it live under one that is still deleted.

Undo restores in the reverse order of the deletions, but a command can be dropped
(refused, or from before a sync): restoring a branch whose group is deleted brings the
group back too, and says so; the same for a deputy whose boss was deleted.
"""

from __future__ import annotations

import pytest

from kamdesk.errors import KamdeskError, UnknownFieldError
from kamdesk.ops.accounts import create_account, delete_account, restore_account, update_account
from kamdesk.ops.stakeholders import (
    create_stakeholder,
    delete_stakeholder,
    restore_stakeholder,
    update_stakeholder,
)
from kamdesk.store.book import Book


def live(book: Book, table: str) -> set[str]:
    rows = book.db.execute(f"SELECT name FROM {table} WHERE deleted_at IS NULL").fetchall()
    return {name for (name,) in rows}


def change_log_size(book: Book) -> int:
    count: int = book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    return count


def test_restoring_a_branch_brings_back_its_deleted_group_and_its_parent(book: Book) -> None:
    holding = create_account(book, {"name": "Holding", "currency": "CNY"})
    group = create_account(book, {"name": "Group", "currency": "CNY", "parent_id": holding})
    branch = create_account(book, {"name": "Branch", "currency": "CNY", "parent_id": group})
    delete_account(book, branch)
    delete_account(book, group)
    delete_account(book, holding)

    brought_back = restore_account(book, branch)

    assert brought_back == ["Group", "Holding"]
    assert live(book, "account") == {"Holding", "Group", "Branch"}


def test_undo_in_order_brings_back_each_account_alone(book: Book) -> None:
    # What the undo stack does after deleting a branch and then its group.
    group = create_account(book, {"name": "Group", "currency": "CNY"})
    branch = create_account(book, {"name": "Branch", "currency": "CNY", "parent_id": group})
    delete_account(book, branch)
    delete_account(book, group)

    assert restore_account(book, group) == []
    assert restore_account(book, branch) == []
    assert live(book, "account") == {"Group", "Branch"}


def test_a_live_group_ends_the_chain(book: Book) -> None:
    holding = create_account(book, {"name": "Holding", "currency": "CNY"})
    group = create_account(book, {"name": "Group", "currency": "CNY", "parent_id": holding})
    branch = create_account(book, {"name": "Branch", "currency": "CNY", "parent_id": group})
    delete_account(book, branch)
    delete_account(book, group)
    # The holding was never deleted: the chain stops there.
    assert restore_account(book, branch) == ["Group"]
    assert live(book, "account") == {"Holding", "Group", "Branch"}


def test_restoring_a_deputy_brings_back_the_deleted_boss(book: Book) -> None:
    account = create_account(book, {"name": "Acme", "currency": "CNY"})
    ceo = create_stakeholder(book, account, {"name": "CEO"})
    boss = create_stakeholder(book, account, {"name": "Boss", "reports_to_id": ceo})
    deputy = create_stakeholder(book, account, {"name": "Deputy", "reports_to_id": boss})
    delete_stakeholder(book, deputy)
    delete_stakeholder(book, boss)
    delete_stakeholder(book, ceo)

    assert restore_stakeholder(book, deputy) == ["Boss", "CEO"]
    assert live(book, "stakeholder") == {"CEO", "Boss", "Deputy"}
    # And the restored chain is a sound one: the deputy can be edited as usual.
    update_stakeholder(book, deputy, {"title": "Deputy director"})


def test_restoring_a_stakeholder_of_a_deleted_account_brings_the_account_back(
    book: Book,
) -> None:
    account = create_account(book, {"name": "Acme", "currency": "CNY"})
    person = create_stakeholder(book, account, {"name": "Buyer"})
    delete_stakeholder(book, person)
    delete_account(book, account)

    assert restore_stakeholder(book, person) == ["Acme"]
    assert live(book, "account") == {"Acme"}
    assert live(book, "stakeholder") == {"Buyer"}


def test_the_chain_comes_back_in_one_logged_transaction(book: Book) -> None:
    group = create_account(book, {"name": "Group", "currency": "CNY"})
    branch = create_account(book, {"name": "Branch", "currency": "CNY", "parent_id": group})
    delete_account(book, branch)
    delete_account(book, group)
    before = change_log_size(book)
    restore_account(book, branch)
    logged = book.db.execute(
        "SELECT row_id FROM change_log ORDER BY id DESC LIMIT ?",
        (change_log_size(book) - before,),
    ).fetchall()
    assert {row_id for (row_id,) in logged} == {group, branch}


@pytest.mark.parametrize("op", ["create", "update"])
def test_an_unknown_field_is_a_typed_error_and_writes_nothing(book: Book, op: str) -> None:
    account = create_account(book, {"name": "Acme", "currency": "CNY"})
    before = change_log_size(book)
    with pytest.raises(UnknownFieldError) as refused:
        if op == "create":
            create_account(book, {"name": "Other", "currency": "CNY", "colour": "red"})
        else:
            update_account(book, account, {"name": "Renamed", "colour": "red"})
    assert isinstance(refused.value, KamdeskError)
    assert "colour" in refused.value.message
    assert change_log_size(book) == before
    assert live(book, "account") == {"Acme"}

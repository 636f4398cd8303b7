"""User actions: validation keyed by field, nothing written on refusal, delete and restore."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from kamdesk.errors import NotFoundError, ValidationError
from kamdesk.ops.accounts import create_account, delete_account, restore_account, update_account
from kamdesk.ops.stakeholders import (
    create_stakeholder,
    delete_stakeholder,
    restore_stakeholder,
    update_stakeholder,
)
from kamdesk.ops.team import create_team_member, delete_team_member, restore_team_member
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountQuery, BookReader

HUGE_PASTE = "客户拜访纪要 meeting notes " * 5_000  # ~100 kB


def snapshot(book: Book) -> dict[str, Any]:
    """Everything a refused action must leave exactly as it was."""
    q = book.db.execute
    return {
        "log": q("SELECT * FROM change_log ORDER BY id").fetchall(),
        "account": q("SELECT * FROM account ORDER BY id").fetchall(),
        "stakeholder": q("SELECT * FROM stakeholder ORDER BY id").fetchall(),
        "coverage": q("SELECT * FROM coverage ORDER BY id").fetchall(),
        "team": q("SELECT * FROM team_member ORDER BY id").fetchall(),
        "search": q("SELECT * FROM search_doc ORDER BY id").fetchall(),
        "meta": q("SELECT * FROM book_meta ORDER BY key").fetchall(),
    }


def refused(book: Book, action: Callable[[], object]) -> dict[str, str]:
    """Run ``action``, which must be refused without a trace; return its field messages."""
    before = snapshot(book)
    with pytest.raises(ValidationError) as raised:
        action()
    assert snapshot(book) == before
    assert raised.value.message  # something to show the user
    return raised.value.errors


def log_for(book: Book, row_id: str) -> list[tuple[str, str, str]]:
    return book.db.execute(
        "SELECT table_name, column_name, value FROM change_log WHERE row_id = ? "
        "ORDER BY device_seq",
        (row_id,),
    ).fetchall()


def new_account(book: Book, name: str, **values: object) -> str:
    return create_account(book, {"name": name, "currency": "CNY", **values})


# --- accounts ---------------------------------------------------------------------------


def test_negative_revenue_is_refused(book: Book) -> None:
    errors = refused(book, lambda: new_account(book, "Acme", annual_revenue_minor=-100))
    assert set(errors) == {"annual_revenue_minor"}
    assert "negative" in errors["annual_revenue_minor"]
    account = new_account(book, "Acme", annual_revenue_minor=100)
    errors = refused(book, lambda: update_account(book, account, {"potential_revenue_minor": -1}))
    assert set(errors) == {"potential_revenue_minor"}


def test_an_account_cannot_sit_under_its_own_branch(book: Book) -> None:
    a = new_account(book, "A")
    b = new_account(book, "B", parent_id=a)
    errors = refused(book, lambda: update_account(book, a, {"parent_id": b}))
    assert set(errors) == {"parent_id"}
    errors = refused(book, lambda: update_account(book, a, {"parent_id": a}))
    assert set(errors) == {"parent_id"}


def test_a_deeper_cycle_is_refused_and_a_legal_move_is_not(book: Book) -> None:
    a = new_account(book, "A")
    b = new_account(book, "B", parent_id=a)
    c = new_account(book, "C", parent_id=b)
    d = new_account(book, "D", parent_id=c)
    errors = refused(book, lambda: update_account(book, a, {"parent_id": d}))
    assert set(errors) == {"parent_id"}
    # Moving the branch C under a sibling tree is fine.
    other = new_account(book, "Other")
    assert update_account(book, c, {"parent_id": other}) == {"parent_id": b}
    assert BookReader(book.db).child_ids(other) == [c]


def test_parent_and_owner_must_still_exist(book: Book) -> None:
    gone = new_account(book, "Gone")
    delete_account(book, gone)
    errors = refused(book, lambda: new_account(book, "Child", parent_id=gone))
    assert set(errors) == {"parent_id"}
    member = create_team_member(book, {"name": "Left the company"})
    delete_team_member(book, member)
    errors = refused(book, lambda: new_account(book, "Owned", owner_id=member))
    assert set(errors) == {"owner_id"}


@pytest.mark.parametrize("field", ["name", "procurement_process", "notes", "competitors"])
def test_a_100_kb_paste_is_refused(book: Book, field: str) -> None:
    account = new_account(book, "Acme")
    errors = refused(book, lambda: update_account(book, account, {field: HUGE_PASTE}))
    assert set(errors) == {field}
    assert "too long" in errors[field]
    errors = refused(
        book, lambda: create_account(book, {"name": "x", "currency": "CNY", field: HUGE_PASTE})
    )
    assert set(errors) == {field}


@pytest.mark.parametrize(
    ("field", "value"),
    [("industry", "alchemy"), ("lifecycle_stage", "Prospect"), ("org_level", "galaxy"),
     ("tier", "S"), ("currency", "rmb")],
)  # fmt: skip
def test_an_unknown_code_is_refused(book: Book, field: str, value: str) -> None:
    errors = refused(book, lambda: new_account(book, "Acme", **{field: value}))
    assert set(errors) == {field}


def test_a_name_is_required(book: Book) -> None:
    errors = refused(book, lambda: create_account(book, {"currency": "CNY"}))
    assert set(errors) == {"name"}
    errors = refused(book, lambda: create_account(book, {"name": "   ", "currency": "CNY"}))
    assert set(errors) == {"name"}
    account = new_account(book, "Acme")
    errors = refused(book, lambda: update_account(book, account, {"name": ""}))
    assert set(errors) == {"name"}


@pytest.mark.parametrize("text", ["Acme\x00Ltd", "Acme \ud83d Ltd"])
def test_text_that_cannot_be_stored_is_refused_with_a_message(book: Book, text: str) -> None:
    # A NUL or half of an emoji's surrogate pair, as a broken clipboard can paste.
    errors = refused(book, lambda: new_account(book, text))
    assert set(errors) == {"name"}


def test_every_bad_field_is_reported_at_once(book: Book) -> None:
    errors = refused(
        book,
        lambda: create_account(
            book, {"name": "", "currency": "CNY", "tier": "Z", "annual_revenue_minor": -5}
        ),
    )
    assert set(errors) == {"name", "tier", "annual_revenue_minor"}


def test_an_account_with_branches_cannot_be_deleted(book: Book) -> None:
    group = new_account(book, "Group")
    branch = new_account(book, "Branch", parent_id=group)
    errors = refused(book, lambda: delete_account(book, group))
    assert set(errors) == {"parent_id"}
    assert "1 branch" in errors["parent_id"]
    delete_account(book, branch)
    delete_account(book, group)
    assert BookReader(book.db).account_count() == 0


def test_delete_then_restore_brings_the_account_back_with_its_stakeholders(book: Book) -> None:
    account = new_account(book, "华东制造", tier="A", notes="key account")
    people = {create_stakeholder(book, account, {"name": n}) for n in ("Li Wei", "Wang Fang")}
    reader = BookReader(book.db)
    before = reader.account(account)

    delete_account(book, account)
    assert reader.account(account) is None
    assert reader.account_ids(AccountQuery()) == []
    with pytest.raises(NotFoundError):
        update_account(book, account, {"tier": "B"})

    restore_account(book, account)
    assert reader.account(account) == before
    assert reader.account_ids(AccountQuery()) == [account]
    assert {p.id for p in reader.stakeholders(account)} == people
    assert reader.account_rows([account])[account].stakeholder_count == 2
    deleted_at = [json.loads(v) for t, c, v in log_for(book, account) if c == "deleted_at"]
    assert len(deleted_at) == 2
    assert deleted_at[0] is not None
    assert deleted_at[1] is None


def test_acting_on_a_deleted_record_says_it_no_longer_exists(book: Book) -> None:
    account = new_account(book, "Acme")
    delete_account(book, account)
    with pytest.raises(NotFoundError):
        delete_account(book, account)
    with pytest.raises(NotFoundError):
        restore_account(book, "no-such-id")


# --- stakeholders -----------------------------------------------------------------------


def test_a_stakeholder_cannot_report_to_themselves(book: Book) -> None:
    account = new_account(book, "Acme")
    person = create_stakeholder(book, account, {"name": "Li Wei"})
    errors = refused(book, lambda: update_stakeholder(book, person, {"reports_to_id": person}))
    assert set(errors) == {"reports_to_id"}


def test_a_reporting_loop_is_refused(book: Book) -> None:
    account = new_account(book, "Acme")
    ceo = create_stakeholder(book, account, {"name": "CEO"})
    cio = create_stakeholder(book, account, {"name": "CIO", "reports_to_id": ceo})
    it_head = create_stakeholder(book, account, {"name": "IT head", "reports_to_id": cio})
    errors = refused(book, lambda: update_stakeholder(book, ceo, {"reports_to_id": it_head}))
    assert set(errors) == {"reports_to_id"}
    errors = refused(book, lambda: update_stakeholder(book, ceo, {"reports_to_id": cio}))
    assert set(errors) == {"reports_to_id"}


def test_reports_to_must_be_at_the_same_account(book: Book) -> None:
    acme = new_account(book, "Acme")
    other = new_account(book, "Other Co")
    boss_elsewhere = create_stakeholder(book, other, {"name": "Boss elsewhere"})
    errors = refused(
        book,
        lambda: create_stakeholder(book, acme, {"name": "Li Wei", "reports_to_id": boss_elsewhere}),
    )
    assert set(errors) == {"reports_to_id"}
    person = create_stakeholder(book, acme, {"name": "Li Wei"})
    errors = refused(
        book, lambda: update_stakeholder(book, person, {"reports_to_id": boss_elsewhere})
    )
    assert set(errors) == {"reports_to_id"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": HUGE_PASTE}, "name"),
        ({"title": HUGE_PASTE}, "title"),
        ({"notes": HUGE_PASTE}, "notes"),
        ({"buying_role": "KING"}, "buying_role"),
        ({"influence": 9}, "influence"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_bad_stakeholder_values_are_refused(
    book: Book, values: dict[str, object], field: str
) -> None:
    account = new_account(book, "Acme")
    errors = refused(book, lambda: create_stakeholder(book, account, {"name": "Li", **values}))
    assert set(errors) == {field}
    person = create_stakeholder(book, account, {"name": "Li"})
    errors = refused(book, lambda: update_stakeholder(book, person, values))
    assert set(errors) == {field}


def test_a_stakeholder_needs_a_live_account(book: Book) -> None:
    account = new_account(book, "Acme")
    delete_account(book, account)
    errors = refused(book, lambda: create_stakeholder(book, account, {"name": "Li Wei"}))
    assert set(errors) == {"name"}


def test_delete_and_restore_a_stakeholder(book: Book) -> None:
    account = new_account(book, "Acme")
    person = create_stakeholder(book, account, {"name": "Li Wei", "title": "CIO"})
    reader = BookReader(book.db)
    delete_stakeholder(book, person)
    assert reader.stakeholders(account) == []
    assert reader.stakeholder(person) is None
    restore_stakeholder(book, person)
    restored = reader.stakeholder(person)
    assert restored is not None
    assert restored.values["title"] == "CIO"


def test_coverage_add_and_remove_returns_the_previous_list_and_is_logged(book: Book) -> None:
    account = new_account(book, "Acme")
    person = create_stakeholder(book, account, {"name": "Li Wei"})
    anna = create_team_member(book, {"name": "Anna"})
    bo = create_team_member(book, {"name": "Bo"})
    reader = BookReader(book.db)

    assert update_stakeholder(book, person, {"covered_by": [bo, anna]}) == {"covered_by": ()}
    assert reader.stakeholder(person).covered_by == tuple(sorted((anna, bo)))  # type: ignore[union-attr]
    added = book.db.execute(
        "SELECT row_id, column_name, value FROM change_log WHERE table_name = 'coverage'"
    ).fetchall()
    assert {(c, json.loads(v)) for _, c, v in added} == {
        ("stakeholder_id", person),
        ("team_member_id", anna),
        ("team_member_id", bo),
    }
    coverage_rows = {r for r, _, _ in added}
    assert len(coverage_rows) == 2

    # The same list again changes nothing.
    count = len(added)
    total = book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    assert update_stakeholder(book, person, {"covered_by": [anna, bo]}) == {}
    assert book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == total

    previous = update_stakeholder(book, person, {"covered_by": [anna]})
    assert previous == {"covered_by": tuple(sorted((anna, bo)))}
    assert reader.stakeholder(person).covered_by == (anna,)  # type: ignore[union-attr]
    removed = book.db.execute(
        "SELECT row_id, column_name, value FROM change_log WHERE table_name = 'coverage' "
        "AND column_name NOT LIKE '\\_deletion\\_seen:%' ESCAPE '\\' ORDER BY device_seq"
    ).fetchall()[count:]
    assert len(removed) == 1
    assert removed[0][1] == "deleted_at"
    assert json.loads(removed[0][2]) is not None

    # Undo puts the previous list back.
    assert update_stakeholder(book, person, previous) == {"covered_by": (anna,)}
    assert reader.stakeholder(person).covered_by == tuple(sorted((anna, bo)))  # type: ignore[union-attr]


def test_coverage_by_a_deleted_team_member_is_refused(book: Book) -> None:
    account = new_account(book, "Acme")
    person = create_stakeholder(book, account, {"name": "Li Wei"})
    gone = create_team_member(book, {"name": "Gone"})
    delete_team_member(book, gone)
    errors = refused(book, lambda: update_stakeholder(book, person, {"covered_by": [gone]}))
    assert set(errors) == {"covered_by"}


def test_a_member_who_left_does_not_block_or_lose_anything_in_unrelated_edits(book: Book) -> None:
    member = create_team_member(book, {"name": "Li Lei"})
    account = create_account(book, {"name": "Acme", "currency": "CNY", "owner_id": member})
    person = create_stakeholder(book, account, {"name": "Wang", "covered_by": (member,)})
    delete_team_member(book, member)
    reader = BookReader(book.db)

    # What the forms send now that the member is gone: the owner kept as it was, and the
    # coverage list without them (the form only lists members still on the team).
    before_account = update_account(book, account, {"tier": "A", "owner_id": member})
    before_person = update_stakeholder(book, person, {"phone": "123", "covered_by": ()})

    assert before_account == {"tier": ""}
    assert before_person == {"phone": ""}
    assert reader.account(account)["owner_id"] == member  # type: ignore[index]
    # Nothing was deleted behind the user's back: with the member back, so is the thread.
    restore_team_member(book, member)
    assert reader.stakeholder(person).covered_by == (member,)  # type: ignore[union-attr]

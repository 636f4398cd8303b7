"""Saving a form writes only what the user changed, and never hides someone else's edit.

The form says what it started from (``base``). A field the user left alone is not written,
so a change another window or program made to it meanwhile stays; a field both changed
is refused with ``EditConflictError``, nothing is written, and the user chooses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from kamdesk.errors import EditConflictError, FieldConflict, NotFoundError, ValidationError
from kamdesk.ops.accounts import create_account, delete_account, update_account
from kamdesk.ops.stakeholders import create_stakeholder, update_stakeholder
from kamdesk.ops.team import create_team_member, update_team_member
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader


@pytest.fixture
def elsewhere(book: Book) -> Iterator[Book]:
    """The same book open in another program (another window, a second laptop session)."""
    with Book.open(book.path) as other:
        yield other


@pytest.fixture
def acme(book: Book) -> str:
    return create_account(
        book, {"name": "Acme", "currency": "CNY", "tier": "B", "notes": "Met the CIO"}
    )


def form_values(book: Book, account_id: str) -> dict[str, Any]:
    """What the edit form shows when it opens."""
    values = BookReader(book.db).account(account_id)
    assert values is not None
    return values


def stored(book: Book, account_id: str) -> dict[str, Any]:
    return form_values(book, account_id)


def log(book: Book) -> list[tuple[str, str, Any, int, int | None]]:
    return [
        (row_id, column, json.loads(value), hlc, seen)
        for row_id, column, value, hlc, seen in book.db.execute(
            "SELECT row_id, column_name, value, hlc, seen_hlc FROM change_log ORDER BY id"
        )
    ]


def test_changing_only_the_tier_keeps_the_notes_someone_changed_meanwhile(
    book: Book, elsewhere: Book, acme: str
) -> None:
    opened = form_values(book, acme)
    update_account(elsewhere, acme, {"notes": "Met the CIO; budget approved"})
    logged = len(log(book))

    # The form sends every field, as it always does; only Tier was changed in it.
    before = update_account(book, acme, {**opened, "tier": "A"}, base=opened)

    assert before == {"tier": "B"}
    now = stored(book, acme)
    assert now["tier"] == "A"
    assert now["notes"] == "Met the CIO; budget approved"
    # Only the tier is logged: nothing claims the old notes were put back on purpose.
    assert [(column, value) for _id, column, value, _hlc, _seen in log(book)[logged:]] == [
        ("tier", "A")
    ]


def test_a_field_both_changed_is_refused_with_both_values_and_nothing_is_written(
    book: Book, elsewhere: Book, acme: str
) -> None:
    opened = form_values(book, acme)
    update_account(elsewhere, acme, {"notes": "Budget approved", "industry": "energy"})
    after_theirs = (stored(book, acme), log(book))

    with pytest.raises(EditConflictError) as raised:
        update_account(
            book, acme, {**opened, "tier": "A", "notes": "Call back in May"}, base=opened
        )

    assert raised.value.conflicts == {
        "notes": FieldConflict(
            base="Met the CIO", theirs="Budget approved", mine="Call back in May"
        )
    }
    assert "Notes" in raised.value.message
    # Not even the tier, which nobody else touched: the save is all or nothing.
    assert (stored(book, acme), log(book)) == after_theirs


def test_keeping_mine_after_a_conflict_overwrites_theirs_knowingly(
    book: Book, elsewhere: Book, acme: str
) -> None:
    opened = form_values(book, acme)
    update_account(elsewhere, acme, {"notes": "Budget approved"})
    theirs_hlc = log(book)[-1][3]
    typed = {**opened, "tier": "A", "notes": "Call back in May"}
    with pytest.raises(EditConflictError) as raised:
        update_account(book, acme, typed, base=opened)

    rebased = {**opened, **{name: c.theirs for name, c in raised.value.conflicts.items()}}
    before = update_account(book, acme, typed, base=rebased)

    assert before == {"tier": "B", "notes": "Budget approved"}
    assert stored(book, acme)["notes"] == "Call back in May"
    # The log says which value was replaced: theirs, seen by the user.
    notes_entry = next(e for e in reversed(log(book)) if e[1] == "notes")
    assert notes_entry[4] == theirs_hlc


def test_keeping_theirs_after_a_conflict_saves_the_rest(
    book: Book, elsewhere: Book, acme: str
) -> None:
    opened = form_values(book, acme)
    update_account(elsewhere, acme, {"notes": "Budget approved"})
    typed = {**opened, "tier": "A", "notes": "Call back in May"}
    with pytest.raises(EditConflictError) as raised:
        update_account(book, acme, typed, base=opened)

    kept = {name: value for name, value in typed.items() if name not in raised.value.conflicts}
    assert update_account(book, acme, kept, base=opened) == {"tier": "B"}
    assert stored(book, acme)["notes"] == "Budget approved"
    assert stored(book, acme)["tier"] == "A"


def test_both_making_the_same_change_is_no_conflict(book: Book, elsewhere: Book, acme: str) -> None:
    opened = form_values(book, acme)
    update_account(elsewhere, acme, {"tier": "A"})
    assert update_account(
        book, acme, {**opened, "tier": "A", "name": "Acme Group"}, base=opened
    ) == {"name": "Acme"}
    assert stored(book, acme)["tier"] == "A"


def test_a_form_saved_unchanged_writes_nothing_even_after_changes_elsewhere(
    book: Book, elsewhere: Book, acme: str
) -> None:
    opened = form_values(book, acme)
    update_account(elsewhere, acme, {"tier": "C", "notes": ""})
    after_theirs = (stored(book, acme), log(book))
    assert update_account(book, acme, opened, base=opened) == {}
    assert (stored(book, acme), log(book)) == after_theirs


def test_values_are_compared_as_the_book_stores_them(book: Book, acme: str) -> None:
    opened = form_values(book, acme)
    # What the form gives back may differ in form only (spaces around text).
    typed = {**opened, "name": " Acme ", "tier": "A"}
    assert update_account(book, acme, typed, base={**opened, "notes": "Met the CIO  "}) == {
        "tier": "B"
    }


def test_coverage_ticked_elsewhere_stays_when_the_user_edits_another_field(book: Book) -> None:
    account = create_account(book, {"name": "Acme", "currency": "CNY"})
    anna = create_team_member(book, {"name": "Anna"})
    bo = create_team_member(book, {"name": "Bo"})
    person = create_stakeholder(book, account, {"name": "Li Wei", "covered_by": [anna]})
    row = BookReader(book.db).stakeholder(person)
    assert row is not None
    opened = {**row.values, "covered_by": row.covered_by}
    with Book.open(book.path) as elsewhere:
        update_stakeholder(elsewhere, person, {"covered_by": [anna, bo]})

    update_stakeholder(book, person, {**opened, "title": "CIO"}, base=opened)
    after = BookReader(book.db).stakeholder(person)
    assert after is not None
    assert after.covered_by == tuple(sorted((anna, bo)))
    assert after.values["title"] == "CIO"

    # Unticking Anna while someone else ticked Bo is a conflict on the whole list.
    with pytest.raises(EditConflictError) as raised:
        update_stakeholder(book, person, {**opened, "covered_by": []}, base=opened)
    assert raised.value.conflicts == {
        "covered_by": FieldConflict(base=(anna,), theirs=tuple(sorted((anna, bo))), mine=())
    }


def test_team_members_are_edited_the_same_way(book: Book, elsewhere: Book) -> None:
    member = create_team_member(book, {"name": "Anna", "email": "anna@example.com"})
    opened = {"name": "Anna", "email": "anna@example.com", "phone": ""}
    update_team_member(elsewhere, member, {"phone": "+86 21 5555 0100"})
    assert update_team_member(book, member, {**opened, "email": "a@example.com"}, base=opened) == {
        "email": "anna@example.com"
    }
    (phone,) = book.db.execute("SELECT phone FROM team_member WHERE id = ?", (member,)).fetchone()
    assert phone == "+86 21 5555 0100"


def test_a_record_deleted_meanwhile_or_a_bad_value_is_refused_as_before(
    book: Book, elsewhere: Book, acme: str
) -> None:
    opened = form_values(book, acme)
    with pytest.raises(ValidationError):
        update_account(book, acme, {**opened, "annual_revenue_minor": -5}, base=opened)
    delete_account(elsewhere, acme)
    with pytest.raises(NotFoundError):
        update_account(book, acme, {**opened, "tier": "A"}, base=opened)

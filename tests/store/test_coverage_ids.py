"""Who covers whom has one row per pair, on every device.

A coverage row's id comes from its stakeholder and team member, so two devices that both
tick the same member for the same person make the same row, which sync then merges,
instead of two rows that would show the cover twice. Untick and tick again, and the
same row comes back from its tombstone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kamdesk.models import Coverage, coverage_id
from kamdesk.ops.accounts import create_account
from kamdesk.ops.stakeholders import create_stakeholder, update_stakeholder
from kamdesk.ops.team import create_team_member
from kamdesk.store.book import Book


def coverage_rows(book: Book) -> list[tuple[str, str, str, str | None]]:
    return [
        (row_id, stakeholder, member, deleted)
        for row_id, stakeholder, member, deleted in book.db.execute(
            "SELECT id, stakeholder_id, team_member_id, deleted_at FROM coverage ORDER BY id"
        )
    ]


def test_two_copies_of_a_book_covering_the_same_person_make_the_same_row(
    book: Book, tmp_path: Path
) -> None:
    account = create_account(book, {"name": "Acme", "currency": "CNY"})
    person = create_stakeholder(book, account, {"name": "Li Wei"})
    anna = create_team_member(book, {"name": "Anna"})
    bo = create_team_member(book, {"name": "Bo"})
    # The laptop and the office PC start from the same book, then each ticks Anna.
    other_path = tmp_path / "office.kamdesk"
    book.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the file itself
    shutil.copyfile(book.path, other_path)
    with Book.open(other_path) as other:
        update_stakeholder(other, person, {"covered_by": [anna]})
        theirs = coverage_rows(other)
    update_stakeholder(book, person, {"covered_by": [bo, anna]})

    ours = coverage_rows(book)
    assert len(theirs) == 1
    assert theirs[0] in ours
    assert {row_id for row_id, *_ in ours} == {coverage_id(person, anna), coverage_id(person, bo)}
    # The change log names the same row on both sides, so sync merges them into one.
    logged = book.db.execute(
        "SELECT DISTINCT row_id FROM change_log WHERE table_name = 'coverage'"
    ).fetchall()
    assert (theirs[0][0],) in logged


def test_cover_given_with_a_new_stakeholder_has_the_pair_id(book: Book) -> None:
    account = create_account(book, {"name": "Acme", "currency": "CNY"})
    anna = create_team_member(book, {"name": "Anna"})
    person = create_stakeholder(book, account, {"name": "Li Wei", "covered_by": [anna]})
    assert coverage_rows(book) == [(coverage_id(person, anna), person, anna, None)]


def test_unticking_and_ticking_again_brings_back_the_same_row(book: Book) -> None:
    account = create_account(book, {"name": "Acme", "currency": "CNY"})
    anna = create_team_member(book, {"name": "Anna"})
    person = create_stakeholder(book, account, {"name": "Li Wei", "covered_by": [anna]})
    (first,) = coverage_rows(book)

    update_stakeholder(book, person, {"covered_by": []})
    (removed,) = coverage_rows(book)
    assert removed[0] == first[0]
    assert removed[3] is not None  # a tombstone, which sync carries
    update_stakeholder(book, person, {"covered_by": [anna]})

    assert coverage_rows(book) == [first]
    changes = [  # a delete's word on what it had seen is bookkeeping, not a change
        (column, value)
        for column, value in book.db.execute(
            "SELECT column_name, value FROM change_log WHERE row_id = ? ORDER BY device_seq",
            (first[0],),
        )
        if not column.startswith("_deletion_seen:")
    ]
    assert [column for column, _value in changes][-2:] == ["deleted_at", "deleted_at"]
    assert changes[-1][1] == "null"


def test_the_pair_id_depends_on_both_people_and_their_roles() -> None:
    ids = {
        coverage_id("person-1", "member-1"),
        coverage_id("person-1", "member-2"),
        coverage_id("person-2", "member-1"),
        coverage_id("member-1", "person-1"),
    }
    assert len(ids) == 4
    assert coverage_id("person-1", "member-1") == coverage_id("person-1", "member-1")
    # Made without the ops too (an import, the demo, sync), the row gets the same id.
    assert Coverage(stakeholder_id="person-1", team_member_id="member-1").id == coverage_id(
        "person-1", "member-1"
    )
    assert Coverage(id="kept", stakeholder_id="person-1", team_member_id="member-1").id == "kept"

"""A deal's stage history: kept by the book as the deal moves, and read as days per stage."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from kamdesk.domain.deals import StageTime, days_per_stage
from kamdesk.errors import KamdeskError, ValidationError
from kamdesk.kinds import kind
from kamdesk.models import StageChange, utc_now
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.store.book import Book

DEAL = kind("opportunity")


class Move(NamedTuple):
    """One row of a deal's stage history, as stored."""

    id: str
    account_id: str
    from_stage: str
    to_stage: str
    changed_at: dt.datetime


def history(book: Book, deal_id: str) -> list[Move]:
    with book.read() as session:
        rows = session.exec(
            select(StageChange)
            .where(StageChange.opportunity_id == deal_id)
            .order_by(StageChange.changed_at)  # type: ignore[arg-type]
        ).all()
        return [Move(r.id, r.account_id, r.from_stage, r.to_stage, r.changed_at) for r in rows]


def moves(book: Book, deal_id: str) -> list[tuple[str, str]]:
    return [(row.from_stage, row.to_stage) for row in history(book, deal_id)]


@pytest.fixture
def account_id(book: Book) -> str:
    return create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})


def new_deal(book: Book, account_id: str, **values: object) -> str:
    return create_record(
        book, DEAL, account_id, {"name": "MES 二期扩容", "currency": "CNY", **values}
    )


def test_creating_a_deal_and_moving_it_twice_keeps_three_stages_with_their_times(
    book: Book, account_id: str
) -> None:
    started = utc_now()
    deal_id = new_deal(book, account_id, amount_minor=1_280_000_00)
    created = utc_now()
    update_record(book, DEAL, deal_id, {"stage": "compass.solution"})
    moved = utc_now()
    update_record(book, DEAL, deal_id, {"stage": "compass.commercial", "probability": 55})
    finished = utc_now()

    rows = history(book, deal_id)

    assert [(r.from_stage, r.to_stage) for r in rows] == [
        ("", "compass.intent"),
        ("compass.intent", "compass.solution"),
        ("compass.solution", "compass.commercial"),
    ]
    assert started <= rows[0].changed_at <= created
    assert created <= rows[1].changed_at <= moved
    assert moved <= rows[2].changed_at <= finished
    assert {r.account_id for r in rows} == {account_id}
    # The history syncs like the deal: every row is in the change log.
    with closing(sqlite3.connect(book.path)) as db:
        logged = {
            row[0]
            for row in db.execute(
                "SELECT row_id FROM change_log WHERE table_name = 'stage_change' "
                "AND column_name = 'to_stage'"
            )
        }
    assert logged == {r.id for r in rows}


def test_a_deal_created_at_a_later_stage_starts_its_history_there(
    book: Book, account_id: str
) -> None:
    deal_id = new_deal(book, account_id, stage_model="project", stage="project.tender")
    assert moves(book, deal_id) == [("", "project.tender")]


def test_edits_that_leave_the_stage_alone_add_no_history(book: Book, account_id: str) -> None:
    deal_id = new_deal(book, account_id)
    update_record(book, DEAL, deal_id, {"name": "MES 二期扩容（质量追溯）", "probability": 20})
    update_record(book, DEAL, deal_id, {"stage": "compass.intent"})  # as it was
    # Won without moving on: the status is not a stage.
    update_record(book, DEAL, deal_id, {"status": "won", "outcome_reason": "value"})
    assert moves(book, deal_id) == [("", "compass.intent")]


def test_a_refused_stage_change_adds_no_history(book: Book, account_id: str) -> None:
    deal_id = new_deal(book, account_id)
    with pytest.raises(ValidationError):
        # A stage of the other stage model.
        update_record(book, DEAL, deal_id, {"stage": "project.tender"})
    assert moves(book, deal_id) == [("", "compass.intent")]


def test_a_move_back_is_kept_as_a_move(book: Book, account_id: str) -> None:
    # What undoing a stage change does: the history says the deal went back.
    deal_id = new_deal(book, account_id)
    before = update_record(book, DEAL, deal_id, {"stage": "compass.commercial"})
    update_record(book, DEAL, deal_id, before)
    assert moves(book, deal_id) == [
        ("", "compass.intent"),
        ("compass.intent", "compass.commercial"),
        ("compass.commercial", "compass.intent"),
    ]


def test_the_stage_and_its_history_are_written_together_or_not_at_all(
    book_path: Path, book: Book, account_id: str
) -> None:
    deal_id = new_deal(book, account_id)
    book.close()
    with closing(sqlite3.connect(book_path)) as db:
        # Something that makes the history row fail once the deal's row is written.
        db.execute(
            "CREATE TRIGGER no_history BEFORE INSERT ON stage_change "
            "BEGIN SELECT RAISE(ABORT, 'no more history'); END"
        )
        db.commit()

    with Book.open(book_path) as reopened:
        with pytest.raises((IntegrityError, KamdeskError)):
            update_record(reopened, DEAL, deal_id, {"stage": "compass.closing"})
        stage = reopened.db.execute(
            "SELECT stage FROM opportunity WHERE id = ?", (deal_id,)
        ).fetchone()
        assert stage == ("compass.intent",)
        assert moves(reopened, deal_id) == [("", "compass.intent")]


def test_days_per_stage_of_a_deal_in_the_book(book: Book, account_id: str) -> None:
    deal_id = new_deal(book, account_id)
    update_record(book, DEAL, deal_id, {"stage": "compass.solution"})
    rows = history(book, deal_id)
    # Read ten days and a few hours after it reached the solution stage.
    later = rows[-1].changed_at + dt.timedelta(days=10, hours=5)

    assert days_per_stage(rows, later) == [
        StageTime("compass.intent", 0, current=False),
        StageTime("compass.solution", 10, current=True),
    ]

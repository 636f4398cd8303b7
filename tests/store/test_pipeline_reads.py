"""The pipeline's read: live deals of live accounts, with their account's and owner's names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kamdesk.domain.pipeline import Deal
from kamdesk.models.opportunity import Opportunity
from kamdesk.ops import accounts, team
from kamdesk.store.book import Book
from kamdesk.store.pipeline import pipeline_deals


def add_deal(book: Book, account_id: str, **values: Any) -> str:
    """A deal written in one transaction, as the app writes one."""
    with book.write() as session:
        deal = Opportunity(account_id=account_id, **values)
        session.add(deal)
        session.flush()
        return deal.id


def test_every_live_deal_of_a_live_account_with_its_names(tmp_path: Path) -> None:
    with Book.open(tmp_path / "b.kamdesk", create=True) as book:
        wang = team.create_team_member(book, {"name": "王磊"})
        gone = team.create_team_member(book, {"name": "Left Us"})
        acme = accounts.create_account(book, {"name": "Acme", "currency": "CNY"})
        closed = accounts.create_account(book, {"name": "Closed Co", "currency": "CNY"})
        add_deal(
            book, acme, name="Robots", owner_id=wang, amount_minor=1_000_000, currency="USD",
            stage="compass.commercial", probability=None, expected_close=dt.date(2027, 2, 1),
        )  # fmt: skip
        add_deal(
            book, acme, name="Arms", owner_id=gone, stage="project.tender", stage_model="project"
        )
        deleted = add_deal(book, acme, name="Deleted deal")
        add_deal(book, closed, name="Of a deleted account")
        with book.write() as session:
            row = session.get(Opportunity, deleted)
            assert row is not None
            row.deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        accounts.delete_account(book, closed)
        team.delete_team_member(book, gone)

        deals = pipeline_deals(book.db)

    robots, arms = deals  # the dated deal first, undated last
    assert robots == Deal(
        robots.id, "Robots", acme, "Acme", wang, "王磊", "compass", "compass.commercial", "open",
        1_000_000, "USD", 60, dt.date(2027, 2, 1),
    )  # fmt: skip
    # No probability of its own: its stage's (60 %). An owner who left: no owner.
    assert (arms.name, arms.owner_id, arms.owner_name) == ("Arms", "", "")
    assert arms.expected_close is None
    assert robots.weighted_minor == 600_000


def test_a_book_without_deals_reads_none(tmp_path: Path) -> None:
    with Book.open(tmp_path / "b.kamdesk", create=True) as book:
        accounts.create_account(book, {"name": "Acme", "currency": "CNY"})
        assert pipeline_deals(book.db) == []

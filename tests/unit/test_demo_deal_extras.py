"""The demo's deals have people on them, competitors and objections, as a rep's would."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kamdesk.demo import write_demo_book
from kamdesk.kinds.objection import STANDARD_ANSWERS

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("demo") / "demo.kamdesk"
    write_demo_book(path, today=TODAY)
    return sqlite3.connect(path)


def test_every_open_deal_has_people_of_its_own_account_and_a_competitor(
    db: sqlite3.Connection,
) -> None:
    open_deals = {r[0] for r in db.execute("SELECT id FROM opportunity WHERE status = 'open'")}
    with_people = {r[0] for r in db.execute("SELECT opportunity_id FROM deal_person")}
    with_rivals = {r[0] for r in db.execute("SELECT opportunity_id FROM deal_competitor")}
    assert open_deals and open_deals <= with_people and open_deals <= with_rivals
    strangers = db.execute(
        "SELECT COUNT(*) FROM deal_person p JOIN opportunity o ON o.id = p.opportunity_id "
        "JOIN stakeholder s ON s.id = p.stakeholder_id WHERE s.account_id != o.account_id"
    ).fetchone()[0]
    assert strangers == 0
    twice = db.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM deal_person GROUP BY opportunity_id, "
        "stakeholder_id HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    assert twice == 0


def test_later_stage_deals_have_objections_with_the_standard_answers(
    db: sqlite3.Connection,
) -> None:
    rows = db.execute(
        "SELECT b.type, b.process, b.raised_on, a.name FROM objection b "
        "JOIN opportunity o ON o.id = b.opportunity_id JOIN account a ON a.id = o.account_id"
    ).fetchall()
    assert rows
    for kind, process, raised_on, account in rows:
        english, chinese = STANDARD_ANSWERS[kind]["process"]
        assert process == (english if account.isascii() else chinese)
        assert dt.date.fromisoformat(raised_on) < TODAY


def test_the_same_seed_gives_the_same_extras(tmp_path: Path) -> None:
    def extras(path: Path) -> list[tuple[object, ...]]:
        write_demo_book(path, today=TODAY)
        with closing(sqlite3.connect(path)) as book:
            return book.execute(
                "SELECT o.name, s.name, p.buying_role FROM deal_person p "
                "JOIN opportunity o ON o.id = p.opportunity_id "
                "JOIN stakeholder s ON s.id = p.stakeholder_id ORDER BY 1, 2"
            ).fetchall()

    assert extras(tmp_path / "a.kamdesk") == extras(tmp_path / "b.kamdesk")

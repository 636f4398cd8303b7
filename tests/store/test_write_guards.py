"""Nothing writes a synced table behind the change log's back.

A hard delete, a bulk ORM statement or raw SQL would change rows without one log entry,
so other devices would never learn of it and the book would silently drift from theirs.
Each path is refused with ``UnloggedWriteError``, the whole transaction rolls back, and
the book is as it was.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, insert, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kamdesk.errors import UnloggedWriteError
from kamdesk.models import Account, Coverage, Stakeholder, utc_now
from kamdesk.ops.accounts import create_account, update_account
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.ops.team import create_team_member
from kamdesk.store.book import Book
from kamdesk.store.changelog import written_synced_table
from kamdesk.store.reader import AccountQuery, BookReader


def snapshot(book: Book) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables a refused write could have touched."""
    tables = ("account", "stakeholder", "coverage", "change_log", "book_meta", "search_doc")
    return {
        table: book.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in tables
    }


@pytest.fixture
def acme(book: Book) -> str:
    """An account with one stakeholder covered by one team member."""
    account_id = create_account(book, {"name": "Acme 集团", "currency": "CNY", "tier": "B"})
    member = create_team_member(book, {"name": "Zhang Min"})
    create_stakeholder(book, account_id, {"name": "Li Wei", "covered_by": [member]})
    return account_id


def refused(book: Book, write: Callable[[Session], object], table: str = "account") -> None:
    """Run ``write`` in one unit of work; it must be refused and leave the book as it was."""
    before = snapshot(book)
    with pytest.raises(UnloggedWriteError) as raised, book.write() as session:
        # An ordinary, logged edit in the same transaction goes too: all or nothing.
        account = session.get(Account, before["account"][0][0])
        assert account is not None
        account.notes = "typed in the same action"
        session.flush()
        write(session)
    assert raised.value.table == table
    assert "change log" in raised.value.message
    assert snapshot(book) == before


# The ORM --------------------------------------------------------------------------


def test_a_hard_delete_of_an_account_is_refused(book: Book, acme: str) -> None:
    # An account nobody refers to, so the database itself would allow its deletion.
    bare = create_account(book, {"name": "Bare Co", "currency": "CNY"})

    def hard_delete(session: Session) -> None:
        session.delete(session.get(Account, bare))
        session.flush()

    refused(book, hard_delete)


def test_a_hard_delete_of_a_coverage_row_is_refused(book: Book, acme: str) -> None:
    def hard_delete(session: Session) -> None:
        for row in session.exec(select(Coverage)).all():
            session.delete(row)
        session.commit()  # committing flushes too

    refused(book, hard_delete, table="coverage")


def test_a_bulk_orm_update_is_refused(book: Book, acme: str) -> None:
    refused(book, lambda session: session.exec(update(Account).values(tier="A")))


def test_a_bulk_orm_update_of_chosen_rows_is_refused(book: Book, acme: str) -> None:
    statement = (
        update(Stakeholder)
        .where(col(Stakeholder.account_id) == acme)
        .values(attitude="supporter")
        .execution_options(synchronize_session="fetch")
    )
    refused(book, lambda session: session.exec(statement), table="stakeholder")


def test_a_bulk_orm_delete_is_refused(book: Book, acme: str) -> None:
    refused(
        book,
        lambda session: session.exec(delete(Coverage).where(col(Coverage.team_member_id) != "")),
        table="coverage",
    )


def test_a_bulk_orm_insert_is_refused(book: Book, acme: str) -> None:
    refused(
        book,
        lambda session: session.exec(
            insert(Account).values(id="bulk-1", name="Bulk Co", created_at=utc_now())
        ),
    )


# Raw SQL --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        (
            "INSERT INTO account (id, created_at, updated_at, name, org_level, own_purchasing, "
            "industry, tier, lifecycle_stage, decision_mode, currency, budget_cycle, strategy) "
            "VALUES ('raw-1', '2026-01-01', '2026-01-01', 'Raw Co', 'standalone', 0, '', '', "
            "'', '', 'CNY', '', '')",
            "account",
        ),
        ("UPDATE account SET tier = 'A'", "account"),
        ("DELETE FROM coverage", "coverage"),
        (
            "REPLACE INTO vocabulary (id, kind, code, label_en, label_zh, position, archived, "
            "created_at, updated_at) VALUES ('raw-2', 'industry', 'manufacturing', 'X', 'X', 0, "
            "0, '2026-01-01', '2026-01-01')",
            "vocabulary",
        ),
        (
            "INSERT OR REPLACE INTO team_member (id, name, role, title, level, email, phone, "
            "created_at, updated_at) VALUES ('raw-3', 'Raw', 'account_manager', '', '', '', "
            "'', '2026-01-01', '2026-01-01')",
            "team_member",
        ),
        ("  -- a comment first\n  update \"account\" set notes = 'quoted name'", "account"),
        ("UPDATE main.account SET tier = 'C'", "account"),
        (
            "WITH gone AS (SELECT id FROM account) DELETE FROM coverage "
            "WHERE stakeholder_id IN (SELECT id FROM gone)",
            "coverage",
        ),
    ],
)
def test_raw_sql_writes_through_the_session_are_refused(
    book: Book, acme: str, sql: str, table: str
) -> None:
    refused(book, lambda session: session.exec(text(sql)), table=table)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        (
            "INSERT INTO coverage (id, stakeholder_id, team_member_id, created_at, updated_at) "
            "SELECT 'raw-4', stakeholder_id, team_member_id, created_at, updated_at "
            "FROM coverage",
            "coverage",
        ),
        ("UPDATE stakeholder SET notes = 'driver'", "stakeholder"),
        ("DELETE FROM vocabulary WHERE kind = 'industry'", "vocabulary"),
    ],
)
def test_raw_sql_writes_on_the_connection_are_refused(
    book: Book, acme: str, sql: str, table: str
) -> None:
    refused(book, lambda session: session.connection().exec_driver_sql(sql), table=table)


# What must still work -------------------------------------------------------------


def test_reads_and_writes_of_unsynced_tables_still_work(book: Book, acme: str) -> None:
    with book.write() as session:
        connection = session.connection()
        count = connection.exec_driver_sql("SELECT COUNT(*) FROM account").scalar_one()
        connection.exec_driver_sql(
            "INSERT INTO book_meta (key, value) VALUES ('note', 'update account later')"
        )
    assert count == 1
    assert book.db.execute("SELECT value FROM book_meta WHERE key = 'note'").fetchone() == (
        "update account later",
    )


def test_applying_another_devices_changes_still_works(book: Book, acme: str) -> None:
    logged = book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    with book.write(log_changes=False) as session:
        account = session.get(Account, acme)
        assert account is not None
        account.name = "Acme Remote 远程"
        session.add(Account(name="Also from afar"))
    assert book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == logged
    assert BookReader(book.db).account_ids(AccountQuery(text="远程")) == [acme]


def test_a_refusal_leaves_the_book_writable_and_still_guarded(book: Book, acme: str) -> None:
    with pytest.raises(UnloggedWriteError), book.write() as session:
        session.connection().exec_driver_sql("UPDATE account SET tier = 'A'")
    # A flush that fails half-way must not leave the way open for raw SQL afterwards.
    with pytest.raises(IntegrityError), book.write() as session:
        session.add(Stakeholder(account_id="no-such-account", name="Orphan"))
        session.flush()
    with pytest.raises(UnloggedWriteError), book.write() as session:
        session.connection().exec_driver_sql("UPDATE account SET tier = 'A'")
    # Ordinary edits go on as before, logged.
    assert update_account(book, acme, {"tier": "C"}) == {"tier": "B"}
    assert BookReader(book.db).account(acme)["tier"] == "C"  # type: ignore[index]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM account WHERE notes = 'update account'",
        "INSERT INTO book_meta (key, value) VALUES ('hlc', '1') "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        "UPDATE search_doc SET account_id = 'x' -- UPDATE account",
        "INSERT INTO change_log (value) VALUES ('it''s DELETE FROM account')",
        "/* DELETE FROM coverage */ DELETE FROM search_fts",
        "UPDATE accounts_archive SET tier = 'A'",
    ],
)
def test_statements_that_write_no_synced_table_are_let_through(sql: str) -> None:
    assert written_synced_table(sql) is None


def test_the_read_connection_cannot_write(book: Book, acme: str) -> None:
    import sqlite3

    before = snapshot(book)
    for sql in (
        "UPDATE account SET name = 'Hidden' WHERE id = ?",
        "DELETE FROM account WHERE id = ?",
    ):
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            book.db.execute(sql, (acme,))
    assert snapshot(book) == before
    update_account(book, acme, {"name": "Acme Robotics Ltd"})  # the logged path still writes
    assert BookReader(book.db).account(acme)["name"] == "Acme Robotics Ltd"  # type: ignore[index]

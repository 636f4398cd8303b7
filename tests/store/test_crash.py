"""A save killed half-way leaves the book whole: all of the action, or none of it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

import kamdesk
from kamdesk.models import Account
from kamdesk.ops.accounts import create_account
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountQuery, BookReader

REPO = Path(kamdesk.__file__).resolve().parent.parent

CHILD = """
import os, signal, sys
import sqlalchemy
from kamdesk.models import Account, Stakeholder
from kamdesk.store.book import Book

def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

book = Book.open(sys.argv[1])
with book.write() as session:
    # A small page cache makes SQLite spill the unfinished transaction into the WAL.
    session.connection().exec_driver_sql("PRAGMA cache_size = 2")
    account = Account(name="Killed 中途 Co")
    session.add(account)
    for i in range(50):
        session.add(Stakeholder(account_id=account.id, name=f"Person {i}", notes="备注 " * 500))
    if sys.argv[2] == "after-flush":
        sqlalchemy.event.listen(session, "after_flush", die)
die()
"""


def run_and_kill(path: Path, when: str) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), when],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr


def counts(book: Book) -> tuple[int, int, int]:
    q = book.db.execute
    return (
        q("SELECT COUNT(*) FROM account WHERE name LIKE 'Killed%'").fetchone()[0],
        q("SELECT COUNT(*) FROM stakeholder").fetchone()[0],
        q("SELECT COUNT(*) FROM change_log").fetchone()[0],
    )


@pytest.fixture
def book_with_data(book_path: Path) -> tuple[Path, str]:
    with Book.open(book_path, create=True) as book:
        kept = create_account(book, {"name": "Kept Ltd", "currency": "CNY", "tier": "A"})
    return book_path, kept


def test_killed_before_commit_leaves_nothing_of_the_action(
    book_with_data: tuple[Path, str],
) -> None:
    path, kept = book_with_data
    run_and_kill(path, "after-flush")
    # The half-written transaction really reached the disk.
    assert Path(f"{path}-wal").stat().st_size > 0

    with Book.open(path) as book:
        assert book.integrity_check() == ["ok"]
        assert counts(book) == (0, 0, 2)  # only what was there before
        reader = BookReader(book.db)
        assert reader.account_ids(AccountQuery()) == [kept]
        assert reader.account_ids(AccountQuery(text="中途")) == []
        assert reader.account_ids(AccountQuery(text="kept")) == [kept]
        # The next save carries on the sequence without a gap.
        create_account(book, {"name": "After the crash", "currency": "CNY"})
        seqs = [r[0] for r in book.db.execute("SELECT device_seq FROM change_log ORDER BY 1")]
        assert seqs == [1, 2, 3]


def test_killed_right_after_commit_keeps_everything(book_with_data: tuple[Path, str]) -> None:
    path, kept = book_with_data
    run_and_kill(path, "after-commit")

    with Book.open(path) as book:
        assert book.integrity_check() == ["ok"]
        # The account's name, 50 × (account_id, name, notes), and the two entries from before.
        assert counts(book) == (1, 50, 2 + 1 + 50 * 3)
        reader = BookReader(book.db)
        assert len(reader.account_ids(AccountQuery(text="中途"))) == 1
        killed = reader.account_ids(AccountQuery(text="killed"))[0]
        assert len(reader.stakeholders(killed)) == 50
        assert set(reader.account_ids(AccountQuery())) == {kept, killed}


def last_page_one_in_wal(wal: bytes) -> bytes:
    """The newest image of page 1 (the header page) in a WAL file."""
    (page_size,) = struct.unpack(">I", wal[8:12])
    newest = b""
    offset = 32  # WAL header
    while offset + 24 + page_size <= len(wal):
        (page,) = struct.unpack(">I", wal[offset : offset + 4])
        if page == 1:
            newest = wal[offset + 24 : offset + 24 + page_size]
        offset += 24 + page_size
    assert newest
    return newest


def test_a_book_whose_checkpoint_was_interrupted_still_opens(tmp_path: Path) -> None:
    # SQLite moves committed pages from the WAL into the book in page order, header page
    # first. Power fails after the header page was written: the header now counts pages
    # the file does not hold yet, but the WAL still has every one of them.
    path = tmp_path / "b.kamdesk"
    with Book.open(path, create=True) as book:
        create_account(book, {"name": "Before", "currency": "CNY"})
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    copy = crashed / path.name
    with Book.open(path) as book:
        for i in range(3):
            with book.write() as session:
                for j in range(100):
                    session.add(Account(name=f"Account {i}-{j}", notes="n" * 800))
        # The files as they are before any checkpoint: the book is still open.
        shutil.copyfile(path, copy)
        shutil.copyfile(f"{path}-wal", f"{copy}-wal")
    wal = Path(f"{copy}-wal").read_bytes()
    assert len(wal) > copy.stat().st_size
    with copy.open("r+b") as fp:
        fp.write(last_page_one_in_wal(wal))

    # SQLite itself recovers everything from this state (checked on a spare copy).
    spare = tmp_path / "spare"
    shutil.copytree(crashed, spare)
    with closing(sqlite3.connect(spare / path.name)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM account").fetchone() == (301,)

    with Book.open(copy) as book:
        assert book.integrity_check() == ["ok"]
        assert BookReader(book.db).account_count() == 301

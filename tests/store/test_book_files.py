"""Opening book files that are not what they should be: each is refused or opened read-only,
and the file is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from kamdesk.errors import (
    BookError,
    BookLockedError,
    BookNotFoundError,
    NotABookError,
    ReadOnlyBookError,
)
from kamdesk.models import Account
from kamdesk.ops.accounts import create_account
from kamdesk.store.book import Book, create_book, inspect_book
from kamdesk.store.reader import BookReader
from kamdesk.store.schema import SCHEMA_HEAD

SIDE_FILES = ("-wal", "-shm", "-journal")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def side_files(path: Path) -> list[str]:
    return [path.name + s for s in SIDE_FILES if Path(f"{path}{s}").exists()]


def make_book(path: Path, accounts: int = 3) -> Path:
    """A closed book holding ``accounts`` accounts."""
    with Book.open(path, create=True) as book, book.write() as session:
        for i in range(accounts):
            session.add(Account(name=f"Account {i:04d} " + "华东" * 50, notes="x" * 400))
    assert side_files(path) == []
    return path


def raw_sqlite(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        for statement in statements:
            db.execute(statement)
        db.commit()


def assert_refused_untouched(path: Path, error: type[Exception], create: bool = False) -> str:
    """Opening ``path`` raises ``error``; the file and its folder are exactly as before."""
    digest, listing = sha256(path), folder(path)
    with pytest.raises(error) as raised:
        Book.open(path, create=create)
    assert sha256(path) == digest
    assert folder(path) == listing, "opening left files next to it"
    assert side_files(path) == []
    return str(raised.value)


# --- not a book -------------------------------------------------------------------------


@pytest.mark.parametrize("create", [False, True])
def test_random_bytes_are_not_a_book(tmp_path: Path, create: bool) -> None:
    path = tmp_path / "random.kamdesk"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    message = assert_refused_untouched(path, NotABookError, create=create)
    assert "not a KAMDesk book" in message


@pytest.mark.parametrize("content", [b"", b"hello", b"SQLite format 3\x00" + b"\x00" * 20])
def test_tiny_or_empty_files_are_not_books(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "small.kamdesk"
    path.write_bytes(content)
    assert_refused_untouched(path, NotABookError)


def test_a_folder_is_not_a_book(tmp_path: Path) -> None:
    path = tmp_path / "folder.kamdesk"
    path.mkdir()
    with pytest.raises(NotABookError, match="folder"):
        Book.open(path, create=True)
    assert list(path.iterdir()) == []


def test_a_truncated_book_is_refused(tmp_path: Path) -> None:
    full = make_book(tmp_path / "full.kamdesk", accounts=300)
    data = full.read_bytes()
    assert len(data) > 500_000  # many pages, so half the file cuts real data
    half = tmp_path / "half.kamdesk"
    half.write_bytes(data[: len(data) // 2])
    message = assert_refused_untouched(half, NotABookError)
    assert "damaged" in message


@pytest.mark.parametrize("journal_mode", ["DELETE", "WAL"])
def test_a_plain_sqlite_database_is_not_a_book(tmp_path: Path, journal_mode: str) -> None:
    # Another application's database, picked by mistake in the open dialog.
    path = tmp_path / "other-app.sqlite"
    raw_sqlite(
        path,
        f"PRAGMA journal_mode={journal_mode}",
        "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)",
        "INSERT INTO contacts (name) VALUES ('Li Wei')",
    )
    assert side_files(path) == []
    message = assert_refused_untouched(path, NotABookError)
    assert "not a KAMDesk book" in message


def test_a_book_without_its_device_id_is_refused(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.kamdesk")
    raw_sqlite(path, "PRAGMA journal_mode=DELETE", "DELETE FROM book_meta WHERE key = 'device_id'")
    assert_refused_untouched(path, NotABookError)


# --- missing ----------------------------------------------------------------------------


@pytest.mark.parametrize("create", [False, True])
def test_a_missing_folder(tmp_path: Path, create: bool) -> None:
    path = tmp_path / "no such folder" / "b.kamdesk"
    with pytest.raises(BookNotFoundError):
        Book.open(path, create=create)
    assert not path.parent.exists()


def test_a_missing_file_without_create(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    with pytest.raises(BookNotFoundError, match="no book"):
        Book.open(path)
    assert list(tmp_path.iterdir()) == []


def test_create_makes_a_working_book_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "new.kamdesk"
    with Book.open(path, create=True) as book:
        assert not book.read_only
        assert book.revision == SCHEMA_HEAD
        assert book.integrity_check() == ["ok"]
        create_account(book, {"name": "First", "currency": "CNY"})
    assert folder(path) == ["new.kamdesk"]
    with Book.open(path) as book:
        assert BookReader(book.db).account_count() == 1


# --- locked -----------------------------------------------------------------------------

LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute(sys.argv[2])
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
db.close()
"""


@contextmanager
def locked_by_another_process(path: Path, statement: str) -> Iterator[None]:
    with subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path), statement],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as other:
        try:
            assert other.stdout is not None
            assert other.stdout.readline().strip() == "locked"
            yield
        finally:
            other.communicate("\n", timeout=10)
    assert other.returncode == 0


def test_a_book_locked_exclusively_by_another_process(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.kamdesk")
    raw_sqlite(path, "PRAGMA journal_mode=DELETE")
    digest = sha256(path)
    with locked_by_another_process(path, "BEGIN EXCLUSIVE"):
        with pytest.raises(BookLockedError, match="another program"):
            Book.open(path)
        assert sha256(path) == digest
    assert sha256(path) == digest


def test_a_book_being_written_by_another_process(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.kamdesk")
    digest = sha256(path)
    with locked_by_another_process(path, "BEGIN IMMEDIATE"):
        with pytest.raises(BookLockedError, match="another program"):
            Book.open(path)
        assert sha256(path) == digest
    assert sha256(path) == digest
    # Once the other program lets go, the book opens for writing.
    with Book.open(path) as book:
        assert not book.read_only
        assert BookReader(book.db).account_count() == 3


def test_an_old_book_being_written_by_another_process_is_refused_as_locked(
    tmp_path: Path,
) -> None:
    # Opening must migrate this book, which needs the write lock the other program holds.
    path = tmp_path / "old.kamdesk"
    create_book(path, revision="0001")
    digest = sha256(path)
    with locked_by_another_process(path, "BEGIN IMMEDIATE"):
        with pytest.raises(BookLockedError, match="another program"):
            Book.open(path)
        assert sha256(path) == digest
    assert inspect_book(path).revision == "0001"


# --- read-only --------------------------------------------------------------------------


def test_a_read_only_file_opens_read_only(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.kamdesk")
    path.chmod(0o444)
    digest = sha256(path)
    with Book.open(path) as book:
        assert book.read_only
        assert book.read_only_reason is not None
        assert "read-only" in book.read_only_reason
        assert BookReader(book.db).account_count() == 3  # still readable
        with pytest.raises(ReadOnlyBookError), book.write() as session:
            session.add(Account(name="Must not be saved"))
        with pytest.raises(ReadOnlyBookError):
            create_account(book, {"name": "Must not be saved", "currency": "CNY"})
    assert sha256(path) == digest


def test_an_old_book_that_is_read_only_is_refused_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.kamdesk"
    create_book(path, revision="0001")
    path.chmod(0o444)
    digest = sha256(path)
    with pytest.raises(ReadOnlyBookError, match="older version"):
        Book.open(path)
    assert sha256(path) == digest
    assert not (tmp_path / "old backups").exists()


def test_a_newer_book_opens_read_only_and_says_why(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.kamdesk")
    raw_sqlite(path, "UPDATE alembic_version SET version_num = '9999'")
    assert side_files(path) == []
    digest = sha256(path)
    with Book.open(path) as book:
        assert book.read_only
        assert book.read_only_reason is not None
        assert "newer version" in book.read_only_reason
        assert "9999" in book.read_only_reason
        assert book.backup_path is None
        assert BookReader(book.db).account_count() == 3
        with pytest.raises(ReadOnlyBookError, match="newer version"), book.write():
            pass
        with pytest.raises(ReadOnlyBookError):
            create_account(book, {"name": "Must not be saved", "currency": "CNY"})
    assert sha256(path) == digest
    assert not (tmp_path / "b backups").exists()


# --- unusual names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["客户 账本.kamdesk", "100% sure.kamdesk", "Q&A #1.kamdesk", "what?.kamdesk",
             "a%20b.kamdesk"],
)  # fmt: skip
def test_a_book_with_an_unusual_file_name_works(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with Book.open(path, create=True) as book:
        create_account(book, {"name": "Acme", "currency": "CNY"})
    with Book.open(path) as book:
        assert BookReader(book.db).account_count() == 1
    assert folder(path) == [name]


def test_writes_never_land_in_a_neighbouring_book(tmp_path: Path) -> None:
    # "a%20b" must not be read as "a b" (URL escaping) when the book is written.
    neighbour = make_book(tmp_path / "a b.kamdesk", accounts=0)
    target = tmp_path / "a%20b.kamdesk"
    shutil.copyfile(neighbour, target)
    digest = sha256(neighbour)
    with Book.open(target) as book:
        create_account(book, {"name": "Meant for a%20b", "currency": "CNY"})
        assert BookReader(book.db).account_count() == 1
    assert sha256(neighbour) == digest
    assert sorted(os.listdir(tmp_path)) == ["a b.kamdesk", "a%20b.kamdesk"]


def test_a_damaged_database_is_refused_without_leaving_files_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "odd.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE alembic_version (version_num TEXT)")
        db.execute("CREATE TABLE book_meta (something_else TEXT)")  # not the book's shape
        db.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.db"]
    before = sha256(path)

    with pytest.raises(NotABookError):
        Book.open(path)

    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.db"]


def test_an_old_book_that_cannot_be_backed_up_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "old.kamdesk"
    create_book(path, revision="0001")
    (tmp_path / "old backups").write_text("a file where the backup folder would go")
    before = sha256(path)

    with pytest.raises(BookError) as refused:
        Book.open(path)

    assert "no backup could be made" in refused.value.message
    assert sha256(path) == before
    assert inspect_book(path).revision == "0001"

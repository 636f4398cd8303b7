"""Faults of the disk and of the file system: each ends in a message, never a traceback.

A full disk, a read-only folder, a book that is read-only (or newer, or older and
read-only) and a book damaged while it was not closed cleanly. Permission bits do not
bind root, which is what the CI runs as, so the cases that depend on them run the same
scenario twice: as this user and, through ``runuser``, as the unprivileged user
``nobody``. A full disk is a small tmpfs mounted for the test (root only).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import site
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

import kamdesk
from kamdesk.errors import DiskFullError, NotABookError
from kamdesk.ops.accounts import create_account
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book, create_book
from kamdesk.store.reader import BookReader

SOURCE_ROOT = Path(kamdesk.__file__).resolve().parent.parent
USERS = ["this user", "nobody"]

# What a user's action did, as JSON on stdout: the same script runs as this user and as
# nobody, so both are judged alike.
CHILD = r"""
import json, sys
from pathlib import Path
from kamdesk.errors import KamdeskError
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader

action, path = sys.argv[1], Path(sys.argv[2])
out = {}
try:
    if action == "demo":
        from kamdesk.demo import write_demo_book
        write_demo_book(path, int(sys.argv[3]))
        out["written"] = True
    else:
        with Book.open(path, create=action == "create") as book:
            out["read_only"] = book.read_only
            out["reason"] = book.read_only_reason
            out["accounts"] = BookReader(book.db).account_count()
            out["beside_while_open"] = sorted(p.name for p in path.parent.iterdir())
            if action == "open-and-write":
                from kamdesk.ops.accounts import create_account
                try:
                    create_account(book, {"name": "Written", "currency": "CNY"})
                    out["wrote"] = True
                except KamdeskError as error:
                    out["write_error"] = type(error).__name__
except KamdeskError as error:
    out["error"] = type(error).__name__
    out["message"] = error.message
print(json.dumps(out))
"""


def _python_for(user: str) -> list[str]:
    """The command that runs Python with KAMDesk importable, as ``user``."""
    paths = os.pathsep.join([str(SOURCE_ROOT), *site.getsitepackages()])
    if user == "this user":
        return ["env", f"PYTHONPATH={paths}", sys.executable]
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("running as nobody needs root and runuser")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    # The venv's interpreter may sit in a folder only root can enter (e.g. under /root);
    # a system interpreter of the same version runs the same packages.
    for python in (sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"):
        command = ["runuser", "-u", "nobody", "--", "env", f"PYTHONPATH={paths}", python]
        probe = subprocess.run([*command, "-c", "import kamdesk.store.book"], capture_output=True)
        if probe.returncode == 0:
            return command
    pytest.skip(f"no Python {version} that the user nobody may run")


def act(user: str, action: str, path: Path, *extra: str) -> dict[str, Any]:
    """Run ``action`` on ``path`` as ``user``; what it did, as a dict."""
    env = {**os.environ, "KAMDESK_HOME": str(path.parent / ".home"), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [*_python_for(user), "-c", CHILD, action, str(path), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder that the user nobody can reach too (tmp_path's parents are private)."""
    folder = Path(tempfile.mkdtemp(prefix="kamdesk-faults-"))
    folder.chmod(0o777)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o777)
    shutil.rmtree(folder, ignore_errors=True)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".home")


def make_book(path: Path, accounts: int = 3) -> Path:
    with Book.open(path, create=True) as book:
        for i in range(accounts):
            create_account(book, {"name": f"Account {i}", "currency": "CNY"})
    return path


def give_to_nobody(*paths: Path) -> None:
    if os.geteuid() == 0:
        for path in paths:
            shutil.chown(path, "nobody")


# --- a full disk -------------------------------------------------------------------------


@pytest.fixture
def small_disk(shared: Path) -> Iterator[Path]:
    """A 2 MB file system of its own, so the disk can really be filled."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system to fill needs root")
    mount = shared / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=1777", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> Path:
    """Write zeros until the disk refuses; returns the filler file (delete it to free space)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


@pytest.mark.parametrize("user", USERS)
def test_a_new_book_on_a_full_disk_says_the_disk_is_full(small_disk: Path, user: str) -> None:
    fill(small_disk)
    before = listing(small_disk)
    result = act(user, "create", small_disk / "new.kamdesk")
    assert result["error"] == "DiskFullError"
    assert "disk is full" in result["message"]
    assert listing(small_disk) == before


@pytest.mark.parametrize("size", ["256k", "3m"])
def test_the_demo_on_a_tiny_disk_says_the_disk_is_full(shared: Path, size: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mount = shared / "tiny"
    mount.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)]
    ).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        result = act("this user", "demo", mount / "demo.kamdesk", "30")
        assert result["error"] == "DiskFullError", result
        assert "disk is full" in result["message"] and "nothing was saved" in result["message"]
        assert listing(mount) == []  # no half-written book, no hidden temporary files
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.mark.parametrize("user", USERS)
def test_a_sound_book_on_a_full_disk_opens_read_only(small_disk: Path, user: str) -> None:
    path = make_book(small_disk / "b.kamdesk")
    give_to_nobody(path)
    fill(small_disk)
    before = listing(small_disk)
    result = act(user, "open-and-write", path)
    assert "error" not in result, result
    assert result["read_only"] is True
    assert "disk is full" in result["reason"]
    assert result["accounts"] == 3
    assert result["write_error"] == "ReadOnlyBookError"
    assert listing(small_disk) == before


def test_a_write_when_the_disk_fills_up_saves_nothing_and_says_so(small_disk: Path) -> None:
    path = make_book(small_disk / "b.kamdesk")
    with Book.open(path) as book:
        assert not book.read_only
        reader = BookReader(book.db)
        filler = fill(small_disk)
        with pytest.raises(DiskFullError, match="disk is full; nothing was saved"):
            for i in range(50):  # the first write may still fit in space SQLite holds
                create_account(
                    book, {"name": f"Big {i}", "notes": "备注" * 4000, "currency": "CNY"}
                )
        kept = reader.account_count()
        with pytest.raises(DiskFullError):
            create_account(book, {"name": "Also big", "notes": "x" * 19000, "currency": "CNY"})
        assert reader.account_count() == kept
        # Once there is room again, the same book takes the same edit.
        filler.unlink()
        create_account(book, {"name": "After", "notes": "x" * 19000, "currency": "CNY"})
        assert reader.account_count() == kept + 1
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_full_disk_met_by_the_change_log_mid_flush_says_so(small_disk: Path) -> None:
    # With a tiny page cache SQLite spills pages mid-transaction. A small new stakeholder
    # re-indexes its account's long texts through the connection's own cursor (the
    # change log and the search index write there), so the error comes from that cursor.
    path = make_book(small_disk / "b.kamdesk")
    with Book.open(path) as book:
        engine, _recorder = book._writer()
        event.listen(engine, "connect", lambda db, _r: db.execute("PRAGMA cache_size = 10"))
        account = create_account(book, {"name": "Acme", "notes": "备注" * 9000, "currency": "CNY"})
        people = BookReader(book.db).stakeholders
        fill(small_disk)
        with pytest.raises(DiskFullError, match="disk is full; nothing was saved"):
            for i in range(50):
                create_stakeholder(book, account, {"name": f"Person {i}"})
        assert len(people(account)) < 50


# --- read-only folders and files -----------------------------------------------------------


@pytest.mark.parametrize("user", USERS)
def test_a_book_in_a_read_only_folder(shared: Path, user: str) -> None:
    folder = shared / "ro"
    folder.mkdir()
    path = make_book(folder / "b.kamdesk")
    give_to_nobody(path)
    folder.chmod(0o555)
    result = act(user, "open-and-write", path)
    assert "error" not in result, result
    if user == "nobody":
        # Nobody can write this folder, so SQLite could not keep its -wal there.
        assert result["read_only"] is True
        assert "read-only" in result["reason"]
        assert result["write_error"] == "ReadOnlyBookError"
        assert result["beside_while_open"] == ["b.kamdesk"]
    else:
        # Permission bits do not bind root: the folder is writable for this user.
        assert result["read_only"] is (os.geteuid() != 0)
    assert result["accounts"] == 3
    assert listing(folder) == ["b.kamdesk"]


@pytest.mark.parametrize("user", USERS)
def test_creating_a_book_in_a_read_only_folder_says_so(shared: Path, user: str) -> None:
    folder = shared / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    for action in ("create", "demo"):
        result = act(user, action, folder / "new.kamdesk", "3")
        if user == "this user" and os.geteuid() == 0:
            assert "error" not in result  # root may write anywhere
            (folder / "new.kamdesk").unlink()
            continue
        assert result["error"] == "ReadOnlyBookError"
        assert (
            result["message"] == f"Cannot create {folder / 'new.kamdesk'}: the folder is read-only."
        )
    assert listing(folder) == []


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", ["read-only file", "newer", "older and read-only"])
def test_books_we_only_read_leave_no_wal_or_shm(shared: Path, user: str, case: str) -> None:
    path = shared / "b.kamdesk"
    if case == "older and read-only":
        create_book(path, revision="0001")
    else:
        make_book(path)
    if case == "newer":
        with closing(sqlite3.connect(path)) as db:
            db.execute("UPDATE alembic_version SET version_num = '9999'")
            db.commit()
        path.chmod(0o666)  # writable for nobody too: only the schema keeps it read-only
    else:
        path.chmod(0o444)
    assert listing(shared) == ["b.kamdesk"]
    result = act(user, "open", path)
    if case == "older and read-only":
        assert result["error"] == "ReadOnlyBookError"
        assert "older version" in result["message"]
    else:
        assert result["read_only"] is True and result["accounts"] == 3
    assert listing(shared) == ["b.kamdesk"]


@pytest.mark.parametrize("user", USERS)
def test_a_read_only_book_left_with_a_wal_shows_what_the_wal_holds(shared: Path, user: str) -> None:
    # The book was not closed cleanly: its last changes are only in the -wal.
    source = make_book(shared / "source.kamdesk", accounts=2)
    with Book.open(source) as book:
        create_account(book, {"name": "Only in the WAL", "currency": "CNY"})
        path = shared / "b.kamdesk"
        shutil.copyfile(source, path)
        shutil.copyfile(f"{source}-wal", f"{path}-wal")
    source.unlink()
    for name in ("b.kamdesk", "b.kamdesk-wal"):
        (shared / name).chmod(0o444)
    result = act(user, "open", path)
    assert result["read_only"] is True
    assert result["accounts"] == 3
    assert listing(shared) == ["b.kamdesk", "b.kamdesk-wal"]  # the -shm it needed is gone


# --- a damaged book --------------------------------------------------------------------


def cut_in_half_with_its_wal(path: Path) -> None:
    """The book's main file loses its second half while its -wal is still there."""
    make_book(path, accounts=0)
    with Book.open(path) as book:
        for i in range(40):
            create_account(book, {"name": f"Account {i}", "notes": "备注" * 600, "currency": "CNY"})
        with closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        crashed = path.with_name("crashed.kamdesk")
        shutil.copyfile(path, crashed)
        shutil.copyfile(f"{path}-wal", f"{crashed}-wal")
        # A little more after the checkpoint, so the -wal is not empty.
        create_account(book, {"name": "Last", "currency": "CNY"})
        shutil.copyfile(f"{path}-wal", f"{crashed}-wal")
    path.unlink()
    crashed.rename(path)
    Path(f"{crashed}-wal").rename(f"{path}-wal")
    os.truncate(path, path.stat().st_size // 2)


def test_a_book_cut_in_half_while_its_wal_exists_is_refused_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    cut_in_half_with_its_wal(path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(NotABookError) as refused:
        Book.open(path)
    assert "damaged" in refused.value.message
    assert "backup" in refused.value.message
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_the_damaged_message_points_at_the_backups_when_there_are_some(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    cut_in_half_with_its_wal(path)
    backups = tmp_path / "b backups"
    backups.mkdir()
    (backups / "b-schema0001-20260101T000000000000.kamdesk").write_bytes(b"a copy")
    with pytest.raises(NotABookError) as refused:
        Book.open(path)
    assert str(backups) in refused.value.message


def test_a_sound_book_left_with_its_wal_opens_after_the_check(tmp_path: Path) -> None:
    path = make_book(tmp_path / "source.kamdesk")
    copy = tmp_path / "b.kamdesk"
    with Book.open(path) as book:
        create_account(book, {"name": "In the WAL", "currency": "CNY"})
        shutil.copyfile(path, copy)
        shutil.copyfile(f"{path}-wal", f"{copy}-wal")
    with Book.open(copy) as book:
        assert BookReader(book.db).account_count() == 4


def test_a_book_left_with_a_wal_in_a_read_only_folder_says_to_copy_it(shared: Path) -> None:
    # Reading the -wal needs a -shm, which nobody may create in this folder; reading the
    # main file alone would silently show the book without its last changes.
    source = make_book(shared / "source.kamdesk", accounts=1)
    folder = shared / "ro"
    folder.mkdir()
    with Book.open(source) as book:
        create_account(book, {"name": "Only in the WAL", "currency": "CNY"})
        shutil.copyfile(source, folder / "b.kamdesk")
        shutil.copyfile(f"{source}-wal", folder / "b.kamdesk-wal")
    folder.chmod(0o555)
    result = act("nobody", "open", folder / "b.kamdesk")
    assert result["error"] == "ReadOnlyBookError"
    assert "Copy it to a folder you can write to" in result["message"]
    assert listing(folder) == ["b.kamdesk", "b.kamdesk-wal"]

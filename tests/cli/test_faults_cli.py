"""Disk and file faults through the ``kamdesk`` command: one line on stderr, exit 1.

The same faults as tests/store/test_faults.py, as a user meets them on the command line:
no traceback, nothing written, and the line names the cause. Permission faults run as
the user ``nobody`` (root ignores permission bits); a full disk is a small tmpfs.
"""

from __future__ import annotations

import errno
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

import pytest

import kamdesk
from kamdesk.ops.accounts import create_account
from kamdesk.store.book import Book

SOURCE_ROOT = Path(kamdesk.__file__).resolve().parent.parent


def _python(as_nobody: bool) -> list[str]:
    paths = os.pathsep.join([str(SOURCE_ROOT), *site.getsitepackages()])
    if not as_nobody:
        return ["env", f"PYTHONPATH={paths}", sys.executable]
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("running as nobody needs root and runuser")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    # The venv's interpreter may sit where only root may enter; a system one of the same
    # version runs the same packages.
    for python in (sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"):
        command = ["runuser", "-u", "nobody", "--", "env", f"PYTHONPATH={paths}", python]
        if (
            subprocess.run([*command, "-c", "import kamdesk.cli"], capture_output=True).returncode
            == 0
        ):
            return command
    pytest.skip(f"no Python {version} that the user nobody may run")


def kamdesk_fails(*args: str, home: Path, as_nobody: bool = False) -> str:
    """Run ``kamdesk ARGS``; it must fail the way the README promises. Returns the line."""
    env = {**os.environ, "KAMDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [*_python(as_nobody), "-m", "kamdesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("kamdesk: ") and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder the user nobody can reach too (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="kamdesk-cli-faults-"))
    folder.chmod(0o777)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o777)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def small_disk(shared: Path) -> Iterator[Path]:
    """A 1 MB file system, world-writable, mounted for this test."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mount = shared / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=1777", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "home")


@pytest.mark.parametrize("as_nobody", [False, True], ids=["this user", "nobody"])
def test_the_demo_on_a_small_disk_says_the_disk_is_full(small_disk: Path, as_nobody: bool) -> None:
    line = kamdesk_fails(
        "demo", "--no-gui", "--book", str(small_disk / "demo.kamdesk"),
        home=small_disk / "home", as_nobody=as_nobody,
    )  # fmt: skip
    assert "disk is full" in line and "nothing was saved" in line
    assert names(small_disk) == []


@pytest.mark.parametrize("as_nobody", [False, True], ids=["this user", "nobody"])
def test_a_new_book_on_a_full_disk_says_the_disk_is_full(small_disk: Path, as_nobody: bool) -> None:
    (small_disk / "home").mkdir(mode=0o777)
    fill(small_disk)
    line = kamdesk_fails(
        "--book", str(small_disk / "new.kamdesk"), "--exit-after-startup",
        home=small_disk / "home", as_nobody=as_nobody,
    )  # fmt: skip
    assert "disk is full" in line and "new.kamdesk" in line
    assert names(small_disk) == ["filler"]


@pytest.mark.parametrize("command", ["open", "demo"])
def test_creating_a_book_in_a_read_only_folder_says_so(shared: Path, command: str) -> None:
    folder = shared / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "new.kamdesk"
    args: tuple[str, ...] = ("--book", str(target), "--exit-after-startup")
    if command == "demo":
        args = ("demo", "--no-gui", "--book", str(target))
    line = kamdesk_fails(*args, home=shared / "home", as_nobody=True)
    assert line == f"kamdesk: Cannot create {target}: the folder is read-only.\n"
    assert names(folder) == []


def test_a_book_cut_in_half_while_its_wal_exists_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    with Book.open(path, create=True) as book:
        create_account(book, {"name": "华东制造集团", "currency": "CNY"})
    with Book.open(path) as book:
        for i in range(40):
            create_account(book, {"name": f"Account {i}", "notes": "备注" * 600, "currency": "CNY"})
        with closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        create_account(book, {"name": "Last", "currency": "CNY"})
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        shutil.copyfile(path, crashed / path.name)
        shutil.copyfile(f"{path}-wal", crashed / f"{path.name}-wal")
    book_path = crashed / path.name
    os.truncate(book_path, book_path.stat().st_size // 2)
    before = {p.name: p.read_bytes() for p in crashed.iterdir()}
    out = tmp_path / "summary.pdf"
    for args in (
        ("report", "account-summary", "--book", str(book_path), "--account", "华东制造集团",
         "-o", str(out)),
        ("--book", str(book_path), "--exit-after-startup"),
    ):  # fmt: skip
        line = kamdesk_fails(*args, home=tmp_path / "home")
        assert "is damaged" in line and "backup" in line
    assert not out.exists()
    assert {p.name: p.read_bytes() for p in crashed.iterdir()} == before


def test_a_report_on_a_book_missing_a_table_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    with Book.open(path, create=True) as book:
        create_account(book, {"name": "Acme", "currency": "CNY"})
    with closing(sqlite3.connect(path)) as db:  # another program broke its schema
        db.execute("DROP TABLE search_member")
        db.commit()

    line = kamdesk_fails(
        "report", "account-summary", "--book", str(path), "--account", "Acme",
        "-o", str(tmp_path / "a.pdf"), home=tmp_path / "home",
    )  # fmt: skip

    assert line == f"kamdesk: Cannot read {path}: no such table: search_member\n"
    assert not (tmp_path / "a.pdf").exists()


def test_a_report_on_a_book_damaged_after_opening_points_at_the_backups(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    with Book.open(path, create=True) as book:
        create_account(book, {"name": "Acme", "currency": "CNY", "notes": "x" * 19000})
    with closing(sqlite3.connect(path)) as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    with path.open("r+b") as book_file:  # scribble over every page but the first two
        book_file.seek(4096 * 2)
        book_file.write(b"\xff" * 4096 * (pages - 2))

    line = kamdesk_fails(
        "report", "account-summary", "--book", str(path), "--account", "Acme",
        "-o", str(tmp_path / "a.pdf"), home=tmp_path / "home",
    )  # fmt: skip

    assert "is damaged" in line and "backup" in line

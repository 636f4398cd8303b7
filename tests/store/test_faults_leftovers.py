"""What a killed ``kamdesk demo`` (or book creation) leaves beside its target is cleared
by a later run, but never while another run may still be writing it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import kamdesk
from kamdesk.demo import write_demo_book
from kamdesk.store.book import STALE_PARTIAL_AFTER_S, Book, create_book, remove_stale_partials

SOURCE_ROOT = Path(kamdesk.__file__).resolve().parent.parent
LEFTOVER = re.compile(r"\.demo\.kamdesk\.[0-9a-f]{32}\.demo(-wal|-shm)?")


def child_env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KAMDESK_HOME": str(home),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SOURCE_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


def kill_a_demo_half_way(target: Path, home: Path) -> list[str]:
    """Start ``kamdesk demo`` on a large book, kill it once it has written a batch."""
    child = subprocess.Popen(
        [sys.executable, "-m", "kamdesk", "demo", "--no-gui", "--accounts", "5000",
         "--book", str(target)],
        env=child_env(home),
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert child.stderr is not None
    progress = b""
    while b"/" not in progress:  # "250/5000": the first batch is in the book
        chunk = child.stderr.read(1)
        assert chunk, "the demo ended before writing a batch"
        progress += chunk
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    child.stderr.close()
    return sorted(p.name for p in target.parent.iterdir())


def age(folder: Path, seconds: float) -> None:
    """Make every file in ``folder`` look untouched for ``seconds``."""
    then = time.time() - seconds
    for path in folder.iterdir():
        os.utime(path, (then, then))


def test_a_later_demo_removes_what_a_killed_one_left(tmp_path: Path) -> None:
    folder = tmp_path / "books"
    folder.mkdir()
    target = folder / "demo.kamdesk"
    left = kill_a_demo_half_way(target, tmp_path / "home")
    assert left and all(LEFTOVER.fullmatch(name) for name in left), left

    # Right away they may still be a run at work somewhere: a new run leaves them alone.
    assert remove_stale_partials(target) == []
    assert sorted(p.name for p in folder.iterdir()) == left

    age(folder, STALE_PARTIAL_AFTER_S + 60)
    write_demo_book(target, 3)
    assert sorted(p.name for p in folder.iterdir()) == ["demo.kamdesk"]


@contextmanager
def held_open_by_another_process(path: Path) -> Iterator[None]:
    """Another process has the book open (in WAL mode) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]);"
         "db.execute('SELECT COUNT(*) FROM account').fetchone();"
         "print('open', flush=True); sys.stdin.readline(); db.close()",
         str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "open\n"
        yield
    finally:
        holder.communicate("\n", timeout=30)


def test_an_old_temporary_file_still_held_by_a_process_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "demo.kamdesk"
    leftover = tmp_path / f".demo.kamdesk.{'a' * 32}.demo"
    with Book.open(leftover, create=True):
        pass
    with held_open_by_another_process(leftover):
        age(tmp_path, STALE_PARTIAL_AFTER_S + 60)
        assert Path(f"{leftover}-shm").exists()
        assert remove_stale_partials(target) == []
        assert leftover.exists()
    # Once that process has let go, it is a leftover like any other.
    age(tmp_path, STALE_PARTIAL_AFTER_S + 60)
    assert leftover in remove_stale_partials(target)
    assert list(tmp_path.iterdir()) == []


def test_only_our_own_temporary_names_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "b.kamdesk"
    hex_name = "0123456789abcdef" * 2
    ours = [
        f".b.kamdesk.{hex_name}.creating",
        f".b.kamdesk.{hex_name}.creating-journal",
        f"..b.kamdesk.{hex_name}.demo.{hex_name}.creating",
    ]
    theirs = [
        "b.kamdesk.bak",
        f".b.kamdesk.{hex_name}.partial",
        f".other.kamdesk.{hex_name}.creating",
        f".b.kamdesk.{hex_name[:8]}.creating",
        "notes.txt",
    ]
    for name in ours + theirs:
        (tmp_path / name).write_bytes(b"x")
    age(tmp_path, STALE_PARTIAL_AFTER_S + 60)
    create_book(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["b.kamdesk", *theirs])


def test_a_book_is_created_beside_a_young_leftover_without_touching_it(tmp_path: Path) -> None:
    target = tmp_path / "b.kamdesk"
    young = tmp_path / f".b.kamdesk.{'f' * 32}.creating"
    shutil.copyfile(__file__, young)
    create_book(target)
    assert young.exists() and target.exists()

"""``kamdesk sync`` and ``kamdesk conflicts`` as a user runs them: real processes, one folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import kamdesk
from kamdesk.ops.accounts import create_account, delete_account, update_account
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book
from kamdesk.sync.folder import init_folder

from .books import data, new_device_book
from .conftest import FAST_KDF, PASSPHRASE

SOURCE_ROOT = Path(kamdesk.__file__).resolve().parent.parent


def environment(home: Path, passphrase: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "KAMDESK_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        # No keyring on this "computer": the passphrase comes from the environment.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SOURCE_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    env.pop("KAMDESK_SYNC_PASSPHRASE", None)
    if passphrase is not None:
        env["KAMDESK_SYNC_PASSPHRASE"] = passphrase
    return env


def kamdesk_cli(
    *args: str, home: Path, passphrase: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamdesk", *args],
        env=environment(home, passphrase),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def two_laptops(
    empty_book_template: Path, tmp_path: Path
) -> Iterator[tuple[Path, Path, Path, str]]:
    """Alice's book with an account, Bob's empty one, and a shared folder."""
    folder = tmp_path / "Dropbox" / "team"
    folder.mkdir(parents=True)
    init_folder(folder)
    alice_path, bob_path = tmp_path / "alice.kamdesk", tmp_path / "bob.kamdesk"
    with new_device_book(empty_book_template, alice_path) as alice:
        account = create_account(alice, {"name": "华东制造集团", "currency": "CNY"})
        create_stakeholder(alice, account, {"name": "王磊", "title": "采购总监"})
    new_device_book(empty_book_template, bob_path).close()
    yield alice_path, bob_path, folder, account


def sync(book: Path, folder: Path, home: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return kamdesk_cli("sync", "--book", str(book), "--folder", str(folder), *more, home=home)


def test_two_laptops_sync_through_one_folder_and_both_see_the_conflict(
    two_laptops: tuple[Path, Path, Path, str], kamdesk_home: Path
) -> None:
    alice_path, bob_path, folder, account = two_laptops
    first = sync(alice_path, folder, kamdesk_home)
    assert (first.returncode, first.stdout, first.stderr) == (
        0,
        "sent 4, received 0, conflicts 0\n",
        "",
    )
    # Bob's empty book, a second laptop, receives everything.
    second = sync(bob_path, folder, kamdesk_home)
    assert second.stdout == "sent 0, received 4, conflicts 0\n"
    with Book.open(alice_path) as alice, Book.open(bob_path) as bob:
        assert data(bob) == data(alice)
        update_account(alice, account, {"notes": "wants a pilot in Suzhou first"})
        update_account(bob, account, {"notes": "budget approved for Q3"})
    assert sync(alice_path, folder, kamdesk_home).stdout == "sent 1, received 0, conflicts 0\n"
    assert sync(bob_path, folder, kamdesk_home).stdout == "sent 1, received 1, conflicts 1\n"
    assert sync(alice_path, folder, kamdesk_home).stdout == "sent 0, received 1, conflicts 1\n"
    listed = []
    for book in (alice_path, bob_path):
        shown = kamdesk_cli("conflicts", "--book", str(book), "--json", home=kamdesk_home)
        assert shown.returncode == 0
        listed.append(json.loads(shown.stdout))
    assert listed[0] == listed[1]
    (conflict,) = listed[0]
    assert conflict["record"] == "华东制造集团"
    assert conflict["field"] == "notes"
    assert {conflict["value"], conflict["current"]} == {
        "wants a pilot in Suzhou first",
        "budget approved for Q3",
    }
    plain = kamdesk_cli("conflicts", "--book", str(alice_path), home=kamdesk_home)
    assert plain.stdout.count("\n") == 1
    assert "华东制造集团\tnotes\t" in plain.stdout


def test_two_processes_syncing_at_once_end_up_with_the_same_book(
    two_laptops: tuple[Path, Path, Path, str], kamdesk_home: Path
) -> None:
    alice_path, bob_path, folder, account = two_laptops
    with Book.open(bob_path) as bob:
        create_account(bob, {"name": "Bob's own account", "currency": "USD"})
    for _ in range(2):
        running = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kamdesk",
                    "sync",
                    "--book",
                    str(p),
                    "--folder",
                    str(folder),
                ],
                env=environment(kamdesk_home),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for p in (alice_path, bob_path)
        ]
        for process in running:
            out, err = process.communicate(timeout=120)
            assert (process.returncode, err) == (0, ""), out
    with Book.open(alice_path) as alice, Book.open(bob_path) as bob:
        assert data(alice) == data(bob)
        assert len(data(alice)["account"]) == 2
        del account


def test_an_encrypted_folder_takes_the_passphrase_from_the_environment(
    empty_book_template: Path, tmp_path: Path, kamdesk_home: Path
) -> None:
    folder = tmp_path / "OneDrive" / "team"
    folder.mkdir(parents=True)
    init_folder(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    book_path = tmp_path / "alice.kamdesk"
    with new_device_book(empty_book_template, book_path) as alice:
        create_account(alice, {"name": "Huadong", "currency": "CNY"})
    args = ("sync", "--book", str(book_path), "--folder", str(folder))
    refused = kamdesk_cli(*args, home=kamdesk_home)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "KAMDESK_SYNC_PASSPHRASE" in refused.stderr
    done = kamdesk_cli(*args, home=kamdesk_home, passphrase=PASSPHRASE)
    assert (done.returncode, done.stdout) == (0, "sent 1, received 0, conflicts 0\n")


def test_a_missing_folder_is_one_line_and_exit_1(
    two_laptops: tuple[Path, Path, Path, str], kamdesk_home: Path, tmp_path: Path
) -> None:
    alice_path = two_laptops[0]
    failed = sync(alice_path, tmp_path / "not mounted", kamdesk_home)
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr.startswith("kamdesk: ") and failed.stderr.count("\n") == 1


def test_a_sync_that_would_delete_most_accounts_is_refused_until_allowed(
    two_laptops: tuple[Path, Path, Path, str], kamdesk_home: Path
) -> None:
    alice_path, bob_path, folder, account = two_laptops
    with Book.open(alice_path) as alice:
        create_account(alice, {"name": "Second", "currency": "CNY"})
    sync(alice_path, folder, kamdesk_home)
    sync(bob_path, folder, kamdesk_home)
    with Book.open(alice_path) as alice:
        for row in alice.db.execute("SELECT id FROM account").fetchall():
            delete_account(alice, row[0])
    sync(alice_path, folder, kamdesk_home)
    refused = sync(bob_path, folder, kamdesk_home)
    assert refused.returncode == 1
    assert "would delete 2 of your 2 accounts" in refused.stderr
    with Book.open(bob_path) as bob:
        assert (
            bob.db.execute("SELECT COUNT(*) FROM account WHERE deleted_at IS NULL").fetchone()[0]
            == 2
        )
    allowed = sync(bob_path, folder, kamdesk_home, "--allow-mass-delete")
    assert allowed.stdout == "sent 0, received 2, conflicts 0\n"
    del account


def test_the_first_sync_starts_an_empty_folder_and_a_new_laptop_receives_everything(
    empty_book_template: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    alice_path = tmp_path / "alice.kamdesk"
    with new_device_book(empty_book_template, alice_path) as alice:
        create_account(alice, {"name": "Northwind Logistics", "currency": "USD"})
    first = sync(alice_path, folder, tmp_path)
    assert first.returncode == 0, first.stderr
    assert (folder / "kamdesk-sync.json").exists()
    laptop = tmp_path / "second laptop.kamdesk"  # no book there yet
    second = sync(laptop, folder, tmp_path)
    assert second.returncode == 0, second.stderr
    received = int(second.stdout.split("received ")[1].split(",")[0])
    assert received > 0
    with Book.open(alice_path) as alice, Book.open(laptop) as copy:
        assert data(copy) == data(alice)


def test_an_empty_folder_is_encrypted_only_with_a_passphrase(tmp_path: Path) -> None:
    folder = tmp_path / "cloud"
    folder.mkdir()
    refused = kamdesk_cli(
        "sync", "--book", str(tmp_path / "b.kamdesk"), "--folder", str(folder), "--encrypt",
        home=tmp_path,
    )  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "KAMDESK_SYNC_PASSPHRASE" in refused.stderr
    assert list(folder.iterdir()) == []

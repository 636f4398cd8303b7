"""The change log compacts itself after a folder sync; a laptop joining later loses nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamdesk.ops.accounts import create_account, update_account
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.ops.sync import sync_with_folder
from kamdesk.store.book import Book
from kamdesk.sync.folder import DEVICES_DIR, MANIFEST_FILE, FolderSync, init_folder

from .books import conflicts, data, new_device_book


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "Dropbox" / "KAMDesk team"
    root.mkdir(parents=True)
    init_folder(root)
    return root


@pytest.fixture
def laptops(empty_book_template: Path, tmp_path: Path) -> Iterator[tuple[Book, Book]]:
    alice = new_device_book(empty_book_template, tmp_path / "alice.kamdesk")
    bob = new_device_book(empty_book_template, tmp_path / "bob.kamdesk")
    yield alice, bob
    alice.close()
    bob.close()


def own_log(book: Book) -> list[int]:
    """The sequence numbers of this device's entries still in its book."""
    return [
        int(r[0])
        for r in book.db.execute(
            "SELECT e.seq FROM sync_entry e JOIN sync_device d ON d.idx = e.device_idx "
            "WHERE d.device_id = ? ORDER BY e.seq",
            (book.device_id,),
        )
    ]


def last_seq(book: Book) -> int:
    row = book.db.execute(
        "SELECT last_seq FROM sync_device WHERE device_id = ?", (book.device_id,)
    ).fetchone()
    return int(row[0])


def write_some(book: Book, name: str) -> str:
    account = create_account(book, {"name": name, "currency": "CNY"})
    create_stakeholder(book, account, {"name": "王磊", "title": "采购总监"})
    update_account(book, account, {"notes": f"{name}: budget set in March"})
    return account


def test_a_book_drops_what_every_other_laptop_has_read_and_a_late_laptop_gets_it_all(
    laptops: tuple[Book, Book], folder: Path, empty_book_template: Path, tmp_path: Path
) -> None:
    alice, bob = laptops
    write_some(alice, "华东制造集团")
    write_some(bob, "Northwind Logistics")
    written = last_seq(alice)
    assert own_log(alice) == list(range(1, written + 1))
    for _ in range(2):
        sync_with_folder(alice, folder)
        sync_with_folder(bob, folder)
    # Bob has read all of Alice's entries: her book no longer keeps them, nor his hers.
    assert own_log(alice) == []
    assert own_log(bob) == []
    assert data(alice) == data(bob)

    # Alice goes on working: her new entries stay until Bob has read them.
    update_account(alice, write_some(alice, "苏州分公司"), {"notes": "pilot line"})
    sync_with_folder(alice, folder)
    assert own_log(alice) == list(range(written + 1, last_seq(alice) + 1))

    # Carol joins later and syncs from the folder alone: she has everything.
    carol = new_device_book(empty_book_template, tmp_path / "carol.kamdesk")
    try:
        report = sync_with_folder(carol, folder)
        assert report.received == last_seq(alice) + last_seq(bob)
        assert data(carol) == data(alice)
        assert conflicts(carol) == conflicts(alice)
    finally:
        carol.close()


def test_nothing_is_dropped_while_a_laptop_in_the_folder_has_not_said_what_it_read(
    laptops: tuple[Book, Book], folder: Path
) -> None:
    alice, bob = laptops
    write_some(alice, "华东制造集团")
    sync_with_folder(alice, folder)
    sync_with_folder(bob, folder)
    # An older app on Bob's laptop writes manifests without the marks of what it read.
    manifest_path = folder / DEVICES_DIR / bob.device_id / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    del manifest["read"]
    manifest_path.write_text(json.dumps(manifest))
    sync_with_folder(alice, folder)
    assert own_log(alice) == list(range(1, last_seq(alice) + 1))


def test_a_lone_laptop_keeps_its_log(laptops: tuple[Book, Book], folder: Path) -> None:
    alice, _ = laptops
    write_some(alice, "华东制造集团")
    sync_with_folder(alice, folder)
    sync_with_folder(alice, folder)
    assert own_log(alice) == list(range(1, last_seq(alice) + 1))


def test_manifests_say_what_each_laptop_has_read(laptops: tuple[Book, Book], folder: Path) -> None:
    alice, bob = laptops
    write_some(alice, "华东制造集团")
    sync_with_folder(alice, folder)
    sync_with_folder(bob, folder)
    manifest = json.loads((folder / DEVICES_DIR / bob.device_id / MANIFEST_FILE).read_text())
    assert manifest["read"] == {alice.device_id: last_seq(alice)}
    assert manifest["last_seq"] == 0 and manifest["segments"] == []
    assert FolderSync(folder, alice.device_id).read_by_all() == last_seq(alice)

"""The shared folder as a sync service treats it: late, partial, copied, missing files."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kamdesk.errors import (
    NewerSyncFolderError,
    SyncEncryptionRequiredError,
    SyncFolderError,
    SyncFolderUnavailableError,
    WrongSyncPassphraseError,
)
from kamdesk.sync.folder import (
    FORMAT_FILE,
    MAX_ENTRIES_PER_SEGMENT,
    FolderSync,
    ProblemKind,
    init_folder,
    is_conflict_copy,
    read_format,
    would_delete_too_much,
)
from kamdesk.sync.segments import encode_segment

from .conftest import (
    ALICE,
    BOB,
    CAROL,
    CUSTOMER,
    PASSPHRASE,
    device,
    entries,
    files_under,
    readable_texts,
)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_entries_published_by_one_device_are_read_by_another(
    encrypted: bool, plain_folder: Path, encrypted_folder: Path
) -> None:
    root = encrypted_folder if encrypted else plain_folder
    passphrase = PASSPHRASE if encrypted else None
    alice, bob = device(root, ALICE, passphrase), device(root, BOB, passphrase)
    assert alice.publish(entries(ALICE, 1, 5)) == ["seg-1-5.kseg"]
    bob.publish(entries(BOB, 1, 2))
    alice.publish(entries(ALICE, 1, 8))  # 1-5 are in the folder already: only 6-8 go

    got, marks, problems = bob.read_new({})
    assert got == entries(ALICE, 1, 8)
    assert marks == {ALICE: 8}
    assert problems == []
    assert alice.read_new({}).entries == entries(BOB, 1, 2)  # nobody reads their own
    assert sorted(os.listdir(alice.device_dir)) == [
        "manifest.json",
        "seg-1-5.kseg",
        "seg-6-8.kseg",
    ]


def test_a_second_read_after_the_watermarks_returns_nothing(plain_folder: Path) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 3))
    first = bob.read_new({})
    again = bob.read_new(first.watermarks)
    assert (again.entries, again.watermarks, again.problems) == ([], {ALICE: 3}, [])
    alice.publish(entries(ALICE, 1, 4))
    assert bob.read_new(first.watermarks).entries == entries(ALICE, 4, 4)


def test_publishing_the_same_entries_again_writes_nothing(plain_folder: Path) -> None:
    alice = device(plain_folder, ALICE)
    alice.publish(entries(ALICE, 1, 3))
    before = files_under(plain_folder)
    assert alice.publish(entries(ALICE, 1, 3)) == []
    assert files_under(plain_folder) == before


def test_a_big_first_sync_is_split_into_segments_that_tile(plain_folder: Path) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    total = MAX_ENTRIES_PER_SEGMENT + 10
    names = alice.publish(entries(ALICE, 1, total))
    assert names == [f"seg-1-{MAX_ENTRIES_PER_SEGMENT}.kseg", f"seg-{total - 9}-{total}.kseg"]
    assert len(bob.read_new({}).entries) == total


def test_a_segment_still_being_copied_is_skipped_then_read_once_complete(
    plain_folder: Path,
) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 3))
    alice.publish(entries(ALICE, 1, 6))
    segment = alice.device_dir / "seg-4-6.kseg"
    whole = segment.read_bytes()
    segment.write_bytes(whole[: len(whole) // 2])  # the sync service is halfway through

    got, marks, problems = bob.read_new({})
    assert got == entries(ALICE, 1, 3)  # what came before it is read
    assert marks == {ALICE: 3}
    assert [(p.kind, p.file, p.retry_later) for p in problems] == [
        (ProblemKind.INCOMPLETE, "seg-4-6.kseg", True)
    ]
    assert "still arriving" in problems[0].message

    segment.write_bytes(whole)
    got, marks, problems = bob.read_new(marks)
    assert (got, marks, problems) == (entries(ALICE, 4, 6), {ALICE: 6}, [])


def test_a_segment_with_a_bad_checksum_is_skipped_and_reported(plain_folder: Path) -> None:
    alice, bob, carol = (device(plain_folder, d) for d in (ALICE, BOB, CAROL))
    alice.publish(entries(ALICE, 1, 3))
    carol.publish(entries(CAROL, 1, 2))
    segment = alice.device_dir / "seg-1-3.kseg"
    good = segment.read_bytes()
    damaged = bytearray(good)
    damaged[-50] ^= 0xFF
    segment.write_bytes(bytes(damaged))

    got, marks, problems = bob.read_new({})
    assert got == entries(CAROL, 1, 2)  # the other device is not held up
    assert marks == {CAROL: 2}
    assert [(p.kind, p.device_id, p.retry_later) for p in problems] == [
        (ProblemKind.DAMAGED, ALICE, True)
    ]
    assert "checksum" in problems[0].message and "seg-1-3.kseg" in problems[0].message

    segment.write_bytes(good)  # the sync service delivers the right copy
    assert bob.read_new(marks).entries == entries(ALICE, 1, 3)


CONFLICT_COPIES = [
    "seg-1-3 (conflicted copy 2026-12-01).kseg",
    "seg-1-3 (Bob's conflicted copy 2026-12-01).kseg",
    "x.sync-conflict-20261201-123456-ABCDEF.kseg",
    "seg-1-3.sync-conflict-20261201-123456-ABCDEF.kseg",
    "seg-1-3-DESKTOP-AB12.kseg",
    "Copy of seg-1-3.kseg",
    "seg-1-3 (1).kseg",
    "manifest-DESKTOP-AB12.json",
    "manifest (conflicted copy 2026-12-01).json",
    ".seg-1-3.kseg.1a2b3c4d.tmp",
    "desktop.ini",
    ".DS_Store",
]


def test_sync_service_conflict_copies_are_ignored(plain_folder: Path) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 3))
    # Each copy is a valid segment with other values: read, they would show.
    other = [replace(e, value='"conflict copy"') for e in entries(ALICE, 1, 3)]
    impostor = encode_segment(ALICE, 1, 3, other)
    for name in CONFLICT_COPIES:
        (alice.device_dir / name).write_bytes(impostor)
    # A whole device folder duplicated by a sync service.
    shutil.copytree(alice.device_dir, plain_folder / "devices" / f"{ALICE} (1)")
    shutil.copytree(alice.device_dir, plain_folder / "devices" / f"{ALICE}-DESKTOP-AB12")
    shutil.copytree(alice.device_dir, plain_folder / "devices" / "Copy of alice")

    got, marks, problems = bob.read_new({})
    assert got == entries(ALICE, 1, 3)
    assert marks == {ALICE: 3}
    assert problems == []
    for name in CONFLICT_COPIES[:9]:
        assert is_conflict_copy(name), name
    assert not is_conflict_copy("seg-1-3.kseg") and not is_conflict_copy(ALICE)


def test_a_missing_or_unmounted_folder_is_nothing_new_never_a_delete(
    plain_folder: Path, tmp_path: Path
) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 3))
    marks = bob.read_new({}).watermarks

    shutil.rmtree(plain_folder)  # the drive is unplugged
    got, after, problems = bob.read_new(marks)
    assert got == [] and after == marks == {ALICE: 3}
    assert [(p.kind, p.retry_later) for p in problems] == [(ProblemKind.FOLDER_MISSING, True)]
    assert "cannot be found" in problems[0].message

    plain_folder.mkdir()  # the mount point is back, empty: the share is not mounted
    got, after, problems = bob.read_new(marks)
    assert got == [] and after == marks
    assert [p.kind for p in problems] == [ProblemKind.NOT_A_SYNC_FOLDER]
    assert FORMAT_FILE in problems[0].message

    with pytest.raises(SyncFolderUnavailableError):
        alice.publish(entries(ALICE, 1, 5))
    assert list(plain_folder.iterdir()) == []  # nothing written into the empty mount point

    missing = FolderSync(tmp_path / "nowhere", BOB)
    assert missing.read_new({ALICE: 3}).watermarks == {ALICE: 3}
    with pytest.raises(SyncFolderUnavailableError):
        missing.publish(entries(BOB, 1, 1))
    assert not (tmp_path / "nowhere").exists()


def test_a_device_folder_that_vanishes_keeps_its_watermark(plain_folder: Path) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 3))
    marks = bob.read_new({}).watermarks
    shutil.rmtree(alice.device_dir)
    assert bob.read_new(marks) == ([], {ALICE: 3}, [])


def test_a_segment_not_arrived_yet_holds_the_ones_after_it(plain_folder: Path) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    for last in (2, 4, 6):
        alice.publish(entries(ALICE, 1, last))
    middle = alice.device_dir / "seg-3-4.kseg"
    held = middle.read_bytes()
    middle.unlink()  # the sync service has delivered 1-2 and 5-6 but not 3-4 yet

    got, marks, problems = bob.read_new({})
    assert got == entries(ALICE, 1, 2) and marks == {ALICE: 2}
    assert [(p.kind, p.retry_later) for p in problems] == [(ProblemKind.WAITING, True)]

    middle.write_bytes(held)
    assert bob.read_new(marks) == (entries(ALICE, 3, 6), {ALICE: 6}, [])


def test_the_manifest_tells_of_segments_still_on_their_way(plain_folder: Path) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 2))
    alice.publish(entries(ALICE, 1, 4))
    (alice.device_dir / "seg-3-4.kseg").unlink()
    got, _marks, problems = bob.read_new({})
    assert got == entries(ALICE, 1, 2)
    assert [p.kind for p in problems] == [ProblemKind.WAITING]


def _make_newer(root: Path, **changes: object) -> None:
    path = root / FORMAT_FILE
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_a_folder_in_a_newer_format_is_neither_read_nor_written(plain_folder: Path) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 3))
    _make_newer(plain_folder, format=2, encryption={"cipher": "something new"})
    before = files_under(plain_folder)

    with pytest.raises(NewerSyncFolderError) as raised:
        bob.read_new({})
    assert "newer version of KAMDesk" in raised.value.message
    with pytest.raises(NewerSyncFolderError):
        bob.publish(entries(BOB, 1, 3))
    assert files_under(plain_folder) == before


def test_a_folder_that_needs_a_newer_app_to_write_is_still_read(plain_folder: Path) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 3))
    _make_newer(plain_folder, min_app_version_to_write="99.0")
    before = files_under(plain_folder)

    assert bob.read_new({}).entries == entries(ALICE, 1, 3)
    with pytest.raises(NewerSyncFolderError) as raised:
        bob.publish(entries(BOB, 1, 3))
    assert "99.0" in raised.value.message
    assert files_under(plain_folder) == before


def test_a_wrong_passphrase_is_told_at_once(encrypted_folder: Path) -> None:
    device(encrypted_folder, ALICE, PASSPHRASE).publish(entries(ALICE, 1, 3))
    bob = device(encrypted_folder, BOB, "Correct horse battery staple 马到成功")
    before = files_under(encrypted_folder)
    with pytest.raises(WrongSyncPassphraseError) as raised:
        bob.read_new({})
    assert "passphrase does not open this sync folder" in raised.value.message
    with pytest.raises(WrongSyncPassphraseError):
        bob.publish(entries(BOB, 1, 1))
    assert files_under(encrypted_folder) == before


def test_a_device_without_the_team_key_cannot_write_into_an_encrypted_folder(
    encrypted_folder: Path,
) -> None:
    alice = device(encrypted_folder, ALICE, PASSPHRASE)
    alice.publish(entries(ALICE, 1, 3))
    unencrypted = device(encrypted_folder, BOB, None)
    before = files_under(encrypted_folder)
    with pytest.raises(SyncEncryptionRequiredError) as raised:
        unencrypted.publish(entries(BOB, 1, 3))
    assert "encrypted" in raised.value.message and "passphrase" in raised.value.message
    with pytest.raises(SyncEncryptionRequiredError):
        unencrypted.read_new({})
    assert files_under(encrypted_folder) == before

    # A plain segment slipped in anyway (an old app, or someone with only folder access)
    # is not taken: only entries sealed with the team key are.
    bob_dir = encrypted_folder / "devices" / BOB
    bob_dir.mkdir()
    (bob_dir / "seg-1-3.kseg").write_bytes(encode_segment(BOB, 1, 3, entries(BOB, 1, 3)))
    got, marks, problems = alice.read_new({})
    assert got == [] and marks == {}
    assert [(p.kind, p.device_id, p.retry_later) for p in problems] == [
        (ProblemKind.WRONG_KEY, BOB, False)
    ]


def test_an_encrypted_folder_holds_no_readable_customer_data(
    plain_folder: Path, encrypted_folder: Path
) -> None:
    needle = CUSTOMER.encode()
    for root, passphrase in ((plain_folder, None), (encrypted_folder, PASSPHRASE)):
        device(root, ALICE, passphrase).publish(entries(ALICE, 1, 10))
        device(root, BOB, passphrase).publish(entries(BOB, 1, 10))
    plain_text = [t for data in files_under(plain_folder).values() for t in readable_texts(data)]
    assert any(needle in text for text in plain_text)  # the search does find it in clear
    for name, data in files_under(encrypted_folder).items():
        assert not any(needle in text for text in readable_texts(data)), name
        assert PASSPHRASE.encode() not in data


def test_setting_up_a_folder_twice_is_refused(plain_folder: Path) -> None:
    before = files_under(plain_folder)
    with pytest.raises(SyncFolderError) as raised:
        init_folder(plain_folder, passphrase="x")
    assert "already" in raised.value.message
    assert files_under(plain_folder) == before
    assert read_format(plain_folder).encryption is None


def test_a_device_publishes_only_its_own_entries(plain_folder: Path) -> None:
    with pytest.raises(ValueError):
        device(plain_folder, ALICE).publish(entries(BOB, 1, 1))


@pytest.mark.parametrize(
    ("live", "deletions", "asks"),
    [(0, 0, False), (10, 5, False), (10, 6, True), (3, 2, True), (1, 1, True), (100, 0, False)],
)
def test_deleting_more_than_half_the_live_accounts_asks_first(
    live: int, deletions: int, asks: bool
) -> None:
    assert would_delete_too_much(live, deletions) is asks


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its mode")
def test_an_unreadable_device_folder_is_reported_and_the_rest_is_read(plain_folder: Path) -> None:
    alice, bob, carol = (device(plain_folder, d) for d in (ALICE, BOB, CAROL))
    alice.publish(entries(ALICE, 1, 3))
    carol.publish(entries(CAROL, 1, 2))
    carol.publish(entries(CAROL, 1, 4))
    os.chmod(alice.device_dir, 0)
    os.chmod(carol.device_dir / "seg-3-4.kseg", 0)
    try:
        got, marks, problems = bob.read_new({})
    finally:
        os.chmod(alice.device_dir, 0o755)
        os.chmod(carol.device_dir / "seg-3-4.kseg", 0o644)
    assert got == entries(CAROL, 1, 2) and marks == {CAROL: 2}
    assert sorted((p.kind, p.device_id, p.file) for p in problems) == [
        (ProblemKind.UNREADABLE, ALICE, None),
        (ProblemKind.UNREADABLE, CAROL, "seg-3-4.kseg"),
    ]
    assert all(p.retry_later for p in problems)
    assert bob.read_new(marks).entries == entries(ALICE, 1, 3) + entries(CAROL, 3, 4)


def test_a_half_written_file_left_by_a_crash_is_never_read_and_is_cleared(
    plain_folder: Path,
) -> None:
    alice, bob = device(plain_folder, ALICE), device(plain_folder, BOB)
    alice.publish(entries(ALICE, 1, 3))
    whole = encode_segment(ALICE, 4, 6, entries(ALICE, 4, 6))
    leftover = alice.device_dir / ".seg-4-6.kseg.deadbeef.tmp"
    leftover.write_bytes(whole[:40])  # the app died while writing it
    assert bob.read_new({ALICE: 3}) == ([], {ALICE: 3}, [])

    assert alice.publish(entries(ALICE, 1, 6)) == ["seg-4-6.kseg"]
    assert not leftover.exists()
    assert not [n for n in os.listdir(alice.device_dir) if n.endswith(".tmp")]
    assert bob.read_new({ALICE: 3}).entries == entries(ALICE, 4, 6)

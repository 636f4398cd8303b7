"""Where a computer finds the team key: the OS keyring, or the environment, never a file."""

from __future__ import annotations

import base64
from pathlib import Path

import keyring
import keyring.core
import keyring.errors
import pytest
from keyring.backends import fail

from kamdesk.errors import (
    SyncEncryptionRequiredError,
    SyncFolderUnavailableError,
    WrongSyncPassphraseError,
)
from kamdesk.sync import crypto
from kamdesk.sync.crypto import PASSPHRASE_VARIABLE, FolderEncryption, KdfParams
from kamdesk.sync.folder import FolderSync, ProblemKind, init_folder, read_format
from tests.keyrings import MemoryKeyring

from .conftest import ALICE, BOB, FAST_KDF, PASSPHRASE, entries, files_under


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    monkeypatch.delenv(PASSPHRASE_VARIABLE, raising=False)
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    monkeypatch.delenv(PASSPHRASE_VARIABLE, raising=False)
    keyring.set_keyring(fail.Keyring())


def test_a_passphrase_remembered_in_the_keyring_opens_the_folder(
    encrypted_folder: Path, memory_keyring: MemoryKeyring
) -> None:
    folder = read_format(encrypted_folder)
    assert folder.encryption is not None
    alice, bob = FolderSync(encrypted_folder, ALICE), FolderSync(encrypted_folder, BOB)
    with pytest.raises(SyncEncryptionRequiredError):
        alice.publish(entries(ALICE, 1, 3))  # nothing in the keyring yet

    key = crypto.remember_passphrase(folder.folder_id, folder.encryption, PASSPHRASE)
    alice.publish(entries(ALICE, 1, 3))
    assert bob.read_new({}).entries == entries(ALICE, 1, 3)
    # The keyring holds the derived key, not the passphrase, and the folder holds neither.
    (stored,) = memory_keyring.store.values()
    assert PASSPHRASE not in stored and base64.b64decode(stored) == key.key
    for data in files_under(encrypted_folder).values():
        assert key.key not in data and stored.encode() not in data

    crypto.forget_key(folder.folder_id)
    with pytest.raises(SyncEncryptionRequiredError):
        FolderSync(encrypted_folder, BOB).read_new({})


def test_a_wrong_passphrase_is_not_remembered(
    encrypted_folder: Path, memory_keyring: MemoryKeyring
) -> None:
    folder = read_format(encrypted_folder)
    assert folder.encryption is not None
    with pytest.raises(WrongSyncPassphraseError):
        crypto.remember_passphrase(folder.folder_id, folder.encryption, "guess")
    assert memory_keyring.store == {}


def test_a_key_kept_from_an_old_passphrase_says_so(
    encrypted_folder: Path, memory_keyring: MemoryKeyring
) -> None:
    folder = read_format(encrypted_folder)
    assert folder.encryption is not None
    crypto.remember_passphrase(folder.folder_id, folder.encryption, PASSPHRASE)
    # The team sets the folder up again with a new passphrase, under the same folder id.
    renewed, _key = FolderEncryption.new("a new passphrase", FAST_KDF)
    with pytest.raises(WrongSyncPassphraseError) as raised:
        crypto.find_team_key(folder.folder_id, renewed)
    assert "no longer opens" in raised.value.message


def test_without_a_keyring_the_passphrase_comes_from_the_environment(
    encrypted_folder: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SyncEncryptionRequiredError) as raised:
        FolderSync(encrypted_folder, ALICE).publish(entries(ALICE, 1, 3))
    assert PASSPHRASE_VARIABLE in raised.value.message

    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)
    FolderSync(encrypted_folder, ALICE).publish(entries(ALICE, 1, 3))
    assert FolderSync(encrypted_folder, BOB).read_new({}).entries == entries(ALICE, 1, 3)

    monkeypatch.setenv(PASSPHRASE_VARIABLE, "not it")
    with pytest.raises(WrongSyncPassphraseError):
        FolderSync(encrypted_folder, BOB).read_new({})


def test_a_new_encrypted_folder_keeps_salt_settings_and_key_check_but_no_secret(
    tmp_path: Path,
) -> None:
    root = tmp_path / "team"
    root.mkdir()
    init_folder(root, passphrase=PASSPHRASE)  # the default key derivation, full strength
    folder = read_format(root)
    assert folder.encryption is not None
    assert folder.encryption.params == KdfParams()
    assert KdfParams().n >= 2**15 and KdfParams().r >= 8
    assert len(folder.encryption.salt) == 16
    text = (root / "kamdesk-sync.json").read_text()
    assert PASSPHRASE not in text
    assert '"kdf": "scrypt"' in text
    assert folder.encryption.unlock(PASSPHRASE).key_id == folder.encryption.key_id


def test_a_format_file_asking_for_absurd_key_settings_is_not_obeyed(
    encrypted_folder: Path,
) -> None:
    alice = FolderSync(encrypted_folder, ALICE, find_key=lambda _id, enc: enc.unlock(PASSPHRASE))
    alice.publish(entries(ALICE, 1, 3))
    path = encrypted_folder / "kamdesk-sync.json"
    # 2**30 × r 8 × 128 bytes: 1 TiB of memory, were it derived.
    path.write_text(path.read_text().replace('"n": 4096', '"n": 1073741824'))
    bob = FolderSync(encrypted_folder, BOB, find_key=lambda _id, enc: enc.unlock(PASSPHRASE))
    got, marks, problems = bob.read_new({})
    assert (got, marks) == ([], {})
    assert [p.kind for p in problems] == [ProblemKind.UNREADABLE]
    assert "damaged" in problems[0].message
    with pytest.raises(SyncFolderUnavailableError):
        bob.publish(entries(BOB, 1, 1))

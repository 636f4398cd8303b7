"""Helpers for the sync transport tests: entries, folders and team keys."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from kamdesk.sync.crypto import FolderEncryption, KdfParams, TeamKey
from kamdesk.sync.entries import WireEntry
from kamdesk.sync.folder import FolderSync, init_folder

ALICE = "0b7e2c1a-5f3d-4e8a-9c6b-1d2e3f4a5b6c"
BOB = "7f9a8b7c-6d5e-4f3a-2b1c-0d9e8f7a6b5c"
CAROL = "c4a1b2c3-d4e5-4f60-8172-93a4b5c6d7e8"
PASSPHRASE = "correct horse battery staple 马到成功"
#: A customer name that must never be readable in an encrypted folder.
CUSTOMER = "华东制造集团 Huadong Precision"
#: Fast key derivation for tests about what the key does, not how hard it is to guess.
FAST_KDF = KdfParams(n=2**12)


def entry(device: str, seq: int, value: object = None, column: str = "name") -> WireEntry:
    """One entry of ``device``, with a value a user might have typed."""
    text = json.dumps(value if value is not None else f"{CUSTOMER} #{seq}", ensure_ascii=False)
    return WireEntry(
        device_id=device,
        seq=seq,
        hlc=(1_765_000_000_000 + seq) << 16,
        table="account",
        row_id=f"acc-{seq % 7}",
        column=column,
        value=text,
        seen_hlc=None if seq == 1 else (1_765_000_000_000 + seq - 1) << 16,
        seen_device=None if seq == 1 else device,
    )


def entries(device: str, first: int, last: int) -> list[WireEntry]:
    return [entry(device, seq) for seq in range(first, last + 1)]


KeyFor = Callable[[str, FolderEncryption], TeamKey | None]


def key_from(passphrase: str | None) -> KeyFor:
    """A key finder that knows ``passphrase`` (or none), as a computer's keyring would."""

    def find(_folder_id: str, encryption: FolderEncryption) -> TeamKey | None:
        return encryption.unlock(passphrase) if passphrase is not None else None

    return find


@pytest.fixture
def plain_folder(tmp_path: Path) -> Path:
    root = tmp_path / "Dropbox" / "KAMDesk team"
    root.mkdir(parents=True)
    init_folder(root)
    return root


@pytest.fixture
def encrypted_folder(tmp_path: Path) -> Path:
    root = tmp_path / "OneDrive" / "KAMDesk team"
    root.mkdir(parents=True)
    init_folder(root, passphrase=PASSPHRASE, kdf=FAST_KDF)
    return root


def device(root: Path, device_id: str, passphrase: str | None = None) -> FolderSync:
    return FolderSync(root, device_id, find_key=key_from(passphrase))


def files_under(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def readable_texts(data: bytes) -> list[bytes]:
    """The bytes as stored, and whatever zlib stream starts anywhere in them, inflated."""
    texts = [data]
    for start in range(len(data)):
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(data[start:])
        except zlib.error:
            continue
        if text:
            texts.append(text)
    return texts

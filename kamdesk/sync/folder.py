"""Sync through a shared folder (Dropbox, OneDrive, Syncthing, a network drive).

Layout::

    kamdesk-sync.json                      format, oldest app allowed to write, encryption
    devices/<device id>/manifest.json      last sequence number, segment names, and how
                                           far this device has read each other device
    devices/<device id>/seg-<first>-<last>.kseg

Each device writes only its own directory, and only new files: a segment is written under
a temporary name, fsynced, renamed and its directory fsynced, so other devices (and the
sync service) never see half of one from us. Sync services still deliver files piecewise,
copy them on conflict and lose them for a while, so a reader trusts nothing it sees:

* it reads a device's segments in order from its watermark (the last sequence number it
  took from that device), and stops at the first one that is incomplete or damaged, to
  retry it on the next sync (the watermark does not pass it, so nothing is skipped);
* it reads only names it wrote itself (``seg-1-3.kseg``), which leaves out every conflict
  copy ("seg-1-3 (conflicted copy …).kseg", "… (1).kseg", ".sync-conflict-…") and stray
  files (desktop.ini, .DS_Store, temporary files);
* a missing folder, device or segment is never a delete: deletes travel only as entries
  (tombstones), so a folder that vanishes (an unmounted drive) means "nothing new";
* a folder in a newer format is neither read nor written, with a message that says so.

The transport carries entries as opaque ``WireEntry`` records; applying them is the merge
engine's job, which calls ``would_delete_too_much`` before applying a large delete.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from kamdesk import __version__
from kamdesk.errors import (
    NewerSyncFolderError,
    SyncEncryptionRequiredError,
    SyncFolderError,
    SyncFolderUnavailableError,
)
from kamdesk.i18n import _
from kamdesk.sync import crypto
from kamdesk.sync.crypto import FolderEncryption, KdfParams, TeamKey
from kamdesk.sync.entries import WireEntry
from kamdesk.sync.segments import (
    NewerSegmentError,
    SegmentDamagedError,
    SegmentError,
    SegmentIncompleteError,
    SegmentKeyError,
    decode_segment,
    encode_segment,
)

FORMAT_FILE = "kamdesk-sync.json"
DEVICES_DIR = "devices"
MANIFEST_FILE = "manifest.json"
#: The folder format this app reads and writes.
FOLDER_FORMAT = 1
#: The oldest app that writes this format correctly (what a new folder records).
MIN_APP_VERSION_TO_WRITE = "0.1.0"
#: A first sync of a large book is split so no one file is huge to copy or to lose.
MAX_ENTRIES_PER_SEGMENT = 20_000

_SEGMENT_NAME = re.compile(r"seg-([0-9]{1,19})-([0-9]{1,19})\.kseg")
_DEVICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: Names sync services give their copies: Dropbox and Nextcloud "(conflicted copy …)",
#: Syncthing ".sync-conflict-…", OneDrive "-DESKTOP-…" (the computer's name), Google
#: Drive "Copy of …" and "… (1)".
_CONFLICT_COPY = re.compile(
    r"conflict|-(DESKTOP|LAPTOP)-|^Copy of |\(\d+\)(\.[^.]*)?$", re.IGNORECASE
)


def is_conflict_copy(name: str) -> bool:
    """True for a file or folder name a sync service made as a copy of another."""
    return _CONFLICT_COPY.search(name) is not None


def _version_tuple(version: str) -> tuple[int, ...]:
    # "0.1.0", "1.2" or "1.2.0rc1": the leading numbers are what decide.
    parts: list[int] = []
    for part in version.split("."):
        digits = re.match(r"[0-9]+", part)
        if digits is None:
            break
        parts.append(int(digits.group()))
    return tuple(parts)


def would_delete_too_much(live_accounts: int, deletions: int) -> bool:
    """True when a sync would delete more than half the live accounts: stop and ask.

    A folder restored from an old backup, or a device whose book was emptied, can send
    a wall of tombstones; the merge asks the user before applying them.
    """
    return live_accounts > 0 and deletions * 2 > live_accounts


@dataclass(frozen=True)
class FolderFormat:
    """The folder's format file: what it is, who may write it, how it is encrypted."""

    format: int
    min_app_version_to_write: str
    folder_id: str
    encryption: FolderEncryption | None

    def to_json(self) -> dict[str, Any]:
        """The format file's JSON object."""
        return {
            "format": self.format,
            "min_app_version_to_write": self.min_app_version_to_write,
            "folder_id": self.folder_id,
            "encryption": self.encryption.to_json() if self.encryption else None,
        }


class ProblemKind(StrEnum):
    """Why part of the folder was not read on this sync."""

    FOLDER_MISSING = "folder_missing"
    NOT_A_SYNC_FOLDER = "not_a_sync_folder"
    UNREADABLE = "unreadable"
    INCOMPLETE = "incomplete"
    DAMAGED = "damaged"
    WRONG_KEY = "wrong_key"
    NEWER_SEGMENT = "newer_segment"
    WAITING = "waiting"


@dataclass(frozen=True)
class SyncProblem:
    """Something the sync could not read now, in words for the user.

    ``retry_later`` is True when the next sync may well succeed by itself (a file still
    arriving, a drive not mounted yet); False when someone has to act.
    """

    kind: ProblemKind
    message: str
    retry_later: bool
    device_id: str | None = None
    file: str | None = None


class ReadResult(NamedTuple):
    """What ``read_new`` found: new entries, the watermarks after them, and problems."""

    entries: list[WireEntry]
    watermarks: dict[str, int]
    problems: list[SyncProblem]


KeyFinder = Callable[[str, FolderEncryption], TeamKey | None]


def _fsync_dir(path: Path) -> None:
    # The rename is durable only once the directory is; Windows cannot open a directory,
    # and makes renames durable itself.
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so no reader ever sees part of it under that name."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temp, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(path.parent)


def _write_failed(root: Path, exc: OSError) -> SyncFolderError:
    return SyncFolderError(
        _("Could not write to the sync folder {folder}: {reason}. Nothing was sent.").format(
            folder=root, reason=exc.strerror or exc
        )
    )


def init_folder(
    root: Path, *, passphrase: str | None = None, kdf: KdfParams | None = None
) -> FolderFormat:
    """Make ``root`` (an existing, empty or shared folder) a KAMDesk sync folder.

    With a passphrase the folder is encrypted end to end; the caller keeps the key with
    ``crypto.remember_passphrase``.
    """
    if not root.is_dir():
        raise SyncFolderUnavailableError(
            _("The folder {folder} does not exist.").format(folder=root)
        )
    if (root / FORMAT_FILE).exists():
        raise SyncFolderError(
            _("{folder} is already a KAMDesk sync folder; join it instead.").format(folder=root)
        )
    encryption = FolderEncryption.new(passphrase, kdf)[0] if passphrase is not None else None
    folder = FolderFormat(FOLDER_FORMAT, MIN_APP_VERSION_TO_WRITE, str(uuid.uuid4()), encryption)
    try:
        (root / DEVICES_DIR).mkdir(exist_ok=True)
        _write_atomically(root / FORMAT_FILE, json.dumps(folder.to_json(), indent=2).encode())
    except OSError as exc:
        raise _write_failed(root, exc) from exc
    return folder


def _newer_folder(root: Path) -> NewerSyncFolderError:
    return NewerSyncFolderError(
        _(
            "The sync folder {folder} was set up by a newer version of KAMDesk. This version "
            "reads and writes nothing there; update KAMDesk to sync through it."
        ).format(folder=root)
    )


def read_format(root: Path) -> FolderFormat:
    """The folder's format file.

    Raises SyncFolderUnavailableError when the folder or its format file is missing or
    unreadable (an unmounted drive, a folder not synced down yet), and
    NewerSyncFolderError when a newer app set it up.
    """
    if not root.is_dir():
        raise SyncFolderUnavailableError(
            _(
                "The sync folder {folder} cannot be found. Is the drive connected, or the "
                "cloud folder still syncing? Nothing was changed."
            ).format(folder=root)
        )
    try:
        data = json.loads((root / FORMAT_FILE).read_bytes())
    except FileNotFoundError as exc:
        raise SyncFolderUnavailableError(
            _(
                "{folder} is not a KAMDesk sync folder (it has no {file}), or it has not "
                "finished syncing to this computer. Nothing was changed."
            ).format(folder=root, file=FORMAT_FILE)
        ) from exc
    except (OSError, ValueError) as exc:
        raise SyncFolderUnavailableError(
            _("The sync folder's {file} cannot be read now; sync will try again.").format(
                file=FORMAT_FILE
            )
        ) from exc
    version = data.get("format") if isinstance(data, dict) else None
    if not isinstance(version, int):
        raise SyncFolderUnavailableError(
            _("The sync folder's {file} is damaged.").format(file=FORMAT_FILE)
        )
    if version > FOLDER_FORMAT:
        # Checked before anything else in it is read: a newer format may mean anything.
        raise _newer_folder(root)
    try:
        encryption_data = data.get("encryption")
        encryption = (
            FolderEncryption.from_json(encryption_data) if encryption_data is not None else None
        )
        return FolderFormat(
            version,
            str(data["min_app_version_to_write"]),
            str(data["folder_id"]),
            encryption,
        )
    except (KeyError, ValueError) as exc:
        raise SyncFolderUnavailableError(
            _("The sync folder's {file} is damaged.").format(file=FORMAT_FILE)
        ) from exc


class FolderSync:
    """One device's view of a shared sync folder: publish its entries, read the others'.

    ``find_key`` gives this computer's team key for an encrypted folder, or None if it
    has none (by default from the OS keyring or ``KAMDESK_SYNC_PASSPHRASE``); the key is
    looked up once and kept while the folder keeps the same key.
    """

    def __init__(
        self, root: Path, device_id: str, *, find_key: KeyFinder = crypto.find_team_key
    ) -> None:
        if not _DEVICE_NAME.fullmatch(device_id) or is_conflict_copy(device_id):
            raise ValueError(f"not a device id: {device_id!r}")
        self.root = root
        self.device_id = device_id
        self._find_key = find_key
        self._key: TeamKey | None = None

    @property
    def device_dir(self) -> Path:
        """The directory only this device writes."""
        return self.root / DEVICES_DIR / self.device_id

    def _folder_key(self, folder: FolderFormat) -> TeamKey | None:
        """The key segments are sealed with, or None for a plain folder."""
        if folder.encryption is None:
            return None
        if self._key is None or self._key.key_id != folder.encryption.key_id:
            self._key = self._find_key(folder.folder_id, folder.encryption)
        if self._key is None:
            raise SyncEncryptionRequiredError(
                _(
                    "The sync folder {folder} is encrypted, and this computer has no team key "
                    "for it. Enter the team's passphrase (or set {variable}) to sync; nothing "
                    "was read or written."
                ).format(folder=self.root, variable=crypto.PASSPHRASE_VARIABLE)
            )
        return self._key

    # -- writing ---------------------------------------------------------------------

    def published_seq(self) -> int:
        """The last sequence number this device has put in the folder (0 for none)."""
        last = 0
        try:
            names = os.listdir(self.device_dir)
        except FileNotFoundError:
            return 0
        for name in names:
            match = _SEGMENT_NAME.fullmatch(name)
            if match:
                last = max(last, int(match.group(2)))
        manifest = _read_manifest(self.device_dir)
        if manifest is not None:
            last = max(last, manifest.last_seq)
        return last

    def publish(self, entries: Iterable[WireEntry]) -> list[str]:
        """Write this device's entries that the folder does not have yet as new segments.

        Entries already published (by sequence number) are left out, so publishing the
        same entries again writes nothing. Returns the names of the segments written.
        Raises a SyncFolderError subclass, with nothing written, when the folder is
        missing, newer than this app, encrypted without a key here, or not writable.
        """
        folder = read_format(self.root)
        if _version_tuple(__version__) < _version_tuple(folder.min_app_version_to_write):
            raise NewerSyncFolderError(
                _(
                    "The sync folder {folder} takes changes only from KAMDesk {version} or "
                    "newer. Update KAMDesk to send yours; nothing was written."
                ).format(folder=self.root, version=folder.min_app_version_to_write)
            )
        key = self._folder_key(folder)
        mine = sorted(entries, key=lambda e: e.seq)
        if any(e.device_id != self.device_id for e in mine):
            raise ValueError("a device publishes only its own entries")
        try:
            self.device_dir.mkdir(parents=True, exist_ok=True)
            self._remove_leftover_temp_files()
            last = self.published_seq()
            new: list[WireEntry] = []
            for entry in mine:
                if entry.seq > last and (not new or entry.seq > new[-1].seq):
                    new.append(entry)
            written: list[str] = []
            for start in range(0, len(new), MAX_ENTRIES_PER_SEGMENT):
                chunk = new[start : start + MAX_ENTRIES_PER_SEGMENT]
                # Segments tile the sequence numbers with no gap, so a reader can tell
                # a segment still missing from numbers compacted away.
                first, last = last + 1, chunk[-1].seq
                name = f"seg-{first}-{last}.kseg"
                data = encode_segment(self.device_id, first, last, chunk, key)
                _write_atomically(self.device_dir / name, data)
                written.append(name)
            if written:
                self._write_manifest(last)
        except OSError as exc:
            raise _write_failed(self.root, exc) from exc
        return written

    def _write_manifest(self, last_seq: int, read: Mapping[str, int] | None = None) -> None:
        """Write the manifest; ``read`` None keeps the read marks it already has."""
        segments = sorted(
            (n for n in os.listdir(self.device_dir) if _SEGMENT_NAME.fullmatch(n)),
            key=lambda n: int(n.split("-")[1]),
        )
        if read is None:
            previous = _read_manifest(self.device_dir)
            read = previous.read if previous is not None and previous.read is not None else {}
        manifest = {
            "device": self.device_id,
            "format": FOLDER_FORMAT,
            "app_version": __version__,
            "last_seq": last_seq,
            "segments": segments,
            "read": dict(sorted(read.items())),
        }
        _write_atomically(self.device_dir / MANIFEST_FILE, json.dumps(manifest).encode())

    def publish_read_marks(self, read: Mapping[str, int]) -> bool:
        """Say in this device's manifest how far it has read each other device.

        ``read`` is device id → the last sequence number this book took from it. The
        other devices compact their books by it (see :meth:`read_by_all`). Writes only
        when the marks changed; returns False when the folder cannot be written now
        (the marks then wait for the next sync: nobody drops anything meanwhile).
        """
        marks = {d: int(s) for d, s in read.items() if d != self.device_id and s > 0}
        manifest = _read_manifest(self.device_dir)
        if manifest is not None and manifest.read == marks:
            return True
        try:
            read_format(self.root)
            self.device_dir.mkdir(parents=True, exist_ok=True)
            self._write_manifest(self.published_seq(), marks)
        except (OSError, SyncFolderError):
            return False
        return True

    def read_by_all(self, known: Iterable[str] = ()) -> int:
        """Up to which sequence number every other device has read this device's entries.

        The other devices are those with a directory in the folder and those in
        ``known`` (the devices the book has heard of); one whose manifest does not say
        (it has none yet, it cannot be read, or an older app wrote it) has read nothing.
        Never more than this device has published, and 0 while no other device is
        known. The book may drop its own entries up to it: the folder's segments keep
        them for any device that joins later.
        """
        others = {d for d in known if d != self.device_id}
        devices_dir = self.root / DEVICES_DIR
        try:
            names = os.listdir(devices_dir)
        except OSError:
            return 0
        others.update(
            n
            for n in names
            if n != self.device_id and _DEVICE_NAME.fullmatch(n) and not is_conflict_copy(n)
        )
        if not others:
            return 0
        bound = self.published_seq()
        for device_id in others:
            manifest = _read_manifest(devices_dir / device_id)
            if manifest is None or manifest.read is None:
                return 0
            bound = min(bound, manifest.read.get(self.device_id, 0))
        return bound

    def _remove_leftover_temp_files(self) -> None:
        # Only this device writes here, so a temporary file is one a crash left behind.
        for name in os.listdir(self.device_dir):
            if name.startswith(".") and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    (self.device_dir / name).unlink()

    # -- reading ---------------------------------------------------------------------

    def read_new(self, watermarks: Mapping[str, int]) -> ReadResult:
        """The other devices' entries past ``watermarks`` (device id → last seq taken).

        Never raises for what a sync service does to files: a missing or unmounted
        folder, a device directory gone, a segment incomplete or damaged all come back
        as problems, and the watermarks stay where they were for what was not read.
        Raises NewerSyncFolderError for a folder set up by a newer app, and
        SyncEncryptionRequiredError or WrongSyncPassphraseError when the folder is
        encrypted and this computer has no right key: those need the user to act.
        """
        marks = dict(watermarks)
        try:
            folder = read_format(self.root)
        except SyncFolderUnavailableError as exc:
            if not self.root.is_dir():
                kind = ProblemKind.FOLDER_MISSING
            elif not (self.root / FORMAT_FILE).exists():
                kind = ProblemKind.NOT_A_SYNC_FOLDER
            else:
                kind = ProblemKind.UNREADABLE
            return ReadResult([], marks, [SyncProblem(kind, exc.message, retry_later=True)])
        key = self._folder_key(folder)
        entries: list[WireEntry] = []
        problems: list[SyncProblem] = []
        devices_dir = self.root / DEVICES_DIR
        try:
            names = sorted(os.listdir(devices_dir))
        except FileNotFoundError:
            names = []
        except OSError as exc:
            problems.append(self._unreadable(None, DEVICES_DIR, exc))
            names = []
        for name in names:
            if name == self.device_id or not _DEVICE_NAME.fullmatch(name):
                continue
            if is_conflict_copy(name):
                continue
            self._read_device(devices_dir / name, name, key, marks, entries, problems)
        return ReadResult(entries, marks, problems)

    def _read_device(
        self,
        directory: Path,
        device_id: str,
        key: TeamKey | None,
        marks: dict[str, int],
        entries: list[WireEntry],
        problems: list[SyncProblem],
    ) -> None:
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return  # gone since the listing (or a file, not a device): nothing new
        except OSError as exc:
            problems.append(self._unreadable(device_id, None, exc))
            return
        by_first: dict[int, tuple[int, str]] = {}
        for name in names:
            match = _SEGMENT_NAME.fullmatch(name)
            if match:
                first, last = int(match.group(1)), int(match.group(2))
                if first <= last:
                    by_first[first] = (last, name)
        mark = marks.get(device_id, 0)
        while (found := by_first.get(mark + 1)) is not None:
            last, name = found
            path = directory / name
            try:
                segment = decode_segment(path.read_bytes(), key)
            except OSError as exc:
                problems.append(self._unreadable(device_id, name, exc))
                return
            except SegmentError as exc:
                problems.append(_segment_problem(exc, device_id, name))
                return
            header = segment.header
            if (header.device_id, header.first_seq, header.last_seq) != (
                device_id,
                mark + 1,
                last,
            ):
                # A segment copied in from elsewhere (a whole device folder duplicated
                # under another name by a sync service): not this device's, so unread.
                return
            entries.extend(segment.entries)
            mark = last
            marks[device_id] = mark
        if any(first > mark + 1 for first in by_first):
            problems.append(self._waiting(device_id, mark))
            return
        manifest = _read_manifest(directory)
        if manifest is not None and manifest.last_seq > mark:
            problems.append(self._waiting(device_id, mark))

    def _waiting(self, device_id: str, mark: int) -> SyncProblem:
        return SyncProblem(
            ProblemKind.WAITING,
            _(
                "Some changes from device {device} have not arrived in the sync folder yet "
                "(after change {seq}); sync will read them when they do."
            ).format(device=device_id, seq=mark),
            retry_later=True,
            device_id=device_id,
        )

    def _unreadable(self, device_id: str | None, file: str | None, exc: OSError) -> SyncProblem:
        return SyncProblem(
            ProblemKind.UNREADABLE,
            _("Part of the sync folder cannot be read ({reason}); sync will try again.").format(
                reason=exc.strerror or exc
            ),
            retry_later=True,
            device_id=device_id,
            file=file,
        )


def _segment_problem(exc: SegmentError, device_id: str, name: str) -> SyncProblem:
    kind = {
        SegmentIncompleteError: ProblemKind.INCOMPLETE,
        SegmentDamagedError: ProblemKind.DAMAGED,
        SegmentKeyError: ProblemKind.WRONG_KEY,
        NewerSegmentError: ProblemKind.NEWER_SEGMENT,
    }.get(type(exc), ProblemKind.DAMAGED)
    message = _("{file} from device {device}: {reason}").format(
        file=name, device=device_id, reason=exc.message
    )
    return SyncProblem(kind, message, exc.retry_later, device_id, name)


class Manifest(NamedTuple):
    """What a device's manifest says."""

    last_seq: int
    segments: list[str]
    #: Device id → the last sequence number this device has taken from it; None for a
    #: manifest an older app wrote, which does not say.
    read: dict[str, int] | None


def _read_manifest(directory: Path) -> Manifest | None:
    """A device's manifest, or None if missing or unreadable (unknown keys are ignored)."""
    try:
        data = json.loads((directory / MANIFEST_FILE).read_bytes())
        last = data["last_seq"]
        segments = data["segments"]
        read = data.get("read")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(last, int) or not isinstance(segments, list):
        return None
    marks: dict[str, int] | None = None
    if isinstance(read, dict):
        marks = {str(d): s for d, s in read.items() if isinstance(s, int)}
    return Manifest(last, [str(s) for s in segments], marks)

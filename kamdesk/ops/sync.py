"""Sync a book with a shared folder.

``sync_with_folder`` is one sync: this device's new entries go into the folder, the other
devices' new entries come out of it and are merged into the book in one transaction
(``kamdesk.sync.merge``), and the watermarks, the book's own per-device sequence
numbers, say what to read next time. A sync that would delete more than half the live
accounts stops and asks first (``MassDeleteError``), and a device whose clock runs far
ahead is followed but named in the report's warnings. At the end of a sync the book
says in the folder how far it has read each other device, and drops from its change log
its own entries that every other device has read (``compact_after_sync``).

The conflicts a merge keeps are listed and resolved by ``kamdesk.ops.conflicts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _, ngettext
from kamdesk.ops.conflicts import open_conflicts
from kamdesk.store.book import Book
from kamdesk.store.changelog import encode_value, pack_row_id
from kamdesk.store.sync_log import (
    add_rows,
    compact_log,
    device_entries_after,
    record_applied,
    watermarks,
)
from kamdesk.sync import crypto, deletions
from kamdesk.sync.entries import WireEntry
from kamdesk.sync.folder import FolderSync, KeyFinder, SyncProblem, would_delete_too_much
from kamdesk.sync.merge import LogFunctions, MergeResult, apply_entries, deleted_rows

#: Told how far a sync has gone: (what it is doing, done, total); a total of 0 means
#: "busy, length unknown" (sending, reading the folder).
SyncProgress = Callable[[str, int, int], None]

LOG_FUNCTIONS = LogFunctions(
    record_applied=lambda session, entries: record_applied(session, entries),
    pack_row_id=pack_row_id,
    encode_value=encode_value,
    add_rows=add_rows,
)


class MassDeleteError(KamdeskError):
    """A sync would delete more than half the live accounts: nothing was applied."""

    def __init__(self, message: str, deletions: int, live: int) -> None:
        super().__init__(message)
        self.deletions = deletions
        self.live = live


@dataclass
class SyncReport:
    """What one sync did, for a status line."""

    sent: int = 0
    received: int = 0
    #: Open conflicts in the book after the sync.
    conflicts: int = 0
    #: This book's changes the sync server refused in this sync (kept in the book).
    refused: int = 0
    #: Why, in a sentence in the user's language.
    refused_reason: str = ""
    #: Where they are listed, when not in the book synced (it was made anew meanwhile).
    refused_book: Path | None = None
    #: Refused changes the book shows after the sync, this sync's and earlier ones not
    #: dismissed yet (``kamdesk sync`` fails while there are any).
    refused_pending: int = 0
    problems: list[SyncProblem] = field(default_factory=list)
    #: Sentences for the user that need no action now (a device's clock far ahead).
    warnings: list[str] = field(default_factory=list)


def _live_accounts(book: Book) -> int:
    return int(
        book.db.execute("SELECT COUNT(*) FROM account WHERE deleted_at IS NULL").fetchone()[0]
    )


def _deleting(book: Book, entries: list[WireEntry]) -> int:
    """How many live accounts ``entries`` delete."""
    rows = deleted_rows(entries, "account")
    if not rows:
        return 0
    live = 0
    for row_id in rows:
        found = book.db.execute(
            "SELECT 1 FROM account WHERE id = ? AND deleted_at IS NULL", (row_id,)
        ).fetchone()
        live += found is not None
    return live


def merge_into(
    book: Book,
    entries: Iterable[WireEntry],
    *,
    allow_mass_delete: bool = False,
    progress: Any = None,
) -> MergeResult:
    """Merge other devices' entries into ``book``, all in one transaction.

    Raises MassDeleteError, with nothing applied, when the entries would delete more
    than half the live accounts, unless ``allow_mass_delete``.
    """
    batch = list(entries)
    if not allow_mass_delete:
        deletions = _deleting(book, batch)
        live = _live_accounts(book)
        if would_delete_too_much(live, deletions):
            raise MassDeleteError(
                _(
                    "This sync would delete {deletions} of your {live} accounts. Nothing was "
                    "changed; if that is what the team meant, sync again allowing it."
                ).format(deletions=deletions, live=live),
                deletions,
                live,
            )
    with book.write(log_changes=False) as session:
        return apply_entries(session, batch, LOG_FUNCTIONS, clock=book.clock, progress=progress)


def own_entries_after(book: Book, seq: int) -> list[WireEntry]:
    """The entries this device wrote after ``seq``, as the folder carries them."""
    return device_entries_after(book.db, book.device_id, seq)


def sync_with_folder(
    book: Book,
    folder: Path,
    *,
    find_key: KeyFinder = crypto.find_team_key,
    allow_mass_delete: bool = False,
    progress: SyncProgress | None = None,
) -> SyncReport:
    """Send this device's new entries to ``folder`` and merge the others' new ones.

    ``find_key`` gives the team key of an encrypted folder (by default from the OS
    keyring, or ``KAMDESK_SYNC_PASSPHRASE`` where there is none). Raises a
    SyncFolderError subclass when the folder cannot be used at all, and
    MassDeleteError (after sending, before applying anything) for a wall of deletes.
    ``progress`` hears each step, for a progress bar.
    """

    def tell(step: str, done: int = 0, total: int = 0) -> None:
        if progress is not None:
            progress(step, done, total)

    tell(_("Sending changes…"))
    transport = FolderSync(folder, book.device_id, find_key=find_key)
    report = SyncReport()
    mine = own_entries_after(book, transport.published_seq())
    transport.publish(mine)
    report.sent = sum(1 for e in mine if not deletions.is_deletion_seen(e.column))
    tell(_("Reading the sync folder…"))
    found = transport.read_new(watermarks(book.db))
    report.problems = found.problems
    total = len(found.entries)
    merging = _("Merging changes…")
    tell(merging, 0, total)
    result = merge_into(
        book,
        found.entries,
        allow_mass_delete=allow_mass_delete,
        progress=lambda done: tell(merging, done, total),
    )
    report.received = result.applied
    report.warnings.extend(clock_warnings(result.future_clocks))
    report.conflicts = len(open_conflicts(book))
    compact_after_sync(book, transport)
    return report


def clock_warnings(future_clocks: dict[str, int]) -> list[str]:
    """A sentence for each device whose clock runs ahead: (device id → minutes ahead)."""
    return [
        ngettext(
            "Device {device} has its clock set {minutes} minute ahead; its changes "
            "were taken, but check its date and time.",
            "Device {device} has its clock set {minutes} minutes ahead; its changes "
            "were taken, but check its date and time.",
            minutes,
        ).format(device=device_id, minutes=minutes)
        for device_id, minutes in sorted(future_clocks.items())
    ]


def compact_after_sync(book: Book, transport: FolderSync) -> int:
    """Publish how far this book has read, and drop its own entries everyone has read.

    Every device's manifest says how far it has read each other device; this book's own
    entries up to the least of those marks (over every device in the folder or known to
    the book) go from its change log. They stay in the folder's segments, which a device
    that joins later reads from the start. Returns how many entries went.
    """
    read = {d: s for d, s in watermarks(book.db).items() if d != book.device_id}
    transport.publish_read_marks(read)
    bound = transport.read_by_all(read)
    if bound <= 0:
        return 0
    return compact_log(book, {book.device_id: bound}, kept_elsewhere=True)

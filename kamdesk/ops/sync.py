"""Sync a book with a shared folder, list the conflicts a merge kept, and resolve one.

``sync_with_folder`` is one sync: this device's new entries go into the folder, the other
devices' new entries come out of it and are merged into the book in one transaction
(``kamdesk.sync.merge``), and the watermarks, the book's own per-device sequence
numbers, say what to read next time. A sync that would delete more than half the live
accounts stops and asks first (``MassDeleteError``), and a device whose clock runs far
ahead is followed but named in the report's warnings.

A resolution is an ordinary local edit, logged and synced like any other: the value
chosen is written (when it is not the current one already), and a ``conflict_dismissal``
record is added for every losing value of the field, so every device that applies it
closes the same conflicts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamdesk.errors import KamdeskError, NotFoundError
from kamdesk.i18n import _, ngettext
from kamdesk.store.book import Book
from kamdesk.store.changelog import dbapi_cursor, encode_value, pack_row_id
from kamdesk.store.sync_log import LogEntry, entries_after, record_applied, watermarks
from kamdesk.sync import crypto
from kamdesk.sync.clock import physical_ms
from kamdesk.sync.entries import WireEntry
from kamdesk.sync.folder import FolderSync, KeyFinder, SyncProblem, would_delete_too_much
from kamdesk.sync.merge import (
    GROUPS,
    LogFunctions,
    MergeResult,
    apply_entries,
    current_value,
    deleted_rows,
    python_value,
)

LOG_FUNCTIONS = LogFunctions(
    record_applied=lambda session, entries: record_applied(session, entries),
    pack_row_id=pack_row_id,
    encode_value=encode_value,
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
    problems: list[SyncProblem] = field(default_factory=list)
    #: Sentences for the user that need no action now (a device's clock far ahead).
    warnings: list[str] = field(default_factory=list)


def _as_log_entry(entry: WireEntry | LogEntry) -> LogEntry:
    if isinstance(entry, LogEntry):
        return entry
    return LogEntry(
        entry.device_id,
        entry.seq,
        entry.hlc,
        entry.table,
        entry.row_id,
        entry.column,
        entry.value,
        entry.seen_hlc,
        entry.seen_device,
    )


def _live_accounts(book: Book) -> int:
    return int(
        book.db.execute("SELECT COUNT(*) FROM account WHERE deleted_at IS NULL").fetchone()[0]
    )


def _deleting(book: Book, entries: list[LogEntry]) -> int:
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
    entries: Iterable[WireEntry | LogEntry],
    *,
    allow_mass_delete: bool = False,
    progress: Any = None,
) -> MergeResult:
    """Merge other devices' entries into ``book``, all in one transaction.

    Raises MassDeleteError, with nothing applied, when the entries would delete more
    than half the live accounts, unless ``allow_mass_delete``.
    """
    batch = [_as_log_entry(e) for e in entries]
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
    marks = watermarks(book.db)
    marks = {device: last for device, last in marks.items() if device != book.device_id}
    marks[book.device_id] = seq
    return [
        WireEntry(
            e.device_id,
            e.seq,
            e.hlc,
            e.table,
            e.row_id,
            e.column,
            e.value,
            e.seen_hlc,
            e.seen_device,
        )
        for e in entries_after(book.db, marks)
        if e.device_id == book.device_id
    ]


def sync_with_folder(
    book: Book,
    folder: Path,
    *,
    find_key: KeyFinder = crypto.find_team_key,
    allow_mass_delete: bool = False,
) -> SyncReport:
    """Send this device's new entries to ``folder`` and merge the others' new ones.

    ``find_key`` gives the team key of an encrypted folder (by default from the OS
    keyring, or ``KAMDESK_SYNC_PASSPHRASE`` where there is none). Raises a
    SyncFolderError subclass when the folder cannot be used at all, and
    MassDeleteError (after sending, before applying anything) for a wall of deletes.
    """
    transport = FolderSync(folder, book.device_id, find_key=find_key)
    report = SyncReport()
    mine = own_entries_after(book, transport.published_seq())
    transport.publish(mine)
    report.sent = len(mine)
    found = transport.read_new(watermarks(book.db))
    report.problems = found.problems
    result = merge_into(book, found.entries, allow_mass_delete=allow_mass_delete)
    report.received = result.applied
    for device_id, minutes in sorted(result.future_clocks.items()):
        report.warnings.append(
            ngettext(
                "Device {device} has its clock set {minutes} minute ahead; its changes "
                "were taken, but check its date and time.",
                "Device {device} has its clock set {minutes} minutes ahead; its changes "
                "were taken, but check its date and time.",
                minutes,
            ).format(device=device_id, minutes=minutes)
        )
    report.conflicts = len(open_conflicts(book))
    return report


@dataclass(frozen=True)
class Conflict:
    """One losing value of a field, beside the value the field has now.

    ``kind`` is "value", or "deleted" for a row deleted on one device while it was
    edited on another (it stays live; ``value`` is when it was deleted).
    """

    id: str
    table: str
    row_id: str
    record: str
    column: str
    kind: str
    value: Any
    writer: str
    written_at: dt.datetime
    current: Any
    current_writer: str | None
    current_written_at: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        """The conflict as ``kamdesk conflicts --json`` prints it."""
        return {
            "id": self.id,
            "table": self.table,
            "row_id": self.row_id,
            "record": self.record,
            "field": self.column,
            "kind": self.kind,
            "value": self.value,
            "writer": self.writer,
            "written_at": self.written_at.isoformat(),
            "current": self.current,
            "current_writer": self.current_writer,
            "current_written_at": (
                self.current_written_at.isoformat() if self.current_written_at else None
            ),
        }


def _time_of(hlc: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(physical_ms(hlc) / 1000, dt.UTC)


def _title(book: Book, table: str, row_id: str) -> str:
    from kamdesk.models import SYNCED_TABLES

    model = SYNCED_TABLES.get(table)
    with book.read() as session:
        record = session.get(model, row_id) if model is not None else None
        for name in ("name", "title", "label_en"):
            value = getattr(record, name, None)
            if isinstance(value, str) and value:
                return value
    return row_id


def open_conflicts(book: Book) -> list[Conflict]:
    """The conflicts still open: values that lost and differ from the field's current one.

    A losing value equal to the current one is no choice to make, and not listed (it is
    kept: a later winner with another value makes it one again).
    """
    found: list[Conflict] = []
    with book.read() as session:
        db = dbapi_cursor(session)
        rows = db.execute(
            "SELECT id, table_name, row_id, column_name, kind, value, hlc, device_id "
            "FROM sync_conflict ORDER BY table_name, row_id, column_name, hlc, device_id"
        ).fetchall()
        for cid, table, row_id, column, kind, value, hlc, device_id in rows:
            pending = db.execute(
                "SELECT value FROM sync_pending WHERE table_name = ? AND row_id = ? "
                "AND column_name = ?",
                (table, row_id, column),
            ).fetchone()
            now = (
                str(pending[0])
                if pending is not None
                else current_value(session, encode_value, table, row_id, column)
            )
            if kind == "deleted":
                now = "null"
            elif now == value:
                continue
            clock = db.execute(
                "SELECT f.hlc, d.device_id FROM field_clock f "
                "JOIN sync_column c ON c.idx = f.column_idx "
                "JOIN sync_device d ON d.idx = f.device_idx "
                "WHERE c.table_name = ? AND c.column_name = ? AND f.row_id = ?",
                (table, column, pack_row_id(row_id)),
            ).fetchone()
            found.append(
                Conflict(
                    id=str(cid),
                    table=str(table),
                    row_id=str(row_id),
                    record="",
                    column=str(column),
                    kind=str(kind),
                    value=json.loads(value),
                    writer=str(device_id),
                    written_at=_time_of(int(hlc)),
                    current=json.loads(now),
                    current_writer=str(clock[1]) if clock else None,
                    current_written_at=_time_of(int(clock[0])) if clock else None,
                )
            )
    return [Conflict(**{**c.__dict__, "record": _title(book, c.table, c.row_id)}) for c in found]


def resolve_conflict(book: Book, conflict_id: str, keep_value: bool) -> None:
    """Settle a field's conflict: keep this conflict's value, or the field's current one.

    ``keep_value`` True writes the losing value (for a "deleted" conflict: deletes the
    row); False keeps what the field has (the row stays). Either way every open
    conflict of that field is closed, here and, once synced, on every device: one
    transaction, a local edit like any other.
    """
    from kamdesk.models import SYNCED_TABLES, ConflictDismissal, utc_now

    with book.write() as session:
        db = dbapi_cursor(session)
        row = db.execute(
            "SELECT table_name, row_id, column_name, kind, value FROM sync_conflict WHERE id = ?",
            (conflict_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(_("This conflict was resolved already."))
        table, row_id, column, kind, value = (str(v) for v in row)
        model = SYNCED_TABLES.get(table)
        record = session.get(model, row_id) if model is not None else None
        if keep_value and record is not None:
            if kind == "deleted":
                record.deleted_at = utc_now()
            else:
                decoded = json.loads(value)
                group = GROUPS.get(table, {}).get(column)
                given = dict(decoded) if group is not None else {column: decoded}
                for name, python in given.items():
                    setattr(record, name, python_value(type(record), name, python))
        losers = db.execute(
            "SELECT id, hlc, device_id FROM sync_conflict WHERE table_name = ? AND row_id = ? "
            "AND column_name = ?",
            (table, row_id, column),
        ).fetchall()
        for cid, hlc, device_id in losers:
            if session.get(ConflictDismissal, cid) is None:
                session.add(
                    ConflictDismissal(
                        id=cid,
                        table_name=table,
                        row_id=row_id,
                        column_name=column,
                        hlc=int(hlc),
                        device_id=str(device_id),
                    )
                )
        session.flush()
        db.execute(
            "DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ? AND column_name = ?",
            (table, row_id, column),
        )

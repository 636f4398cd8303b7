"""The merge: other devices' change-log entries applied to a book, in one unit of work.

Per field the write with the greatest (clock, device id) wins, wherever and in whatever
order the entries arrive. A write that loses is kept as a conflict, unless it was
replaced on purpose: some write names it as the value its user saw and replaced
(``seen_hlc`` / ``seen_device``), or a user resolved it (a synced ``conflict_dismissal``).
So a field's conflicts are "the writes of it that lost, that nobody overwrote knowingly
and nobody set aside": a function of the set of writes alone, which is why every device
that applied the same entries, in any order, any number of times, shows the same values
and the same conflicts.

An edit later than the delete of its row (its writer had not seen the delete, or the
row would have been restored first) keeps the row live, and is flagged as a conflict of
kind "deleted" until a user settles it. Fields a kind merges as one group (an amount and
its currency) travel as one entry and are written together.

A value whose row cannot be written yet, because the row (or a row it names) has not
arrived or this version does not know its table, waits in ``sync_pending`` and is
written by a later merge once it can be. Entries of a device are taken in sequence: one
already applied is skipped, one after a gap waits for the missing ones.

This module works on a session the caller opened with ``book.write(log_changes=False)``
and reaches the change log only through the functions it is given (``LogFunctions``),
so it stays below the store in the layers.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Date, DateTime, Time, TypeDecorator, inspect, select
from sqlmodel import Session

from kamdesk.kinds import KINDS
from kamdesk.models import SYNCED_TABLES, UNLOGGED_COLUMNS, Record
from kamdesk.models.sync_conflict import conflict_id
from kamdesk.sync import deletions
from kamdesk.sync.clock import HybridLogicalClock, physical_ms, wall_clock_ms
from kamdesk.sync.deletions import DeletionSeen
from kamdesk.sync.entries import WireEntry, is_refused

#: Each merge group of a table, by the name its entries carry: the fields it holds.
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    k.name: {g.name: g.fields for g in k.merge_groups} for k in KINDS if k.merge_groups
}
DELETED = "deleted_at"
#: How many ids one query looks up at once (SQLite allows 32766 parameters).
_CHUNK = 500
#: How many entries a merge applies between two calls of its ``progress`` callback.
PROGRESS_EVERY = 1000

Clock = tuple[int, str]


@dataclass(frozen=True)
class LogFunctions:
    """The change-log functions the merge needs, handed down by the caller.

    ``record_applied`` sets the field and row clocks and the devices' watermarks for
    the entries taken (``kamdesk.store.sync_log.record_applied``); ``pack_row_id`` and
    ``encode_value`` spell a row id and a value as the log keeps them; ``add_rows``
    writes the rows a merge makes.
    """

    record_applied: Callable[[Session, list[Any]], int]
    pack_row_id: Callable[[str], bytes | str]
    encode_value: Callable[[Any], str]
    #: Inserts new rows of a table (column → value as the model holds it) and indexes
    #: them for search (``kamdesk.store.sync_log.add_rows``).
    add_rows: Callable[[Session, str, list[dict[str, Any]]], None]


@dataclass
class MergeResult:
    """What one merge did."""

    #: Entries applied now.
    applied: int = 0
    #: Entries this book had applied already (sent twice, or its own).
    skipped: int = 0
    #: Entries that wait for earlier ones of their device, missing from this batch.
    waiting: int = 0
    #: Conflicts this merge found (values that lost, edits that outlived a delete).
    new_conflicts: int = 0
    #: Devices whose clock runs implausibly far ahead of ours: device → minutes ahead.
    future_clocks: dict[str, int] = field(default_factory=dict)


def python_value(model: type[Record], column: str, value: Any) -> Any:
    """A JSON-decoded field value as the model holds it (dates and times from ISO text)."""
    if value is None:
        return None
    parse = _parser(model, column)
    return value if parse is None else parse(value)


@functools.cache
def _parser(model: type[Record], column: str) -> Callable[[str], Any] | None:
    """How ISO text becomes the column's value, or None for a JSON value taken as it is."""
    columns = inspect(model).columns
    if column not in columns:
        return None
    kind = columns[column].type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance  # sqlmodel's UTCDateTime is a DateTime underneath
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat
    if isinstance(kind, Date):
        return dt.date.fromisoformat
    if isinstance(kind, Time):
        return dt.time.fromisoformat
    return None


def _columns_of(table: str, column: str, value: Any) -> dict[str, Any]:
    """A logged value as the columns it sets (a merge group's object unpacked)."""
    group = GROUPS.get(table, {}).get(column)
    if group is None:
        return {column: value}
    given = value if isinstance(value, dict) else {}
    return {name: given.get(name) for name in group}


def _required(model: type[Record]) -> frozenset[str]:
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if info.is_required() and name != "id" and name not in UNLOGGED_COLUMNS
    )


def _references(model: type[Record]) -> dict[str, str]:
    """Column → table of the row it names, for each foreign key of ``model``."""
    table = model.__table__  # type: ignore[attr-defined]
    return {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}


_REQUIRED = {name: _required(model) for name, model in SYNCED_TABLES.items()}
#: Each synced table's place when rows are made: after the tables its rows name.
_INSERT_ORDER = {
    table.name: place
    for place, table in enumerate(Record.metadata.sorted_tables)
    if table.name in SYNCED_TABLES
}
_REFERENCES = {name: _references(model) for name, model in SYNCED_TABLES.items()}


def _cursor(session: Session) -> sqlite3.Cursor:
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    return cast(sqlite3.Connection, raw).cursor()


class _Merge:
    """The state of one merge: winners so far, values to write, conflicts kept."""

    def __init__(self, session: Session, log: LogFunctions) -> None:
        self.session = session
        self.db = _cursor(session)
        self.log = log
        self.columns = {
            (str(t), str(c)): int(i)
            for i, t, c in self.db.execute("SELECT idx, table_name, column_name FROM sync_column")
        }
        self.devices = {
            int(i): str(d) for i, d in self.db.execute("SELECT idx, device_id FROM sync_device")
        }
        #: The current winner of each field touched, (hlc, device), or None for none.
        self.winners: dict[tuple[str, str, str], Clock | None] = {}
        #: Winning values to write, by row: column (or group) → JSON text.
        self.staged: dict[tuple[str, str], dict[str, str]] = {}
        self.touched_rows: set[tuple[str, str]] = set()
        self.new_conflicts = 0
        self._absent_rows: set[tuple[str, str]] = set()

    # -- clocks and values -------------------------------------------------------------

    def _row_may_have_clocks(self, table: str, row_id: str) -> bool:
        """False for a row this book has never heard of (most rows of a first sync)."""
        key = (table, row_id)
        if key in self._absent_rows:
            return False
        model = SYNCED_TABLES.get(table)
        present = (
            model is not None and self.session.get(model, row_id) is not None
        ) or self.db.execute(
            "SELECT 1 FROM sync_pending WHERE table_name = ? AND row_id = ? LIMIT 1",
            (table, row_id),
        ).fetchone() is not None
        if not present:
            self._absent_rows.add(key)
        return present

    def winner(self, table: str, row_id: str, column: str) -> Clock | None:
        key = (table, row_id, column)
        if key in self.winners:
            return self.winners[key]
        found: Clock | None = None
        idx = self.columns.get((table, column))
        if idx is not None and self._row_may_have_clocks(table, row_id):
            row = self.db.execute(
                "SELECT hlc, device_idx FROM field_clock WHERE column_idx = ? AND row_id = ?",
                (idx, self.log.pack_row_id(row_id)),
            ).fetchone()
            if row is not None:
                found = (int(row[0]), self.devices[int(row[1])])
        self.winners[key] = found
        return found

    def current_value(self, table: str, row_id: str, column: str) -> str:
        """The JSON text of a field's current value: staged, waiting, or in its row."""
        staged = self.staged.get((table, row_id), {})
        if column in staged:
            return staged[column]
        row = self.db.execute(
            "SELECT value FROM sync_pending WHERE table_name = ? AND row_id = ? "
            "AND column_name = ?",
            (table, row_id, column),
        ).fetchone()
        if row is not None:
            return str(row[0])
        return current_value(self.session, self.log.encode_value, table, row_id, column)

    # -- conflicts -----------------------------------------------------------------------

    def _set_aside(self, cid: str) -> bool:
        """Whether the write ``cid`` names was overwritten on purpose or resolved."""
        if self.db.execute("SELECT 1 FROM conflict_dismissal WHERE id = ?", (cid,)).fetchone():
            return True
        found = self.db.execute("SELECT 1 FROM sync_superseded WHERE id = ?", (cid,)).fetchone()
        return found is not None

    def keep_conflict(
        self, table: str, row_id: str, column: str, clock: Clock, value: str, kind: str = "value"
    ) -> None:
        cid = conflict_id(table, row_id, column, *clock)
        if self._set_aside(cid):
            return
        self.db.execute(
            "INSERT OR IGNORE INTO sync_conflict (id, table_name, row_id, column_name, kind, "
            "value, hlc, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (cid, table, row_id, column, kind, value, clock[0], clock[1]),
        )
        self.new_conflicts += self.db.rowcount

    def supersede(self, table: str, row_id: str, column: str, seen: Clock, remember: bool) -> None:
        """The write ``seen`` was replaced knowingly: no conflict, now or when it arrives."""
        cid = conflict_id(table, row_id, column, *seen)
        self.db.execute("DELETE FROM sync_conflict WHERE id = ?", (cid,))
        if self.db.rowcount == 0 and remember:
            self.db.execute("INSERT OR IGNORE INTO sync_superseded (id) VALUES (?)", (cid,))

    # -- applying ------------------------------------------------------------------------

    def apply(self, entry: WireEntry) -> None:
        if is_refused(entry):
            return  # the place of a change the server refused: nothing to apply
        table, row_id, column = entry.table, entry.row_id, entry.column
        self.touched_rows.add((table, row_id))
        current = self.winner(table, row_id, column)
        clock: Clock = (entry.hlc, entry.device_id)
        wins = current is None or clock > current
        if deletions.is_deletion_seen(column):
            # What a delete had seen: kept for judging the row, never one of its fields.
            if wins:
                self.winners[(table, row_id, column)] = clock
                self.keep_deletion_seen(table, row_id, deletions.device_of(column), entry.value)
            return
        seen: Clock | None = None
        if entry.seen_hlc is not None and entry.seen_device is not None:
            seen = (entry.seen_hlc, entry.seen_device)
        # A delete against a delete or a restore is no choice a user made between two
        # values; what matters, an edit that outlived a delete, is judged by row.
        tracked = column != DELETED
        if tracked and seen is not None:
            # Remember it unless it is the winner this write replaces right now.
            self.supersede(table, row_id, column, seen, remember=not (wins and seen == current))
        if wins:
            if tracked and current is not None and current != seen:
                displaced = self.current_value(table, row_id, column)
                self.keep_conflict(table, row_id, column, current, displaced)
            self.winners[(table, row_id, column)] = clock
            self.staged.setdefault((table, row_id), {})[column] = entry.value
        elif tracked:
            self.keep_conflict(table, row_id, column, clock, entry.value)

    # -- writing rows --------------------------------------------------------------------

    def _ids_present(self, table: str, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are rows of ``table`` (deleted ones too)."""
        wanted = sorted(set(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                str(r[0])
                for r in self.db.execute(f"SELECT id FROM {table} WHERE id IN ({marks})", chunk)
            )
        return found

    def _records(self, model: type[Record], ids: Iterable[str]) -> dict[str, Record]:
        wanted = sorted(set(ids))
        found: dict[str, Record] = {}
        column = inspect(model).columns["id"]
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for record in self.session.scalars(select(model).where(column.in_(chunk))):
                found[record.id] = record
        return found

    def write_rows(self) -> None:
        """Write every staged and waiting value that can be; keep the rest waiting."""
        waiting: dict[tuple[str, str], dict[str, str]] = {}
        own = self.db.execute("SELECT value FROM book_meta WHERE key = 'device_id'").fetchone()
        overtaken: list[tuple[str, str, str]] = []
        for table, row_id, column, value in self.db.execute(
            "SELECT table_name, row_id, column_name, value FROM sync_pending"
        ).fetchall():
            field_key = (str(table), str(row_id), str(column))
            winner = self.winner(*field_key)
            if own is not None and winner is not None and winner[1] == str(own[0]):
                # A local edit came after it (the row was there, the value it names not
                # yet): the edit is the field's value now, and already in the row.
                overtaken.append(field_key)
                continue
            waiting.setdefault(field_key[:2], {})[field_key[2]] = str(value)
        for key, staged in self.staged.items():
            waiting.setdefault(key, {}).update(staged)
        written: list[tuple[str, str, str]] = []
        with self.session.no_autoflush:
            # Decode every value once, and look up at once the rows they go to and the
            # rows they name.
            decoded: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
            named: dict[str, set[str]] = {}
            for (table, row_id), logged in waiting.items():
                model = SYNCED_TABLES.get(table)
                if model is None:
                    continue  # a table of a newer version: kept, not applied
                references = _REFERENCES[table]
                by_column = decoded[(table, row_id)] = {}
                for column, text in logged.items():
                    fields = {
                        name: python_value(model, name, value)
                        for name, value in _columns_of(table, column, json.loads(text)).items()
                    }
                    by_column[column] = fields
                    for name, value in fields.items():
                        if value is not None and name in references:
                            named.setdefault(references[name], set()).add(value)
            present = {
                table: self._ids_present(table, ids)
                for table, ids in named.items()
                if table in SYNCED_TABLES
            }
            records: dict[tuple[str, str], Record] = {}
            # New rows are written together once the session has flushed (see add_rows).
            made: dict[str, dict[str, dict[str, Any]]] = {}
            by_table: dict[str, list[str]] = {}
            for table, row_id in decoded:
                by_table.setdefault(table, []).append(row_id)
            for table, ids in by_table.items():
                for row_id, record in self._records(SYNCED_TABLES[table], ids).items():
                    records[(table, row_id)] = record
            progress = True
            while progress and decoded:
                progress = False
                for key in list(decoded):
                    table, row_id = key
                    references = _REFERENCES[table]
                    values: dict[str, Any] = {}
                    ready: list[str] = []
                    for column, given in decoded[key].items():
                        if all(
                            value is None
                            or name not in references
                            or references[name] not in present
                            or value in present[references[name]]
                            for name, value in given.items()
                        ):
                            values.update(given)
                            ready.append(column)
                    if not ready:
                        continue
                    found = records.get(key)
                    new_row = made.get(table, {}).get(row_id)
                    if new_row is not None:
                        new_row.update(values)
                    elif found is None:
                        if len(ready) < len(decoded[key]) or not _REQUIRED[table] <= values.keys():
                            continue  # made once all it needs has arrived
                        made.setdefault(table, {})[row_id] = {"id": row_id, **values}
                        present.setdefault(table, set()).add(row_id)
                    else:
                        for name, value in values.items():
                            setattr(found, name, value)
                    written.extend((table, row_id, column) for column in ready)
                    for column in ready:
                        del decoded[key][column]
                        del waiting[key][column]
                    if not decoded[key]:
                        del decoded[key]
                    progress = True
        self.session.flush()
        # Rows a row names first, as a flush orders them: SQLite checks a deferred key
        # of a row made before the row it names by searching for it again and again.
        for table in sorted(made, key=_INSERT_ORDER.__getitem__):
            self.log.add_rows(self.session, table, list(made[table].values()))
        self.db.executemany(
            "DELETE FROM sync_pending WHERE table_name = ? AND row_id = ? AND column_name = ?",
            written + overtaken,
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO sync_pending (table_name, row_id, column_name, value) "
            "VALUES (?, ?, ?, ?)",
            [(t, r, c, v) for (t, r), values in waiting.items() for c, v in values.items()],
        )

    def keep_deletion_seen(self, table: str, row_id: str, device_id: str, value: str) -> None:
        """Keep what ``device_id`` had seen of the row when it last deleted it."""
        found = deletions.decode(device_id, value)
        if found is None:
            return
        self.db.execute(
            "INSERT OR REPLACE INTO sync_deletion_seen (table_name, row_id, device_id, hlc, "
            "seen) VALUES (?, ?, ?, ?, ?)",
            (table, row_id, device_id, found.hlc, value),
        )

    def _deletion_seen(self, table: str, row_id: str, deletion: Clock) -> DeletionSeen | None:
        """What the row's winning delete had seen, if its device sent it (None: unknown)."""
        row = self.db.execute(
            "SELECT seen FROM sync_deletion_seen WHERE table_name = ? AND row_id = ? "
            "AND device_id = ? AND hlc = ?",
            (table, row_id, deletion[1], deletion[0]),
        ).fetchone()
        return deletions.decode(deletion[1], str(row[0])) if row is not None else None

    def _outlives(
        self, table: str, row_id: str, deletion: Clock, edits: list[tuple[str, Clock]]
    ) -> bool:
        """Whether an edit of the row was made without the deleting device seeing it.

        An edit later than the delete was; so was an earlier one whose value the deleting
        device did not have (it says what it had). Without that word, clocks decide.
        """
        if any(clock > deletion for _column, clock in edits):
            return True
        seen = self._deletion_seen(table, row_id, deletion)
        if seen is None:
            return False
        return any(not seen.saw(column, clock) for column, clock in edits)

    def judge_deletes(self) -> None:
        """Keep live, and flag, each touched row deleted while it was being edited."""
        devices = {
            int(i): str(d) for i, d in self.db.execute("SELECT idx, device_id FROM sync_device")
        }
        columns: dict[str, dict[str, int]] = {}
        for (table, column), idx in self._all_columns().items():
            columns.setdefault(table, {})[column] = idx
        for table, row_id in sorted(self.touched_rows):
            model = SYNCED_TABLES.get(table)
            of_table = columns.get(table, {})
            if model is None or DELETED not in of_table:
                continue
            flagged = self.db.execute(
                "SELECT value FROM sync_conflict WHERE table_name = ? AND row_id = ? "
                "AND kind = 'deleted'",
                (table, row_id),
            ).fetchone()
            self.db.execute(
                "DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ? "
                "AND kind = 'deleted'",
                (table, row_id),
            )
            packed = self.log.pack_row_id(row_id)
            found = self.db.execute(
                "SELECT hlc, device_idx, deleted FROM row_clock "
                "WHERE column_idx = ? AND row_id = ?",
                (of_table[DELETED], packed),
            ).fetchone()
            if found is None or not found[2]:
                continue
            deletion: Clock = (int(found[0]), devices[int(found[1])])
            others = {
                idx: column
                for column, idx in of_table.items()
                if column != DELETED and not deletions.is_deletion_seen(column)
            }
            marks = ",".join("?" * len(others))
            edits = [
                (others[int(c)], (int(h), devices[int(d)]))
                for c, h, d in self.db.execute(
                    f"SELECT column_idx, hlc, device_idx FROM field_clock WHERE row_id = ? "
                    f"AND column_idx IN ({marks})",
                    (packed, *others),
                )
            ]
            if not edits or not self._outlives(table, row_id, deletion, edits):
                continue
            record = self.session.get(model, row_id)
            if record is None:
                continue
            if record.deleted_at is not None:
                when = self.log.encode_value(record.deleted_at)
            elif flagged is not None:
                when = str(flagged[0])  # kept live by an earlier merge
            else:
                when = self.log.encode_value(
                    dt.datetime.fromtimestamp(physical_ms(deletion[0]) / 1000, dt.UTC)
                )
            record.deleted_at = None
            counted = self.new_conflicts
            self.keep_conflict(table, row_id, DELETED, deletion, when, kind="deleted")
            if flagged is not None:
                self.new_conflicts = counted  # flagged by an earlier merge already
        self.session.flush()

    def _all_columns(self) -> dict[tuple[str, str], int]:
        return {
            (str(t), str(c)): int(i)
            for i, t, c in self.db.execute("SELECT idx, table_name, column_name FROM sync_column")
        }

    def drop_dismissed(self) -> None:
        """Close the conflicts a user resolved, here or on another device."""
        self.db.execute("DELETE FROM sync_conflict WHERE id IN (SELECT id FROM conflict_dismissal)")


def _in_sequence(
    entries: Iterable[WireEntry], marks: dict[str, int], result: MergeResult
) -> list[WireEntry]:
    """The entries to apply: each device's, in order, from its watermark, without gaps."""
    take: list[WireEntry] = []
    by_device: dict[str, dict[int, WireEntry]] = {}
    for entry in entries:
        by_device.setdefault(entry.device_id, {}).setdefault(entry.seq, entry)
        # (a second copy of the same entry in one batch is skipped, as a resent one is)
    for device_id in sorted(by_device):
        mark = marks.get(device_id, 0)
        for seq in sorted(by_device[device_id]):
            if seq <= mark:
                result.skipped += 1
            elif seq == mark + 1:
                take.append(by_device[device_id][seq])
                mark = seq
            else:
                result.waiting += 1
    return take


def apply_entries(
    session: Session,
    entries: Iterable[WireEntry],
    log: LogFunctions,
    *,
    clock: HybridLogicalClock | None = None,
    progress: Callable[[int], None] | None = None,
) -> MergeResult:
    """Merge ``entries`` from other devices into the book ``session`` writes.

    ``session`` is a unit of work opened with ``book.write(log_changes=False)``: all of
    it commits together, or none of it. ``clock`` is the book's clock, told of the
    remote clocks so a device far in the future is reported. ``progress`` is called
    with the number of entries applied so far as the merge goes.
    """
    result = MergeResult()
    db = _cursor(session)
    db.execute("PRAGMA defer_foreign_keys = ON")
    marks = {str(d): int(s) for d, s in db.execute("SELECT device_id, last_seq FROM sync_device")}
    take = _in_sequence(entries, marks, result)
    merge = _Merge(session, log)
    latest: dict[str, int] = {}
    for done, entry in enumerate(take, 1):
        merge.apply(entry)
        latest[entry.device_id] = max(latest.get(entry.device_id, 0), entry.hlc)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if take:
        log.record_applied(session, list(take))
    merge.write_rows()
    merge.judge_deletes()
    merge.drop_dismissed()
    if progress is not None:
        progress(len(take))
    if clock is not None:
        for device_id, stamp in sorted(latest.items()):
            if not clock.observe(stamp):
                ahead = physical_ms(stamp) - wall_clock_ms()
                result.future_clocks[device_id] = max(ahead // 60_000, 0)
    # What a user changed: a delete's word on what it had seen is its bookkeeping, and
    # a refused change's place holder is none.
    result.applied = sum(
        1 for e in take if not deletions.is_deletion_seen(e.column) and not is_refused(e)
    )
    result.new_conflicts = merge.new_conflicts
    return result


def current_value(
    session: Session, encode: Callable[[Any], str], table: str, row_id: str, column: str
) -> str:
    """The JSON text of a field's value as its row holds it (``null`` without a row)."""
    model = SYNCED_TABLES.get(table)
    record = session.get(model, row_id) if model is not None else None
    if record is None:
        return "null"
    group = GROUPS.get(table, {}).get(column)
    if group is not None:
        return encode({name: getattr(record, name) for name in group})
    return encode(getattr(record, column, None))


def deleted_rows(entries: Sequence[WireEntry], table: str) -> set[str]:
    """The rows of ``table`` that ``entries`` delete (a tombstone set)."""
    return {
        e.row_id
        for e in entries
        if e.table == table and e.column == DELETED and json.loads(e.value) is not None
    }

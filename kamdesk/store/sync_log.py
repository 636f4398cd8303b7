"""The change log as sync reads it: new entries, applied clocks, compaction, snapshots.

The recorder (``kamdesk.store.changelog``) writes the book's own entries and keeps
``field_clock`` and ``row_clock`` in step with local edits. This module is what a merge
engine and a transport call:

- :func:`entries_after` reads the entries a peer has not seen yet;
- :func:`record_applied` sets the clocks (and the per-device watermarks) for entries a
  merge applied from other devices, in the same unit of work as the applied values
  (written with ``book.write(log_changes=False)``, which adds no local entries);
- :func:`compact_log` drops entries every known device has, keeping each field's latest
  entry unless a snapshot holds it;
- :func:`write_snapshot` and :func:`load_snapshot` let a new device start from the state,
  then the entries after the snapshot's watermarks, instead of replaying years of log.

A field's clock is (hlc, device id): the later one wins, the device id breaking ties.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic_core import PydanticUndefined
from sqlalchemy import select

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.kinds import KINDS
from kamdesk.models import SYNCED_TABLES, Record
from kamdesk.store import search
from kamdesk.store.changelog import (
    INSERT_ENTRY,
    Numbers,
    dbapi_cursor,
    encode_value,
    pack_row_id,
    unpack_row_id,
)
from kamdesk.sync import deletions
from kamdesk.sync.entries import WireEntry, is_refused
from kamdesk.sync.merge import python_value

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy.engine import Dialect
    from sqlmodel import Session

    from kamdesk.store.book import Book

#: Each merge group of a table, by the name its entries carry: the fields it holds.
_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    k.name: {g.name: g.fields for g in k.merge_groups} for k in KINDS if k.merge_groups
}


@dataclass(frozen=True)
class FieldState:
    """A field's current value in a snapshot, with its clock and its tally of writes."""

    table: str
    row_id: str
    column: str
    value: str
    hlc: int
    device_id: str
    writes: int


@dataclass(frozen=True)
class RowState:
    """A row's last delete or restore in a snapshot."""

    table: str
    row_id: str
    hlc: int
    device_id: str
    deleted: bool


@dataclass(frozen=True)
class Snapshot:
    """The book's synced state at one moment: enough for a new device to start from.

    ``watermarks`` says, for each device, up to which sequence number its entries are
    in the state: a device loading it then takes only the entries after those.
    """

    device_id: str
    hlc: int
    watermarks: Mapping[str, int]
    fields: tuple[FieldState, ...]
    rows: tuple[RowState, ...]

    def holds(self, device_id: str, seq: int) -> bool:
        """Whether the entry (device, seq) is in this state."""
        return seq <= self.watermarks.get(device_id, 0)


class SnapshotError(KamdeskError, ValueError):
    """A snapshot cannot go into this book (it has a change log already, or it made it).

    Its message is a sentence for the user (rebuilding a book from the sync server
    loads a snapshot); nothing was changed.
    """


class EntriesOutOfOrderError(KamdeskError, ValueError):
    """A device's entries came with a gap: the missing ones must be applied first.

    The merge holds such entries back until the missing ones arrive, so this reaches
    only a caller that hands ``record_applied`` a batch itself; its message is a
    sentence for the user all the same, and nothing was applied.
    """


def entries_after(
    db: sqlite3.Connection | sqlite3.Cursor, watermarks: Mapping[str, int]
) -> list[WireEntry]:
    """The book's entries a reader has not seen: each device's after its watermark.

    Devices missing from ``watermarks`` are read from the start. In (device, sequence)
    order, the order a device must apply them in.
    """
    found: list[WireEntry] = []
    for device_idx, device_id in db.execute("SELECT idx, device_id FROM sync_device ORDER BY idx"):
        found += _device_entries(db, int(device_idx), str(device_id), watermarks.get(device_id, 0))
    return found


def device_entries_after(
    db: sqlite3.Connection | sqlite3.Cursor, device_id: str, seq: int
) -> list[WireEntry]:
    """One device's entries after ``seq``, in sequence (none for a device never seen)."""
    row = db.execute("SELECT idx FROM sync_device WHERE device_id = ?", (device_id,)).fetchone()
    return [] if row is None else _device_entries(db, int(row[0]), device_id, seq)


def _device_entries(
    db: sqlite3.Connection | sqlite3.Cursor, device_idx: int, device_id: str, seq: int
) -> list[WireEntry]:
    rows = db.execute(
        "SELECT e.seq, e.hlc, c.table_name, e.row_id, c.column_name, e.value, e.seen_hlc, "
        "s.device_id FROM sync_entry e JOIN sync_column c ON c.idx = e.column_idx "
        "LEFT JOIN sync_device s ON s.idx = e.seen_device_idx "
        "WHERE e.device_idx = ? AND e.seq > ? ORDER BY e.seq",
        (device_idx, seq),
    ).fetchall()
    return [
        WireEntry(device_id, s, h, t, unpack_row_id(r), c, v, sh, sd)
        for s, h, t, r, c, v, sh, sd in rows
    ]


def watermarks(db: sqlite3.Connection | sqlite3.Cursor) -> dict[str, int]:
    """For each device, the highest sequence number the book has written or applied."""
    return {str(d): int(s) for d, s in db.execute("SELECT device_id, last_seq FROM sync_device")}


def _device_ids(db: sqlite3.Cursor) -> dict[int, str]:
    return {int(i): str(d) for i, d in db.execute("SELECT idx, device_id FROM sync_device")}


#: How many row ids one query looks up at once (SQLite allows 32766 parameters).
_CHUNK = 500


def _newer(clock: tuple[int, str], than: tuple[int, str] | None) -> bool:
    return than is None or clock > than


def record_applied(session: Session, entries: Iterable[WireEntry], *, keep: bool = False) -> int:
    """Take entries from other devices into the clocks, once each; return how many were new.

    Call it in the unit of work that applies their values (``book.write(log_changes=
    False)``). For each entry not yet taken (its sequence number above its device's
    watermark) the field's tally counts it, and the field's clock (and, for a
    ``deleted_at``, the row's) becomes the entry's when it is the later one; an older
    entry, a loser of the merge, leaves the clock alone. A device's entries must come
    in sequence without gaps (sorted here, so a batch may mix devices): a gap raises
    ``EntriesOutOfOrderError``, since the missing entries would otherwise be skipped for good.
    ``keep`` stores the entries in the log too, under their own device, for a book
    that passes them on; by default they stay in their device's own log. (A refused
    change's place holder moves the watermark but is never stored: only the sync server
    makes them, and a book that passes entries on must not take them from one.) The book's
    clock is moved past them, so the next local edit is later than all of them.

    A first sync brings a team's whole book at once, so the clocks of the batch's
    fields are read with one query per column and chunk of rows, worked out here, and
    written back with one statement each, however many entries touch a field.
    """
    db = dbapi_cursor(session)
    numbers = Numbers()
    names = _device_ids(db)
    marks = {str(d): int(s) for d, s in db.execute("SELECT device_id, last_seq FROM sync_device")}
    taken = _in_sequence(entries, marks)
    if not taken:
        return 0
    packed: dict[str, bytes | str] = {}
    keyed: list[tuple[WireEntry, int, int, bytes | str]] = []
    last: dict[int, int] = {}
    for entry in taken:
        device = numbers.device(db, entry.device_id)
        names[device] = entry.device_id
        last[device] = max(last.get(device, 0), entry.seq)
        if is_refused(entry):
            continue  # a refused change's place holder: only its number is taken
        row_id = packed.get(entry.row_id)
        if row_id is None:
            row_id = packed[entry.row_id] = pack_row_id(entry.row_id)
        keyed.append((entry, device, numbers.column(db, entry.table, entry.column), row_id))
    _take_field_clocks(db, keyed, names)
    _take_row_clocks(db, [k for k in keyed if k[0].column == "deleted_at"], names)
    if keep:
        db.executemany(
            INSERT_ENTRY,
            [
                (
                    device,
                    entry.seq,
                    entry.hlc,
                    column,
                    row_id,
                    entry.value,
                    entry.seen_hlc,
                    numbers.device(db, entry.seen_device)
                    if entry.seen_device is not None
                    else None,
                )
                for entry, device, column, row_id in keyed
            ],
        )
    db.executemany(
        "UPDATE sync_device SET last_seq = ? WHERE idx = ?",
        [(seq, device) for device, seq in sorted(last.items())],
    )
    _pass_book_clock(db, max(entry.hlc for entry in taken))
    return len(taken)


def _in_sequence(entries: Iterable[WireEntry], marks: dict[str, int]) -> list[WireEntry]:
    """The entries not taken yet, by device and sequence; a gap raises EntriesOutOfOrderError."""
    taken: list[WireEntry] = []
    for entry in sorted(entries, key=lambda e: (e.device_id, e.seq)):
        mark = marks.get(entry.device_id, 0)
        if entry.seq <= mark:
            continue
        if entry.seq != mark + 1:
            raise EntriesOutOfOrderError(
                _(
                    "Changes from device {device} arrived out of order: change {missing} is "
                    "missing before change {seq}. Nothing was applied; sync again to fetch it."
                ).format(device=entry.device_id, missing=mark + 1, seq=entry.seq)
            )
        marks[entry.device_id] = entry.seq
        taken.append(entry)
    return taken


def _stored_clocks(
    db: sqlite3.Cursor, table: str, keys: Iterable[tuple[int, bytes | str]]
) -> dict[tuple[int, bytes | str], tuple[int, ...]]:
    """The stored rows of clock ``table`` for ``keys`` (column, row), by key."""
    by_column: dict[int, set[bytes | str]] = {}
    for column, row_id in keys:
        by_column.setdefault(column, set()).add(row_id)
    extra = ", writes" if table == "field_clock" else ", deleted"
    found: dict[tuple[int, bytes | str], tuple[int, ...]] = {}
    for column, ids in by_column.items():
        wanted = list(ids)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for row_id, *rest in db.execute(
                f"SELECT row_id, hlc, device_idx{extra} FROM {table} "
                f"WHERE column_idx = ? AND row_id IN ({marks})",
                (column, *chunk),
            ):
                found[(column, row_id)] = tuple(int(v) for v in rest)
    return found


def _take_field_clocks(
    db: sqlite3.Cursor,
    keyed: list[tuple[WireEntry, int, int, bytes | str]],
    names: Mapping[int, str],
) -> None:
    """Count each entry in its field's tally, and move the field's clock to the latest."""
    stored = _stored_clocks(db, "field_clock", ((c, r) for _e, _d, c, r in keyed))
    state: dict[tuple[int, bytes | str], list[int]] = {
        key: list(value) for key, value in stored.items()
    }
    for entry, device, column, row_id in keyed:
        key = (column, row_id)
        current = state.get(key)
        if current is None:
            state[key] = [entry.hlc, device, 1]
            continue
        if _newer((entry.hlc, entry.device_id), (current[0], names[current[1]])):
            current[0], current[1] = entry.hlc, device
        current[2] += 1
    db.executemany(
        "INSERT INTO field_clock (column_idx, row_id, hlc, device_idx, writes) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (column_idx, row_id) DO UPDATE SET "
        "hlc = excluded.hlc, device_idx = excluded.device_idx, writes = excluded.writes",
        [
            (column, row_id, *value)
            for (column, row_id), value in state.items()
            if stored.get((column, row_id)) != tuple(value)
        ],
    )


def _take_row_clocks(
    db: sqlite3.Cursor,
    deletes: list[tuple[WireEntry, int, int, bytes | str]],
    names: Mapping[int, str],
) -> None:
    """Move each row's delete / restore clock to the latest of the entries' ``deleted_at``."""
    if not deletes:
        return
    stored = _stored_clocks(db, "row_clock", ((c, r) for _e, _d, c, r in deletes))
    state: dict[tuple[int, bytes | str], tuple[int, int, bool]] = {
        key: (value[0], value[1], bool(value[2])) for key, value in stored.items()
    }
    changed: set[tuple[int, bytes | str]] = set()
    for entry, device, column, row_id in deletes:
        key = (column, row_id)
        current = state.get(key)
        if current is None or _newer((entry.hlc, entry.device_id), (current[0], names[current[1]])):
            state[key] = (entry.hlc, device, json.loads(entry.value) is not None)
            changed.add(key)
    db.executemany(
        "INSERT OR REPLACE INTO row_clock (column_idx, row_id, hlc, device_idx, deleted) "
        "VALUES (?, ?, ?, ?, ?)",
        [(column, row_id, *state[(column, row_id)]) for column, row_id in changed],
    )


def add_rows(session: Session, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert new rows of ``table`` that other devices made, and index them for search.

    A first sync makes thousands of rows at once; building an ORM object for each is
    most of its time. Each row is written as the unit of work would write it: every
    field not given takes the model's default, every value goes through its column's
    own conversion, and the search index takes the accounts the rows belong to (or
    name). Call it in the unit of work that applies the merge (``book.write(log_changes=
    False)``), after its last flush: the entries are the other devices' and are not
    logged again, and the rows must not be in the session already.
    """
    model = SYNCED_TABLES.get(table)
    if model is None or not rows:
        return
    db = dbapi_cursor(session)
    dialect = session.get_bind().dialect
    columns = model.__table__.columns  # type: ignore[attr-defined]
    by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        # A field of a newer version's table is left out, as the model leaves it out.
        given = {name: value for name, value in row.items() if name in columns}
        values = {**_defaults(model, given.keys()), **given}
        names = tuple(values)
        processors = _processors(model, names, dialect)
        by_columns.setdefault(names, []).append(
            tuple(
                value if process is None else process(value)
                for value, process in zip(values.values(), processors, strict=True)
            )
        )
    for names, params in by_columns.items():
        db.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            params,
        )
    _index_added(db, table, rows)


def _defaults(model: type[Record], given: Iterable[str]) -> dict[str, Any]:
    """The values a new record of ``model`` takes for the fields not ``given``."""
    taken = set(given)
    values: dict[str, Any] = {}
    for name, factory, default in _field_defaults(model):
        if name not in taken:
            values[name] = factory() if factory is not None else copy.deepcopy(default)
    return values


@functools.cache
def _field_defaults(model: type[Record]) -> tuple[tuple[str, Callable[[], Any] | None, Any], ...]:
    """Each column field of ``model`` that has a default: its name, factory or value."""
    columns = model.__table__.columns  # type: ignore[attr-defined]
    found: list[tuple[str, Callable[[], Any] | None, Any]] = []
    for name, info in model.model_fields.items():
        if name not in columns:
            continue
        if info.default_factory is not None:
            found.append((name, info.default_factory, None))  # type: ignore[arg-type]
        elif info.default is not PydanticUndefined:
            found.append((name, None, info.default))
    return tuple(found)


@functools.cache
def _processors(
    model: type[Record], names: tuple[str, ...], dialect: Dialect
) -> tuple[Callable[[Any], Any] | None, ...]:
    """How each named column's value is turned into what SQLite stores, as a flush does."""
    columns = model.__table__.columns  # type: ignore[attr-defined]
    return tuple(columns[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)


def _index_added(db: sqlite3.Cursor, table: str, rows: list[dict[str, Any]]) -> None:
    """Index again every account the new rows belong to, or whose text they hold."""
    accounts: set[str] = set()
    if table == "account":
        accounts.update(row["id"] for row in rows)
    elif table == "stakeholder":
        accounts.update(row["account_id"] for row in rows if row.get("account_id"))
    elif table in search.REFERENCED_TEXT_COLUMNS:
        for row in rows:
            accounts.update(search.reindex_referenced(db, table, row["id"]))
    for kind, column in search.searched_kinds():
        if kind.name == table:
            accounts.update(row[column] for row in rows if row.get(column))
    for account_id in sorted(accounts):
        search.reindex_account(db, account_id)


def _pass_book_clock(db: sqlite3.Cursor, stamp: int) -> None:
    """Make the book's saved clock at least ``stamp`` (the recorder catches up with it)."""
    db.execute(
        "INSERT INTO book_meta (key, value) VALUES ('hlc', ?) ON CONFLICT (key) DO UPDATE "
        "SET value = CAST(MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
        (str(stamp),),
    )


def compact_log(
    book: Book,
    acknowledged: Mapping[str, int],
    *,
    snapshot: Snapshot | None = None,
    kept_elsewhere: bool = False,
) -> int:
    """Drop the entries every known device has; return how many went.

    ``acknowledged`` gives, for each device, the sequence number up to which every known
    device holds its entries (the sync engine works it out from the watermarks the
    devices publish); a device missing from it keeps all of its entries. Even then an
    entry that is still its field's latest (the field's clock is its clock) stays, so a
    device that joins later can get it, unless ``snapshot`` holds it, or
    ``kept_elsewhere`` says that every acknowledged entry is kept where such a device
    reads it (a sync folder's segments). Sequence numbers, field clocks and their
    tallies stay as they were.
    """
    dropped = 0
    with book.write() as session:
        db = dbapi_cursor(session)
        for device_id, bound in acknowledged.items():
            row = db.execute("SELECT idx FROM sync_device WHERE device_id = ?", (device_id,))
            found = row.fetchone()
            if found is None:
                continue
            if kept_elsewhere:
                in_snapshot = bound
            elif snapshot is not None:
                in_snapshot = snapshot.watermarks.get(device_id, 0)
            else:
                in_snapshot = 0
            db.execute(
                "DELETE FROM sync_entry WHERE device_idx = ? AND seq <= ? AND (seq <= ? "
                "OR NOT EXISTS (SELECT 1 FROM field_clock f WHERE f.column_idx = "
                "sync_entry.column_idx AND f.row_id = sync_entry.row_id AND f.hlc = "
                "sync_entry.hlc AND f.device_idx = sync_entry.device_idx))",
                (int(found[0]), bound, min(bound, in_snapshot)),
            )
            dropped += db.rowcount
    return dropped


def _field_value(record: Record, table: str, column: str) -> Any:
    group = _GROUPS.get(table, {}).get(column)
    if group is not None:
        return {name: getattr(record, name) for name in group}
    return getattr(record, column)


def write_snapshot(book: Book) -> Snapshot:
    """The current value of every logged field with its clock, and each device's watermark.

    Read in one consistent snapshot of the book. Values are encoded as the log encodes
    them, from the records themselves, so entries compacted away lose nothing.
    """
    with book.read() as session:
        db = dbapi_cursor(session)
        names = _device_ids(db)
        columns = {
            int(i): (str(t), str(c))
            for i, t, c in db.execute("SELECT idx, table_name, column_name FROM sync_column")
        }
        by_table: dict[str, list[tuple[str, str, int, int, int]]] = {}
        for column_idx, row_id, hlc, device_idx, writes in db.execute(
            "SELECT column_idx, row_id, hlc, device_idx, writes FROM field_clock"
        ):
            table, column = columns[int(column_idx)]
            by_table.setdefault(table, []).append(
                (unpack_row_id(row_id), column, int(hlc), int(device_idx), int(writes))
            )
        fields: list[FieldState] = []
        for table, clocks in sorted(by_table.items()):
            model = SYNCED_TABLES.get(table)
            if model is None:
                continue  # a table this version no longer has
            records = {r.id: r for r in session.execute(select(model)).scalars()}
            for row_id, column, hlc, device_idx, writes in sorted(clocks):
                record = records.get(row_id)
                if record is None:
                    continue
                if deletions.is_deletion_seen(column):
                    found = db.execute(
                        "SELECT seen FROM sync_deletion_seen WHERE table_name = ? AND "
                        "row_id = ? AND device_id = ?",
                        (table, row_id, deletions.device_of(column)),
                    ).fetchone()
                    if found is None:
                        continue
                    value = str(found[0])
                else:
                    value = encode_value(_field_value(record, table, column))
                fields.append(
                    FieldState(table, row_id, column, value, hlc, names[device_idx], writes)
                )
        rows = tuple(
            RowState(columns[int(c)][0], unpack_row_id(r), int(h), names[int(d)], bool(x))
            for c, r, h, d, x in db.execute(
                "SELECT column_idx, row_id, hlc, device_idx, deleted FROM row_clock"
            )
        )
        hlc_row = db.execute("SELECT value FROM book_meta WHERE key = 'hlc'").fetchone()
        marks = watermarks(db)
    return Snapshot(book.device_id, int(hlc_row[0]) if hlc_row else 0, marks, tuple(fields), rows)


def load_snapshot(book: Book, snapshot: Snapshot) -> None:
    """Fill a new book from ``snapshot``: its records, their clocks and the watermarks.

    The book must hold no entries and no clocks yet (rows the migrations seed, the same
    on every device, are taken over). Its own device id must not be the snapshot's
    writer's or appear in its watermarks: a book's sequence numbers are its own.
    Written without local entries, as applied entries are.
    """
    if book.device_id == snapshot.device_id or book.device_id in snapshot.watermarks:
        raise SnapshotError(
            _(
                "This snapshot was made from this book itself, so it cannot start it again. "
                "Nothing was changed."
            )
        )
    by_row: dict[tuple[str, str], dict[str, Any]] = {}
    seen_at_deletes: list[tuple[str, str, str, int, str]] = []
    for state in snapshot.fields:
        if deletions.is_deletion_seen(state.column):
            device_id = deletions.device_of(state.column)
            found = deletions.decode(device_id, state.value)
            if found is not None:
                seen_at_deletes.append(
                    (state.table, state.row_id, device_id, found.hlc, state.value)
                )
            continue
        by_row.setdefault((state.table, state.row_id), {})[state.column] = json.loads(state.value)
    with book.write(log_changes=False) as session:
        db = dbapi_cursor(session)
        used = db.execute(
            "SELECT (SELECT COUNT(*) FROM sync_entry) + (SELECT COUNT(*) FROM field_clock)"
        ).fetchone()[0]
        if used:
            raise SnapshotError(
                _(
                    "This book already holds changes of its own, so it cannot start again "
                    "from a snapshot. Nothing was changed."
                )
            )
        # Rows arrive in no particular order (a branch before its group): check the keys
        # once everything is in.
        db.execute("PRAGMA defer_foreign_keys = ON")
        for (table, row_id), logged in by_row.items():
            model = SYNCED_TABLES.get(table)
            if model is None:
                continue
            values: dict[str, Any] = {}
            for column, value in logged.items():
                group = _GROUPS.get(table, {}).get(column)
                if group is not None:
                    values.update(
                        {name: python_value(model, name, value.get(name)) for name in group}
                    )
                else:
                    values[column] = python_value(model, column, value)
            record = session.get(model, row_id)
            if record is None:
                session.add(model(id=row_id, **values))
            else:
                for name, value in values.items():
                    setattr(record, name, value)
        session.flush()
        numbers = Numbers()
        for device_id, seq in sorted(snapshot.watermarks.items()):
            device = numbers.device(db, device_id)
            db.execute("UPDATE sync_device SET last_seq = ? WHERE idx = ?", (seq, device))
        db.executemany(
            "INSERT INTO field_clock (column_idx, row_id, hlc, device_idx, writes) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    numbers.column(db, s.table, s.column),
                    pack_row_id(s.row_id),
                    s.hlc,
                    numbers.device(db, s.device_id),
                    s.writes,
                )
                for s in snapshot.fields
            ],
        )
        db.executemany(
            "INSERT INTO row_clock (column_idx, row_id, hlc, device_idx, deleted) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    numbers.column(db, r.table, "deleted_at"),
                    pack_row_id(r.row_id),
                    r.hlc,
                    numbers.device(db, r.device_id),
                    r.deleted,
                )
                for r in snapshot.rows
            ],
        )
        db.executemany(
            "INSERT OR REPLACE INTO sync_deletion_seen (table_name, row_id, device_id, hlc, "
            "seen) VALUES (?, ?, ?, ?, ?)",
            seen_at_deletes,
        )
        _pass_book_clock(db, snapshot.hlc)

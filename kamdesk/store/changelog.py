"""The change log: one entry per changed field, written in the same transaction as the edit.

The recorder hooks the SQLAlchemy session of a unit of work. Before a flush it stamps
``updated_at`` on rows that really changed; after the flush it compares each synced
row's loaded and new values, and appends one entry per field that differs, stamped with
the book's hybrid logical clock and device id. Fields a kind declares as one merge group
(a deal's amount and currency) are one entry, named after the group, holding all of
them: they carry one clock, so another device takes them together or not at all.
Because the entries go through the same connection inside the same transaction, a
rolled-back edit leaves no entry, and a committed one always has its entries. It also
keeps the search index in step.

The log is stored compactly (``sync_entry``: device and (table, column) by number, a
UUID row id in 16 bytes, keyed by device and sequence); the ``change_log`` view spells
it out for reading. Beside it the recorder keeps, in the same transaction, the clock of
every field's current value (``field_clock``), which the next edit names as the value it
replaced, and a row clock for each delete and restore (``row_clock``): what a merge
compares incoming entries with (see ``kamdesk.store.sync_log``).

The log only sees what goes through the unit of work, so every other way of writing a
synced table is refused with ``UnloggedWriteError`` (and the transaction rolls back):
hard deletes (deletes are tombstones, which sync carries), bulk ORM statements, and raw
SQL sent through the book's writing engine. Those guards hold for ``log_changes=False``
too: entries applied from other devices are ordinary unit-of-work edits.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from kamdesk.errors import UnloggedWriteError
from kamdesk.i18n import _
from kamdesk.kinds import KINDS, MergeGroup
from kamdesk.models import SYNCED_TABLES, UNLOGGED_COLUMNS, Record, Stakeholder, utc_now
from kamdesk.store import pinyin, search  # noqa: F401  (pinyin: loaded with the write path)
from kamdesk.sync import deletions
from kamdesk.sync.clock import HybridLogicalClock

_ACCOUNT_SEARCH_COLUMNS = frozenset({*search.ACCOUNT_TEXT_COLUMNS, "deleted_at"})
_STAKEHOLDER_SEARCH_COLUMNS = frozenset(
    {*search.STAKEHOLDER_TEXT_COLUMNS, "deleted_at", "account_id"}
)
#: For each kind whose text joins its account's search document: the column holding the
#: account, and the logged columns (a merge group by its name) that re-index it.
_KIND_SEARCH_COLUMNS: dict[str, tuple[str, frozenset[str]]] = {
    k.name: (
        column,
        frozenset(
            {*k.search_text, "deleted_at", column}
            | {g.name for g in k.merge_groups if set(g.fields) & set(k.search_text)}
        ),
    )
    for k, column in search.searched_kinds()
}


def _jsonable(value: object) -> str:
    # Dates and times as ISO 8601 text (a datetime is a date too): what the reader and
    # ``rules.clean_value`` read back.
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot go in the change log")


def encode_value(value: Any) -> str:
    """A field value (or a merge group's values) as the JSON text the log and sync carry."""
    return json.dumps(value, ensure_ascii=False, default=_jsonable)


@dataclass(frozen=True)
class FieldChange:
    """One field of one row that a flush changed."""

    table: str
    row_id: str
    column: str
    value: Any
    is_insert: bool
    #: The flushed object itself (the search index needs a stakeholder's account).
    record: Record = field(compare=False, repr=False)
    #: The value it had before (None for a new row): a record moved to another account
    #: leaves that account's search document too.
    previous: Any = field(default=None, compare=False, repr=False)


def _column_defaults(model: type[Record]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is None:
            defaults[name] = info.default
    return defaults


_DEFAULTS: dict[str, dict[str, Any]] = {
    name: _column_defaults(model) for name, model in SYNCED_TABLES.items()
}
#: The merge groups of each declared kind's table that has some.
_MERGE_GROUPS: dict[str, tuple[MergeGroup, ...]] = {k.name: k.merge_groups for k in KINDS}


def _table_of(obj: object) -> str | None:
    name = getattr(type(obj), "__tablename__", None)
    return name if isinstance(name, str) and name in SYNCED_TABLES else None


def _column_keys(obj: object) -> list[str]:
    return [attr.key for attr in inspect(type(obj)).column_attrs]


def changed_fields(session: Session) -> list[FieldChange]:
    """Every field a pending flush inserts or changes in a synced table.

    New rows report the fields that differ from the column default (the receiving device
    starts from the same defaults); updated rows report fields whose new value differs
    from the loaded one, so setting a field to its current value logs nothing.
    """
    changes: list[FieldChange] = []
    for obj in session.new:
        table = _table_of(obj)
        if table is None:
            continue
        defaults = _DEFAULTS[table]
        row_id = obj.id
        inserted: list[FieldChange] = []
        for key in _column_keys(obj):
            if key in UNLOGGED_COLUMNS or key == "id":
                continue
            value = getattr(obj, key)
            if key in defaults and value == defaults[key]:
                continue
            inserted.append(FieldChange(table, row_id, key, value, is_insert=True, record=obj))
        changes.extend(_merged(inserted))
    for obj in session.dirty:
        table = _table_of(obj)
        if table is None:
            continue
        state = inspect(obj)
        updated: list[FieldChange] = []
        for key in _column_keys(obj):
            if key in UNLOGGED_COLUMNS:
                continue
            history = state.attrs[key].history
            if not history.added:
                continue
            old = (
                history.deleted[0]
                if history.deleted
                else history.unchanged[0]
                if history.unchanged
                else None
            )
            new = history.added[0]
            if old != new:
                updated.append(
                    FieldChange(table, obj.id, key, new, False, record=obj, previous=old)
                )
        changes.extend(_merged(updated))
    return changes


def _merged(changes: list[FieldChange]) -> list[FieldChange]:
    """One row's changes with each merge group's fields folded into one entry.

    The entry is named after the group and holds every field of it as it is now (a JSON
    object), whichever of them changed: the amount never travels without its currency.
    """
    groups = _MERGE_GROUPS.get(changes[0].table, ()) if changes else ()
    if not groups:
        return changes
    folded: list[FieldChange] = []
    done: set[str] = set()
    for change in changes:
        group = next((g for g in groups if change.column in g.fields), None)
        if group is None:
            folded.append(change)
        elif group.name not in done:
            done.add(group.name)
            record = change.record
            value = {name: getattr(record, name) for name in group.fields}
            folded.append(
                FieldChange(
                    change.table, change.row_id, group.name, value, change.is_insert, record
                )
            )
    return folded


#: Set in a connection's ``info`` while the unit of work flushes through it: the only time
#: SQL that writes a synced table is let through.
_FLUSHING = "kamdesk.flushing"

_NAME = r"(?:\"[^\"]+\"|`[^`]+`|\[[^\]]+\]|\w+)"
#: The table after INSERT [OR …] INTO, REPLACE INTO, UPDATE [OR …] and DELETE FROM,
#: quoted or not, with or without a schema name.
_WRITE_TARGET = re.compile(
    r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    rf"\s+(?:{_NAME}\s*\.\s*)?({_NAME})",
    re.IGNORECASE,
)
#: String literals and comments, which may hold any words (matched left to right, so
#: "--" inside a literal is not taken for a comment).
_LITERAL_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)
_READS_ONLY = re.compile(r"\s*(?:SELECT|PRAGMA|EXPLAIN)\b", re.IGNORECASE)


def written_synced_table(sql: str) -> str | None:
    """The synced table an SQL statement inserts into, updates or deletes from, if any."""
    sql = _LITERAL_OR_COMMENT.sub(" ", sql)
    if _READS_ONLY.match(sql):
        return None
    for match in _WRITE_TARGET.finditer(sql):
        name = match.group(1).strip('"`[]').lower()
        if name in SYNCED_TABLES:
            return name
    return None


def _refusal(table: str) -> UnloggedWriteError:
    return UnloggedWriteError(
        _(
            "A change to {table} was refused because the change log would not have seen it, "
            "so other devices would never learn of it. Nothing was saved."
        ).format(table=table),
        table,
    )


def guard_engine(engine: Engine) -> None:
    """Refuse SQL that writes a synced table unless the unit of work is flushing it.

    This catches raw SQL (``text()``, ``exec_driver_sql``), Core statements and the
    legacy bulk methods, whatever session or connection sends them through ``engine``.
    (The recorder's own writes go through the DBAPI cursor and touch no synced table.)
    """

    def refuse_unlogged_sql(
        connection: Connection,
        _cursor: object,
        statement: str,
        _parameters: object,
        _context: object,
        _executemany: bool,
    ) -> None:
        if connection.info.get(_FLUSHING):
            return
        table = written_synced_table(statement)
        if table is not None:
            raise _refusal(table)

    def forget_flush(connection: Connection) -> None:
        # A flush that failed half-way never reached after_flush: its mark must not
        # outlive its transaction (the connection goes back to the pool and is reused).
        connection.info.pop(_FLUSHING, None)

    event.listen(engine, "before_cursor_execute", refuse_unlogged_sql)
    event.listen(engine, "begin", forget_flush)
    event.listen(engine, "rollback", forget_flush)


def pack_row_id(row_id: str) -> bytes | str:
    """A record id as the log keeps it: a UUID's 16 bytes, any other id as its text.

    Only the canonical spelling (``str(uuid.UUID(...))``) is packed, so unpacking gives
    back exactly the id the row has.
    """
    try:
        packed = uuid.UUID(row_id)
    except ValueError:
        return row_id
    return packed.bytes if str(packed) == row_id else row_id


def unpack_row_id(stored: bytes | str) -> str:
    """The record id of a packed one (see :func:`pack_row_id`)."""
    return str(uuid.UUID(bytes=stored)) if isinstance(stored, bytes) else stored


#: The SQL spelling of :func:`unpack_row_id` for a packed ``row_id`` column.
UNPACK_ROW_ID_SQL = (
    "CASE WHEN typeof({c}) = 'blob' THEN lower(substr(hex({c}), 1, 8) || '-' || "
    "substr(hex({c}), 9, 4) || '-' || substr(hex({c}), 13, 4) || '-' || "
    "substr(hex({c}), 17, 4) || '-' || substr(hex({c}), 21)) ELSE {c} END"
)


@dataclass
class Numbers:
    """The numbers the book gives device ids and (table, column) names, looked up once.

    A number is remembered only once the transaction that made it has committed: one
    made in a transaction that rolled back may be given to another name later.
    """

    devices: dict[str, int] = field(default_factory=dict)
    columns: dict[tuple[str, str], int] = field(default_factory=dict)
    _new_devices: dict[str, int] = field(default_factory=dict)
    _new_columns: dict[tuple[str, str], int] = field(default_factory=dict)

    def device(self, db: sqlite3.Cursor, device_id: str) -> int:
        """The number of ``device_id``, given one now if it has none."""
        known = self.devices.get(device_id) or self._new_devices.get(device_id)
        if known is None:
            known = device_number(db, device_id)
            self._new_devices[device_id] = known
        return known

    def column(self, db: sqlite3.Cursor, table: str, column: str) -> int:
        """The number of ``table.column`` (or of a merge group), given one now if it has none."""
        key = (table, column)
        known = self.columns.get(key) or self._new_columns.get(key)
        if known is None:
            known = column_number(db, table, column)
            self._new_columns[key] = known
        return known

    def committed(self) -> None:
        """The transaction committed: what it numbered is numbered for good."""
        self.devices.update(self._new_devices)
        self.columns.update(self._new_columns)
        self.rolled_back()

    def rolled_back(self) -> None:
        """The transaction rolled back: forget what it numbered."""
        self._new_devices.clear()
        self._new_columns.clear()


def device_number(db: sqlite3.Cursor, device_id: str) -> int:
    """The number of ``device_id`` in ``sync_device``, added if it is not there."""
    db.execute(
        "INSERT OR IGNORE INTO sync_device (device_id, last_seq) VALUES (?, 0)", (device_id,)
    )
    row = db.execute("SELECT idx FROM sync_device WHERE device_id = ?", (device_id,)).fetchone()
    return int(row[0])


def column_number(db: sqlite3.Cursor, table: str, column: str) -> int:
    """The number of ``table.column`` in ``sync_column``, added if it is not there."""
    db.execute(
        "INSERT OR IGNORE INTO sync_column (table_name, column_name) VALUES (?, ?)",
        (table, column),
    )
    row = db.execute(
        "SELECT idx FROM sync_column WHERE table_name = ? AND column_name = ?", (table, column)
    ).fetchone()
    return int(row[0])


def is_delete_or_restore(change: FieldChange) -> bool:
    """Whether the change deletes a row (or makes it deleted) or restores it.

    ``deleted_at`` going from None to a time, or back; a tombstone moved from one time to
    another is neither.
    """
    if change.column != "deleted_at":
        return False
    return change.is_insert or (change.previous is None) != (change.value is None)


#: Sets a field's clock to a newer write, counting the write.
UPSERT_FIELD_CLOCK = (
    "INSERT INTO field_clock (column_idx, row_id, hlc, device_idx, writes) "
    "VALUES (?, ?, ?, ?, 1) ON CONFLICT (column_idx, row_id) DO UPDATE SET "
    "hlc = excluded.hlc, device_idx = excluded.device_idx, writes = writes + 1"
)
#: Sets a row's delete / restore clock.
UPSERT_ROW_CLOCK = (
    "INSERT INTO row_clock (column_idx, row_id, hlc, device_idx, deleted) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (column_idx, row_id) DO UPDATE SET "
    "hlc = excluded.hlc, device_idx = excluded.device_idx, deleted = excluded.deleted"
)
INSERT_ENTRY = (
    "INSERT INTO sync_entry (device_idx, seq, hlc, column_idx, row_id, value, seen_hlc, "
    "seen_device_idx) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class ChangeRecorder:
    """Writes change-log entries and search-index updates for one book's units of work."""

    device_id: str
    clock: HybridLogicalClock
    #: False while applying entries that came from another device: they are already
    #: in that device's log and must not come back as local changes. The merge then
    #: sets the fields' clocks to the applied entries' with
    #: :func:`kamdesk.store.sync_log.record_applied`, in the same unit of work: the
    #: recorder cannot know them, and without them a later local edit would name an
    #: older value as the one it replaced.
    log_changes: bool = True
    numbers: Numbers = field(default_factory=Numbers)
    _pending: list[FieldChange] = field(default_factory=list)

    def attach(self, session: Session) -> None:
        """Hook this recorder into ``session``."""
        event.listen(session, "before_flush", self._before_flush)
        event.listen(session, "after_flush", self._after_flush)
        event.listen(session, "do_orm_execute", _refuse_bulk_statements)
        event.listen(session, "after_commit", lambda _s: self.numbers.committed())
        # Any rollback, a savepoint's too: what it numbered may be gone.
        event.listen(session, "after_soft_rollback", lambda _s, _t: self.numbers.rolled_back())

    def _before_flush(self, session: Session, _ctx: UOWTransaction, _instances: object) -> None:
        for obj in session.deleted:
            table = _table_of(obj)
            if table is not None:
                raise _refusal(table)
        self._pending = changed_fields(session)
        session.connection().info[_FLUSHING] = True
        now = utc_now()
        touched = {(c.table, c.row_id) for c in self._pending if not c.is_insert}
        for obj in session.dirty:
            table = _table_of(obj)
            if table is not None and (table, obj.id) in touched:
                obj.updated_at = now

    def _after_flush(self, session: Session, _ctx: UOWTransaction) -> None:
        session.connection().info.pop(_FLUSHING, None)
        changes, self._pending = self._pending, []
        if not changes:
            return
        db = dbapi_cursor(session)
        if self.log_changes:
            self._append_entries(db, changes)
        self._update_search(db, changes)

    def _append_entries(self, db: sqlite3.Cursor, changes: list[FieldChange]) -> None:
        # Read the sequence and the clock inside the transaction, which holds the write
        # lock: a rolled-back edit leaves no gap, and another program writing this book
        # (same device id) has saved its clock, which ours must then pass.
        device = self.numbers.device(db, self.device_id)
        row = db.execute(
            "SELECT last_seq, (SELECT value FROM book_meta WHERE key = 'hlc') "
            "FROM sync_device WHERE idx = ?",
            (device,),
        ).fetchone()
        seq = int(row[0])
        self.clock.catch_up(int(row[1] or 0))
        entries = []
        clocks = []
        row_clocks = []
        deletes: list[tuple[str, str, int]] = []
        for change in changes:
            seq += 1
            column = self.numbers.column(db, change.table, change.column)
            row_id = pack_row_id(change.row_id)
            seen: tuple[int, int] | None = None
            if not change.is_insert:
                # What the user replaced: the field's current clock, local or applied.
                seen = db.execute(
                    "SELECT hlc, device_idx FROM field_clock WHERE column_idx = ? AND row_id = ?",
                    (column, row_id),
                ).fetchone()
            hlc = self.clock.now()
            entries.append(
                (
                    device,
                    seq,
                    hlc,
                    column,
                    row_id,
                    encode_value(change.value),
                    *(seen or (None, None)),
                )
            )
            clocks.append((column, row_id, hlc, device))
            if is_delete_or_restore(change):
                row_clocks.append((column, row_id, hlc, device, change.value is not None))
                if change.value is not None:
                    deletes.append((change.table, change.row_id, hlc))
        db.executemany(INSERT_ENTRY, entries)
        db.executemany(UPSERT_FIELD_CLOCK, clocks)
        if row_clocks:
            db.executemany(UPSERT_ROW_CLOCK, row_clocks)
        for table, row_id_text, deleted_hlc in deletes:
            seq += 1
            self._log_deletion_seen(db, device, seq, table, row_id_text, deleted_hlc)
        db.execute("UPDATE sync_device SET last_seq = ? WHERE idx = ?", (seq, device))
        db.execute(
            "INSERT INTO book_meta (key, value) VALUES ('hlc', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(self.clock.last),),
        )

    def _log_deletion_seen(
        self, db: sqlite3.Cursor, device: int, seq: int, table: str, row_id: str, deleted: int
    ) -> None:
        """Log, right after a delete, the row's field clocks as this device knows them.

        Kept here too (``sync_deletion_seen``), for edits of the row that arrive later.
        """
        packed = pack_row_id(row_id)
        seen: dict[str, tuple[int, str]] = {}
        for column_name, hlc, writer in db.execute(
            "SELECT c.column_name, f.hlc, d.device_id FROM field_clock f "
            "JOIN sync_column c ON c.idx = f.column_idx "
            "JOIN sync_device d ON d.idx = f.device_idx "
            "WHERE f.row_id = ? AND c.table_name = ?",
            (packed, table),
        ):
            name = str(column_name)
            if name != "deleted_at" and not deletions.is_deletion_seen(name):
                seen[name] = (int(hlc), str(writer))
        value = deletions.encode(deleted, seen)
        column = self.numbers.column(db, table, deletions.column_for(self.device_id))
        hlc = self.clock.now()
        db.execute(INSERT_ENTRY, (device, seq, hlc, column, packed, value, None, None))
        db.execute(UPSERT_FIELD_CLOCK, (column, packed, hlc, device))
        db.execute(
            "INSERT OR REPLACE INTO sync_deletion_seen (table_name, row_id, device_id, hlc, "
            "seen) VALUES (?, ?, ?, ?, ?)",
            (table, row_id, self.device_id, deleted, value),
        )

    def _update_search(self, db: sqlite3.Cursor, changes: list[FieldChange]) -> None:
        """Re-index every account whose text, or whose people's text, this flush changed."""
        accounts: set[str] = set()
        for change in changes:
            if change.table == "account" and change.column in _ACCOUNT_SEARCH_COLUMNS:
                accounts.add(change.row_id)
            elif change.table == "stakeholder" and change.column in _STAKEHOLDER_SEARCH_COLUMNS:
                record = change.record
                assert isinstance(record, Stakeholder)
                accounts.add(record.account_id)
                if change.column == "account_id" and change.previous:
                    accounts.add(change.previous)  # moved: gone from the old account's
            elif change.table in _KIND_SEARCH_COLUMNS:
                # A deal's name or notes, or a deal made, deleted or restored.
                column, watched = _KIND_SEARCH_COLUMNS[change.table]
                if change.column in watched:
                    accounts.add(getattr(change.record, column))
                    if change.column == column and change.previous:
                        accounts.add(change.previous)
            elif change.column in search.REFERENCED_TEXT_COLUMNS.get(change.table, ()):
                # An owner renamed or gone, an industry relabelled: their accounts' text.
                accounts.update(search.reindex_referenced(db, change.table, change.row_id))
        for account_id in accounts:
            search.reindex_account(db, account_id)


def _refuse_bulk_statements(state: ORMExecuteState) -> None:
    """Refuse ORM insert / update / delete statements on synced tables.

    They write rows without loading them, so the recorder cannot know what changed.
    """
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if isinstance(name, str) and name in SYNCED_TABLES:
        raise _refusal(name)


def dbapi_cursor(session: Session) -> sqlite3.Cursor:
    """A cursor on the session's own connection, inside its open transaction."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    # The book's engine is always pysqlite, whose DBAPI connection is a sqlite3.Connection.
    return cast(sqlite3.Connection, raw).cursor()

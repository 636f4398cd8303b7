"""The change log: one entry per changed field, written in the same transaction as the edit.

The recorder hooks the SQLAlchemy session of a unit of work. Before a flush it stamps
``updated_at`` on rows that really changed; after the flush it compares each synced
row's loaded and new values, and appends one entry per field that differs, stamped with
the book's hybrid logical clock and device id. Because the entries go through the same
connection inside the same transaction, a rolled-back edit leaves no entry, and a
committed one always has its entries. It also keeps the search index in step.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from kamdesk.models import SYNCED_TABLES, UNLOGGED_COLUMNS, Record, Stakeholder, utc_now
from kamdesk.store import search
from kamdesk.sync.clock import HybridLogicalClock

_ACCOUNT_SEARCH_COLUMNS = frozenset({*search.ACCOUNT_TEXT_COLUMNS, "deleted_at"})
_STAKEHOLDER_SEARCH_COLUMNS = frozenset(
    {*search.STAKEHOLDER_TEXT_COLUMNS, "deleted_at", "account_id"}
)


def encode_value(value: Any) -> str:
    """A field value as the JSON text the log (and later sync) carries."""
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    return json.dumps(value, ensure_ascii=False)


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


def _column_defaults(model: type[Record]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is None:
            defaults[name] = info.default
    return defaults


_DEFAULTS: dict[str, dict[str, Any]] = {
    name: _column_defaults(model) for name, model in SYNCED_TABLES.items()
}


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
        for key in _column_keys(obj):
            if key in UNLOGGED_COLUMNS or key == "id":
                continue
            value = getattr(obj, key)
            if key in defaults and value == defaults[key]:
                continue
            changes.append(FieldChange(table, row_id, key, value, is_insert=True, record=obj))
    for obj in session.dirty:
        table = _table_of(obj)
        if table is None:
            continue
        state = inspect(obj)
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
                changes.append(FieldChange(table, obj.id, key, new, is_insert=False, record=obj))
    return changes


@dataclass
class ChangeRecorder:
    """Writes change-log entries and search-index updates for one book's units of work."""

    device_id: str
    clock: HybridLogicalClock
    #: False while applying entries that came from another device: they are already
    #: in that device's log and must not come back as local changes.
    log_changes: bool = True
    _pending: list[FieldChange] = field(default_factory=list)

    def attach(self, session: Session) -> None:
        """Hook this recorder into ``session``."""
        event.listen(session, "before_flush", self._before_flush)
        event.listen(session, "after_flush", self._after_flush)

    def _before_flush(self, session: Session, _ctx: UOWTransaction, _instances: object) -> None:
        self._pending = changed_fields(session)
        now = utc_now()
        touched = {(c.table, c.row_id) for c in self._pending if not c.is_insert}
        for obj in session.dirty:
            table = _table_of(obj)
            if table is not None and (table, obj.id) in touched:
                obj.updated_at = now

    def _after_flush(self, session: Session, _ctx: UOWTransaction) -> None:
        changes, self._pending = self._pending, []
        if not changes:
            return
        db = _dbapi(session)
        if self.log_changes:
            self._append_entries(db, changes)
        self._update_search(db, changes)

    def _append_entries(self, db: sqlite3.Cursor, changes: list[FieldChange]) -> None:
        # Read the sequence and the clock inside the transaction, which holds the write
        # lock: a rolled-back edit leaves no gap, and another program writing this book
        # (same device id) has saved its clock, which ours must then pass.
        row = db.execute(
            "SELECT (SELECT COALESCE(MAX(device_seq), 0) FROM change_log WHERE device_id = ?), "
            "(SELECT value FROM book_meta WHERE key = 'hlc')",
            (self.device_id,),
        ).fetchone()
        seq = int(row[0])
        self.clock.catch_up(int(row[1] or 0))
        entries = []
        for change in changes:
            seq += 1
            seen_hlc: int | None = None
            seen_device: str | None = None
            if not change.is_insert:
                seen = db.execute(
                    "SELECT hlc, device_id FROM change_log WHERE table_name = ? AND row_id = ? "
                    "AND column_name = ? ORDER BY hlc DESC, device_id DESC LIMIT 1",
                    (change.table, change.row_id, change.column),
                ).fetchone()
                if seen is not None:
                    seen_hlc, seen_device = seen
            entries.append(
                (
                    self.device_id,
                    seq,
                    self.clock.now(),
                    change.table,
                    change.row_id,
                    change.column,
                    encode_value(change.value),
                    seen_hlc,
                    seen_device,
                )
            )
        db.executemany(
            "INSERT INTO change_log (device_id, device_seq, hlc, table_name, row_id, "
            "column_name, value, seen_hlc, seen_device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )
        db.execute(
            "INSERT INTO book_meta (key, value) VALUES ('hlc', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(self.clock.last),),
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
        for account_id in accounts:
            search.reindex_account(db, account_id)


def _dbapi(session: Session) -> sqlite3.Cursor:
    """A cursor on the session's own connection, inside its open transaction."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    # The book's engine is always pysqlite, whose DBAPI connection is a sqlite3.Connection.
    return cast(sqlite3.Connection, raw).cursor()

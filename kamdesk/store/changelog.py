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
        event.listen(session, "do_orm_execute", _refuse_bulk_statements)

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


def _dbapi(session: Session) -> sqlite3.Cursor:
    """A cursor on the session's own connection, inside its open transaction."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    # The book's engine is always pysqlite, whose DBAPI connection is a sqlite3.Connection.
    return cast(sqlite3.Connection, raw).cursor()

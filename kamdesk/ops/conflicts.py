"""The conflicts a merge kept, and their resolution.

A conflict is a value that lost a merge to a concurrent one: it is kept, not dropped, until
a user chooses. A resolution is an ordinary local edit, logged and synced like any other:
the value chosen is written (when it is not the current one already), and a
``conflict_dismissal`` record is added for every losing value of the field, so every
device that applies it closes the same conflicts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from kamdesk.errors import NotFoundError
from kamdesk.i18n import _
from kamdesk.store.book import Book
from kamdesk.store.changelog import dbapi_cursor, encode_value, pack_row_id
from kamdesk.sync.clock import physical_ms
from kamdesk.sync.merge import GROUPS, current_value, python_value


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

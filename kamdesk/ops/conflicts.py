"""The conflicts a merge kept, and their resolution.

A conflict is a value that lost a merge to a concurrent one: it is kept, not dropped, until
a user chooses. A resolution is an ordinary local edit, logged and synced like any other:
the value chosen is written through the same ops a form's Save uses (its checks, its write
guards such as a sent proposal's freeze, and what follows a write, such as a deal's stage
history), and a ``conflict_dismissal`` record is added for every losing value of the field
in the same transaction, so every device that applies it closes the same conflicts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from kamdesk.domain.fields import (
    ACCOUNT_FIELDS,
    STAKEHOLDER_FIELDS,
    TEAM_MEMBER_FIELDS,
    FieldKind,
    FieldSpec,
    field_map,
)
from kamdesk.errors import NotFoundError, ValidationError
from kamdesk.i18n import N_, _
from kamdesk.kinds import KINDS, Kind
from kamdesk.store.book import Book
from kamdesk.sync.clock import physical_ms

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record
    from kamdesk.ops.records import RecordKind

#: The kind of conflict of a row deleted on one device while it was edited on another.
DELETED = "deleted"
#: The fields whose conflicting values a user may merge by hand into one text.
MERGEABLE_KINDS = frozenset({FieldKind.TEXT, FieldKind.LONG_TEXT})

#: The word for a record of the tables that are not declared kinds.
_BESPOKE_LABELS: dict[str, str] = {
    "account": N_("account"),
    "stakeholder": N_("stakeholder"),
    "team_member": N_("team member"),
}
_BESPOKE_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "account": ACCOUNT_FIELDS,
    "stakeholder": STAKEHOLDER_FIELDS,
    "team_member": TEAM_MEMBER_FIELDS,
}
#: Link tables not declared as a ``LinkSet`` of a kind: (the column naming the owner, the
#: owner's table, the owner's field that lists the links).
_BESPOKE_LINKS: dict[str, tuple[str, str, str]] = {
    "coverage": ("stakeholder_id", "stakeholder", "covered_by"),
}
#: How far up the records a conflict's account is looked for (a line of an option of a
#: proposal of an account is three steps up).
_MOST_STEPS_UP = 6


@dataclass(frozen=True)
class Conflict:
    """One losing value of a field, beside the value the field has now.

    ``kind`` is "value", or "deleted" for a row deleted on one device while it was
    edited on another (it stays live; ``value`` is when it was deleted). ``account_id``
    is the account the record belongs to (the record itself for an account), or None
    for a record of no account (a team member).
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
    account_id: str | None = None

    @property
    def label(self) -> str:
        """The field's name in the user's language (read when asked: it follows a switch)."""
        if self.kind == DELETED:
            return _("Deleted")
        return field_label(self.table, self.column)

    @property
    def record_kind(self) -> str:
        """What kind of record this is, in the user's language ("deal", "account")."""
        return record_label(self.table)

    @property
    def can_merge_text(self) -> bool:
        """Whether the user may type one text from both values instead of keeping one."""
        spec = _specs(self.table).get(self.column)
        return (
            self.kind != DELETED
            and spec is not None
            and spec.kind in MERGEABLE_KINDS
            and _writer(self.table) is not None
        )

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


# What a table's fields are called ------------------------------------------------


def _declared(table: str) -> Kind | None:
    return next((k for k in KINDS if k.name == table), None)


def _specs(table: str) -> dict[str, FieldSpec]:
    declared = _declared(table)
    if declared is not None:
        return declared.specs
    return field_map(_BESPOKE_FIELDS.get(table, ()))


def _link(table: str) -> tuple[str, str, str] | None:
    """For a link table: (the column naming its owner, the owner's table, the owner's field)."""
    if table in _BESPOKE_LINKS:
        return _BESPOKE_LINKS[table]
    for declared in KINDS:
        for link in declared.links:
            if link.table == table:
                return link.own_column, declared.name, link.field
    return None


def field_spec(table: str, column: str) -> FieldSpec | None:
    """The form field ``table.column`` is, or the first of its merge group (an amount).

    None for a column no form shows: its values are shown as they are stored.
    """
    specs = _specs(table)
    declared = _declared(table)
    for group in declared.merge_groups if declared is not None else ():
        if group.name == column and group.fields[0] in specs:
            return specs[group.fields[0]]
    return specs.get(column)


def field_label(table: str, column: str) -> str:
    """What the user calls ``table.column``, in the current language.

    A merge group (an amount with its currency) is named by its first field; a link
    table's row by the field of its owner that lists it (a visit's attendees). A column
    no form shows keeps its own name.
    """
    spec = field_spec(table, column)
    if spec is not None:
        return _(spec.label)
    link = _link(table)
    if link is not None:
        owner = _specs(link[1]).get(link[2])
        if owner is not None:
            return _(owner.label)
    return column


def record_label(table: str) -> str:
    """The word for a record of ``table`` in the current language ("deal")."""
    declared = _declared(table)
    if declared is not None:
        return _(declared.label)
    if table in _BESPOKE_LABELS:
        return _(_BESPOKE_LABELS[table])
    link = _link(table)
    return record_label(link[1]) if link is not None else table


# Reading the conflicts -------------------------------------------------------------


class _Stored(NamedTuple):
    """A row of ``sync_conflict``."""

    id: str
    table: str
    row_id: str
    column: str
    kind: str
    value: str
    hlc: int
    device_id: str


def time_of(hlc: int) -> dt.datetime:
    """When a change with clock ``hlc`` was made, by its writer's clock (UTC)."""
    return dt.datetime.fromtimestamp(physical_ms(hlc) / 1000, dt.UTC)


def _load_rows(session: Session, wanted: Mapping[str, set[str]], held: list[Record]) -> None:
    """Read the rows named, a query per table, into the session (``get`` then asks none).

    ``held`` keeps them: the session holds what it read only while someone else does.
    """
    from sqlmodel import col, select

    from kamdesk.models import SYNCED_TABLES

    for table, ids in wanted.items():
        model = SYNCED_TABLES.get(table)
        if model is not None and ids:
            held.extend(session.exec(select(model).where(col(model.id).in_(sorted(ids)))).all())


def _owner(session: Session, table: str, record: Record) -> tuple[str, str] | None:
    """The record ``record`` belongs to: (its table, its id), or None."""
    declared = _declared(table)
    if declared is not None and declared.parent is not None:
        parent_id = getattr(record, declared.parent.column, None)
        return (declared.parent.kind, str(parent_id)) if parent_id else None
    link = _link(table)
    if link is not None:
        owner_id = getattr(record, link[0], None)
        return (link[1], str(owner_id)) if owner_id else None
    return None


def accounts_of(
    session: Session, records: Iterable[tuple[str, str]], held: list[Record]
) -> dict[tuple[str, str], str]:
    """The account each (table, row id) belongs to; the ones of no account are left out.

    The records are read a table at a time, then each step up for all of them at once,
    so a hundred conflicts cost a few queries, not a hundred.
    """
    from kamdesk.models import SYNCED_TABLES

    found: dict[tuple[str, str], str] = {}
    at = {start: start for start in records}
    for _step in range(_MOST_STEPS_UP):
        wanted: dict[str, set[str]] = {}
        for table, row_id in at.values():
            if table != "account":
                wanted.setdefault(table, set()).add(row_id)
        _load_rows(session, wanted, held)
        above: dict[tuple[str, str], tuple[str, str]] = {}
        for start, (table, row_id) in at.items():
            if table == "account":
                found[start] = row_id
                continue
            model = SYNCED_TABLES.get(table)
            record = session.get(model, row_id) if model is not None else None
            if record is None:
                continue
            account_id = getattr(record, "account_id", None)
            if isinstance(account_id, str) and account_id:
                found[start] = account_id
                continue
            owner = _owner(session, table, record)
            if owner is not None:
                above[start] = owner
        if not above:
            break
        at = above
    return found


def _stored_conflicts(session: Session) -> list[_Stored]:
    """Every kept losing value, open or not, in the order the view lists them."""
    from kamdesk.store.changelog import dbapi_cursor

    rows = (
        dbapi_cursor(session)
        .execute(
            "SELECT id, table_name, row_id, column_name, kind, value, hlc, device_id "
            "FROM sync_conflict ORDER BY table_name, row_id, column_name, hlc, device_id"
        )
        .fetchall()
    )
    return [
        _Stored(str(a), str(b), str(c), str(d), str(e), str(f), int(g), str(h))
        for a, b, c, d, e, f, g, h in rows
    ]


def _open(session: Session, held: list[Record]) -> list[tuple[_Stored, str]]:
    """The conflicts still open, each with the field's current value as JSON text.

    A losing value equal to the current one is no choice to make, and not listed (it is
    kept: a later winner with another value makes it one again). Nor is a conflict of a
    record deleted since: there is nothing to choose for it, and it is kept, to be listed
    again if the record is restored. A field whose winning value waits for its row counts
    with that value.
    """
    from kamdesk.store.changelog import dbapi_cursor, encode_value
    from kamdesk.sync.merge import current_value

    stored = _stored_conflicts(session)
    if not stored:
        return []
    pending = {
        (str(t), str(r), str(c)): str(v)
        for t, r, c, v in dbapi_cursor(session).execute(
            "SELECT p.table_name, p.row_id, p.column_name, p.value FROM sync_pending p "
            "JOIN sync_conflict c ON c.table_name = p.table_name AND c.row_id = p.row_id "
            "AND c.column_name = p.column_name"
        )
    }
    wanted: dict[str, set[str]] = {}
    for row in stored:
        wanted.setdefault(row.table, set()).add(row.row_id)
    _load_rows(session, wanted, held)
    found: list[tuple[_Stored, str]] = []
    for row in stored:
        if _is_deleted(session, row.table, row.row_id):
            continue
        now = pending.get((row.table, row.row_id, row.column))
        if now is None:
            now = current_value(session, encode_value, row.table, row.row_id, row.column)
        if row.kind == DELETED:
            now = "null"
        elif now == row.value:
            continue
        found.append((row, now))
    return found


def _is_deleted(session: Session, table: str, row_id: str) -> bool:
    """Whether the record is in the book and deleted (its rows are loaded already)."""
    from kamdesk.models import SYNCED_TABLES

    model = SYNCED_TABLES.get(table)
    record = session.get(model, row_id) if model is not None else None
    return getattr(record, "deleted_at", None) is not None


def record_title(session: Session, table: str, row_id: str) -> str:
    """What the user calls the record: its name or title, or its id if it has none."""
    from kamdesk.models import SYNCED_TABLES

    model = SYNCED_TABLES.get(table)
    record = session.get(model, row_id) if model is not None else None
    for name in ("name", "title", "label_en"):
        value = getattr(record, name, None)
        if isinstance(value, str) and value:
            return value
    return row_id


def open_conflicts(book: Book, account_id: str | None = None) -> list[Conflict]:
    """The conflicts still open (those of one account, if ``account_id`` is given).

    Listed by record name, then field, then when the losing value was written.
    """
    from kamdesk.store.changelog import dbapi_cursor, pack_row_id

    conflicts: list[Conflict] = []
    if not has_kept_conflicts(book):
        return conflicts
    with book.read() as session:
        db = dbapi_cursor(session)
        held: list[Record] = []
        rows = _open(session, held)
        accounts = accounts_of(session, {(row.table, row.row_id) for row, _now in rows}, held)
        for row, now in rows:
            owner = accounts.get((row.table, row.row_id))
            if account_id is not None and owner != account_id:
                continue
            clock = db.execute(
                "SELECT f.hlc, d.device_id FROM field_clock f "
                "JOIN sync_column c ON c.idx = f.column_idx "
                "JOIN sync_device d ON d.idx = f.device_idx "
                "WHERE c.table_name = ? AND c.column_name = ? AND f.row_id = ?",
                (row.table, row.column, pack_row_id(row.row_id)),
            ).fetchone()
            conflicts.append(
                Conflict(
                    id=row.id,
                    table=row.table,
                    row_id=row.row_id,
                    record=record_title(session, row.table, row.row_id),
                    column=row.column,
                    kind=row.kind,
                    value=json.loads(row.value),
                    writer=row.device_id,
                    written_at=time_of(row.hlc),
                    current=json.loads(now),
                    current_writer=str(clock[1]) if clock else None,
                    current_written_at=time_of(int(clock[0])) if clock else None,
                    account_id=owner,
                )
            )
    # By record name, so every device lists them alike, in an order a reader can follow.
    conflicts.sort(key=lambda c: (c.record.casefold(), c.table, c.row_id, c.column, c.kind))
    return conflicts


def has_kept_conflicts(book: Book) -> bool:
    """Whether the book keeps any conflict at all, asked without loading the ORM.

    Most books have none: then the account list's markers cost one indexed look-up,
    not SQLAlchemy's import, right after the window's first paint.
    """
    import sqlite3

    try:
        return book.db.execute("SELECT 1 FROM sync_conflict LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # a book from before sync, opened read-only
        return False


def conflicts_by_account(book: Book) -> dict[str, int]:
    """How many open conflicts each account has (accounts with none are left out).

    For the markers on the account list: a query for the conflicts, one for the values
    waiting for their rows, and one per table (and per step up to the account) for the
    records, however many accounts the book holds.
    """
    if not has_kept_conflicts(book):
        return {}
    with book.read() as session:
        held: list[Record] = []
        rows = _open(session, held)
        accounts = accounts_of(session, {(row.table, row.row_id) for row, _now in rows}, held)
    counts = Counter(accounts.get((row.table, row.row_id)) for row, _now in rows)
    return {account: count for account, count in counts.items() if account}


# Resolving them --------------------------------------------------------------------

#: A check before a deletion, in its transaction (raises to refuse).
DeleteCheck = Callable[["Session", str], None]


def _writer(table: str) -> tuple[RecordKind, DeleteCheck | None] | None:
    """How a form writes and deletes records of ``table``, or None for a table no form edits."""
    from kamdesk.ops import accounts, stakeholders, team
    from kamdesk.ops import kinds as kind_ops

    if table == "account":
        return accounts.ACCOUNT, accounts.refuse_if_it_has_branches
    if table == "stakeholder":
        return stakeholders.STAKEHOLDER, None
    if table == "team_member":
        return team.TEAM_MEMBER, None
    declared = _declared(table)
    if declared is None:
        return None
    return kind_ops.record_kind(declared), kind_ops.refuse_frozen(declared)


def _stored_conflict(book: Book, conflict_id: str) -> _Stored:
    from kamdesk.store.changelog import dbapi_cursor

    with book.read() as session:
        found = (
            dbapi_cursor(session)
            .execute(
                "SELECT id, table_name, row_id, column_name, kind, value, hlc, device_id "
                "FROM sync_conflict WHERE id = ?",
                (conflict_id,),
            )
            .fetchone()
        )
    if found is None:
        raise NotFoundError(_("This conflict was resolved already."))
    a, b, c, d, e, f, g, h = found
    return _Stored(str(a), str(b), str(c), str(d), str(e), str(f), int(g), str(h))


def _dismiss(session: Session, field: _Stored) -> None:
    """Close every conflict of the field: a synced dismissal per losing value."""
    from kamdesk.models import ConflictDismissal
    from kamdesk.store.changelog import dbapi_cursor

    db = dbapi_cursor(session)
    where = "WHERE table_name = ? AND row_id = ? AND column_name = ?"
    key = (field.table, field.row_id, field.column)
    losers = db.execute(f"SELECT id, hlc, device_id FROM sync_conflict {where}", key).fetchall()
    for cid, hlc, device_id in losers:
        if session.get(ConflictDismissal, cid) is None:
            session.add(
                ConflictDismissal(
                    id=cid,
                    table_name=field.table,
                    row_id=field.row_id,
                    column_name=field.column,
                    hlc=int(hlc),
                    device_id=str(device_id),
                )
            )
    session.flush()
    db.execute(f"DELETE FROM sync_conflict {where}", key)


def _close(book: Book, field: _Stored) -> None:
    """Keep what the field has: only the dismissals are written."""
    with book.write() as session:
        _dismiss(session, field)


def _write_and_close(book: Book, field: _Stored, values: Mapping[str, Any]) -> None:
    """Write ``values`` to the field's record as a form's Save would, and close the field.

    One transaction: the dismissals are written by the kind's after-write step, which
    runs inside the edit's transaction; an edit that changes nothing (the value is there
    already) writes the dismissals alone. A refused value raises the op's error, with
    nothing written. A table no form edits is written field by field, still logged.
    """
    writer = _writer(field.table)
    if writer is None or any(name not in writer[0].specs for name in values):
        _write_directly(book, field, values)
        return
    kind = writer[0]
    closed: list[bool] = []
    after = kind.after_write

    def after_write(session: Session, record: Record, before: dict[str, Any]) -> None:
        if after is not None:
            after(session, record, before)
        _dismiss(session, field)
        closed.append(True)

    from kamdesk.ops import records
    from kamdesk.sync.merge import python_value

    model = kind.model()
    typed = {name: python_value(model, name, value) for name, value in values.items()}
    records.update(book, replace(kind, after_write=after_write), field.row_id, typed)
    if not closed:
        _close(book, field)


def _write_directly(book: Book, field: _Stored, values: Mapping[str, Any]) -> None:
    """Write the columns of a table no form edits (a link row), with the dismissals."""
    from kamdesk.models import SYNCED_TABLES
    from kamdesk.sync.merge import python_value

    model = SYNCED_TABLES.get(field.table)
    with book.write() as session:
        record = session.get(model, field.row_id) if model is not None else None
        if record is not None:
            for name, value in values.items():
                setattr(record, name, python_value(type(record), name, value))
        _dismiss(session, field)


def _delete_and_close(book: Book, field: _Stored) -> None:
    """Delete the record after all, as the Delete key would, and close the conflict."""
    writer = _writer(field.table)
    if writer is None:
        from kamdesk.models import utc_now

        _write_directly(book, field, {"deleted_at": utc_now().isoformat()})
        return
    kind, refuse = writer

    def check(session: Session, record_id: str) -> None:
        if refuse is not None:
            refuse(session, record_id)
        _dismiss(session, field)

    from kamdesk.ops import records

    records.delete(book, kind, field.row_id, check=check)


def _field_values(field: _Stored, value: Any) -> dict[str, Any]:
    """The columns a field's value stands for: a merge group's several, else one."""
    from kamdesk.sync.merge import GROUPS

    group = GROUPS.get(field.table, {}).get(field.column)
    if group is None:
        return {field.column: value}
    given = value if isinstance(value, dict) else {}
    return {name: given.get(name) for name in group}


def resolve_conflict(book: Book, conflict_id: str, keep_value: bool) -> None:
    """Settle a field's conflict: keep this conflict's value, or the field's current one.

    ``keep_value`` True writes the losing value through the ops a form uses (for a
    "deleted" conflict: deletes the row as the Delete key does); False keeps what the
    field has (the row stays). Either way every open conflict of that field is closed,
    here and, once synced, on every device: one transaction, a local edit like any
    other. A value the record no longer takes (a sent proposal, a stage of another
    model) raises ``ValidationError`` with the reason, and nothing is written.
    """
    field = _stored_conflict(book, conflict_id)
    if not keep_value:
        _close(book, field)
    elif field.kind == DELETED:
        _delete_and_close(book, field)
    else:
        _write_and_close(book, field, _field_values(field, json.loads(field.value)))


def resolve_with_text(book: Book, conflict_id: str, text: str) -> None:
    """Settle a text field's conflict with a text the user made from its values.

    Checked as the field's form would check it (a name may not be empty); closes every
    conflict of the field, in the same transaction as the edit.
    """
    field = _stored_conflict(book, conflict_id)
    spec = _specs(field.table).get(field.column)
    if field.kind == DELETED or spec is None or spec.kind not in MERGEABLE_KINDS:
        raise ValidationError(
            {field.column: _("Only a text can be merged by hand: keep one of the values.")}
        )
    _write_and_close(book, field, {field.column: text})

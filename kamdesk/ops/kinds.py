"""The actions on any declared kind of record: create, check, edit, delete and restore.

A kind declared in ``kamdesk.kinds`` (a deal, and the kinds after it) needs no actions of
its own: these read the declaration. Each is one transaction, like the actions on
accounts and stakeholders, with the same rules: values cleaned and checked by field
first, nothing written on a refusal, only what the user changed written when the form
says what it started from (``base``), a deletion kept as a tombstone that undo restores.

What a kind's records must satisfy, in order: the record it belongs to (its account) is
there and not deleted; people and accounts it names are too; the kind's own rules on its
values (``Kind.checks``, on the stored values with the new ones over them); and the
rules that need the book (``Kind.book_check``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.errors import ValidationError
from kamdesk.i18n import N_, _
from kamdesk.kinds import KINDS, Kind, LinkSet
from kamdesk.ops import records
from kamdesk.ops.copies import with_copies
from kamdesk.store.book import Book

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record

#: The word for a record of the kinds that are not declared (yet) in ``kamdesk.kinds``.
_BESPOKE_LABELS: dict[str, str] = {
    "account": N_("account"),
    "stakeholder": N_("stakeholder"),
    "team_member": N_("team member"),
}
#: Fields that name another record, and the table that record is in.
_REFERENCES: dict[FieldKind, str] = {
    FieldKind.ACCOUNT: "account",
    FieldKind.STAKEHOLDER: "stakeholder",
    FieldKind.TEAM_MEMBER: "team_member",
    FieldKind.DEAL: "opportunity",
    FieldKind.QUESTION: "question",
}


def _declared(name: str) -> Kind | None:
    return next((k for k in KINDS if k.name == name), None)


def _label(kind_name: str) -> str:
    declared = _declared(kind_name)
    return declared.label if declared is not None else _BESPOKE_LABELS[kind_name]


def _table(kind_name: str) -> type[Record]:
    declared = _declared(kind_name)
    if declared is not None:
        return declared.model()
    from kamdesk.models import SYNCED_TABLES

    return SYNCED_TABLES[kind_name]


def _gone(kind_name: str) -> str:
    if kind_name == "team_member":
        return _("This team member no longer exists.")
    return _("This {record} no longer exists.").format(record=_(_label(kind_name)))


def _reference_errors(session: Session, kind: Kind, values: Mapping[str, Any]) -> dict[str, str]:
    """Messages for people and accounts named in ``values`` that are gone."""
    specs = kind.specs
    errors: dict[str, str] = {}
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None or spec.kind not in _REFERENCES or not value:
            continue
        table = _REFERENCES[spec.kind]
        target = session.get(_table(table), value)
        if target is None or target.deleted_at is not None:
            errors[name] = _gone(table)
    return errors


def _value_errors(
    kind: Kind, stored: Mapping[str, Any] | None, values: Mapping[str, Any]
) -> dict[str, str]:
    """The kind's own rules, on the stored values with the new ones over them.

    A rule an edit does not make fail is not the user's doing (a stored pair that no
    longer fits, read from an older book or another device): it stays as it is, shown,
    and does not block an unrelated edit, unless the user touches the field it names.
    """
    merged = {**(stored or {}), **values}
    errors: dict[str, str] = {}
    for rule in kind.checks:
        found = rule(merged)
        if stored is not None and found:
            already = rule(stored)
            found = {name: m for name, m in found.items() if name in values or name not in already}
        for name, message in found.items():
            errors.setdefault(name, message)
    return errors


def _why_frozen(session: Session, kind_name: str, record: Record | None) -> str | None:
    """Why ``record`` may not change now (``Kind.frozen``), or None."""
    declared = _declared(kind_name)
    if record is None or declared is None or declared.frozen is None:
        return None
    return declared.frozen(session, record)


def refuse_frozen(kind: Kind) -> Callable[[Session, str], None] | None:
    """A check refusing to delete or restore a record its kind says is frozen."""
    if kind.frozen is None:
        return None

    def check(session: Session, record_id: str) -> None:
        message = _why_frozen(session, kind.name, session.get(kind.model(), record_id))
        if message:
            raise ValidationError({kind.title_field: message})

    return check


def _checker(kind: Kind) -> records.RecordCheck:
    def check(session: Session, record_id: str | None, values: dict[str, Any]) -> dict[str, str]:
        title = kind.title_field
        stored = session.get(kind.model(), record_id) if record_id is not None else None
        if record_id is not None and (stored is None or stored.deleted_at is not None):
            return {title: _("This {record} no longer exists.").format(record=_(kind.label))}
        if kind.parent is not None:
            column = kind.parent.column
            parent_id = getattr(stored, column) if stored is not None else values.get(column)
            parent = session.get(_table(kind.parent.kind), parent_id) if parent_id else None
            if parent is None or parent.deleted_at is not None:
                return {
                    title: _("The {parent} of this {record} no longer exists.").format(
                        parent=_(_label(kind.parent.kind)), record=_(kind.label)
                    )
                }
        if stored is not None:
            frozen = _why_frozen(session, kind.name, stored)
        else:
            frozen = _why_frozen(session, kind.parent.kind, parent) if kind.parent else None
        if frozen:
            return {title: frozen}
        errors = _reference_errors(session, kind, values)
        before = stored.model_dump() if stored is not None else None
        for name, message in _value_errors(kind, before, values).items():
            errors.setdefault(name, message)
        if kind.book_check is not None:
            for name, message in kind.book_check(session, record_id, values).items():
                errors.setdefault(name, message)
        return errors

    return check


def _parent_field(kind: Kind) -> FieldSpec:
    assert kind.parent is not None
    field_kind = FieldKind.ACCOUNT if kind.parent.kind == "account" else FieldKind.TEXT
    return FieldSpec(kind.parent.column, _label(kind.parent.kind), field_kind)


def _link_rows(session: Session, link: LinkSet, record_id: str) -> list[Record]:
    """The record's rows of ``link``, tombstones included, to others still live.

    Only those: the form cannot show the others (a person deleted since), so it must not
    be taken to have removed them (they come back if the person does).
    """
    from sqlmodel import col, select

    model = link.model()
    other = _table(link.other_table)
    return list(
        session.exec(
            select(model)
            .join(other, col(other.id) == getattr(model, link.other_column))
            .where(getattr(model, link.own_column) == record_id, col(other.deleted_at).is_(None))
        ).all()
    )


def _live_links(session: Session, link: LinkSet, record_id: str) -> tuple[str, ...]:
    rows = _link_rows(session, link, record_id)
    return tuple(sorted(getattr(r, link.other_column) for r in rows if r.deleted_at is None))


def _link_reader(kind: Kind) -> records.ExtraRead:
    def read(session: Session, record_id: str) -> dict[str, Any]:
        return {link.field: _live_links(session, link, record_id) for link in kind.links}

    return read


def _link_writer(kind: Kind) -> records.ExtraWrite:
    def write(session: Session, record_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Make each link field exactly its new list; return the lists it replaced."""
        from kamdesk.models import utc_now

        before: dict[str, Any] = {}
        for link in kind.links:
            if link.field not in values:
                continue
            wanted = set(values[link.field])
            rows = _link_rows(session, link, record_id)
            current = tuple(
                sorted(getattr(r, link.other_column) for r in rows if r.deleted_at is None)
            )
            if set(current) == wanted:
                continue
            by_other = {getattr(row, link.other_column): row for row in rows}
            for other_id in sorted(wanted):
                row = by_other.get(other_id)
                if row is None:
                    session.add(
                        link.model()(**{link.own_column: record_id, link.other_column: other_id})
                    )
                elif row.deleted_at is not None:
                    row.deleted_at = None
            for other_id, row in by_other.items():
                if other_id not in wanted and row.deleted_at is None:
                    row.deleted_at = utc_now()
            before[link.field] = current
        return before

    return write


#: Built once per kind: (the kind it was built from, for editing, for creating).
_BUILT: dict[str, tuple[Kind, records.RecordKind, records.RecordKind]] = {}


def _built(kind: Kind) -> tuple[records.RecordKind, records.RecordKind]:
    cached = _BUILT.get(kind.name)
    if cached is None or cached[0] is not kind:
        editing = records.RecordKind(
            model=kind.model,
            fields=kind.fields,
            label=kind.label,
            check=_checker(kind),
            after_write=kind.after_write,
            merge_groups=tuple(group.fields for group in kind.merge_groups),
            extra_fields=frozenset(link.field for link in kind.links),
            write_extra=_link_writer(kind) if kind.links else None,
            read_extra=_link_reader(kind) if kind.links else None,
        )
        # A new record also names the record it belongs to (which an edit never changes).
        creating = (
            records.RecordKind(
                model=editing.model,
                fields=(*kind.fields, _parent_field(kind)),
                label=editing.label,
                check=editing.check,
                after_write=editing.after_write,
                merge_groups=editing.merge_groups,
                extra_fields=editing.extra_fields,
                write_extra=editing.write_extra,
                read_extra=editing.read_extra,
            )
            if kind.parent is not None
            else editing
        )
        cached = _BUILT[kind.name] = (kind, editing, creating)
    return cached[1], cached[2]


def record_kind(kind: Kind) -> records.RecordKind:
    """How records of ``kind`` are written (built once per kind)."""
    return _built(kind)[0]


def _new_values(kind: Kind, parent_id: str | None, values: Mapping[str, Any]) -> dict[str, Any]:
    """What a new record is made of: the given values, the kind's defaults for the rest.

    A default that depends on a given value follows it, as the form's suggestions do: a
    deal made at the closing stage gets that stage's probability, not the first stage's.
    """
    if kind.parent is None and parent_id is not None:
        raise ValueError(f"a {kind.name} belongs to no other record")
    filled = {name: value for name, value in kind.defaults.items() if name not in values}
    filled.update(values)
    if kind.suggest is not None:
        for spec in kind.fields:
            if spec.name in values:
                suggested = kind.suggest(spec.name, filled)
                filled.update({k: v for k, v in suggested.items() if k not in values})
    if kind.parent is not None:
        filled[kind.parent.column] = parent_id
    return filled


def create_record(book: Book, kind: Kind, parent_id: str | None, values: Mapping[str, Any]) -> str:
    """Add a record of ``kind`` under ``parent_id`` (its account); returns its id.

    Fields not given take what the records named bring (``Kind.copies``: a person's
    role on a deal, from their card), then the kind's defaults.
    """
    values = with_copies(book, kind, values)
    return records.create(book, _built(kind)[1], _new_values(kind, parent_id, values))


def check_record(
    book: Book,
    kind: Kind,
    parent_id: str | None,
    record_id: str | None,
    values: Mapping[str, Any],
) -> None:
    """Raise ValidationError for what creating (``record_id`` None) or editing would refuse.

    Writes nothing: a form re-words its messages with it (after a language switch).
    """
    if record_id is None:
        records.check(book, _built(kind)[1], None, _new_values(kind, parent_id, values))
    else:
        records.check(book, record_kind(kind), record_id, values)


def update_record(
    book: Book,
    kind: Kind,
    record_id: str,
    values: Mapping[str, Any],
    *,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Change fields of a record; returns the values they replaced (for undo).

    ``base``: what the edit form started from; see ``records.update`` (only changed
    fields are written, and ``EditConflictError`` if one was changed elsewhere too; the
    fields of a merge group, an amount and its currency, count as one).
    """
    return records.update(book, record_kind(kind), record_id, values, base=base)


def delete_record(book: Book, kind: Kind, record_id: str) -> None:
    """Delete a record (a tombstone: ``restore_record`` brings it back as it was)."""
    records.delete(book, record_kind(kind), record_id, check=refuse_frozen(kind))


def _needs(session: Session, record: Record) -> list[Record]:
    """The record ``record`` cannot be live without: the one it belongs to."""
    table = str(getattr(type(record), "__tablename__", ""))
    if table == "account":
        parent_id = getattr(record, "parent_id", None)
        column_kind = "account"
    else:
        declared = _declared(table)
        if declared is None or declared.parent is None:
            return []
        parent_id = getattr(record, declared.parent.column)
        column_kind = declared.parent.kind
    parent = session.get(_table(column_kind), parent_id) if parent_id else None
    return [parent] if parent is not None else []


def restore_record(book: Book, kind: Kind, record_id: str) -> list[str]:
    """Undo the deletion of a record; returns the names of others that came back.

    A deal of an account deleted since brings the account back (and a deleted group
    above it): a live record never sits under a deleted one.
    """
    return records.restore(
        book, record_kind(kind), record_id, needs=_needs, check=refuse_frozen(kind)
    )

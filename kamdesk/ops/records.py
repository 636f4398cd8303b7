"""The create / update / delete / restore steps every kind of record shares.

Each public function is one transaction. Values are cleaned and checked against the
record's declared fields first (``kamdesk.domain.fields``); a bad value raises
``ValidationError`` with a message per field and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import FieldSpec, field_map
from kamdesk.domain.rules import (
    check_narrowed_choices,
    check_values,
    clean_value,
    missing_message,
)
from kamdesk.errors import (
    EditConflictError,
    FieldConflict,
    NotFoundError,
    UnknownFieldError,
    ValidationError,
)
from kamdesk.i18n import _
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record

#: Extra checks that need the book: (session, record id or None, cleaned values) → errors.
RecordCheck = Callable[["Session", "str | None", dict[str, Any]], dict[str, str]]
#: Work on fields that are not plain columns (a stakeholder's coverage).
ExtraWrite = Callable[["Session", str, dict[str, Any]], dict[str, Any]]
#: Reads those fields as stored: (session, record id) → values.
ExtraRead = Callable[["Session", str], dict[str, Any]]
#: Work that follows a write in its transaction (a deal's stage history): (session, the
#: record as written, the values that changed as they were before).
AfterWrite = Callable[["Session", "Record", dict[str, Any]], None]


@dataclass(frozen=True)
class RecordKind:
    """How one kind of record is written."""

    model: Callable[[], type[Record]]
    fields: tuple[FieldSpec, ...]
    label: str
    check: RecordCheck | None = None
    #: Fields written by ``write_extra`` instead of as columns.
    extra_fields: frozenset[str] = frozenset()
    write_extra: ExtraWrite | None = None
    #: The stored values of the extra fields, for telling an edit made elsewhere.
    read_extra: ExtraRead | None = None
    #: Called in the same transaction after ``create`` (every field "before" is None) and
    #: after an ``update`` that changed something (the replaced values).
    after_write: AfterWrite | None = None
    #: Fields that only make sense together (an amount and its currency): an edit of one
    #: is refused if another was changed elsewhere meanwhile (see ``update``).
    merge_groups: tuple[tuple[str, ...], ...] = ()

    @property
    def specs(self) -> dict[str, FieldSpec]:
        """The field declarations by name."""
        return field_map(self.fields)


def _known_codes(book: Book) -> Callable[[str], set[str]]:
    vocabulary = BookReader(book.db).vocabulary()
    return lambda kind: {term.code for term in vocabulary.get(kind, [])}


def _cleaned(kind: RecordKind, values: Mapping[str, Any]) -> dict[str, Any]:
    specs = kind.specs
    unknown = set(values) - set(specs)
    if unknown:
        raise UnknownFieldError(
            _("Unknown field for this {record}: {names}. Nothing was saved.").format(
                record=_(kind.label), names=", ".join(sorted(unknown))
            )
        )
    return {name: clean_value(specs[name], value) for name, value in values.items()}


def _checked(book: Book, kind: RecordKind, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = _cleaned(kind, values)
    errors = check_values(kind.specs, cleaned, _known_codes(book))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _live(session: Session, kind: RecordKind, record_id: str) -> Record:
    record = session.get(kind.model(), record_id)
    if record is None or record.deleted_at is not None:
        raise NotFoundError(_("This {record} no longer exists.").format(record=_(kind.label)))
    return record


def _run_check(
    kind: RecordKind, session: Session, record_id: str | None, values: dict[str, Any]
) -> None:
    stored = session.get(kind.model(), record_id) if record_id is not None else None
    errors = check_narrowed_choices(
        kind.specs, values, stored.model_dump() if stored is not None else {}
    )
    if kind.check is not None:
        errors.update(kind.check(session, record_id, values))
    if errors:
        raise ValidationError(errors)


def check(book: Book, kind: RecordKind, record_id: str | None, values: Mapping[str, Any]) -> None:
    """Raise ValidationError for what ``create``/``update`` would refuse, writing nothing.

    Lets a form re-word its messages (after a language switch) without saving.
    """
    cleaned = _checked(book, kind, values)
    with book.read() as session:  # no write lock: a form checks as the user types
        _run_check(kind, session, record_id, cleaned)


def create(book: Book, kind: RecordKind, values: Mapping[str, Any]) -> str:
    """Add a record; returns its id."""
    missing = {
        spec.name: missing_message(spec)
        for spec in kind.fields
        if spec.required and spec.name not in values
    }
    if missing:
        raise ValidationError(missing)
    cleaned = _checked(book, kind, values)
    columns = {k: v for k, v in cleaned.items() if k not in kind.extra_fields}
    extras = {k: v for k, v in cleaned.items() if k in kind.extra_fields}
    with book.write() as session:
        _run_check(kind, session, None, cleaned)
        record = kind.model()(**columns)
        session.add(record)
        session.flush()
        if kind.write_extra is not None and extras:
            kind.write_extra(session, record.id, extras)
        if kind.after_write is not None:
            kind.after_write(
                session,
                record,
                {spec.name: None for spec in kind.fields if spec.name not in kind.extra_fields},
            )
        return record.id


def update(
    book: Book,
    kind: RecordKind,
    record_id: str,
    values: Mapping[str, Any],
    *,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Change fields of a record; returns the previous values of the fields that changed.

    Fields whose new value equals the stored one are left alone, so an edit that changes
    nothing writes nothing and logs nothing.

    ``base`` is what the user's form started from (the values it showed when it opened).
    With it, only the fields whose value differs from ``base`` are the user's changes, and
    only they are written: a field the user left alone keeps whatever is stored now, even
    if another window or program changed it meanwhile. If a field the user changed was
    changed there too (its stored value is now neither ``base`` nor the user's value),
    nothing at all is written and ``EditConflictError`` gives, per field, the value the
    form started from, the stored one and the user's. Fields of one merge group count
    together: changing the amount is refused too if the currency was changed elsewhere
    (and given in ``base``), as the conflict of the currency. To keep the user's value, call
    again with that field's ``base`` replaced by the stored value (``conflict.theirs``);
    to keep the stored one, call again without the field. A field absent from ``base``
    counts as changed by the user and is written unchecked. Without ``base`` every given
    field is written, as an undo does. Values are compared cleaned, as the book keeps
    them (text trimmed, coverage as a sorted tuple).
    """
    cleaned = _checked(book, kind, values)
    started: dict[str, Any] = {}
    if base is not None:
        started = _cleaned(kind, {name: base[name] for name in cleaned if name in base})
        cleaned = {
            name: value
            for name, value in cleaned.items()
            if name not in started or started[name] != value
        }
    with book.write() as session:
        record = _live(session, kind, record_id)
        if started:
            _refuse_conflicts(kind, session, record, cleaned, started)
        # Check only what changes: a reference kept as it was (an owner who has since
        # left the team) is not the user's doing, and must not block an unrelated edit.
        changing = {
            name: value
            for name, value in cleaned.items()
            if name in kind.extra_fields or getattr(record, name) != value
        }
        _run_check(kind, session, record_id, changing)
        before: dict[str, Any] = {}
        for name, value in cleaned.items():
            if name in kind.extra_fields:
                continue
            current = getattr(record, name)
            if current != value:
                before[name] = current
                setattr(record, name, value)
        extras = {k: v for k, v in cleaned.items() if k in kind.extra_fields}
        if kind.write_extra is not None and extras:
            before.update(kind.write_extra(session, record_id, extras))
        if kind.after_write is not None and before:
            kind.after_write(session, record, before)
        return before


def _refuse_conflicts(
    kind: RecordKind,
    session: Session,
    record: Record,
    mine: Mapping[str, Any],
    started: Mapping[str, Any],
) -> None:
    """Raise EditConflictError if a field in ``mine`` was changed since ``started``.

    A field the user left alone but that merges with one they changed (the currency of
    an amount) counts as theirs too: its value in the form is the one they meant.
    """
    specs = kind.specs
    partners = {
        name: started[name]
        for group in kind.merge_groups
        if any(member in mine for member in group)
        for name in group
        if name not in mine and name in started
    }
    mine = {**mine, **partners}
    stored: dict[str, Any] = {
        name: getattr(record, name) for name in mine if name not in kind.extra_fields
    }
    if kind.read_extra is not None and any(name in kind.extra_fields for name in mine):
        stored.update(kind.read_extra(session, record.id))
    conflicts: dict[str, FieldConflict] = {}
    for name, value in mine.items():
        if name not in started or name not in stored:
            continue
        theirs = clean_value(specs[name], stored[name])
        if theirs != started[name] and theirs != value:
            conflicts[name] = FieldConflict(base=started[name], theirs=theirs, mine=value)
    if conflicts:
        fields = ", ".join(_(specs[name].label) for name in conflicts)
        raise EditConflictError(
            _(
                "This {record} was changed elsewhere while you were editing it ({fields}). "
                "Nothing was saved: choose which values to keep."
            ).format(record=_(kind.label), fields=fields),
            conflicts,
        )


def delete(
    book: Book,
    kind: RecordKind,
    record_id: str,
    *,
    check: Callable[[Session, str], None] | None = None,
) -> None:
    """Move a record to the tombstones (undo brings it back with ``restore``)."""
    from kamdesk.models import utc_now

    with book.write() as session:
        record = _live(session, kind, record_id)
        if check is not None:
            check(session, record_id)
        record.deleted_at = utc_now()


#: The records one record cannot be live without (a branch's parent, a deputy's boss).
Needs = Callable[["Session", "Record"], "list[Record]"]


def restore(
    book: Book,
    kind: RecordKind,
    record_id: str,
    *,
    needs: Needs | None = None,
    check: Callable[[Session, str], None] | None = None,
) -> list[str]:
    """Bring a deleted record back, as it was; returns the names of others that came back.

    A record must not come back live under one that is still deleted (a branch under a
    deleted group, a deputy reporting to a deleted boss): each deleted record that
    ``needs`` names is restored with it, and what that one needs, up the chain. Records
    that are live already end the chain. All of it is one transaction. ``check`` may
    refuse first (raising), as for ``delete``.
    """
    with book.write() as session:
        record = session.get(kind.model(), record_id)
        if record is None:
            raise NotFoundError(_("This {record} no longer exists.").format(record=_(kind.label)))
        if check is not None:
            check(session, record_id)
        record.deleted_at = None
        brought_back: list[str] = []
        seen = {record_id}
        waiting = [record]
        while needs is not None and waiting:
            for needed in needs(session, waiting.pop()):
                if needed.id in seen or needed.deleted_at is None:
                    continue
                seen.add(needed.id)
                needed.deleted_at = None
                brought_back.append(str(getattr(needed, "name", needed.id)))
                waiting.append(needed)
        return brought_back

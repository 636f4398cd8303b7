"""What a record starts from in the records it names (``Kind.copies``).

A person added to a deal starts with the buying role, force, attitude and influence of
their card; the form then fills these in as the person is chosen, where the user has
not typed, and the user may change them for this deal alone. The card itself is never
written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kamdesk.domain.fields import FieldKind
from kamdesk.kinds import Kind
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader


def _record_values(reader: BookReader, field_kind: FieldKind, record_id: str) -> Mapping[str, Any]:
    """The stored values of the record a field of ``field_kind`` names ({} if gone)."""
    if field_kind is FieldKind.STAKEHOLDER:
        person = reader.stakeholder(record_id)
        return person.values if person is not None else {}
    if field_kind is FieldKind.ACCOUNT:
        return reader.account(record_id) or {}
    raise ValueError(f"no record to copy from for a {field_kind.name} field")


def copied_values(book: Book, kind: Kind, edited: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """What choosing ``values[edited]`` brings into a record of ``kind``.

    Empty for a field nothing is copied from, or when it was cleared: a form keeps what
    the previous choice brought rather than emptying the fields.
    """
    found: dict[str, Any] = {}
    for copy in kind.copies:
        chosen = values.get(edited)
        if copy.reference != edited or not chosen:
            continue
        source = _record_values(BookReader(book.db), kind.specs[edited].kind, str(chosen))
        if source:
            found.update({name: source.get(name) for name in copy.fields})
    return found


def with_copies(book: Book, kind: Kind, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` for a new record, with what the records they name bring for the rest.

    A person put on a deal with no role given takes the role on their card, as the form
    would have filled it in. A choice narrowed by a given one is not copied (a force of
    the card's role would not fit the role given).
    """
    specs = kind.specs
    found: dict[str, Any] = {}
    for copy in kind.copies:
        found.update(copied_values(book, kind, copy.reference, values))
    return {
        **{k: v for k, v in found.items() if specs[k].narrowed_by not in values},
        **values,
    }

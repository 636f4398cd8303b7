"""What declaring a kind of record says: its fields, where it hangs, how it is listed.

A kind of record (a deal, a visit, an objection…) is declared once, in its own module
under ``kamdesk.kinds``, and the generic parts read the declaration: the ops that create,
edit, delete and restore (``kamdesk.ops.kinds``), the reader (``BookReader.records_of``),
the change log (every ``Record`` table is synced), the forms and undo, the lists on the
account page (``kamdesk.ui.record_list``) and the PDF tables. A new kind then writes only
what is its own: its table (``kamdesk.models``), its migration, a rule or a screen.

This module imports no table: a declaration names its table through a function, so the
window's first paint does not wait for SQLModel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from kamdesk.domain.fields import FieldSpec, field_map
from kamdesk.domain.vocabulary import Term

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record

#: A rule on the values alone (the stored ones merged with the new): field → message.
ValueCheck = Callable[[Mapping[str, Any]], dict[str, str]]
#: A rule that needs the book: (session, record id or None, changed values) → messages.
BookCheck = Callable[["Session", "str | None", dict[str, Any]], dict[str, str]]
#: Called in the same transaction after a record was created or changed:
#: (session, the record, the values that changed, as they were before).
AfterWrite = Callable[["Session", "Record", dict[str, Any]], None]
#: Why a record may not be changed now (a sent version of a proposal), or None: asked
#: before an edit, a deletion or a restore of it, and before a record is added under it.
Frozen = Callable[["Session", "Record"], "str | None"]
#: Values a form fills in when the user edits one field (a stage gives its probability):
#: (the field just edited, every value in the form) → values to suggest.
Suggest = Callable[[str, Mapping[str, Any]], dict[str, Any]]


class ParentLink(NamedTuple):
    """The record a record belongs to: the parent kind and the column holding its id."""

    kind: str
    column: str


class MergeGroup(NamedTuple):
    """Fields that only make sense together (an amount and its currency): synced as one."""

    name: str
    fields: tuple[str, ...]


class LinkSet(NamedTuple):
    """A field holding several records of another kind (a visit's attendees).

    Kept as rows of a link table (``table``: ``own_column`` → this record,
    ``other_column`` → one of ``other_table``), as coverage is: removing one leaves a
    tombstone, adding it back revives the row. The ops write it, the reader reads it
    into the record's values as a sorted tuple of ids.
    """

    field: str
    table: str
    own_column: str
    other_column: str
    other_table: str
    model: Callable[[], type[Record]]


class ListColumn(NamedTuple):
    """A column of the kind's list: the field shown, and its share of the width."""

    field: str
    share: float = 0.15
    hidden: bool = False


class Tally(NamedTuple):
    """A column counting a record's records of another kind, done of all ("3/12").

    A deal's milestones ticked of its whole checklist: ``kind`` is the kind counted (its
    parent is this kind), ``flag`` its field that ticks one off. A list column names the
    tally by ``name`` as it would a field.
    """

    name: str
    label: str
    kind: str
    flag: str


class CopyFrom(NamedTuple):
    """Fields filled from the record another field names, where the user has not typed.

    A person's buying role on a deal starts as the one on their card.
    ``reference`` is a field naming a stakeholder (or an account); ``fields`` are read
    from that record's columns of the same names. A suggestion (``Kind.suggest``) sees
    the form's values only, so what needs the book is declared here instead.
    """

    reference: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    """One kind of record, declared once."""

    #: The table name, also the kind's name in the change log and in sync.
    name: str
    #: "deal", "visit": the word in messages ("This deal no longer exists").
    label: str
    #: "Deals": the title of its list.
    plural: str
    fields: tuple[FieldSpec, ...]
    #: The table, imported when first needed.
    model: Callable[[], type[Record]]
    parent: ParentLink | None = None
    #: The order of its list: columns, each with NULLs last; the id breaks ties.
    order_by: tuple[str, ...] = ("name",)
    list_columns: tuple[ListColumn, ...] = ()
    #: Fields whose text the account's search finds.
    search_text: tuple[str, ...] = ()
    merge_groups: tuple[MergeGroup, ...] = ()
    #: The vocabulary it brings (seeded by its migration, renameable like any other).
    vocabulary: tuple[Term, ...] = ()
    checks: tuple[ValueCheck, ...] = ()
    book_check: BookCheck | None = None
    after_write: AfterWrite | None = None
    suggest: Suggest | None = None
    copies: tuple[CopyFrom, ...] = ()
    #: What a new record's form starts with (a new deal starts at the first stage).
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: The field that names a record in messages and undo texts.
    title_field: str = "name"
    #: The kind whose page lists these records (a tab per kind), and the tab's place.
    shown_on: str | None = None
    position: int = 100
    #: Columns of its list counted from the records under it (a deal's milestones).
    tallies: tuple[Tally, ...] = ()
    #: Fields a new record's form starts with from the record it is under, of the same
    #: name (a milestone starts at its deal's current stage).
    from_parent: tuple[str, ...] = ()
    #: Fields kept in link tables rather than as columns (see ``LinkSet``).
    links: tuple[LinkSet, ...] = ()
    #: Refuses every change to a record it names, and records added under it (see
    #: ``Frozen``): a sent proposal's version and its options, lines, benefits…
    frozen: Frozen | None = None

    @property
    def specs(self) -> dict[str, FieldSpec]:
        """The field declarations by name."""
        return field_map(self.fields)

    @property
    def column_fields(self) -> tuple[FieldSpec, ...]:
        """The fields that are columns of its table (all but its links)."""
        linked = {link.field for link in self.links}
        return tuple(spec for spec in self.fields if spec.name not in linked)

"""The records of one declared kind under one parent (an account's deals) as a table model.

Its columns are the kind's ``list_columns``, each cell the field's value as the page shows
it (``kamdesk.ui.values.value_text``): a label for a code, a name for an id, money with
its currency, a medium date, "60%". The rows are read once per change and kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.kinds import Kind
from kamdesk.store.reader import RecordRow
from kamdesk.store.tallies import tallies
from kamdesk.ui.context import AppContext
from kamdesk.ui.models.base import TitledTableModel
from kamdesk.ui.values import value_text

ID_ROLE = Qt.ItemDataRole.UserRole + 1

#: Figures line up on the right, as in a spreadsheet.
_RIGHT_ALIGNED = frozenset({FieldKind.MONEY, FieldKind.PERCENT})
#: Columns whose text may be cut off at the column's edge: the tooltip shows it whole.
_LONG_TEXT = frozenset({FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.CHOICE})


class RecordTableModel(TitledTableModel):
    """The live records of ``kind`` under the parent shown (``show_parent``)."""

    def __init__(self, context: AppContext, kind: Kind) -> None:
        # A tally (a deal's milestones ticked, "3/12") is listed as a field would be.
        specs = {
            **{t.name: FieldSpec(t.name, t.label, FieldKind.TEXT) for t in kind.tallies},
            **kind.specs,
        }
        self.kind = kind
        self.columns: tuple[FieldSpec, ...] = tuple(specs[c.field] for c in kind.list_columns)
        super().__init__([spec.label for spec in self.columns])
        self._context = context
        self._parent_id: str | None = None
        self._account_id = ""
        self._rows: list[RecordRow] = []
        context.signals.records_did_change.connect(self._on_records_changed)
        context.signals.team_did_change.connect(self.reload)  # owners' names

    def show_parent(self, parent_id: str | None, account_id: str | None = None) -> None:
        """Show the records under ``parent_id`` (none for None).

        ``account_id``: the account the parent belongs to, when the parent is not an
        account itself (a deal's milestones); changes are announced by account.
        """
        self._parent_id = parent_id
        self._account_id = account_id or parent_id or ""
        self.reload()

    def parent_id(self) -> str | None:
        """The record whose records are shown."""
        return self._parent_id

    def reload(self) -> None:
        """Read the records again."""
        self.beginResetModel()
        reader = self._context.reader
        if self.kind.parent is None:  # a list of its own (the question bank): every record
            self._rows = reader.all_of(self.kind)
        else:
            self._rows = reader.records_of(self.kind, self._parent_id) if self._parent_id else []
        if self.kind.tallies and self._rows:
            counted = tallies(reader.db, self.kind, [row.id for row in self._rows])
            for row in self._rows:
                row.values.update(counted.get(row.id, {}))
        self.endResetModel()

    def _on_records_changed(self, kind_name: str, account_id: str) -> None:
        # A milestone ticked on a deal changes the deal list's progress too.
        counted = kind_name in {t.kind for t in self.kind.tallies}
        mine = kind_name == self.kind.name or counted
        # A kind with no parent (the question bank) lists every record: any change counts.
        here = self.kind.parent is None or (account_id == self._account_id and self._parent_id)
        if mine and here:
            self.reload()

    def rows(self) -> list[RecordRow]:
        """The records shown, in the kind's order."""
        return self._rows

    def row_count(self) -> int:
        """How many records are shown."""
        return len(self._rows)

    def record_id(self, row: int) -> str | None:
        """The id shown on ``row``."""
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: str) -> int | None:
        """The row showing ``record_id``."""
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), None)

    def cell_text(self, row: int, column: int) -> str:
        """What the cell shows."""
        record = self._rows[row]
        spec = self.columns[column]
        return value_text(self._context, spec, record.values.get(spec.name), record.values)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Override QAbstractTableModel.data."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(index.row(), index.column())
        if role == ID_ROLE:
            return self._rows[index.row()].id
        spec = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and spec.kind in _RIGHT_ALIGNED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and spec.kind in _LONG_TEXT:
            return self.cell_text(index.row(), index.column()) or None
        return None

"""The builder's tables: a proposal's pains, an option's lines and benefits, the plan's phases.

Each table lists the records of one child kind under one parent and edits them in place:
a cell is typed into as in a spreadsheet, the figures follow each keystroke (the builder's
``preview``), and the value is written through the ops when the cell is left (``commit``),
as one undoable step. A value the kind refuses is said under the table and nothing is
written. Add and Delete (buttons, Ctrl+N and the Delete key while the table has the focus)
add and remove rows, each undone on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.i18n import _
from kamdesk.kinds import Kind
from kamdesk.store.reader import RecordRow
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.formatting import money_text
from kamdesk.ui.proposal_cells import (
    choices,
    display_text,
    edit_text,
    is_choice,
    number_from_stored,
)

Index = QModelIndex | QPersistentModelIndex
_ERROR_STYLE = "color: #C62828;"
#: A computed column of an option's lines: what the line costs (once or a year).
AMOUNT = "amount"


class CellEditing(Protocol):
    """What a table asks of the builder that holds it."""

    def preview(self, kind: Kind, record_id: str, spec: FieldSpec, text: str) -> str | None:
        """The rep is typing ``text``: show the figures with it; returns a refusal, if any."""
        ...

    def commit(self, kind: Kind, record_id: str, spec: FieldSpec, text: str) -> str | None:
        """Write what was typed; returns the message of a refusal (nothing written)."""
        ...

    def currency(self) -> str:
        """The proposal's currency."""
        ...

    def cancel_preview(self) -> None:
        """The typing was dropped (Esc): show the figures of what the book has."""
        ...


class RowsModel(QAbstractTableModel):
    """The records of one kind under one parent, as rows; columns are the kind's fields."""

    def __init__(
        self,
        context: AppContext,
        kind: Kind,
        columns: Sequence[str],
        editing: CellEditing,
        parent: QObject | None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.kind = kind
        self._editing = editing
        self._columns = list(columns)
        self._rows: list[RecordRow] = []
        self.read_only = False

    def set_rows(self, rows: Sequence[RecordRow]) -> None:
        """Show these records (read again after every write).

        The same records with new values are updated in place, not reset: the cell the
        rep moved to (Tab after an edit) keeps its open editor.
        """
        if [r.id for r in rows] == [r.id for r in self._rows] and self._rows:
            self._rows = list(rows)
            last = self.index(len(self._rows) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[RecordRow]:
        """The records shown, top to bottom."""
        return list(self._rows)

    def record_id(self, row: int) -> str | None:
        """The id of the record in ``row``."""
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: str) -> int | None:
        """The row of a record, if it is shown."""
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), None)

    def spec(self, column: int) -> FieldSpec | None:
        """The field a column edits (None for a computed column)."""
        return self.kind.specs.get(self._columns[column])

    def column_of(self, name: str) -> int:
        """The column showing field ``name``."""
        return self._columns.index(name)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        """Override QAbstractTableModel.rowCount."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        """Override QAbstractTableModel.columnCount."""
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Override QAbstractTableModel.data."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        spec = self.spec(index.column())
        currency = self._editing.currency()
        if role == Qt.ItemDataRole.DisplayRole:
            if spec is None:
                return self._computed(row)
            return display_text(self._context, spec, row.values.get(spec.name), currency)
        if role == Qt.ItemDataRole.EditRole:
            if spec is None:
                return None
            if is_choice(spec):
                return row.values.get(spec.name)
            return edit_text(spec, row.values.get(spec.name), currency)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = spec is None or spec.kind in (FieldKind.MONEY, FieldKind.NUMBER)
            if numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and spec is not None:
            text = display_text(self._context, spec, row.values.get(spec.name), currency)
            return text if len(text) > 24 else None
        return None

    def _computed(self, row: RecordRow) -> str:
        """A line's amount: quantity × price, less the discount."""
        values = self.kind.specs
        quantity = number_from_stored(values["quantity"], row.values.get("quantity"))
        price = row.values.get("unit_price_minor")
        discount = number_from_stored(values["discount"], row.values.get("discount"))
        if quantity is None or price is None:
            return ""
        share = (Decimal(100) - (discount or Decimal(0))) / Decimal(100)
        amount = int((quantity * int(price) * share).to_integral_value())
        return money_text(amount, self._editing.currency())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Override QAbstractTableModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        spec = self.spec(section)
        return _("Amount") if spec is None else _(spec.label)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Override QAbstractTableModel.flags: every field cell is typed into, unless sent."""
        base = super().flags(index)
        if self.read_only or self.spec(index.column()) is None:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Override QAbstractTableModel.setData: write the typed value through the ops."""
        spec = self.spec(index.column())
        record_id = self.record_id(index.row())
        if role != Qt.ItemDataRole.EditRole or spec is None or record_id is None:
            return False
        refused = self._editing.commit(self.kind, record_id, spec, str(value or ""))
        return refused is None


class _CellDelegate(QStyledItemDelegate):
    """Editors that tell the builder each keystroke, so the figures follow the typing."""

    def __init__(self, panel: RowsPanel) -> None:
        super().__init__(panel)
        self._panel = panel

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        """Override QStyledItemDelegate.createEditor."""
        spec = self._panel.model.spec(index.column())
        record_id = self._panel.model.record_id(index.row())
        assert spec is not None and record_id is not None
        if is_choice(spec):
            combo = QComboBox(parent)
            combo.setObjectName(f"cell_{spec.name}")
            for code, label in choices(self._panel.context, spec):
                combo.addItem(label, code)
            combo.activated.connect(lambda _i, c=combo: self._choose(c))
            return combo
        editor = QLineEdit(parent)
        editor.setObjectName(f"cell_{spec.name}")
        editor.textEdited.connect(lambda text, s=spec, r=record_id: self._panel.preview(r, s, text))
        return editor

    def _choose(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        """Override QStyledItemDelegate.setEditorData."""
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        """Override QStyledItemDelegate.setModelData."""
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())


class RowsPanel(QWidget):
    """A table of one kind's records under one parent, with Add and Delete, edited in place."""

    #: Add was asked for: the builder creates the record and reloads.
    add_requested = Signal()
    #: Delete was asked for the record with this id.
    delete_requested = Signal(str)

    def __init__(
        self,
        context: AppContext,
        kind: Kind,
        columns: Sequence[str],
        editing: CellEditing,
        parent: QWidget | None = None,
        *,
        stretch: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{kind.name}_panel")
        self.context = context
        self.kind = kind
        self._editing = editing
        self._empty_message = ""
        self.model = RowsModel(context, kind, columns, editing, self)
        self.table = QTableView()
        self.table.setObjectName(f"{kind.name}_table")
        self.table.setModel(self.model)
        delegate = _CellDelegate(self)
        delegate.closeEditor.connect(self._editor_closed)
        self.table.setItemDelegate(delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(not stretch)
        if stretch:
            header.setSectionResizeMode(
                self.model.column_of(stretch), QHeaderView.ResizeMode.Stretch
            )
        self.empty = EmptyState(self.table)
        self.model.modelReset.connect(self._after_reset)

        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        self.add_button = QPushButton()
        self.add_button.setObjectName(f"add_{kind.name}")
        self.add_button.clicked.connect(self.add_requested)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName(f"delete_{kind.name}")
        self.delete_button.clicked.connect(self.delete_current)
        self.error = QLabel()
        self.error.setObjectName(f"{kind.name}_error")
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        for key, slot in (("Ctrl+N", self.add_requested.emit), ("Delete", self.delete_current)):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.retranslate()

    # What is shown ----------------------------------------------------------

    def set_rows(self, rows: Sequence[RecordRow], *, read_only: bool) -> None:
        """Show these records; a sent version's rows cannot be typed into or removed."""
        keep = self.table.currentIndex()
        self.model.read_only = read_only
        self.model.set_rows(rows)
        self.add_button.setVisible(not read_only)
        self.delete_button.setVisible(not read_only)
        if keep.isValid() and keep.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(keep.row(), keep.column()))

    def set_empty_message(self, message: str) -> None:
        """What the table says while it has no rows."""
        self._empty_message = message
        self.empty.update_for(self.model.rowCount(), message)

    def _after_reset(self) -> None:
        self.empty.update_for(self.model.rowCount(), self._empty_message)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(max(header.sectionSize(column), 70), 260))

    def show_error(self, message: str | None) -> None:
        """Say under the table why a value was refused (None: clear it)."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def current_record_id(self) -> str | None:
        """The record under the cursor."""
        index = self.table.currentIndex()
        return self.model.record_id(index.row()) if index.isValid() else None

    def select_record(self, record_id: str, field_name: str | None = None) -> None:
        """Put the cursor on a record (on its ``field_name`` cell if given)."""
        row = self.model.row_of(record_id)
        if row is not None:
            column = self.model.column_of(field_name) if field_name else 0
            self.table.setCurrentIndex(self.model.index(row, column))

    # Editing -----------------------------------------------------------------

    def preview(self, record_id: str, spec: FieldSpec, text: str) -> None:
        """A keystroke in a cell: the figures follow, a refusal shows at once."""
        self.show_error(self._editing.preview(self.kind, record_id, spec, text))

    def _editor_closed(self, _editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if hint == QAbstractItemDelegate.EndEditHint.RevertModelCache:  # Esc
            self.show_error(None)
            self._editing.cancel_preview()

    def delete_current(self) -> None:
        """Delete the row under the cursor (undo brings it back)."""
        record_id = self.current_record_id()
        if record_id is not None and not self.model.read_only:
            self.delete_requested.emit(record_id)

    # Language ----------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.title.setText(_(self.kind.plural))
        self.add_button.setText(_("Add"))
        self.delete_button.setText(_("Delete"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount())
        self.empty.update_for(self.model.rowCount(), self._empty_message)

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

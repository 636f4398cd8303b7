"""The list of one declared kind's records on its parent's page (an account's deals).

One panel serves every kind: a table of the kind's list columns, Add / Edit / Delete
buttons, the same three on a right click, a double click to edit, and a line saying what
to do while the list is empty. The window's F2 and Delete reach it through
``edit_current`` and ``delete_current`` when it has the focus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import _
from kamdesk.kinds import Kind
from kamdesk.ui import editing
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.models.record_table import RecordTableModel

#: Widest a column other than the first grows to fit its texts (a tooltip has the rest).
_WIDEST_COLUMN = 220
#: Room either side of a cell's text, so neighbouring columns do not run together.
_CELL_PADDING = 10


class _RecordTable(QTableView):
    """The table, which shares its width among the columns as the kind declares."""

    def __init__(self, panel: RecordListPanel) -> None:
        super().__init__()
        self._panel = panel

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Override QWidget.resizeEvent: keep each column's share of the new width."""
        super().resizeEvent(event)
        self._panel.fit_columns()


class RecordListPanel(QWidget):
    """The records of one kind under one parent, and the actions on them."""

    def __init__(self, context: AppContext, kind: Kind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{kind.name}_list")
        self._context = context
        self.kind = kind
        self._keys = {"new": "", "edit": "", "delete": ""}
        self._keep_selected: str | None = None
        #: A kind's own actions on the chosen record (a visit's calendar export): the
        #: button, its text (asked again on a language switch) and what it does.
        self._record_actions: list[
            tuple[QPushButton, Callable[[], str], Callable[[str], object]]
        ] = []

        self.model = RecordTableModel(context, kind)
        self.table = _RecordTable(self)
        self.table.setObjectName(f"{kind.name}_table")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setModel(self.model.header_model())
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._choose_columns)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_menu)
        self.table.doubleClicked.connect(self._on_double_click)
        for column, listed in enumerate(kind.list_columns):
            self.table.setColumnHidden(column, listed.hidden)
        self.empty = EmptyState(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._after_reset)

        self.add_button = QPushButton()
        self.add_button.setObjectName(f"add_{kind.name}")
        self.add_button.clicked.connect(self.new_record)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName(f"edit_{kind.name}")
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName(f"delete_{kind.name}")
        self.delete_button.clicked.connect(self.delete_current)
        bar = QHBoxLayout()
        self._own_actions_bar = QHBoxLayout()
        bar.addLayout(self._own_actions_bar)
        bar.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.retranslate()

    # What is shown ----------------------------------------------------------

    def show_parent(self, parent_id: str | None) -> None:
        """List the records under ``parent_id`` (none for None)."""
        moved = parent_id != self.model.parent_id()
        account_id = editing.account_of(self._context, self.kind, parent_id)
        self.model.show_parent(parent_id, account_id)
        if moved:
            self.table.scrollToTop()

    def set_keys(self, *, new: str = "", edit: str = "", delete: str = "") -> None:
        """The window's keys for the three actions, named by the empty list and the menu."""
        self._keys = {"new": new, "edit": edit, "delete": delete}
        self._update_empty_state()

    def current_record_id(self) -> str | None:
        """The record under the cursor."""
        index = self.table.currentIndex()
        return self.model.record_id(index.row()) if index.isValid() else None

    def select_record(self, record_id: str) -> None:
        """Put the cursor on ``record_id`` (if it is listed)."""
        row = self.model.row_of(record_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def has_focus(self) -> bool:
        """True while the keyboard focus is in the table (F2 and Delete act here then)."""
        focus = QApplication.focusWidget()
        return focus is not None and (focus is self.table or self.table.isAncestorOf(focus))

    def _remember_selection(self) -> None:
        self._keep_selected = self.current_record_id()

    def _after_reset(self) -> None:
        if self._keep_selected:  # an edit keeps the cursor on the record edited
            self.select_record(self._keep_selected)
        self._keep_selected = None
        self._update_empty_state()
        self.fit_columns()

    def _update_empty_state(self) -> None:
        records = _(self.kind.plural).lower()
        key = self._keys["new"]
        message = (
            _("No {records} yet.\nAdd one: {key}.").format(records=records, key=key)
            if key
            else _("No {records} yet.").format(records=records)
        )
        self.empty.update_for(self.model.row_count(), message)
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        """Edit and Delete act on the record under the cursor: without one they wait."""
        chosen = self.current_record_id() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        for button, _text, _slot in self._record_actions:
            button.setEnabled(chosen)

    def add_record_action(
        self, name: str, text: Callable[[], str], act: Callable[[str], object]
    ) -> QPushButton:
        """Add an action of the kind's own on the chosen record: a button and a menu entry.

        ``text`` gives its label in the current language; ``act`` gets the record's id.
        """
        button = QPushButton(text())
        button.setObjectName(name)
        button.clicked.connect(self._run_record_action(act))
        self._own_actions_bar.addWidget(button)
        self._record_actions.append((button, text, act))
        self._update_buttons()
        return button

    def _run_record_action(self, act: Callable[[str], object]) -> Callable[[], None]:
        def run() -> None:
            record_id = self.current_record_id()
            if record_id is not None:
                act(record_id)

        return run

    def fit_columns(self) -> None:
        """Size each column to what it shows; the first (the record's name) takes the rest.

        So amounts, dates and owners read whole, side by side, at the default window
        size. When even that does not fit, each column gets its declared share of the
        width (at least its title's), and long texts are cut off with a tooltip.
        """
        table, header = self.table, self.table.horizontalHeader()
        shown = [
            (column, listed.share)
            for column, listed in enumerate(self.kind.list_columns)
            if not table.isColumnHidden(column)
        ]
        if not shown:
            return
        width = table.viewport().width()
        wanted = {
            column: min(
                max(
                    table.sizeHintForColumn(column) + _CELL_PADDING, header.sectionSizeHint(column)
                ),
                _WIDEST_COLUMN,
            )
            for column, _share in shown
        }
        first = shown[0][0]
        room = width - sum(w for c, w in wanted.items() if c != first)
        if room >= min(wanted[first], width // 4):  # the names fit, or a quarter does
            wanted[first] = room
        else:
            total = sum(share for _column, share in shown) or 1.0
            wanted = {
                column: max(int(width * share / total), header.sectionSizeHint(column))
                for column, share in shown
            }
        for column, column_width in wanted.items():
            table.setColumnWidth(column, column_width)

    def _choose_columns(self, position: QPoint) -> None:
        """Right-click on the header: show or hide columns (the first always stays)."""
        menu = QMenu(self)
        for column, spec in enumerate(self.model.columns[1:], start=1):
            action = menu.addAction(_(spec.label))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda shown, c=column: self._show_column(c, shown))
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))

    def _show_column(self, column: int, shown: bool) -> None:
        self.table.setColumnHidden(column, not shown)
        self.fit_columns()

    # Actions -----------------------------------------------------------------

    def new_record(self) -> str | None:
        """Ask for a new record under the parent shown; it is selected once added."""
        parent_id = self.model.parent_id()
        if not parent_id and self.kind.parent is not None:
            return None
        record_id = editing.new_record(self._context, self.window(), self.kind, parent_id)
        if record_id:
            self.select_record(record_id)
            self.table.setFocus()
        return record_id

    def edit_current(self) -> bool:
        """Edit the record under the cursor (nothing without one)."""
        record_id = self.current_record_id()
        if not record_id:
            return False
        return editing.edit_record(self._context, self.window(), self.kind, record_id)

    def delete_current(self) -> bool:
        """Delete the record under the cursor (undo brings it back)."""
        record_id = self.current_record_id()
        if not record_id:
            return False
        return editing.delete_record(self._context, self.window(), self.kind, record_id)

    def _on_double_click(self, index: QModelIndex) -> None:
        if self.model.record_id(index.row()):
            self.edit_current()

    def _show_menu(self, position: QPoint) -> None:
        """Right-click: the actions on the record clicked, with the keys that do them."""
        index = self.table.indexAt(position)
        if index.isValid():
            self.table.selectRow(index.row())
        on_record = index.isValid()
        menu = QMenu(self)
        menu.setObjectName(f"{self.kind.name}_menu")
        for text, key, slot, enabled in (
            (_("Edit…"), self._keys["edit"], self.edit_current, on_record),
            (_("Add…"), self._keys["new"], self.new_record, True),
            (_("Delete"), self._keys["delete"], self.delete_current, on_record),
        ):
            # The key is shown, not bound: the window's own action answers it.
            action = menu.addAction(f"{text}\t{key}" if key else text)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
        if self._record_actions:
            menu.addSeparator()
        for _button, label, act in self._record_actions:
            action = menu.addAction(label())
            action.setEnabled(on_record)
            action.triggered.connect(self._run_record_action(act))
        menu.exec(self.table.viewport().mapToGlobal(position))

    # Language ----------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.add_button.setText(_("Add…"))
        self.edit_button.setText(_("Edit…"))
        self.delete_button.setText(_("Delete"))
        for button, text, _act in self._record_actions:
            button.setText(text())
        self.model.retranslate()
        self._update_empty_state()
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

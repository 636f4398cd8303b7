"""Refused changes: this book's changes the team's sync server did not take.

A rep who edited an account offline while it was handed to another team sees each such
change here (the account, the record, the field, the value typed and when), with the
server's reason: the value is still in the book, but the team never received it. Copy
puts them on the clipboard to send to the account's new owner; Dismiss drops the notice
once that is done (``kamdesk.ops.refusals``).

Keyboard: Ctrl+C copies every change (or the rows selected, when several are), Delete
dismisses the selected ones (or the current one), Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import N_, _
from kamdesk.ops.refusals import RefusedChange, dismiss_refused, refused_changes
from kamdesk.ui.conflicts_view import shown_value
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.formatting import date_time_text

_COLUMNS = (N_("Account"), N_("Record"), N_("Field"), N_("Your value"), N_("Changed at"))
#: The role of an item holding its RefusedChange.
CHANGE_ROLE = Qt.ItemDataRole.UserRole + 1


class RefusedWindow(QDialog):
    """Every refused change (or those of one account), to copy and then dismiss."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, account_id: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("refused_window")
        self._context = context
        self._account_id = account_id
        self._changes: list[RefusedChange] = []
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("refused_tree")
        self.tree.setColumnCount(len(_COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSortingEnabled(False)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(len(_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tree.installEventFilter(self)
        self.tree.currentItemChanged.connect(lambda *_args: self._show_reason())
        self.empty = EmptyState(self.tree)
        self.reason = QLabel()
        self.reason.setObjectName("refused_reason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton()
        self.copy_button.setObjectName("copy_refused")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        self.dismiss_button = QPushButton()
        self.dismiss_button.setObjectName("dismiss_refused")
        self.dismiss_button.setAutoDefault(False)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.close_button = QPushButton()
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.copy_button)
        bottom.addWidget(self.dismiss_button)
        bottom.addStretch()
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.reason)
        layout.addLayout(bottom)
        self.resize(860, 440)
        context.signals.refusals_did_change.connect(self.reload)
        self.reload()
        self.tree.setFocus()

    # What is shown -------------------------------------------------------------

    def changes(self) -> list[RefusedChange]:
        """The refused changes listed now."""
        return list(self._changes)

    def reload(self) -> None:
        """Read the refused changes again and list them, keeping the cursor near where it was."""
        current = self.tree.currentItem()
        row = max(self.tree.indexOfTopLevelItem(current), 0) if current is not None else 0
        self._changes = refused_changes(self._context.book, self._account_id)
        self.tree.clear()
        for change in self._changes:
            item = QTreeWidgetItem(self.tree)
            item.setData(0, CHANGE_ROLE, change)
            self._word_item(item, change)
        near = self.tree.topLevelItem(min(row, len(self._changes) - 1)) if self._changes else None
        if near is not None:
            self.tree.setCurrentItem(near)
        self.retranslate()

    def _word_item(self, item: QTreeWidgetItem, change: RefusedChange) -> None:
        shown = self._value_text(change)
        item.setText(0, change.account or "")
        item.setText(1, self._record_text(change))
        item.setText(2, change.label)
        item.setText(3, " ⏎ ".join(line for line in shown.splitlines() if line.strip()) or shown)
        item.setToolTip(3, shown)
        item.setText(4, date_time_text(change.written_at))

    @staticmethod
    def _record_text(change: RefusedChange) -> str:
        """The record's kind and name; its kind alone for the account itself."""
        kind = change.record_kind.capitalize()
        return kind if change.row_id == change.account_id else f"{kind} · {change.record}"

    def _value_text(self, change: RefusedChange) -> str:
        if change.column == "deleted_at":
            return ""  # the field's name says it: "Deleted" or "Restored"
        return shown_value(self._context, change, change.value)

    def _show_reason(self) -> None:
        change = self._current()
        self.reason.setText(change.reason if change is not None else "")

    def _current(self) -> RefusedChange | None:
        item = self.tree.currentItem()
        found = item.data(0, CHANGE_ROLE) if item is not None else None
        return found if isinstance(found, RefusedChange) else None

    def selected(self) -> list[RefusedChange]:
        """The changes selected, top to bottom (the current one if none is)."""
        found = [item.data(0, CHANGE_ROLE) for item in self.tree.selectedItems()]
        chosen = {change.seq for change in found if isinstance(change, RefusedChange)}
        if not chosen:
            current = self._current()
            return [current] if current is not None else []
        return [change for change in self._changes if change.seq in chosen]

    # What the user does ---------------------------------------------------------

    def as_text(self, changes: list[RefusedChange]) -> str:
        """The changes as lines to paste in a message: account, record, field, value, when."""
        lines = [
            "\t".join(
                (
                    change.account or "",
                    self._record_text(change),
                    change.label,
                    self._value_text(change),
                    date_time_text(change.written_at),
                )
            )
            for change in changes
        ]
        return "\n".join(lines)

    def copy(self) -> None:
        """Copy the selected changes to the clipboard; all of them unless several are.

        The list always has a current row, selected with it: one selected row is where
        the cursor is, not a choice, and the new owner needs every change.
        """
        picked = [item for item in self.tree.selectedItems() if item.data(0, CHANGE_ROLE)]
        changes = self.selected() if len(picked) > 1 else self._changes
        if changes:
            QGuiApplication.clipboard().setText(self.as_text(changes))

    def dismiss_selected(self) -> None:
        """Drop the notices of the selected changes (the values stay in the book)."""
        changes = self.selected()
        if not changes:
            return
        dismiss_refused(self._context.book, (change.seq for change in changes))
        self._context.signals.refusals_did_change.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Override QObject.eventFilter: Ctrl+C copies and Delete dismisses in the list."""
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return True
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.dismiss_selected()
                return True
        return super().eventFilter(watched, event)

    # Words ----------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Refused changes"))
        self.tree.setHeaderLabels([_(title) for title in _COLUMNS])
        self.intro.setText(
            _(
                "The team's sync server refused these changes, so your team never received "
                "them. They are still in this book. Copy them for the account's new owner, "
                "then dismiss them."
            )
        )
        self.empty.update_for(
            len(self._changes),
            _("No refused changes.\nThe sync server took every change this book sent."),
        )
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            change = item.data(0, CHANGE_ROLE) if item is not None else None
            if item is not None and isinstance(change, RefusedChange):
                self._word_item(item, change)
        self.copy_button.setText(_("Copy"))
        self.copy_button.setToolTip(QKeySequence(QKeySequence.StandardKey.Copy).toString())
        self.dismiss_button.setText(_("Dismiss"))
        self.dismiss_button.setToolTip(_("Delete: the notice goes, the value stays in the book"))
        self.dismiss_button.setEnabled(bool(self._changes))
        self.copy_button.setEnabled(bool(self._changes))
        self.close_button.setText(_("Close"))
        self._show_reason()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

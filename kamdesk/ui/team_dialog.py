"""Our team: the account, solution and delivery managers and sponsors who cover people."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.i18n import N_, _
from kamdesk.ui import editing
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.models.base import TitledTableModel
from kamdesk.ui.shortcuts import key_sequences

_TITLES = (N_("Name"), N_("Role"), N_("Title"), N_("Level"), N_("Email"), N_("Phone"))


class TeamTableModel(TitledTableModel):
    """The live team members, by name."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(_TITLES)
        self._context = context
        context.signals.team_did_change.connect(self.reload)

    def row_count(self) -> int:
        """How many members the team has."""
        return len(self._context.team())

    def reload(self) -> None:
        """Read the team again."""
        self.beginResetModel()
        self.endResetModel()

    def member_id(self, row: int) -> str | None:
        """The id shown on ``row``."""
        team = self._context.team()
        return team[row].id if 0 <= row < len(team) else None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Override QAbstractTableModel.data."""
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        member = self._context.team()[index.row()]
        label = self._context.label
        return (
            member.name,
            label(VocabularyKind.TEAM_ROLE, member.role),
            member.title,
            label(VocabularyKind.LEVEL, member.level),
            member.email,
            member.phone,
        )[index.column()]


class TeamDialog(QDialog):
    """List, add, edit and remove team members."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.model = TeamTableModel(context)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setModel(self.model.header_model())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        for column, width in enumerate((120, 130, 190, 120, 210)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.edit_member)
        self.empty = EmptyState(self.table)
        self.model.modelReset.connect(self._update_empty)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_member)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_member)
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete_member)
        QShortcut(QKeySequence.StandardKey.New, self, self.add_member)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.edit_member)
        # Undo and redo work here too: the hint after a deletion says Ctrl+Z brings it back.
        stack = context.undo_stack
        undo, redo = stack.createUndoAction(self), stack.createRedoAction(self)
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo.setShortcuts(key_sequences(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z"))
        self.addActions([undo, redo])
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.delete_member)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(close)
        self.resize(880, 460)
        self.retranslate()

    def _current(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.member_id(index.row()) if index.isValid() else None

    def add_member(self) -> None:
        """Add a team member."""
        editing.new_team_member(self._context, self)

    def edit_member(self) -> None:
        """Edit the selected team member."""
        member_id = self._current()
        if member_id:
            editing.edit_team_member(self._context, self, member_id)

    def delete_member(self) -> None:
        """Remove the selected team member (Ctrl+Z brings them back)."""
        member_id = self._current()
        if member_id:
            editing.delete_team_member(self._context, self, member_id)

    def _update_empty(self) -> None:
        self.empty.update_for(
            self.model.rowCount(),
            _("No team members yet.\nAdd the people on our side who cover the accounts (Ctrl+N)."),
        )

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Our team"))
        self.add_button.setText(_("Add…"))
        self.edit_button.setText(_("Edit…"))
        self.delete_button.setText(_("Delete"))
        self.model.reload()
        self._update_empty()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

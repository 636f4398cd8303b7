"""An account's open follow-ups, overdue ones first and marked, on the account page.

Follow-ups are kept on their visits (a visit's Follow-ups tab adds and edits them); the
account page lists the ones of all its visits that are not done yet, so a rep sees what
is owed without opening each visit. Double click (or Enter) edits one.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.visits import is_overdue
from kamdesk.i18n import _
from kamdesk.kinds import kind
from kamdesk.store.visits import FollowUpLine, open_follow_ups
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.formatting import date_text

#: The red of refused fields: an overdue follow-up reads as something to fix.
OVERDUE_COLOR = "#C62828"
_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class _Tree(QTreeWidget):
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Override QWidget.keyPressEvent: Enter edits the follow-up, as a double click."""
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.itemActivated.emit(item, 0)
            return
        super().keyPressEvent(event)


class FollowUpsPanel(QWidget):
    """The open follow-ups of the account shown."""

    #: The follow-ups were read again (the page retitles its tab).
    reloaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("follow_ups")
        self._context = context
        self._account_id = ""
        self.lines: list[FollowUpLine] = []
        self.tree = _Tree()
        self.tree.setObjectName("follow_up_tree")
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(4)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemActivated.connect(self._edit)
        self.tree.itemDoubleClicked.connect(self._edit)
        self.empty = EmptyState(self.tree)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        context.signals.records_did_change.connect(self._on_records_changed)
        context.signals.team_did_change.connect(self.reload)
        self.retranslate()

    def show_account(self, account_id: str | None) -> None:
        """List the open follow-ups of ``account_id`` (none for None)."""
        self._account_id = account_id or ""
        self.reload()

    def overdue_count(self) -> int:
        """How many of those shown are overdue."""
        today = dt.date.today()
        return sum(is_overdue(line.due, False, today) for line in self.lines)

    def title(self) -> str:
        """The tab's title: how many are open, and how many overdue."""
        overdue = self.overdue_count()
        if overdue:
            return _("Follow-ups ({count}, {overdue} overdue)").format(
                count=len(self.lines), overdue=overdue
            )
        return _("Follow-ups ({count})").format(count=len(self.lines))

    def reload(self) -> None:
        """Read the follow-ups again."""
        self.lines = open_follow_ups(self._context.book.db, self._account_id)
        self._fill()
        self.reloaded.emit()

    def _fill(self) -> None:
        self.tree.clear()
        today = dt.date.today()
        red = QBrush(QColor(OVERDUE_COLOR))
        for line in self.lines:
            overdue = is_overdue(line.due, False, today)
            due = date_text(line.due)
            if overdue:
                due = _("{date} (overdue)").format(date=due)
            item = QTreeWidgetItem([line.what, line.visit_title, line.owner_name, due])
            item.setData(0, _ID_ROLE, line.id)
            if overdue:
                for column in range(4):
                    item.setForeground(column, red)
            self.tree.addTopLevelItem(item)
        for column in (1, 2, 3):
            self.tree.resizeColumnToContents(column)
        self.empty.update_for(
            len(self.lines),
            _("No open follow-ups.\nAdd them on a visit (Visits tab, edit a visit)."),
        )

    def _on_records_changed(self, kind_name: str, account_id: str) -> None:
        if kind_name in ("follow_up", "visit") and account_id == self._account_id:
            self.reload()

    def _edit(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        from kamdesk.ui.editing import edit_record

        follow_up_id = item.data(0, _ID_ROLE)
        if follow_up_id:
            edit_record(self._context, self, kind("follow_up"), str(follow_up_id))

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.tree.setHeaderLabels([_("Follow-up"), _("Visit"), _("Owner"), _("Due")])
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

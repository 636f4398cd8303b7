"""The Conflicts view: the values a sync merge kept, and the user's choice between them.

Grouped by record, then field; under each field the value it has now and every value
that lost to it, each with who wrote it and when, and a "Keep this one" button. A text
field can instead be given one text made from both ("Edit merged text…"). A choice is an
edit like a form's Save (``kamdesk.ops.conflicts``): it is checked, logged and synced,
so the conflict disappears on every device; then the app signals tell the list and the
page, whose conflict markers follow.

Keyboard: Up and Down move from value to value, Enter keeps the selected one, Esc closes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NamedTuple, Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.fields import FieldKind
from kamdesk.errors import KamdeskError, ValidationError
from kamdesk.i18n import N_, _, ngettext
from kamdesk.ops.conflicts import (
    DELETED,
    Conflict,
    field_spec,
    open_conflicts,
    resolve_conflict,
    resolve_with_text,
)
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.formatting import date_time_text
from kamdesk.ui.values import value_text

#: "Field value" and "Written at", not "Value" and "When": those words are taken in the
#: catalog for a benefit's worth and a payment's due time, which read wrong here.
_COLUMNS = (N_("Field value"), N_("Written by"), N_("Written at"), "")
#: How much of a device id names it: enough to tell a team's laptops apart.
SHORT_DEVICE = 8
#: The role of a value row holding its ``_Choice``.
CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1


class _Choice(NamedTuple):
    """What keeping one value of a field means: this conflict, and which of its values."""

    conflict: Conflict
    #: True: the losing value of ``conflict``; False: the value the field has now.
    keep_value: bool


def writer_text(context: AppContext, device_id: str | None) -> str:
    """Who wrote a value: this computer, or the other device by the start of its id.

    The book knows devices, not people: a device is named by its id's first characters,
    the same on every laptop, so a team can tell whose it is.
    """
    if not device_id:
        return _("Unknown")
    if device_id == context.book.device_id:
        return _("This computer")
    return _("Device {device}").format(device=device_id[:SHORT_DEVICE])


def conflict_count_text(count: int) -> str:
    """'2 sync conflicts', for the markers on the list and the page."""
    return ngettext("{count} sync conflict", "{count} sync conflicts", count).format(count=count)


class FieldOfRecord(Protocol):
    """Names a field of a record: a conflict, a refused change."""

    @property
    def table(self) -> str: ...

    @property
    def column(self) -> str: ...


def shown_value(context: AppContext, field: FieldOfRecord, value: Any) -> str:
    """A field's value as its form would show it (a stage by its name, money with its sign)."""
    spec = field_spec(field.table, field.column)
    if isinstance(value, dict):  # a merge group: the amount with its currency
        record = value
        value = value.get(spec.name) if spec is not None else json.dumps(value)
    else:
        record = {}
    if spec is None:
        text = "" if value is None else str(value)
    elif spec.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        text = str(value or "")
    else:
        text = value_text(context, spec, value, record)
    return text if text.strip() else _("(empty)")


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for i in range(item.childCount()) if (child := item.child(i)) is not None]


def _one_line(text: str) -> str:
    return " ⏎ ".join(line for line in text.splitlines() if line.strip()) or text


class MergedTextDialog(QDialog):
    """Type one text from a field's values; saved only if the field's form would take it."""

    def __init__(
        self, context: AppContext, conflicts: list[Conflict], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("merged_text_dialog")
        self._context = context
        self._conflicts = conflicts
        first = conflicts[0]
        texts = [str(first.current or "")] + [str(c.value or "") for c in conflicts]
        spec = field_spec(first.table, first.column)
        joiner = "\n\n" if spec is not None and spec.kind is FieldKind.LONG_TEXT else " / "
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("merged_text")
        self.editor.setPlainText(joiner.join(t for t in dict.fromkeys(texts) if t.strip()))
        self.error = QLabel()
        self.error.setObjectName("merged_text_error")
        self.error.setStyleSheet("color: #C62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 320)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        first = self._conflicts[0]
        self.setWindowTitle(_("Edit merged text"))
        self.intro.setText(
            _(
                "{field} of {record}: both texts are below. Edit them into one; it replaces "
                "both on every device."
            ).format(field=first.label, record=first.record)
        )

    def save(self) -> None:
        """Write the merged text, or say why the field will not take it (and stay open)."""
        try:
            resolve_with_text(self._context.book, self._conflicts[0].id, self.editor.toPlainText())
        except KamdeskError as error:
            self.error.setText(error.message)
            self.error.show()
            return
        self.accept()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ConflictsWindow(QDialog):
    """Every open conflict (or those of one account), to keep one value of each."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, account_id: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflicts_window")
        self._context = context
        self._account_id = account_id
        self._conflicts: list[Conflict] = []
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("conflict_tree")
        self.tree.setColumnCount(len(_COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.installEventFilter(self)
        self.tree.itemDoubleClicked.connect(lambda item, _column: self._keep_item(item))
        self.empty = EmptyState(self.tree)
        self.message = QLabel()
        self.message.setObjectName("conflicts_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #C62828;")
        self.message.hide()
        self.close_button = QPushButton()
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addStretch()
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)
        self.resize(860, 520)
        #: Something changed while the window was hidden: read again when it shows.
        self._stale = False
        context.signals.book_did_sync.connect(self._on_sync)
        self.reload()
        self.tree.setFocus()  # the arrows and Enter work at once, on the first value

    # What is shown -------------------------------------------------------------

    def conflicts(self) -> list[Conflict]:
        """The open conflicts listed now."""
        return list(self._conflicts)

    def reload(self) -> None:
        """Read the open conflicts again and list them, keeping the cursor near where it was."""
        current, values = self.tree.currentItem(), self._value_items()
        row = values.index(current) if current in values else 0
        self._conflicts = open_conflicts(self._context.book, self._account_id)
        self._fill()
        values = self._value_items()
        if values:
            self.tree.setCurrentItem(values[min(row, len(values) - 1)])
        self.retranslate()

    def _fill(self) -> None:
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        record_item: QTreeWidgetItem | None = None
        field_item: QTreeWidgetItem | None = None
        last_record = last_field = ("", "")
        for conflict in self._conflicts:
            record = (conflict.table, conflict.row_id)
            if record != last_record or record_item is None:
                record_item = QTreeWidgetItem(self.tree)
                record_item.setText(0, self._record_text(conflict))
                record_item.setFont(0, bold)
                record_item.setFirstColumnSpanned(True)
                record_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                last_record, last_field = record, ("", "")
            field = (conflict.column, conflict.kind)
            if field != last_field or field_item is None:
                field_item = self._field_item(record_item, conflict)
                self._value_item(field_item, _Choice(conflict, keep_value=False))
                last_field = field
            self._value_item(field_item, _Choice(conflict, keep_value=True))
        self.tree.expandAll()

    def _record_text(self, conflict: Conflict) -> str:
        """A record by kind and name, and whose it is: "Stakeholder · Alice Walker (Acme)"."""
        text = f"{conflict.record_kind.capitalize()} · {conflict.record}"
        owner = conflict.account_id
        if owner and owner != conflict.row_id and owner != self._account_id:
            account = self._context.reader.account(owner)
            if account is not None:
                return _("{record} ({account})").format(record=text, account=account["name"])
        return text

    def _field_item(self, parent: QTreeWidgetItem, conflict: Conflict) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent)
        item.setText(0, conflict.label)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        if conflict.can_merge_text:
            button = QPushButton(_("Edit merged text…"))
            button.setObjectName("merge_text")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, c=conflict: self.edit_merged_text(c))
            self.tree.setItemWidget(item, 3, button)
        return item

    def _value_item(self, parent: QTreeWidgetItem, choice: _Choice) -> QTreeWidgetItem:
        conflict = choice.conflict
        writer: str | None
        when: dt.datetime | None
        item = QTreeWidgetItem(parent)
        item.setData(0, CHOICE_ROLE, choice)
        if choice.keep_value:
            shown = (
                _("Deleted")
                if conflict.kind == DELETED
                else shown_value(self._context, conflict, conflict.value)
            )
            writer, when = conflict.writer, conflict.written_at
            item.setText(0, _one_line(shown))
        else:
            shown = (
                _("Kept, with the edits made meanwhile")
                if conflict.kind == DELETED
                else shown_value(self._context, conflict, conflict.current)
            )
            writer, when = conflict.current_writer, conflict.current_written_at
            item.setText(0, _("{value}  (now)").format(value=_one_line(shown)))
        item.setToolTip(0, shown)
        item.setText(1, writer_text(self._context, writer))
        item.setToolTip(1, writer or "")
        item.setText(2, date_time_text(when))
        button = QPushButton(_("Keep this one"))
        button.setObjectName("keep_value")
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False, c=choice: self.keep(c))
        self.tree.setItemWidget(item, 3, button)
        return item

    def _value_items(self) -> list[QTreeWidgetItem]:
        """The rows of values, top to bottom (the rows a choice can be made on)."""
        found: list[QTreeWidgetItem] = []
        for record in _children(self.tree.invisibleRootItem()):
            for field in _children(record):
                found.extend(_children(field))
        return found

    def keep_button(self, item: QTreeWidgetItem) -> QPushButton:
        """The "Keep this one" button of a value row."""
        button = self.tree.itemWidget(item, 3)
        assert isinstance(button, QPushButton)
        return button

    # Choosing ------------------------------------------------------------------

    def keep(self, choice: _Choice) -> bool:
        """Keep one value of a field; every conflict of that field closes. True if done."""
        if self._refuse_if_read_only():
            return False
        try:
            resolve_conflict(self._context.book, choice.conflict.id, choice.keep_value)
        except KamdeskError as error:
            self._say(error)
            return False
        self._resolved(choice.conflict)
        return True

    def keep_selected(self) -> bool:
        """Enter: keep the value under the cursor."""
        item = self.tree.currentItem()
        return item is not None and self._keep_item(item)

    def _keep_item(self, item: QTreeWidgetItem) -> bool:
        choice = item.data(0, CHOICE_ROLE)
        return isinstance(choice, _Choice) and self.keep(choice)

    def edit_merged_text(self, conflict: Conflict) -> bool:
        """Open a small editor with the field's texts; True once a merged text is saved."""
        if self._refuse_if_read_only():
            return False
        same_field = [
            c
            for c in self._conflicts
            if (c.table, c.row_id, c.column) == (conflict.table, conflict.row_id, conflict.column)
        ]
        dialog = MergedTextDialog(self._context, same_field, self)
        if not dialog.exec():
            return False
        self._resolved(conflict)
        return True

    def _refuse_if_read_only(self) -> bool:
        reason = self._context.book.read_only_reason
        if reason:
            self._say(KamdeskError(reason))
        return bool(reason)

    def _say(self, error: KamdeskError) -> None:
        message = error.message
        if isinstance(error, ValidationError) and error.errors:
            message = "; ".join(dict.fromkeys(error.errors.values()))
        self.message.setText(message)
        self.message.show()

    def _resolved(self, conflict: Conflict) -> None:
        """Tell the views what changed, then list what is left."""
        self.message.hide()
        self._announce(conflict)
        self.reload()

    def _announce(self, conflict: Conflict) -> None:
        signals = self._context.signals
        account_id = conflict.account_id or ""
        if conflict.table == "account":
            signals.account_did_change.emit(conflict.row_id)
        elif conflict.table == "stakeholder":
            signals.stakeholders_did_change.emit(account_id)
        elif conflict.table == "team_member":
            signals.team_did_change.emit()
        else:
            signals.records_did_change.emit(conflict.table, account_id)

    # Keyboard and language ----------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Override QObject.eventFilter: Up/Down go from value to value, Enter keeps one."""
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self._move(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.keep_selected()
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int) -> None:
        values = self._value_items()
        if not values:
            return
        current = self.tree.currentItem()
        at = values.index(current) if current in values else -step
        self.tree.setCurrentItem(values[max(0, min(len(values) - 1, at + step))])

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Sync conflicts"))
        self.tree.setHeaderLabels([_(title) if title else "" for title in _COLUMNS])
        self.close_button.setText(_("Close"))
        self.intro.setText(
            _(
                "Two devices changed the same field before they heard of each other. The "
                "newest value is kept; choose the one that is right (↑↓ to move, Enter "
                "keeps it). Your choice syncs: the conflict closes on every device."
            )
        )
        self.empty.update_for(
            len(self._conflicts), _("No conflicts: every synced change merged cleanly.")
        )

    def _on_sync(self) -> None:
        self._reload_when_shown()

    def _reload_when_shown(self) -> None:
        """Read again now if shown; a closed window (kept by its parent) waits to be shown."""
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget.showEvent: catch up with what changed while hidden."""
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch (values and labels too)."""
        if event.type() == QEvent.Type.LanguageChange:
            self._reload_when_shown()
        super().changeEvent(event)

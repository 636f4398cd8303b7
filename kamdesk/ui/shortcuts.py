"""Keyboard shortcuts: each key given once, and the Help list of every shortcut.

The list is read from the window's own actions, so it can never name a key that does
nothing or miss one that was added.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.i18n import N_, _


def key_sequences(*shortcuts: QKeySequence.StandardKey | str) -> list[QKeySequence]:
    """The platform's keys for each standard shortcut plus the named ones, each key once.

    Giving an action the same key twice (Ctrl+Shift+Z is both Redo's standard key on
    Linux and the key we name for every platform) makes Qt call it ambiguous and do
    nothing at all when it is pressed.
    """
    keys: list[QKeySequence] = []
    for shortcut in shortcuts:
        if isinstance(shortcut, str):
            keys.append(QKeySequence(shortcut))
        else:
            keys.extend(QKeySequence.keyBindings(shortcut))
    unique: dict[str, QKeySequence] = {}
    for key in keys:
        if not key.isEmpty():
            unique.setdefault(key.toString(), key)
    return list(unique.values())


#: Keys that belong to a widget rather than to a menu action: (keys, what they do).
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("Down, Enter", N_("In the search box: go to the results")),
    ("Esc", N_("In the search box: clear the search")),
    ("Ctrl+S", N_("In a form: save")),
    ("Esc", N_("In a form: cancel")),
)


def _plain(text: str) -> str:
    """A menu text without its mnemonic marker and trailing dots."""
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&").rstrip("…").strip()


#: Keys without a modifier that every keyboard has; others alone ("New", "Find") are
#: media keys a few keyboards carry, and would only puzzle a reader of the list.
_PLAIN_KEYS = frozenset({"Del", "Esc", "Return", "Enter", "Backspace", "Tab"})


def _on_every_keyboard(key: QKeySequence) -> bool:
    text = key.toString()
    return "+" in text or text in _PLAIN_KEYS or (text[:1] == "F" and text[1:].isdigit())


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, action) for every action that has a shortcut, in the order given."""
    rows = []
    for action in actions:
        keys = [key for key in action.shortcuts() if _on_every_keyboard(key)]
        if keys:
            text = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
            rows.append((text, _plain(action.text())))
    return rows


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: every key the window answers to, and what it does."""

    def __init__(
        self,
        actions: Iterable[QAction],
        parent: QWidget | None = None,
        widget_keys: Iterable[tuple[str, str]] = WIDGET_KEYS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle(_("Keyboard shortcuts"))
        rows = shortcut_rows(actions) + [(keys, _(what)) for keys, what in widget_keys]
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcuts_table")
        self.table.setHorizontalHeaderLabels([_("Keys"), _("Action")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 560)

"""A record's own page: its edit form, with a tab per kind of record kept under it.

Editing a deal (F2 or a double click in an account's Deals list) opens its form; beside
the form's tabs come the deal's people, its competitors, its objections: one tab for
each kind declared ``shown_on="opportunity"``, read from ``kamdesk.kinds`` so a kind
added later gets its tab with no edit here. Every kind with records under it is shown
the same way.

Records on these tabs are saved as they are added or changed (each is undone on its
own, Ctrl+Z), whether the form itself is then saved or cancelled: Cancel drops the
unsaved typing in the form, not the people added meanwhile.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from kamdesk.i18n import _
from kamdesk.kinds import Kind, shown_on
from kamdesk.kinds import kind as kind_named
from kamdesk.ui.context import AppContext
from kamdesk.ui.record_dialog import RecordDialog
from kamdesk.ui.record_list import RecordListPanel

#: The keys of the actions on a page's list. The window's own keys do not reach a form
#: (it is modal), so the page binds these itself: F2 and Delete as on the account page,
#: Ctrl+N for Add, as in every other list of the app.
#: The page's width: the form's own is too narrow for its tabs and the lists' columns
#: (a deal has eight tabs; at this width their titles show whole in both languages).
_WIDTH = 1000

_KEYS = {"new": "Ctrl+N", "edit": "F2", "delete": "Delete"}


def add_record_pages(
    context: AppContext, dialog: RecordDialog, kind: Kind, record_id: str
) -> list[RecordListPanel]:
    """Add to ``dialog`` (the form of record ``record_id``) a list per kind under it."""
    panels: list[RecordListPanel] = []
    for child in shown_on(kind.name):
        panel = RecordListPanel(context, child, dialog)
        if child.name == "concession":
            # The plan is read in order: its own Move up and Move down.
            from kamdesk.ui.negotiation import add_concession_actions

            add_concession_actions(context, panel)
        panel.show_parent(record_id)
        _bind_keys(panel)
        dialog.add_page(panel, functools.partial(_page_title, panel))
        panel.model.modelReset.connect(dialog.retitle_pages)
        panels.append(panel)
    if panels:
        # Room for the form's tabs and a tab per kind, side by side, in either language.
        dialog.resize(max(dialog.width(), _WIDTH), dialog.height())
        # Ctrl+N adds to the list shown, wherever the focus is on its tab (even on the
        # tab bar, just clicked); on the form's own tabs it does nothing.
        add = QShortcut(QKeySequence(_KEYS["new"]), dialog)
        add.activated.connect(lambda: _add_to_shown(dialog, panels))
        dialog.tabs.currentChanged.connect(lambda _index: _focus_shown_list(dialog, panels))
    if kind.name == "opportunity":
        # How long the deal sat in each stage, from the moves the book keeps.
        from kamdesk.ui.stage_history import add_stage_history_page

        add_stage_history_page(context, dialog, record_id)
    if kind.name == "visit":
        # A visit answers its deal's milestones (里程碑方法): ticked on a tab of its own.
        from kamdesk.ui.visit_milestones import add_answered_page

        add_answered_page(context, dialog, record_id)
    return panels


def _page_title(panel: RecordListPanel) -> str:
    count = str(panel.model.row_count())
    flag = _ticked_by(panel.kind)
    if flag is not None:  # a checklist (a deal's milestones): ticked of all, "3/12"
        listed = panel.model.rows()
        count = f"{sum(1 for row in listed if row.values.get(flag))}/{len(listed)}"
    return _("{records} ({count})").format(records=_(panel.kind.plural), count=count)


def _ticked_by(listed: Kind) -> str | None:
    """The flag that ticks ``listed`` off, if the kind it is kept on tallies it."""
    if listed.parent is None:
        return None
    parent = kind_named(listed.parent.kind)
    return next((t.flag for t in parent.tallies if t.kind == listed.name), None)


def _bind_keys(panel: RecordListPanel) -> None:
    """F2 and Delete on the list's table; the empty list and the menu name all three."""
    native = QKeySequence.SequenceFormat.NativeText
    panel.set_keys(**{name: QKeySequence(key).toString(native) for name, key in _KEYS.items()})
    for name, slot in (("edit", panel.edit_current), ("delete", panel.delete_current)):
        shortcut = QShortcut(QKeySequence(_KEYS[name]), panel.table)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)


def _shown_panel(dialog: RecordDialog, panels: list[RecordListPanel]) -> RecordListPanel | None:
    current = dialog.tabs.currentWidget()
    return next((p for p in panels if p is current), None)


def _add_to_shown(dialog: RecordDialog, panels: list[RecordListPanel]) -> None:
    panel = _shown_panel(dialog, panels)
    if panel is not None:
        panel.new_record()


def _focus_shown_list(dialog: RecordDialog, panels: list[RecordListPanel]) -> None:
    """A list's tab opened: the arrows, F2 and Delete act on its records at once."""
    panel = _shown_panel(dialog, panels)
    if panel is not None:
        panel.table.setFocus()

"""A visit's page: the milestones it answered (里程碑方法), ticked in its debrief.

The milestone method has every visit answer one or more of the deal's milestones. This
tab lists the milestones of the visit's deal (of every deal of the account, for a visit
for no deal in particular), each ticked where this visit answered it; ticking one marks
it done on the visit's day, unticking takes that back. Each is saved at once and undone
on its own (Ctrl+Z), like the other tabs of a record's page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kamdesk.domain.visits import in_zone
from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.kinds import kind
from kamdesk.ops import milestones as milestone_ops
from kamdesk.ui.context import AppContext
from kamdesk.ui.record_dialog import RecordDialog
from kamdesk.ui.undo import RecordCommand

_ID_ROLE = Qt.ItemDataRole.UserRole


class AnsweredMilestones(QWidget):
    """The milestones the visit may answer, ticked where it did."""

    def __init__(self, context: AppContext, visit_id: str, page: RecordDialog) -> None:
        super().__init__(page)
        self._page = page
        self.setObjectName("answered_milestones")
        self._context = context
        self._visit_id = visit_id
        self._account_id = ""
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("answered_milestone_list")
        self.list.itemChanged.connect(self._on_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        self.reload()

    def reload(self) -> None:
        """Read the milestones and the visit's answers again."""
        reader = self._context.reader
        visit = reader.record_of(kind("visit"), self._visit_id)
        self.list.blockSignals(True)
        self.list.clear()
        if visit is None:
            self.list.blockSignals(False)
            return
        self._account_id = visit.parent_id or ""
        deal_id = visit.values.get("opportunity_id")
        deals = (
            [row for row in reader.records_of(kind("opportunity"), self._account_id)]
            if not deal_id
            else [row for row in [reader.record_of(kind("opportunity"), deal_id)] if row]
        )
        starts = visit.values.get("starts_at")
        zone = str(visit.values.get("time_zone") or "UTC")
        ahead = isinstance(starts, dt.datetime) and in_zone(starts, zone).date() > dt.date.today()
        answered = set(milestone_ops.answered_by(self._context.book, self._visit_id))
        for deal in deals:
            for row in reader.records_of(kind("milestone"), deal.id):
                stage = self._context.label(VocabularyKind.DEAL_STAGE, row.values["stage"])
                text = f"{stage} · {row.values['text']}"
                if len(deals) > 1:
                    text = f"{deal.values['name']} — {text}"
                item = QListWidgetItem(text)
                item.setData(_ID_ROLE, row.id)
                flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
                if ahead or (row.values["done"] and row.id not in answered):
                    flags &= ~Qt.ItemFlag.ItemIsEnabled  # answered before, or still to come
                item.setFlags(flags)
                done = row.id in answered or bool(row.values["done"])
                item.setCheckState(Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
                self.list.addItem(item)
        self.list.blockSignals(False)
        self.note.setText(
            _("Once the visit has taken place, tick what the customer decided at it.")
            if ahead
            else _("Tick the milestones this visit answered: they are done on its day.")
        )

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch (stages, the note)."""
        if event.type() == QEvent.Type.LanguageChange:
            self.reload()
        super().changeEvent(event)

    def answered_count(self) -> int:
        """How many milestones this visit answered."""
        return len(milestone_ops.answered_by(self._context.book, self._visit_id))

    def _on_changed(self, item: QListWidgetItem) -> None:
        milestone_id = str(item.data(_ID_ROLE))
        book, visit_id = self._context.book, self._visit_id
        ticked = item.checkState() == Qt.CheckState.Checked
        act: Callable[[], dict[str, dict[str, object]]] = (
            (lambda: milestone_ops.answer_milestones(book, visit_id, [milestone_id]))
            if ticked
            else (lambda: milestone_ops.unanswer_milestones(book, visit_id, [milestone_id]))
        )
        try:
            replaced = act()
        except KamdeskError as error:
            self.note.setText(str(error))
            self.reload()
            return
        text = item.text()
        self._context.undo_stack.push(
            RecordCommand(
                self._context,
                (_("Answer {milestone}") if ticked else _("Unanswer {milestone}")).format(
                    milestone=text
                ),
                act,
                lambda: milestone_ops.restore_answers(book, replaced),
                self._announce,
            )
        )
        self._announce()

    def _announce(self) -> None:
        self._context.signals.records_did_change.emit("milestone", self._account_id)
        self.reload()
        self._page.retitle_pages()


def add_answered_page(context: AppContext, dialog: RecordDialog, visit_id: str) -> None:
    """Add to a visit's page the tab of the milestones it answered."""
    page = AnsweredMilestones(context, visit_id, dialog)
    dialog.add_page(
        page, lambda: _("Milestones answered ({count})").format(count=page.answered_count())
    )

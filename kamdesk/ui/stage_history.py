"""A deal's stage history on its page: how long it sat in each stage (销售罗盘 / 项目型).

Read from the moves the book keeps (``stage_change``), worked out by
``kamdesk.domain.deals.days_per_stage``: a rep sees at a glance that a deal has waited in
"commercial" for three months.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kamdesk.domain.deals import days_per_stage
from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.i18n import _, ngettext
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import date_text
from kamdesk.ui.record_dialog import RecordDialog


def add_stage_history_page(context: AppContext, dialog: RecordDialog, deal_id: str) -> QLabel:
    """Add a "Stage history" tab to a deal's page; returns the label that shows it."""
    page = QWidget()
    label = QLabel()
    label.setObjectName("stage_history")
    label.setWordWrap(True)
    layout = QVBoxLayout(page)
    layout.addWidget(label)
    layout.addStretch()

    # The stage changes only when the deal's form is saved, which closes the page.
    label.setText(stage_history_text(context, deal_id))
    dialog.add_page(page, lambda: _("Stage history"))
    return label


def stage_history_text(context: AppContext, deal_id: str) -> str:
    """One line per stage: its name, the days spent in it, since when it is current."""
    moves = context.reader.stage_history(deal_id)
    if not moves:
        return _("No stage history yet.")
    lines = []
    for stage in days_per_stage(moves, dt.datetime.now(dt.UTC)):
        name = context.label(VocabularyKind.DEAL_STAGE, stage.stage)
        days = ngettext("{count} day", "{count} days", stage.days).format(count=stage.days)
        if stage.current:
            since = next(m.changed_at for m in reversed(moves) if m.to_stage == stage.stage)
            days = _("{days}, now (since {date})").format(days=days, date=date_text(since.date()))
        lines.append(f"<b>{name}</b>: {days}")
    return "<br>".join(lines)

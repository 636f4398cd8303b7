"""The team's milestone templates (里程碑): Team → Milestone templates… lists and edits them.

Every new deal's checklist is made from these, for its stage model: what the customer
must decide at each stage, in English and Chinese. The team rewords, adds, archives or
deletes them here like any list (``RecordListPanel`` of a kind with no parent); the
deals made afterwards follow, the checklists deals already have stay as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kamdesk.i18n import _
from kamdesk.kinds import kind
from kamdesk.ui.context import AppContext
from kamdesk.ui.record_list import RecordListPanel


class MilestoneTemplatesDialog(QDialog):
    """The checklists new deals start with, for the team to keep."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("milestone_templates")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.panel = RecordListPanel(context, kind("milestone_template"))
        self.panel.show_parent(None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.resize(900, 560)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Milestone templates"))
        self.intro.setText(
            _(
                "What the customer must decide at each stage, written from the customer's "
                "side. A new deal's checklist starts from these, in the language the app is "
                "in; changing them changes the deals made afterwards, not the ones made."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

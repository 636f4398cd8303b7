"""The team's question bank (提问技巧): Team → Question bank… lists, adds, edits, deletes.

The bank starts with three questions of each kind (open, guiding, confirming, value) in
English and Chinese; a visit picks its questions from it. It is a list like any other
kind's (``RecordListPanel``), of the kind with no parent: every question of the book.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kamdesk.i18n import _
from kamdesk.kinds import kind
from kamdesk.ui.context import AppContext
from kamdesk.ui.record_list import RecordListPanel


class QuestionBankDialog(QDialog):
    """The questions a visit can pick from, for the team to keep."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("question_bank")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.panel = RecordListPanel(context, kind("question"))
        self.panel.show_parent(None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.resize(820, 520)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Question bank"))
        self.intro.setText(
            _(
                "Open questions take in the whole picture, guiding ones lead into a pain, "
                "confirming ones check what was understood, value ones ask what solving it "
                "would be worth. A visit picks its questions from here."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

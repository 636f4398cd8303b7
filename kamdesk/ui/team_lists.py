"""The lists a team keeps for the whole book: the question bank and the milestone templates.

Each is the list of a kind with no parent (``RecordListPanel`` shows every record of the
book), opened from the Team menu, with a line saying what the list is for.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kamdesk.i18n import N_, _
from kamdesk.kinds import kind
from kamdesk.ui.context import AppContext
from kamdesk.ui.record_list import RecordListPanel


class TeamListDialog(QDialog):
    """Every record of one book-wide kind, for the team to add, edit and delete."""

    #: The kind listed, the window's title and the line above the list (untranslated).
    kind_name = ""
    title = ""
    intro_text = ""
    window_size = (820, 520)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(self.kind_name)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.panel = RecordListPanel(context, kind(self.kind_name))
        self.panel.show_parent(None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.resize(*self.window_size)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_(self.title))
        self.intro.setText(_(self.intro_text))

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class QuestionBankDialog(TeamListDialog):
    """Team → Question bank…: the questions a visit picks from (提问技巧).

    The bank starts with three questions of each kind (open, guiding, confirming, value)
    in English and Chinese.
    """

    kind_name = "question"
    title = N_("Question bank")
    intro_text = N_(
        "Open questions take in the whole picture, guiding ones lead into a pain, "
        "confirming ones check what was understood, value ones ask what solving it "
        "would be worth. A visit picks its questions from here."
    )


class MilestoneTemplatesDialog(TeamListDialog):
    """Team → Milestone templates…: the checklists new deals start with (里程碑).

    The team rewords, adds, archives or deletes them; the deals made afterwards follow,
    the checklists deals already have stay as they are.
    """

    kind_name = "milestone_template"
    title = N_("Milestone templates")
    intro_text = N_(
        "What the customer must decide at each stage, written from the customer's "
        "side. A new deal's checklist starts from these, in the language the app is "
        "in; changing them changes the deals made afterwards, not the ones made."
    )
    window_size = (900, 560)

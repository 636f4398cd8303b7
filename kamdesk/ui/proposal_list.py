"""An account's Proposals tab: its proposals' versions, each opened in the builder.

The list is the one every kind gets (``RecordListPanel``); what differs is what opening a
proposal does: Enter, F2 or a double click opens the builder window (one per proposal,
raised if it is open already) instead of a form, and Add asks for a title, a language and
a deal (``NewProposalDialog``) and then opens the builder on the new draft.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from kamdesk.i18n import _
from kamdesk.kinds import Kind
from kamdesk.ui.context import AppContext
from kamdesk.ui.record_list import RecordListPanel


def open_builder(context: AppContext, owner: QWidget, proposal_id: str) -> QWidget:
    """Show the builder of ``proposal_id``: the one open already, else a new one.

    The builder is a window of its own, kept beside the main window (its parent).
    """
    from kamdesk.ui.proposal_builder import ProposalBuilder

    window = owner.window()
    builder = next(
        (b for b in window.findChildren(ProposalBuilder) if b.proposal_id == proposal_id), None
    )
    if builder is None:
        builder = ProposalBuilder(context, proposal_id, window)
        builder.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    builder.show()
    builder.raise_()
    builder.activateWindow()
    return builder


def new_proposal(context: AppContext, owner: QWidget, account_id: str) -> str | None:
    """Ask for a new proposal at ``account_id``, make it and open it in the builder."""
    from kamdesk.ui.proposal_dialogs import NewProposalDialog

    if context.book.read_only_reason:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(owner, _("Read-only book"), context.book.read_only_reason)
        return None
    dialog = NewProposalDialog(context, account_id, owner.window())
    if not dialog.exec() or dialog.proposal_id is None:
        return None
    open_builder(context, owner, dialog.proposal_id)
    return dialog.proposal_id


class ProposalListPanel(RecordListPanel):
    """The account's proposals; opening one opens the builder."""

    def __init__(self, context: AppContext, kind: Kind, parent: QWidget | None = None) -> None:
        super().__init__(context, kind, parent)
        for key in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_current)

    def new_record(self) -> str | None:
        """Override RecordListPanel.new_record: ask, make, and open the builder."""
        account_id = self.model.parent_id()
        if not account_id:
            return None
        proposal_id = new_proposal(self._context, self, account_id)
        if proposal_id:
            self.select_record(proposal_id)
        return proposal_id

    def edit_current(self) -> bool:
        """Override RecordListPanel.edit_current: open the proposal in the builder."""
        proposal_id = self.current_record_id()
        if not proposal_id:
            return False
        open_builder(self._context, self, proposal_id)
        return True

    def retranslate(self) -> None:
        """Override RecordListPanel.retranslate: "Open…" is what Edit does here."""
        super().retranslate()
        self.edit_button.setText(_("Open…"))

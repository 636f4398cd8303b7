"""The builder's two dialogs: starting a proposal, and comparing two of its versions.

File → New proposal… (or Add on an account's Proposals tab) asks for the three things a
proposal cannot start without: a title, the language it is written in and the deal it
is for (the rest has defaults: three options, the account's pains, a five-year horizon
at 8 %). Compare versions… lists what differs between two versions of one proposal,
field by field, rows matched across versions by the row they descend from.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.proposals import ProposalLanguage, ProposalStatus
from kamdesk.errors import KamdeskError, ValidationError
from kamdesk.i18n import _, current_language
from kamdesk.kinds import kind as kind_named
from kamdesk.kinds.proposal import PROPOSAL
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.formatting import date_text
from kamdesk.ui.proposal_cells import choices
from kamdesk.ui.undo import actions_for, create_command

_ERROR_STYLE = "color: #C62828;"


class NewProposalDialog(QDialog):
    """Title, language and deal of a new proposal; Create makes it (undo removes it)."""

    def __init__(self, context: AppContext, account_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_proposal_dialog")
        self._context = context
        self._account_id = account_id
        #: The proposal made, once Create was pressed and the book took it.
        self.proposal_id: str | None = None
        account = context.reader.account(account_id) or {}
        self._account_name = str(account.get("name") or "")

        self.title = QLineEdit()
        self.title.setObjectName("field_title")
        self.title.setText(self._account_name)
        self.title.selectAll()
        self.title_error = QLabel()
        self.title_error.setObjectName("error_title")
        self.title_error.setStyleSheet(_ERROR_STYLE)
        self.title_error.setWordWrap(True)
        self.title_error.hide()
        self.language = QComboBox()
        self.language.setObjectName("field_language")
        for code, label in choices(context, PROPOSAL.specs["language"]):
            self.language.addItem(label, code)
        ui_language = (
            ProposalLanguage.CHINESE
            if current_language().code.startswith("zh")
            else ProposalLanguage.ENGLISH
        )
        self.language.setCurrentIndex(max(0, self.language.findData(ui_language.value)))
        self.deal = QComboBox()
        self.deal.setObjectName("field_opportunity_id")
        self.deal.addItem(_("No deal"), None)
        deals = context.reader.records_of(kind_named("opportunity"), account_id)
        for row in deals:
            self.deal.addItem(str(row.values.get("name") or ""), row.id)
        open_deals = [r for r in deals if r.values.get("status") in (None, "", "open")]
        if len(open_deals) == 1:  # the account's one open deal is what it is for
            self.deal.setCurrentIndex(self.deal.findData(open_deals[0].id))
            self.title.setText(str(open_deals[0].values.get("name") or self._account_name))
            self.title.selectAll()
        self.deal.activated.connect(self._deal_chosen)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.create_proposal)
        self.buttons.rejected.connect(self.reject)
        title_box = QVBoxLayout()
        title_box.setSpacing(2)
        title_box.addWidget(self.title)
        title_box.addWidget(self.title_error)
        self.form = QFormLayout()
        self.form.addRow(_("Title"), title_box)
        self.form.addRow(_("Written in"), self.language)
        self.form.addRow(_("Deal"), self.deal)
        self.hint = QLabel(
            _(
                "It starts with three options (good, better, best), the account's pain "
                "points, and a five-year horizon at an 8 % discount rate: change any of it "
                "in the builder."
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #6D6D6D;")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.setWindowTitle(_("New proposal for {account}").format(account=self._account_name))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create"))
        self.resize(480, self.sizeHint().height())
        self.title.setFocus()

    def _deal_chosen(self, _index: int) -> None:
        """A deal chosen while the title is still the default: the title follows it."""
        if self.title.text() in ("", self._account_name) and self.deal.currentData():
            self.title.setText(self.deal.currentText())

    def create_proposal(self) -> None:
        """Make the proposal; a refused value is said under its field."""
        from kamdesk.ops.proposals import new_proposal

        title = self.title.text().strip()
        context = self._context
        try:
            proposal_id = new_proposal(
                context.book,
                self._account_id,
                title=title,
                language=str(self.language.currentData()),
                opportunity_id=self.deal.currentData(),
            )
        except ValidationError as error:
            self.title_error.setText(error.errors.get("title") or error.message)
            self.title_error.show()
            self.title.setFocus()
            return
        except KamdeskError as error:
            self.title_error.setText(error.message)
            self.title_error.show()
            return
        self.proposal_id = proposal_id
        account_id = self._account_id

        def announce() -> None:
            context.signals.records_did_change.emit(PROPOSAL.name, account_id)

        context.undo_stack.push(
            create_command(
                context,
                actions_for(PROPOSAL),
                proposal_id,
                _("Add proposal {name}").format(name=title),
                announce,
            )
        )
        announce()
        self.accept()


def version_text(version: int, status: str, sent_on: object) -> str:
    """``Version 2 (sent Dec 1, 2026)`` / ``Version 3 (draft)``."""
    import datetime as dt

    if status == ProposalStatus.SENT.value and isinstance(sent_on, dt.date):
        state = _("sent {date}").format(date=date_text(sent_on))
    else:
        state = _("draft")
    return _("Version {version} ({state})").format(version=version, state=state)


class CompareVersionsDialog(QDialog):
    """Two versions of one proposal and what differs between them, field by field."""

    def __init__(
        self, context: AppContext, proposal_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from kamdesk.ops.proposals import versions

        self.setObjectName("compare_versions_dialog")
        self.setWindowTitle(_("Compare versions"))
        self._context = context
        self._versions = versions(context.book, proposal_id)
        self.older = QComboBox()
        self.older.setObjectName("older_version")
        self.newer = QComboBox()
        self.newer.setObjectName("newer_version")
        for row in self._versions:
            text = version_text(row.version, row.status, row.sent_on)
            self.older.addItem(text, row.id)
            self.newer.addItem(text, row.id)
        shown = next((i for i, r in enumerate(self._versions) if r.id == proposal_id), 0)
        self.newer.setCurrentIndex(shown)
        self.older.setCurrentIndex(max(0, shown - 1))
        self.older.currentIndexChanged.connect(self.compare)
        self.newer.currentIndexChanged.connect(self.compare)

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("differences_table")
        self.table.setHorizontalHeaderLabels([_("Where"), _("Field"), _("Before"), _("After")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty = EmptyState(self.table)
        choose = QHBoxLayout()
        choose.addWidget(QLabel(_("Compare")))
        choose.addWidget(self.older, 1)
        choose.addWidget(QLabel(_("with")))
        choose.addWidget(self.newer, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(860, 520)
        self.compare()

    def compare(self) -> None:
        """List the differences between the two versions chosen."""
        from kamdesk.ops.proposals import compare_versions

        older, newer = self.older.currentData(), self.newer.currentData()
        self.table.setRowCount(0)
        if len(self._versions) < 2:
            message = _("This proposal has one version so far: nothing to compare it with.")
        elif older == newer:
            message = _("Choose two different versions.")
        else:
            try:
                differences = compare_versions(self._context.book, str(older), str(newer))
            except KamdeskError as error:
                differences, message = [], error.message
            else:
                message = _("No differences: the two versions say the same.")
            changes = {"added": _("added"), "removed": _("removed")}
            self.table.setRowCount(len(differences))
            for row, difference in enumerate(differences):
                where = difference.where
                if difference.change in changes:
                    where = f"{where} ({changes[difference.change]})"
                for column, text in enumerate(
                    (where, difference.field, difference.old, difference.new)
                ):
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)
                    self.table.setItem(row, column, item)
            self.table.resizeRowsToContents()
        self.empty.update_for(self.table.rowCount(), message)

    def differences(self) -> list[tuple[str, str, str, str]]:
        """The rows listed: (where, field, before, after)."""

        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [
            (text(r, 0), text(r, 1), text(r, 2), text(r, 3)) for r in range(self.table.rowCount())
        ]

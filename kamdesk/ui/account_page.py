"""The right panel: one account's profile, its stakeholders and their coverage.

Beside the people, a tab for each kind of record kept at an account (its deals…).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.coverage import decision_maker_coverage, is_decision_maker
from kamdesk.domain.fields import ACCOUNT_FIELDS, FieldKind, FieldSpec
from kamdesk.i18n import _, ngettext
from kamdesk.kinds import Kind, shown_on
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.follow_ups import FollowUpsPanel
from kamdesk.ui.formatting import date_time_text, qlocale
from kamdesk.ui.models.stakeholder_table import Column, StakeholderTableModel
from kamdesk.ui.record_list import RecordListPanel
from kamdesk.ui.values import value_text

_PROFILE_FIELDS = [
    s for s in ACCOUNT_FIELDS if s.kind is not FieldKind.LONG_TEXT and s.name != "name"
]
_TEXT_FIELDS = [s for s in ACCOUNT_FIELDS if s.kind is FieldKind.LONG_TEXT]

#: Shown on request (right-click on the header): the rest fits the page side by side.
_HIDDEN_PEOPLE_COLUMNS = (Column.LEVEL, Column.FORCE, Column.REPORTS_TO, Column.LAST_CONTACTED)
#: Widest a column grows to fit its texts (longer ones are elided; the tooltip has all).
_PEOPLE_COLUMN_CAP = {Column.NAME: 140, Column.ROLE: 170, Column.COVERED_BY: 180}


def _record_list(context: AppContext, kind: Kind) -> RecordListPanel:
    """The list of a kind's records; a proposal's opens the proposal builder."""
    if kind.name == "proposal":
        from kamdesk.ui.proposal_list import ProposalListPanel

        return ProposalListPanel(context, kind)
    return RecordListPanel(context, kind)


class AccountPage(QWidget):
    """Shows the account the list points at; an empty state when it points at none."""

    edit_account_requested = Signal()
    new_stakeholder_requested = Signal()
    edit_stakeholder_requested = Signal(str)
    delete_stakeholder_requested = Signal(str)
    summary_pdf_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._account_id = ""
        self._values: dict[str, Any] | None = None

        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #6D6D6D; font-size: 14px; padding: 24px;")

        self.title = QLabel()
        self.title.setObjectName("account_title")
        self.title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setWordWrap(True)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_account_requested)
        self.pdf_button = QPushButton()
        self.pdf_button.clicked.connect(self.summary_pdf_requested)
        self.last_changed = QLabel()
        self.last_changed.setObjectName("last_changed")
        self.last_changed.setStyleSheet("color: #6D6D6D;")
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.last_changed)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        header.addWidget(self.edit_button)
        header.addWidget(self.pdf_button)

        #: Said while the account has open sync conflicts, with a way to review them.
        self.conflict_banner = SyncBanner("conflict", "#FFF4E5", "#F0B45B")
        self.conflict_text = self.conflict_banner.text
        self.review_conflicts_button = self.conflict_banner.button
        self.review_conflicts_button.clicked.connect(self.review_conflicts)
        self._conflict_count = 0
        #: Said while the server has refused changes made here to the account.
        self.refused_banner = SyncBanner("refused", "#FDECEA", "#E57373")
        self.review_refused_button = self.refused_banner.button
        self.review_refused_button.clicked.connect(self.review_refused)
        self._refused_count = 0

        self.profile_box = QGroupBox()
        grid = QGridLayout(self.profile_box)
        self._profile_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for i, spec in enumerate(_PROFILE_FIELDS):
            name_label, value_label = QLabel(), QLabel()
            name_label.setStyleSheet("color: #555;")
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value_label.setObjectName(f"profile_{spec.name}")
            row, column = divmod(i, 2)
            grid.addWidget(name_label, row, column * 2)
            grid.addWidget(value_label, row, column * 2 + 1)
            self._profile_labels[spec.name] = (name_label, value_label)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        # The long texts (procurement process, pain points…) get a tab of their own beside
        # the people: in a pane above them, any height cuts a heading in half somewhere.
        self.texts = QTextBrowser()
        self.texts.setObjectName("account_texts")
        self.texts.setFrameShape(QFrame.Shape.NoFrame)
        self.texts_empty = EmptyState(self.texts)

        self.stakeholder_model = StakeholderTableModel(context)
        self.stakeholders = QTableView()
        self.stakeholders.setObjectName("stakeholder_table")
        self.stakeholders.setModel(self.stakeholder_model)
        self.stakeholders.horizontalHeader().setModel(self.stakeholder_model.header_model())
        self.stakeholders.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.stakeholders.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.stakeholders.setAlternatingRowColors(True)
        self.stakeholders.setWordWrap(False)
        self.stakeholders.verticalHeader().hide()
        self.stakeholders.verticalHeader().setDefaultSectionSize(24)
        people_header = self.stakeholders.horizontalHeader()
        people_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        people_header.setStretchLastSection(False)
        people_header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        people_header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        people_header.customContextMenuRequested.connect(self._choose_columns)
        for column in _HIDDEN_PEOPLE_COLUMNS:
            self.stakeholders.setColumnHidden(column, True)
        self.stakeholders.doubleClicked.connect(self._on_double_click)
        self.stakeholder_empty = EmptyState(self.stakeholders)
        self.stakeholder_model.modelReset.connect(self._update_stakeholder_state)
        self.coverage = QLabel()
        self.coverage.setObjectName("coverage_label")
        self.coverage.setWordWrap(True)
        self.coverage_legend = QLabel()
        self.coverage_legend.setObjectName("coverage_legend")
        self.coverage_legend.setWordWrap(True)
        self.coverage_legend.setStyleSheet("color: #6D6D6D;")
        self.add_stakeholder_button = QPushButton()
        self.add_stakeholder_button.clicked.connect(self.new_stakeholder_requested)
        self.edit_stakeholder_button = QPushButton()
        self.edit_stakeholder_button.clicked.connect(self._edit_current_stakeholder)
        self.delete_stakeholder_button = QPushButton()
        self.delete_stakeholder_button.clicked.connect(self._delete_current_stakeholder)
        people_bar = QHBoxLayout()
        people_bar.addWidget(self.coverage, 1)
        for button in (
            self.add_stakeholder_button,
            self.edit_stakeholder_button,
            self.delete_stakeholder_button,
        ):
            people_bar.addWidget(button)
        people = QWidget()
        people_layout = QVBoxLayout(people)
        people_layout.addLayout(people_bar)
        people_layout.addWidget(self.coverage_legend)
        people_layout.addWidget(self.stakeholders)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("account_tabs")
        self.tabs.addTab(people, "")
        #: A list per kind of record kept at an account (deals…), after the people.
        self.record_lists: dict[str, RecordListPanel] = {}
        for kind in shown_on("account"):
            panel = _record_list(context, kind)
            if kind.name == "visit":
                # A visit's own actions: its calendar entry and its pre-visit briefing.
                from kamdesk.ui.visit_exports import add_visit_actions

                add_visit_actions(context, panel)
            panel.model.modelReset.connect(lambda p=panel: self._title_record_tab(p))
            self.record_lists[kind.name] = panel
            self.tabs.addTab(panel, "")
        #: The open follow-ups of the account's visits, overdue ones marked.
        self.follow_ups = FollowUpsPanel(context)
        self.follow_ups.reloaded.connect(
            lambda: self.tabs.setTabText(
                self.tabs.indexOf(self.follow_ups), self.follow_ups.title()
            )
        )
        self.tabs.addTab(self.follow_ups, "")
        self.tabs.addTab(self.texts, "")
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addLayout(header)
        details_layout.addWidget(self.conflict_banner)
        details_layout.addWidget(self.refused_banner)
        details_layout.addWidget(self.profile_box)
        details_layout.addWidget(self.tabs, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        context.signals.account_did_change.connect(self._on_account_changed)
        context.signals.team_did_change.connect(self._reload)
        context.signals.stakeholders_did_change.connect(self._on_stakeholders_changed)
        context.signals.records_did_change.connect(self._on_records_changed)
        context.signals.book_did_sync.connect(self._on_sync)
        context.signals.refusals_did_change.connect(self._on_refusals_changed)
        self.retranslate()

    # What is shown ----------------------------------------------------------

    def account_id(self) -> str:
        """The account shown ('' for none)."""
        return self._account_id

    def show_account(self, account_id: str) -> None:
        """Show an account's page ('' for the empty state)."""
        moved = account_id != self._account_id
        self._account_id = account_id
        self._reload()
        self.stakeholder_model.show_account(account_id if self._values else None)
        for panel in self.record_lists.values():
            panel.show_parent(account_id if self._values else None)
        self.follow_ups.show_account(account_id if self._values else None)
        if moved:  # another account's people start at the left, names in view
            self.stakeholders.horizontalScrollBar().setValue(0)
            self.stakeholders.scrollToTop()

    def _reload(self) -> None:
        self._values = self._context.reader.account(self._account_id) if self._account_id else None
        if self._values is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self._fill()

    def _on_account_changed(self, account_id: str) -> None:
        shown_parent = self._values.get("parent_id") if self._values else None
        if account_id == self._account_id:
            self.show_account(account_id)
        elif account_id and account_id == shown_parent:  # its name shows on this page
            self._reload()

    def _on_records_changed(self, _kind_name: str, account_id: str) -> None:
        if account_id == self._account_id and self._values is not None:
            self._update_conflict_banner()  # the record lists reload by themselves

    def _on_sync(self) -> None:
        if self._account_id:
            self.show_account(self._account_id)

    def _on_stakeholders_changed(self, account_id: str) -> None:
        if account_id == self._account_id:
            # "Last changed" moves with its people; the table (and with its reset, the
            # coverage line) reloads by itself.
            self._reload()

    def _fill(self) -> None:
        values = self._values
        assert values is not None
        self.title.setText(str(values["name"]))
        self._update_conflict_banner()
        self._update_refused_banner()
        changed = self._context.reader.last_changed(self._account_id)
        self.last_changed.setText(
            _("Last changed {when}").format(when=date_time_text(changed)) if changed else ""
        )
        for spec in _PROFILE_FIELDS:
            self._profile_labels[spec.name][1].setText(self._value_text(spec, values))
        sections = []
        for spec in _TEXT_FIELDS:
            text = str(values.get(spec.name) or "").strip()
            if text:
                body = text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
                sections.append(f"<h4>{_(spec.label)}</h4><p>{body}</p>")
        self.texts.setHtml("".join(sections))
        self.texts_empty.update_for(
            len(sections),
            _(
                "Nothing written down yet.\nEdit the account (F2), Details tab: its procurement "
                "process, pain points, suppliers and competitors."
            ),
        )
        self.tabs.setTabText(self.tabs.indexOf(self.texts), self._texts_tab_title(len(sections)))

    # Sync conflicts -----------------------------------------------------------

    def conflict_count(self) -> int:
        """How many open sync conflicts the banner says the account has (0: no banner)."""
        return self._conflict_count

    def _update_conflict_banner(self) -> None:
        from kamdesk.ops.conflicts import conflicts_by_account

        count = conflicts_by_account(self._context.book).get(self._account_id, 0)
        self._conflict_count = count
        self.conflict_banner.setVisible(bool(count))
        self._word_conflict_banner()

    def _word_conflict_banner(self) -> None:
        count = self._conflict_count
        self.conflict_text.setText(
            "⚠ "
            + ngettext(
                "This account has {count} sync conflict.",
                "This account has {count} sync conflicts.",
                count,
            ).format(count=count)
        )
        self.review_conflicts_button.setText(_("Review…"))

    def review_conflicts(self) -> None:
        """Open the Conflicts view on this account's conflicts alone."""
        from kamdesk.ui.conflicts_view import ConflictsWindow

        window = ConflictsWindow(self._context, self, account_id=self._account_id)
        window.exec()
        window.deleteLater()
        if self._values is not None:
            self._update_conflict_banner()

    # Changes the sync server refused -----------------------------------------------

    def refused_count(self) -> int:
        """How many refused changes the banner says the account has (0: no banner)."""
        return self._refused_count

    def _on_refusals_changed(self) -> None:
        if self._values is not None:
            self._update_refused_banner()

    def _update_refused_banner(self) -> None:
        from kamdesk.ops.refusals import refusals_by_account

        count = refusals_by_account(self._context.book).get(self._account_id, 0)
        self._refused_count = count
        self.refused_banner.setVisible(bool(count))
        self._word_refused_banner()

    def _word_refused_banner(self) -> None:
        count = self._refused_count
        self.refused_banner.text.setText(
            "⚠ "
            + ngettext(
                "The sync server refused {count} change made here to this account: your "
                "team never received it.",
                "The sync server refused {count} changes made here to this account: your "
                "team never received them.",
                count,
            ).format(count=count)
        )
        self.review_refused_button.setText(_("Review…"))

    def review_refused(self) -> None:
        """Open Refused changes on this account's alone."""
        from kamdesk.ui.refused_view import RefusedWindow

        window = RefusedWindow(self._context, self, account_id=self._account_id)
        window.exec()
        window.deleteLater()

    def _value_text(self, spec: FieldSpec, values: dict[str, Any]) -> str:
        return value_text(self._context, spec, values.get(spec.name), values)

    def _update_stakeholder_state(self) -> None:
        rows = self.stakeholder_model.rows()  # already read for the table
        self.stakeholder_empty.update_for(
            len(rows),
            _("No stakeholders yet.\nAdd the people who take part in the decision: Ctrl+Shift+N."),
        )
        makers = [
            bool(r.covered_by)
            for r in rows
            if is_decision_maker(str(r.values["buying_role"]), str(r.values["level"]))
        ]
        share = decision_maker_coverage(
            [
                (str(r.values["buying_role"]), str(r.values["level"]), bool(r.covered_by))
                for r in rows
            ]
        )
        if share is None:
            self.coverage.setText(_("No decision maker on record yet."))
        else:
            percent = qlocale().toString(round(share * 100))
            self.coverage.setText(
                _("Decision-maker coverage: {percent}% ({covered} of {count} covered)").format(
                    percent=percent, covered=sum(makers), count=len(makers)
                )
            )
        self.coverage.setStyleSheet("" if share is None or share >= 0.5 else "color: #C62828;")
        self.coverage_legend.setText(
            _(
                "Decision makers are economic buyers (EB) and executives; covered means "
                "someone on our team is in touch. Pink: a decision maker nobody covers."
            )
        )
        self.coverage_legend.setVisible(bool(rows))
        self.tabs.setTabText(0, _("Stakeholders ({count})").format(count=len(rows)))
        self._fit_people_columns()

    def _fit_people_columns(self) -> None:
        """Size each column to what it shows (within a cap); Title takes what is left.

        So at the default window size a rep sees name, role, attitude, influence and
        coverage side by side, without scrolling sideways.
        """
        table = self.stakeholders
        header = table.horizontalHeader()
        for column in Column:
            if column is Column.TITLE or table.isColumnHidden(column):
                continue
            wanted = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
            table.setColumnWidth(column, min(wanted, _PEOPLE_COLUMN_CAP.get(column, 160)))

    def _choose_columns(self, position: QPoint) -> None:
        """Right-click on the header: show or hide the optional columns."""
        menu = QMenu(self)
        model = self.stakeholder_model
        for column in _HIDDEN_PEOPLE_COLUMNS:
            action = menu.addAction(str(model.headerData(column, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not self.stakeholders.isColumnHidden(column))
            action.toggled.connect(lambda shown, c=column: self._show_column(c, shown))
        menu.exec(self.stakeholders.horizontalHeader().mapToGlobal(position))

    def _show_column(self, column: Column, shown: bool) -> None:
        self.stakeholders.setColumnHidden(column, not shown)
        self._fit_people_columns()

    def _title_record_tab(self, panel: RecordListPanel) -> None:
        """Title the kind's tab with its plural and how many the account has: Deals (3)."""
        title = _("{records} ({count})").format(
            records=_(panel.kind.plural), count=panel.model.row_count()
        )
        self.tabs.setTabText(self.tabs.indexOf(panel), title)

    def record_list(self, kind_name: str) -> RecordListPanel:
        """The list of ``kind_name``'s records on this page."""
        return self.record_lists[kind_name]

    def focused_record_list(self) -> RecordListPanel | None:
        """The record list holding the keyboard focus, if one does."""
        return next((p for p in self.record_lists.values() if p.has_focus()), None)

    def new_record(self, kind_name: str) -> str | None:
        """Show the kind's tab and ask for a new record at the account shown."""
        panel = self.record_lists[kind_name]
        self.tabs.setCurrentWidget(panel)
        return panel.new_record()

    @staticmethod
    def _texts_tab_title(count: int) -> str:
        title = _("Procurement, pain points, notes")
        return f"{title} ({count})" if count else title

    # Stakeholders ------------------------------------------------------------

    def current_stakeholder_id(self) -> str | None:
        """The stakeholder under the cursor in the table."""
        index = self.stakeholders.currentIndex()
        return self.stakeholder_model.stakeholder_id(index.row()) if index.isValid() else None

    def _on_double_click(self, index: QModelIndex) -> None:
        stakeholder_id = self.stakeholder_model.stakeholder_id(index.row())
        if stakeholder_id:
            self.edit_stakeholder_requested.emit(stakeholder_id)

    def _edit_current_stakeholder(self) -> None:
        stakeholder_id = self.current_stakeholder_id()
        if stakeholder_id:
            self.edit_stakeholder_requested.emit(stakeholder_id)

    def _delete_current_stakeholder(self) -> None:
        stakeholder_id = self.current_stakeholder_id()
        if stakeholder_id:
            self.delete_stakeholder_requested.emit(stakeholder_id)

    # Language ----------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.placeholder.setText(
            _(
                "Select an account on the left to see its profile and stakeholders,\n"
                "or press Ctrl+N to add an account."
            )
        )
        self.edit_button.setText(_("Edit (F2)"))
        self.pdf_button.setText(_("Summary PDF…"))
        self.profile_box.setTitle(_("Profile"))
        self._word_conflict_banner()
        self._word_refused_banner()
        self.add_stakeholder_button.setText(_("Add…"))
        self.edit_stakeholder_button.setText(_("Edit…"))
        self.delete_stakeholder_button.setText(_("Delete"))
        for spec in _PROFILE_FIELDS:
            self._profile_labels[spec.name][0].setText(_(spec.label))
        self.stakeholder_model.retranslate()
        if self._values is not None:
            self._fill()
        self._update_stakeholder_state()
        for panel in self.record_lists.values():
            self._title_record_tab(panel)
        self.tabs.setTabText(self.tabs.indexOf(self.follow_ups), self.follow_ups.title())

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class SyncBanner(QFrame):
    """A coloured line above the account's profile: what sync says of it, and Review…."""

    def __init__(self, name: str, background: str, border: str) -> None:
        super().__init__()
        self.setObjectName(f"{name}_banner")
        self.setStyleSheet(
            f"#{name}_banner {{ background: {background}; border: 1px solid {border}; "
            "border-radius: 4px; }"
        )
        self.text = QLabel()
        self.text.setObjectName(f"{name}_text")
        self.text.setWordWrap(True)
        self.button = QPushButton()
        self.button.setObjectName(f"review_{name}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.hide()

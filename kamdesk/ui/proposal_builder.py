"""The proposal builder: one version of a proposal, edited in place, its figures beside it.

On the left the proposal's header (title, language, currency, deal, horizon, the
customer's discount rate, what the status quo and a competitor cost), then a tab for the
customer's pains and what answers them, a tab per option (good / better / best) with its
line items and benefits, the implementation plan and the terms (payment, why us beside
the deal's competitors, references, next steps). On the right every option's figures
and the cumulative cash-flow chart, always in view.

As the rep types, the figures follow each keystroke: the value typed is put into the
in-memory ``ProposalDocument`` and the engine runs on it, with no trip to the book. When
the field or cell is left, the value is written through the ops as one undoable step
(Ctrl+Z / Ctrl+Shift+Z here as in the main window); a value the book refuses is said at
the field and nothing is written. A sent version opens read-only, with a banner and a
New version button: sending freezes what the customer has.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.fields import FieldSpec
from kamdesk.domain.proposal_figures import proposal_figures
from kamdesk.domain.proposals import ProposalDocument, ProposalStatus
from kamdesk.errors import KamdeskError, ValidationError
from kamdesk.formatting import COMMON_CURRENCIES
from kamdesk.i18n import N_, _, translator
from kamdesk.kinds import Kind
from kamdesk.kinds.proposal import (
    PROPOSAL,
    PROPOSAL_BENEFIT,
    PROPOSAL_KINDS,
    PROPOSAL_LINE,
    PROPOSAL_OPTION,
    PROPOSAL_PAIN,
    PROPOSAL_PHASE,
)
from kamdesk.ops import kinds as kind_ops
from kamdesk.settings import LAST_REPORT_FOLDER
from kamdesk.store.reader import RecordRow
from kamdesk.ui.cash_flow_chart import CashFlowChart
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import date_text
from kamdesk.ui.proposal_cells import (
    CellError,
    affects_figures,
    choices,
    document_with,
    parse_text,
    refusal,
)
from kamdesk.ui.proposal_fields import OptionPage, ProposalField
from kamdesk.ui.proposal_figures import ProposalFiguresPanel
from kamdesk.ui.proposal_tables import RowsPanel
from kamdesk.ui.shortcuts import key_sequences
from kamdesk.ui.undo import actions_for, create_command, delete_command, edit_command

_BANNER_STYLE = "background: #FFF3CD; color: #664D03; border-radius: 4px;"
#: How long the status bar says where a file went, in milliseconds.
_STATUS_MS = 8000

#: How many options a proposal offers: the customer chooses which, not whether.
FEWEST_OPTIONS, MOST_OPTIONS = 2, 3
#: The header's fields, in the order the rep fills them in.
_HEADER_FIELDS = (
    "title",
    "language",
    "currency",
    "opportunity_id",
    "horizon_years",
    "discount_rate",
    "status_quo_cost_minor",
    "competitor_name",
    "competitor_one_off_minor",
    "competitor_per_year_minor",
)
#: The Terms tab's texts.
_TERMS_FIELDS = ("situation", "payment_terms", "why_us", "reference_cases", "next_steps")
#: Columns of the proposal's own tables (an option's are on its page).
_PAIN_COLUMNS = ("pain", "component")
_PHASE_COLUMNS = ("name", "starts_on", "weeks", "deliverables", "owner")
#: What a new row is called until the rep names it, in the proposal's own language.
_NEW_ROW_NAMES: dict[str, tuple[str, str]] = {
    "proposal_line": ("product", N_("New item")),
    "proposal_benefit": ("description", N_("New benefit")),
    "proposal_pain": ("pain", N_("New pain")),
    "proposal_phase": ("name", N_("New phase")),
}
_NEW_ROW_VALUES: dict[str, dict[str, Any]] = {"proposal_line": {"unit_price_minor": 0}}

#: The builder's own actions: (name, keys, menu text). No key here is one the main
#: window gives out (Help → Keyboard shortcuts lists both windows' keys).
BUILDER_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("send", "Ctrl+Shift+Return", N_("Send…")),
    ("new_version", "Ctrl+Alt+V", N_("New version")),
    ("compare", "Ctrl+Alt+C", N_("Compare versions…")),
    ("preview_pdf", "Ctrl+Alt+P", N_("Preview PDF")),
    ("save_pdf", "Ctrl+Shift+S", N_("Save PDF…")),
    ("export_xlsx", "Ctrl+Shift+E", N_("Export spreadsheet…")),
)


#: Keys of the builder's tables and fields, for its Help → Keyboard shortcuts.
BUILDER_WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("Ctrl+N", N_("In a table: add a row")),
    ("Del", N_("In a table: delete the row")),
    ("F2, Enter", N_("In a table: type into the cell")),
    ("Tab", N_("In a table: save the cell, go to the next")),
    ("Esc", N_("In a table: leave the cell unchanged")),
)


def safe_file_name(text: str, fallback: str) -> str:
    """A file name from a title, safe on every system."""
    return re.sub(r'[\\/:*?"<>|]+', "_", text).strip() or fallback


class ProposalBuilder(QMainWindow):
    """One version of a proposal, edited in place, with every option's figures beside it."""

    def __init__(
        self, context: AppContext, proposal_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("proposal_builder")
        # A sent version's fields read as shown, not as waiting for typing.
        self.setStyleSheet(
            'QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] { background: #F1F1F1; }'
        )
        self.context = context
        self.proposal_id = proposal_id
        self.read_only = False
        self._values: dict[str, Any] = {}
        self._account_id = ""
        self._document: ProposalDocument | None = None
        self._options: list[RecordRow] = []
        self._rows: dict[str, list[RecordRow]] = {}
        #: The version each new version shown here was made from (undo goes back to it).
        self._came_from: dict[str, str] = {}

        self.banner = QFrame()
        self.banner.setObjectName("sent_banner")
        self.banner.setStyleSheet(_BANNER_STYLE)
        self.banner_text = QLabel()
        self.banner_text.setObjectName("sent_banner_text")
        self.banner_text.setWordWrap(True)
        self.new_version_button = QPushButton()
        self.new_version_button.setObjectName("new_version_button")
        self.new_version_button.clicked.connect(self.new_version)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.new_version_button)
        self.banner.hide()

        specs = PROPOSAL.specs
        self.fields: dict[str, ProposalField] = {
            name: ProposalField(self, PROPOSAL, specs[name], lambda: self.proposal_id)
            for name in (*_HEADER_FIELDS, *_TERMS_FIELDS)
        }
        self.version_label = QLabel()
        self.version_label.setObjectName("version_label")
        self.version_label.setStyleSheet("color: #6D6D6D;")
        header = QWidget()
        grid = QGridLayout(header)
        grid.setContentsMargins(0, 0, 0, 0)
        title = self.fields["title"]
        title.base_style = "font-size: 16px;"
        title.widget.setStyleSheet(title.base_style)
        grid.addWidget(title.label, 0, 0)
        grid.addWidget(title.widget, 0, 1, 1, 2)
        grid.addWidget(self.version_label, 0, 3)
        grid.addWidget(title.error, 1, 1, 1, 3)
        for i, name in enumerate(_HEADER_FIELDS[1:]):
            field = self.fields[name]
            row, pair = divmod(i, 2)
            grid_row = 2 + row * 2
            grid.addWidget(field.label, grid_row, pair * 2)
            grid.addWidget(field.widget, grid_row, pair * 2 + 1)
            grid.addWidget(field.error, grid_row + 1, pair * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        context_ = context
        self.pains = RowsPanel(context_, PROPOSAL_PAIN, _PAIN_COLUMNS, self, stretch="component")
        self.phases = RowsPanel(
            context_, PROPOSAL_PHASE, _PHASE_COLUMNS, self, stretch="deliverables"
        )
        for panel in (self.pains, self.phases):
            layout = panel.layout()
            if layout is not None:  # a tab of its own: room from the tab's edge
                layout.setContentsMargins(9, 9, 9, 9)
            panel.add_requested.connect(lambda p=panel: self.add_row(p, self.proposal_id))
            panel.delete_requested.connect(lambda rid, p=panel: self.delete_row(p, rid))
        # The deal's named competitors, beside "why us": the answer is to them.
        self.competitors = QListWidget()
        self.competitors.setObjectName("deal_competitors")
        self.competitors.setMaximumHeight(96)
        self.competitors_box = QGroupBox()
        self.competitors_empty = QLabel()
        self.competitors_empty.setWordWrap(True)
        self.competitors_empty.setStyleSheet("color: #6D6D6D;")
        box_layout = QVBoxLayout(self.competitors_box)
        box_layout.addWidget(self.competitors)
        box_layout.addWidget(self.competitors_empty)
        box_layout.addStretch(1)
        terms = QWidget()
        terms_form = QFormLayout(terms)
        for name in _TERMS_FIELDS:
            field = self.fields[name]
            field.widget.setMaximumHeight(110)
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(field.widget)
            box.addWidget(field.error)
            if name == "why_us":
                beside = QHBoxLayout()
                beside.addLayout(box, 3)
                beside.addWidget(self.competitors_box, 2)
                terms_form.addRow(field.label, beside)
            else:
                terms_form.addRow(field.label, box)
        terms_scroll = QScrollArea()
        terms_scroll.setWidgetResizable(True)
        terms_scroll.setFrameShape(QFrame.Shape.NoFrame)
        terms_scroll.setWidget(terms)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("proposal_tabs")
        self.tabs.addTab(self.pains, "")
        self.option_pages: list[OptionPage] = []
        self.tabs.addTab(self.phases, "")
        self.tabs.addTab(terms_scroll, "")
        self._terms_page = terms_scroll

        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addWidget(header)
        editor_layout.addWidget(self.tabs, 1)

        self.figures = ProposalFiguresPanel()
        self.chart = CashFlowChart()
        self.chart.setObjectName("cash_flow_chart")
        self.figures_title = QLabel()
        self.figures_title.setStyleSheet("font-weight: 600;")
        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        figures_box = QWidget()
        figures_layout = QVBoxLayout(figures_box)
        figures_layout.setContentsMargins(0, 0, 0, 0)
        figures_layout.addWidget(self.figures_title)
        figures_layout.addWidget(self.figures, 1)
        right.addWidget(figures_box)
        right.addWidget(self.chart)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(editor)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 560])

        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self._make_actions()
        signals = context.signals
        signals.records_did_change.connect(self._on_records_changed)
        signals.notice_did_post.connect(self._show_notice)
        self.resize(1400, 860)
        self.reload()
        self.retranslate()

    def _show_notice(self, text: str) -> None:
        """A notice (an undo that could not be done) in this window's status bar too."""
        self.statusBar().showMessage(text, _STATUS_MS)

    # Actions -----------------------------------------------------------------

    def _action(self, slot: Callable[[], object], *keys: QKeySequence.StandardKey | str) -> QAction:
        action = QAction(self)
        action.setShortcuts(key_sequences(*keys))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        stack = self.context.undo_stack
        standard = QKeySequence.StandardKey
        slots: dict[str, Callable[[], object]] = {
            "send": self.send,
            "new_version": self.new_version,
            "compare": self.compare_versions,
            "preview_pdf": self.preview_pdf,
            "save_pdf": self.save_pdf,
            "export_xlsx": self.export_xlsx,
        }
        self.actions_by_name = {
            name: self._action(slots[name], key) for name, key, _text in BUILDER_ACTIONS
        }
        self.undo_action = self._action(stack.undo, standard.Undo)
        self.redo_action = self._action(stack.redo, "Ctrl+Shift+Z", standard.Redo)
        self.close_action = self._action(self.close, standard.Close)
        self.shortcuts_action = self._action(self.show_shortcuts, standard.HelpContents)
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        bar = self.menuBar()
        self.proposal_menu = bar.addMenu("")
        for name in ("send", "new_version", "compare"):
            self.proposal_menu.addAction(self.actions_by_name[name])
        self.proposal_menu.addSeparator()
        for name in ("preview_pdf", "save_pdf", "export_xlsx"):
            self.proposal_menu.addAction(self.actions_by_name[name])
        self.proposal_menu.addSeparator()
        self.proposal_menu.addAction(self.close_action)
        self.edit_menu = bar.addMenu("")
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.shortcuts_action)

    # Reading the book ----------------------------------------------------------

    def _on_records_changed(self, kind_name: str, account_id: str) -> None:
        if kind_name in {k.name for k in PROPOSAL_KINDS} and account_id in ("", self._account_id):
            self.reload()

    def reload(self) -> None:
        """Read the version shown again and show it (after every write and every undo)."""
        from kamdesk.ops.proposals import proposal_document

        reader = self.context.reader
        row = reader.record_of(PROPOSAL, self.proposal_id)
        if row is None and self.proposal_id in self._came_from:
            # A new version undone: back to the version it was made from.
            self.proposal_id = self._came_from[self.proposal_id]
            self.reload()
            return
        if row is None:  # deleted (its creation undone): nothing left to edit
            self.statusBar().showMessage(_("This proposal no longer exists."), _STATUS_MS)
            QTimer.singleShot(0, self.close)
            return
        self._values = row.values
        self._account_id = row.parent_id or ""
        self._options = reader.records_of(PROPOSAL_OPTION, self.proposal_id)
        self._rows = {
            PROPOSAL_PAIN.name: reader.records_of(PROPOSAL_PAIN, self.proposal_id),
            PROPOSAL_PHASE.name: reader.records_of(PROPOSAL_PHASE, self.proposal_id),
        }
        for option in self._options:
            self._rows[f"lines:{option.id}"] = reader.records_of(PROPOSAL_LINE, option.id)
            self._rows[f"benefits:{option.id}"] = reader.records_of(PROPOSAL_BENEFIT, option.id)
        try:
            self._document = proposal_document(self.context.book, self.proposal_id, dt.date.today())
        except KamdeskError as error:
            self._document = None
            self.statusBar().showMessage(error.message, _STATUS_MS)
        sent = self._values.get("status") == ProposalStatus.SENT.value
        self.read_only = sent or bool(self.context.book.read_only_reason)
        self._fill()
        self._show_figures(self._document)

    def _fill(self) -> None:
        currency = self.currency()
        self._fill_choices()
        for name, field in self.fields.items():
            field.set_value(self._values.get(name), currency)
            field.set_read_only(self.read_only)
            field.retranslate()  # a money field's label names the currency
        self.pains.set_rows(self._rows[PROPOSAL_PAIN.name], read_only=self.read_only)
        self.phases.set_rows(self._rows[PROPOSAL_PHASE.name], read_only=self.read_only)
        self._fill_option_pages(currency)
        competitors = self._document.competitors if self._document is not None else ()
        self.competitors.clear()
        self.competitors.addItems(list(competitors))
        self.competitors.setVisible(bool(competitors))
        self.competitors_empty.setVisible(not competitors)
        # The competitor compared is, most often, one the deal names: offered as typed.
        compared = self.fields["competitor_name"].widget
        if isinstance(compared, QLineEdit):
            completer = QCompleter(list(competitors), compared)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            compared.setCompleter(completer)
        sent = self._values.get("status") == ProposalStatus.SENT.value
        self.banner.setVisible(sent)
        self.actions_by_name["send"].setEnabled(not self.read_only)
        self.actions_by_name["new_version"].setEnabled(sent and not self.context.book.read_only)
        self._retitle()

    def _fill_choices(self) -> None:
        """The drop-downs' entries: the languages, the currencies, the account's deals."""
        from kamdesk.kinds import kind as kind_named

        language = self.fields["language"].widget
        currency = self.fields["currency"].widget
        deal = self.fields["opportunity_id"].widget
        assert isinstance(language, QComboBox) and isinstance(currency, QComboBox)
        assert isinstance(deal, QComboBox)
        language.clear()
        for code, label in choices(self.context, PROPOSAL.specs["language"]):
            language.addItem(label, code)
        currency.clear()
        codes = list(COMMON_CURRENCIES)
        stored = str(self._values.get("currency") or "")
        if stored and stored not in codes:
            codes.insert(0, stored)
        for code in codes:
            currency.addItem(code, code)
        deal.clear()
        deal.addItem(_("No deal"), None)
        for row in self.context.reader.records_of(kind_named("opportunity"), self._account_id):
            deal.addItem(str(row.values.get("name") or ""), row.id)

    def _fill_option_pages(self, currency: str) -> None:
        """A tab per option, in order; rebuilt only when the options themselves change."""
        ids = [option.id for option in self._options]
        if [page.option_id for page in self.option_pages] != ids:
            current = self.tabs.currentWidget()
            for page in self.option_pages:
                self.tabs.removeTab(self.tabs.indexOf(page))
                page.deleteLater()
            self.option_pages = [OptionPage(self, option_id) for option_id in ids]
            for offset, page in enumerate(self.option_pages):
                self.tabs.insertTab(1 + offset, page, "")
                page.retranslate()
            if current is not None and self.tabs.indexOf(current) >= 0:
                self.tabs.setCurrentWidget(current)
        for page in self.option_pages:
            page.add_option_button.setEnabled(len(ids) < MOST_OPTIONS)
            page.remove_option_button.setEnabled(len(ids) > FEWEST_OPTIONS)
        for page, option in zip(self.option_pages, self._options, strict=True):
            page.show_option(
                option,
                self._rows[f"lines:{option.id}"],
                self._rows[f"benefits:{option.id}"],
                currency,
                self.read_only,
            )

    def _retitle(self) -> None:
        version = self._values.get("version") or 1
        title = str(self._values.get("title") or "")
        self.setWindowTitle(
            _("Proposal: {title} (version {version})").format(title=title, version=version)
        )
        if self._values.get("status") == ProposalStatus.SENT.value:
            sent_on = self._values.get("sent_on")
            state = _("sent on {date}").format(
                date=date_text(sent_on) if isinstance(sent_on, dt.date) else ""
            )
            self.banner_text.setText(
                _("Sent on {date}. Make a new version to change it.").format(
                    date=date_text(sent_on) if isinstance(sent_on, dt.date) else ""
                )
            )
        else:
            state = _("draft")
        self.version_label.setText(
            _("Version {version}, {state}").format(version=version, state=state)
        )
        self.tabs.setTabText(
            self.tabs.indexOf(self.pains),
            _("Pains ({count})").format(count=len(self._rows.get(PROPOSAL_PAIN.name, []))),
        )
        for page, option in zip(self.option_pages, self._options, strict=False):
            name = str(option.values.get("name") or _("Option"))
            star = " ★" if option.values.get("recommended") else ""
            self.tabs.setTabText(self.tabs.indexOf(page), f"{name}{star}")
        self.tabs.setTabText(
            self.tabs.indexOf(self.phases),
            _("Plan ({count})").format(count=len(self._rows.get(PROPOSAL_PHASE.name, []))),
        )
        self.tabs.setTabText(self.tabs.indexOf(self._terms_page), _("Terms"))

    def currency(self) -> str:
        """The proposal's currency (every amount in it)."""
        return str(self._values.get("currency") or "CNY")

    def document(self) -> ProposalDocument | None:
        """The version as the book has it, as the engine, the PDF and the spreadsheet read it."""
        return self._document

    # The figures ---------------------------------------------------------------

    def _show_figures(self, document: ProposalDocument | None) -> None:
        if document is None:
            self.figures.show_figures((), {}, self.currency())
            self.chart.set_series([], [])
            return
        try:
            figures = proposal_figures(document)
        except ArithmeticError:  # amounts past what exact decimals hold: say so, not crash
            self.statusBar().showMessage(
                _("These amounts are too large to work out the figures."), _STATUS_MS
            )
            return
        recommended = document.recommended
        self.figures.show_figures(
            document.options,
            figures,
            document.currency,
            recommended_id=recommended.id if recommended is not None else None,
        )
        shown = [o for o in document.options if o.id in figures and o.lines]
        highlighted = next((i for i, o in enumerate(shown) if o is recommended), None)
        self.chart.set_series(
            [o.name for o in shown],
            [figures[o.id].cumulative for o in shown],
            currency=document.currency,
            highlighted=highlighted,
        )

    def _record_values(self, kind: Kind, record_id: str) -> dict[str, Any]:
        """The stored values of one of the records shown."""
        if kind is PROPOSAL:
            return dict(self._values)
        if kind is PROPOSAL_OPTION:
            rows = self._options
        else:
            rows = [row for group in self._rows.values() for row in group]
        return next((dict(r.values) for r in rows if r.id == record_id), {})

    def preview(self, kind: Kind, record_id: str, spec: FieldSpec, text: str) -> str | None:
        """The rep is typing ``text`` in a field: the figures follow; returns a refusal.

        What the book would refuse is said at once, and the figures then show the
        version as it is, not the refused value.
        """
        if self.read_only:
            return None
        try:
            value = parse_text(spec, text, self.currency())
        except CellError as error:
            return error.message
        message = refusal(self.context, kind, spec, self._record_values(kind, record_id), value)
        if self._document is not None and affects_figures(kind.name, spec.name):
            document = self._document
            if message is None:
                document = document_with(document, kind.name, record_id, spec, value)
            self._show_figures(document)
        return message

    def cancel_preview(self) -> None:
        """The typing was dropped (Esc in a cell): the figures of the version as it is."""
        self._show_figures(self._document)

    # Writing the book ----------------------------------------------------------

    def _announce(self, kind: Kind) -> Callable[[], None]:
        def announce() -> None:
            self.context.signals.records_did_change.emit(kind.name, self._account_id)

        return announce

    def commit(self, kind: Kind, record_id: str, spec: FieldSpec, text: str) -> str | None:
        """Write what was typed into a field; returns why it was refused (nothing written)."""
        try:
            value = parse_text(spec, text, self.currency())
        except CellError as error:
            self._show_figures(self._document)
            return error.message
        return self.commit_value(kind, record_id, spec, value)

    def commit_value(self, kind: Kind, record_id: str, spec: FieldSpec, value: Any) -> str | None:
        """Write a field's new value as one undoable step; returns a refusal, if any."""
        if self.read_only:
            return self._why_read_only()
        stored = self._record_values(kind, record_id)
        unchanged = stored.get(spec.name) == value or (
            value in ("", None) and not stored.get(spec.name)
        )
        if unchanged and not (value in ("", None) and spec.required):
            return None
        book = self.context.book
        try:
            before = kind_ops.update_record(
                book, kind, record_id, {spec.name: value}, base={spec.name: stored.get(spec.name)}
            )
        except ValidationError as error:
            self._show_figures(self._document)
            return error.errors.get(spec.name) or error.message
        except KamdeskError as error:
            self._show_figures(self._document)
            return error.message
        if before:
            announce = self._announce(kind)
            text = _("Edit {field}").format(field=_(spec.label))
            stack = self.context.undo_stack
            # Marking one option recommended unmarks the others: one step to undo.
            others = self._other_recommended(record_id) if spec.name == "recommended" else []
            if others and value:
                stack.beginMacro(text)
            stack.push(
                edit_command(
                    self.context, actions_for(kind), record_id, before, {spec.name: value},
                    text, announce,
                )
            )  # fmt: skip
            if others and value:
                self._unrecommend(others, announce)
                stack.endMacro()
            announce()
        return None

    def _other_recommended(self, option_id: str) -> list[str]:
        return [o.id for o in self._options if o.id != option_id and o.values.get("recommended")]

    def _unrecommend(self, option_ids: list[str], announce: Callable[[], None]) -> None:
        for option_id in option_ids:
            with contextlib.suppress(KamdeskError):
                before = kind_ops.update_record(
                    self.context.book, PROPOSAL_OPTION, option_id, {"recommended": False}
                )
                self.context.undo_stack.push(
                    edit_command(
                        self.context, actions_for(PROPOSAL_OPTION), option_id, before,
                        {"recommended": False}, _("Edit {field}").format(field=_("Recommended")),
                        announce,
                    )
                )  # fmt: skip

    def _why_read_only(self) -> str:
        if self.context.book.read_only_reason:
            return self.context.book.read_only_reason
        return self.banner_text.text()

    def add_row(self, panel: RowsPanel, parent_id: str) -> None:
        """Add a row to a table (a line item, a benefit, a pain, a phase).

        It is named in the proposal's language until the rep names it; the cursor goes
        to its first cell, ready to type.
        """
        if self.read_only:
            panel.show_error(self._why_read_only())
            return
        kind = panel.kind
        language = str(self._values.get("language") or "en")
        values: dict[str, Any] = dict(kind.defaults)
        values.update(_NEW_ROW_VALUES.get(kind.name, {}))
        name_field, name = _NEW_ROW_NAMES[kind.name]
        values[name_field] = translator(language).gettext(name)
        try:
            record_id = kind_ops.create_record(self.context.book, kind, parent_id, values)
        except KamdeskError as error:
            panel.show_error(error.message)
            return
        panel.show_error(None)
        announce = self._announce(kind)
        text = _("Add {record}").format(record=_(kind.label))
        self.context.undo_stack.push(
            create_command(self.context, actions_for(kind), record_id, text, announce)
        )
        announce()
        panel.select_record(record_id)
        panel.table.setFocus()
        panel.table.edit(panel.table.currentIndex())

    def delete_row(self, panel: RowsPanel, record_id: str) -> None:
        """Remove a row (undo brings it back)."""
        if self.read_only:
            panel.show_error(self._why_read_only())
            return
        kind = panel.kind
        try:
            kind_ops.delete_record(self.context.book, kind, record_id)
        except KamdeskError as error:
            panel.show_error(error.message)
            return
        panel.show_error(None)
        announce = self._announce(kind)
        text = _("Delete {record}").format(record=_(kind.label))
        self.context.undo_stack.push(
            delete_command(self.context, actions_for(kind), record_id, text, announce)
        )
        announce()
        self.statusBar().showMessage(
            _("Deleted a {record}. Undo with Ctrl+Z.").format(record=_(kind.label)), _STATUS_MS
        )

    def add_option(self) -> None:
        """Add an option after the others (at most three), and show its tab."""
        if self.read_only or len(self._options) >= MOST_OPTIONS:
            return
        language = str(self._values.get("language") or "en")
        name = (
            translator(language)
            .gettext(N_("Option {number}"))
            .format(number=len(self._options) + 1)
        )
        try:
            option_id = kind_ops.create_record(
                self.context.book, PROPOSAL_OPTION, self.proposal_id, {"name": name}
            )
        except KamdeskError as error:
            self.statusBar().showMessage(error.message, _STATUS_MS)
            return
        announce = self._announce(PROPOSAL_OPTION)
        text = _("Add option {name}").format(name=name)
        self.context.undo_stack.push(
            create_command(self.context, actions_for(PROPOSAL_OPTION), option_id, text, announce)
        )
        announce()
        page = next((p for p in self.option_pages if p.option_id == option_id), None)
        if page is not None:
            self.tabs.setCurrentWidget(page)
            page.fields["name"].widget.setFocus()

    def remove_option(self, option_id: str) -> None:
        """Remove an option with its lines and benefits; undo brings it back.

        At least two stay: a proposal with one option asks whether, not which.
        """
        if self.read_only or len(self._options) <= FEWEST_OPTIONS:
            return
        name = next((str(o.values.get("name")) for o in self._options if o.id == option_id), "")
        try:
            kind_ops.delete_record(self.context.book, PROPOSAL_OPTION, option_id)
        except KamdeskError as error:
            self.statusBar().showMessage(error.message, _STATUS_MS)
            return
        announce = self._announce(PROPOSAL_OPTION)
        text = _("Remove option {name}").format(name=name)
        self.context.undo_stack.push(
            delete_command(self.context, actions_for(PROPOSAL_OPTION), option_id, text, announce)
        )
        announce()
        self.statusBar().showMessage(
            _("Removed option {name}. Undo with Ctrl+Z.").format(name=name), _STATUS_MS
        )

    # Versions ------------------------------------------------------------------

    def show_proposal(self, proposal_id: str) -> None:
        """Show another version of the proposal in this window."""
        self.proposal_id = proposal_id
        self.reload()

    def send(self) -> None:
        """Send… : after a confirmation, stamp today's date and freeze this version."""
        if self.read_only:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Send proposal"),
            _("Send version {version} of “{title}”?").format(
                version=self._values.get("version") or 1, title=self._values.get("title") or ""
            ),
            parent=self,
        )
        box.setObjectName("confirm_send")
        box.setInformativeText(
            _(
                "Sending stamps today's date and freezes this version: what the customer "
                "has stays as it is. To change it later, make a new version."
            )
        )
        send = box.addButton(_("Send"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        if box.clickedButton() is not send:
            return
        from kamdesk.ops.proposals import send_proposal

        try:
            send_proposal(self.context.book, self.proposal_id, dt.date.today())
        except KamdeskError as error:
            QMessageBox.warning(self, _("Send proposal"), error.message)
            return
        self._announce(PROPOSAL)()
        self.statusBar().showMessage(_("Sent. This version is now frozen."), _STATUS_MS)

    def new_version(self) -> None:
        """New version: a draft copy of the sent version, shown here to be changed."""
        if self._values.get("status") != ProposalStatus.SENT.value:
            return
        from kamdesk.ops.proposals import next_version, versions

        sent_id = self.proposal_id
        try:
            existing = {row.id for row in versions(self.context.book, sent_id)}
            new_id = next_version(self.context.book, sent_id)
        except KamdeskError as error:
            QMessageBox.warning(self, _("New version"), error.message)
            return
        self._came_from[new_id] = sent_id
        self.show_proposal(new_id)
        announce = self._announce(PROPOSAL)
        if new_id not in existing:  # made now (not a draft made before): undo removes it
            text = _("New version {version}").format(version=self._values.get("version") or "")
            self.context.undo_stack.push(
                create_command(self.context, actions_for(PROPOSAL), new_id, text, announce)
            )
        announce()
        self.statusBar().showMessage(
            _("Version {version} is a draft: change what you need, then send it.").format(
                version=self._values.get("version") or ""
            ),
            _STATUS_MS,
        )

    def compare_versions(self) -> None:
        """Compare versions…: what changed, field by field, between two versions."""
        from kamdesk.ui.proposal_dialogs import CompareVersionsDialog

        CompareVersionsDialog(self.context, self.proposal_id, self).exec()

    # Outputs -------------------------------------------------------------------

    def _file_name(self, suffix: str) -> str:
        title = safe_file_name(str(self._values.get("title") or ""), _("proposal"))
        return f"{title} v{self._values.get('version') or 1}{suffix}"

    def _make(self, what: str, make: Callable[[], bytes]) -> bytes | None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return make()
        except KamdeskError as error:
            failure = error.message
        finally:
            QApplication.restoreOverrideCursor()
        QMessageBox.warning(self, what, failure)
        return None

    def _pdf(self) -> bytes | None:
        from kamdesk.ops.proposal_outputs import proposal_pdf_of
        from kamdesk.ops.reports import branding_from

        branding = branding_from(self.context.settings)
        return self._make(
            _("Proposal PDF"),
            lambda: proposal_pdf_of(self.context.book, self.proposal_id, branding),
        )

    def preview_pdf(self) -> None:
        """Preview PDF: the proposal as the customer will read it; Save writes it."""
        from kamdesk.ui.pdf_preview import PdfPreviewDialog

        data = self._pdf()
        if data is not None:
            PdfPreviewDialog(data, self._file_name(".pdf"), self.context.settings, self).exec()

    def _ask_where(self, title: str, suffix: str, filter_text: str) -> Path | None:
        folder = self.context.settings.get(LAST_REPORT_FOLDER) or str(Path.home())
        chosen, _filter = QFileDialog.getSaveFileName(
            self, title, str(Path(folder) / self._file_name(suffix)), filter_text
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def _save(self, data: bytes, path: Path, title: str) -> bool:
        from kamdesk.ops.reports import save_file

        try:
            save_file(data, path)
        except KamdeskError as error:
            QMessageBox.warning(self, title, error.message)
            return False
        with contextlib.suppress(KamdeskError):
            self.context.settings.set(LAST_REPORT_FOLDER, str(path.parent))
        self.statusBar().showMessage(_("Saved to {path}").format(path=path), _STATUS_MS)
        return True

    def save_pdf(self) -> Path | None:
        """Save PDF…: ask where, then write the proposal's PDF there."""
        path = self._ask_where(_("Save PDF"), ".pdf", _("PDF files (*.pdf)"))
        data = self._pdf() if path is not None else None
        if path is None or data is None:
            return None
        return path if self._save(data, path, _("Save PDF")) else None

    def export_xlsx(self) -> Path | None:
        """Export spreadsheet…: the figures as live formulas, for the customer's finance team."""
        from kamdesk.ops.proposal_outputs import proposal_xlsx_of

        title = _("Export spreadsheet")
        path = self._ask_where(title, ".xlsx", _("Excel workbooks (*.xlsx)"))
        if path is None:
            return None
        data = self._make(title, lambda: proposal_xlsx_of(self.context.book, self.proposal_id))
        if data is None:
            return None
        return path if self._save(data, path, title) else None

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts (F1): the builder's keys."""
        from kamdesk.ui.shortcuts import ShortcutsDialog

        ShortcutsDialog(self.actions(), self, BUILDER_WIDGET_KEYS).exec()

    # Language ------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        for name, key, text in BUILDER_ACTIONS:
            del key
            self.actions_by_name[name].setText(_(text))
        self.undo_action.setText(_("Undo"))
        self.redo_action.setText(_("Redo"))
        self.close_action.setText(_("Close"))
        self.shortcuts_action.setText(_("Keyboard shortcuts"))
        self.proposal_menu.setTitle(_("&Proposal"))
        self.edit_menu.setTitle(_("&Edit"))
        self.help_menu.setTitle(_("&Help"))
        self.new_version_button.setText(_("New version"))
        for field in self.fields.values():
            field.retranslate()
        self.competitors_box.setTitle(_("The deal's competitors"))
        self.competitors_empty.setText(
            _("No competitors on the deal. Add them on the deal's Competitors tab.")
        )
        self.figures_title.setText(_("Figures, every option side by side"))
        self.pains.set_empty_message(
            _(
                "No pains yet.\nAdd what hurts the customer and what in our solution "
                "answers it: Ctrl+N or Add."
            )
        )
        self.phases.set_empty_message(
            _(
                "No phases yet.\nAdd the implementation's phases, when they start and how "
                "long: Ctrl+N or Add."
            )
        )
        for page in self.option_pages:
            page.retranslate()
        self._fill_choices_keeping()
        self._retitle()

    def _fill_choices_keeping(self) -> None:
        """The drop-downs again, in the new language, on the values stored."""
        if not self._values:
            return
        self._fill_choices()
        for name in ("language", "currency", "opportunity_id"):
            self.fields[name].set_value(self._values.get(name), self.currency())

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Override QWidget.closeEvent: every edit is already saved.

        The field being typed in is written first, as leaving it would.
        """
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            focus.clearFocus()
        event.accept()

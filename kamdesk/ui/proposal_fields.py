"""The builder's fields and an option's tab: editors bound to one field of one record.

A field shows the stored value, tells the builder each keystroke (so the figures follow
the typing) and writes the value when it is left (Return, Tab, a click elsewhere); a
refused value is said under it, outlined in red, and the book keeps what it had. An
option's tab holds its name, summary and recommendation, its line items and benefits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.i18n import _
from kamdesk.kinds import Kind
from kamdesk.kinds.proposal import PROPOSAL_BENEFIT, PROPOSAL_LINE, PROPOSAL_OPTION
from kamdesk.store.reader import RecordRow
from kamdesk.ui.proposal_cells import edit_text
from kamdesk.ui.proposal_tables import AMOUNT, RowsPanel

if TYPE_CHECKING:
    from kamdesk.ui.proposal_builder import ProposalBuilder

_ERROR_STYLE = "color: #C62828;"
_FIELD_ERROR = "border: 2px solid #C62828; border-radius: 3px;"

#: Columns of each table, as the rep reads them left to right.
_LINE_COLUMNS = (
    "product", "item_kind", "quantity", "unit_price_minor", "discount", "billing", "year",
)  # fmt: skip
_BENEFIT_COLUMNS = (
    "kind",
    "description",
    "amount_per_year_minor",
    "hours_per_year",
    "hourly_rate_minor",
    "starts_year",
    "assumption",
)


class LongText(QPlainTextEdit):
    """A text of several lines that says when the rep leaves it (then it is saved)."""

    left = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Override QWidget.focusOutEvent: the text is written when it is left."""
        super().focusOutEvent(event)
        self.left.emit()


class ProposalField(QObject):
    """One field of the proposal (or of an option) bound to its editor and its message."""

    def __init__(
        self,
        builder: ProposalBuilder,
        kind: Kind,
        spec: FieldSpec,
        record_id: Callable[[], str],
        owner: QObject | None = None,
    ) -> None:
        super().__init__(owner or builder)  # goes with its tab when an option is removed
        self.builder = builder
        self.kind = kind
        self.spec = spec
        self._record_id = record_id
        self.label = QLabel()
        self.error = QLabel()
        self.error.setObjectName(f"error_{spec.name}")
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.widget = self._make_widget()
        self.widget.setObjectName(f"field_{spec.name}")
        #: The editor's own look, kept under the red outline of a refused value.
        self.base_style = ""

    def _make_widget(self) -> QWidget:
        spec = self.spec
        if spec.kind in (FieldKind.CHOICE, FieldKind.DEAL, FieldKind.CURRENCY):
            combo = QComboBox()
            combo.activated.connect(lambda _i: self._commit_value(combo.currentData()))
            return combo
        if spec.kind is FieldKind.FLAG:
            box = QCheckBox()
            box.clicked.connect(lambda checked: self._commit_value(bool(checked)))
            return box
        if spec.kind is FieldKind.LONG_TEXT:
            text = LongText()
            text.setTabChangesFocus(True)
            text.left.connect(lambda: self._commit_text(text.toPlainText()))
            return text
        line = QLineEdit()
        line.textEdited.connect(self._preview)
        line.editingFinished.connect(lambda: self._commit_text(line.text()))
        if spec.kind in (FieldKind.MONEY, FieldKind.NUMBER):
            line.setAlignment(Qt.AlignmentFlag.AlignRight)
        return line

    def record_id(self) -> str:
        """The record the field belongs to (the proposal, or an option)."""
        return self._record_id()

    def _preview(self, text: str) -> None:
        self.show_error(self.builder.preview(self.kind, self.record_id(), self.spec, text))

    def _commit_text(self, text: str) -> None:
        if self.builder.read_only or not self.record_id():
            return
        self.show_error(self.builder.commit(self.kind, self.record_id(), self.spec, text))

    def _commit_value(self, value: Any) -> None:
        if self.builder.read_only or not self.record_id():
            return
        self.show_error(self.builder.commit_value(self.kind, self.record_id(), self.spec, value))

    def show_error(self, message: str | None) -> None:
        """Say under the field why a value was refused (None: the value is fine)."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.widget.setStyleSheet(self.base_style + (_FIELD_ERROR if message else ""))

    def set_value(self, value: Any, currency: str) -> None:
        """Show the stored value (leaving alone what the rep is typing right now)."""
        widget = self.widget
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QPlainTextEdit):
            text = str(value or "")
            if widget.toPlainText() != text:
                widget.setPlainText(text)
        elif isinstance(widget, QLineEdit):
            text = edit_text(self.spec, value, currency)
            if widget.text() != text and not (widget.hasFocus() and self.error.isVisible()):
                widget.setText(text)
        if not (widget.hasFocus() and self.error.isVisible()):
            self.show_error(None)

    def set_read_only(self, read_only: bool) -> None:
        """A sent version's fields are shown, not edited."""
        widget = self.widget
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            if widget.isReadOnly() != read_only:
                widget.setReadOnly(read_only)
                widget.style().unpolish(widget)  # the style sheet reads readOnly anew
                widget.style().polish(widget)
        else:
            widget.setEnabled(not read_only)

    def retranslate(self) -> None:
        """Set the label in the current language, with its unit: (%), or the currency."""
        label = _(self.spec.label)
        if self.spec.kind is FieldKind.MONEY:
            label = f"{label} ({self.builder.currency()})"
        elif self.spec.unit:
            label = f"{label} ({self.spec.unit})"
        self.label.setText(label)


class OptionPage(QWidget):
    """One option's tab: its name, summary and recommendation, its lines and benefits."""

    def __init__(self, builder: ProposalBuilder, option_id: str) -> None:
        super().__init__()
        self.option_id = option_id
        self.setObjectName("option_page")
        specs = PROPOSAL_OPTION.specs
        self.fields = {
            name: ProposalField(builder, PROPOSAL_OPTION, specs[name], lambda: self.option_id, self)
            for name in ("name", "summary", "recommended")
        }
        summary = self.fields["summary"].widget
        summary.setMaximumHeight(56)
        context = builder.context
        self.lines = RowsPanel(
            context, PROPOSAL_LINE, (*_LINE_COLUMNS, AMOUNT), builder, stretch="product"
        )
        self.benefits = RowsPanel(
            context, PROPOSAL_BENEFIT, _BENEFIT_COLUMNS, builder, stretch="assumption"
        )
        for panel in (self.lines, self.benefits):
            panel.add_requested.connect(lambda p=panel: builder.add_row(p, self.option_id))
            panel.delete_requested.connect(lambda rid, p=panel: builder.delete_row(p, rid))
        # Two or three options: the customer chooses which, not whether.
        self.add_option_button = QPushButton()
        self.add_option_button.setObjectName("add_option")
        self.add_option_button.clicked.connect(builder.add_option)
        self.remove_option_button = QPushButton()
        self.remove_option_button.setObjectName("remove_option")
        self.remove_option_button.clicked.connect(lambda: builder.remove_option(self.option_id))
        head = QGridLayout()
        name, recommended = self.fields["name"], self.fields["recommended"]
        head.addWidget(name.label, 0, 0)
        head.addWidget(name.widget, 0, 1)
        head.addWidget(recommended.widget, 0, 2)
        head.addWidget(self.add_option_button, 0, 3)
        head.addWidget(self.remove_option_button, 0, 4)
        head.addWidget(name.error, 1, 1, 1, 4)
        head.addWidget(self.fields["summary"].label, 2, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(summary, 2, 1, 1, 4)
        head.setColumnStretch(1, 1)
        tables = QSplitter(Qt.Orientation.Vertical)
        tables.setChildrenCollapsible(False)
        tables.addWidget(self.lines)
        tables.addWidget(self.benefits)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(tables, 1)

    def show_option(
        self,
        option: RecordRow,
        lines: list[RecordRow],
        benefits: list[RecordRow],
        currency: str,
        read_only: bool,
    ) -> None:
        """Fill the tab with an option as the book has it."""
        self.add_option_button.setVisible(not read_only)
        self.remove_option_button.setVisible(not read_only)
        for name, field in self.fields.items():
            field.set_value(option.values.get(name), currency)
            field.set_read_only(read_only)
        self.lines.set_rows(lines, read_only=read_only)
        self.benefits.set_rows(benefits, read_only=read_only)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        for field in self.fields.values():
            field.retranslate()
        self.fields["recommended"].widget.setProperty("text", _("Recommended"))
        self.add_option_button.setText(_("Add option"))
        self.remove_option_button.setText(_("Remove option"))
        self.lines.set_empty_message(
            _("No line items yet.\nAdd what the customer pays for: Ctrl+N or Add.")
        )
        self.benefits.set_empty_message(
            _(
                "No benefits yet.\nAdd what the option is worth to the customer each year, "
                "and the assumption behind it: Ctrl+N or Add."
            )
        )

"""Forms built from the field declarations, with each error shown next to its field.

A form knows how to show a record's values, read back what the user typed, and put a
message under each field that was refused. Typing is never lost: a language switch
re-labels the form but leaves every value as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.domain.rules import choice_fits, does_not_belong, parent_choice
from kamdesk.domain.vocabulary import TIERS
from kamdesk.formatting import COMMON_CURRENCIES
from kamdesk.i18n import _
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import amount_text, parse_amount

#: (id, label) choices for fields that point at another record.
Choices = Callable[[], Sequence[tuple[str, str]]]

ERROR_STYLE = "color: #C62828;"
#: A field whose value was refused: outlined in the message's red, until it is fixed.
FIELD_ERROR_STYLE = '[has_error="true"] { border: 2px solid #C62828; border-radius: 3px; }'
#: Rows of the "Covered by" checklist shown before it scrolls: a whole team of nine and more.
_MEMBER_ROWS_SHOWN = 12

_PASTE_LIMIT = 10_000_000

#: Kinds whose empty value is None rather than empty text.
_REFERENCE_KINDS = frozenset(
    {FieldKind.ACCOUNT, FieldKind.STAKEHOLDER, FieldKind.TEAM_MEMBER, FieldKind.SCORE}
)


class FieldEditor:
    """One field's widget, label and error line."""

    def __init__(self, spec: FieldSpec, widget: QWidget) -> None:
        self.spec = spec
        self.widget = widget
        self.label = QLabel()
        self.label.setBuddy(widget)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.error.setObjectName(f"error_{spec.name}")
        widget.setObjectName(f"field_{spec.name}")
        self.container = QWidget()
        layout = QVBoxLayout(self.container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(self.error)

    def show_error(self, message: str | None) -> None:
        """Show (or clear) the message under the field, and mark (or unmark) the field."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        if bool(self.widget.property("has_error")) != bool(message):
            self.widget.setProperty("has_error", bool(message))
            style = self.widget.style()
            style.unpolish(self.widget)
            style.polish(self.widget)

    @property
    def has_error(self) -> bool:
        """True while the field is marked as refused."""
        return bool(self.widget.property("has_error"))


def _on_edit(widget: QWidget, signal: SignalInstance) -> None:
    """Emit ``signal`` (with no arguments) whenever the user changes what ``widget`` holds."""

    def callback(*_args: object) -> None:
        signal.emit()

    if isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.textChanged.connect(callback)
    elif isinstance(widget, QCheckBox):
        widget.toggled.connect(callback)
    elif isinstance(widget, QListWidget):
        widget.itemChanged.connect(callback)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(callback)
        if widget.isEditable():
            widget.editTextChanged.connect(callback)


class RecordForm(QWidget):
    """The fields of one kind of record, laid out in one or two columns of rows."""

    #: The user changed a value (a form showing errors checks them again).
    edited = Signal()

    def __init__(
        self,
        context: AppContext,
        specs: Sequence[FieldSpec],
        *,
        choices: dict[FieldKind, Choices] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._choices = choices or {}
        self.editors: dict[str, FieldEditor] = {}
        self._currency = "CNY"
        self._loading = False
        layout = QFormLayout()
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in specs:
            editor = FieldEditor(spec, self._make_widget(spec))
            self.editors[spec.name] = editor
            layout.addRow(editor.label, editor.container)
            self._fill_choices(editor)
        self._connect_narrowing()
        for editor in self.editors.values():
            _on_edit(editor.widget, self.edited)
        self.setStyleSheet(FIELD_ERROR_STYLE)
        # Rows keep their natural height; spare room goes below the last one.
        outer = QVBoxLayout(self)
        outer.addLayout(layout)
        outer.addStretch()
        self.retranslate()

    # Building --------------------------------------------------------------

    def _make_widget(self, spec: FieldSpec) -> QWidget:
        kind = spec.kind
        if kind is FieldKind.LONG_TEXT:
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            text.setFixedHeight(72)
            return text
        if kind is FieldKind.FLAG:
            return QCheckBox()
        if kind is FieldKind.TEAM_MEMBERS:
            return QListWidget()
        if kind in (FieldKind.CHOICE, FieldKind.TIER, FieldKind.SCORE, FieldKind.ACCOUNT,
                    FieldKind.STAKEHOLDER, FieldKind.TEAM_MEMBER):  # fmt: skip
            combo = QComboBox()
            if kind is FieldKind.ACCOUNT:
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            return combo
        if kind is FieldKind.CURRENCY:
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(list(COMMON_CURRENCIES))
            return combo
        line = QLineEdit()
        # Qt's default limit (32,767) would cut a runaway paste silently; let the
        # validation refuse it with its real length instead.
        line.setMaxLength(_PASTE_LIMIT)
        if kind is FieldKind.MONEY:
            line.setAlignment(Qt.AlignmentFlag.AlignRight)
        return line

    def _fill_choices(self, editor: FieldEditor) -> None:
        """(Re)fill a combo's items in the current language, keeping its selection."""
        spec, widget = editor.spec, editor.widget
        if isinstance(widget, QListWidget):
            checked = set(self._checked_members(widget))
            widget.clear()
            for member in self._context.team():
                item = QListWidgetItem(member.name)
                item.setData(Qt.ItemDataRole.UserRole, member.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if member.id in checked else Qt.CheckState.Unchecked
                )
                widget.addItem(item)
            self._fit_member_list(widget)
            return
        if not isinstance(widget, QComboBox) or spec.kind is FieldKind.CURRENCY:
            return
        current = widget.currentData()
        widget.blockSignals(True)
        widget.clear()
        widget.addItem("—", None)
        if spec.kind is FieldKind.CHOICE:
            assert spec.vocabulary is not None
            parent_code = self._parent_code(spec)
            for term in self._context.vocabulary(spec.vocabulary.value):
                if term.code == current or choice_fits(spec.vocabulary, term.code, parent_code):
                    label = self._context.label(spec.vocabulary.value, term.code)
                    widget.addItem(label, term.code)
        elif spec.kind is FieldKind.TIER:
            for tier in TIERS:
                widget.addItem(tier, tier)
        elif spec.kind is FieldKind.SCORE:
            for score in range(1, 6):
                widget.addItem(f"{score}  {'●' * score}{'○' * (5 - score)}", score)
        else:
            source = self._choices.get(spec.kind)
            for record_id, label in source() if source else ():
                widget.addItem(label, record_id)
        found = widget.findData(current)
        widget.setCurrentIndex(max(found, 0))
        widget.blockSignals(False)

    # Choices that narrow each other ------------------------------------------

    def _parent_code(self, spec: FieldSpec) -> str:
        parent = self.editors.get(spec.narrowed_by or "")
        if parent is None or not isinstance(parent.widget, QComboBox):
            return ""
        return str(parent.widget.currentData() or "")

    def _connect_narrowing(self) -> None:
        """Let a choice and the choice narrowing it only ever be made to agree.

        A force offers only the forces of the chosen buying role, and choosing a force
        picks its role.
        """
        for editor in self.editors.values():
            parent = self.editors.get(editor.spec.narrowed_by or "")
            if parent is None:
                continue
            child_combo, parent_combo = editor.widget, parent.widget
            assert isinstance(child_combo, QComboBox) and isinstance(parent_combo, QComboBox)
            parent_combo.currentIndexChanged.connect(lambda _i, e=editor: self._on_parent_chosen(e))
            child_combo.currentIndexChanged.connect(
                lambda _i, e=editor, p=parent_combo: self._on_child_chosen(e, p)
            )

    def _on_parent_chosen(self, editor: FieldEditor) -> None:
        if self._loading:
            return
        combo = editor.widget
        assert isinstance(combo, QComboBox)
        code = str(combo.currentData() or "")
        if code and not choice_fits(editor.spec.vocabulary, code, self._parent_code(editor.spec)):
            combo.setCurrentIndex(0)  # the user changed the role: the old force goes
        self._fill_choices(editor)

    def _on_child_chosen(self, editor: FieldEditor, parent_combo: QComboBox) -> None:
        combo = editor.widget
        assert isinstance(combo, QComboBox)
        parent = parent_choice(editor.spec.vocabulary, str(combo.currentData() or ""))
        if parent is not None and not self._loading and parent_combo.currentData() != parent:
            found = parent_combo.findData(parent)
            if found >= 0:
                parent_combo.setCurrentIndex(found)

    @staticmethod
    def _fit_member_list(widget: QListWidget) -> None:
        """Tall enough for the whole team (up to a dozen rows), so no one is cut off."""
        rows = min(max(widget.count(), 1), _MEMBER_ROWS_SHOWN)
        row_height = widget.sizeHintForRow(0) if widget.count() else 20
        widget.setFixedHeight(rows * row_height + 2 * widget.frameWidth() + 4)

    def retranslate(self) -> None:
        """Set labels and choice texts in the current language."""
        for editor in self.editors.values():
            label = _(editor.spec.label)
            editor.label.setText(f"{label}{' *' if editor.spec.required else ''}")
            # Only vocabulary is translated; lists of names stay as they are, so a name
            # being typed into an editable box survives the switch.
            if editor.spec.kind is FieldKind.CHOICE:
                self._fill_choices(editor)
            if editor.spec.kind is FieldKind.MONEY:
                assert isinstance(editor.widget, QLineEdit)
                editor.widget.setPlaceholderText(amount_text(0, self._currency))

    # Values ----------------------------------------------------------------

    @staticmethod
    def _checked_members(widget: QListWidget) -> list[str]:
        return [
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_currency(self, currency: str) -> None:
        """The currency amounts are typed in (money fields parse with it)."""
        self._currency = currency or "CNY"

    def set_values(self, values: dict[str, Any]) -> None:
        """Show a record's stored values, as they are (even a pair that does not agree)."""
        self._loading = True
        try:
            self._set_values(values)
        finally:
            self._loading = False
        for editor in self.editors.values():
            spec = editor.spec
            if spec.narrowed_by is None or spec.narrowed_by not in self.editors:
                continue
            self._fill_choices(editor)  # the stored choice stays, whatever its parent
            assert isinstance(editor.widget, QComboBox)
            code = str(editor.widget.currentData() or "")
            if not choice_fits(spec.vocabulary, code, self._parent_code(spec)):
                editor.show_error(does_not_belong(spec, self.editors[spec.narrowed_by].spec))

    def _set_values(self, values: dict[str, Any]) -> None:
        if values.get("currency"):
            self.set_currency(str(values["currency"]))
        for name, value in values.items():
            editor = self.editors.get(name)
            if editor is None:
                continue
            widget = editor.widget
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(str(value or ""))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QListWidget):
                wanted = set(value or ())
                first_ticked = None
                for i in range(widget.count()):
                    item = widget.item(i)
                    ticked = item.data(Qt.ItemDataRole.UserRole) in wanted
                    item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                    if ticked and first_ticked is None:
                        first_ticked = item
                if first_ticked is not None:  # show who covers them without scrolling
                    widget.scrollToItem(first_ticked)
            elif isinstance(widget, QComboBox) and editor.spec.kind is FieldKind.CURRENCY:
                widget.setCurrentText(str(value or ""))
            elif isinstance(widget, QComboBox):
                found = widget.findData(value if value != "" else None)
                if found < 0 and value and editor.spec.kind in _REFERENCE_KINDS:
                    # Someone no longer in the lists (a deleted owner or manager): keep the
                    # value, so saving an unrelated change does not quietly clear it.
                    widget.addItem(_("(removed)"), value)
                    found = widget.count() - 1
                widget.setCurrentIndex(max(found, 0))
            elif isinstance(widget, QLineEdit) and editor.spec.kind is FieldKind.MONEY:
                widget.setText(amount_text(value, self._currency))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value or ""))

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """What the user entered, and messages for entries that cannot even be read."""
        values: dict[str, Any] = {}
        unreadable: dict[str, str] = {}
        currency_editor = self.editors.get("currency")
        if currency_editor is not None:
            assert isinstance(currency_editor.widget, QComboBox)
            self._currency = currency_editor.widget.currentText().strip().upper()
        for name, editor in self.editors.items():
            widget = editor.widget
            if isinstance(widget, QPlainTextEdit):
                values[name] = widget.toPlainText()
            elif isinstance(widget, QCheckBox):
                values[name] = widget.isChecked()
            elif isinstance(widget, QListWidget):
                values[name] = tuple(self._checked_members(widget))
            elif isinstance(widget, QComboBox) and editor.spec.kind is FieldKind.CURRENCY:
                values[name] = widget.currentText().strip().upper()
            elif isinstance(widget, QComboBox):
                values[name] = self._combo_value(editor, widget, unreadable)
            elif isinstance(widget, QLineEdit) and editor.spec.kind is FieldKind.MONEY:
                try:
                    values[name] = parse_amount(widget.text(), self._currency)
                except ValueError:
                    unreadable[name] = _("Enter an amount such as {example}.").format(
                        example=amount_text(123456789, self._currency)
                    )
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text()
        return values, unreadable

    def _combo_value(
        self, editor: FieldEditor, widget: QComboBox, unreadable: dict[str, str]
    ) -> Any:
        data = widget.currentData()
        if editor.spec.kind is FieldKind.ACCOUNT and widget.isEditable():
            # The user may type a name instead of picking: accept an exact match only.
            typed = widget.currentText().strip()
            if typed in ("", "—"):
                return None
            if widget.itemText(widget.currentIndex()) != typed:
                found = widget.findText(typed, Qt.MatchFlag.MatchFixedString)
                if found < 0:
                    unreadable[editor.spec.name] = _("Choose an account from the list.")
                    return None
                data = widget.itemData(found)
        if data is None:
            return None if editor.spec.kind in _REFERENCE_KINDS else ""
        return data

    def first_editor(self) -> FieldEditor | None:
        """The first field of the form (where typing starts)."""
        return next(iter(self.editors.values()), None)

    def show_errors(self, errors: dict[str, str]) -> FieldEditor | None:
        """Put each message under its field; returns the first field in error."""
        first: FieldEditor | None = None
        for name, editor in self.editors.items():
            message = errors.get(name)
            editor.show_error(message)
            if message and first is None:
                first = editor
        return first

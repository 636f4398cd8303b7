"""Forms built from the field declarations, with each error shown next to its field.

A form knows how to show a record's values, read back what the user typed, and put a
message under each field that was refused. Typing is never lost: a language switch
re-labels the form but leaves every value as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPainter, QPen, QPixmap, QValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.domain.rules import choice_fits, does_not_belong, parent_choice
from kamdesk.domain.visits import NonexistentTimeError, in_zone, local_zone_name, to_utc
from kamdesk.domain.vocabulary import TIERS
from kamdesk.formatting import COMMON_CURRENCIES
from kamdesk.i18n import _
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import amount_text, date_text, parse_amount
from kamdesk.ui.values import as_date, number_text, parse_number

#: (id, label) choices for fields that point at another record.
Choices = Callable[[], Sequence[tuple[str, str]]]
#: Values to fill in as the user edits a field: (the field edited, every value shown) →
#: values for other fields (a deal's stage gives its probability). See ``Kind.suggest``.
Suggest = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]

ERROR_STYLE = "color: #C62828;"
#: A field whose value was refused: outlined in the message's red, until it is fixed.
FIELD_ERROR_STYLE = '[has_error="true"] { border: 2px solid #C62828; border-radius: 3px; }'
#: Rows of the "Covered by" checklist shown before it scrolls: a whole team of nine and more.
_MEMBER_ROWS_SHOWN = 12

_PASTE_LIMIT = 10_000_000

#: Kinds whose empty value is None rather than empty text.
_REFERENCE_KINDS = frozenset(
    {
        FieldKind.ACCOUNT,
        FieldKind.STAKEHOLDER,
        FieldKind.TEAM_MEMBER,
        FieldKind.SCORE,
        FieldKind.DEAL,
        FieldKind.QUESTION,
    }
)
#: Combos whose text is the value (typed or picked), not an item's data.
_TEXT_COMBOS = frozenset({FieldKind.CURRENCY, FieldKind.TIME_ZONE})
#: The time zones a visit's form offers first (any other IANA name may be typed).
COMMON_TIME_ZONES = (
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
    "Asia/Seoul", "Asia/Kolkata", "Asia/Dubai", "Europe/London", "Europe/Berlin",
    "Europe/Paris", "America/New_York", "America/Chicago", "America/Los_Angeles",
    "Australia/Sydney", "UTC",
)  # fmt: skip


# Dates ------------------------------------------------------------------------

#: 2026-12-31, 2026/12/31, 2026.12.31 and 2026年12月31日: year first, in any language.
_YEAR_FIRST = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
#: 12/31/2026: the American order, the one the English screens use.
_MONTH_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
#: "Dec 31, 2026" (the medium date shown) and its usual variants, with English month names.
_NAMED_MONTH_FORMATS = (
    "MMM d, yyyy", "MMMM d, yyyy", "MMM d yyyy", "MMMM d yyyy", "d MMM yyyy", "d MMMM yyyy",
)  # fmt: skip


def parse_date(text: str) -> dt.date | None:
    """The date a user typed, or None for an empty field.

    Takes the medium date the app shows in either language ("Dec 31, 2026",
    "2026年12月31日"), ISO dates and the usual numeric forms, so a date copied from the
    screen or typed the short way both work. Raises ValueError when it is not a date.
    """
    from PySide6.QtCore import QLocale

    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    parts: tuple[int, int, int] | None = None
    if found := _YEAR_FIRST.match(cleaned):
        parts = (int(found[1]), int(found[2]), int(found[3]))
    elif found := _MONTH_FIRST.match(cleaned):
        parts = (int(found[3]), int(found[1]), int(found[2]))
    if parts is not None:
        try:
            return dt.date(*parts)
        except ValueError as error:  # the 31st of February
            raise ValueError(text) from error
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    for pattern in _NAMED_MONTH_FORMATS:
        date = english.toDate(cleaned, pattern)
        if date.isValid():
            return dt.date(date.year(), date.month(), date.day())
    raise ValueError(text)


def _calendar_icon() -> QIcon:
    """A small calendar page, drawn: no icon theme is needed (and none exists offscreen)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#555555"), 1.2))
    painter.drawRoundedRect(QRectF(1.5, 2.5, 13, 12), 1.5, 1.5)
    painter.fillRect(QRectF(2, 3, 12, 3), QColor("#555555"))
    for row in range(2):
        for column in range(3):
            painter.fillRect(QRectF(4 + column * 3.2, 8 + row * 3, 2, 2), QColor("#555555"))
    painter.end()
    return QIcon(pixmap)


class DateEdit(QLineEdit):
    """A date field: type a date, or pick one from the calendar (the icon, or Alt+Down).

    It may be left empty (no date yet). What it shows is the medium date of the current
    language; what it gives back is a ``datetime.date``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.calendar_action = QAction(_calendar_icon(), "", self)
        self.calendar_action.triggered.connect(self.show_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self._calendar: QCalendarWidget | None = None
        self.editingFinished.connect(self._tidy)
        self.retranslate()

    def _tidy(self) -> None:
        """Once typed, a date reads as every date does: 2026-12-31 becomes Dec 31, 2026."""
        try:
            typed = self.date()
        except ValueError:
            return  # left as typed, for its message
        if typed is not None and self.text() != date_text(typed):
            self.set_date(typed)

    def date(self) -> dt.date | None:
        """The date typed or picked; raises ValueError when the text is not a date."""
        return parse_date(self.text())

    def set_date(self, value: dt.date | None) -> None:
        """Show ``value`` in the medium format (nothing for None)."""
        self.setText(date_text(value))

    def retranslate(self) -> None:
        """Show the date, and the example, in the current language's medium format."""
        self.setPlaceholderText(date_text(dt.date(dt.date.today().year, 12, 31)))
        self.calendar_action.setToolTip(_("Choose from a calendar (Alt+Down)"))
        try:
            shown = self.date()
        except ValueError:
            return  # half typed: left as it is
        if shown is not None and self.text() != date_text(shown):
            self.set_date(shown)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Override QWidget.keyPressEvent: Alt+Down (or F4) opens the calendar."""
        key, alt = event.key(), event.modifiers() & Qt.KeyboardModifier.AltModifier
        if (key == Qt.Key.Key_Down and alt) or key == Qt.Key.Key_F4:
            self.show_calendar()
            return
        super().keyPressEvent(event)

    def show_calendar(self) -> None:
        """Open the calendar under the field, on the date shown (or today)."""
        if self._calendar is None:
            self._calendar = QCalendarWidget(self)
            self._calendar.setWindowFlags(Qt.WindowType.Popup)
            self._calendar.setObjectName("date_calendar")
            self._calendar.setGridVisible(True)
            self._calendar.clicked.connect(self._picked)
            self._calendar.activated.connect(self._picked)
        try:
            shown = self.date() or dt.date.today()
        except ValueError:
            shown = dt.date.today()
        self._calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        self._calendar.adjustSize()
        self._calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self._calendar.show()
        self._calendar.setFocus()

    def _picked(self, date: QDate) -> None:
        self.set_date(dt.date(date.year(), date.month(), date.day()))
        if self._calendar is not None:
            self._calendar.hide()
        self.setFocus()


#: "… 09:30" at the end of a date and time: 24-hour, a Chinese colon allowed.
_TIME_AT_END = re.compile(r"^(.*?)[\sT,，]+(\d{1,2})\s*[:：]\s*(\d{2})$")


class DateTimeEdit(DateEdit):
    """A date and a time of day: ``Dec 8, 2026 09:30`` (24-hour), the calendar for the date.

    It gives back the wall-clock time typed (naive); the form reads it in the record's
    time zone (see ``RecordForm.values``), so changing the zone keeps the times typed.
    """

    def _split(self) -> tuple[str, dt.time | None]:
        text = " ".join(self.text().split())
        found = _TIME_AT_END.match(text)
        if found is None:
            return text, None
        hour, minute = int(found[2]), int(found[3])
        if hour > 23 or minute > 59:
            raise ValueError(text)
        return found[1], dt.time(hour, minute)

    def date(self) -> dt.date | None:
        """The date part; raises ValueError when it is not a date."""
        return parse_date(self._split()[0])

    def wall(self) -> dt.datetime | None:
        """The date and time typed, or None when empty; ValueError when either is missing."""
        day_text, time = self._split()
        day = parse_date(day_text)
        if day is None and time is None:
            return None
        if day is None or time is None:
            raise ValueError(self.text())
        return dt.datetime.combine(day, time)

    def set_date(self, value: dt.date | None) -> None:
        """Show ``value`` as the date, keeping the time typed (09:00 when there is none)."""
        try:
            time = self._split()[1]
        except ValueError:
            time = None
        if value is None:
            self.setText("")
            return
        self.set_wall(dt.datetime.combine(value, time or dt.time(9, 0)))

    def set_wall(self, value: dt.datetime | None) -> None:
        """Show a wall-clock time (nothing for None)."""
        self.setText("" if value is None else f"{date_text(value.date())} {value:%H:%M}")

    def _tidy(self) -> None:
        try:
            typed = self.wall()
        except ValueError:
            return  # left as typed, for its message
        if typed is not None:
            self.set_wall(typed)

    def retranslate(self) -> None:
        """Show the time, and the example, in the current language's medium date."""
        self.setPlaceholderText(f"{date_text(dt.date(dt.date.today().year, 12, 31))} 09:30")
        self.calendar_action.setToolTip(_("Choose from a calendar (Alt+Down)"))
        self._tidy()


class PercentSpinBox(QSpinBox):
    """A whole percentage, 0 to 100, that may also be empty (shown as "—").

    Emptying the text empties the field, as it does in a text field, rather than putting
    the old number back.
    """

    #: The value that stands for "no percentage": below the range, shown as its dash.
    EMPTY = -1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(self.EMPTY, 100)
        self.setSuffix("%")
        self.setSpecialValueText("—")
        self.setValue(self.EMPTY)
        self.setAccelerated(True)

    def percent(self) -> int | None:
        """The percentage, or None when empty."""
        self.interpretText()
        return None if self.value() == self.EMPTY else self.value()

    def set_percent(self, value: int | None) -> None:
        """Show ``value`` (empty for None)."""
        self.setValue(self.EMPTY if value is None else int(value))

    def _number_part(self, text: str) -> str:
        return text.replace(self.suffix(), "").replace(self.specialValueText(), "").strip()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        """Override QAbstractSpinBox.validate: an empty field is a value (no percentage)."""
        if not self._number_part(text):
            return QValidator.State.Acceptable, text, pos
        return super().validate(text, pos)

    def valueFromText(self, text: str) -> int:
        """Override QSpinBox.valueFromText: nothing typed means no percentage."""
        if not self._number_part(text):
            return self.EMPTY
        return super().valueFromText(text)


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


def _on_edit(widget: QWidget, then: Callable[[], object]) -> None:
    """Call ``then`` (with no arguments) whenever what ``widget`` holds changes."""

    def callback(*_args: object) -> None:
        then()

    if isinstance(widget, QSpinBox):
        widget.valueChanged.connect(callback)
    elif isinstance(widget, QLineEdit | QPlainTextEdit):
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
        suggest: Suggest | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._choices = choices or {}
        self._suggest = suggest
        self.editors: dict[str, FieldEditor] = {}
        self._currency = "CNY"
        #: The zone a record's times are shown in when the form has no time zone field.
        self._time_zone = local_zone_name()
        self._loading = False
        #: Above 0 while the form itself changes values (narrowing, suggestions): such
        #: changes are not the user's and suggest nothing.
        self._filling = 0
        #: Fields the user changed in this form: a suggestion never overwrites them.
        self._touched: set[str] = set()
        layout = QFormLayout()
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in specs:
            editor = FieldEditor(spec, self._make_widget(spec))
            editor.widget.setEnabled(not spec.read_only)  # kept by the actions, not typed
            self.editors[spec.name] = editor
            layout.addRow(editor.label, editor.container)
            self._fill_choices(editor)
        self._connect_narrowing()
        for name, editor in self.editors.items():
            _on_edit(editor.widget, self.edited.emit)
            _on_edit(editor.widget, partial(self._user_edited, name))
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
        if kind in (FieldKind.TEAM_MEMBERS, FieldKind.STAKEHOLDERS):
            return QListWidget()
        if kind is FieldKind.DATETIME:
            return DateTimeEdit()
        if kind is FieldKind.DATE:
            return DateEdit()
        if kind is FieldKind.TIME_ZONE:
            zones = QComboBox()
            zones.setEditable(True)
            zones.addItems(list(COMMON_TIME_ZONES))
            return zones
        if kind is FieldKind.PERCENT:
            return PercentSpinBox()
        if kind in (FieldKind.CHOICE, FieldKind.TIER, FieldKind.SCORE, FieldKind.ACCOUNT,
                    FieldKind.STAKEHOLDER, FieldKind.TEAM_MEMBER, FieldKind.DEAL,
                    FieldKind.QUESTION):  # fmt: skip
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
        if kind in (FieldKind.MONEY, FieldKind.NUMBER):
            line.setAlignment(Qt.AlignmentFlag.AlignRight)
        return line

    def _fill_choices(self, editor: FieldEditor) -> None:
        """(Re)fill a combo's items in the current language, keeping its selection."""
        spec, widget = editor.spec, editor.widget
        if isinstance(widget, QListWidget):
            checked = set(self._checked_members(widget))
            widget.clear()
            people = self._choices.get(FieldKind.STAKEHOLDERS)
            listed = (
                (people() if people else [])
                if spec.kind is FieldKind.STAKEHOLDERS
                else [(member.id, member.name) for member in self._context.team()]
            )
            for record_id, name in listed:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, record_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if record_id in checked else Qt.CheckState.Unchecked
                )
                widget.addItem(item)
            self._fit_member_list(widget)
            return
        if not isinstance(widget, QComboBox) or spec.kind in _TEXT_COMBOS:
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
        with self._filling_in():
            if code and not choice_fits(
                editor.spec.vocabulary, code, self._parent_code(editor.spec)
            ):
                combo.setCurrentIndex(0)  # the user changed the role: the old force goes
                # What the user chose there is gone, so a suggestion may fill it again.
                self._touched.discard(editor.spec.name)
            self._fill_choices(editor)

    def _on_child_chosen(self, editor: FieldEditor, parent_combo: QComboBox) -> None:
        combo = editor.widget
        assert isinstance(combo, QComboBox)
        parent = parent_choice(editor.spec.vocabulary, str(combo.currentData() or ""))
        if parent is not None and not self._loading and parent_combo.currentData() != parent:
            found = parent_combo.findData(parent)
            if found >= 0:
                with self._filling_in():
                    parent_combo.setCurrentIndex(found)

    # Suggestions -------------------------------------------------------------

    @contextmanager
    def _filling_in(self) -> Iterator[None]:
        """Changes made inside are the form's own, not the user's."""
        self._filling += 1
        try:
            yield
        finally:
            self._filling -= 1

    def _user_edited(self, name: str) -> None:
        """The user changed ``name``: remember it, and fill in what its new value suggests.

        A field the user changed themselves is never overwritten: a probability typed
        by hand stays when the stage moves on.
        """
        if self._loading or self._filling:
            return
        self._touched.add(name)
        if self._suggest is None:
            return
        suggested = self._suggest(name, self.values()[0])
        fill = {k: v for k, v in suggested.items() if k in self.editors and k not in self._touched}
        if fill:
            with self._filling_in():
                self._set_values(fill)

    def set_suggest(self, suggest: Suggest | None) -> None:
        """What fills in fields as the user edits (see ``Kind.suggest``)."""
        self._suggest = suggest

    def fill_in(self, values: Mapping[str, Any]) -> None:
        """Put ``values`` in the fields of this form the user has not changed.

        For what an edit in another form of the same record suggests (a dialog's long
        texts are a form of their own: an objection's type fills its steps there).
        """
        fill = {k: v for k, v in values.items() if k in self.editors and k not in self._touched}
        if fill:
            with self._filling_in():
                self._set_values(fill)

    def touched(self) -> frozenset[str]:
        """The fields the user changed in this form (not those filled in for them)."""
        return frozenset(self._touched)

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
            if isinstance(editor.widget, DateEdit):
                # The date shown follows the language ("Dec 31, 2026" → "2026年12月31日").
                with self._filling_in():
                    editor.widget.retranslate()

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
        if values.get("time_zone"):
            self._time_zone = str(values["time_zone"])
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
            elif isinstance(widget, QComboBox) and editor.spec.kind in _TEXT_COMBOS:
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
            elif isinstance(widget, QLineEdit) and editor.spec.kind is FieldKind.NUMBER:
                widget.setText(number_text(value, editor.spec.scale))
            elif isinstance(widget, DateTimeEdit):
                moment = value if isinstance(value, dt.datetime) else None
                widget.set_wall(
                    None
                    if moment is None
                    else in_zone(moment, self._time_zone).replace(tzinfo=None)
                )
            elif isinstance(widget, DateEdit):
                widget.set_date(as_date(value))
            elif isinstance(widget, PercentSpinBox):
                widget.set_percent(None if value in (None, "") else int(value))
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
            elif isinstance(widget, QComboBox) and editor.spec.kind is FieldKind.TIME_ZONE:
                values[name] = widget.currentText().strip()
            elif isinstance(widget, QComboBox):
                values[name] = self._combo_value(editor, widget, unreadable)
            elif isinstance(widget, QLineEdit) and editor.spec.kind is FieldKind.MONEY:
                try:
                    values[name] = parse_amount(widget.text(), self._currency)
                except ValueError:
                    unreadable[name] = _("Enter an amount such as {example}.").format(
                        example=amount_text(123456789, self._currency)
                    )
            elif isinstance(widget, QLineEdit) and editor.spec.kind is FieldKind.NUMBER:
                try:
                    values[name] = parse_number(widget.text(), editor.spec.scale, editor.spec.unit)
                except ValueError:
                    unreadable[name] = _("Enter a number such as {example}.").format(
                        example=number_text(125 * 10**editor.spec.scale // 10, editor.spec.scale)
                    )
            elif isinstance(widget, DateTimeEdit):
                self._read_moment(name, widget, values, unreadable)
            elif isinstance(widget, DateEdit):
                try:
                    values[name] = widget.date()
                except ValueError:
                    unreadable[name] = _("Enter a date such as {example}.").format(
                        example=date_text(dt.date(dt.date.today().year, 12, 31))
                    )
            elif isinstance(widget, PercentSpinBox):
                values[name] = widget.percent()
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text()
        return values, unreadable

    def _zone_shown(self) -> str:
        """The time zone the form's times are in: its own field's, or the record's."""
        editor = self.editors.get("time_zone")
        if editor is not None and isinstance(editor.widget, QComboBox):
            return editor.widget.currentText().strip()
        return self._time_zone

    def _read_moment(
        self, name: str, widget: DateTimeEdit, values: dict[str, Any], unreadable: dict[str, str]
    ) -> None:
        """The moment of the wall-clock time typed, in the form's time zone."""
        example = _("Enter a date and time such as {example}.").format(
            example=f"{date_text(dt.date(dt.date.today().year, 12, 31))} 09:30"
        )
        try:
            wall = widget.wall()
        except ValueError:
            unreadable[name] = example
            return
        if wall is None:
            values[name] = None
            return
        zone_name = self._zone_shown()
        try:
            values[name] = to_utc(wall, zone_name)
        except NonexistentTimeError:
            unreadable[name] = _(
                "There is no {time} in {zone} that day: the clocks go forward. "
                "Choose a time before or after the change."
            ).format(time=f"{wall:%H:%M}", zone=zone_name)
        except ValueError:
            values[name] = wall  # no such zone: that field says so

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

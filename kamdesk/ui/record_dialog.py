"""The dialog that creates or edits one record, with messages next to refused fields."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.errors import KamdeskError, ValidationError
from kamdesk.i18n import _
from kamdesk.ui.context import AppContext
from kamdesk.ui.forms import ERROR_STYLE, Choices, RecordForm, Suggest

#: Saves the values; raises ValidationError (shown by the fields) or another KamdeskError.
Save = Callable[[dict[str, Any]], None]
#: Checks the values without saving; raises ValidationError like Save.
Validate = Callable[[dict[str, Any]], None]


class RecordDialog(QDialog):
    """Short fields on a first tab, long texts on a second; Save keeps the dialog open on error."""

    def __init__(
        self,
        context: AppContext,
        title: Callable[[], str],
        specs: Sequence[FieldSpec],
        save: Save,
        *,
        values: dict[str, Any] | None = None,
        choices: dict[FieldKind, Choices] | None = None,
        validate: Validate | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._save = save
        self._validate = validate
        self._showing_errors = False
        #: Pages beside the form's own (a deal's people), each with its title.
        self._pages: list[tuple[QWidget, Callable[[], str]]] = []
        short = [s for s in specs if s.kind is not FieldKind.LONG_TEXT]
        long = [s for s in specs if s.kind is FieldKind.LONG_TEXT]
        self.main_form = RecordForm(context, short, choices=choices)
        self.details_form = RecordForm(context, long, choices=choices)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._scrolling(self.main_form), "")
        if long:
            self.tabs.addTab(self._scrolling(self.details_form), "")
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.try_save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        if values:
            self.main_form.set_values(values)
            self.details_form.set_values(values)
        for form in (self.main_form, self.details_form):
            form.edited.connect(self._on_edited)
        self.resize(620, 640)
        self.retranslate()
        first = self.main_form.first_editor()
        if first is not None:
            # Typing right after Ctrl+N lands in the first field, not nowhere.
            first.widget.setFocus()

    @staticmethod
    def _scrolling(form: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(form)
        return area

    def retranslate(self) -> None:
        """Set every text in the current language; typed values stay."""
        self.setWindowTitle(self._title())
        self.tabs.setTabText(0, _("Profile"))
        if self.details_form.editors:
            self.tabs.setTabText(1, _("Details"))
        self.retitle_pages()
        self.main_form.retranslate()
        self.details_form.retranslate()

    def set_suggest(self, suggest: Suggest | None) -> None:
        """Fill in what the user's edits suggest (``Kind.suggest``), in both forms.

        Each form's suggestion sees every value of the dialog, and what it suggests for
        the other form's fields is filled in there (where the user has not typed).
        """
        forms = (self.main_form, self.details_form)
        for form, other in (forms, forms[::-1]):
            if suggest is None:
                form.set_suggest(None)
                continue
            form.set_suggest(functools.partial(self._suggest_across, suggest, other))

    @staticmethod
    def _suggest_across(
        suggest: Suggest, other: RecordForm, edited: str, values: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        suggested = suggest(edited, {**other.values()[0], **values})
        other.fill_in(suggested)
        return suggested

    def add_page(self, page: QWidget, title: Callable[[], str]) -> None:
        """Add a tab after the form's own, titled by ``title`` in the current language.

        Such a page lists records that belong to this one (a deal's people): they are
        kept as they are made, whether the form is then saved or not.
        """
        self._pages.append((page, title))
        self.tabs.addTab(page, title())

    def retitle_pages(self) -> None:
        """Title the added pages again (their counts changed, or the language)."""
        for page, title in self._pages:
            self.tabs.setTabText(self.tabs.indexOf(page), title())

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self._showing_errors:
                self._recheck()
        super().changeEvent(event)

    def _on_edited(self) -> None:
        """While messages are shown, check again as the user fixes things."""
        if self._showing_errors:
            self._recheck(refocus=False)

    def _recheck(self, *, refocus: bool = True) -> None:
        """Word the shown messages again, in the new language, without saving."""
        values, errors = self.values()
        if self._validate is not None:
            try:
                self._validate(values)
            except ValidationError as error:
                errors = {**error.errors, **errors}
            except KamdeskError as error:
                self._show({}, error.message, refocus=refocus)
                return
        if errors:
            self._show(errors, _("Please correct the fields marked in red."), refocus=refocus)
        else:
            self._clear_messages()

    def _clear_messages(self) -> None:
        """Every value is fine now: no message, no field marked."""
        self._showing_errors = False
        self.message.hide()
        for form in (self.main_form, self.details_form):
            form.show_errors({})

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Everything typed, and messages for what could not be read."""
        values, unreadable = self.main_form.values()
        more, more_unreadable = self.details_form.values()
        return {**values, **more}, {**unreadable, **more_unreadable}

    def try_save(self) -> None:
        """Save and close, or show why not and stay open with everything as typed."""
        values, unreadable = self.values()
        errors = dict(unreadable)
        if not errors:
            try:
                self._save(values)
            except ValidationError as error:
                errors = error.errors
            except KamdeskError as error:
                self._show({}, error.message)
                return
            else:
                self.accept()
                return
        self._show(errors, _("Please correct the fields marked in red."))

    def _show(self, errors: dict[str, str], message: str, *, refocus: bool = True) -> None:
        self._showing_errors = True
        self.message.setText(message)
        self.message.show()
        first = None
        for index, form in enumerate((self.main_form, self.details_form)):
            editor = form.show_errors(errors)
            if editor is not None and first is None:
                first = editor
                self.tabs.setCurrentIndex(index)
        if first is not None and refocus:
            first.widget.setFocus()

"""The Settings dialog: language, and the company's look on PDFs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError
from kamdesk.formatting import COMMON_CURRENCIES
from kamdesk.i18n import LANGUAGES, _, current_language
from kamdesk.settings import (
    ACCENT_COLOR,
    COMPANY_NAME,
    DEFAULT_CURRENCY,
    LANGUAGE,
    LOGO_PATH,
    PRIMARY_COLOR,
    Setting,
)
from kamdesk.ui.context import AppContext
from kamdesk.ui.forms import ERROR_STYLE
from kamdesk.ui.translation import apply_language


class ColorButton(QPushButton):
    """A button showing a colour; clicking it opens the colour chooser."""

    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = color
        self.clicked.connect(self._choose)
        self._paint()

    def _choose(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color), self)
        if chosen.isValid():
            self.color = chosen.name().upper()
            self._paint()

    def _paint(self) -> None:
        self.setText(self.color)
        self.setStyleSheet(f"background: {self.color}; color: white; padding: 4px 12px;")


class SettingsDialog(QDialog):
    """Edit the settings; OK saves them and switches the language at once."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        settings = context.settings
        self.language = QComboBox()
        for language in LANGUAGES:
            self.language.addItem(language.native_name, language.code)
        # The language shown now (``--language`` may override the saved one for a run).
        self.language.setCurrentIndex(max(self.language.findData(current_language().code), 0))
        self.company = QLineEdit(settings.get(COMPANY_NAME))
        self.logo = QLineEdit(settings.get(LOGO_PATH))
        self.logo.textChanged.connect(self._preview_logo)
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse_logo)
        self.logo_preview = QLabel()
        self.logo_preview.setFixedHeight(48)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(self.browse)
        self.primary = ColorButton(settings.get(PRIMARY_COLOR))
        self.accent = ColorButton(settings.get(ACCENT_COLOR))
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(list(COMMON_CURRENCIES))
        self.currency.setCurrentText(settings.get(DEFAULT_CURRENCY))
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

        self.form = QFormLayout()
        self._rows: list[tuple[Setting[str], QWidget]] = [
            (LANGUAGE, self.language),
            (COMPANY_NAME, self.company),
            (LOGO_PATH, self.logo),
            (PRIMARY_COLOR, self.primary),
            (ACCENT_COLOR, self.accent),
            (DEFAULT_CURRENCY, self.currency),
        ]
        self._labels: dict[str, QLabel] = {}
        for setting, widget in self._rows:
            label = QLabel()
            self._labels[setting.key] = label
            if widget is self.logo:
                holder = QWidget()
                holder_layout = QVBoxLayout(holder)
                holder_layout.setContentsMargins(0, 0, 0, 0)
                holder_layout.addLayout(logo_row)
                holder_layout.addWidget(self.logo_preview)
                self.form.addRow(label, holder)
            else:
                self.form.addRow(label, widget)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._preview_logo()
        self.setMinimumWidth(520)
        self.retranslate()

    def _browse_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a logo"), self.logo.text(), _("Images (*.png *.jpg *.jpeg)")
        )
        if path:
            self.logo.setText(path)

    def _preview_logo(self) -> None:
        path = self.logo.text().strip()
        pixmap = QPixmap(path) if path and Path(path).is_file() else QPixmap()
        if pixmap.isNull():
            self.logo_preview.setText(_("No logo") if not path else _("This file is not an image."))
        else:
            self.logo_preview.setPixmap(pixmap.scaledToHeight(44))

    def save(self) -> None:
        """Check and store every setting; switch the language if it changed."""
        settings = self._context.settings
        values: dict[str, str] = {
            LANGUAGE.key: str(self.language.currentData()),
            COMPANY_NAME.key: self.company.text().strip(),
            LOGO_PATH.key: self.logo.text().strip(),
            PRIMARY_COLOR.key: self.primary.color,
            ACCENT_COLOR.key: self.accent.color,
            DEFAULT_CURRENCY.key: self.currency.currentText().strip().upper(),
        }
        logo = values[LOGO_PATH.key]
        if logo and QPixmap(logo).isNull():
            self._refuse(_("The logo must be a PNG or JPEG image file."))
            return
        for setting, _widget in self._rows:
            if not setting.is_valid(values[setting.key]):
                self._refuse(
                    _("{setting}: this value is not valid.").format(setting=_(setting.title))
                )
                return
        language_changed = values[LANGUAGE.key] != current_language().code
        try:
            for setting, _widget in self._rows:
                settings.set(setting, values[setting.key])
        except KamdeskError as error:
            self._refuse(error.message)
            return
        self.accept()
        self._context.signals.settings_did_change.emit()
        if language_changed:
            apply_language(values[LANGUAGE.key])
            self._context.signals.language_did_change.emit(values[LANGUAGE.key])

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Settings"))
        for setting, _widget in self._rows:
            self._labels[setting.key].setText(_(setting.title))
        self.browse.setText(_("Browse…"))
        self._preview_logo()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

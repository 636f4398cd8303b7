"""Preview a generated PDF in the app (QtPdf) and save it where the user chooses."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.ops.reports import save_file
from kamdesk.settings import LAST_REPORT_FOLDER, Settings


class PdfPreviewDialog(QDialog):
    """Shows the PDF's pages; Save (Ctrl+S) writes the exact bytes previewed."""

    def __init__(
        self, data: bytes, suggested_name: str, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data = data
        self._suggested = suggested_name
        self._settings = settings
        self.saved_path: Path | None = None
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.accepted.connect(self.save_as)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(self.buttons)
        self.resize(760, 900)
        self.retranslate()

    def page_count(self) -> int:
        """How many pages the previewed PDF has."""
        return int(self.document.pageCount())

    def save_as(self) -> None:
        """Ask where, then write the PDF atomically."""
        folder = self._settings.get(LAST_REPORT_FOLDER) or str(Path.home())
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save PDF"), str(Path(folder) / self._suggested), _("PDF files (*.pdf)")
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        """Write the previewed PDF to ``path``."""
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            save_file(self.data, path)
        except KamdeskError as error:
            QMessageBox.warning(self, _("Save PDF"), error.message)
            return
        self.saved_path = path
        # Only a convenience for next time: the PDF is saved whether or not this is.
        with contextlib.suppress(KamdeskError):
            self._settings.set(LAST_REPORT_FOLDER, str(path.parent))
        self.accept()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Preview: {name}").format(name=self._suggested))

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

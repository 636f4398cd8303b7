"""A friendly line shown over an empty view, saying why it is empty and what to do."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QLabel


class EmptyState(QLabel):
    """Centered text over a view's viewport (a list, a table, a text), shown while it is empty."""

    def __init__(self, view: QAbstractScrollArea) -> None:
        super().__init__(view.viewport())
        self._view = view
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: #6D6D6D; padding: 24px;")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Override QObject.eventFilter: follow the viewport's size."""
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.viewport().rect())
        return False

    def update_for(self, row_count: int, message: str) -> None:
        """Show ``message`` when there are no rows, hide it otherwise."""
        self.setText(message)
        self.setGeometry(self._view.viewport().rect())
        self.setVisible(row_count == 0)

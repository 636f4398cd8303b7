"""What every flat table model of KAMDesk shares: translated column titles and row counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kamdesk.i18n import _


class TitledTableModel(QAbstractTableModel):
    """A table whose columns have translatable titles (declared with ``N_``).

    Subclasses say how many rows they show (``row_count``) and what each cell holds.
    """

    def __init__(self, titles: Sequence[str]) -> None:
        super().__init__()
        self._titles = tuple(titles)

    def row_count(self) -> int:
        """How many rows the table shows now."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-label the headers and every cell after a language switch, keeping the selection."""
        last_column = len(self._titles) - 1
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last_column)
        rows = self.row_count()
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, last_column))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        """Override QAbstractTableModel.rowCount."""
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        """Override QAbstractTableModel.columnCount."""
        return 0 if parent.isValid() else len(self._titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Override QAbstractTableModel.headerData."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self._titles[section])
        return None

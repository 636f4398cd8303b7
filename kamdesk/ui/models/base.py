"""What every flat table model of KAMDesk shares: translated column titles and row counts."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QIcon, QStandardItemModel

from kamdesk.i18n import _

# Qt's item roles and alignments as plain ints (their values are fixed by Qt). Touching
# anything in ``Qt``'s namespace makes PySide build all of its ~90 enums, about 15 ms,
# and the account list must paint before that; tests/ui/test_models.py checks the values.
DISPLAY_ROLE = 0
DECORATION_ROLE = 1
TOOLTIP_ROLE = 3
TEXT_ALIGNMENT_ROLE = 7
BACKGROUND_ROLE = 8
FOREGROUND_ROLE = 9
USER_ROLE = 256
ALIGN_RIGHT_VCENTER = 0x0082
ALIGN_CENTER = 0x0084


_CONFLICT_ICON: list[QIcon] = []


def conflict_icon() -> QIcon:
    """The warning sign beside an account with open sync conflicts (made when first needed)."""
    if not _CONFLICT_ICON:
        from PySide6.QtWidgets import QApplication, QStyle

        style = QApplication.style()
        _CONFLICT_ICON.append(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
    return _CONFLICT_ICON[0]


class TitledTableModel(QAbstractTableModel):
    """A table whose columns have translatable titles (declared with ``N_``).

    Subclasses say how many rows they show (``row_count``) and what each cell holds. The
    titles live in ``header_model()``, which a view's horizontal header shows; there is
    deliberately no ``headerData`` override, because Qt calls it with one of ``Qt``'s enums
    while a view is being set up (see the note on the roles above).
    """

    def __init__(self, titles: Sequence[str]) -> None:
        super().__init__()
        self._titles = tuple(titles)
        self._header: QStandardItemModel | None = None

    def header_model(self) -> QStandardItemModel:
        """The column titles as a plain Qt model, for a view's horizontal header."""
        if self._header is None:
            self._header = QStandardItemModel(0, len(self._titles))
            self._label_header()
        return self._header

    def _label_header(self) -> None:
        if self._header is not None:
            self._header.setHorizontalHeaderLabels([_(title) for title in self._titles])

    def row_count(self) -> int:
        """How many rows the table shows now."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-label the headers and every cell after a language switch, keeping the selection."""
        self._label_header()
        rows = self.row_count()
        if rows:
            last_column = len(self._titles) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, last_column))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        """Override QAbstractTableModel.rowCount."""
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        """Override QAbstractTableModel.columnCount."""
        return 0 if parent.isValid() else len(self._titles)

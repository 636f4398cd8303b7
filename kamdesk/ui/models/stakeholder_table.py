"""The stakeholders of one account as a Qt table model (the relationship map in rows)."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kamdesk.domain.coverage import is_decision_maker
from kamdesk.domain.vocabulary import Attitude, VocabularyKind
from kamdesk.i18n import N_, _
from kamdesk.store.reader import StakeholderRow
from kamdesk.store.visits import last_contacted
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import date_text
from kamdesk.ui.models.base import TitledTableModel

ID_ROLE = Qt.ItemDataRole.UserRole + 1

_ATTITUDE_COLORS = {
    Attitude.SUPPORTIVE: "#2E7D32",
    Attitude.NEUTRAL: "#6D6D6D",
    Attitude.OPPOSED: "#C62828",
}


class Column(IntEnum):
    """The columns of the stakeholder table."""

    NAME = 0
    TITLE = 1
    LEVEL = 2
    ROLE = 3
    FORCE = 4
    ATTITUDE = 5
    INFLUENCE = 6
    REPORTS_TO = 7
    COVERED_BY = 8
    #: When they last attended a visit (``kamdesk.store.visits.last_contacted``).
    LAST_CONTACTED = 9


_TITLES = {
    Column.NAME: N_("Name"),
    Column.TITLE: N_("Title / department"),
    Column.LEVEL: N_("Level"),
    Column.ROLE: N_("Buying role"),
    Column.FORCE: N_("Force"),
    Column.ATTITUDE: N_("Attitude"),
    Column.INFLUENCE: N_("Influence"),
    Column.REPORTS_TO: N_("Reports to"),
    Column.COVERED_BY: N_("Covered by"),
    Column.LAST_CONTACTED: N_("Last contacted"),
}


#: Behind a decision maker nobody covers (only decision makers count in the KPI).
_UNCOVERED_BRUSH = QBrush(QColor("#FDECEA"))


def label_of(context: AppContext, kind: VocabularyKind, code: object) -> str:
    """A vocabulary label ('' for no code)."""
    return context.label(kind, str(code or ""))


def influence_dots(influence: int | None) -> str:
    """●●●○○ for an influence of 3 out of 5."""
    return "" if influence is None else "●" * influence + "○" * (5 - influence)


class StakeholderTableModel(TitledTableModel):
    """The live stakeholders of the account shown on the account page."""

    def __init__(self, context: AppContext) -> None:
        super().__init__([_TITLES[column] for column in Column])
        self._context = context
        self._account_id: str | None = None
        self._rows: list[StakeholderRow] = []
        self._last_contacted: dict[str, dt.datetime] = {}
        context.signals.stakeholders_did_change.connect(self._on_stakeholders_changed)
        context.signals.records_did_change.connect(self._on_records_changed)
        context.signals.team_did_change.connect(self.reload)

    def show_account(self, account_id: str | None) -> None:
        """Show the stakeholders of ``account_id`` (none for None)."""
        self._account_id = account_id
        self.reload()

    def reload(self) -> None:
        """Read the stakeholders again."""
        self.beginResetModel()
        self._rows = self._context.reader.stakeholders(self._account_id) if self._account_id else []
        self._last_contacted = (
            last_contacted(self._context.book.db, self._account_id, dt.datetime.now(dt.UTC))
            if self._account_id
            else {}
        )
        self.endResetModel()

    def _on_stakeholders_changed(self, account_id: str) -> None:
        if account_id == self._account_id:
            self.reload()

    def _on_records_changed(self, kind_name: str, account_id: str) -> None:
        if kind_name == "visit" and account_id == self._account_id:
            self.reload()  # who attended which visit: their last contact

    def last_contacted(self, stakeholder_id: str) -> dt.datetime | None:
        """When the stakeholder last attended a visit, or None."""
        return self._last_contacted.get(stakeholder_id)

    def rows(self) -> list[StakeholderRow]:
        """The stakeholders shown, in order."""
        return self._rows

    def row_count(self) -> int:
        """How many stakeholders the account has."""
        return len(self._rows)

    def stakeholder_id(self, row: int) -> str | None:
        """The id shown on ``row``."""
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, stakeholder_id: str) -> int | None:
        """The row showing ``stakeholder_id``."""
        return next((i for i, r in enumerate(self._rows) if r.id == stakeholder_id), None)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Override QAbstractTableModel.data."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column is Column.ATTITUDE:
            color = _ATTITUDE_COLORS.get(row.values["attitude"])
            return QBrush(QColor(color)) if color else None
        if column is Column.COVERED_BY and not row.covered_by and self._decides(row):
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("A decision maker nobody on our team covers.")
            if role == Qt.ItemDataRole.BackgroundRole:
                return _UNCOVERED_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.ROLE:
            force = label_of(self._context, VocabularyKind.FORCE, row.values["force"])
            return force or None
        return None

    @staticmethod
    def _decides(row: StakeholderRow) -> bool:
        return is_decision_maker(str(row.values["buying_role"]), str(row.values["level"]))

    def _display(self, row: StakeholderRow, column: Column) -> str:
        values = row.values
        label = self._context.label
        match column:
            case Column.NAME:
                return row.name
            case Column.TITLE:
                return " / ".join(p for p in (str(values["title"]), str(values["department"])) if p)
            case Column.LEVEL:
                return label(VocabularyKind.LEVEL, values["level"])
            case Column.ROLE:
                return label(VocabularyKind.BUYING_ROLE, values["buying_role"])
            case Column.FORCE:
                return label(VocabularyKind.FORCE, values["force"])
            case Column.ATTITUDE:
                return label(VocabularyKind.ATTITUDE, values["attitude"])
            case Column.INFLUENCE:
                return influence_dots(values["influence"])
            case Column.REPORTS_TO:
                boss = values["reports_to_id"]
                return next((r.name for r in self._rows if r.id == boss), "")
            case Column.COVERED_BY:
                return ", ".join(self._context.member_name(m) for m in row.covered_by)
            case Column.LAST_CONTACTED:
                moment = self._last_contacted.get(row.id)
                return date_text(moment.astimezone().date()) if moment else ""

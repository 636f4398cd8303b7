"""The account list as a Qt table model: a list of ids, rows fetched on demand.

Searching, filtering and sorting happen in SQL (``BookReader.account_ids``) and only
replace the id list; the rows a view paints are fetched in pages and cached, so a list
of 10,000 accounts opens and filters instantly (the Anki browser's design).
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from PySide6 import QtCore  # Qt is read as QtCore.Qt when used: see models/base.py
from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor

from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.i18n import N_, _
from kamdesk.store.reader import AccountQuery, AccountRow, AccountSort
from kamdesk.store.visits import overdue_accounts
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import money_text
from kamdesk.ui.models.base import (
    ALIGN_CENTER,
    ALIGN_RIGHT_VCENTER,
    DECORATION_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
    TitledTableModel,
    conflict_icon,
)

#: Rows fetched around the one a view asks for: one query fills a screenful and more.
PAGE = 60

ID_ROLE = USER_ROLE + 1


class Column(IntEnum):
    """The columns of the account list."""

    NAME = 0
    TIER = 1
    INDUSTRY = 2
    STAGE = 3
    OWNER = 4
    GROUP = 5
    REVENUE = 6
    STAKEHOLDERS = 7
    #: "Overdue" for an account with a follow-up past its due date.
    OVERDUE = 8


_TITLES = {
    Column.NAME: N_("Account"),
    Column.TIER: N_("Tier"),
    Column.INDUSTRY: N_("Industry"),
    Column.STAGE: N_("Stage"),
    Column.OWNER: N_("Owner"),
    Column.GROUP: N_("Parent account"),
    Column.REVENUE: N_("Revenue with us"),
    Column.STAKEHOLDERS: N_("Stakeholders"),
    Column.OVERDUE: N_("Follow-ups"),
}
#: The red of refused fields: an overdue follow-up is something to fix.
_OVERDUE_COLOR = QColor("#C62828")

_HANDLED_ROLES = frozenset(
    {DISPLAY_ROLE, DECORATION_ROLE, TEXT_ALIGNMENT_ROLE, FOREGROUND_ROLE, TOOLTIP_ROLE, ID_ROLE}
)
_ALIGNMENTS: dict[int, int] = {
    Column.REVENUE: ALIGN_RIGHT_VCENTER,
    Column.STAKEHOLDERS: ALIGN_RIGHT_VCENTER,
    Column.TIER: ALIGN_CENTER,
}
_TIER_COLORS: dict[str, QColor] = {
    tier: QColor(color) for tier, color in (("A", "#C0504D"), ("B", "#D08A1C"), ("C", "#5B7C99"))
}

_SORTS = {
    Column.NAME: AccountSort.NAME,
    Column.TIER: AccountSort.TIER,
    Column.INDUSTRY: AccountSort.INDUSTRY,
    Column.STAGE: AccountSort.LIFECYCLE_STAGE,
    Column.OWNER: AccountSort.OWNER,
    Column.GROUP: AccountSort.PARENT,
    Column.REVENUE: AccountSort.REVENUE,
    Column.STAKEHOLDERS: AccountSort.STAKEHOLDERS,
}


class AccountTableModel(TitledTableModel):
    """Live accounts matching the current search and filters, in the chosen order."""

    def __init__(self, context: AppContext) -> None:
        super().__init__([_TITLES[column] for column in Column])
        self._context = context
        self._query = AccountQuery()
        self._ids: list[str] = []
        self._rows: dict[str, AccountRow] = {}
        self._texts: dict[str, tuple[str | int, ...]] = {}
        #: Of the rows fetched, those with an overdue follow-up (read with each page).
        self._overdue: set[str] = set()
        #: Open sync conflicts by account; None until the markers are first shown (after
        #: the first paint, see ``show_conflict_markers``), then read once per refresh.
        self._conflicts: dict[str, int] | None = None
        self._load_ids()
        signals = context.signals
        signals.account_did_change.connect(self.refresh)
        signals.stakeholders_did_change.connect(self._forget_row)
        signals.stakeholders_did_change.connect(self._reload_conflicts)
        signals.records_did_change.connect(self._on_records_changed)
        signals.team_did_change.connect(self.refresh)
        signals.book_did_sync.connect(self.refresh)

    # Queries -------------------------------------------------------------

    @property
    def query(self) -> AccountQuery:
        """The search, filters and order shown now."""
        return self._query

    def set_query(self, query: AccountQuery) -> None:
        """Show the accounts matching ``query``."""
        if query != self._query:
            self._query = query
            # A new search or order changes no conflict: the counts read are kept.
            self.beginResetModel()
            self._load_ids()
            self.endResetModel()

    def set_search_text(self, text: str) -> None:
        """Filter by what the user types in the search box."""
        self.set_query(self._query._replace(text=text))

    def refresh(self, *_args: object) -> None:
        """Read the id list again, and the conflict counts (after an edit, or a sync)."""
        self.beginResetModel()
        self._load_ids()
        if self._conflicts is not None:
            self._conflicts = self._read_conflicts()
        self.endResetModel()

    def _load_ids(self) -> None:
        self._ids = self._context.reader.account_ids(self._query)
        self._rows = {}
        self._texts = {}
        self._overdue = set()

    def _on_records_changed(self, kind_name: str, account_id: str) -> None:
        if kind_name in ("follow_up", "visit"):  # its overdue marker may change
            self._forget_row(account_id)
        self._reload_conflicts()

    # Sync conflict markers -------------------------------------------------

    def _read_conflicts(self) -> dict[str, int]:
        from kamdesk.ops.conflicts import conflicts_by_account

        return conflicts_by_account(self._context.book)

    def show_conflict_markers(self) -> None:
        """Mark the accounts with open sync conflicts from now on (read once per refresh).

        Called once the list has painted: the first paint does not wait for the count.
        """
        self._conflicts = {}
        self._reload_conflicts()

    def _reload_conflicts(self, *_args: object) -> None:
        """Read the counts again (a resolution, an edit) and repaint the names that changed."""
        if self._conflicts is None:
            return
        before, self._conflicts = self._conflicts, self._read_conflicts()
        for account_id in set(before) | set(self._conflicts):
            if before.get(account_id) != self._conflicts.get(account_id):
                row = self.row_of(account_id)
                if row is not None:
                    index = self.index(row, Column.NAME)
                    self.dataChanged.emit(index, index)

    def conflict_count(self, account_id: str) -> int:
        """How many open sync conflicts the list marks on an account."""
        return (self._conflicts or {}).get(account_id, 0)

    def _forget_row(self, account_id: str) -> None:
        # People count in searches and in the stakeholder-count order: then the list
        # itself may change, not just this row.
        if self._query.text.strip() or self._query.sort is AccountSort.STAKEHOLDERS:
            self.refresh()
            return
        self._rows.pop(account_id, None)
        self._texts.pop(account_id, None)
        row = self.row_of(account_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def retranslate(self) -> None:
        """Labels follow a language switch without losing the selection."""
        self._texts = {}
        super().retranslate()

    def row_count(self) -> int:
        """How many accounts match now."""
        return len(self._ids)

    def ids(self) -> list[str]:
        """The ids of the accounts shown, in order."""
        return list(self._ids)

    def account_id(self, row: int) -> str | None:
        """The id shown on ``row``."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, account_id: str) -> int | None:
        """The row showing ``account_id``, if it is shown."""
        try:
            return self._ids.index(account_id)
        except ValueError:
            return None

    def _row(self, row: int) -> AccountRow | None:
        account_id = self._ids[row]
        cached = self._rows.get(account_id)
        if cached is None:
            page = [
                i for i in self._ids[max(0, row - PAGE // 4) : row + PAGE] if i not in self._rows
            ]
            self._rows.update(self._context.reader.account_rows(page))
            self._overdue.difference_update(page)
            self._overdue.update(overdue_accounts(self._context.book.db, page, dt.date.today()))
            cached = self._rows.get(account_id)
        return cached

    # QAbstractTableModel ---------------------------------------------------

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY_ROLE) -> Any:
        """Override QAbstractTableModel.data."""
        # Called for every role of every visible cell on each paint: refuse unhandled
        # roles first, and compare plain ints (building an IntEnum per call is slow).
        if role not in _HANDLED_ROLES or not index.isValid():
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role == DECORATION_ROLE:
            if index.column() != Column.NAME or not self._conflicts:
                return None
            return conflict_icon() if self._ids[index.row()] in self._conflicts else None
        row = self._row(index.row())
        if row is None:
            return None
        column = index.column()
        if role == DISPLAY_ROLE:
            return self._display(row, column)
        if role == TEXT_ALIGNMENT_ROLE:
            return _ALIGNMENTS.get(column)
        if role == FOREGROUND_ROLE:
            if column == Column.OVERDUE:
                return _OVERDUE_COLOR
            return _TIER_COLORS.get(row.tier) if column == Column.TIER else None
        if column != Column.NAME:
            return None
        count = self.conflict_count(row.id)
        if count:
            from kamdesk.ui.conflicts_view import conflict_count_text

            return f"{row.name}\n⚠ {conflict_count_text(count)}"
        return row.name

    def _display(self, row: AccountRow, column: int) -> str | int:
        texts = self._texts.get(row.id)
        if texts is None:
            texts = self._texts[row.id] = self._row_texts(row)
        return texts[column]

    def _row_texts(self, row: AccountRow) -> tuple[str | int, ...]:
        """Every cell of a row as shown, worked out once: a paint asks for each many times."""
        label = self._context.label
        return (
            row.name,
            row.tier,
            label(VocabularyKind.INDUSTRY, row.industry),
            label(VocabularyKind.LIFECYCLE_STAGE, row.lifecycle_stage),
            row.owner_name,
            row.parent_name,
            money_text(row.annual_revenue_minor, row.currency),
            row.stakeholder_count,
            _("Overdue") if row.id in self._overdue else "",
        )

    def sort(self, column: int, order: QtCore.Qt.SortOrder | None = None) -> None:
        """Override QAbstractTableModel.sort: the book sorts, in SQL."""
        if column not in _SORTS:
            return  # the overdue marker is read per page, not sortable in SQL
        self.set_query(
            self._query._replace(
                sort=_SORTS[Column(column)],
                descending=order == QtCore.Qt.SortOrder.DescendingOrder,
            )
        )

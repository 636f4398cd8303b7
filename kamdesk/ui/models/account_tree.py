"""Accounts as a tree of groups, headquarters and branches, loaded a level at a time.

Only the top level is read when the tree is first shown; a group's children are read
when it is expanded, so a book with thousands of accounts opens the tree at once.

The tree obeys the list's search and filters: with a query, it shows the matching
accounts under their groups (the groups themselves greyed when they do not match), so
the status bar's "4 of 31" is what both tabs show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.i18n import N_, _
from kamdesk.store.reader import AccountQuery, AccountRow, AccountSort
from kamdesk.ui.context import AppContext
from kamdesk.ui.models.base import conflict_icon

ID_ROLE = Qt.ItemDataRole.UserRole + 1

_TITLES = (N_("Account"), N_("Position in group"), N_("Tier"))

#: Groups shown only because a matching branch is under them.
_CONTEXT_BRUSH = QBrush(QColor("#8A8A8A"))


class _Node:
    __slots__ = ("account_id", "child_count", "children", "parent", "row")

    def __init__(self, account_id: str | None, parent: _Node | None, row: int) -> None:
        self.account_id = account_id
        self.parent = parent
        self.row = row
        self.children: list[_Node] | None = None
        self.child_count = 0


class AccountTreeModel(QAbstractItemModel):
    """Groups with their headquarters and branches."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self._context = context
        self._root = _Node(None, None, 0)
        self._rows: dict[str, AccountRow] = {}
        self._query = AccountQuery()
        #: With a search or filter: the matching accounts, and every account shown
        #: (the matches and the groups above them). None when nothing is filtered.
        self._matches: frozenset[str] | None = None
        self._shown: frozenset[str] | None = None
        self._given_matches: Sequence[str] | None = None
        self._parent_of: dict[str, str | None] | None = None
        self._shown_children: Counter[str | None] = Counter()
        #: Open sync conflicts by account (the tree is built after the first paint).
        self._conflicts = self._read_conflicts()
        self._load_children(self._root)
        signals = context.signals
        signals.account_did_change.connect(self.refresh)
        signals.book_did_sync.connect(self._on_sync)
        signals.stakeholders_did_change.connect(self._reload_conflicts)
        signals.records_did_change.connect(self._reload_conflicts)

    def set_query(self, query: AccountQuery, matches: Sequence[str] | None = None) -> None:
        """Show only the accounts matching ``query`` (the order aside), under their groups.

        ``matches`` are those accounts' ids when the caller has them already (the list
        just read them), which saves reading them again.
        """
        query = query._replace(sort=AccountSort.NAME, descending=False)  # the tree: by name
        if query != self._query:
            self._query = query
            self._given_matches = matches
            self.refresh()

    def shown_count(self) -> int | None:
        """How many accounts a search or filter leaves in the tree; None when unfiltered."""
        return None if self._shown is None else len(self._shown)

    def refresh(self, *args: object) -> None:
        """Forget everything and read the top level again (after an edit: the groups too)."""
        if args:  # an account changed: where it sits may have changed too
            self._parent_of = None
        self.beginResetModel()
        self._root = _Node(None, None, 0)
        self._rows = {}
        if args:  # an edit or a sync, not a new search: conflicts may have come or gone
            self._conflicts = self._read_conflicts()
        self._find_shown()
        self._load_children(self._root)
        self.endResetModel()

    def _find_shown(self) -> None:
        if not self._query.is_filtered():
            self._matches = self._shown = None
            return
        reader = self._context.reader
        given, self._given_matches = self._given_matches, None
        matches = frozenset(given if given is not None else reader.account_ids(self._query))
        if self._parent_of is None:  # read once, until an account changes
            self._parent_of = reader.parents()
        parent_of = self._parent_of
        shown = set(matches)
        for account_id in matches:
            parent = parent_of.get(account_id)
            while parent is not None and parent in parent_of and parent not in shown:
                shown.add(parent)
                parent = parent_of.get(parent)
        self._matches, self._shown = matches, frozenset(shown)
        # How many shown accounts sit under each: known from the map, with no query.
        self._shown_children = Counter(parent_of.get(a) for a in shown)

    def _on_sync(self) -> None:
        self.refresh(None)  # as after an edit: groups and conflicts may have changed

    def _read_conflicts(self) -> dict[str, int]:
        from kamdesk.ops.conflicts import conflicts_by_account

        return conflicts_by_account(self._context.book)

    def _reload_conflicts(self, *_args: object) -> None:
        """Read the counts again and repaint the names of the accounts whose count changed."""
        before, self._conflicts = self._conflicts, self._read_conflicts()
        for account_id in set(before) | set(self._conflicts):
            if before.get(account_id) != self._conflicts.get(account_id):
                index = self.find(account_id)
                if index.isValid():
                    self.dataChanged.emit(index, index)

    def retranslate(self) -> None:
        """Re-label after a language switch."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(_TITLES) - 1)
        self.layoutChanged.emit()

    def _load_children(self, node: _Node) -> None:
        reader = self._context.reader
        ids = self._visible(reader.child_ids(node.account_id))
        if self._shown is None:
            counts = reader.child_counts(ids)
        else:
            counts = {i: self._shown_children.get(i, 0) for i in ids}
        node.children = []
        for row, account_id in enumerate(ids):
            child = _Node(account_id, node, row)
            child.child_count = counts.get(account_id, 0)
            node.children.append(child)

    def _visible(self, ids: list[str]) -> list[str]:
        shown = self._shown
        return ids if shown is None else [i for i in ids if i in shown]

    def _node(self, index: QModelIndex | QPersistentModelIndex) -> _Node:
        node = index.internalPointer() if index.isValid() else self._root
        assert isinstance(node, _Node)
        return node

    def _account(self, node: _Node) -> AccountRow | None:
        assert node.account_id is not None
        row = self._rows.get(node.account_id)
        if row is None and node.parent is not None and node.parent.children is not None:
            siblings = [
                n.account_id for n in node.parent.children if n.account_id not in self._rows
            ]
            self._rows.update(self._context.reader.account_rows([i for i in siblings if i][:500]))
            row = self._rows.get(node.account_id)
        return row

    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()
    ) -> QModelIndex:
        """Override QAbstractItemModel.index."""
        node = self._node(parent)
        if node.children is None or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        """Override QAbstractItemModel.parent."""
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        """Override QAbstractItemModel.hasChildren: known without reading the children."""
        node = self._node(parent)
        if node is self._root:
            return bool(node.children)
        return node.child_count > 0

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        """Override QAbstractItemModel.canFetchMore."""
        node = self._node(parent)
        return node.children is None and node.child_count > 0

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        """Override QAbstractItemModel.fetchMore: read a group's children on expand."""
        node = self._node(parent)
        ids = self._visible(self._context.reader.child_ids(node.account_id))
        if not ids:
            node.children = []
            return
        self.beginInsertRows(parent, 0, len(ids) - 1)
        self._load_children(node)
        self.endInsertRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        """Override QAbstractItemModel.rowCount."""
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self._node(parent)
        return len(node.children) if node.children is not None else 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        """Override QAbstractItemModel.columnCount."""
        return len(_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Override QAbstractItemModel.headerData."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(_TITLES[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Override QAbstractItemModel.data."""
        if not index.isValid():
            return None
        node = self._node(index)
        if role == ID_ROLE:
            return node.account_id
        if role == Qt.ItemDataRole.ForegroundRole:
            matches = self._matches
            return None if matches is None or node.account_id in matches else _CONTEXT_BRUSH
        if role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole):
            return self._conflict_marker(node, index.column(), role)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._account(node)
        if row is None:
            return None
        column = index.column()
        if column == 0:
            return row.name
        if column == 1:
            return self._context.label(VocabularyKind.ORG_LEVEL, row.org_level)
        return row.tier

    def _conflict_marker(self, node: _Node, column: int, role: int) -> Any:
        """The sign and the "2 sync conflicts" tooltip on an account's name, as in the list."""
        count = self._conflicts.get(node.account_id or "", 0)
        if column != 0 or not count:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return conflict_icon()
        from kamdesk.ui.conflicts_view import conflict_count_text

        row = self._account(node)
        return f"{row.name if row else ''}\n⚠ {conflict_count_text(count)}"

    def find(self, account_id: str) -> QModelIndex:
        """The index of an account among the rows loaded so far (invalid if not loaded)."""
        stack = [self._root]
        while stack:
            node = stack.pop()
            for child in node.children or []:
                if child.account_id == account_id:
                    return self.createIndex(child.row, 0, child)
                stack.append(child)
        return QModelIndex()

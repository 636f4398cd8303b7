"""The left panel: search box, filters, and the accounts as a list or as group trees."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore  # Qt is read as QtCore.Qt when used: see models/base.py
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.vocabulary import TIERS, VocabularyKind
from kamdesk.i18n import _
from kamdesk.ui.context import AppContext
from kamdesk.ui.models.account_table import AccountTableModel, Column

if TYPE_CHECKING:
    from kamdesk.ui.empty_state import EmptyState
    from kamdesk.ui.models.account_tree import AccountTreeModel


def _tree_model_class() -> type[AccountTreeModel]:
    """The group tree's model, imported when the tree is first shown (not at startup)."""
    from kamdesk.ui.models.account_tree import AccountTreeModel

    return AccountTreeModel


class _AfterFirstPaint(QObject):
    """Calls back once, right after the watched widget's first paint."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Override QObject.eventFilter."""
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            # Two turns of the event loop: the paint completes, and whatever else waits
            # for it (the startup probe) goes first.
            QTimer.singleShot(0, lambda: QTimer.singleShot(0, callback))
            watched.removeEventFilter(self)
        return False


class FilterButton(QToolButton):
    """A drop-down of checkable choices; the button shows how many are ticked.

    The menu's actions are made when it is first opened (and after the choices change),
    not when the window opens: a large team would otherwise cost hundreds of actions
    before the first paint.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        menu.aboutToShow.connect(self.fill_menu)
        self.setMenu(menu)
        self._title = ""
        self._source: list[tuple[str, str]] | Callable[[], list[tuple[str, str]]] = []
        self._loaded: list[tuple[str, str]] | None = None
        self._selected: set[str] = set()
        self._menu_is_stale = True

    def set_choices(
        self,
        title: str,
        choices: list[tuple[str, str]] | Callable[[], list[tuple[str, str]]],
    ) -> None:
        """Replace the choices ((value, label) pairs), keeping ticks on values still offered.

        ``choices`` may be a function: it is called when the menu opens (or when ticks
        must be checked against it), so a long list costs nothing until it is wanted.
        """
        self._source = choices
        self._loaded = None
        if self._selected:
            offered = {value for value, _label in self._choices()}
            dropped = self._selected - offered
            self._selected &= offered
        else:
            dropped = set()
        self._title = title
        self._menu_is_stale = True
        self._update_text()
        if dropped:
            self.changed.emit()

    def _choices(self) -> list[tuple[str, str]]:
        if self._loaded is None:
            self._loaded = self._source() if callable(self._source) else self._source
        return self._loaded

    def fill_menu(self) -> list[QAction]:
        """Make the menu's actions if they are out of date; returns them."""
        menu = self.menu()
        if self._menu_is_stale:
            menu.clear()
            for value, label in self._choices():
                action = QAction(label, menu)
                action.setCheckable(True)
                action.setChecked(value in self._selected)
                action.setData(value)
                action.toggled.connect(self._on_toggled)
                menu.addAction(action)
            self._menu_is_stale = False
        return menu.actions()

    def selected(self) -> frozenset[str]:
        """The ticked values."""
        return frozenset(self._selected)

    def clear_selection(self) -> None:
        """Untick everything (one ``changed`` signal)."""
        self._selected.clear()
        for action in self.menu().actions():
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)
        self._update_text()
        self.changed.emit()

    def _on_toggled(self, checked: bool) -> None:
        action = self.sender()
        assert isinstance(action, QAction)
        value = str(action.data())
        if checked:
            self._selected.add(value)
        else:
            self._selected.discard(value)
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        count = len(self._selected)
        self.setText(f"{self._title} ({count})" if count else self._title)


class SearchBox(QLineEdit):
    """The search box: Down or Enter goes to the results, Esc clears what was typed."""

    #: The user wants to move from the box into the results.
    go_to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Override QWidget.keyPressEvent."""
        key = event.key()
        if key in (QtCore.Qt.Key.Key_Down, QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            self.go_to_results.emit()
            return
        if key == QtCore.Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class AccountListPanel(QWidget):
    """Find an account: type to search, tick filters, sort by any column."""

    #: The user moved to another account (its id, or '' for none).
    current_account_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.model = AccountTableModel(context)
        self.search = SearchBox()
        self.search.go_to_results.connect(self.focus_results)
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("account_search")
        self.search.textChanged.connect(self.model.set_search_text)
        self.tier_filter = FilterButton()
        self.industry_filter = FilterButton()
        self.stage_filter = FilterButton()
        self.owner_filter = FilterButton()
        self.clear_filters = QToolButton()
        self.clear_filters.clicked.connect(self.clear_all_filters)
        for button in self._filters():
            button.changed.connect(self._apply_filters)
        filters = QHBoxLayout()
        for widget in (*self._filters(), self.clear_filters):
            filters.addWidget(widget)
        filters.addStretch()

        self.table = QTableView()
        self.table.setObjectName("account_table")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setModel(self.model.header_model())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((Column.NAME, 220), (Column.TIER, 40), (Column.INDUSTRY, 100),
                              (Column.STAGE, 100), (Column.OWNER, 80), (Column.GROUP, 150),
                              (Column.REVENUE, 120)):  # fmt: skip
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        self._empty: EmptyState | None = None

        # Sorting is switched on once the list has painted: it hands Qt's sort order to
        # Python, which builds Qt's enums (see kamdesk.ui.models.base), and the first
        # paint should not wait for that.
        self._first_paint = _AfterFirstPaint(self.table.viewport(), self._finish_startup)

        self.tree: QTreeView | None = None
        #: The search or filters changed while the list tab was shown.
        self._tree_is_stale = False
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "")
        self.tabs.addTab(QWidget(), "")  # the tree is built the first time it is shown
        self.tabs.currentChanged.connect(self._on_tab)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.tabs)
        self._current_id = ""
        self.model.modelReset.connect(self._update_empty_state)
        context.signals.team_did_change.connect(self.refresh_owner_choices)
        self.retranslate()

    #: Emitted once the list has painted and the rest of its set-up is done.
    did_finish_startup = Signal()

    def _finish_startup(self) -> None:
        # Set the indicator before enabling sorting: enabling sorts by the indicator at
        # once, and Qt's default (descending) would read the whole list again.
        self.table.horizontalHeader().setSortIndicator(
            Column.NAME, QtCore.Qt.SortOrder.AscendingOrder
        )
        self.table.setSortingEnabled(True)
        self.model.show_conflict_markers()
        self.did_finish_startup.emit()

    def _filters(self) -> tuple[FilterButton, ...]:
        return (self.tier_filter, self.industry_filter, self.stage_filter, self.owner_filter)

    # Language --------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.search.setPlaceholderText(_("Search accounts, people and notes (Ctrl+F)"))
        self.tier_filter.set_choices(_("Tier"), [(t, t) for t in TIERS])
        self.industry_filter.set_choices(_("Industry"), self._terms(VocabularyKind.INDUSTRY))
        self.stage_filter.set_choices(_("Stage"), self._terms(VocabularyKind.LIFECYCLE_STAGE))
        self.refresh_owner_choices()
        self.clear_filters.setText(_("Clear"))
        self.clear_filters.setToolTip(_("Clear the search and every filter"))
        self.tabs.setTabText(0, _("List"))
        self.tabs.setTabText(1, _("Groups"))
        self.model.retranslate()
        if self.tree is not None:
            tree_model = self.tree.model()
            assert isinstance(tree_model, _tree_model_class())
            tree_model.retranslate()
        self._update_empty_state()

    def _terms(self, kind: VocabularyKind) -> list[tuple[str, str]]:
        return [(t.code, self._context.label(kind, t.code)) for t in self._context.vocabulary(kind)]

    def refresh_owner_choices(self) -> None:
        """Offer the current team as owners (and 'no owner'), read when the menu opens."""

        def owners() -> list[tuple[str, str]]:
            return [("", _("No owner"))] + [(m.id, m.name) for m in self._context.team()]

        self.owner_filter.set_choices(_("Owner"), owners)

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # Filters ---------------------------------------------------------------

    def _apply_filters(self) -> None:
        self.model.set_query(
            self.model.query._replace(
                tiers=self.tier_filter.selected(),
                industries=self.industry_filter.selected(),
                lifecycle_stages=self.stage_filter.selected(),
                owners=self.owner_filter.selected(),
            )
        )

    def clear_all_filters(self) -> None:
        """Show every account again."""
        self.search.clear()
        for button in self._filters():
            button.blockSignals(True)
            button.clear_selection()
            button.blockSignals(False)
        self._apply_filters()

    def focus_search(self) -> None:
        """Put the cursor in the search box, its text selected (Ctrl+F)."""
        self.search.setFocus()
        self.search.selectAll()

    def focus_results(self) -> None:
        """Move the keyboard into the shown results, on the current account or the first."""
        view: QAbstractItemView = (
            self.tree if self.tabs.currentIndex() == 1 and self.tree else self.table
        )
        view.setFocus()
        model = view.model()
        if not view.currentIndex().isValid() and model.rowCount() > 0:
            view.selectionModel().setCurrentIndex(
                model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    @property
    def empty(self) -> EmptyState:
        """The line shown over the list when it has no rows (made the first time it is needed)."""
        if self._empty is None:
            from kamdesk.ui.empty_state import EmptyState

            self._empty = EmptyState(self.table)
        return self._empty

    def _update_empty_state(self) -> None:
        if self.model.query.is_filtered():
            message = _(
                "No account matches the search or filters.\nClear them to see every account."
            )
        else:
            message = _("No accounts yet.\nPress Ctrl+N to add your first account.")
        rows = self.model.rowCount()
        if rows == 0 or self._empty is not None:  # no label needed while there are rows
            self.empty.update_for(rows, message)

    # Selection -------------------------------------------------------------

    def current_account_id(self) -> str:
        """The account under the cursor ('' for none)."""
        return self._current_id

    def select_account(self, account_id: str) -> None:
        """Move the cursor to an account, if it is in the list."""
        row = self.model.row_of(account_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        account_id = self.model.account_id(current.row()) if current.isValid() else None
        self._set_current(account_id or "")

    def _set_current(self, account_id: str) -> None:
        if account_id != self._current_id:
            self._current_id = account_id
            self.current_account_changed.emit(account_id)

    def _remember_current(self) -> None:
        self._kept_id = self._current_id

    def _restore_current(self) -> None:
        kept = getattr(self, "_kept_id", "")
        if kept and self.model.row_of(kept) is not None:
            self.select_account(kept)
        elif kept:
            self._set_current("")

    # The tree --------------------------------------------------------------

    def _on_tab(self, index: int) -> None:
        if index == 1 and self.tree is not None and self._tree_is_stale:
            self._filter_tree()
        if index == 1 and self.tree is None:
            self.tree = QTreeView()
            self.tree.setObjectName("account_tree")
            self.tree.setModel(_tree_model_class()(self._context))
            self.tree.setUniformRowHeights(True)
            self.tree.setColumnWidth(0, 300)
            self.tree.selectionModel().currentChanged.connect(self._on_tree_current)
            self.tabs.blockSignals(True)
            self.tabs.removeTab(1)
            self.tabs.insertTab(1, self.tree, _("Groups"))
            self.tabs.setCurrentIndex(1)
            self.tabs.blockSignals(False)
            self.model.modelReset.connect(self._filter_tree)
            self._filter_tree()

    #: Up to this many accounts left by a search, the tree opens every group to show them.
    _EXPAND_UP_TO = 300

    def _filter_tree(self) -> None:
        """Give the tree the list's search and filters, and open the groups to the matches.

        Only while the tree is shown: typing on the list tab must not pay for the tree.
        """
        assert self.tree is not None
        if self.tabs.currentIndex() != 1:
            self._tree_is_stale = True
            return
        self._tree_is_stale = False
        tree_model = self.tree.model()
        assert isinstance(tree_model, _tree_model_class())
        tree_model.set_query(self.model.query, self.model.ids())
        shown = tree_model.shown_count()
        if shown is not None and shown <= self._EXPAND_UP_TO:
            self.tree.expandAll()

    def _on_tree_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            from kamdesk.ui.models.account_tree import ID_ROLE

            self._set_current(str(current.data(ID_ROLE) or ""))

"""Team → Pipeline: the open deals of every account, by stage, with their weighted forecast.

A board (one column per stage of the chosen stage model, a card per deal) and a table of
the same deals, both filtered by owner, stage, close quarter and status, above a footer
with the weighted forecast in the user's currency and every other currency beside it:
the book holds no exchange rates, so no figure is ever converted. The figures are worked
out once, by ``kamdesk.domain.pipeline``, so board, table and footer always agree.

The window is not modal: it stays open beside the main window and reads the book again
when deals, accounts or the team change. Double-clicking a deal asks (through
``account_requested``) for its account to be selected in the main window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.milestones import NO_PROGRESS, Progress
from kamdesk.domain.pipeline import (
    OPEN,
    Deal,
    DealFilter,
    Figures,
    Forecast,
    close_quarters,
    filter_deals,
    forecast,
    in_currency_order,
    quarter_label,
)
from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.i18n import N_, _, ngettext
from kamdesk.settings import DEFAULT_CURRENCY
from kamdesk.store.milestones import DealStage, deal_progress
from kamdesk.store.pipeline import (
    account_sort_keys,
    open_deal_count,
    pipeline_deals,
    stage_models,
    stages_of,
)
from kamdesk.ui.account_list import FilterButton
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.formatting import date_text, money_text, qlocale
from kamdesk.ui.models.base import (
    ALIGN_RIGHT_VCENTER,
    DISPLAY_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
    TitledTableModel,
)
from kamdesk.ui.values import percent_text

#: How the board and the footer join the figures of several currencies.
_CURRENCY_SEPARATOR = " · "
_CARD_WIDTH = 230
_COLUMN_MARGIN = 6
_LINE_GAP = 2
#: Cards whose milestones are read at once: more than a column shows without scrolling,
#: few enough that reading them costs the board's opening nothing it would notice.
PROGRESS_READ_AHEAD = 20
#: Reads the milestones' progress of some deals (one query for all of them).
ReadProgress = Callable[[Sequence[Deal]], Mapping[str, Progress]]
#: Cards a column shows, soonest close first; the table lists every deal. More cards than
#: this are more than anyone scrolls through, and would make a large book's board slow.
CARDS_PER_COLUMN = 200
_GREY = "#6D6D6D"
_INK = "#1F2328"
# Explicit colours, not the palette's: the cards sit on the column's own grey whatever
# the system's theme, and must read as white cards on it.
_CARD, _CARD_EDGE = "#FFFFFF", "#D5D9DE"
_SELECTED_CARD, _SELECTED_EDGE = "#EAF2FB", "#2F6FB3"


def money_list(amounts: Mapping[str, int], default_currency: str) -> str:
    """``CN¥1,200.00 · US$50.00``: the user's currency first, every other one beside it."""
    return _CURRENCY_SEPARATOR.join(
        money_text(amount, currency)
        for currency, amount in in_currency_order(amounts, default_currency)
    )


def card_lines(deal: Deal, progress: Progress = NO_PROGRESS) -> list[str]:
    """What a card says, line by line: deal, account, money, close date, milestones."""
    amount = money_text(deal.amount_minor, deal.currency) or _("No amount")
    close = date_text(deal.expected_close) or _("No close date")
    return [
        deal.name,
        deal.account_name,
        f"{amount}{_CURRENCY_SEPARATOR}{percent_text(deal.probability)}",
        _("Closes {date}").format(date=close) if deal.expected_close else close,
        milestone_line(progress),
    ]


def milestone_line(progress: Progress) -> str:
    """``Milestones 3/12 · next: …``: how far the deal has come, and what to ask next."""
    tally = progress.overall
    if not tally.total:
        return _("No milestones")
    if not progress.next_milestone:
        return _("Milestones {tally}, none left to answer").format(tally=tally.text())
    return _("Milestones {tally} · next: {milestone}").format(
        tally=tally.text(), milestone=progress.next_milestone
    )


# The board ----------------------------------------------------------------------------


class StageDealsModel(TitledTableModel):
    """The deals of one stage, one per row: the cards of a board column."""

    def __init__(self) -> None:
        super().__init__((N_("Deal"),))
        self.deals: tuple[Deal, ...] = ()
        self.progress: dict[str, Progress] = {}
        self._read_progress: ReadProgress | None = None

    def row_count(self) -> int:
        """How many deals the stage holds."""
        return len(self.deals)

    def set_deals(
        self,
        deals: tuple[Deal, ...],
        progress: Mapping[str, Progress] | None = None,
        read_progress: ReadProgress | None = None,
    ) -> None:
        """Show ``deals``, with their milestones' ``progress`` as far as read (by deal id).

        A card scrolled into view whose progress is not read yet has it read by
        ``read_progress``, with the cards after it (``PROGRESS_READ_AHEAD``) in one go.
        """
        self.beginResetModel()
        self.deals = deals
        self.progress = dict(progress or {})
        self._read_progress = read_progress
        self.endResetModel()

    def progress_of(self, row: int) -> Progress:
        """The milestones' progress of the deal on ``row``, read when first needed."""
        deal = self.deals[row]
        if deal.id not in self.progress and self._read_progress is not None:
            ahead = self.deals[row : row + PROGRESS_READ_AHEAD]
            self.progress.update(self._read_progress(ahead))
        return self.progress.get(deal.id, NO_PROGRESS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY_ROLE) -> Any:
        """Override QAbstractTableModel.data: a card's lines, joined by newlines."""
        if not index.isValid() or role not in (DISPLAY_ROLE, TOOLTIP_ROLE):
            return None
        deal = self.deals[index.row()]
        lines = card_lines(deal, self.progress_of(index.row()))
        if role == TOOLTIP_ROLE and deal.owner_name:
            lines.append(_("Owner: {name}").format(name=deal.owner_name))
        return "\n".join(lines)


class CardDelegate(QStyledItemDelegate):
    """Paints a deal as a card: its name in bold, the account, the money, the close date."""

    _PADDING = 8

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Override QStyledItemDelegate.sizeHint: five lines and a margin."""
        line = QFontMetrics(option.font).lineSpacing() + _LINE_GAP
        return QSize(_CARD_WIDTH - 24, 5 * line + 2 * self._PADDING + 8)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Override QStyledItemDelegate.paint."""
        text = str(index.data(DISPLAY_ROLE) or "")
        lines = text.split("\n")
        rect: QRect = option.rect.adjusted(2, 3, -2, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(_SELECTED_EDGE if selected else _CARD_EDGE))
        painter.setBrush(QColor(_SELECTED_CARD if selected else _CARD))
        painter.drawRoundedRect(QRectF(rect), 6, 6)
        inner = rect.adjusted(self._PADDING, self._PADDING - 2, -self._PADDING, -self._PADDING)
        font: QFont = option.font
        spacing = QFontMetrics(font).lineSpacing() + _LINE_GAP
        y = inner.top()
        for number, line in enumerate(lines):
            line_font = QFont(font)
            line_font.setBold(number == 0)
            painter.setFont(line_font)
            # The deal and its money in ink, the account and the date in grey.
            painter.setPen(QColor(_INK if number in (0, 2) else _GREY))
            shown = QFontMetrics(line_font).elidedText(
                line, Qt.TextElideMode.ElideRight, inner.width()
            )
            painter.drawText(
                QRect(inner.left(), y, inner.width(), spacing),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                shown,
            )
            y += spacing
        painter.restore()


class StageColumnView(QFrame):
    """One column of the board: the stage's name and figures, then its cards."""

    def __init__(self, stage: str, delegate: CardDelegate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.setObjectName(f"stage_{stage}")
        self.setFixedWidth(_CARD_WIDTH)
        self.setStyleSheet("StageColumnView { background: #F3F5F7; border-radius: 6px; }")
        self.header = QLabel()
        self.header.setObjectName("stage_header")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.model = StageDealsModel()
        self.cards = QListView()
        self.cards.setObjectName("stage_cards")
        self.cards.setModel(self.model)
        self.cards.setItemDelegate(delegate)
        self.cards.setFrameShape(QFrame.Shape.NoFrame)
        self.cards.setStyleSheet("QListView { background: transparent; }")
        self.cards.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cards.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.cards.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(_COLUMN_MARGIN, 8, _COLUMN_MARGIN, 6)
        layout.setSpacing(6)
        layout.addWidget(self.header)
        layout.addWidget(self.cards, 1)
        self.more = QLabel()
        self.more.setObjectName("stage_more")
        self.more.setStyleSheet(f"color: {_GREY};")
        self.more.hide()
        layout.addWidget(self.more)

    def show_column(
        self,
        label: str,
        deals: tuple[Deal, ...],
        figures: Figures,
        currency: str,
        progress: Mapping[str, Progress] | None = None,
        read_progress: ReadProgress | None = None,
    ) -> None:
        """Show the stage's deals and its count, amount and weighted amount."""
        self.model.set_deals(deals[:CARDS_PER_COLUMN], progress, read_progress)
        hidden = len(deals) - CARDS_PER_COLUMN
        self.more.setVisible(hidden > 0)
        if hidden > 0:
            self.more.setText(
                ngettext(
                    "{count} more deal: see the Table tab",
                    "{count} more deals: see the Table tab",
                    hidden,
                ).format(count=qlocale().toString(hidden))
            )
        count = ngettext("{count} deal", "{count} deals", figures.deal_count).format(
            count=figures.deal_count
        )
        self.header.setText(
            f"<b>{_escape(label)}</b> <span style='color:{_GREY}'>{_escape(count)}</span><br>"
            f"{_escape(money_list(figures.amount, currency))}<br>"
            f"<span style='color:{_GREY}'>"
            + _escape(_("Weighted {amount}").format(amount=money_list(figures.weighted, currency)))
            + "</span>"
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# The table ----------------------------------------------------------------------------

_TABLE_TITLES = (
    N_("Deal"), N_("Account"), N_("Stage"), N_("Owner"), N_("Amount"), N_("Probability"),
    N_("Weighted"), N_("Expected close"), N_("Status"),
)  # fmt: skip
_NUMBER_COLUMNS = (4, 5, 6)


class DealTableModel(TitledTableModel):
    """The shown deals as rows; click a header to sort by that column."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(_TABLE_TITLES)
        self._context = context
        self.deals: list[Deal] = []
        self._stage_order: dict[str, int] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def row_count(self) -> int:
        """How many deals are shown."""
        return len(self.deals)

    def set_deals(self, deals: Sequence[Deal], stages: Sequence[str]) -> None:
        """Show ``deals`` (kept in the order the user sorted by, if any)."""
        self.beginResetModel()
        self.deals = list(deals)
        self._stage_order = {stage: number for number, stage in enumerate(stages)}
        if self._sort is not None:
            self._sort_deals(*self._sort)
        self.endResetModel()

    def deal(self, row: int) -> Deal | None:
        """The deal on ``row``."""
        return self.deals[row] if 0 <= row < len(self.deals) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY_ROLE) -> Any:
        """Override QAbstractTableModel.data."""
        if not index.isValid():
            return None
        column = index.column()
        if role == TEXT_ALIGNMENT_ROLE:
            return ALIGN_RIGHT_VCENTER if column in _NUMBER_COLUMNS else None
        if role not in (DISPLAY_ROLE, TOOLTIP_ROLE):
            return None
        deal = self.deals[index.row()]
        label = self._context.label
        match column:
            case 0:
                return deal.name
            case 1:
                return deal.account_name
            case 2:
                return label(VocabularyKind.DEAL_STAGE, deal.stage)
            case 3:
                return deal.owner_name
            case 4:
                return money_text(deal.amount_minor, deal.currency)
            case 5:
                return percent_text(deal.probability)
            case 6:
                return money_text(deal.weighted_minor, deal.currency)
            case 7:
                return date_text(deal.expected_close)
            case _:
                return label(VocabularyKind.DEAL_STATUS, deal.status)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Override QAbstractItemModel.sort: by the column's values; the undated last."""
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sort_deals(column, order)
        self.layoutChanged.emit()

    def _sort_deals(self, column: int, order: Qt.SortOrder) -> None:
        key = self._sort_key(column)
        known = [d for d in self.deals if key(d) is not None]
        unknown = [d for d in self.deals if key(d) is None]
        known.sort(key=lambda d: (key(d), d.name.casefold(), d.id))
        if order == Qt.SortOrder.DescendingOrder:
            known.reverse()
        self.deals = known + unknown  # no amount, no date: last either way

    def _account_key(self) -> Callable[[Deal], Any]:
        """Accounts in name order, Chinese ones by pinyin (keys read when first needed)."""
        keys = account_sort_keys(self._context.reader.db)
        return lambda d: keys.get(d.account_id) or d.account_name.casefold()

    def _sort_key(self, column: int) -> Callable[[Deal], Any]:
        if column == 1:
            return self._account_key()
        default = self._context.settings.get(DEFAULT_CURRENCY)
        money: Callable[[Deal, int | None], Any] = lambda d, v: (  # noqa: E731
            None if v is None else (d.currency != default, d.currency, v)
        )
        keys: dict[int, Callable[[Deal], Any]] = {
            0: lambda d: d.name.casefold(),
            2: lambda d: self._stage_order.get(d.stage, len(self._stage_order)),
            3: lambda d: d.owner_name.casefold() or None,
            4: lambda d: money(d, d.amount_minor),
            5: lambda d: d.probability,
            6: lambda d: money(d, d.weighted_minor),
            7: lambda d: d.expected_close,
            8: lambda d: d.status,
        }
        return keys[column]


# The window ---------------------------------------------------------------------------


class PipelineWindow(QDialog):
    """The pipeline: board and table of the open deals, filters, and the forecast."""

    #: The user double-clicked a deal: select its account in the main window (account id).
    account_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setObjectName("pipeline_window")
        self.setModal(False)
        self._deals: list[Deal] = []
        self._read_statuses: frozenset[str] = frozenset({OPEN})
        #: The table tab is filled when it is shown: the board is what opens first.
        self._table_is_stale = True
        self._forecast: Forecast | None = None
        self._stale = True

        self.stage_model_label = QLabel()
        self.stage_model = QComboBox()
        self.stage_model.setObjectName("stage_model")
        for code in stage_models():
            self.stage_model.addItem("", code)
        self.stage_model.currentIndexChanged.connect(self._on_stage_model)
        self.owner_filter = FilterButton()
        self.stage_filter = FilterButton()
        self.quarter_filter = FilterButton()
        self.status_filter = FilterButton()
        self.clear_filters = QToolButton()
        self.clear_filters.clicked.connect(self.clear_all_filters)
        for button in self._filters():
            button.changed.connect(self._on_filters)
        bar = QHBoxLayout()
        bar.addWidget(self.stage_model_label)
        bar.addWidget(self.stage_model)
        bar.addSpacing(12)
        for widget in (*self._filters(), self.clear_filters):
            bar.addWidget(widget)
        bar.addStretch()

        self.delegate = CardDelegate(self)
        self.columns: list[StageColumnView] = []
        self.board_row = QWidget()
        self.board_layout = QHBoxLayout(self.board_row)
        self.board_layout.setContentsMargins(8, 8, 8, 8)
        self.board_layout.setSpacing(8)
        self.board = QScrollArea()
        self.board.setObjectName("pipeline_board")
        self.board.setWidgetResizable(True)
        self.board.setWidget(self.board_row)
        self.board_message = QLabel()
        self.board_message.setObjectName("pipeline_empty")
        self.board_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.board_message.setWordWrap(True)
        self.board_message.setStyleSheet(f"color: {_GREY}; font-size: 14px; padding: 24px;")
        self.board_stack = QStackedWidget()
        self.board_stack.addWidget(self.board)
        self.board_stack.addWidget(self.board_message)

        self.table_model = DealTableModel(context)
        self.table = QTableView()
        self.table.setObjectName("pipeline_table")
        self.table.setModel(self.table_model)
        self.table.horizontalHeader().setModel(self.table_model.header_model())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((190, 160, 100, 90, 120, 80, 120, 105)):
            self.table.setColumnWidth(column, width)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(7, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._on_table_double_click)
        self.table_empty = EmptyState(self.table)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.board_stack, "")
        self.tabs.addTab(self.table, "")
        self.tabs.currentChanged.connect(self._on_tab)

        self.footer = QLabel()
        self.footer.setObjectName("pipeline_forecast")
        self.footer.setWordWrap(True)
        self.footer.setTextFormat(Qt.TextFormat.RichText)
        self.footer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.footer.setStyleSheet("padding: 6px 2px;")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.footer)
        self.resize(1100, 680)

        signals = context.signals
        for signal in (
            signals.records_did_change,  # a deal was added, edited or deleted
            signals.account_did_change,  # an account renamed, deleted or restored
            signals.team_did_change,  # an owner renamed or gone
            signals.settings_did_change,  # the default currency
        ):
            signal.connect(self.refresh)
        self._build_columns()
        self.retranslate()
        self.status_filter.blockSignals(True)
        self._tick_open()  # open deals, until the user says otherwise
        self.status_filter.blockSignals(False)
        self.refresh()

    def _filters(self) -> tuple[FilterButton, ...]:
        return (self.owner_filter, self.stage_filter, self.quarter_filter, self.status_filter)

    # Reading ------------------------------------------------------------------------

    def refresh(self, *_args: object) -> None:
        """Read the deals again and show them (later, when the window is hidden)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._read_statuses = self._statuses_to_read()
        self._deals = pipeline_deals(
            self._context.reader.db,
            statuses=self._read_statuses,
            stage_model=self.stage_model_code(),
        )
        self.quarter_filter.set_choices(_("Close quarter"), self._quarter_choices)
        self._show()

    def _statuses_to_read(self) -> frozenset[str]:
        """The statuses to read: those the filters ask for, and open ones always.

        The empty states count the open deals; no statuses at all means any status.
        """
        selected = self.status_filter.selected()
        return frozenset({OPEN, *selected}) if selected else frozenset()

    def _on_filters(self) -> None:
        if self._statuses_to_read() != self._read_statuses:
            self.refresh()  # won or lost deals asked for: read them
        else:
            self._show()

    def showEvent(self, event: QShowEvent) -> None:
        """Override QWidget.showEvent: catch up on changes made while hidden."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def stage_model_code(self) -> str:
        """The stage model the board shows."""
        return str(self.stage_model.currentData() or "compass")

    def deal_filter(self) -> DealFilter:
        """What the filters let through now."""
        return DealFilter(
            stage_model=self.stage_model_code(),
            owners=self.owner_filter.selected(),
            stages=self.stage_filter.selected(),
            quarters=self.quarter_filter.selected(),
            statuses=self.status_filter.selected(),
        )

    def forecast(self) -> Forecast:
        """The figures shown now."""
        assert self._forecast is not None
        return self._forecast

    # Showing ------------------------------------------------------------------------

    def _build_columns(self) -> None:
        for column in self.columns:
            column.deleteLater()
        self.columns = []
        while self.board_layout.count():
            self.board_layout.takeAt(0)
        for stage in stages_of(self.stage_model_code()):
            self._add_column(stage)
        self.board_layout.addStretch()

    def _add_column(self, stage: str) -> StageColumnView:
        column = StageColumnView(stage, self.delegate)
        column.cards.doubleClicked.connect(
            lambda index, view=column: self._on_card_double_click(view, index)
        )
        self.columns.append(column)
        self.board_layout.insertWidget(len(self.columns) - 1, column)
        return column

    def _show(self) -> None:
        stages = stages_of(self.stage_model_code())
        shown = filter_deals(self._deals, self.deal_filter())
        result = forecast(shown, stages)
        self._forecast = result
        currency = self._context.settings.get(DEFAULT_CURRENCY)
        label = self._context.label
        # A deal on a stage the team added to the list gets a column of its own.
        for extra in result.stages[len(self.columns) :]:
            self._add_column(extra.stage)
        # The milestones of the first cards of every column, in one read (not one per
        # deal); those further down are read as they scroll into view.
        progress = self._read_progress(
            [deal for column in result.stages for deal in column.deals[:PROGRESS_READ_AHEAD]]
        )
        for view, column in zip(self.columns, result.stages, strict=False):
            view.show_column(
                label(VocabularyKind.DEAL_STAGE, column.stage),
                column.deals,
                column.figures,
                currency,
                progress,
                self._read_progress,
            )
        self._align_headers()
        self._table_deals = (shown, stages)
        self._table_is_stale = True
        if self.tabs.currentIndex() == 1:
            self._fill_table()
        message = self._empty_message(shown)
        self.board_stack.setCurrentWidget(self.board_message if message else self.board)
        self.board_message.setText(message)
        self.table_empty.update_for(len(shown), message)
        self._show_footer(result.total, currency)

    def _read_progress(self, deals: Sequence[Deal]) -> dict[str, Progress]:
        """The milestones' progress of ``deals``, in one read."""
        return deal_progress(
            self._context.reader.db,
            (DealStage(deal.id, deal.stage_model, deal.stage) for deal in deals),
        )

    def _align_headers(self) -> None:
        """Give every column's header the height of the tallest, so the cards line up."""
        width = _CARD_WIDTH - 2 * _COLUMN_MARGIN
        height = max((view.header.heightForWidth(width) for view in self.columns), default=0)
        for view in self.columns:
            view.header.setFixedHeight(height)

    def _on_tab(self, index: int) -> None:
        if index == 1:
            self._fill_table()

    def _fill_table(self) -> None:
        if self._table_is_stale:
            self._table_is_stale = False
            self.table_model.set_deals(*self._table_deals)

    def _empty_message(self, shown: list[Deal]) -> str:
        if shown:
            return ""
        # Only this stage model's deals were read: the book says how many are open.
        open_deals = open_deal_count(self._context.reader.db)
        if not open_deals:
            return _(
                "No open deals yet.\nAdd a deal on an account's Deals tab: it shows here, "
                "in the column of its stage."
            )
        if self._is_filtered():
            return _("No deal matches the filters.\nClear them to see every open deal.")
        return _(
            "No open deal follows this stage model.\nChoose the other stage model above to "
            "see the {count} open deals."
        ).format(count=open_deals)

    def _is_filtered(self) -> bool:
        return bool(
            self.owner_filter.selected()
            or self.stage_filter.selected()
            or self.quarter_filter.selected()
            or self.status_filter.selected() != frozenset({OPEN})
        )

    def _show_footer(self, total: Figures, currency: str) -> None:
        weighted = in_currency_order(total.weighted, currency)
        first = _escape(money_text(weighted[0][1], weighted[0][0]))
        others = [_escape(money_text(amount, code)) for code, amount in weighted[1:]]
        text = _("Weighted forecast: {amount}").format(amount=f"<b>{first}</b>")
        if others:
            text += _CURRENCY_SEPARATOR + _CURRENCY_SEPARATOR.join(others)
        count = ngettext(
            "{count} deal worth {amount}", "{count} deals worth {amount}", total.deal_count
        ).format(count=total.deal_count, amount=money_list(total.amount, currency))
        self.footer.setText(f"{text}<br><span style='color:{_GREY}'>{_escape(count)}</span>")

    def _quarter_choices(self) -> list[tuple[str, str]]:
        deals = [d for d in self._deals if d.stage_model == self.stage_model_code()]
        return [(key, quarter_label(key)) for key in close_quarters(deals)]

    def _on_stage_model(self) -> None:
        self._build_columns()
        self._set_stage_choices()
        self.refresh()  # the deals of the other stage model are read when it is chosen

    def _set_stage_choices(self) -> None:
        label = self._context.label
        self.stage_filter.set_choices(
            _("Stage"),
            [(s, label(VocabularyKind.DEAL_STAGE, s)) for s in stages_of(self.stage_model_code())],
        )

    def clear_all_filters(self) -> None:
        """Show every open deal of the stage model again."""
        for button in self._filters():
            button.blockSignals(True)
            button.clear_selection()
        self._tick_open()
        for button in self._filters():
            button.blockSignals(False)
        self._show()

    def _tick_open(self) -> None:
        for action in self.status_filter.fill_menu():
            if action.data() == OPEN:
                action.setChecked(True)

    def _status_choices(self) -> list[tuple[str, str]]:
        terms = self._context.vocabulary(VocabularyKind.DEAL_STATUS)
        return [(t.code, self._context.label(VocabularyKind.DEAL_STATUS, t.code)) for t in terms]

    # Double clicks ------------------------------------------------------------------

    def _on_card_double_click(self, view: StageColumnView, index: QModelIndex) -> None:
        if index.isValid():
            self.account_requested.emit(view.model.deals[index.row()].account_id)

    def _on_table_double_click(self, index: QModelIndex) -> None:
        deal = self.table_model.deal(index.row()) if index.isValid() else None
        if deal is not None:
            self.account_requested.emit(deal.account_id)

    # Language -----------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Pipeline"))
        self.stage_model_label.setText(_("Stage model:"))
        for row in range(self.stage_model.count()):
            code = str(self.stage_model.itemData(row))
            self.stage_model.setItemText(row, self._context.label(VocabularyKind.STAGE_MODEL, code))
        self.owner_filter.set_choices(
            _("Owner"),
            lambda: [("", _("No owner"))] + [(m.id, m.name) for m in self._context.team()],
        )
        self._set_stage_choices()
        self.quarter_filter.set_choices(_("Close quarter"), self._quarter_choices)
        self.status_filter.set_choices(_("Status"), self._status_choices())
        self.clear_filters.setText(_("Clear"))
        self.clear_filters.setToolTip(_("Clear every filter: open deals of every owner"))
        self.tabs.setTabText(0, _("Board"))
        self.tabs.setTabText(1, _("Table"))
        self.table_model.retranslate()
        if self._forecast is not None:
            self._show()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

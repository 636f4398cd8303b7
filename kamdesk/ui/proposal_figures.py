"""The proposal builder's live figures: every option's figures side by side, and one's sensitivity.

The builder calls ``ProposalFiguresPanel.show_figures`` with the engine's fresh figures
(``kamdesk.domain.proposal_figures``) after every keystroke, so the panel only formats
them: the cells' texts are worked out once per call and the views hear ``dataChanged``,
no widget is rebuilt and nothing is computed here. Money is written in the UI's language
(``kamdesk.ui.formatting.money_text``) in the proposal's currency. A figure the engine
could not work out shows its reason, greyed, where the number would be; an IRR that is
not the only rate zeroing the NPV carries a "*" and a note saying to trust the NPV.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.proposal_figures import (
    REASON_TEXTS,
    SCENARIO_LABELS,
    SENSITIVITY_SWING,
    Figure,
    IrrFigure,
    OptionFigures,
    ScenarioFigures,
    Unavailable,
)
from kamdesk.domain.proposals import Option
from kamdesk.formatting import currency_digits, currency_symbol, spaced_symbol
from kamdesk.i18n import N_, _, current_language, ngettext
from kamdesk.ui.cash_flow_chart import TornadoChart
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.formatting import qlocale
from kamdesk.ui.models.base import (
    ALIGN_RIGHT_VCENTER,
    BACKGROUND_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
)

#: Qt's font role as a plain int, like the roles in ``kamdesk.ui.models.base``.
FONT_ROLE = 6
_ALIGN_LEFT_VCENTER = 0x0081

EMPTY_MESSAGE = N_("Add a line item to an option to see its figures")
IRR_NOTE = N_("Several rates make the NPV zero: trust the NPV")
#: Marks an IRR that is not the only rate zeroing the NPV.
NOT_UNIQUE_MARK = "*"
#: Marks the recommended option's column.
RECOMMENDED_MARK = "★"

_GREY = QColor("#6D6D6D")
_LOSS = QColor("#B03A48")
_SECTION_BACKGROUND = QColor("#F0F2F5")
_RECOMMENDED_BACKGROUND = QColor("#EEF4FB")


class CellKind(Enum):
    """How a cell reads: a figure, a loss, a figure that cannot be worked out, a heading."""

    FIGURE = "figure"
    NEGATIVE = "negative"
    UNAVAILABLE = "unavailable"
    SECTION = "section"
    LABEL = "label"


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's text, tooltip and look, worked out once per ``show_figures``."""

    text: str
    tooltip: str = ""
    kind: CellKind = CellKind.FIGURE


_BLANK = Cell("")


# Texts of figures ---------------------------------------------------------------------


@cache
def _money_format(currency: str, language: str) -> tuple[QLocale, str, int, Decimal]:
    """The locale, spaced symbol, decimals and quantum ``money_text`` writes ``currency`` with.

    Worked out once per currency and language: the panel writes a hundred amounts per
    keystroke, and ``money_text``'s lookups for each would cost a good part of a frame.
    """
    locale = qlocale()
    before = locale.toCurrencyString(1.0, "\u00a4", 0).startswith("\u00a4")
    symbol = spaced_symbol(
        currency_symbol(currency, current_language().locale), before_number=before
    )
    digits = currency_digits(currency)
    return locale, symbol, digits, Decimal(1).scaleb(-digits)


def money_cell(amount: Decimal, currency: str) -> Cell:
    """An amount of the proposal's currency as ``money_text`` writes it; red when below zero."""
    if not amount.is_finite():
        return Cell("—")
    locale, symbol, digits, quantum = _money_format(currency, current_language().code)
    # Rounded half-even to the currency's cents first, as amounts are stored, so the
    # float only carries the digits to show.
    rounded = amount.quantize(quantum)
    sign = locale.negativeSign() if rounded < 0 else ""
    text = sign + locale.toCurrencyString(float(abs(rounded)), symbol, digits)
    return Cell(text, kind=CellKind.NEGATIVE if rounded < 0 else CellKind.FIGURE)


def percent_text(value: Decimal) -> str:
    """``12.3%``: a percentage with one decimal, the locale's digits and sign."""
    locale = qlocale()
    return f"{locale.toString(float(value), 'f', 1)}{locale.percent()}"


def months_text(months: Decimal) -> str:
    """``14.5 months``: a payback time, to a tenth of a month."""
    count = qlocale().toString(float(months), "f", 1)
    return ngettext("{count} month", "{count} months", 1 if months == 1 else 2).format(count=count)


def unavailable_cell(figure: Unavailable) -> Cell:
    """Why a figure cannot be worked out, in the cell and its tooltip, greyed."""
    sentence = _(REASON_TEXTS[figure.reason])
    return Cell(sentence, sentence, CellKind.UNAVAILABLE)


def figure_cell(figure: Figure, text: Callable[[Decimal], str], *, signed: bool = False) -> Cell:
    """``figure`` written by ``text``, or its reason; ``signed`` makes a negative one red."""
    if isinstance(figure, Unavailable):
        return unavailable_cell(figure)
    if not figure.is_finite():
        return Cell("—")
    negative = signed and figure < 0
    return Cell(text(figure), kind=CellKind.NEGATIVE if negative else CellKind.FIGURE)


def money_figure_cell(figure: Figure, currency: str) -> Cell:
    """A money figure, or its reason."""
    if isinstance(figure, Unavailable):
        return unavailable_cell(figure)
    return money_cell(figure, currency)


def irr_cell(irr: IrrFigure | Unavailable) -> Cell:
    """The IRR; with a "*" and the note as tooltip when other rates zero the NPV too."""
    if isinstance(irr, Unavailable):
        return unavailable_cell(irr)
    if not irr.rate.is_finite():
        return Cell("—")
    text = percent_text(irr.rate)
    if irr.unique:
        return Cell(text, kind=CellKind.NEGATIVE if irr.rate < 0 else CellKind.FIGURE)
    return Cell(text + NOT_UNIQUE_MARK, _(IRR_NOTE))


def _saving_cell(other_tco: Figure, tco: Decimal, currency: str, whose: str) -> Cell:
    """What choosing the option saves over ``other_tco`` (negative: it costs more)."""
    if isinstance(other_tco, Unavailable):
        return unavailable_cell(other_tco)
    saving = money_cell(other_tco - tco, currency)
    tooltip = _("{whose} over the horizon: {amount}").format(
        whose=whose, amount=money_cell(other_tco, currency).text
    )
    return Cell(saving.text, tooltip, saving.kind)


# The rows -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    """One row: its key (for finding it), its label, and its cell for one option's figures."""

    key: str
    label: Cell
    cell: Callable[[OptionFigures], Cell] | None = None


def _scenario(figures: OptionFigures, index: int) -> ScenarioFigures | None:
    return figures.scenarios[index] if index < len(figures.scenarios) else None


def _rows(figures: Sequence[OptionFigures], currency: str) -> list[_Row]:
    """Every row the table shows for options with these figures, in the current language."""

    def label(text: str, tooltip: str = "") -> Cell:
        return Cell(_(text), _(tooltip) if tooltip else "", CellKind.LABEL)

    def money(of: Callable[[OptionFigures], Decimal]) -> Callable[[OptionFigures], Cell]:
        return lambda f: money_cell(of(f), currency)

    years = max((len(f.net_flows) for f in figures), default=0)
    rows = [
        _Row("investment", label(N_("Investment (one-off)")), money(lambda f: f.investment)),
        _Row(
            "recurring",
            label(N_("Recurring costs a year")),
            money(lambda f: f.recurring_per_year),
        ),
        _Row("net_flows", Cell(_("Net cash flow"), kind=CellKind.SECTION)),
    ]
    for year in range(years):
        rows.append(
            _Row(
                f"net_flow:{year}",
                Cell(_("Year {year}").format(year=year), kind=CellKind.LABEL),
                _year_cell(year, currency),
            )
        )
    rows += [
        _Row("returns", Cell(_("Returns"), kind=CellKind.SECTION)),
        _Row("total_benefits", label(N_("Total benefits")), money(lambda f: f.total_benefits)),
        _Row("total_costs", label(N_("Total costs")), money(lambda f: f.total_costs)),
        _Row(
            "roi",
            label(N_("ROI"), N_("(Total benefits − total costs) ÷ total costs, over the horizon")),
            lambda f: figure_cell(f.roi, percent_text, signed=True),
        ),
        _Row(
            "npv",
            label(N_("NPV"), N_("Net present value at the customer's discount rate")),
            lambda f: money_figure_cell(f.npv, currency),
        ),
        _Row(
            "irr",
            label(
                N_("IRR"), N_("Internal rate of return: the discount rate at which the NPV is zero")
            ),
            lambda f: irr_cell(f.irr),
        ),
        _Row("payback", label(N_("Payback")), lambda f: figure_cell(f.payback_months, months_text)),
        _Row(
            "discounted_payback",
            label(
                N_("Discounted payback"),
                N_("Payback of the flows discounted at the customer's rate"),
            ),
            lambda f: figure_cell(f.discounted_payback_months, months_text),
        ),
        _Row(
            "cost_of_delay",
            label(
                N_("Cost of delay a month"),
                N_("The net benefit forgone for each month the decision waits"),
            ),
            lambda f: money_figure_cell(f.cost_of_delay_per_month, currency),
        ),
        _Row("ownership", Cell(_("Cost of ownership"), kind=CellKind.SECTION)),
        _Row(
            "tco",
            label(
                N_("TCO"),
                N_("Total cost of ownership: everything the option costs over the horizon"),
            ),
            money(lambda f: f.tco),
        ),
        _Row(
            "saving_vs_status_quo",
            label(N_("Saving vs status quo")),
            lambda f: _saving_cell(f.tco_status_quo, f.tco, currency, _("The status quo")),
        ),
        _Row(
            "saving_vs_competitor",
            label(N_("Saving vs competitor")),
            lambda f: _saving_cell(f.tco_competitor, f.tco, currency, _("The competitor")),
        ),
    ]
    first = next((f for f in figures if f.scenarios), None)
    for index, scenario in enumerate(first.scenarios if first else ()):
        name = scenario.scenario.value
        factors = _("Benefits × {benefits}, costs × {costs}").format(
            benefits=qlocale().toString(float(scenario.benefit_factor), "g", 4),
            costs=qlocale().toString(float(scenario.cost_factor), "g", 4),
        )
        rows += [
            _Row(
                f"scenario:{name}",
                Cell(_(SCENARIO_LABELS[scenario.scenario]), factors, CellKind.SECTION),
            ),
            _Row(
                f"scenario:{name}:npv",
                label(N_("NPV")),
                _scenario_cell(index, lambda s: money_figure_cell(s.npv, currency)),
            ),
            _Row(
                f"scenario:{name}:roi",
                label(N_("ROI")),
                _scenario_cell(index, lambda s: figure_cell(s.roi, percent_text, signed=True)),
            ),
            _Row(
                f"scenario:{name}:payback",
                label(N_("Payback")),
                _scenario_cell(index, lambda s: figure_cell(s.payback_months, months_text)),
            ),
        ]
    return rows


def _year_cell(year: int, currency: str) -> Callable[[OptionFigures], Cell]:
    """The cell of an option's net flow in ``year`` (blank past its horizon)."""

    def cell(figures: OptionFigures) -> Cell:
        flows = figures.net_flows
        return money_cell(flows[year], currency) if year < len(flows) else _BLANK

    return cell


def _scenario_cell(
    index: int, of: Callable[[ScenarioFigures], Cell]
) -> Callable[[OptionFigures], Cell]:
    """The cell of a figure (``of``) of an option's scenario number ``index``."""

    def cell(figures: OptionFigures) -> Cell:
        scenario = _scenario(figures, index)
        return of(scenario) if scenario is not None else _BLANK

    return cell


def option_title(option: Option, number: int) -> str:
    """The option's column title: its name (or "Option 2"), starred when recommended."""
    name = option.name.strip() or _("Option {number}").format(number=number)
    return f"{RECOMMENDED_MARK} {name}" if option.recommended else name


# The models ---------------------------------------------------------------------------


class _CellTableModel(QAbstractTableModel):
    """A grid of ready-made cells, shown as they are.

    Replacing them with a grid of the same shape only emits ``dataChanged``, so the view
    keeps its scroll position, selection and widgets.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[list[Cell]] = []
        self._columns = 0
        #: The columns tinted as the recommended option's.
        self.highlighted: frozenset[int] = frozenset()
        self._header = QStandardItemModel(0, 0)
        self._header_texts: list[tuple[str, str]] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._grey = QBrush(_GREY)
        self._loss = QBrush(_LOSS)
        self._section = QBrush(_SECTION_BACKGROUND)
        self._recommended = QBrush(_RECOMMENDED_BACKGROUND)

    def header_model(self) -> QStandardItemModel:
        """The column titles as a plain Qt model, for the view's horizontal header."""
        return self._header

    def set_cells(
        self,
        cells: list[list[Cell]],
        headers: Sequence[tuple[str, str]],
        highlighted: frozenset[int] = frozenset(),
    ) -> None:
        """Show ``cells`` (rows of equal length) under ``headers`` (title, tooltip)."""
        columns = len(headers)
        if len(cells) != len(self.cells) or columns != self._columns:
            self.beginResetModel()
            self.cells, self._columns, self.highlighted = cells, columns, highlighted
            self.endResetModel()
        elif highlighted != self.highlighted:
            self.cells, self.highlighted = cells, highlighted
            if cells and columns:
                self.dataChanged.emit(self.index(0, 0), self.index(len(cells) - 1, columns - 1))
        else:
            old, self.cells = self.cells, cells
            self._emit_changes(old, cells, columns)
        headers = list(headers)
        if headers != self._header_texts:
            self._header_texts = headers
            self._header.setColumnCount(columns)
            for column, (title, tooltip) in enumerate(headers):
                item = QStandardItem(title)
                item.setToolTip(tooltip)
                self._header.setHorizontalHeaderItem(column, item)

    def _emit_changes(self, old: list[list[Cell]], new: list[list[Cell]], columns: int) -> None:
        """``dataChanged`` for each run of changed cells down a column, and nothing else.

        The view repaints only those cells: a keystroke in one option's line changes one
        column, and repainting every cell of the table would cost most of a frame.
        """
        for column in range(columns):
            start: int | None = None
            for row in range(len(new) + 1):
                changed = row < len(new) and old[row][column] != new[row][column]
                if changed and start is None:
                    start = row
                elif not changed and start is not None:
                    self.dataChanged.emit(self.index(start, column), self.index(row - 1, column))
                    start = None

    def cell(self, row: int, column: int) -> Cell:
        """The cell at ``row``, ``column``."""
        return self.cells[row][column]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        """Override QAbstractTableModel.rowCount."""
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        """Override QAbstractTableModel.columnCount."""
        return 0 if parent.isValid() else self._columns

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY_ROLE) -> Any:
        """Override QAbstractTableModel.data."""
        row, column = index.row(), index.column()
        if not index.isValid() or row >= len(self.cells) or column >= self._columns:
            return None
        cell = self.cells[row][column]
        if role == DISPLAY_ROLE:
            return cell.text
        if role == TOOLTIP_ROLE:
            return cell.tooltip or None
        kind = cell.kind
        if role == FOREGROUND_ROLE:
            if kind is CellKind.UNAVAILABLE:
                return self._grey
            return self._loss if kind is CellKind.NEGATIVE else None
        if role == FONT_ROLE:
            if kind is CellKind.SECTION:
                return self._bold
            return self._italic if kind is CellKind.UNAVAILABLE else None
        if role == BACKGROUND_ROLE:
            if kind is CellKind.SECTION:
                return self._section
            return self._recommended if column in self.highlighted else None
        if role == TEXT_ALIGNMENT_ROLE:
            if kind in (CellKind.FIGURE, CellKind.NEGATIVE):
                return ALIGN_RIGHT_VCENTER
            return _ALIGN_LEFT_VCENTER
        return None


class FiguresTableModel(_CellTableModel):
    """Rows of figures, a column of labels, then a column per option."""

    def __init__(self) -> None:
        super().__init__()
        self.row_keys: list[str] = []
        self.option_ids: list[str] = []

    def set_figures(
        self, options: Sequence[Option], figures: Mapping[str, OptionFigures], currency: str
    ) -> None:
        """Format every figure of ``options`` (a missing option's column stays blank)."""
        shown = [figures[o.id] for o in options if o.id in figures]
        rows = _rows(shown, currency) if shown else []
        cells = []
        for row in rows:
            line = [row.label]
            for option in options:
                option_figures = figures.get(option.id)
                if row.cell is None:
                    line.append(Cell("", row.label.tooltip, row.label.kind))
                elif option_figures is None:
                    line.append(_BLANK)
                else:
                    line.append(row.cell(option_figures))
            cells.append(line)
        self.row_keys = [row.key for row in rows]
        self.option_ids = [option.id for option in options]
        headers = [(_("Figure"), "")] + [
            (option_title(o, n), _("Recommended") if o.recommended else o.summary)
            for n, o in enumerate(options, start=1)
        ]
        highlighted = frozenset(n for n, o in enumerate(options, start=1) if o.recommended)
        self.set_cells(cells, headers, highlighted)

    def text_of(self, key: str, option_id: str) -> str:
        """The text of figure ``key`` (``npv``, ``net_flow:0``…) for ``option_id``."""
        return self.cell(self.row_keys.index(key), self.option_ids.index(option_id) + 1).text

    def tooltip_of(self, key: str, option_id: str) -> str:
        """The tooltip of figure ``key`` for ``option_id``."""
        return self.cell(self.row_keys.index(key), self.option_ids.index(option_id) + 1).tooltip


class SensitivityTableModel(_CellTableModel):
    """One option's drivers, with the NPV when each moves down and up by the swing."""

    def set_sensitivity(self, figures: OptionFigures | None, currency: str) -> None:
        """Show the sensitivity of ``figures`` (none: an empty table)."""
        swing = qlocale().toString(float(SENSITIVITY_SWING), "g", 4)
        headers = [
            (_("Driver"), ""),
            (
                _("NPV −{swing} %").format(swing=swing),
                _("The NPV when the driver is {swing} % lower").format(swing=swing),
            ),
            (
                _("NPV +{swing} %").format(swing=swing),
                _("The NPV when the driver is {swing} % higher").format(swing=swing),
            ),
        ]
        cells = [
            [
                Cell(_(bar.driver), _(bar.driver), CellKind.LABEL),
                money_figure_cell(bar.npv_low, currency),
                money_figure_cell(bar.npv_high, currency),
            ]
            for bar in (figures.sensitivity if figures is not None else ())
        ]
        self.set_cells(cells, headers)


# The panel ----------------------------------------------------------------------------


def _table(model: _CellTableModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    header = table.horizontalHeader()
    header.setModel(model.header_model())
    header.setMinimumSectionSize(60)
    header.setDefaultSectionSize(150)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(22)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.setAlternatingRowColors(False)
    return table


def _fit_columns(table: QTableView, first_width: int) -> None:
    """The first column (the labels) as wide as its texts, the others sharing the rest."""
    header = table.horizontalHeader()
    for column in range(header.count()):
        mode = QHeaderView.ResizeMode.Fixed if column == 0 else QHeaderView.ResizeMode.Stretch
        if header.sectionResizeMode(column) != mode:
            header.setSectionResizeMode(column, mode)
    if header.count() and header.sectionSize(0) != first_width:
        header.resizeSection(0, first_width)


class ProposalFiguresPanel(QWidget):
    """Every option's figures side by side, and the sensitivity of the chosen one.

    The figures table has a row per figure and a column per option (the recommended one
    starred and tinted). Below, the sensitivity of the option whose column was last
    clicked (the recommended one until then): a table and a tornado chart.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("proposal_figures")
        self._options: tuple[Option, ...] = ()
        self._figures: Mapping[str, OptionFigures] = {}
        self._currency = ""
        #: The option whose sensitivity is shown, once the user chose one.
        self._chosen_option_id: str | None = None
        #: The labels the first column was last measured for, and its width then.
        self._measured_labels: tuple[tuple[str, ...], int] = ((), 0)
        self._measured_drivers: tuple[tuple[str, ...], int] = ((), 0)
        #: Whether the empty state shows, and its message, as last set.
        self._empty_shown: tuple[bool, str] | None = None

        self.model = FiguresTableModel()
        self.table = _table(self.model)
        self.table.setObjectName("figures_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.horizontalHeader().sectionClicked.connect(self._on_header_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.empty = EmptyState(self.table)
        self.irr_note = QLabel()
        self.irr_note.setObjectName("irr_note")
        self.irr_note.setTextFormat(Qt.TextFormat.PlainText)
        self.irr_note.setStyleSheet("color: #6D6D6D;")
        self.irr_note.setWordWrap(True)
        self.irr_note.hide()

        self.sensitivity_title = QLabel()
        self.sensitivity_title.setObjectName("sensitivity_title")
        # An option's name is the rep's text: never read as markup.
        self.sensitivity_title.setTextFormat(Qt.TextFormat.PlainText)
        self.sensitivity_title.setWordWrap(True)
        self.sensitivity_model = SensitivityTableModel()
        self.sensitivity_table = _table(self.sensitivity_model)
        self.sensitivity_table.setObjectName("sensitivity_table")
        self.sensitivity_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tornado = TornadoChart()

        figures_box = QWidget()
        figures_layout = QVBoxLayout(figures_box)
        figures_layout.setContentsMargins(0, 0, 0, 0)
        figures_layout.addWidget(self.table, 1)
        figures_layout.addWidget(self.irr_note)
        sensitivity_box = QWidget()
        sensitivity_layout = QVBoxLayout(sensitivity_box)
        sensitivity_layout.setContentsMargins(0, 0, 0, 0)
        sensitivity_layout.addWidget(self.sensitivity_title)
        row = QHBoxLayout()
        row.addWidget(self.sensitivity_table, 3)
        row.addWidget(self.tornado, 2)
        sensitivity_layout.addLayout(row, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(figures_box)
        self.splitter.addWidget(sensitivity_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._show()

    def show_figures(
        self,
        options: Sequence[Option],
        figures: Mapping[str, OptionFigures],
        currency: str,
        *,
        recommended_id: str | None = None,
    ) -> None:
        """Show the engine's ``figures`` (by option id) of ``options``, amounts in ``currency``.

        The recommended option is the one ``recommended_id`` names (a document's
        ``recommended_option_id``), else each option marked ``recommended``.
        """
        if recommended_id is not None:
            options = [replace(o, recommended=o.id == recommended_id) for o in options]
        self._options = tuple(options)
        self._figures = figures
        self._currency = currency
        self._show()

    def sensitivity_option_id(self) -> str | None:
        """The option whose sensitivity is shown: the one chosen, else the recommended one."""
        ids = [option.id for option in self._options if option.id in self._figures]
        if self._chosen_option_id in ids:
            return self._chosen_option_id
        recommended = [o.id for o in self._options if o.recommended and o.id in self._figures]
        chosen = recommended or ids[-1:]
        return chosen[0] if chosen else None

    def show_sensitivity_of(self, option_id: str) -> None:
        """Show the sensitivity of ``option_id`` (as clicking its column does)."""
        self._chosen_option_id = option_id
        self._show_sensitivity()

    def _has_lines(self) -> bool:
        return any(option.lines for option in self._options)

    def _show(self) -> None:
        if self._has_lines():
            self.model.set_figures(self._options, self._figures, self._currency)
        else:
            self.model.set_figures((), {}, self._currency)
        _fit_columns(self.table, self._label_width())
        empty = (self.model.rowCount() == 0, _(EMPTY_MESSAGE))
        if empty != self._empty_shown:  # re-placing the label each keystroke costs time
            self._empty_shown = empty
            self.empty.update_for(self.model.rowCount(), empty[1])
        not_unique = any(
            isinstance(f.irr, IrrFigure) and not f.irr.unique
            for o in self._options
            if (f := self._figures.get(o.id)) is not None
        )
        if not_unique and self._has_lines():
            self.irr_note.setText(f"{NOT_UNIQUE_MARK} {_(IRR_NOTE)}")
        self.irr_note.setVisible(not_unique and self._has_lines())
        self._show_sensitivity()

    def _label_width(self) -> int:
        labels = tuple(row[0].text for row in self.model.cells) or (_("Figure"),)
        if labels != self._measured_labels[0]:
            metrics = self.table.fontMetrics()
            width = max(metrics.horizontalAdvance(label) for label in labels) + 24
            self._measured_labels = (labels, width)
        return self._measured_labels[1]

    def _driver_width(self) -> int:
        drivers = tuple(row[0].text for row in self.sensitivity_model.cells) or (_("Driver"),)
        if drivers != self._measured_drivers[0]:
            metrics = self.sensitivity_table.fontMetrics()
            width = min(max(metrics.horizontalAdvance(d) for d in drivers) + 24, 260)
            self._measured_drivers = (drivers, width)
        return self._measured_drivers[1]

    def _show_sensitivity(self) -> None:
        option_id = self.sensitivity_option_id() if self._has_lines() else None
        figures = self._figures.get(option_id) if option_id is not None else None
        self.sensitivity_model.set_sensitivity(figures, self._currency)
        option = next((o for o in self._options if o.id == option_id), None)
        if figures is None or option is None:
            self.sensitivity_title.setText("")
            self.tornado.set_sensitivity(None, (), self._currency)
            return
        swing = qlocale().toString(float(SENSITIVITY_SWING), "g", 4)
        number = self._options.index(option) + 1
        self.sensitivity_title.setText(
            _("Sensitivity of {option}: its NPV when each driver moves ±{swing} %").format(
                option=option.name.strip() or _("Option {number}").format(number=number),
                swing=swing,
            )
        )
        _fit_columns(self.sensitivity_table, self._driver_width())
        self.tornado.set_sensitivity(figures.npv, figures.sensitivity, self._currency)

    def _on_header_clicked(self, column: int) -> None:
        if 1 <= column <= len(self.model.option_ids):
            self.show_sensitivity_of(self.model.option_ids[column - 1])

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._on_header_clicked(indexes[0].column())

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: every text again in a new language."""
        if event.type() == QEvent.Type.LanguageChange:
            self._show()
        super().changeEvent(event)

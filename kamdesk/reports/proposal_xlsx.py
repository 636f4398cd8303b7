"""A proposal as an .xlsx workbook whose figures are live formulas.

The customer's finance team checks the maths in their own spreadsheet: every line
amount, yearly flow and figure (NPV, IRR, ROI, payback, TCO, cost of delay) is a formula
over the proposal's inputs, so their spreadsheet works the numbers out itself and gets
the PDF's figures (the engine's, ``kamdesk.domain.proposal_figures``), and a changed
assumption flows through. The sheets, in the proposal's own language:

- *Summary*: the options side by side, each cell a formula referencing an option sheet;
- *Assumptions*: horizon, the discount rate (the one cell every NPV reads), the status
  quo and competitor costs, and the scenario multipliers;
- one sheet per option: its line items (amount = ``qty × price × (1 − discount)``), its
  benefits (hours × rate for hours saved), the cash-flow table by year 0..H (benefits
  felt from their starting year with SUMIFS, less the recurring cost; year 0 the one-off
  investment), cumulative and discounted flows, the figures, the three scenarios
  (formulas on the multipliers) and the sensitivity table.

The sensitivity table is the engine's values with a note saying so: each of its rows is
a whole NPV at a moved assumption, which would take a copy of the cash-flow table each.
Where the engine has no figure (no IRR, never pays back) the formula shows the engine's
sentence rather than an error cell, and the note column says why.

The workbook's dates (and the zip's) are the document date, so the same proposal gives
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from kamdesk import APP_NAME
from kamdesk.domain.proposal_figures import (
    DISCOUNT_RATE_DRIVER,
    INVESTMENT_DRIVER,
    MAX_HORIZON_YEARS,
    REASON_TEXTS,
    RECURRING_DRIVER,
    SCENARIO_FACTORS,
    SCENARIO_LABELS,
    SENSITIVITY_SWING,
    IrrFigure,
    OptionFigures,
    Reason,
    Scenario,
    Unavailable,
    proposal_figures,
)
from kamdesk.domain.proposals import (
    BENEFIT_KIND_LABELS,
    HUNDRED,
    BenefitKind,
    Billing,
    ItemKind,
    LineItem,
    Option,
    ProposalDocument,
    ProposalLanguage,
)
from kamdesk.formatting import currency_digits, currency_symbol, spaced_symbol
from kamdesk.i18n import N_, translator

SUMMARY_SHEET: Final = N_("Summary")
ASSUMPTIONS_SHEET: Final = N_("Assumptions")

ITEM_KIND_LABELS: Final[dict[ItemKind, str]] = {
    ItemKind.PRODUCT: N_("Product"),
    ItemKind.SERVICE: N_("Service"),
}
#: Also the criteria of the cash-flow table's SUMIFS, which match the billing column.
BILLING_LABELS: Final[dict[Billing, str]] = {
    # TRANSLATORS: a spreadsheet formula matches this word: no * ? ~ and no leading < > =
    Billing.ONE_OFF: N_("One-off"),
    # TRANSLATORS: a spreadsheet formula matches this word: no * ? ~ and no leading < > =
    Billing.YEARLY: N_("Yearly"),
}

#: The sensitivity drivers named by the engine (translated), not by the user.
_DRIVER_LABELS: Final = frozenset(
    {INVESTMENT_DRIVER, RECURRING_DRIVER, DISCOUNT_RATE_DRIVER, *BENEFIT_KIND_LABELS.values()}
)

_BOLD: Final = Font(bold=True)
_TITLE: Final = Font(bold=True, size=14)
_NOTE: Final = Font(italic=True, color="666666")
_WRAP: Final = Alignment(wrap_text=True, vertical="top")
_PERCENT: Final = "0.0%"
_RATE: Final = "0.00%"
_MONTHS: Final = "0.0"
_FACTOR: Final = "0.00"
_YEAR: Final = "0"
_DATE: Final = "yyyy-mm-dd"
#: Characters a sheet name may not hold, and its longest length (Excel's rules).
_SHEET_NAME_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX: Final = 31
_WIDTH_MIN: Final = 10
_WIDTH_MAX: Final = 48


@dataclass(frozen=True)
class _Figure:
    """A row of an option's figures: its key, label and number format kind."""

    key: str
    label: str
    kind: str  # "money", "percent" or "months"


_FIGURES: Final[tuple[_Figure, ...]] = (
    _Figure("investment", N_("Investment (one-off)"), "money"),
    _Figure("recurring", N_("Recurring cost a year"), "money"),
    _Figure("total_benefits", N_("Total benefits"), "money"),
    _Figure("total_costs", N_("Total costs"), "money"),
    _Figure("roi", N_("ROI"), "percent"),
    _Figure("npv", N_("NPV"), "money"),
    _Figure("irr", N_("IRR"), "percent"),
    _Figure("payback", N_("Payback (months)"), "months"),
    _Figure("discounted_payback", N_("Discounted payback (months)"), "months"),
    _Figure("tco", N_("Total cost of ownership"), "money"),
    _Figure("tco_status_quo", N_("TCO of the status quo"), "money"),
    _Figure("tco_competitor", N_("TCO of the competitor's offer"), "money"),
    _Figure("cost_of_delay", N_("Cost of delay a month"), "money"),
)


@dataclass(frozen=True)
class _Assumptions:
    """Where the Assumptions sheet keeps what every option sheet's formulas read."""

    horizon: str
    rate: str
    status_quo: str
    competitor_one_off: str
    competitor_per_year: str
    #: (benefit factor cell, cost factor cell) of each scenario.
    factors: dict[Scenario, tuple[str, str]]


@dataclass
class _OptionCells:
    """The cells of an option sheet that the Summary sheet references."""

    sheet: str
    figures: dict[str, str] = field(default_factory=dict)
    scenario_npv: dict[Scenario, str] = field(default_factory=dict)


class _Writer:
    """Writes one proposal's workbook: the labels' language and the number formats."""

    def __init__(self, document: ProposalDocument) -> None:
        self.document = document
        self.tr: Callable[[str], str] = translator(document.language.value).gettext
        horizon = document.economics.horizon_years
        #: Why the flow-based figures cannot be worked out, as the engine says.
        self.horizon_problem: Reason | None = None
        if horizon < 1:
            self.horizon_problem = Reason.NO_HORIZON
        elif horizon > MAX_HORIZON_YEARS:
            self.horizon_problem = Reason.HORIZON_TOO_LONG
        #: The years the cash-flow tables run to (only year 0 when there is a problem).
        self.horizon = 0 if self.horizon_problem else horizon
        locale = "zh_Hans_CN" if document.language is ProposalLanguage.CHINESE else "en_US"
        symbol = spaced_symbol(
            currency_symbol(document.currency, locale), before_number=True
        ).replace('"', "")
        digits = currency_digits(document.currency)
        #: The currency's smallest unit (0.01, or 1 for yen).
        self.cent = Decimal(1).scaleb(-digits)
        number = "#,##0" + ("." + "0" * digits if digits else "")
        self.money = f'"{symbol}"{number};-"{symbol}"{number}'

    def reason(self, reason: Reason) -> str:
        """The engine's sentence for a missing figure, in the proposal's language."""
        return self.tr(REASON_TEXTS[reason])

    def text(self, message: str) -> str:
        """``message`` translated, as a string literal inside a formula."""
        return _literal(self.tr(message))

    def of_scenario(self, what: str, scenario: str) -> str:
        """``NPV: Conservative``: a row of one scenario, worded as the language puts it."""
        return self.tr(N_("{figure}: {scenario}")).format(figure=what, scenario=scenario)

    def format_of(self, kind: str) -> str:
        return {"money": self.money, "percent": _PERCENT, "months": _MONTHS}[kind]


def proposal_xlsx(document: ProposalDocument) -> bytes:
    """The bytes of the proposal's .xlsx: its options and cash flows as live formulas."""
    writer = _Writer(document)
    figures = proposal_figures(document)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None  # a new workbook always has its first sheet
    summary.title = _sheet_name(writer.tr(SUMMARY_SHEET), set())
    taken = {summary.title.casefold()}
    assumptions_sheet = workbook.create_sheet(_sheet_name(writer.tr(ASSUMPTIONS_SHEET), taken))
    taken.add(assumptions_sheet.title.casefold())
    assumptions = _write_assumptions(assumptions_sheet, writer)
    options: list[tuple[Option, _OptionCells]] = []
    for number, option in enumerate(document.options, start=1):
        name = option.name.strip() or writer.tr(N_("Option {number}")).format(number=number)
        sheet = workbook.create_sheet(_sheet_name(name, taken))
        taken.add(sheet.title.casefold())
        cells = _write_option(sheet, writer, option, figures.get(option.id), assumptions)
        options.append((option, cells))
    _write_summary(summary, writer, options)
    stamp = dt.datetime.combine(document.document_date, dt.time())
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = APP_NAME
    workbook.properties.title = document.title
    return _save(workbook, stamp)


def _write_assumptions(sheet: Worksheet, writer: _Writer) -> _Assumptions:
    tr = writer.tr
    economics = writer.document.economics
    document = writer.document
    _header(sheet, 1, (tr(N_("Assumption")), tr(N_("Value"))))
    money = writer.money
    rows: list[tuple[str, object, str | None]] = [
        (tr(N_("Proposal")), document.title, None),
        (tr(N_("Customer")), document.customer, None),
        (tr(N_("Version")), document.version, None),
        (tr(N_("Date")), document.document_date, _DATE),
        (tr(N_("Currency")), document.currency, None),
        (tr(N_("Horizon (years)")), economics.horizon_years, _YEAR),
        (tr(N_("Discount rate")), _number(economics.discount_rate / HUNDRED), _RATE),
        (tr(N_("Status quo cost a year")), _maybe(economics.status_quo_cost_per_year), money),
        (tr(N_("Competitor")), economics.competitor_name, None),
        (tr(N_("Competitor one-off cost")), _maybe(economics.competitor_one_off), money),
        (tr(N_("Competitor cost a year")), _maybe(economics.competitor_per_year), money),
    ]
    where: list[str] = []
    for row, (label, value, number_format) in enumerate(rows, start=2):
        sheet.cell(row, 1, label)
        cell = sheet.cell(row, 2, value if value != "" else None)
        if number_format:
            cell.number_format = number_format
        where.append(_absolute(sheet.title, cell.coordinate))
    note_row = len(rows) + 2
    _note(
        sheet,
        note_row,
        1,
        tr(
            N_(
                "Every figure is a formula over these cells and the option sheets' line items "
                "and benefits: change one and the figures follow. The cash-flow tables have "
                "one column a year of the horizon they were made for."
            )
        ),
    )
    factors_row = note_row + 2
    _header(sheet, factors_row, (tr(N_("Scenario")), tr(N_("Benefits ×")), tr(N_("Costs ×"))))
    factors: dict[Scenario, tuple[str, str]] = {}
    for offset, scenario in enumerate(Scenario, start=1):
        row = factors_row + offset
        benefit_factor, cost_factor = SCENARIO_FACTORS[scenario]
        sheet.cell(row, 1, tr(SCENARIO_LABELS[scenario]))
        benefit_cell = sheet.cell(row, 2, _number(benefit_factor))
        cost_cell = sheet.cell(row, 3, _number(cost_factor))
        benefit_cell.number_format = cost_cell.number_format = _FACTOR
        factors[scenario] = (
            _absolute(sheet.title, benefit_cell.coordinate),
            _absolute(sheet.title, cost_cell.coordinate),
        )
    sheet.freeze_panes = "A2"
    _fit_columns(sheet, {1: 28, 2: 24, 3: 12})
    return _Assumptions(
        horizon=where[5],
        rate=where[6],
        status_quo=where[7],
        competitor_one_off=where[9],
        competitor_per_year=where[10],
        factors=factors,
    )


@dataclass(frozen=True)
class _Lines:
    """The line-items table's columns as ranges: what the cash-flow formulas sum."""

    amount: str
    billing: str
    year: str


@dataclass(frozen=True)
class _Flows:
    """Rows of the cash-flow table: each an A1 row number on the option sheet."""

    year: int
    benefits: int
    one_off: int
    recurring: int
    net: int
    cumulative: int
    discounted: int
    discounted_cumulative: int
    payback: int
    discounted_payback: int
    #: The first year with benefits: its benefits less its yearly costs (cost of delay).
    first_benefits: int


def _write_option(
    sheet: Worksheet,
    writer: _Writer,
    option: Option,
    figures: OptionFigures | None,
    assumptions: _Assumptions,
) -> _OptionCells:
    tr = writer.tr
    cells = _OptionCells(sheet=sheet.title)
    sheet.cell(1, 1, option.name).font = _TITLE
    subtitle = option.summary
    if option.recommended or writer.document.recommended is option:
        subtitle = f"★ {tr(N_('Recommended'))}" + (f" · {subtitle}" if subtitle else "")
    if subtitle:
        sheet.cell(2, 1, subtitle)

    # Line items.
    row = 4
    sheet.cell(row, 1, tr(N_("Line items"))).font = _BOLD
    row += 1
    _header(
        sheet,
        row,
        tuple(
            tr(label)
            for label in (
                N_("Product"),
                N_("Kind"),
                N_("Quantity"),
                N_("Unit price"),
                N_("Discount"),
                N_("Billing"),
                N_("Year"),
                N_("Amount"),
            )
        ),
    )
    first_line = row + 1
    for offset, line in enumerate(option.lines):
        r = first_line + offset
        sheet.cell(r, 1, line.product)
        sheet.cell(r, 2, tr(ITEM_KIND_LABELS[line.item_kind]))
        sheet.cell(r, 3, _number(line.quantity))
        sheet.cell(r, 4, _number(line.unit_price)).number_format = writer.money
        sheet.cell(r, 5, _number(line.discount / HUNDRED)).number_format = _PERCENT
        sheet.cell(r, 6, tr(BILLING_LABELS[line.billing]))
        sheet.cell(r, 7, _paid_from(line)).number_format = _YEAR
        amount = sheet.cell(r, 8, f"=C{r}*D{r}*(1-E{r})")
        amount.number_format = writer.money
    # A table with no lines keeps one empty row, so its SUMIFS ranges stay ranges.
    last_line = first_line + max(len(option.lines), 1) - 1
    lines = _Lines(
        amount=f"$H${first_line}:$H${last_line}",
        billing=f"$F${first_line}:$F${last_line}",
        year=f"$G${first_line}:$G${last_line}",
    )

    # Benefits.
    row = last_line + 2
    sheet.cell(row, 1, tr(N_("Benefits"))).font = _BOLD
    row += 1
    _header(
        sheet,
        row,
        tuple(
            tr(label)
            for label in (
                N_("Kind"),
                N_("Description"),
                N_("Hours a year"),
                N_("Hourly rate"),
                N_("Yearly value"),
                N_("From year"),
                N_("Assumption"),
            )
        ),
    )
    first_benefit = row + 1
    for offset, benefit in enumerate(option.benefits):
        r = first_benefit + offset
        sheet.cell(r, 1, tr(BENEFIT_KIND_LABELS[benefit.kind]))
        sheet.cell(r, 2, benefit.description or None)
        value = sheet.cell(r, 5)
        if benefit.kind is BenefitKind.HOURS_SAVED and benefit.hours_per_year is not None:
            sheet.cell(r, 3, _number(benefit.hours_per_year))
            sheet.cell(
                r, 4, _number(benefit.hourly_rate or Decimal(0))
            ).number_format = writer.money
            value.value = f"=C{r}*D{r}"
        else:
            value.value = _number(benefit.amount_per_year)
        value.number_format = writer.money
        sheet.cell(r, 6, benefit.starts_year).number_format = _YEAR
        sheet.cell(r, 7, benefit.assumption or None).alignment = _WRAP
    last_benefit = first_benefit + max(len(option.benefits), 1) - 1
    benefits_value = f"$E${first_benefit}:$E${last_benefit}"
    benefits_start = f"$F${first_benefit}:$F${last_benefit}"

    # The cash-flow table: years 0..H in columns C.., a total in B.
    row = last_benefit + 2
    sheet.cell(row, 1, tr(N_("Cash flows"))).font = _BOLD
    row += 1
    flows = _Flows(*range(row, row + 11))
    years = range(writer.horizon + 1)
    first_col, last_col = _col(0), _col(writer.horizon)
    rate = assumptions.rate
    _header(sheet, flows.year, (tr(N_("Year")), tr(N_("Total"))))
    labels = {
        flows.benefits: N_("Benefits"),
        flows.one_off: N_("One-off investment"),
        flows.recurring: N_("Recurring cost"),
        flows.net: N_("Net cash flow"),
        flows.cumulative: N_("Cumulative"),
        flows.discounted: N_("Discounted cash flow"),
        flows.discounted_cumulative: N_("Discounted cumulative"),
        flows.payback: N_("Pays back this year (month)"),
        flows.discounted_payback: N_("Pays back this year, discounted (month)"),
        flows.first_benefits: N_("First year with benefits, less its yearly costs"),
    }
    for label_row, label in labels.items():
        sheet.cell(label_row, 1, tr(label))
    sheet.cell(flows.net, 1).font = _BOLD
    one_off = writer.text(BILLING_LABELS[Billing.ONE_OFF])
    yearly = writer.text(BILLING_LABELS[Billing.YEARLY])
    for year in years:
        c = _col(year)
        prev = _col(year - 1)
        year_cell = sheet.cell(flows.year, 2 + year + 1, year)
        year_cell.font = _BOLD
        year_cell.number_format = _YEAR
        this_year = f"{c}${flows.year}"
        # Benefits and yearly costs run from year 1 (the first after go-live); one-off
        # costs are paid in their year, from year 0 (at signing).
        benefits = (
            "=0" if year == 0 else f'=SUMIFS({benefits_value},{benefits_start},"<="&{this_year})'
        )
        investment = f"=SUMIFS({lines.amount},{lines.billing},{one_off},{lines.year},{this_year})"
        recurring = (
            "=0"
            if year == 0
            else f'=SUMIFS({lines.amount},{lines.billing},{yearly},{lines.year},"<="&{this_year})'
        )
        net = f"={c}{flows.benefits}-{c}{flows.one_off}-{c}{flows.recurring}"
        discounted = f'=IF({rate}<=-1,"",{c}{flows.net}/(1+{rate})^{c}${flows.year})'
        if year == 0:
            cumulative = f"={c}{flows.net}"
            discounted_cumulative = f"={c}{flows.discounted}"
        else:
            cumulative = f"={prev}{flows.cumulative}+{c}{flows.net}"
            discounted_cumulative = (
                f'=IF({rate}<=-1,"",{prev}{flows.discounted_cumulative}+{c}{flows.discounted})'
            )
        for r, formula in (
            (flows.benefits, benefits),
            (flows.one_off, investment),
            (flows.recurring, recurring),
            (flows.net, net),
            (flows.cumulative, cumulative),
            (flows.discounted, discounted),
            (flows.discounted_cumulative, discounted_cumulative),
        ):
            sheet[f"{c}{r}"] = formula
            sheet[f"{c}{r}"].number_format = writer.money
        if year > 0:
            sheet[f"{c}{flows.payback}"] = _crossing(
                c, prev, flows.year, flows.cumulative, flows.net, last_col
            )
            sheet[f"{c}{flows.discounted_payback}"] = _crossing(
                c, prev, flows.year, flows.discounted_cumulative, flows.discounted, last_col
            )
            sheet[f"{c}{flows.payback}"].number_format = _MONTHS
            sheet[f"{c}{flows.discounted_payback}"].number_format = _MONTHS
            first_benefits = sheet[f"{c}{flows.first_benefits}"]
            first_benefits.value = (
                f"=IF(AND({c}{flows.benefits}>0,"
                f'COUNTIF(${_col(1)}{flows.benefits}:{c}{flows.benefits},">0")=1),'
                f'{c}{flows.benefits}-{c}{flows.recurring},"")'
            )
            first_benefits.number_format = writer.money
    for r in (flows.benefits, flows.one_off, flows.recurring, flows.net, flows.discounted):
        sheet[f"B{r}"] = f"=SUM({first_col}{r}:{last_col}{r})"
        sheet[f"B{r}"].number_format = writer.money
        sheet[f"B{r}"].font = _BOLD

    # The figures, each a formula over the table (value in B, a note in C).
    row = flows.first_benefits + 2
    sheet.cell(row, 1, tr(N_("Figures"))).font = _BOLD
    row += 1
    _header(sheet, row, (tr(N_("Figure")), tr(N_("Value")), tr(N_("Note"))))
    figure_rows = {figure.key: row + offset for offset, figure in enumerate(_FIGURES, start=1)}
    formulas = _figure_formulas(
        writer, flows, assumptions, lines, lambda key: f"B{figure_rows[key]}", _irr_guess(figures)
    )
    notes = _figure_notes(writer, figures)
    for figure in _FIGURES:
        r = figure_rows[figure.key]
        sheet.cell(r, 1, tr(figure.label))
        value = sheet.cell(r, 2, formulas[figure.key])
        value.number_format = writer.format_of(figure.kind)
        if note := notes.get(figure.key):
            _note(sheet, r, 3, note)
        cells.figures[figure.key] = _absolute(sheet.title, value.coordinate)
    figures_of = {key: cell.split("!")[1] for key, cell in cells.figures.items()}

    # Scenarios: the multipliers of the Assumptions sheet on the benefits and costs.
    row = row + len(_FIGURES) + 2
    row = _write_scenarios(sheet, writer, row, flows, assumptions, figures_of, cells)

    # Sensitivity: the engine's values, said to be so.
    if figures is not None and figures.sensitivity:
        _write_sensitivity(sheet, writer, row + 1, figures)
    sheet.freeze_panes = "B3"
    money_columns = {column: 15 for column in range(3, 4 + writer.horizon)}
    _fit_columns(sheet, {1: 30, 2: 16, **money_columns, 8: 16})
    return cells


def _irr_guess(figures: OptionFigures | None) -> str:
    """Where the spreadsheet's IRR search starts: the engine's rate, else Excel's own 10 %."""
    if figures is not None and isinstance(figures.irr, IrrFigure):
        return format(round(figures.irr.rate / 100, 6), "f")
    return "0.1"


def _figure_formulas(
    writer: _Writer,
    flows: _Flows,
    assumptions: _Assumptions,
    lines: _Lines,
    at: Callable[[str], str],
    irr_guess: str,
) -> dict[str, str]:
    """Each figure's formula; ``at(key)`` is the cell of another figure it reads.

    ``irr_guess`` starts the spreadsheet's IRR search at the engine's rate, so flows with
    several rates give the one the PDF shows, not whichever Newton's method meets first.
    """
    first, last = _col(0), _col(writer.horizon)
    years_from = _col(1)
    horizon = writer.horizon
    rate = assumptions.rate
    net = f"{first}{flows.net}:{last}{flows.net}"
    no_horizon = _literal(writer.reason(writer.horizon_problem or Reason.NO_HORIZON))
    bad_rate = _literal(writer.reason(Reason.BAD_DISCOUNT_RATE))
    no_investment = _literal(writer.reason(Reason.NO_INVESTMENT))
    no_irr = _literal(writer.reason(Reason.NO_IRR))
    no_irr_in_range = _literal(writer.reason(Reason.NO_IRR_IN_RANGE))
    never = _literal(writer.reason(Reason.NEVER_PAYS_BACK))
    no_benefits = _literal(writer.reason(Reason.NO_BENEFITS))
    no_comparison = _literal(writer.reason(Reason.NO_COMPARISON))
    yearly = writer.text(BILLING_LABELS[Billing.YEARLY])
    horizon_cell = assumptions.horizon
    horizon_problem = writer.horizon_problem
    if writer.horizon_problem:
        # No year-by-year table to sum: what it costs is the one-off and each year's cost.
        costs = f"{at('investment')}+{at('recurring')}*MAX(0,{horizon_cell})"
    else:
        costs = f"B{flows.one_off}+B{flows.recurring}"

    def flow_based(formula: str) -> str:
        return f"={no_horizon}" if writer.horizon_problem else f"={formula}"

    npv = f"{first}{flows.net}+NPV({rate},{years_from}{flows.net}:{last}{flows.net})"
    # The cost of delay: a month of the first year with benefits, less its yearly costs.
    first_benefits = f"{years_from}{flows.first_benefits}:{last}{flows.first_benefits}"
    steady = f"SUM({first_benefits})"
    total_costs, total_benefits = at("total_costs"), at("total_benefits")
    sq, one_off, per_year = (
        assumptions.status_quo,
        assumptions.competitor_one_off,
        assumptions.competitor_per_year,
    )
    too_short = f"{horizon_cell}<1,{_literal(writer.reason(Reason.NO_HORIZON))}"
    return {
        "investment": f"={first}{flows.one_off}",
        "recurring": f"=SUMIFS({lines.amount},{lines.billing},{yearly})",
        # No year is within a horizon below one: no benefits, as the engine counts.
        "total_benefits": "=0"
        if horizon_problem is Reason.NO_HORIZON
        else flow_based(f"B{flows.benefits}"),
        "total_costs": f"={costs}",
        "roi": flow_based(
            f"IF({total_costs}<=0,{no_investment},({total_benefits}-{total_costs})/{total_costs})"
        ),
        "npv": flow_based(f"IF({rate}<=-1,{bad_rate},{npv})"),
        "irr": flow_based(
            f'IF(COUNTIF({net},">0")*COUNTIF({net},"<0")=0,{no_irr},'
            f"IF(ISERROR(IRR({net},{irr_guess})),{no_irr_in_range},IRR({net},{irr_guess})))"
        ),
        "payback": flow_based(_payback(flows.payback, flows.cumulative, horizon, never)),
        "discounted_payback": flow_based(
            f"IF({rate}<=-1,{bad_rate},"
            f"{_payback(flows.discounted_payback, flows.discounted_cumulative, horizon, never)})"
        ),
        "tco": f"={costs}",
        "tco_status_quo": f'=IF({sq}="",{no_comparison},IF({too_short},{sq}*{horizon_cell}))',
        "tco_competitor": (
            f'=IF(AND({one_off}="",{per_year}=""),{no_comparison},'
            f"IF({too_short},N({one_off})+N({per_year})*{horizon_cell}))"
        ),
        "cost_of_delay": flow_based(
            f"IF(COUNT({first_benefits})=0,{no_benefits},IF({steady}<=0,{no_benefits},{steady}/12))"
        ),
    }


def _figure_notes(writer: _Writer, figures: OptionFigures | None) -> dict[str, str]:
    """What the note column says next to each figure: why there is none, or a caution."""
    tr = writer.tr
    notes = {
        "npv": tr(
            N_("A spreadsheet's NPV() starts at year 1, so the year-0 flow is added as it is.")
        ),
    }
    if figures is None:
        return notes
    values: dict[str, object] = {
        "roi": figures.roi,
        "npv": figures.npv,
        "irr": figures.irr,
        "payback": figures.payback_months,
        "discounted_payback": figures.discounted_payback_months,
        "tco_status_quo": figures.tco_status_quo,
        "tco_competitor": figures.tco_competitor,
        "cost_of_delay": figures.cost_of_delay_per_month,
    }
    for key, value in values.items():
        if isinstance(value, Unavailable):
            notes[key] = writer.reason(value.reason)
        elif isinstance(value, IrrFigure) and not value.unique:
            notes[key] = tr(
                N_(
                    "Several rates give an NPV of 0; KAMDesk gives the one nearest 0: "
                    "trust the NPV."
                )
            )
    return notes


def _write_scenarios(
    sheet: Worksheet,
    writer: _Writer,
    row: int,
    flows: _Flows,
    assumptions: _Assumptions,
    figures_of: dict[str, str],
    cells: _OptionCells,
) -> int:
    """The scenario flows and figures; returns the first free row below them."""
    tr = writer.tr
    sheet.cell(row, 1, tr(N_("Scenarios"))).font = _BOLD
    row += 1
    _header(sheet, row, (tr(N_("Year")), ""))
    for year in range(writer.horizon + 1):
        sheet.cell(row, 3 + year, year).font = _BOLD
    year_row = row
    first, last = _col(0), _col(writer.horizon)
    years_from = _col(1)
    rate = assumptions.rate
    flow_rows: dict[Scenario, tuple[int, int, int]] = {}
    for scenario in Scenario:
        benefit_factor, cost_factor = assumptions.factors[scenario]
        label = tr(SCENARIO_LABELS[scenario])
        net_row, cumulative_row, payback_row = row + 1, row + 2, row + 3
        for label_row, what in (
            (net_row, N_("Net cash flow")),
            (cumulative_row, N_("Cumulative")),
            (payback_row, N_("Pays back this year (month)")),
        ):
            sheet.cell(label_row, 1, writer.of_scenario(tr(what), label))
        for year in range(writer.horizon + 1):
            c, prev = _col(year), _col(year - 1)
            net = sheet[f"{c}{net_row}"]
            net.value = (
                f"={c}{flows.benefits}*{benefit_factor}"
                f"-({c}{flows.one_off}+{c}{flows.recurring})*{cost_factor}"
            )
            cumulative = sheet[f"{c}{cumulative_row}"]
            cumulative.value = (
                f"={c}{net_row}" if year == 0 else f"={prev}{cumulative_row}+{c}{net_row}"
            )
            net.number_format = cumulative.number_format = writer.money
            if year > 0:
                sheet[f"{c}{payback_row}"] = _crossing(
                    c, prev, year_row, cumulative_row, net_row, last
                )
                sheet[f"{c}{payback_row}"].number_format = _MONTHS
        flow_rows[scenario] = (net_row, cumulative_row, payback_row)
        row = payback_row

    row += 2
    _header(
        sheet,
        row,
        (tr(N_("Scenario")), tr(N_("NPV")), tr(N_("ROI")), tr(N_("Payback (months)"))),
    )
    no_horizon = _literal(writer.reason(writer.horizon_problem or Reason.NO_HORIZON))
    bad_rate = _literal(writer.reason(Reason.BAD_DISCOUNT_RATE))
    no_investment = _literal(writer.reason(Reason.NO_INVESTMENT))
    never = _literal(writer.reason(Reason.NEVER_PAYS_BACK))
    total_benefits = figures_of["total_benefits"]
    total_costs = figures_of["total_costs"]
    for scenario in Scenario:
        row += 1
        benefit_factor, cost_factor = assumptions.factors[scenario]
        net_row, cumulative_row, payback_row = flow_rows[scenario]
        sheet.cell(row, 1, tr(SCENARIO_LABELS[scenario]))
        if not writer.horizon_problem:
            npv = (
                f"=IF({rate}<=-1,{bad_rate},"
                f"{first}{net_row}+NPV({rate},{years_from}{net_row}:{last}{net_row}))"
            )
            costs = f"{total_costs}*{cost_factor}"
            gain = f"{total_benefits}*{benefit_factor}-{costs}"
            roi = f"=IF({costs}=0,{no_investment},({gain})/({costs}))"
            payback = "=" + _payback(payback_row, cumulative_row, writer.horizon, never)
        else:
            npv = roi = payback = f"={no_horizon}"
        sheet.cell(row, 2, npv).number_format = writer.money
        sheet.cell(row, 3, roi).number_format = _PERCENT
        sheet.cell(row, 4, payback).number_format = _MONTHS
        cells.scenario_npv[scenario] = _absolute(sheet.title, f"B{row}")
    return row + 1


def _write_sensitivity(sheet: Worksheet, writer: _Writer, row: int, figures: OptionFigures) -> None:
    tr = writer.tr
    swing = _plain(SENSITIVITY_SWING)
    sheet.cell(row, 1, tr(N_("Sensitivity"))).font = _BOLD
    _note(
        sheet,
        row,
        2,
        tr(
            N_(
                "Values worked out by KAMDesk, not formulas: the NPV when each driver alone "
                "moves down and up by {swing} %."
            )
        ).format(swing=swing),
    )
    row += 1
    _header(
        sheet,
        row,
        (
            tr(N_("Driver")),
            tr(N_("NPV at −{swing} %")).format(swing=swing),
            tr(N_("NPV at +{swing} %")).format(swing=swing),
        ),
    )
    for line in figures.sensitivity:
        row += 1
        # A benefit's driver is its description, the user's own words: left as typed.
        sheet.cell(row, 1, tr(line.driver) if line.driver in _DRIVER_LABELS else line.driver)
        for column, value in ((2, line.npv_low), (3, line.npv_high)):
            cell = sheet.cell(row, column)
            if isinstance(value, Unavailable):
                cell.value = writer.reason(value.reason)
            else:
                # A value, not a formula: rounded to the cent as the PDF shows it.
                cell.value = _number(value.quantize(writer.cent))
                cell.number_format = writer.money


def _write_summary(
    sheet: Worksheet, writer: _Writer, options: Sequence[tuple[Option, _OptionCells]]
) -> None:
    tr = writer.tr
    document = writer.document
    sheet.cell(1, 1, tr(N_("Figure")))
    recommended = document.recommended
    for column, (option, _cells) in enumerate(options, start=2):
        sheet.cell(1, column, option.name)
    for column in range(1, len(options) + 2):
        sheet.cell(1, column).font = _BOLD
    row = 2
    sheet.cell(row, 1, tr(N_("Recommended")))
    for column, (option, _cells) in enumerate(options, start=2):
        if option is recommended:
            sheet.cell(row, column, "★").font = _BOLD
    for figure in _FIGURES:
        row += 1
        sheet.cell(row, 1, tr(figure.label))
        for column, (_option, cells) in enumerate(options, start=2):
            cell = sheet.cell(row, column, f"={cells.figures[figure.key]}")
            cell.number_format = writer.format_of(figure.kind)
    for scenario in Scenario:
        row += 1
        sheet.cell(row, 1, writer.of_scenario(tr(N_("NPV")), tr(SCENARIO_LABELS[scenario])))
        for column, (_option, cells) in enumerate(options, start=2):
            cell = sheet.cell(row, column, f"={cells.scenario_npv[scenario]}")
            cell.number_format = writer.money
    _note(
        sheet,
        row + 2,
        1,
        tr(N_("{title} for {customer}, version {version}")).format(
            title=document.title, customer=document.customer, version=document.version
        ),
    )
    sheet.freeze_panes = "B2"
    _fit_columns(sheet, {1: 30, **{column: 18 for column in range(2, len(options) + 2)}})


def _crossing(
    c: str, prev: str, year_row: int, cumulative_row: int, net_row: int, last: str
) -> str:
    """The month a cumulative flow turns non-negative for good in year ``c``, else "".

    As the engine counts payback: the cumulative is below 0 at the end of the year
    before and never again after; the month is interpolated inside the year (the years
    before, plus the share of this year's flow that the shortfall at its start takes).
    """
    return (
        f"=IF(AND(ISNUMBER({prev}{cumulative_row}),{prev}{cumulative_row}<0,"
        f'COUNTIF({c}{cumulative_row}:{last}{cumulative_row},"<0")=0),'
        f'({prev}${year_row}+(-{prev}{cumulative_row})/{c}{net_row})*12,"")'
    )


def _payback(helper_row: int, cumulative_row: int, horizon: int, never: str) -> str:
    """The payback in months: the year it turns for good (its helper row), 0 if never below.

    ``never`` (a formula literal) when the cumulative ends below 0.
    """
    first, years_from, last = _col(0), _col(1), _col(horizon)
    cumulative = f"{first}{cumulative_row}:{last}{cumulative_row}"
    return (
        f"IF({last}{cumulative_row}<0,{never},"
        f'IF(COUNTIF({cumulative},"<0")=0,0,SUM({years_from}{helper_row}:{last}{helper_row})))'
    )


def _paid_from(line: LineItem) -> int:
    """The year a one-off line is paid (from 0), or a yearly line first (from 1), as counted."""
    return max(line.first_year, 0 if line.billing is Billing.ONE_OFF else 1)


def _header(sheet: Worksheet, row: int, labels: Sequence[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row, column, label or None)
        cell.font = _BOLD


def _note(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row, column, text)
    cell.font = _NOTE


def _col(year: int) -> str:
    """The column of ``year`` in a cash-flow table: year 0 in C."""
    return str(get_column_letter(3 + year))


def _absolute(sheet: str, coordinate: str) -> str:
    """``'Sheet name'!$B$5``: a cell another sheet's formula can reference."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", coordinate)
    assert match is not None
    return f"{quote_sheetname(sheet)}!${match[1]}${match[2]}"


def _literal(text: str) -> str:
    """``text`` as a string literal in a formula (quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


def _number(value: Decimal) -> Decimal | int:
    """A cell value for an exact amount: an int when whole, else the decimal in plain digits."""
    if value == value.to_integral_value():
        return int(value)
    return Decimal(format(value.normalize(), "f"))


def _maybe(value: Decimal | None) -> Decimal | int | None:
    return None if value is None else _number(value)


def _plain(value: Decimal) -> str:
    """``20`` rather than ``2E+1``: a percentage as a reader writes it."""
    return format(value.normalize(), "f")


def _sheet_name(name: str, taken: set[str]) -> str:
    """``name`` as Excel allows a sheet to be named, unique among ``taken`` (casefolded)."""
    # An apostrophe becomes a typographic one: a reference to a sheet named with one
    # needs it doubled ('It''s'!B5), which not every spreadsheet program reads.
    cleaned = _SHEET_NAME_FORBIDDEN.sub(" ", name).replace("'", "’").strip() or "Sheet"
    cleaned = cleaned[:_SHEET_NAME_MAX]
    candidate, number = cleaned, 2
    while candidate.casefold() in taken or candidate.casefold() == "history":
        suffix = f" ({number})"
        candidate = cleaned[: _SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    return candidate


def _fit_columns(sheet: Worksheet, widths: dict[int, int]) -> None:
    """Columns wide enough for their text (Chinese characters count double), within bounds.

    A formula's text says nothing of what it shows, so formula columns get the width given.
    """
    measured: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            # Notes (italic) and titles run on over the empty cells beside them.
            if value is None or cell.font.italic or cell.font.size == _TITLE.size:
                continue
            if isinstance(value, str) and value.startswith("="):
                continue
            if isinstance(value, int | float | Decimal):
                # As shown: grouped, two decimals, a currency symbol.
                width = len(f"{float(value):,.2f}") + 4
            else:
                text = value.isoformat() if isinstance(value, dt.date) else str(value)
                width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
            column = cell.column
            assert isinstance(column, int)
            measured[column] = max(measured.get(column, 0), width + 2)
    for column in sorted(set(measured) | set(widths)):
        width = max(measured.get(column, 0), widths.get(column, _WIDTH_MIN), _WIDTH_MIN)
        sheet.column_dimensions[str(get_column_letter(column))].width = min(width, _WIDTH_MAX)


def _save(workbook: Workbook, stamp: dt.datetime) -> bytes:
    """The workbook's bytes, every zip entry dated ``stamp`` so the bytes repeat.

    ``openpyxl.save_workbook`` would stamp the modified time with now; its writer is used
    directly instead, and the archive then re-packed with fixed entry dates.
    """
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    packed = io.BytesIO()
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return packed.getvalue()

"""The proposal spreadsheet: read back as a customer's finance team would open it.

Each workbook is read twice: with openpyxl, to see the formulas the cells hold, and
evaluated by the ``formulas`` package, an engine other than the one that wrote it (as the
customer's spreadsheet is), whose results must be the ROI engine's figures to the cent
(rates to 1e-6).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import formulas  # type: ignore[import-untyped]
import openpyxl
import pytest
from openpyxl.utils import FORMULAE
from openpyxl.worksheet.worksheet import Worksheet

from kamdesk.domain.proposal_figures import (
    REASON_TEXTS,
    IrrFigure,
    OptionFigures,
    Reason,
    Unavailable,
    proposal_figures,
)
from kamdesk.domain.proposals import (
    Benefit,
    BenefitKind,
    Billing,
    Economics,
    ItemKind,
    LineItem,
    Option,
    ProposalDocument,
    ProposalLanguage,
    ProposalStatus,
)
from kamdesk.i18n import translator
from kamdesk.reports.proposal_xlsx import proposal_xlsx

CENT = 0.005
RATE = 1e-6
D = Decimal


def _line(
    id: str,
    product: str,
    quantity: str,
    price: str,
    discount: str = "0",
    billing: Billing = Billing.ONE_OFF,
    kind: ItemKind = ItemKind.PRODUCT,
    year: int | None = None,
) -> LineItem:
    return LineItem(id, product, D(quantity), D(price), D(discount), billing, kind, year)


def _benefit(
    id: str, kind: BenefitKind, description: str, amount: str = "0", starts: int = 1, **more: Any
) -> Benefit:
    return Benefit(
        id, kind, description, D(amount), starts_year=starts, assumption="按 2025 年数据", **more
    )


def three_options() -> tuple[Option, ...]:
    """Good, better, best over five years: discounts, hours saved, later starts, a refresh."""
    good = Option(
        "good",
        "Basic 基础版",
        "MES for one plant",
        lines=(
            _line("g1", "MES licence 许可证", "10", "12000", "12.5"),
            _line("g2", "Installation", "1", "45000", kind=ItemKind.SERVICE),
            _line("g3", "Support", "1", "18000", billing=Billing.YEARLY, kind=ItemKind.SERVICE),
        ),
        benefits=(
            _benefit("gb1", BenefitKind.COST_SAVED, "Less scrap 废品减少", "95000"),
            _benefit(
                "gb2",
                BenefitKind.HOURS_SAVED,
                "Planners' hours",
                hours_per_year=D(800),
                hourly_rate=D("85.50"),
            ),
        ),
    )
    better = Option(
        "better",
        "Standard 标准版",
        recommended=True,
        lines=(
            _line("b1", "MES licence 许可证", "25", "11000", "15"),
            _line("b2", "Integration with SAP", "1", "120000", kind=ItemKind.SERVICE),
            _line("b3", "Edge servers", "4", "23500", year=0),
            _line("b4", "Server refresh", "4", "12000", year=4),
            _line("b5", "Support", "1", "42000", "5", Billing.YEARLY, ItemKind.SERVICE),
            _line("b6", "Analytics add-on", "1", "15000", billing=Billing.YEARLY, year=2),
        ),
        benefits=(
            _benefit("bb1", BenefitKind.COST_SAVED, "Less scrap 废品减少", "210000"),
            _benefit("bb2", BenefitKind.REVENUE_GAINED, "Faster delivery", "150000", starts=2),
            _benefit(
                "bb3",
                BenefitKind.HOURS_SAVED,
                "Planners' hours",
                hours_per_year=D(2400),
                hourly_rate=D("85.50"),
            ),
            _benefit("bb4", BenefitKind.RISK_AVOIDED, "", "36000", starts=3),
        ),
    )
    best = Option(
        "best",
        "Premium 旗舰版",
        lines=(
            _line("p1", "MES licence 许可证", "60", "10500", "20"),
            _line("p2", "Group rollout", "1", "380000", kind=ItemKind.SERVICE),
            _line("p3", "Support 24/7", "1", "96000", billing=Billing.YEARLY),
        ),
        benefits=(
            _benefit("pb1", BenefitKind.COST_SAVED, "Less scrap 废品减少", "420000"),
            _benefit("pb2", BenefitKind.REVENUE_GAINED, "Group-wide planning", "260000", starts=2),
        ),
    )
    return good, better, best


def make_document(
    options: tuple[Option, ...] | None = None,
    language: ProposalLanguage = ProposalLanguage.ENGLISH,
    **economics: Any,
) -> ProposalDocument:
    terms: dict[str, Any] = {
        "horizon_years": 5,
        "discount_rate": D("8"),
        "status_quo_cost_per_year": D("260000"),
        "competitor_name": "Rockwell",
        "competitor_one_off": D("640000"),
        "competitor_per_year": D("70000"),
    }
    terms.update(economics)
    return ProposalDocument(
        id="p1",
        title="MES 升级方案",
        customer="华东制造集团",
        language=language,
        currency="CNY",
        version=3,
        status=ProposalStatus.DRAFT,
        sent_on=None,
        document_date=dt.date(2026, 12, 1),
        economics=Economics(**terms),
        options=options if options is not None else three_options(),
    )


class Evaluated:
    """A workbook as a spreadsheet shows it: every cell's value, formulas worked out."""

    def __init__(self, data: bytes, folder: Path) -> None:
        path = folder / "proposal.xlsx"
        path.write_bytes(data)
        self.book = openpyxl.load_workbook(io.BytesIO(data))
        self._values: dict[tuple[str, str], Any] = {}
        for key, ranges in formulas.ExcelModel().loads(str(path)).finish().calculate().items():
            name = str(key)
            if "!" not in name or ":" in name.split("!")[1]:
                continue
            sheet, cell = name.rsplit("!", 1)
            if "]" not in sheet:  # a reference the engine could not follow: #REF!
                self._values[(sheet, cell)] = "#REF!"
                continue
            sheet = sheet.strip("'").split("]", 1)[1]
            self._values[(sheet.upper(), cell.upper())] = ranges.value[0][0]

    def value(self, sheet: str, cell: str) -> Any:
        return self._values.get((sheet.upper(), cell.upper()))

    def values(self) -> Iterator[tuple[tuple[str, str], Any]]:
        return iter(self._values.items())


@pytest.fixture
def evaluate(tmp_path: Path) -> Callable[[bytes], Evaluated]:
    return lambda data: Evaluated(data, tmp_path)


def row_of(sheet: Worksheet, label: str, after: str | None = None) -> int:
    """The first row whose column A reads ``label`` (below the row reading ``after``)."""
    start = row_of(sheet, after) + 1 if after else 1
    for row in range(start, sheet.max_row + 1):
        if sheet.cell(row, 1).value == label:
            return row
    raise AssertionError(f"no row {label!r} on {sheet.title!r}")


def column_of(sheet: Worksheet, header: str, row: int = 1) -> str:
    for column in range(1, sheet.max_column + 1):
        if sheet.cell(row, column).value == header:
            return str(sheet.cell(row, column).column_letter)
    raise AssertionError(f"no column {header!r} on {sheet.title!r}")


def summary_value(evaluated: Evaluated, label: str, option: Option) -> Any:
    sheet = evaluated.book["Summary"]
    return evaluated.value("Summary", f"{column_of(sheet, option.name)}{row_of(sheet, label)}")


def year_row(evaluated: Evaluated, sheet_name: str, label: str, horizon: int) -> list[Any]:
    """The values of a cash-flow row for years 0..horizon (columns C onwards)."""
    row = row_of(evaluated.book[sheet_name], label, after="Cash flows")
    return [
        evaluated.value(sheet_name, f"{chr(ord('C') + year)}{row}") for year in range(horizon + 1)
    ]


def assert_money(shown: Any, expected: Decimal) -> None:
    assert isinstance(shown, float | int), shown
    assert abs(float(shown) - float(expected)) < CENT, (shown, expected)


def assert_figure(shown: Any, expected: object, *, percent: bool = False) -> None:
    """A figure cell against the engine: the number, or the engine's sentence for none."""
    if isinstance(expected, Unavailable):
        assert shown == REASON_TEXTS[expected.reason], (shown, expected)
        return
    if isinstance(expected, IrrFigure):
        expected = expected.rate
    assert isinstance(expected, Decimal)
    if percent:
        assert isinstance(shown, float | int), shown
        assert abs(float(shown) - float(expected) / 100) < RATE, (shown, expected)
    else:
        assert_money(shown, expected)


FIGURE_ROWS: tuple[tuple[str, Callable[[OptionFigures], object], bool], ...] = (
    ("Investment (one-off)", lambda f: f.investment, False),
    ("Recurring cost a year", lambda f: f.recurring_per_year, False),
    ("Total benefits", lambda f: f.total_benefits, False),
    ("Total costs", lambda f: f.total_costs, False),
    ("ROI", lambda f: f.roi, True),
    ("NPV", lambda f: f.npv, False),
    ("IRR", lambda f: f.irr, True),
    ("Payback (months)", lambda f: f.payback_months, False),
    ("Discounted payback (months)", lambda f: f.discounted_payback_months, False),
    ("Total cost of ownership", lambda f: f.tco, False),
    ("TCO of the status quo", lambda f: f.tco_status_quo, False),
    ("TCO of the competitor's offer", lambda f: f.tco_competitor, False),
    ("Cost of delay a month", lambda f: f.cost_of_delay_per_month, False),
)


def assert_matches_engine(evaluated: Evaluated, document: ProposalDocument) -> None:
    """Every figure, yearly flow and scenario NPV the spreadsheet works out is the engine's."""
    figures = proposal_figures(document)
    option_sheets = evaluated.book.sheetnames[2:]
    for option, sheet in zip(document.options, option_sheets, strict=True):
        expected = figures[option.id]
        horizon = len(expected.net_flows) - 1
        for label, figure, percent in FIGURE_ROWS:
            assert_figure(
                summary_value(evaluated, label, option), figure(expected), percent=percent
            )
        for shown, flow in zip(
            year_row(evaluated, sheet, "Net cash flow", horizon), expected.net_flows, strict=True
        ):
            assert_money(shown, flow)
        for shown, total in zip(
            year_row(evaluated, sheet, "Cumulative", horizon), expected.cumulative, strict=True
        ):
            assert_money(shown, total)
        benefits = year_row(evaluated, sheet, "Benefits", horizon)[1:]
        for shown, benefit in zip(benefits, expected.yearly_benefits, strict=True):
            assert_money(shown, benefit)
        for scenario in expected.scenarios:
            label = f"NPV: {scenario.scenario.value.capitalize()}"
            assert_figure(summary_value(evaluated, label, option), scenario.npv)


def test_the_figures_are_formulas_over_the_inputs() -> None:
    book = openpyxl.load_workbook(io.BytesIO(proposal_xlsx(make_document())))
    assert book.sheetnames == [
        "Summary",
        "Assumptions",
        "Basic 基础版",
        "Standard 标准版",
        "Premium 旗舰版",
    ]
    better = book["Standard 标准版"]
    figures = {
        better.cell(row, 1).value: better.cell(row, 2).value for row in range(1, better.max_row + 1)
    }
    npv, irr = str(figures["NPV"]), str(figures["IRR"])
    # The spreadsheet way: year 0 added as it is, NPV() over years 1..5 at the rate cell.
    assert npv.startswith("=") and "C" in npv and "+NPV('Assumptions'!$B$8,D" in npv
    assert "IRR(C" in irr
    assert str(figures["Total benefits"]).startswith("=B")
    total_benefits = better.cell(row_of(better, "Benefits", after="Cash flows"), 2).value
    assert str(total_benefits).startswith("=SUM(C")
    # A line's amount is quantity × price less its discount, each its own cell.
    header = row_of(better, "Product")
    assert [better.cell(header, c).value for c in range(1, 9)] == [
        "Product",
        "Kind",
        "Quantity",
        "Unit price",
        "Discount",
        "Billing",
        "Year",
        "Amount",
    ]
    first = header + 1
    assert better.cell(first, 8).value == f"=C{first}*D{first}*(1-E{first})"
    assert better.cell(first, 5).value == pytest.approx(0.15)
    assert better.cell(first, 5).number_format == "0.0%"
    # Hours saved are hours × the hourly rate.
    planners = row_of(better, "Hours saved")
    assert better.cell(planners, 5).value == f"=C{planners}*D{planners}"
    # Year 0's benefits are none; later years sum the benefits felt by then.
    benefits = row_of(better, "Benefits", after="Cash flows")
    assert str(better.cell(benefits, 4).value).startswith("=SUMIFS(")
    # The Summary sheet only references the option sheets.
    summary = book["Summary"]
    for row in range(3, summary.max_row - 1):
        for column in range(2, 5):
            value = summary.cell(row, column).value
            assert value is None or str(value).startswith("='"), value


def test_the_customers_spreadsheet_gets_the_engines_figures(
    evaluate: Callable[[bytes], Evaluated],
) -> None:
    document = make_document()
    evaluated = evaluate(proposal_xlsx(document))
    assert_matches_engine(evaluated, document)
    # The recommended option is marked on the summary.
    assert summary_value(evaluated, "Recommended", document.options[1]) == "★"


def test_a_changed_assumption_flows_through_every_formula(
    evaluate: Callable[[bytes], Evaluated],
) -> None:
    document = make_document()
    book = openpyxl.load_workbook(io.BytesIO(proposal_xlsx(document)))
    assumptions = book["Assumptions"]
    assumptions.cell(row_of(assumptions, "Discount rate"), 2).value = 0.12
    better = book["Standard 标准版"]
    support = row_of(better, "Support")
    better.cell(support, 3).value = 2
    edited = io.BytesIO()
    book.save(edited)

    lines = tuple(
        dataclasses.replace(line, quantity=D(2)) if line.id == "b5" else line
        for line in document.options[1].lines
    )
    options = list(document.options)
    options[1] = dataclasses.replace(options[1], lines=lines)
    changed = make_document(tuple(options), discount_rate=D(12))
    assert_matches_engine(evaluate(edited.getvalue()), changed)


def test_options_that_never_pay_back_or_change_sign_twice_show_no_error_cell(
    evaluate: Callable[[bytes], Evaluated],
) -> None:
    never = Option(
        "never",
        "Never pays back",
        lines=(
            _line("n1", "Platform", "1", "500000"),
            _line("n2", "Support", "1", "20000", billing=Billing.YEARLY),
        ),
        benefits=(_benefit("nb1", BenefitKind.COST_SAVED, "Small saving", "10000"),),
    )
    twice = Option(
        "twice",
        "Sign changes twice",
        lines=(_line("t1", "Pilot", "1", "100000"),),
        benefits=(
            _benefit("tb1", BenefitKind.REVENUE_GAINED, "Launch sales", "300000"),
            _benefit("tb2", BenefitKind.RISK_AVOIDED, "Penalty clause", "-500000", starts=3),
        ),
    )
    nothing = Option("nothing", "Nothing priced")
    document = make_document(
        (never, twice, nothing),
        status_quo_cost_per_year=None,
        competitor_one_off=None,
        competitor_per_year=None,
    )
    figures = proposal_figures(document)
    assert isinstance(figures["never"].irr, Unavailable)
    assert isinstance(figures["never"].payback_months, Unavailable)
    assert isinstance(figures["twice"].irr, IrrFigure) and not figures["twice"].irr.unique

    data = proposal_xlsx(document)
    evaluated = evaluate(data)
    errors = [(where, value) for where, value in evaluated.values() if _is_error(value)]
    assert not errors
    assert_matches_engine(evaluated, document)
    # Next to a figure the engine has not, or does not trust, the note says why.
    book = openpyxl.load_workbook(io.BytesIO(data))
    never_sheet, twice_sheet = book["Never pays back"], book["Sign changes twice"]
    assert (
        never_sheet.cell(row_of(never_sheet, "IRR"), 3).value
        == REASON_TEXTS[figures["never"].irr.reason]
    )
    assert "trust the NPV" in str(twice_sheet.cell(row_of(twice_sheet, "IRR"), 3).value)


@pytest.mark.parametrize("horizon", [0, -2, 60])
def test_a_horizon_out_of_range_says_so_in_the_figures(
    evaluate: Callable[[bytes], Evaluated], horizon: int
) -> None:
    document = make_document(three_options()[:1], horizon_years=horizon)
    evaluated = evaluate(proposal_xlsx(document))
    assert not [value for _where, value in evaluated.values() if _is_error(value)]
    expected = proposal_figures(document)[document.options[0].id]
    assert isinstance(expected.npv, Unavailable)
    assert summary_value(evaluated, "NPV", document.options[0]) == REASON_TEXTS[expected.npv.reason]
    if horizon < 1:
        assert_matches_engine(evaluated, document)


def test_odd_names_a_bad_rate_and_an_empty_option_still_give_the_engines_figures(
    evaluate: Callable[[bytes], Evaluated],
) -> None:
    good = three_options()[0]
    options = (
        dataclasses.replace(good, id="a", name="Summary"),
        dataclasses.replace(good, id="b", name="Plan [A]: 1/2?"),
        Option("c", "plan [a]: 1/2?"),
        Option("d", "It's " + "很长的方案名称" * 6),
    )
    document = make_document(options, discount_rate=D(-100))
    data = proposal_xlsx(document)
    book = openpyxl.load_workbook(io.BytesIO(data))
    names = book.sheetnames
    assert len({name.casefold() for name in names}) == len(names) == 6
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    evaluated = evaluate(data)
    assert not [value for _where, value in evaluated.values() if _is_error(value)]
    assert_matches_engine(evaluated, document)


def test_a_chinese_proposal_has_chinese_labels(evaluate: Callable[[bytes], Evaluated]) -> None:
    document = make_document(three_options()[1:2], language=ProposalLanguage.CHINESE)
    data = proposal_xlsx(document)
    book = openpyxl.load_workbook(io.BytesIO(data))
    t = translator("zh_CN")
    assert book.sheetnames[:2] == [t.gettext("Summary"), t.gettext("Assumptions")]
    assumptions = book[t.gettext("Assumptions")]
    assert row_of(assumptions, "币种")  # "Currency", whatever the UI's language is
    option = book["Standard 标准版"]
    header = row_of(option, t.gettext("Product"))
    assert option.cell(header, 8).value == "金额"
    npv = option.cell(row_of(option, t.gettext("NPV")), 2)
    assert '"¥"' in npv.number_format and "CN¥" not in npv.number_format
    evaluated = evaluate(data)
    summary = book[t.gettext("Summary")]
    shown = evaluated.value(
        summary.title, f"{column_of(summary, 'Standard 标准版')}{row_of(summary, t.gettext('NPV'))}"
    )
    expected = proposal_figures(document)["better"].npv
    assert isinstance(expected, Decimal)
    assert_money(shown, expected)


def test_money_and_rates_read_in_their_formats() -> None:
    book = openpyxl.load_workbook(io.BytesIO(proposal_xlsx(make_document())))
    assumptions = book["Assumptions"]
    rate = assumptions.cell(row_of(assumptions, "Discount rate"), 2)
    assert rate.value == pytest.approx(0.08) and rate.number_format == "0.00%"
    summary = book["Summary"]
    assert '"CN¥"#,##0.00' in summary.cell(row_of(summary, "NPV"), 2).number_format
    assert summary.cell(row_of(summary, "ROI"), 2).number_format == "0.0%"
    assert summary.cell(1, 2).font.bold and summary.freeze_panes == "B2"
    assert summary.column_dimensions["A"].width >= 20


def test_the_same_proposal_gives_the_same_bytes_dated_on_its_date() -> None:
    document = make_document()
    data = proposal_xlsx(document)
    assert proposal_xlsx(document) == data
    properties = openpyxl.load_workbook(io.BytesIO(data)).properties
    assert properties.created == dt.datetime(2026, 12, 1)
    assert properties.modified == dt.datetime(2026, 12, 1)


def _is_error(value: Any) -> bool:
    return isinstance(value, formulas.functions.XlError) or str(value).startswith("#")


def test_a_refresh_in_a_later_year_and_a_later_yearly_line_are_paid_in_their_years(
    evaluate: Callable[[bytes], Evaluated],
) -> None:
    option = Option(
        "refresh",
        "Refresh",
        lines=(
            _line("r1", "Servers", "2", "50000"),
            _line("r2", "Server refresh", "2", "30000", year=4),
            _line("r3", "Support", "1", "10000", billing=Billing.YEARLY, year=0),
            _line("r4", "Analytics", "1", "5000", billing=Billing.YEARLY, year=3),
            _line("r5", "Second refresh", "1", "99000", year=7),
        ),
        benefits=(_benefit("rb1", BenefitKind.COST_SAVED, "Saving", "80000", starts=0),),
    )
    document = make_document((option,))
    evaluated = evaluate(proposal_xlsx(document))
    # Year 0 pays the servers; every year from 1 the support, from year 3 the analytics
    # too, and year 4 the refresh (the one in year 7 is beyond the horizon): 80,000 of
    # benefits a year from year 1 less what is paid that year.
    expected = [-100000, 70000, 70000, 65000, 5000, 65000]
    flows = year_row(evaluated, "Refresh", "Net cash flow", 5)
    assert flows == pytest.approx(expected, abs=CENT)
    assert summary_value(evaluated, "Investment (one-off)", option) == pytest.approx(100000)
    assert summary_value(evaluated, "Total cost of ownership", option) == pytest.approx(
        100000 + 60000 + 5 * 10000 + 3 * 5000
    )
    assert_matches_engine(evaluated, document)


def test_flows_that_change_sign_twice_with_no_rate_say_so_as_the_engine_does(
    evaluate: Callable[[bytes], Evaluated],
) -> None:
    # −10,000, then 6,000 a year, and a 50,000 refresh in the last year: the flows change
    # sign twice, yet no rate makes the NPV zero. Not #NUM!, but the engine's sentence.
    option = Option(
        "late",
        "Late refresh",
        lines=(
            _line("l1", "Servers", "10", "1000"),
            _line("l2", "Support", "1", "2000", billing=Billing.YEARLY),
            _line("l3", "Refresh", "1", "50000", year=5),
        ),
        benefits=(_benefit("lb1", BenefitKind.COST_SAVED, "Saving", "8000"),),
    )
    document = make_document((option,))
    figures = proposal_figures(document)[option.id]
    assert figures.irr == Unavailable(Reason.NO_IRR_IN_RANGE)
    evaluated = evaluate(proposal_xlsx(document))
    assert summary_value(evaluated, "IRR", option) == REASON_TEXTS[Reason.NO_IRR_IN_RANGE]
    assert_matches_engine(evaluated, document)


def test_the_sensitivity_table_holds_the_engines_values() -> None:
    document = make_document()
    book = openpyxl.load_workbook(io.BytesIO(proposal_xlsx(document)))
    better = book["Standard 标准版"]
    header = row_of(better, "Driver")
    assert better.cell(header, 2).value == "NPV at −20 %"
    assert "not formulas" in str(better.cell(header - 1, 2).value)
    for offset, bar in enumerate(proposal_figures(document)["better"].sensitivity, start=1):
        assert better.cell(header + offset, 1).value == bar.driver
        for column, npv in ((2, bar.npv_low), (3, bar.npv_high)):
            assert isinstance(npv, Decimal)
            assert abs(float(better.cell(header + offset, column).value) - float(npv)) < CENT


def test_only_functions_every_spreadsheet_program_knows_are_used() -> None:
    # Functions newer than the 2007 file format (MINIFS, IFS…) would need an _xlfn. prefix
    # and still show #NAME? in an older Excel: the finance team must see numbers.
    book = openpyxl.load_workbook(io.BytesIO(proposal_xlsx(make_document())))
    used = {
        name
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
        for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", re.sub(r'"[^"]*"', "", cell.value))
    }
    assert {"NPV", "IRR", "SUMIFS", "SUM"} <= used
    assert used <= FORMULAE, used - FORMULAE

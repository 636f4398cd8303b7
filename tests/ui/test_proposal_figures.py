"""The builder's live figures panel and its charts, fed figures as the engine gives them.

The figures are built by hand here (``figures_of``), with the shape the engine returns, so
these tests say what the rep sees for given figures whatever the engine computes.
"""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontDatabase, QImage
from PySide6.QtWidgets import QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kamdesk.domain.proposal_figures import (
    REASON_TEXTS,
    IrrFigure,
    OptionFigures,
    Reason,
    Scenario,
    ScenarioFigures,
    Sensitivity,
    Unavailable,
)
from kamdesk.domain.proposals import LineItem, Option
from kamdesk.formatting import major_to_minor
from kamdesk.i18n import set_language
from kamdesk.ui.cash_flow_chart import CashFlowChart, TornadoChart, nice_ticks, short_money
from kamdesk.ui.formatting import money_text
from kamdesk.ui.proposal_figures import IRR_NOTE, ProposalFiguresPanel, money_cell
from kamdesk.ui.translation import apply_language

D = Decimal


NPV, IRR, PAYBACK = D("1000"), IrrFigure(D("12.5")), D("18")


def figures_of(
    option_id: str,
    investment: str,
    benefits: list[str],
    recurring: str = "0",
    *,
    npv: Decimal | Unavailable = NPV,
    irr: IrrFigure | Unavailable = IRR,
    payback: Decimal | Unavailable = PAYBACK,
) -> OptionFigures:
    """Figures of an option paying ``investment`` at once and gaining ``benefits`` each year."""
    flows = [-D(investment)] + [D(b) - D(recurring) for b in benefits]
    cumulative, total = [], D(0)
    for flow in flows:
        total += flow
        cumulative.append(total)
    costs = D(investment) + D(recurring) * len(benefits)
    base = npv if isinstance(npv, Decimal) else D(0)
    gained = sum((D(b) for b in benefits), D(0))
    scenarios = tuple(
        ScenarioFigures(
            scenario,
            factor,
            cost,
            npv * factor if isinstance(npv, Decimal) else npv,
            D("20"),
            payback,
        )
        for scenario, factor, cost in (
            (Scenario.CONSERVATIVE, D("0.8"), D("1.1")),
            (Scenario.EXPECTED, D("1"), D("1")),
            (Scenario.AGGRESSIVE, D("1.2"), D("0.95")),
        )
    )
    return OptionFigures(
        option_id=option_id,
        investment=D(investment),
        recurring_per_year=D(recurring),
        yearly_benefits=tuple(D(b) for b in benefits),
        net_flows=tuple(flows),
        cumulative=tuple(cumulative),
        total_benefits=gained,
        total_costs=costs,
        roi=(gained - costs) / costs * 100 if costs else Unavailable(Reason.NO_INVESTMENT),
        npv=npv,
        irr=irr,
        payback_months=payback,
        discounted_payback_months=Unavailable(Reason.NEVER_PAYS_BACK),
        tco=costs,
        tco_status_quo=D("500000"),
        tco_competitor=Unavailable(Reason.NO_COMPARISON),
        cost_of_delay_per_month=D("2500"),
        scenarios=scenarios,
        sensitivity=(
            Sensitivity("Hours saved on invoices", base * D("0.6"), base * D("1.4")),
            Sensitivity("One-off investment", base * D("1.2"), base * D("0.9")),
        ),
    )


LINE = LineItem("l1", "MES licence", D(1), D(100000))
BASIC = Option("basic", "Basic", lines=(LINE,))
BETTER = Option("better", "Better", recommended=True, lines=(LINE,))


def two_options() -> tuple[list[Option], dict[str, OptionFigures]]:
    return [BASIC, BETTER], {
        "basic": figures_of("basic", "100000", ["30000", "40000", "50000"], "5000"),
        "better": figures_of(
            "better",
            "250000",
            ["90000", "120000", "150000"],
            "10000",
            npv=D("84321.5"),
            irr=IrrFigure(D("18.25"), unique=False),
        ),
    }


@pytest.fixture
def panel(qtbot: QtBot) -> ProposalFiguresPanel:
    widget = ProposalFiguresPanel()
    qtbot.addWidget(widget)
    widget.resize(720, 900)
    widget.show()
    return widget


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: ``$KAMDESK_UI_SCREENSHOTS`` when set (to look at them)."""
    folder = Path(os.environ.get("KAMDESK_UI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def all_texts(panel: ProposalFiguresPanel) -> list[str]:
    model = panel.model
    return [
        str(model.index(row, column).data())
        for row in range(model.rowCount())
        for column in range(model.columnCount())
    ]


def test_the_panel_shows_each_options_figures_formatted(panel: ProposalFiguresPanel) -> None:
    options, figures = two_options()
    panel.show_figures(options, figures, "CNY")
    model = panel.model

    assert model.text_of("investment", "basic") == "CN¥100,000.00"
    assert model.text_of("npv", "better") == "CN¥84,321.50"
    assert model.text_of("net_flow:0", "better") == "-CN¥250,000.00"
    assert model.text_of("net_flow:3", "better") == "CN¥140,000.00"
    assert model.text_of("roi", "basic") == "4.3%"  # (120,000 − 115,000) / 115,000
    assert model.text_of("payback", "basic") == "18.0 months"
    assert model.text_of("saving_vs_status_quo", "basic") == "CN¥385,000.00"
    assert model.text_of("scenario:conservative:npv", "basic") == "CN¥800.00"
    # Columns: the labels, then one per option; the recommended one starred.
    header = model.header_model()
    titles = [header.horizontalHeaderItem(c).text() for c in range(header.columnCount())]
    assert titles == ["Figure", "Basic", "★ Better"]


def test_a_loss_is_red_and_a_figure_that_cannot_be_worked_out_says_why(
    panel: ProposalFiguresPanel,
) -> None:
    options, figures = two_options()
    figures["basic"] = replace(
        figures["basic"], irr=Unavailable(Reason.NO_IRR), npv=Unavailable(Reason.BAD_DISCOUNT_RATE)
    )
    panel.show_figures(options, figures, "CNY")
    model = panel.model
    npv = model.index(model.row_keys.index("npv"), 1)
    irr = model.index(model.row_keys.index("irr"), 1)
    first_flow = model.index(model.row_keys.index("net_flow:0"), 1)

    assert npv.data() == REASON_TEXTS[Reason.BAD_DISCOUNT_RATE]
    assert npv.data(Qt.ItemDataRole.ToolTipRole) == REASON_TEXTS[Reason.BAD_DISCOUNT_RATE]
    assert irr.data() == "No IRR: the cash flows never change sign."
    assert npv.data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#6D6D6D")
    assert first_flow.data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#B03A48")
    assert model.text_of("tco", "basic") == "CN¥115,000.00"
    assert model.text_of("saving_vs_competitor", "better") == REASON_TEXTS[Reason.NO_COMPARISON]
    texts = " ".join(all_texts(panel))
    assert "NaN" not in texts and "None" not in texts and "Reason." not in texts


def test_an_irr_that_is_not_the_only_rate_carries_a_star_and_a_note(
    panel: ProposalFiguresPanel,
) -> None:
    options, figures = two_options()
    panel.show_figures(options, figures, "CNY")

    assert panel.model.text_of("irr", "basic") == "12.5%"
    assert panel.model.text_of("irr", "better") == "18.3%*"  # 18.25 to one decimal, half-even
    assert panel.model.tooltip_of("irr", "better") == IRR_NOTE
    assert panel.irr_note.isVisible()
    assert panel.irr_note.text() == f"* {IRR_NOTE}"

    figures["better"] = replace(figures["better"], irr=IrrFigure(D("18.25")))
    panel.show_figures(options, figures, "CNY")
    assert not panel.irr_note.isVisible()


def test_new_figures_update_the_same_widgets(qtbot: QtBot, panel: ProposalFiguresPanel) -> None:
    options, figures = two_options()
    panel.show_figures(options, figures, "CNY")
    children = set(panel.findChildren(QWidget))
    figures["better"] = replace(figures["better"], npv=D("90000"))

    with qtbot.waitSignal(panel.model.dataChanged), qtbot.assertNotEmitted(panel.model.modelReset):
        panel.show_figures(options, figures, "CNY")

    assert panel.model.text_of("npv", "better") == "CN¥90,000.00"
    assert set(panel.findChildren(QWidget)) == children


def test_the_sensitivity_is_the_recommended_options_until_another_column_is_clicked(
    qtbot: QtBot, panel: ProposalFiguresPanel
) -> None:
    options, figures = two_options()
    figures["basic"] = replace(
        figures["basic"],
        sensitivity=(Sensitivity("Recurring cost", D("-50"), Unavailable(Reason.NO_HORIZON)),),
    )
    panel.show_figures(options, figures, "USD")
    assert panel.sensitivity_option_id() == "better"
    assert "Better" in panel.sensitivity_title.text()
    assert panel.sensitivity_model.index(0, 0).data() == "Hours saved on invoices"
    assert panel.sensitivity_model.index(0, 2).data() == "$118,050.10"  # 84,321.50 × 1.4

    column = panel.model.option_ids.index("basic") + 1
    rect = panel.table.visualRect(panel.model.index(2, column))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert panel.sensitivity_option_id() == "basic"
    assert panel.sensitivity_model.index(0, 1).data() == "-$50.00"
    assert panel.sensitivity_model.index(0, 2).data() == REASON_TEXTS[Reason.NO_HORIZON]
    assert panel.tornado.bar_spans() == [("Recurring cost", -50.0, None)]


def test_no_line_items_show_what_to_do(panel: ProposalFiguresPanel) -> None:
    options, figures = two_options()
    bare = [replace(option, lines=()) for option in options]
    panel.show_figures(bare, figures, "CNY")

    assert panel.model.rowCount() == 0
    assert panel.empty.isVisible()
    assert panel.empty.text() == "Add a line item to an option to see its figures"

    panel.show_figures(options, figures, "CNY")
    assert panel.model.rowCount() > 0
    assert not panel.empty.isVisible()


def test_the_chart_plots_the_cumulative_flows_and_each_payback(qtbot: QtBot) -> None:
    chart = CashFlowChart()
    qtbot.addWidget(chart)
    chart.resize(600, 300)
    _options, figures = two_options()
    series = [figures["basic"].cumulative, figures["better"].cumulative]

    chart.set_series(["Basic", "Better"], series, currency="CNY", highlighted=1)
    chart.show()
    image = chart.grab().toImage()

    assert chart.series_points() == [
        [(0, -100000.0), (1, -75000.0), (2, -40000.0), (3, 5000.0)],
        [(0, -250000.0), (1, -170000.0), (2, -60000.0), (3, 80000.0)],
    ]
    # Basic climbs past zero 40,000 / 45,000 of the way through year 3.
    assert chart.payback_years()[0] == pytest.approx(2 + 40000 / 45000)
    basic = chart.pixel_points()[0]
    assert [p.y() for p in basic] == sorted((p.y() for p in basic), reverse=True)  # rising
    assert all(0 < p.x() < 600 and 0 < p.y() < 300 for p in basic)
    # The line is drawn where the points say: Basic's blue at its year-1 point.
    point = basic[1].toPoint()
    assert _near(image, point, QColor("#2F6FB3"))


def _near(image: QImage, point: QPoint, colour: QColor) -> bool:
    """Whether a pixel near ``point`` of ``image`` (in logical pixels) has about ``colour``."""
    ratio = image.devicePixelRatio()
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            found = image.pixelColor(int((point.x() + dx) * ratio), int((point.y() + dy) * ratio))
            if all(
                abs(a - b) < 40
                for a, b in zip(found.getRgb()[:3], colour.getRgb()[:3], strict=True)
            ):
                return True
    return False


def test_axis_ticks_are_round_and_abbreviated_in_the_uis_language() -> None:
    ticks = nice_ticks(-250000, 80000)
    assert ticks[0] <= -250000 and ticks[-1] >= 80000 and 0.0 in ticks
    assert short_money(-1500000, 500000, "CNY") == "-CN¥1.5M"
    assert short_money(40000, 20000, None) == "40K"
    set_language("zh_CN")
    assert short_money(-1500000, 500000, "CNY") == "-¥150万"
    assert short_money(300000000, 100000000, None) == "3亿"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_screenshots(qtbot: QtBot, shots: Path, language: str) -> None:
    set_language(language)
    options, figures = two_options()
    if language == "zh_CN":
        options = [replace(options[0], name="基础版"), replace(options[1], name="增强版")]
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QHBoxLayout(holder)
    panel, chart = ProposalFiguresPanel(), CashFlowChart()
    layout.addWidget(panel, 3)
    layout.addWidget(chart, 2)
    holder.resize(1200, 800)
    panel.show_figures(options, figures, "CNY")
    names = [option.name for option in options]
    chart.set_series(names, [figures[o.id].cumulative for o in options], currency="CNY")
    holder.show()
    qtbot.waitExposed(holder)

    picture = holder.grab()
    path = shots / f"proposal-figures-{language}.png"
    assert picture.save(str(path))
    assert path.stat().st_size > 10_000
    assert QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert panel.model.header_model().horizontalHeaderItem(2).text() == f"★ {names[1]}"


def test_tornado_paints(qtbot: QtBot) -> None:
    tornado = TornadoChart()
    qtbot.addWidget(tornado)
    tornado.resize(360, 160)
    _options, figures = two_options()
    tornado.set_sensitivity(figures["better"].npv, figures["better"].sensitivity, "CNY")
    tornado.show()
    assert not tornado.grab().isNull()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("currency", ["CNY", "USD", "JPY", "SGD"])
def test_amounts_read_as_everywhere_else_in_the_app(language: str, currency: str) -> None:
    set_language(language)
    for amount in ("0", "1234567.891", "-250000", "0.015", "-0.005", "98765.4321"):
        expected = money_text(major_to_minor(D(amount), currency), currency)
        assert money_cell(D(amount), currency).text == expected


def test_a_language_switch_rewrites_the_figures(qtbot: QtBot, panel: ProposalFiguresPanel) -> None:
    options, figures = two_options()
    panel.show_figures(options, figures, "CNY")
    assert panel.model.text_of("investment", "basic") == "CN¥100,000.00"

    apply_language("zh_CN")
    qtbot.waitUntil(lambda: panel.model.text_of("investment", "basic") == "¥100,000.00")
    apply_language("en")
    qtbot.waitUntil(lambda: panel.model.text_of("investment", "basic") == "CN¥100,000.00")


def test_the_documents_recommended_option_is_the_starred_one(panel: ProposalFiguresPanel) -> None:
    options, figures = two_options()
    panel.show_figures(options, figures, "CNY", recommended_id="basic")

    header = panel.model.header_model()
    assert [header.horizontalHeaderItem(c).text() for c in (1, 2)] == ["★ Basic", "Better"]
    assert panel.sensitivity_option_id() == "basic"
    assert panel.model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert panel.model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole) is None


@pytest.mark.parametrize(
    "series",
    [
        [],
        [(D(0),)],
        [(D(0), D(0), D(0))],
        [(D("-5"), D("-4"), D("-3"))],
        [(D("-1e15"), D("3e15")), (D("-2"), D("1"))],
    ],
)
def test_the_chart_paints_any_flows_the_engine_may_give(
    qtbot: QtBot, series: list[tuple[D, ...]]
) -> None:
    chart = CashFlowChart()
    qtbot.addWidget(chart)
    chart.resize(400, 240)
    chart.set_series([f"Option {n}" for n in range(len(series))], series, currency="EUR")
    chart.show()

    assert not chart.grab().isNull()
    assert [len(points) for points in chart.series_points()] == [len(s) for s in series]


def test_a_tornado_without_an_npv_draws_no_bars(qtbot: QtBot) -> None:
    tornado = TornadoChart()
    qtbot.addWidget(tornado)
    bars = (Sensitivity("Discount rate", Unavailable(Reason.BAD_DISCOUNT_RATE), D(5)),)
    tornado.set_sensitivity(Unavailable(Reason.BAD_DISCOUNT_RATE), bars, "CNY")
    tornado.show()

    assert not tornado.grab().isNull()
    assert tornado.bar_spans() == [("Discount rate", None, 5.0)]


def test_the_payback_ring_follows_the_engine_when_a_later_cost_pulls_the_total_back_down(
    qtbot: QtBot,
) -> None:
    from kamdesk.ui.cash_flow_chart import CashFlowChart

    chart = CashFlowChart()
    qtbot.addWidget(chart)
    # Paid back in year 1, pulled below zero by a refresh in year 3, back above in year 4.
    chart.set_series(
        ["Refresh", "Never"], [(-100.0, 50.0, 150.0, -50.0, 50.0), (-100.0, 50.0, -10.0)]
    )
    refresh, never = chart.payback_years()
    assert refresh == pytest.approx(3.5)
    assert never is None

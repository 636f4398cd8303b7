"""The charts of a proposal PDF: cumulative cash flow, yearly net flows and the tornado.

Each chart is a ReportLab ``Drawing`` (a flowable, so it goes straight into a story) set
in the bundled CJK font, so a Chinese legend or driver name renders like the text around
it. The charts only draw figures they are given (the engine's, in
``kamdesk.domain.proposal_figures``) and the words they are given (already in the
proposal's language): they compute no figure and translate nothing.

Chart coordinates are floats, which is fine for drawing; every amount a reader reads off
a chart is also written, exactly, in a table of the same section.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from kamdesk.formatting import currency_symbol, spaced_symbol
from kamdesk.reports.fonts import FONT_NAME, fit_to_font, register_fonts
from kamdesk.reports.styles import MUTED, RULE

#: Sizes of the text on a chart, in points.
TICK_SIZE: Final = 7
LABEL_SIZE: Final = 7.5
#: Colours of the options after the branding's primary colour, in option order.
SERIES_COLOURS: Final = (
    colors.HexColor("#E69F00"),
    colors.HexColor("#009E73"),
    colors.HexColor("#56B4E9"),
    colors.HexColor("#CC79A7"),
    colors.HexColor("#7F7F7F"),
)

#: Side of a legend's colour swatch, and where the legend starts.
_SWATCH: Final = 7
_LEGEND_LEFT: Final = 58

#: Units amounts are abbreviated by on ticks: English counts in thousands, Chinese in
#: 万 (10⁴) and 亿 (10⁸), as each reader says large numbers.
_UNITS: Final[dict[str, tuple[tuple[int, str], ...]]] = {
    "en": ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")),
    "zh": ((100_000_000, "亿"), (10_000, "万")),
}


@dataclass(frozen=True)
class Series:
    """One line (or set of bars) of a chart: an option's name and its values by year."""

    name: str
    values: tuple[float, ...]
    colour: colors.Color


@dataclass(frozen=True)
class TornadoBar:
    """One driver of the sensitivity chart: the NPV with it moved down and up."""

    driver: str
    npv_low: float
    npv_high: float

    @property
    def swing(self) -> float:
        """How far the NPV moves between the two ends: the bar's width."""
        return abs(self.npv_high - self.npv_low)


def series_colours(primary: colors.Color, count: int) -> list[colors.Color]:
    """A colour for each of ``count`` options: the branding's first, then distinct ones."""
    palette = [primary, *SERIES_COLOURS]
    return [palette[index % len(palette)] for index in range(count)]


def compact_money(value: float, currency: str, locale: str) -> str:
    """An amount shortened for an axis tick: ``CN¥1.5M`` in English, ``¥150万`` in Chinese.

    Ticks only: the exact amounts are in the tables. One decimal at most, dropped when
    it is zero, so ticks such as 500K, 1M, 1.5M read at a glance.
    """
    language = locale.replace("-", "_").split("_")[0].lower()
    symbol = spaced_symbol(currency_symbol(currency, locale), before_number=True)
    size = abs(value)
    number = f"{size:,.0f}"
    for unit, suffix in _UNITS.get(language, _UNITS["en"]):
        if size >= unit:
            number = f"{size / unit:,.1f}".removesuffix(".0") + suffix
            break
    sign = "-" if value < 0 and number.strip("0.,") else ""
    return f"{sign}{symbol}{number}"


def to_float(value: Decimal) -> float:
    """A figure as a chart coordinate."""
    return float(value)


def cumulative_cash_flow_chart(
    series: Sequence[Series],
    *,
    width: float,
    height: float,
    x_label: str,
    y_label: str,
    tick: Callable[[float], str],
) -> Drawing:
    """One line per option of the running sum of its net flows, year 0 to the horizon.

    A dashed zero line shows where each option has paid for itself (its line crosses
    it); the legend names the options under the plot.
    """
    register_fonts()
    drawing = _drawing(width, height)
    years = max((len(line.values) for line in series), default=1) - 1
    legend_rows = _legend_rows(series, width)
    plot = LinePlot()
    plot.x = 58
    plot.y = 30 + legend_rows * 11
    plot.width = width - plot.x - 10
    plot.height = height - plot.y - 8
    plot.data = [
        [(float(year), value) for year, value in enumerate(line.values)] for line in series
    ]
    plot.data.append([(0.0, 0.0), (float(max(years, 1)), 0.0)])
    for index, line in enumerate(series):
        plot.lines[index].strokeColor = line.colour
        plot.lines[index].strokeWidth = 1.6
        plot.lines[index].symbol = makeMarker("FilledCircle", size=3.5)
        plot.lines[index].symbol.fillColor = line.colour
        plot.lines[index].symbol.strokeColor = line.colour
    zero = plot.lines[len(series)]
    zero.strokeColor = MUTED
    zero.strokeWidth = 0.6
    zero.strokeDashArray = (3, 2)
    _value_axis(plot.yValueAxis, tick, [*_values(series), 0.0])
    x_axis = plot.xValueAxis
    x_axis.valueMin = 0
    x_axis.valueMax = max(years, 1)
    x_axis.valueStep = 1
    x_axis.labelTextFormat = lambda year: f"{year:.0f}"
    _style_axis_labels(x_axis)
    x_axis.strokeColor = RULE
    drawing.add(plot)
    drawing.add(_axis_title(x_label, plot.x + plot.width / 2, plot.y - 22))
    drawing.add(_axis_title(y_label, 9, plot.y + plot.height / 2, angle=90))
    drawing.add(_legend([(line.colour, line.name) for line in series], width, legend_rows))
    return drawing


def net_flows_chart(
    series: Sequence[Series],
    *,
    width: float,
    height: float,
    x_label: str,
    y_label: str,
    tick: Callable[[float], str],
) -> Drawing:
    """Bars of each option's net flow year by year, options side by side in each year."""
    register_fonts()
    drawing = _drawing(width, height)
    years = max((len(line.values) for line in series), default=1)
    legend_rows = _legend_rows(series, width)
    chart = VerticalBarChart()
    chart.x = 58
    chart.y = 30 + legend_rows * 11
    chart.width = width - chart.x - 10
    chart.height = height - chart.y - 8
    chart.data = [
        [line.values[year] if year < len(line.values) else 0.0 for year in range(years)]
        for line in series
    ] or [[0.0]]
    for index, line in enumerate(series):
        chart.bars[index].fillColor = line.colour
        chart.bars[index].strokeColor = None
    chart.groupSpacing = 8
    chart.barSpacing = 1
    chart.categoryAxis.categoryNames = [str(year) for year in range(years)]
    chart.categoryAxis.strokeColor = RULE
    # The year names under the plot, with the axis line itself at zero.
    chart.categoryAxis.labelAxisMode = "low"
    chart.categoryAxis.joinAxisMode = "value"
    chart.categoryAxis.visibleTicks = 0
    _style_axis_labels(chart.categoryAxis)
    chart.categoryAxis.joinAxisPos = 0
    _value_axis(chart.valueAxis, tick, [*_values(series), 0.0])
    drawing.add(chart)
    drawing.add(_axis_title(x_label, chart.x + chart.width / 2, chart.y - 22))
    drawing.add(_axis_title(y_label, 9, chart.y + chart.height / 2, angle=90))
    drawing.add(_legend([(line.colour, line.name) for line in series], width, legend_rows))
    return drawing


def tornado_chart(
    bars: Sequence[TornadoBar],
    *,
    base: float,
    width: float,
    low_label: str,
    high_label: str,
    base_label: str,
    low_colour: colors.Color,
    high_colour: colors.Color,
    tick: Callable[[float], str],
) -> Drawing:
    """The sensitivity of the NPV: a bar per driver, widest on top, around the expected NPV.

    Each bar runs from the NPV with the driver moved down to the NPV with it moved up;
    the part left of the expected NPV (the vertical line) is what the reader could lose.
    Driver names sit left of the bars, cut short with an ellipsis when too long.
    """
    register_fonts()
    ordered = sorted(bars, key=lambda bar: bar.swing, reverse=True)
    row, bar_height = 17.0, 11.0
    top_room, bottom_room = 16.0, 34.0
    height = top_room + bottom_room + row * max(len(ordered), 1)
    drawing = _drawing(width, height)
    label_width = min(
        width * 0.34,
        max(
            (stringWidth(fit_to_font(bar.driver), FONT_NAME, LABEL_SIZE) for bar in ordered),
            default=0.0,
        )
        + 6,
    )
    left = label_width + 40
    right = width - 40
    values = [base] + [bar.npv_low for bar in ordered] + [bar.npv_high for bar in ordered]
    low, high = min(values), max(values)
    pad = (high - low) * 0.04 or abs(base) * 0.1 or 1.0
    low, high = low - pad, high + pad

    def x_of(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    base_x = x_of(base)
    for index, bar in enumerate(ordered):
        y = height - top_room - row * (index + 1) + (row - bar_height) / 2
        drawing.add(
            String(
                label_width,
                y + 3,
                _clip(fit_to_font(bar.driver), label_width - 4),
                fontName=FONT_NAME,
                fontSize=LABEL_SIZE,
                textAnchor="end",
            )
        )
        for value, colour in ((bar.npv_low, low_colour), (bar.npv_high, high_colour)):
            end = x_of(value)
            drawing.add(
                Rect(
                    min(base_x, end),
                    y,
                    abs(end - base_x),
                    bar_height,
                    fillColor=colour,
                    strokeColor=None,
                )
            )
        for value in (bar.npv_low, bar.npv_high):
            end = x_of(value)
            outward = end >= base_x
            drawing.add(
                String(
                    end + (2 if outward else -2),
                    y + 3,
                    tick(value),
                    fontName=FONT_NAME,
                    fontSize=TICK_SIZE - 0.5,
                    fillColor=MUTED,
                    textAnchor="start" if outward else "end",
                )
            )
    chart_bottom = bottom_room - 4
    drawing.add(
        Line(
            base_x,
            chart_bottom,
            base_x,
            height - top_room + 4,
            strokeColor=colors.black,
            strokeWidth=0.8,
        )
    )
    drawing.add(
        String(
            base_x,
            height - top_room + 6,
            f"{base_label}: {tick(base)}",
            fontName=FONT_NAME,
            fontSize=LABEL_SIZE,
            textAnchor="middle",
        )
    )
    drawing.add(Line(left, chart_bottom, right, chart_bottom, strokeColor=RULE, strokeWidth=0.5))
    drawing.add(_legend([(low_colour, low_label), (high_colour, high_label)], width, 1))
    return drawing


# -- Pieces -------------------------------------------------------------------------------


def _drawing(width: float, height: float) -> Drawing:
    """A drawing that starts in the bundled font.

    Otherwise each one would start in Helvetica, putting a font with no Chinese glyphs
    in the PDF.
    """
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT_NAME
    drawing.initialFontSize = LABEL_SIZE
    return drawing


def _values(series: Sequence[Series]) -> list[float]:
    return [value for line in series for value in line.values]


def _value_axis(axis: object, tick: Callable[[float], str], values: Sequence[float]) -> None:
    """A money axis with about five round steps covering ``values``, labelled by ``tick``."""
    low, high = min(values), max(values)
    step = _nice_step((high - low) / 5 if high > low else abs(high) or 1.0)
    axis.valueMin = step * _floor(low / step)  # type: ignore[attr-defined]
    axis.valueMax = step * -_floor(-high / step)  # type: ignore[attr-defined]
    axis.valueStep = step  # type: ignore[attr-defined]
    axis.labelTextFormat = tick  # type: ignore[attr-defined]
    axis.strokeColor = RULE  # type: ignore[attr-defined]
    axis.gridStrokeColor = colors.HexColor("#E6E9EC")  # type: ignore[attr-defined]
    axis.gridStrokeWidth = 0.4  # type: ignore[attr-defined]
    axis.visibleGrid = 1  # type: ignore[attr-defined]
    _style_axis_labels(axis)


def _floor(value: float) -> int:
    import math

    return math.floor(value + 1e-9)


def _nice_step(raw: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, the first at least ``raw``."""
    import math

    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw * 0.999:
            return factor * power
    return 10 * power


def _style_axis_labels(axis: object) -> None:
    labels = axis.labels  # type: ignore[attr-defined]
    labels.fontName = FONT_NAME
    labels.fontSize = TICK_SIZE
    labels.fillColor = MUTED


def _axis_title(text: str, x: float, y: float, *, angle: float = 0) -> Group | String:
    label = String(
        0 if angle else x,
        0 if angle else y,
        fit_to_font(text),
        fontName=FONT_NAME,
        fontSize=LABEL_SIZE,
        fillColor=MUTED,
        textAnchor="middle",
    )
    if not angle:
        return label
    group = Group(label)
    group.translate(x, y)
    group.rotate(angle)
    return group


def _legend_rows(series: Sequence[Series], width: float) -> int:
    """How many rows the legend needs when the names are set side by side."""
    return len(_legend_layout([line.name for line in series], width))


def _legend_layout(names: Sequence[str], width: float) -> list[list[tuple[int, float]]]:
    """The legend's rows: (index of the name, its x) for each name, wrapped at ``width``."""
    rows: list[list[tuple[int, float]]] = [[]]
    x = _LEGEND_LEFT
    for index, name in enumerate(names):
        item = _SWATCH + 4 + stringWidth(fit_to_font(name), FONT_NAME, LABEL_SIZE) + 14
        if rows[-1] and x + item > width:
            rows.append([])
            x = _LEGEND_LEFT
        rows[-1].append((index, x))
        x += item
    return rows


def _legend(pairs: Sequence[tuple[colors.Color, str]], width: float, rows: int) -> Group:
    """A swatch and a name for each pair, left to right at the foot of the chart."""
    group = Group()
    layout = _legend_layout([name for _colour, name in pairs], width)
    for row_number, row in enumerate(layout):
        y = 2 + (rows - 1 - row_number) * 11
        for index, x in row:
            colour, name = pairs[index]
            group.add(Rect(x, y, _SWATCH, _SWATCH, fillColor=colour, strokeColor=None))
            group.add(
                String(
                    x + _SWATCH + 4,
                    y + 1,
                    fit_to_font(name),
                    fontName=FONT_NAME,
                    fontSize=LABEL_SIZE,
                )
            )
    return group


def _clip(text: str, width: float) -> str:
    """``text`` cut short with an ellipsis to fit ``width`` points on a chart."""
    if stringWidth(text, FONT_NAME, LABEL_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", FONT_NAME, LABEL_SIZE) > width:
        text = text[:-1]
    return text.rstrip() + "…"

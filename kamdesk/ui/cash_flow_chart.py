"""The proposal builder's charts: each option's cumulative cash flow, and a tornado of one's NPV.

Painted with QPainter rather than QtCharts: the builder repaints them on every keystroke,
and QtCharts would cost startup time and memory for two small line and bar pictures.
Both draw what the engine worked out (``kamdesk.domain.proposal_figures``) and compute
nothing but where to put it. Text uses the widget's font (the app's, which has the
Chinese glyphs), and every length is in device-independent pixels, so a hidpi screen
gets sharp lines at the same size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from kamdesk.domain.proposal_figures import Figure, Sensitivity, Unavailable
from kamdesk.formatting import currency_symbol, major_to_minor, spaced_symbol
from kamdesk.i18n import _, current_language
from kamdesk.ui.formatting import money_text, qlocale

#: One colour per option, in order: distinct for the common colour blindnesses (blue,
#: orange, green, purple, red) and dark enough to read on white.
SERIES_COLOURS: Final = ("#2F6FB3", "#D1731B", "#2E8B57", "#8E44AD", "#B03A48")
_INK = QColor("#1F2328")
_GREY = QColor("#6D6D6D")
_GRID = QColor("#E4E7EB")
_AXIS = QColor("#57606A")
_BELOW = QColor("#D1731B")
_ABOVE = QColor("#2F6FB3")
_MARGIN = 8.0
_TICK_GAP = 6.0
_LEGEND_SWATCH = 18.0
#: Keeps the first and last years' points (and their labels) off the plot's edges.
_INNER_PAD = 14.0


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round values (steps of 1, 2 or 5 × 10ⁿ) covering ``low``..``high``."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.5:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    if ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def short_money(value: float, step: float, currency: str | None) -> str:
    """``CN¥1.5M`` / ``¥150万``: an axis tick, abbreviated as readers of the UI's language count.

    English counts in thousands (K, M, B), Chinese in 万 and 亿; every tick of an axis
    uses the unit of its ``step``, so they line up and show as many decimals as they need.
    """
    locale = qlocale()
    chinese = current_language().code.startswith("zh")
    units = ((1e8, "亿"), (1e4, "万")) if chinese else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    size = max(abs(value), abs(step))
    divisor, suffix = next(((d, s) for d, s in units if size >= d), (1.0, ""))
    scaled_step = abs(step) / divisor
    decimals = (
        0 if scaled_step >= 1 or scaled_step == 0 else min(3, math.ceil(-math.log10(scaled_step)))
    )
    number = locale.toString(abs(value) / divisor, "f", decimals) + suffix if value else "0"
    symbol = ""
    if currency:
        symbol = spaced_symbol(
            currency_symbol(currency, current_language().locale), before_number=True
        )
    sign = locale.negativeSign() if value < 0 else ""
    return f"{sign}{symbol}{number}"


def payback_crossing(cumulative: Sequence[float]) -> float | None:
    """The year (a fraction) from which the cumulative flow stays at or above zero.

    As the engine counts payback: a later cost that pulls the total back below zero (a
    hardware refresh) moves the payback past it, and a total below zero at the horizon
    never pays back (None). Linear between year ends, as the engine's interpolated payback
    assumes each year's flow comes in evenly.
    """
    if not cumulative or cumulative[-1] < 0:
        return None
    below = [year for year, value in enumerate(cumulative) if value < 0]
    if not below:
        return 0.0
    year = below[-1] + 1
    before, after = cumulative[year - 1], cumulative[year]
    return year - 1 + (-before) / (after - before)


class CashFlowChart(QWidget):
    """The cumulative cash flow of each option, year 0 to the horizon, with its payback.

    A line per option (a legend names them), the zero axis, a year under each point,
    money ticks abbreviated in the UI's language, and a ring on the zero axis where an
    option pays back. ``set_series`` only stores the values and asks for a repaint.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cash_flow_chart")
        # It paints every pixel itself, so Qt need not paint the parents beneath it first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self._names: tuple[str, ...] = ()
        self._series: tuple[tuple[float, ...], ...] = ()
        self._currency: str | None = None
        self._highlighted: int | None = None

    def sizeHint(self) -> QSize:
        """Override QWidget.sizeHint: room for five years and a legend."""
        return QSize(480, 260)

    def minimumSizeHint(self) -> QSize:
        """Override QWidget.minimumSizeHint."""
        return QSize(240, 160)

    def set_series(
        self,
        names: Sequence[str],
        cumulative: Sequence[Sequence[Decimal]],
        *,
        currency: str | None = None,
        highlighted: int | None = None,
    ) -> None:
        """Plot ``cumulative[i]`` (years 0..H) as the line of option ``names[i]``.

        ``currency`` puts its symbol on the ticks; ``highlighted`` (an index) draws that
        option's line thicker and its name in bold, as the recommended one.
        """
        shown = (
            tuple(names),
            tuple(tuple(float(value) for value in values) for values in cumulative),
            currency,
            highlighted,
        )
        if shown == (self._names, self._series, self._currency, self._highlighted):
            return  # a keystroke that changed no flow (a name, a benefit's assumption)
        self._names, self._series, self._currency, self._highlighted = shown
        self.update()

    # What is plotted (tests and tooltips read these) ----------------------------------

    def series_points(self) -> list[list[tuple[int, float]]]:
        """Each option's points as (year, cumulative flow): what the lines join."""
        return [list(enumerate(values)) for values in self._series]

    def payback_years(self) -> list[float | None]:
        """Each option's payback crossing (a year fraction), or None: where the rings go."""
        return [payback_crossing(values) for values in self._series]

    def pixel_points(self) -> list[list[QPointF]]:
        """Each option's points in widget coordinates, as the last paint (or the next) puts them."""
        frame = self._frame(QFontMetricsF(self._tick_font()))
        return [
            [frame.point(year, value) for year, value in points] for points in self.series_points()
        ]

    # Painting -------------------------------------------------------------------------

    def _tick_font(self) -> QFont:
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(max(font.pointSizeF() - 1, 7.0))
        return font

    def _years(self) -> int:
        return max((len(values) for values in self._series), default=0) - 1

    def _frame(self, metrics: QFontMetricsF) -> _Frame:
        values = [value for values in self._series for value in values] or [0.0]
        ticks = nice_ticks(min(min(values), 0.0), max(max(values), 0.0))
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        labels = [short_money(tick, step, self._currency) for tick in ticks]
        label_width = max(metrics.horizontalAdvance(label) for label in labels)
        legend_height = self._legend_height()
        plot = QRectF(
            _MARGIN + label_width + _TICK_GAP,
            _MARGIN + legend_height,
            self.width()
            - 2 * _MARGIN
            - label_width
            - _TICK_GAP
            - metrics.horizontalAdvance("0") * 2,
            self.height() - 2 * _MARGIN - legend_height - metrics.height() - _TICK_GAP,
        )
        return _Frame(plot, max(self._years(), 1), ticks, labels)

    def _legend_height(self) -> float:
        entries = self._legend_entries()
        if not entries:
            return 0.0
        line = QFontMetricsF(self.font()).height()
        return entries[-1][2] - _MARGIN + line + _MARGIN

    def _legend_entries(self) -> list[tuple[int, float, float]]:
        """Where each option's legend entry starts (index, x, y), wrapping onto more lines."""
        line = QFontMetricsF(self.font()).height()
        bold = QFont(self.font())
        bold.setBold(True)
        entries: list[tuple[int, float, float]] = []
        x, y = _MARGIN + 4, _MARGIN
        for index, name in enumerate(self._names):
            font = bold if index == self._highlighted else self.font()
            width = _LEGEND_SWATCH + 4 + QFontMetricsF(font).horizontalAdvance(name)
            if entries and x + width > self.width() - _MARGIN:
                x, y = _MARGIN + 4, y + line + 2
            entries.append((index, x, y))
            x += width + 16
        return entries

    def paintEvent(self, event: QPaintEvent) -> None:
        """Override QWidget.paintEvent: grid, zero axis, lines, payback rings, legend."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        if not self._series or self._years() < 0:
            painter.setPen(_GREY)
            painter.drawText(
                QRectF(self.rect()),
                int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
                _("The cumulative cash flow of each option shows here."),
            )
            painter.end()
            return
        tick_font = self._tick_font()
        metrics = QFontMetricsF(tick_font)
        frame = self._frame(metrics)
        if frame.plot.width() < 20 or frame.plot.height() < 20:
            painter.end()
            return
        painter.setFont(tick_font)
        self._paint_grid(painter, frame, metrics)
        for index, points in enumerate(self.series_points()):
            self._paint_line(painter, frame, index, points)
        painter.setFont(self.font())
        self._paint_legend(painter)
        painter.end()

    def _paint_grid(self, painter: QPainter, frame: _Frame, metrics: QFontMetricsF) -> None:
        plot = frame.plot
        for tick, label in zip(frame.ticks, frame.labels, strict=True):
            y = frame.y(tick)
            painter.setPen(QPen(_AXIS if tick == 0 else _GRID, 1.5 if tick == 0 else 1.0))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(_GREY)
            box = QRectF(
                _MARGIN,
                y - metrics.height() / 2,
                plot.left() - _TICK_GAP - _MARGIN,
                metrics.height(),
            )
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label
            )
        painter.setPen(_GREY)
        for year in range(self._years() + 1):
            x = frame.x(year)
            box = QRectF(x - 40, plot.bottom() + _TICK_GAP / 2, 80, metrics.height())
            painter.drawText(
                box,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                _("Y{year}").format(year=year),
            )

    def _paint_line(
        self, painter: QPainter, frame: _Frame, index: int, points: list[tuple[int, float]]
    ) -> None:
        colour = QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])
        width = 3.0 if index == self._highlighted else 2.0
        path = QPainterPath()
        for number, (year, value) in enumerate(points):
            point = frame.point(year, value)
            if number == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        painter.setPen(
            QPen(
                colour,
                width,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        for year, value in points:
            painter.drawEllipse(frame.point(year, value), width + 0.5, width + 0.5)
        crossing = payback_crossing([value for _year, value in points])
        if crossing is not None:
            # A ring on the zero axis: where this option has paid for itself.
            painter.setBrush(QColor("#FFFFFF"))
            painter.setPen(QPen(colour, 2.0))
            painter.drawEllipse(QPointF(frame.x(crossing), frame.y(0.0)), 5.0, 5.0)

    def _paint_legend(self, painter: QPainter) -> None:
        metrics = QFontMetricsF(self.font())
        for index, x, y in self._legend_entries():
            font = QFont(self.font())
            font.setBold(index == self._highlighted)
            painter.setFont(font)
            colour = QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])
            middle = y + metrics.height() / 2
            painter.setPen(QPen(colour, 3.0 if index == self._highlighted else 2.0))
            painter.drawLine(QPointF(x, middle), QPointF(x + _LEGEND_SWATCH, middle))
            painter.setPen(_INK)
            painter.drawText(
                QPointF(x + _LEGEND_SWATCH + 4, y + metrics.ascent()), self._names[index]
            )

    # Tooltips ---------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        """Override QWidget.event: the point under the mouse says its option, year and amount."""
        if event.type() == QEvent.Type.ToolTip and self._series:
            position = QPointF(event.pos())  # type: ignore[attr-defined]
            text = self._point_text(position)
            if text:
                QToolTip.showText(event.globalPos(), text, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def _point_text(self, position: QPointF) -> str:
        for index, points in enumerate(self.pixel_points()):
            for year, point in enumerate(points):
                if (point - position).manhattanLength() <= 8:
                    value = self._series[index][year]
                    amount = amount_text(value, self._currency)
                    name = self._names[index] if index < len(self._names) else ""
                    return _("{option}, year {year}: {amount}").format(
                        option=name, year=year, amount=amount
                    )
        return ""

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: repaint labels in a new language."""
        if event.type() == QEvent.Type.LanguageChange:
            self.update()
        super().changeEvent(event)


class _Frame:
    """Where the plot sits in the widget and how values map onto it."""

    def __init__(self, plot: QRectF, years: int, ticks: list[float], labels: list[str]) -> None:
        self.plot = plot
        self.years = years
        self.ticks = ticks
        self.labels = labels
        self._low, self._high = ticks[0], ticks[-1]

    def x(self, year: float) -> float:
        """The horizontal position of ``year``."""
        inner = self.plot.width() - 2 * _INNER_PAD
        return self.plot.left() + _INNER_PAD + inner * year / self.years

    def y(self, value: float) -> float:
        """The vertical position of ``value`` (higher values higher up)."""
        span = self._high - self._low or 1.0
        return self.plot.bottom() - self.plot.height() * (value - self._low) / span

    def point(self, year: float, value: float) -> QPointF:
        """Where the point (``year``, ``value``) is drawn."""
        return QPointF(self.x(year), self.y(value))


class TornadoChart(QWidget):
    """One option's NPV sensitivity: a bar per driver, from its −swing NPV to its +swing NPV.

    Bars run from the expected NPV (the middle line) to each moved NPV: orange where the
    NPV falls, blue where it rises; the widest swing is on top, as the engine sorts them.
    A driver whose moved NPV cannot be worked out draws no bar on that side.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tornado_chart")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._base: float | None = None
        self._bars: tuple[tuple[str, float | None, float | None], ...] = ()
        self._currency: str | None = None

    def sizeHint(self) -> QSize:
        """Override QWidget.sizeHint."""
        return QSize(360, 160)

    def minimumSizeHint(self) -> QSize:
        """Override QWidget.minimumSizeHint: a line of text for each bar, and the caption."""
        line = QFontMetricsF(self.font()).height()
        return QSize(200, int(2 * _MARGIN + line + 2 + len(self._bars) * (line + 2)))

    def set_sensitivity(
        self, base_npv: Figure | None, bars: Sequence[Sensitivity], currency: str | None = None
    ) -> None:
        """Draw ``bars`` around ``base_npv`` (nothing when there is no NPV to draw around)."""
        shown = (
            None if base_npv is None else _number(base_npv),
            tuple((_(bar.driver), _number(bar.npv_low), _number(bar.npv_high)) for bar in bars),
            currency,
        )
        if shown == (self._base, self._bars, self._currency):
            return
        count = len(self._bars)
        self._base, self._bars, self._currency = shown
        if len(self._bars) != count:
            self.updateGeometry()
        self.update()

    def bar_spans(self) -> list[tuple[str, float | None, float | None]]:
        """Each bar as (driver, NPV at −swing, NPV at +swing): what is drawn."""
        return list(self._bars)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Override QWidget.paintEvent: driver labels, bars, the expected NPV's line."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        if self._base is None or not self._bars:
            painter.end()
            return
        metrics = QFontMetricsF(self.font())
        label_width = min(
            max(metrics.horizontalAdvance(driver) for driver, _low, _high in self._bars),
            self.width() * 0.4,
        )
        values = [self._base] + [
            v for _d, low, high in self._bars for v in (low, high) if v is not None
        ]
        low_end, high_end = min(values), max(values)
        span = (high_end - low_end) or 1.0
        left = _MARGIN + label_width + _TICK_GAP
        width = max(self.width() - left - _MARGIN, 10.0)
        # Every bar and the caption under them fit the height, however many drivers.
        room = self.height() - 2 * _MARGIN - metrics.height() - 2
        row = max(min(room / len(self._bars), 28.0), 6.0)

        def x(value: float) -> float:
            return left + width * (value - low_end) / span

        top = _MARGIN
        for number, (driver, low, high) in enumerate(self._bars):
            y = top + number * row
            painter.setPen(_INK)
            shown = metrics.elidedText(driver, Qt.TextElideMode.ElideRight, label_width)
            box = QRectF(_MARGIN, y, label_width, row)
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), shown
            )
            painter.setPen(Qt.PenStyle.NoPen)
            for moved in (low, high):
                if moved is None:
                    continue
                painter.setBrush(_BELOW if moved < self._base else _ABOVE)
                start, end = sorted((x(self._base), x(moved)))
                painter.drawRect(QRectF(start, y + 4, max(end - start, 1.0), row - 8))
        base_x = x(self._base)
        bottom = top + len(self._bars) * row
        painter.setPen(QPen(_AXIS, 1.5))
        painter.drawLine(QPointF(base_x, top), QPointF(base_x, bottom))
        painter.setPen(_GREY)
        caption = _("Expected NPV {amount}").format(amount=amount_text(self._base, self._currency))
        painter.drawText(
            QPointF(
                min(
                    max(base_x - metrics.horizontalAdvance(caption) / 2, left),
                    self.width() - _MARGIN - metrics.horizontalAdvance(caption),
                ),
                bottom + metrics.ascent() + 2,
            ),
            caption,
        )
        painter.end()


def amount_text(value: float, currency: str | None) -> str:
    """The whole ``value`` in ``currency`` as the UI writes money (a bare number without one)."""
    if not currency:
        return qlocale().toString(value, "f", 0)
    return money_text(major_to_minor(Decimal(repr(value)), currency), currency)


def _number(figure: Figure) -> float | None:
    return None if isinstance(figure, Unavailable) else float(figure)

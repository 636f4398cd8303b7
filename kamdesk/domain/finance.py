"""The ROI calculator's engine: NPV, IRR, XNPV, XIRR, payback, ROI, TCO and cost of delay.

Pure exact arithmetic on ``Decimal`` (no floats, no Qt, no book), so a figure reads the
same on the screen, in the PDF and in the customer's finance team's spreadsheet, and the
same inputs always give the same digits. Every function works in its own decimal context
(``PRECISION`` significant digits, half-even rounding), whatever the caller's is.

Rates are **fractions** here: ``Decimal("0.08")`` is 8 % (the convention of
numpy-financial and of spreadsheets). The proposal dataclasses keep percentages;
``kamdesk.domain.proposal_figures`` converts. Nothing is quantized: callers round for
display.

A figure that cannot exist raises a ``FinanceError`` subclass saying why, never returns a
NaN; ``proposal_figures`` turns each into a sentence shown where the figure would be.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

#: Significant digits of every intermediate result: far beyond any currency's cents, so
#: rounding inside the engine never shows in a displayed figure.
PRECISION = 34

#: How close the IRR (a fraction) is pinned down: 1e-12 is 1e-10 percentage points.
IRR_TOLERANCE = Decimal("1e-12")

#: Bisection steps at most per root (each halves the bracket; 200 is far beyond need).
IRR_MAX_ITERATIONS = 200

ZERO = Decimal(0)
ONE = Decimal(1)
DAYS_PER_YEAR = Decimal(365)
MONTHS_PER_YEAR = Decimal(12)


def _grid() -> tuple[Decimal, ...]:
    """The rates where the NPV's sign is sampled to find every IRR from −99 % to +1000 %.

    Dense where real proposals' rates lie (−30 % … +100 %, every point), coarser beyond:
    two rates closer together than the spacing would be missed, which only contrived
    flows produce.
    """
    rates: list[Decimal] = [Decimal(p) / 100 for p in (-99, -98, -97, -96, -95)]
    rates += [Decimal(p) / 100 for p in range(-90, -30, 5)]
    rates += [Decimal(p) / 100 for p in range(-30, 100)]
    rates += [Decimal(p) / 10 for p in range(10, 30)]
    rates += [Decimal(p) / 2 for p in range(6, 21)]
    return tuple(rates)


#: Rates (fractions) sampled by ``irr`` and ``xirr``, ascending.
IRR_GRID = _grid()


class FinanceError(ValueError):
    """A figure that cannot be worked out from its inputs (the message says why)."""


class RateError(FinanceError):
    """A discount rate of −100 % or below: money would be worth nothing, or less, later."""


class NoIrrError(FinanceError):
    """No rate makes the NPV zero (the flows never change sign, or no root in range)."""


class NoIrrInRangeError(NoIrrError):
    """The flows change sign, yet no rate in the range searched makes the NPV zero."""


class NoFlowsError(FinanceError):
    """No cash flows at all (an empty list, or a horizon of zero)."""


class NoInvestmentError(FinanceError):
    """Costs of zero or less: a return on nothing is not a ratio."""


@dataclass(frozen=True)
class IrrResult:
    """The IRR (a fraction) and whether it is the only one found.

    Flows that change sign more than once can have several rates that zero the NPV; the
    one nearest 0 is ``rate``, every one found is in ``roots`` (ascending) and ``unique``
    is False, so the UI can say that NPV is the figure to trust.
    """

    rate: Decimal
    roots: tuple[Decimal, ...]

    @property
    def unique(self) -> bool:
        """Whether one rate alone zeroes the NPV between −99 % and +1000 %."""
        return len(self.roots) == 1


def _context() -> Context:
    """A context fully spelled out, so results never depend on the caller's defaults."""
    return Context(
        prec=PRECISION,
        rounding=ROUND_HALF_EVEN,
        Emin=-999_999,
        Emax=999_999,
        capitals=1,
        clamp=0,
        flags=[],
        traps=[InvalidOperation, DivisionByZero, Overflow],
    )


@contextmanager
def exact() -> Iterator[None]:
    """Run a block in the engine's decimal context (callers that add up figures use it)."""
    with localcontext(_context()):
        yield


def _check_rate(rate: Decimal) -> None:
    if rate <= -ONE:
        raise RateError(f"a rate of {rate * 100} % is not above −100 %")


def _npv(rate: Decimal, flows: Sequence[Decimal]) -> Decimal:
    """NPV by Horner's rule from the last flow back: one division and one addition a flow."""
    growth = ONE + rate
    total = ZERO
    for flow in reversed(flows):
        total = total / growth + flow
    return total


def npv(rate: Decimal, flows: Sequence[Decimal]) -> Decimal:
    """The net present value of ``flows`` at ``rate`` (a fraction, per period).

    ``flows[0]`` is at time 0 (not discounted), ``flows[t]`` at the end of period t: the
    convention of numpy-financial's ``npv``. A spreadsheet's ``NPV()`` discounts its first
    value by one period; there, write ``= flows[0] + NPV(rate, flows[1:])``.
    """
    with exact():
        _check_rate(rate)
        if not flows:
            raise NoFlowsError("no cash flows")
        return _npv(rate, flows)


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def _sign_changes(flows: Sequence[Decimal]) -> int:
    """How often the flows change sign, zeros skipped (Descartes: at most that many IRRs)."""
    signs = [s for s in map(_sign, flows) if s]
    return sum(1 for a, b in itertools.pairwise(signs) if a != b)


def _bisect(f: Callable[[Decimal], Decimal], low: Decimal, high: Decimal) -> Decimal:
    """The root of ``f`` between ``low`` and ``high``, where ``f`` has opposite signs."""
    f_low = f(low)
    if not f_low:
        return low
    if not f(high):
        return high
    sign_low = _sign(f_low)
    for _ in range(IRR_MAX_ITERATIONS):
        middle = (low + high) / 2
        if high - low <= IRR_TOLERANCE * max(ONE, abs(middle)):
            return middle
        value = f(middle)
        if not value:
            return middle
        if _sign(value) == sign_low:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _outside_grid_bracket(
    f: Callable[[Decimal], Decimal],
) -> tuple[Decimal, Decimal] | None:
    """A bracket beyond the grid, for flows with one sign change whose IRR lies outside it.

    One sign change means exactly one IRR above −100 % (Descartes), so it is either above
    +1000 % (a tiny outlay, large returns) or just above −100 % (almost nothing returned).
    """
    highs = [IRR_GRID[-1], *(Decimal(10) ** k for k in range(2, 10))]
    for low, high in itertools.pairwise(highs):
        if _sign(f(low)) != _sign(f(high)):
            return low, high
    lows = [IRR_GRID[0], *(-ONE + Decimal(10) ** -k for k in range(3, 16))]
    for high, low in itertools.pairwise(lows):
        if _sign(f(low)) != _sign(f(high)):
            return low, high
    return None


def _only_root(f: Callable[[Decimal], Decimal]) -> IrrResult:
    """The one IRR of flows that change sign once, found by halving the grid, then the bracket.

    With one root the NPV has one sign below it and the other above, so a binary search
    over the grid finds its interval in about eight evaluations instead of one per point.
    """
    low, high = 0, len(IRR_GRID) - 1
    value_low, value_high = f(IRR_GRID[low]), f(IRR_GRID[high])
    for index, value in ((low, value_low), (high, value_high)):
        if not value:
            return IrrResult(rate=IRR_GRID[index], roots=(IRR_GRID[index],))
    if _sign(value_low) == _sign(value_high):
        bracket = _outside_grid_bracket(f)
        if bracket is None:
            raise NoIrrInRangeError("no rate between −100 % and 10⁹ % makes the NPV zero")
        rate = _bisect(f, *bracket)
        return IrrResult(rate=rate, roots=(rate,))
    sign_low = _sign(value_low)
    while high - low > 1:
        middle = (low + high) // 2
        value = f(IRR_GRID[middle])
        if not value:
            return IrrResult(rate=IRR_GRID[middle], roots=(IRR_GRID[middle],))
        if _sign(value) == sign_low:
            low = middle
        else:
            high = middle
    rate = _bisect(f, IRR_GRID[low], IRR_GRID[high])
    return IrrResult(rate=rate, roots=(rate,))


def _roots(f: Callable[[Decimal], Decimal], flows: Sequence[Decimal]) -> IrrResult:
    """Every rate that zeroes ``f`` found over the grid (and beyond it for one sign change).

    ``flows`` are in time order: their sign changes bound how many rates there can be.
    """
    changes = _sign_changes(flows)
    if changes == 0:
        raise NoIrrError("the cash flows never change sign, so no rate makes the NPV zero")
    if changes == 1:
        return _only_root(f)
    values = [f(rate) for rate in IRR_GRID]
    roots: list[Decimal] = []
    for i, (rate, value) in enumerate(zip(IRR_GRID, values, strict=True)):
        if not value:
            roots.append(rate)
        elif i + 1 < len(values) and values[i + 1] and _sign(value) != _sign(values[i + 1]):
            roots.append(_bisect(f, rate, IRR_GRID[i + 1]))
    if not roots:
        raise NoIrrInRangeError("no rate between −99 % and +1000 % makes the NPV zero")
    # Nearest 0; of two as near, the lower (so the choice never depends on grid order).
    nearest = min(roots, key=lambda rate: (abs(rate), rate))
    return IrrResult(rate=nearest, roots=tuple(roots))


def irr(flows: Sequence[Decimal]) -> IrrResult:
    """The internal rate of return: the rate (a fraction) where ``npv(rate, flows)`` is 0.

    Raises ``NoIrrError`` when no such rate exists (all flows of one sign, or none
    between −99 % and +1000 % for flows that change sign more than once).
    """
    with exact():
        if not flows:
            raise NoFlowsError("no cash flows")
        return _roots(lambda rate: _npv(rate, flows), flows)


def _day_counts(dates: Sequence[dt.date], count: int) -> list[int]:
    """Days from the earliest date (as pyxirr and spreadsheets count), one per flow."""
    if len(dates) != count:
        raise FinanceError(f"{count} cash flows but {len(dates)} dates")
    if not dates:
        raise NoFlowsError("no cash flows")
    first = min(dates)
    return [(day - first).days for day in dates]


def _xnpv(rate: Decimal, flows: Sequence[Decimal], days: Sequence[int]) -> Decimal:
    """XNPV with (1 + rate)^(−1/365) worked out once, then raised to each whole day count."""
    daily = (-(ONE + rate).ln() / DAYS_PER_YEAR).exp()
    return sum((flow * daily**count for flow, count in zip(flows, days, strict=True)), ZERO)


def xnpv(rate: Decimal, flows: Sequence[Decimal], dates: Sequence[dt.date]) -> Decimal:
    """The NPV of dated ``flows`` at a yearly ``rate`` (a fraction), actual/365.

    Each flow is discounted by (1 + rate)^(days since the earliest date / 365).
    """
    with exact():
        _check_rate(rate)
        return _xnpv(rate, flows, _day_counts(dates, len(flows)))


def xirr(flows: Sequence[Decimal], dates: Sequence[dt.date]) -> IrrResult:
    """The yearly rate (a fraction) where ``xnpv`` is 0; see ``irr`` for the cases."""
    with exact():
        days = _day_counts(dates, len(flows))
        in_time_order = [flow for _, flow in sorted(zip(days, flows, strict=True))]
        return _roots(lambda rate: _xnpv(rate, flows, days), in_time_order)


def payback_months(
    flows: Sequence[Decimal],
    periods_per_year: int = 12,
    discount_rate: Decimal | None = None,
) -> Decimal | None:
    """Months until the cumulative cash flow turns non-negative for good; None if never.

    ``flows`` as for ``npv``, one a period (``periods_per_year`` 12 for months, 1 for
    years). Within the period where it turns, the period's flow is taken as spread
    evenly, so the month is interpolated. With ``discount_rate`` (a yearly fraction) each
    flow is first discounted to time 0: the discounted payback.

    "For good" means from that point to the last flow: a cumulative that turns positive
    and then falls below zero again (a large later cost) has not paid back at the turn.
    """
    with exact():
        if periods_per_year < 1:
            raise FinanceError("there must be at least one period a year")
        if not flows:
            raise NoFlowsError("no cash flows")
        if discount_rate is not None:
            _check_rate(discount_rate)
            per_period = (ONE + discount_rate) ** (ONE / periods_per_year)
            factor, discounted = ONE, []
            for flow in flows:
                discounted.append(flow / factor)
                factor *= per_period
            flows = discounted
        cumulative = ZERO
        running = []
        for flow in flows:
            cumulative += flow
            running.append(cumulative)
        if running[-1] < 0:
            return None
        last_negative = max((t for t, value in enumerate(running) if value < 0), default=None)
        months_per_period = MONTHS_PER_YEAR / periods_per_year
        if last_negative is None:
            return ZERO
        # It turns inside period last_negative + 1, whose flow is positive and covers the gap.
        fraction = -running[last_negative] / flows[last_negative + 1]
        return (last_negative + fraction) * months_per_period


def roi(total_benefits: Decimal, total_costs: Decimal) -> Decimal:
    """The return on investment as a fraction: (benefits − costs) / costs, undiscounted."""
    with exact():
        if total_costs <= 0:
            raise NoInvestmentError("no costs to measure a return against")
        return (total_benefits - total_costs) / total_costs


def tco(one_off: Decimal, per_year: Decimal, years: int) -> Decimal:
    """The total cost of ownership over ``years``: the one-off costs plus every year's."""
    with exact():
        if years < 1:
            raise NoFlowsError("a horizon of at least one year is needed")
        return one_off + per_year * years


def cost_of_delay_per_month(net_benefit_per_year: Decimal) -> Decimal:
    """What each month of deciding later costs the customer: a month of net benefit forgone.

    A decision a month later starts every benefit a month later; over a long enough run
    the customer loses one month of the steady-state net yearly benefit.
    """
    with exact():
        return net_benefit_per_year / MONTHS_PER_YEAR


@dataclass(frozen=True)
class Swing:
    """One bar of a tornado chart: a result with one driver moved down and up."""

    driver: str
    low: Decimal | None
    high: Decimal | None

    @property
    def width(self) -> Decimal:
        """How far the result moves between the two ends (0 when one end has no value)."""
        if self.low is None or self.high is None:
            return ZERO
        return abs(self.high - self.low)


def tornado(swings: Sequence[Swing]) -> tuple[Swing, ...]:
    """The swings widest first, as a tornado chart stacks them; ties keep their order."""
    with exact():
        return tuple(sorted(swings, key=lambda swing: -swing.width))

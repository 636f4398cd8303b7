"""The ROI engine against independent implementations (numpy-financial, pyxirr) and by its
properties: the numbers a customer's finance team would recompute must come out the same."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy_financial as npf
import pytest
import pyxirr
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kamdesk.domain import finance
from kamdesk.domain.finance import (
    NoFlowsError,
    NoInvestmentError,
    NoIrrError,
    RateError,
    Swing,
)

D = Decimal
QUICK = settings(max_examples=100, deadline=None)

amounts = st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda c: D(c) / 100)
positive = st.integers(min_value=1, max_value=10_000_000).map(lambda c: D(c) / 100)
rates = st.integers(min_value=-900, max_value=3000).map(lambda r: D(r) / 1000)

#: An outlay then returns: one sign change, so exactly one IRR.
conventional = st.tuples(positive, st.lists(positive, min_size=1, max_size=10)).map(
    lambda t: [-t[0], *t[1]]
)


def _close(ours: Decimal, theirs: float, relative: float = 1e-9, absolute: float = 1e-6) -> bool:
    return math.isclose(float(ours), theirs, rel_tol=relative, abs_tol=absolute)


# --- npv -----------------------------------------------------------------------------


def test_npv_discounts_from_time_zero_like_numpy_financial() -> None:
    # −100 now, 60 at the end of years 1 and 2, at 10 %: −100 + 60/1.1 + 60/1.21 = 4.1322…
    value = finance.npv(D("0.1"), [D(-100), D(60), D(60)])

    assert value.quantize(D("0.0001")) == D("4.1322")
    assert _close(value, npf.npv(0.1, [-100, 60, 60]))


def test_a_spreadsheet_npv_is_the_first_flow_plus_npv_of_the_rest() -> None:
    flows = [D(-1000), D(300), D(400), D(500)]
    # A spreadsheet's NPV(r, v1..vn) discounts v1 by one period: our npv with a zero first.
    spreadsheet_npv_of_rest = finance.npv(D("0.08"), [D(0), *flows[1:]])

    with finance.exact():
        assert flows[0] + spreadsheet_npv_of_rest == finance.npv(D("0.08"), flows)


@QUICK
@given(rate=rates, flows=st.lists(amounts, min_size=1, max_size=12))
def test_npv_agrees_with_numpy_financial(rate: Decimal, flows: list[Decimal]) -> None:
    theirs = npf.npv(float(rate), [float(f) for f in flows])
    scale = sum(abs(f) for f in flows) or D(1)

    assert _close(finance.npv(rate, flows), theirs, absolute=float(scale) * 1e-9)


@QUICK
@given(rate=rates, flows=st.lists(amounts, min_size=1, max_size=12), k=st.integers(-50, 50))
def test_scaling_every_flow_scales_the_npv(rate: Decimal, flows: list[Decimal], k: int) -> None:
    with finance.exact():  # the engine's 34 digits, not the test's 28
        scaled = finance.npv(rate, [f * k for f in flows])
        expected = finance.npv(rate, flows) * k
        scale = sum(abs(f) for f in flows) * (abs(k) + 1) * 2 ** len(flows) * 100
        assert abs(scaled - expected) <= scale * D("1e-30")


@pytest.mark.parametrize("rate", [D(-1), D("-1.5"), D(-100)])
def test_a_rate_of_minus_100_percent_or_below_is_refused(rate: Decimal) -> None:
    with pytest.raises(RateError):
        finance.npv(rate, [D(-100), D(50)])
    with pytest.raises(RateError):
        finance.xnpv(rate, [D(-100), D(50)], [dt.date(2025, 1, 1), dt.date(2026, 1, 1)])
    with pytest.raises(RateError):
        finance.payback_months([D(-100), D(150)], 1, discount_rate=rate)


def test_no_flows_is_refused_not_zero() -> None:
    with pytest.raises(NoFlowsError):
        finance.npv(D("0.1"), [])
    with pytest.raises(NoFlowsError):
        finance.irr([])
    with pytest.raises(NoFlowsError):
        finance.payback_months([])


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    import decimal

    flows = [D(-1000), D(333), D(333), D(334), D(100)]
    wide = finance.npv(D("0.07"), flows), finance.irr(flows).rate
    with decimal.localcontext(decimal.Context(prec=5, rounding=decimal.ROUND_DOWN)):
        narrow = finance.npv(D("0.07"), flows), finance.irr(flows).rate

    assert wide == narrow


# --- irr -----------------------------------------------------------------------------


def test_irr_of_a_simple_investment() -> None:
    # −100 then 110 a year later: exactly 10 %.
    result = finance.irr([D(-100), D(110)])

    assert abs(result.rate - D("0.1")) < D("1e-12")
    assert result.unique


@QUICK
@given(flows=conventional)
def test_irr_agrees_with_numpy_financial_and_zeroes_the_npv(flows: list[Decimal]) -> None:
    theirs = npf.irr([float(f) for f in flows])
    assume(not math.isnan(theirs) and -0.9 < theirs < 9)

    result = finance.irr(flows)

    assert result.unique
    assert _close(result.rate, theirs, relative=1e-7, absolute=1e-8)
    # The NPV changes sign across the rate found: it is a root, to the tolerance.
    step = D("1e-11") * max(D(1), abs(result.rate))
    below = finance.npv(result.rate - step, flows)
    above = finance.npv(result.rate + step, flows)
    assert below * above <= 0


def test_irr_far_outside_the_grid_is_still_found_when_it_is_the_only_one() -> None:
    # A tiny outlay for a large return: 9,900 %. And almost nothing back: −99.999 %.
    assert abs(finance.irr([D(-1), D(100)]).rate - D(99)) < D("1e-9")
    assert abs(finance.irr([D(-100), D("0.001")]).rate - D("-0.99999")) < D("1e-12")


def test_flows_changing_sign_twice_give_both_rates_and_the_one_nearest_zero() -> None:
    # −100, +230, −132: (1+r)²·(−100) + 230(1+r) − 132 = 0 at r = 10 % and r = 20 %.
    result = finance.irr([D(-100), D(230), D(-132)])

    assert not result.unique
    assert [round(r, 10) for r in result.roots] == [D("0.1"), D("0.2")]
    assert round(result.rate, 10) == D("0.1")
    assert math.isclose(float(result.rate), npf.irr([-100, 230, -132]), abs_tol=1e-9)


def test_of_two_rates_the_one_nearest_zero_even_when_negative() -> None:
    # Roots at −10 % and +20 %: (1+r)² − 2.1(1+r) + 1.08 = 0 → 1+r ∈ {0.9, 1.2}.
    result = finance.irr([D(100), D(-210), D(108)])

    assert not result.unique
    assert round(result.rate, 10) == D("-0.1")


@pytest.mark.parametrize(
    "flows",
    [[D(100), D(50), D(10)], [D(-100), D(-50)], [D(0), D(0)], [D(-5), D(0), D(0)]],
)
def test_flows_of_one_sign_have_no_irr(flows: list[Decimal]) -> None:
    with pytest.raises(NoIrrError):
        finance.irr(flows)


@QUICK
@given(flows=st.lists(positive, min_size=1, max_size=8), negate=st.booleans())
def test_any_flows_of_one_sign_have_no_irr(flows: list[Decimal], negate: bool) -> None:
    with pytest.raises(NoIrrError):
        finance.irr([-f for f in flows] if negate else flows)


def test_mixed_flows_with_no_rate_in_range_have_no_irr() -> None:
    # +100, −300, +300: the NPV stays positive for every rate above −100 %.
    with pytest.raises(NoIrrError):
        finance.irr([D(100), D(-300), D(300)])


def test_irr_is_deterministic() -> None:
    flows = [D("-12345.67"), D("2345.10"), D("5000"), D("7000.01")]

    assert {finance.irr(flows).rate for _ in range(5)} == {finance.irr(flows).rate}


# --- xnpv / xirr ---------------------------------------------------------------------

dated_flows = st.tuples(
    positive,
    st.lists(st.tuples(st.integers(1, 3000), positive), min_size=1, max_size=10),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)),
).map(
    lambda t: (
        [-t[0], *(amount for _, amount in t[1])],
        [t[2], *(t[2] + dt.timedelta(days=days) for days, _ in t[1])],
    )
)


def test_xnpv_counts_actual_days_over_365() -> None:
    dates = [dt.date(2024, 1, 1), dt.date(2025, 1, 1)]  # 366 days: 2024 is a leap year
    value = finance.xnpv(D("0.1"), [D(-100), D(110)], dates)

    assert _close(value, -100 + 110 / 1.1 ** (366 / 365), absolute=1e-12)
    assert _close(value, pyxirr.xnpv(0.1, dates, [-100, 110]), absolute=1e-9)


@QUICK
@given(rate=rates, dated=dated_flows)
def test_xnpv_agrees_with_pyxirr(rate: Decimal, dated: tuple[list[Decimal], list[dt.date]]) -> None:
    flows, dates = dated
    theirs = pyxirr.xnpv(float(rate), dates, [float(f) for f in flows])
    scale = float(sum(abs(f) for f in flows))

    assert _close(finance.xnpv(rate, flows, dates), theirs, absolute=scale * 1e-9)


@QUICK
@given(dated=dated_flows)
def test_xirr_agrees_with_pyxirr(dated: tuple[list[Decimal], list[dt.date]]) -> None:
    flows, dates = dated
    theirs = pyxirr.xirr(dates, [float(f) for f in flows])
    assume(theirs is not None and -0.9 < theirs < 9)

    result = finance.xirr(flows, dates)

    assert result.unique
    # Where the NPV is nearly flat near its root (tiny flows years apart), pyxirr stops
    # on a rate whose NPV is further from zero than ours: the nearer to zero wins.
    ours_npv = abs(finance.xnpv(result.rate, flows, dates))
    their_npv = abs(finance.xnpv(Decimal(repr(theirs)), flows, dates))
    assert _close(result.rate, theirs, relative=1e-6, absolute=1e-7) or ours_npv <= their_npv


def test_xnpv_counts_from_the_earliest_date_whatever_the_order() -> None:
    dates = [dt.date(2025, 1, 1), dt.date(2024, 1, 1), dt.date(2026, 1, 1)]
    flows = [D(50), D(-100), D(80)]

    assert _close(finance.xnpv(D("0.1"), flows, dates), pyxirr.xnpv(0.1, dates, [50, -100, 80]))
    assert _close(finance.xirr(flows, dates).rate, pyxirr.xirr(dates, [50, -100, 80]))


def test_xnpv_needs_a_date_per_flow() -> None:
    with pytest.raises(finance.FinanceError):
        finance.xnpv(D("0.1"), [D(-100), D(50)], [dt.date(2025, 1, 1)])


# --- payback -------------------------------------------------------------------------


def test_payback_is_interpolated_inside_the_year() -> None:
    # −100, then 60 a year: −40 after year 1; the 40 left is 2/3 of year 2 → 20 months.
    assert finance.payback_months([D(-100), D(60), D(60)], 1) == D(20)


def test_payback_by_months() -> None:
    # −1,000 then 300 a month: −100 after month 3, a third of month 4 → 3⅓ months.
    months = finance.payback_months([D(-1000), *[D(300)] * 6])

    assert months is not None
    with finance.exact():
        assert abs(months - D(10) / 3) < D("1e-30")


def test_discounted_payback_comes_later() -> None:
    # At 10 %: −100, 54.545…, 49.586…: −45.45 after year 1, 45.45/49.59 of year 2.
    flows = [D(-100), D(60), D(60)]
    months = finance.payback_months(flows, 1, discount_rate=D("0.1"))

    assert months is not None
    assert abs(months - (12 + 12 * (100 - D(60) / D("1.1")) / (D(60) / D("1.21")))) < D("1e-25")
    assert months > D(20)


def test_payback_that_never_comes_is_none() -> None:
    assert finance.payback_months([D(-100), D(30), D(30)], 1) is None
    assert finance.payback_months([D(-100), D(200)], 1, discount_rate=D(2)) is None


def test_payback_must_last_to_the_end() -> None:
    # In the black after year 1, then a cost puts it back below zero until year 3.
    assert finance.payback_months([D(-100), D(150), D(-100), D(100)], 1) == D(30)


def test_nothing_invested_pays_back_at_once() -> None:
    assert finance.payback_months([D(0), D(10)], 1) == D(0)


@QUICK
@given(flows=conventional)
def test_payback_is_where_the_cumulative_cash_reaches_zero(flows: list[Decimal]) -> None:
    months = finance.payback_months(flows, 1)
    total = sum(flows)
    assert (months is None) == (total < 0)
    if months is not None:
        # Interpolating the cumulative at that month gives zero.
        year, within = divmod(months / 12, 1)
        whole = int(year)
        reached = sum(flows[: whole + 1]) + (flows[whole + 1] * within if within else 0)
        assert abs(reached) < D("1e-20") * sum(abs(f) for f in flows)


# --- roi, tco, cost of delay, tornado ------------------------------------------------


def test_roi_is_a_fraction_of_the_costs() -> None:
    assert finance.roi(D(150), D(100)) == D("0.5")
    assert finance.roi(D(50), D(100)) == D("-0.5")
    with pytest.raises(NoInvestmentError):
        finance.roi(D(150), D(0))


def test_tco_and_cost_of_delay() -> None:
    assert finance.tco(D(1000), D(200), 5) == D(2000)
    with pytest.raises(NoFlowsError):
        finance.tco(D(1000), D(200), 0)
    assert finance.cost_of_delay_per_month(D(1200)) == D(100)


def test_tornado_puts_the_widest_swing_first_and_keeps_ties_in_order() -> None:
    swings = [
        Swing("a", D(90), D(110)),
        Swing("b", D(50), D(150)),
        Swing("c", D(110), D(90)),
        Swing("d", None, D(100)),
    ]

    assert [s.driver for s in finance.tornado(swings)] == ["b", "a", "c", "d"]


def test_flows_that_change_sign_yet_have_no_rate_are_told_apart_from_one_signed_flows() -> None:
    # −10,000, 6,000 a year, then −44,000: two sign changes, and the NPV is below zero at
    # every rate, so no IRR exists; that is not "the flows never change sign".
    flows = [D(-10_000), *[D(6_000)] * 4, D(-44_000)]
    with pytest.raises(finance.NoIrrInRangeError):
        finance.irr(flows)
    with pytest.raises(NoIrrError) as one_signed:
        finance.irr([D(-1), D(-2)])
    assert not isinstance(one_signed.value, finance.NoIrrInRangeError)

"""A proposal's figures as an executive reads them: a worked example checked by hand, and
every bad input giving a reason where the figure would be, never an exception."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamdesk.domain.proposal_figures import (
    DISCOUNT_RATE_DRIVER,
    INVESTMENT_DRIVER,
    REASON_TEXTS,
    RECURRING_DRIVER,
    IrrFigure,
    OptionFigures,
    Reason,
    Scenario,
    Unavailable,
    option_figures,
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

D = Decimal
CENT = D("0.01")

ECONOMICS = Economics(
    horizon_years=5,
    discount_rate=D(10),
    status_quo_cost_per_year=D(60_000),
    competitor_name="Rival",
    competitor_one_off=D(90_000),
    competitor_per_year=D(20_000),
)

#: Good: a 100,000 licence, 10,000 a year of support, 40,000 a year of scrap saved.
#: Net flows −100,000 then 30,000 a year.
GOOD = Option(
    id="good",
    name="Good",
    lines=(
        LineItem("licence", "Licence", D(1), D(100_000)),
        LineItem("support", "Support", D(1), D(10_000), billing=Billing.YEARLY),
    ),
    benefits=(Benefit("scrap", BenefitKind.COST_SAVED, "Less scrap", D(40_000)),),
)

#: Better: 2 licences at 60,000 less 10 % (108,000) and 20,000 of set-up once: 128,000;
#: 15,000 a year; 40,000 a year saved from year 1 and 2,000 hours × 25 from year 2.
#: Net flows −128,000, 25,000, then 75,000 a year.
BETTER = Option(
    id="better",
    name="Better",
    recommended=True,
    lines=(
        LineItem("licences", "Licence", D(2), D(60_000), discount=D(10)),
        LineItem("setup", "Set-up", D(1), D(20_000), item_kind=ItemKind.SERVICE),
        LineItem("subscription", "Subscription", D(1), D(15_000), billing=Billing.YEARLY),
    ),
    benefits=(
        Benefit("scrap", BenefitKind.COST_SAVED, "Less scrap", D(40_000)),
        Benefit(
            "hours",
            BenefitKind.HOURS_SAVED,
            "",
            hours_per_year=D(2_000),
            hourly_rate=D(25),
            starts_year=2,
        ),
    ),
)

#: Best, overpriced: 500,000 once and 50,000 a year against 60,000 a year of benefit.
#: Net flows −500,000 then 10,000 a year: it never pays back.
BEST = Option(
    id="best",
    name="Best",
    lines=(
        LineItem("platform", "Platform", D(1), D(500_000)),
        LineItem("care", "Care", D(1), D(50_000), billing=Billing.YEARLY),
    ),
    benefits=(Benefit("revenue", BenefitKind.REVENUE_GAINED, "New orders", D(60_000)),),
)


def _document(*options: Option, economics: Economics = ECONOMICS) -> ProposalDocument:
    return ProposalDocument(
        id="p1",
        title="Line 3 upgrade",
        customer="Huadong Zhizao",
        language=ProposalLanguage.ENGLISH,
        currency="CNY",
        version=1,
        status=ProposalStatus.DRAFT,
        sent_on=None,
        document_date=dt.date(2026, 12, 1),
        economics=economics,
        options=options,
    )


@pytest.fixture(scope="module")
def figures() -> dict[str, OptionFigures]:
    return proposal_figures(_document(GOOD, BETTER, BEST))


def _cents(value: object) -> Decimal:
    assert isinstance(value, Decimal), value
    return value.quantize(CENT)


def test_good_option_worked_by_hand(figures: dict[str, OptionFigures]) -> None:
    good = figures["good"]

    assert good.investment == D(100_000)
    assert good.recurring_per_year == D(10_000)
    assert good.yearly_benefits == (D(40_000),) * 5
    assert good.net_flows == (D(-100_000), *(D(30_000),) * 5)
    assert good.cumulative == (
        D(-100_000),
        D(-70_000),
        D(-40_000),
        D(-10_000),
        D(20_000),
        D(50_000),
    )
    # 200,000 of benefits against 100,000 + 5 × 10,000 = 150,000 of costs: 33.33 %.
    assert good.total_benefits == D(200_000)
    assert good.total_costs == good.tco == D(150_000)
    assert _cents(good.roi) == D("33.33")
    # 30,000 × the 5-year annuity factor at 10 % (3.790787) − 100,000 = 13,723.60.
    assert _cents(good.npv) == D("13723.60")
    # −10,000 left after year 3, a third of year 4's 30,000: 3⅓ years = 40 months.
    assert _cents(good.payback_months) == D("40.00")
    assert isinstance(good.irr, IrrFigure)
    assert good.irr.unique
    assert round(good.irr.rate, 6) == round(D(npf.irr([float(f) for f in good.net_flows])) * 100, 6)
    assert round(good.irr.rate, 2) == D("15.24")
    # Discounted: 30,000/1.1^t adds up to 100,000 only during year 5.
    discounted = [30_000 / 1.1**t for t in range(1, 6)]
    left = 100_000 - sum(discounted[:4])
    assert _cents(good.discounted_payback_months) == D(
        str(round(48 + 12 * left / discounted[4], 2))
    )
    # Status quo 5 × 60,000; the rival 90,000 + 5 × 20,000.
    assert good.tco_status_quo == D(300_000)
    assert good.tco_competitor == D(190_000)
    # (40,000 − 10,000) a year forgone: 2,500 a month.
    assert good.cost_of_delay_per_month == D(2_500)


def test_better_option_with_a_discount_hours_saved_and_a_late_benefit(
    figures: dict[str, OptionFigures],
) -> None:
    better = figures["better"]

    assert better.investment == D(128_000)
    assert better.yearly_benefits == (D(40_000), *(D(90_000),) * 4)
    assert better.net_flows == (D(-128_000), D(25_000), *(D(75_000),) * 4)
    # Benefits 40,000 × 5 + 50,000 × 4 = 400,000; costs 128,000 + 75,000 = 203,000.
    assert better.total_benefits == D(400_000)
    assert better.total_costs == D(203_000)
    assert _cents(better.roi) == D("97.04")
    assert _cents(better.npv) == D(
        str(round(npf.npv(0.1, [float(f) for f in better.net_flows]), 2))
    )
    # −28,000 after year 2, 28/75 of year 3: 2.37333 years = 28.48 months.
    assert _cents(better.payback_months) == D("28.48")
    # The first year's net benefit, 40,000 − 15,000, over 12 months.
    assert _cents(better.cost_of_delay_per_month) == D("2083.33")


def test_an_option_that_never_pays_back_says_so(figures: dict[str, OptionFigures]) -> None:
    best = figures["best"]

    assert best.payback_months == Unavailable(Reason.NEVER_PAYS_BACK)
    assert best.discounted_payback_months == Unavailable(Reason.NEVER_PAYS_BACK)
    # (300,000 − 750,000) / 750,000 = −60 %.
    assert best.roi == D(-60)
    assert isinstance(best.npv, Decimal) and best.npv < 0
    # Its IRR exists, deeply negative: −500,000 against 50,000 over five years.
    assert isinstance(best.irr, IrrFigure)
    assert round(best.irr.rate, 6) == round(D(npf.irr([float(f) for f in best.net_flows])) * 100, 6)


def test_scenarios_move_benefits_and_costs(figures: dict[str, OptionFigures]) -> None:
    good = figures["good"]
    by_name = {s.scenario: s for s in good.scenarios}

    assert [s.scenario for s in good.scenarios] == [
        Scenario.CONSERVATIVE,
        Scenario.EXPECTED,
        Scenario.AGGRESSIVE,
    ]
    assert by_name[Scenario.EXPECTED].npv == good.npv
    # Conservative: benefits × 0.8 = 32,000, costs × 1.1: 110,000 once and 11,000 a year.
    conservative = by_name[Scenario.CONSERVATIVE]
    assert _cents(conservative.npv) == D(str(round(npf.npv(0.1, [-110_000] + [21_000] * 5), 2)))
    # 160,000 against 165,000: −3.03 %, and it never pays back.
    assert _cents(conservative.roi) == D("-3.03")
    assert conservative.payback_months == Unavailable(Reason.NEVER_PAYS_BACK)
    # Aggressive: 48,000 a year against 95,000 + 9,500 a year.
    aggressive = by_name[Scenario.AGGRESSIVE]
    assert _cents(aggressive.npv) == D(str(round(npf.npv(0.1, [-95_000] + [38_500] * 5), 2)))
    assert isinstance(aggressive.payback_months, Decimal)
    assert isinstance(good.payback_months, Decimal)
    assert aggressive.payback_months < good.payback_months


def test_sensitivity_is_in_tornado_order(figures: dict[str, OptionFigures]) -> None:
    good = figures["good"]
    drivers = [bar.driver for bar in good.sensitivity]

    # Scrap saved ±8,000 a year moves the NPV by ±30,326; the licence ±20,000; support
    # ±2,000 a year ±7,582; the rate 8 % / 12 %: 19,781 and 8,143.
    assert drivers == ["Less scrap", INVESTMENT_DRIVER, RECURRING_DRIVER, DISCOUNT_RATE_DRIVER]
    scrap, investment, recurring, rate = good.sensitivity
    assert _cents(scrap.npv_high) - _cents(scrap.npv_low) == _cents(
        D(str(npf.npv(0.1, [0] + [16_000] * 5)))
    )
    assert _cents(investment.npv_low) == D("33723.60")
    assert _cents(investment.npv_high) == D("-6276.40")
    assert _cents(rate.npv_low) == D(str(round(npf.npv(0.08, [-100_000] + [30_000] * 5), 2)))
    assert _cents(rate.npv_high) == D(str(round(npf.npv(0.12, [-100_000] + [30_000] * 5), 2)))
    assert _cents(recurring.npv_low) > _cents(recurring.npv_high)


def test_a_benefit_without_a_description_is_named_by_its_kind(
    figures: dict[str, OptionFigures],
) -> None:
    assert "Hours saved" in [bar.driver for bar in figures["better"].sensitivity]


def test_flows_changing_sign_twice_flag_the_irr_as_not_unique() -> None:
    # −100,000 now, +230,000 in year 1, −132,000 in year 2: 10 % and 20 % both zero the NPV.
    option = Option(
        id="odd",
        name="Odd",
        lines=(LineItem("l", "Licence", D(1), D(100_000)),),
        benefits=(
            Benefit("a", BenefitKind.COST_SAVED, "Rebate", D(230_000)),
            Benefit("b", BenefitKind.COST_SAVED, "Clawback", D(-362_000), starts_year=2),
        ),
    )
    irr = option_figures(option, Economics(horizon_years=2, discount_rate=D(8))).irr

    assert isinstance(irr, IrrFigure)
    assert not irr.unique
    assert round(irr.rate, 8) == D(10)


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("horizon", [0, -3])
def test_no_horizon_gives_a_reason_for_every_flow_figure(horizon: int) -> None:
    good = option_figures(GOOD, Economics(horizon_years=horizon, discount_rate=D(10)))
    no_horizon = Unavailable(Reason.NO_HORIZON)

    for figure in (
        good.npv,
        good.irr,
        good.roi,
        good.payback_months,
        good.discounted_payback_months,
        good.cost_of_delay_per_month,
        *(s.npv for s in good.scenarios),
        *(bar.npv_low for bar in good.sensitivity),
    ):
        assert figure == no_horizon
    assert good.tco == D(100_000)


def test_a_horizon_typed_in_error_does_not_freeze_the_figures() -> None:
    good = option_figures(GOOD, Economics(horizon_years=5_000_000, discount_rate=D(10)))

    assert good.npv == Unavailable(Reason.HORIZON_TOO_LONG)
    assert good.tco == D(100_000) + D(10_000) * 5_000_000
    assert good.yearly_benefits == ()


@pytest.mark.parametrize("rate", [D(-100), D(-250)])
def test_a_discount_rate_of_minus_100_or_below_gives_a_reason(rate: Decimal) -> None:
    good = option_figures(GOOD, Economics(horizon_years=5, discount_rate=rate))
    bad_rate = Unavailable(Reason.BAD_DISCOUNT_RATE)

    assert good.npv == bad_rate
    assert good.discounted_payback_months == bad_rate
    assert all(s.npv == bad_rate for s in good.scenarios)
    # The figures that do not discount are still there.
    assert isinstance(good.irr, IrrFigure)
    assert _cents(good.roi) == D("33.33")
    assert _cents(good.payback_months) == D("40.00")


def test_the_discount_rate_driver_past_minus_100_percent_gives_a_reason_at_that_end() -> None:
    # −90 % moved up by a fifth is −108 %: that end has no NPV, the other has.
    good = option_figures(GOOD, Economics(horizon_years=5, discount_rate=D(-90)))
    rate = next(bar for bar in good.sensitivity if bar.driver == DISCOUNT_RATE_DRIVER)

    assert isinstance(rate.npv_low, Decimal)
    assert rate.npv_high == Unavailable(Reason.BAD_DISCOUNT_RATE)


def test_an_empty_option_gives_reasons_not_zeros() -> None:
    empty = option_figures(Option(id="e", name="Empty"), ECONOMICS)

    assert empty.roi == Unavailable(Reason.NO_INVESTMENT)
    assert empty.irr == Unavailable(Reason.NO_IRR)
    assert empty.cost_of_delay_per_month == Unavailable(Reason.NO_BENEFITS)
    assert empty.npv == D(0)


def test_benefits_smaller_than_the_recurring_cost_have_no_cost_of_delay() -> None:
    option = Option(
        id="thin",
        name="Thin",
        lines=(LineItem("s", "Support", D(1), D(50_000), billing=Billing.YEARLY),),
        benefits=(Benefit("b", BenefitKind.COST_SAVED, "Saving", D(10_000)),),
    )

    assert option_figures(option, ECONOMICS).cost_of_delay_per_month == Unavailable(
        Reason.NO_BENEFITS
    )


def test_no_comparison_entered() -> None:
    good = option_figures(GOOD, Economics(horizon_years=3, discount_rate=D(8)))

    assert good.tco_status_quo == Unavailable(Reason.NO_COMPARISON)
    assert good.tco_competitor == Unavailable(Reason.NO_COMPARISON)


def test_every_reason_has_a_sentence() -> None:
    assert set(REASON_TEXTS) == set(Reason)


money = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
lines = st.builds(
    LineItem,
    id=st.just("l"),
    product=st.just("P"),
    quantity=st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False),
    unit_price=money,
    discount=st.decimals(min_value=-50, max_value=150, places=1, allow_nan=False),
    billing=st.sampled_from(Billing),
)
benefits = st.builds(
    Benefit,
    id=st.just("b"),
    kind=st.sampled_from(BenefitKind),
    description=st.text(max_size=5),
    amount_per_year=money,
    hours_per_year=st.none() | st.decimals(min_value=0, max_value=10**5, allow_nan=False),
    hourly_rate=st.none() | money,
    starts_year=st.integers(min_value=-5, max_value=60),
)
options = st.builds(
    Option,
    id=st.just("o"),
    name=st.just("O"),
    lines=st.lists(lines, max_size=4).map(tuple),
    benefits=st.lists(benefits, max_size=4).map(tuple),
)
economics = st.builds(
    Economics,
    horizon_years=st.integers(min_value=-10, max_value=200),
    discount_rate=st.decimals(min_value=-500, max_value=5000, places=2, allow_nan=False),
    status_quo_cost_per_year=st.none() | money,
    competitor_one_off=st.none() | money,
    competitor_per_year=st.none() | money,
)


@settings(max_examples=100, deadline=None)
@given(option=options, economics=economics)
def test_no_values_the_dataclasses_allow_make_the_figures_raise(
    option: Option, economics: Economics
) -> None:
    figures = option_figures(option, economics)

    def shown(figure: object) -> bool:
        return isinstance(figure, Unavailable | IrrFigure) or (
            isinstance(figure, Decimal) and figure.is_finite()
        )

    assert all(
        shown(f)
        for f in (
            figures.npv,
            figures.irr,
            figures.roi,
            figures.payback_months,
            figures.discounted_payback_months,
            figures.tco_status_quo,
            figures.tco_competitor,
            figures.cost_of_delay_per_month,
            *(s.npv for s in figures.scenarios),
            *(b.npv_high for b in figures.sensitivity),
        )
    )
    assert len(figures.sensitivity) == len(option.benefits) + 3


def test_a_line_paid_in_a_later_year_enters_that_years_flow_and_the_tco() -> None:
    # A 100,000 platform at signing, support of 10,000 a year from year 2 (the first year is
    # under warranty), a 250,000 hardware refresh in year 3; 100,000 a year saved.
    # Flows: −100,000; 100,000; 90,000; 90,000 − 250,000 = −160,000; 90,000.
    option = Option(
        id="refresh",
        name="Refresh",
        lines=(
            LineItem("platform", "Platform", D(1), D(100_000)),
            LineItem("support", "Support", D(1), D(10_000), billing=Billing.YEARLY, year=2),
            LineItem("refresh", "Hardware refresh", D(1), D(250_000), year=3),
        ),
        benefits=(Benefit("saved", BenefitKind.COST_SAVED, "Scrap", amount_per_year=D(100_000)),),
    )
    economics = Economics(horizon_years=4, discount_rate=D(8))
    figures = option_figures(option, economics)
    assert figures.net_flows == (D(-100_000), D(100_000), D(90_000), D(-160_000), D(90_000))
    assert figures.investment == D(100_000)
    assert figures.tco == D(100_000) + D(250_000) + D(10_000) * 3
    assert figures.npv == pytest.approx(
        D(str(npf.npv(0.08, [float(f) for f in figures.net_flows]))), abs=CENT
    )
    # The refresh pushes the running total back below zero: payback is after it.
    assert not isinstance(figures.payback_months, Unavailable)
    assert figures.payback_months > 36


def test_a_one_off_line_beyond_the_horizon_is_not_counted() -> None:
    option = Option(
        id="late",
        name="Late",
        lines=(
            LineItem("platform", "Platform", D(1), D(100_000)),
            LineItem("refresh", "Hardware refresh", D(1), D(250_000), year=7),
        ),
        benefits=(Benefit("saved", BenefitKind.COST_SAVED, "Scrap", amount_per_year=D(50_000)),),
    )
    figures = option_figures(option, Economics(horizon_years=5, discount_rate=D(8)))
    assert figures.tco == D(100_000)
    assert figures.net_flows[1:] == (D(50_000),) * 5

"""Every figure of a proposal's options, worked out by the engine in ``finance``.

The builder, the PDF and the spreadsheet all show these figures and never compute their
own, so a number reads the same on the screen, on paper and in the customer's finance
team's spreadsheet. A figure that cannot be worked out (no IRR exists, a horizon of
zero) is a ``Unavailable`` with the reason, which is shown where the figure would be:
never a NaN, never a traceback.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kamdesk.domain import finance
from kamdesk.domain.proposals import (
    BENEFIT_KIND_LABELS,
    Billing,
    Economics,
    Option,
    ProposalDocument,
)
from kamdesk.i18n import N_


class Reason(StrEnum):
    """Why a figure is not shown: each has a sentence a user understands."""

    NO_HORIZON = "no_horizon"
    BAD_DISCOUNT_RATE = "bad_discount_rate"
    NO_INVESTMENT = "no_investment"
    NO_IRR = "no_irr"
    #: The flows change sign (a refresh in the last year), yet no rate zeroes the NPV.
    NO_IRR_IN_RANGE = "no_irr_in_range"
    NEVER_PAYS_BACK = "never_pays_back"
    NO_BENEFITS = "no_benefits"
    NO_COMPARISON = "no_comparison"
    HORIZON_TOO_LONG = "horizon_too_long"


REASON_TEXTS: dict[Reason, str] = {
    Reason.NO_HORIZON: N_("Set a horizon of at least one year."),
    Reason.BAD_DISCOUNT_RATE: N_("The discount rate must be above −100 %."),
    Reason.NO_INVESTMENT: N_("No investment: add a line item with a price."),
    Reason.NO_IRR: N_("No IRR: the cash flows never change sign."),
    Reason.NO_IRR_IN_RANGE: N_("No IRR: no rate makes the NPV zero. Trust the NPV."),
    Reason.NEVER_PAYS_BACK: N_("Does not pay back within the horizon."),
    Reason.NO_BENEFITS: N_("No benefits entered yet."),
    Reason.NO_COMPARISON: N_("No status quo or competitor cost entered."),
    Reason.HORIZON_TOO_LONG: N_("Set a horizon of at most 50 years."),
}


@dataclass(frozen=True)
class Unavailable:
    """A figure that cannot be worked out, and why."""

    reason: Reason


#: A figure, or why there is none.
Figure = Decimal | Unavailable


@dataclass(frozen=True)
class IrrFigure:
    """The IRR (a percentage), and whether it is the only rate that zeroes the NPV.

    Flows that change sign more than once can have several rates; the one nearest 0 is
    given and ``unique`` is False, so the UI can say that NPV is the figure to trust.
    """

    rate: Decimal
    unique: bool = True


class Scenario(StrEnum):
    """The three cases a proposal shows, as multipliers on benefits and costs."""

    CONSERVATIVE = "conservative"
    EXPECTED = "expected"
    AGGRESSIVE = "aggressive"


SCENARIO_LABELS: dict[Scenario, str] = {
    Scenario.CONSERVATIVE: N_("Conservative"),
    Scenario.EXPECTED: N_("Expected"),
    Scenario.AGGRESSIVE: N_("Aggressive"),
}


@dataclass(frozen=True)
class ScenarioFigures:
    """One scenario's headline figures."""

    scenario: Scenario
    benefit_factor: Decimal
    cost_factor: Decimal
    npv: Figure
    roi: Figure
    payback_months: Figure


@dataclass(frozen=True)
class Sensitivity:
    """NPV when one driver moves down and up by the swing (a bar of the tornado chart)."""

    #: What moved: a benefit's description, "One-off investment", "Recurring cost"...
    driver: str
    npv_low: Figure
    npv_high: Figure


@dataclass(frozen=True)
class OptionFigures:
    """Every figure of one option over the horizon (expected case unless said)."""

    option_id: str
    #: One-off costs (paid at year 0).
    investment: Decimal
    #: Recurring costs a year.
    recurring_per_year: Decimal
    #: Benefits in years 1..horizon.
    yearly_benefits: tuple[Decimal, ...]
    #: Net flows, index 0 = year 0 (−investment), then benefits − recurring each year.
    net_flows: tuple[Decimal, ...]
    #: Running sum of ``net_flows`` (the cumulative cash-flow chart).
    cumulative: tuple[Decimal, ...]
    total_benefits: Decimal
    total_costs: Decimal
    #: (total benefits − total costs) / total costs, a percentage.
    roi: Figure
    npv: Figure
    irr: IrrFigure | Unavailable
    payback_months: Figure
    discounted_payback_months: Figure
    #: What the option costs in all over the horizon.
    tco: Decimal
    tco_status_quo: Figure
    tco_competitor: Figure
    #: What each month of deciding later costs the customer (net benefit forgone).
    cost_of_delay_per_month: Figure
    scenarios: tuple[ScenarioFigures, ...]
    sensitivity: tuple[Sensitivity, ...]


#: How far each driver moves in the sensitivity table, as a percentage.
SENSITIVITY_SWING = Decimal(20)


#: (benefit factor, cost factor) of each scenario: the conservative case believes a fifth
#: less of the benefits and budgets a tenth more cost; the aggressive one the reverse, less
#: a little. The order is the order the builder, the PDF and the spreadsheet show them in.
SCENARIO_FACTORS: dict[Scenario, tuple[Decimal, Decimal]] = {
    Scenario.CONSERVATIVE: (Decimal("0.8"), Decimal("1.1")),
    Scenario.EXPECTED: (Decimal(1), Decimal(1)),
    Scenario.AGGRESSIVE: (Decimal("1.2"), Decimal("0.95")),
}

#: The longest horizon worked out year by year: beyond it a year-by-year table means
#: nothing to a customer, and a typo (5000 for 5) must not freeze the builder.
MAX_HORIZON_YEARS = 50

#: The sensitivity drivers that are not a benefit (a benefit is named by its description).
INVESTMENT_DRIVER = N_("One-off investment")
RECURRING_DRIVER = N_("Recurring cost")
DISCOUNT_RATE_DRIVER = N_("Discount rate")

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class _Case:
    """What an option's flows are made of, so a scenario or a driver can move one part."""

    #: Each one-off cost and the year it is paid (0 at signing, 4 for a refresh in year 4).
    one_offs: tuple[tuple[Decimal, int], ...]
    #: Each yearly cost and the first year it is paid (at least 1).
    yearlies: tuple[tuple[Decimal, int], ...]
    #: Each benefit's value a year and the first year it is felt (at least 1).
    benefits: tuple[tuple[Decimal, int], ...]
    #: The discount rate, a percentage.
    discount_rate: Decimal

    @property
    def investment(self) -> Decimal:
        """The one-off costs paid at signing (year 0)."""
        return sum((value for value, year in self.one_offs if year == 0), _ZERO)

    @property
    def recurring(self) -> Decimal:
        """The yearly costs once every one of them is being paid."""
        return sum((value for value, _ in self.yearlies), _ZERO)

    def recurring_in(self, year: int) -> Decimal:
        """The yearly costs paid in ``year``."""
        return sum((value for value, starts in self.yearlies if starts <= year), _ZERO)

    def costs_in(self, year: int) -> Decimal:
        """Everything paid in ``year``: its one-off costs and, from year 1, the yearly ones."""
        one_off = sum((value for value, paid in self.one_offs if paid == year), _ZERO)
        return one_off + (self.recurring_in(year) if year >= 1 else _ZERO)

    def yearly_benefits(self, horizon: int) -> tuple[Decimal, ...]:
        """The benefits felt in each year 1..horizon."""
        return tuple(
            sum((value for value, starts in self.benefits if starts <= year), _ZERO)
            for year in range(1, horizon + 1)
        )

    def net_flows(self, horizon: int) -> tuple[Decimal, ...]:
        """Year 0: −what is paid at signing; then each year's benefits less its costs."""
        yearly = self.yearly_benefits(horizon)
        return (
            -self.costs_in(0),
            *(benefit - self.costs_in(year) for year, benefit in enumerate(yearly, start=1)),
        )

    def total_benefits(self, horizon: int) -> Decimal:
        """The benefits over the horizon, counted without building the years."""
        return sum((value * max(0, horizon - starts + 1) for value, starts in self.benefits), _ZERO)

    def total_costs(self, horizon: int) -> Decimal:
        """What the option costs over the horizon: one-off plus every year's (its TCO)."""
        one_off = sum((value for value, year in self.one_offs if year <= max(horizon, 0)), _ZERO)
        yearly = sum(
            (value * max(0, horizon - starts + 1) for value, starts in self.yearlies), _ZERO
        )
        return one_off + yearly

    def scaled(
        self,
        benefits: Decimal = _ONE,
        costs: Decimal = _ONE,
        rate: Decimal = _ONE,
        *,
        one_off: Decimal = _ONE,
        yearly: Decimal = _ONE,
    ) -> _Case:
        """A copy with benefits, costs and the rate multiplied by the factors given."""
        return _Case(
            one_offs=tuple((value * costs * one_off, year) for value, year in self.one_offs),
            yearlies=tuple((value * costs * yearly, starts) for value, starts in self.yearlies),
            benefits=tuple((value * benefits, starts) for value, starts in self.benefits),
            discount_rate=self.discount_rate * rate,
        )


def _case(option: Option, economics: Economics) -> _Case:
    """The option's lines and benefits by year (a benefit felt from year 0 counts from 1)."""
    return _Case(
        one_offs=tuple(
            (line.amount, max(line.first_year, 0))
            for line in option.lines
            if line.billing is Billing.ONE_OFF
        ),
        yearlies=tuple(
            (line.amount, max(line.first_year, 1))
            for line in option.lines
            if line.billing is Billing.YEARLY
        ),
        benefits=tuple((b.yearly_value, max(b.starts_year, 1)) for b in option.benefits),
        discount_rate=economics.discount_rate,
    )


def _horizon_problem(horizon: int) -> Unavailable | None:
    """Why no figure built year by year can be worked out over ``horizon``, if it cannot."""
    if horizon < 1:
        return Unavailable(Reason.NO_HORIZON)
    if horizon > MAX_HORIZON_YEARS:
        return Unavailable(Reason.HORIZON_TOO_LONG)
    return None


def _npv(case: _Case, horizon: int) -> Figure:
    """The NPV at the case's rate; the rate is a percentage here, a fraction in ``finance``."""
    problem = _horizon_problem(horizon)
    if problem is not None:
        return problem
    if case.discount_rate <= -_HUNDRED:
        return Unavailable(Reason.BAD_DISCOUNT_RATE)
    return finance.npv(case.discount_rate / _HUNDRED, case.net_flows(horizon))


def _roi(case: _Case, horizon: int) -> Figure:
    """ROI as a percentage over the horizon, undiscounted (what an executive compares)."""
    problem = _horizon_problem(horizon)
    if problem is not None:
        return problem
    try:
        return finance.roi(case.total_benefits(horizon), case.total_costs(horizon)) * _HUNDRED
    except finance.NoInvestmentError:
        return Unavailable(Reason.NO_INVESTMENT)


def _payback(case: _Case, horizon: int, *, discounted: bool = False) -> Figure:
    """Months to pay back, from the yearly net flows, interpolated inside the year."""
    problem = _horizon_problem(horizon)
    if problem is not None:
        return problem
    rate = None
    if discounted:
        if case.discount_rate <= -_HUNDRED:
            return Unavailable(Reason.BAD_DISCOUNT_RATE)
        rate = case.discount_rate / _HUNDRED
    months = finance.payback_months(case.net_flows(horizon), 1, discount_rate=rate)
    return Unavailable(Reason.NEVER_PAYS_BACK) if months is None else months


def _irr(case: _Case, horizon: int) -> IrrFigure | Unavailable:
    """The IRR as a percentage, and whether it is the only rate that zeroes the NPV."""
    problem = _horizon_problem(horizon)
    if problem is not None:
        return problem
    try:
        result = finance.irr(case.net_flows(horizon))
    except finance.NoIrrInRangeError:
        return Unavailable(Reason.NO_IRR_IN_RANGE)
    except finance.NoIrrError:
        return Unavailable(Reason.NO_IRR)
    return IrrFigure(rate=result.rate * _HUNDRED, unique=result.unique)


def _comparison(one_off: Decimal | None, per_year: Decimal | None, horizon: int) -> Figure:
    """A TCO to set against the option's: the status quo's, or a competitor's."""
    if one_off is None and per_year is None:
        return Unavailable(Reason.NO_COMPARISON)
    if horizon < 1:
        return Unavailable(Reason.NO_HORIZON)
    return (one_off or _ZERO) + (per_year or _ZERO) * horizon


def _cost_of_delay(case: _Case, yearly_benefits: Sequence[Decimal], horizon: int) -> Figure:
    """A month of the net benefit of the first year that has benefits, forgone by waiting."""
    problem = _horizon_problem(horizon)
    if problem is not None:
        return problem
    first = next(
        ((year, benefit) for year, benefit in enumerate(yearly_benefits, start=1) if benefit > 0),
        None,
    )
    if first is None or first[1] - case.recurring_in(first[0]) <= 0:
        return Unavailable(Reason.NO_BENEFITS)
    return finance.cost_of_delay_per_month(first[1] - case.recurring_in(first[0]))


def _sensitivity(option: Option, case: _Case, horizon: int) -> tuple[Sensitivity, ...]:
    """NPV with each driver moved down and up by the swing, widest swing first."""
    down = _ONE - SENSITIVITY_SWING / _HUNDRED
    up = _ONE + SENSITIVITY_SWING / _HUNDRED

    def benefit_moved(index: int, factor: Decimal) -> _Case:
        benefits = list(case.benefits)
        value, starts = benefits[index]
        benefits[index] = (value * factor, starts)
        return _Case(case.one_offs, case.yearlies, tuple(benefits), case.discount_rate)

    def investment_moved(factor: Decimal) -> _Case:
        return case.scaled(one_off=factor)

    def recurring_moved(factor: Decimal) -> _Case:
        return case.scaled(yearly=factor)

    bars = [
        Sensitivity(
            driver=benefit.description.strip() or BENEFIT_KIND_LABELS[benefit.kind],
            npv_low=_npv(benefit_moved(index, down), horizon),
            npv_high=_npv(benefit_moved(index, up), horizon),
        )
        for index, benefit in enumerate(option.benefits)
    ]
    bars.append(
        Sensitivity(
            INVESTMENT_DRIVER,
            _npv(investment_moved(down), horizon),
            _npv(investment_moved(up), horizon),
        )
    )
    bars.append(
        Sensitivity(
            RECURRING_DRIVER,
            _npv(recurring_moved(down), horizon),
            _npv(recurring_moved(up), horizon),
        )
    )
    bars.append(
        Sensitivity(
            DISCOUNT_RATE_DRIVER,
            _npv(case.scaled(rate=down), horizon),
            _npv(case.scaled(rate=up), horizon),
        )
    )
    return tuple(sorted(bars, key=lambda bar: -_width(bar)))


def _width(bar: Sensitivity) -> Decimal:
    """How far the NPV moves between the bar's ends (0 when an end has no figure)."""
    if isinstance(bar.npv_low, Decimal) and isinstance(bar.npv_high, Decimal):
        return abs(bar.npv_high - bar.npv_low)
    return _ZERO


def option_figures(option: Option, economics: Economics) -> OptionFigures:
    """Every figure of ``option`` under ``economics``.

    Never raises for values the dataclasses allow: a figure that cannot be worked out
    (a horizon below one year, a discount rate of −100 % or below, no IRR, no payback)
    is an ``Unavailable`` with its reason.
    """
    with finance.exact():
        horizon = economics.horizon_years
        case = _case(option, economics)
        in_range = _horizon_problem(horizon) is None
        yearly_benefits = case.yearly_benefits(horizon) if in_range else ()
        net_flows = case.net_flows(horizon) if in_range else (-case.investment,)
        cumulative = tuple(itertools.accumulate(net_flows))
        scenarios = tuple(
            ScenarioFigures(
                scenario=scenario,
                benefit_factor=benefit_factor,
                cost_factor=cost_factor,
                npv=_npv(moved, horizon),
                roi=_roi(moved, horizon),
                payback_months=_payback(moved, horizon),
            )
            for scenario, (benefit_factor, cost_factor) in SCENARIO_FACTORS.items()
            for moved in (case.scaled(benefits=benefit_factor, costs=cost_factor),)
        )
        return OptionFigures(
            option_id=option.id,
            investment=case.investment,
            recurring_per_year=case.recurring,
            yearly_benefits=yearly_benefits,
            net_flows=net_flows,
            cumulative=cumulative,
            total_benefits=case.total_benefits(horizon),
            total_costs=case.total_costs(horizon),
            roi=_roi(case, horizon),
            npv=_npv(case, horizon),
            irr=_irr(case, horizon),
            payback_months=_payback(case, horizon),
            discounted_payback_months=_payback(case, horizon, discounted=True),
            tco=case.total_costs(horizon),
            tco_status_quo=_comparison(None, economics.status_quo_cost_per_year, horizon),
            tco_competitor=_comparison(
                economics.competitor_one_off, economics.competitor_per_year, horizon
            ),
            cost_of_delay_per_month=_cost_of_delay(case, yearly_benefits, horizon),
            scenarios=scenarios,
            sensitivity=_sensitivity(option, case, horizon),
        )


def proposal_figures(document: ProposalDocument) -> dict[str, OptionFigures]:
    """The figures of each of the document's options, by option id."""
    return {option.id: option_figures(option, document.economics) for option in document.options}

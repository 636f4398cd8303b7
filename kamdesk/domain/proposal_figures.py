"""Every figure of a proposal's options, worked out by the engine in ``finance``.

The builder, the PDF and the spreadsheet all show these figures and never compute their
own, so a number reads the same on the screen, on paper and in the customer's finance
team's spreadsheet. A figure that cannot be worked out (no IRR exists, a horizon of
zero) is a ``Unavailable`` with the reason, which is shown where the figure would be:
never a NaN, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kamdesk.domain.proposals import Economics, Option, ProposalDocument
from kamdesk.i18n import N_


class Reason(StrEnum):
    """Why a figure is not shown: each has a sentence a user understands."""

    NO_HORIZON = "no_horizon"
    BAD_DISCOUNT_RATE = "bad_discount_rate"
    NO_INVESTMENT = "no_investment"
    NO_IRR = "no_irr"
    NEVER_PAYS_BACK = "never_pays_back"
    NO_BENEFITS = "no_benefits"
    NO_COMPARISON = "no_comparison"


REASON_TEXTS: dict[Reason, str] = {
    Reason.NO_HORIZON: N_("Set a horizon of at least one year."),
    Reason.BAD_DISCOUNT_RATE: N_("The discount rate must be above −100 %."),
    Reason.NO_INVESTMENT: N_("No investment: add a line item with a price."),
    Reason.NO_IRR: N_("No IRR: the cash flows never change sign."),
    Reason.NEVER_PAYS_BACK: N_("Does not pay back within the horizon."),
    Reason.NO_BENEFITS: N_("No benefits entered yet."),
    Reason.NO_COMPARISON: N_("No status quo or competitor cost entered."),
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


def option_figures(option: Option, economics: Economics) -> OptionFigures:
    """Every figure of ``option`` under ``economics``."""
    raise NotImplementedError


def proposal_figures(document: ProposalDocument) -> dict[str, OptionFigures]:
    """The figures of each of the document's options, by option id."""
    return {option.id: option_figures(option, document.economics) for option in document.options}

"""Recalculating a proposal's figures after a keystroke: every figure of every option.

    python bench/bench_proposal_figures.py [--runs 200]

Builds a 3-option, 5-year proposal of 51 line items (17 an option, one-off and yearly,
some discounted) and 4 benefits an option (one of them hours saved, one starting in year
2), and times ``proposal_figures`` on it: ROI, NPV, IRR, both paybacks, TCOs, cost of
delay, the three scenarios and the sensitivity table of each option. Prints the recommended
option's headline figures, the median and p95 of the runs, and the budget: one frame,
16 ms, so the builder can recalculate on every keystroke.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from decimal import Decimal

from kamdesk.domain.proposal_figures import (
    REASON_TEXTS,
    Figure,
    IrrFigure,
    OptionFigures,
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

BUDGET_MS = 16.0
LINES_PER_OPTION = 17
D = Decimal


def _option(tier: int) -> Option:
    """Tier 1..3: more lines cost more and bring more."""
    lines = tuple(
        LineItem(
            id=f"o{tier}-l{i}",
            product=f"Module {i}",
            quantity=D(1 + i % 4),
            unit_price=D(2_000 * tier + 750 * i) + D("0.50"),
            discount=D(i % 3 * 5),
            billing=Billing.YEARLY if i % 3 == 0 else Billing.ONE_OFF,
            item_kind=ItemKind.SERVICE if i % 5 == 0 else ItemKind.PRODUCT,
        )
        for i in range(LINES_PER_OPTION)
    )
    benefits = (
        Benefit(f"o{tier}-b1", BenefitKind.COST_SAVED, "Less scrap", D(30_000 + 30_000 * tier)),
        Benefit(f"o{tier}-b2", BenefitKind.REVENUE_GAINED, "Faster quotes", D(25_000 * tier)),
        Benefit(
            f"o{tier}-b3",
            BenefitKind.HOURS_SAVED,
            "Planner hours",
            hours_per_year=D(1_200 * tier),
            hourly_rate=D("85.5"),
            starts_year=2,
        ),
        Benefit(f"o{tier}-b4", BenefitKind.RISK_AVOIDED, "Fewer stoppages", D(12_500 * tier)),
    )
    return Option(id=f"tier{tier}", name=f"Tier {tier}", lines=lines, benefits=benefits)


def _document() -> ProposalDocument:
    return ProposalDocument(
        id="bench",
        title="Bench proposal",
        customer="Bench customer",
        language=ProposalLanguage.ENGLISH,
        currency="CNY",
        version=1,
        status=ProposalStatus.DRAFT,
        sent_on=None,
        document_date=dt.date(2026, 1, 1),
        economics=Economics(
            horizon_years=5,
            discount_rate=D("8.5"),
            status_quo_cost_per_year=D(150_000),
            competitor_name="Rival",
            competitor_one_off=D(180_000),
            competitor_per_year=D(30_000),
        ),
        options=tuple(_option(tier) for tier in (1, 2, 3)),
        recommended_option_id="tier2",
    )


def _show(figures: OptionFigures) -> str:
    def shown(value: Figure, unit: str = "") -> str:
        if isinstance(value, Unavailable):
            return REASON_TEXTS[value.reason]
        return f"{value:,.2f}{unit}"

    irr = figures.irr
    irr_text = shown(irr.rate if isinstance(irr, IrrFigure) else irr, " %")
    return (
        f"{figures.option_id}: investment {shown(figures.investment)}, "
        f"NPV {shown(figures.npv)}, IRR {irr_text}, ROI {shown(figures.roi, ' %')}, "
        f"payback {shown(figures.payback_months, ' months')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    document = _document()
    lines = sum(len(option.lines) for option in document.options)
    benefits = sum(len(option.benefits) for option in document.options)
    figures = proposal_figures(document)  # warm up
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        proposal_figures(document)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, round(len(samples) * 0.95))]

    print(
        f"proposal: {len(document.options)} options, "
        f"{document.economics.horizon_years} years, {lines} lines, {benefits} benefits"
    )
    for option_figures in figures.values():
        print("  " + _show(option_figures))
    print(
        f"every figure of every option: median {median:.2f} ms, p95 {p95:.2f} ms, "
        f"max {samples[-1]:.2f} ms over {args.runs} runs"
    )
    verdict = "within budget" if p95 < BUDGET_MS else "OVER BUDGET"
    print(f"budget 16 ms (one frame) -> {verdict}")


if __name__ == "__main__":
    main()

"""Sample proposals for the proposal PDF tests and bench, and their figures.

The figures are the engine's (``proposal_figures``) once it works them out; until then
they are put together here from the engine's NPV and IRR, so the PDF can be checked
against figures it did not compute itself either way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kamdesk.domain import finance
from kamdesk.domain.proposal_figures import (
    SENSITIVITY_SWING,
    Figure,
    IrrFigure,
    OptionFigures,
    Reason,
    Scenario,
    ScenarioFigures,
    Sensitivity,
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
    PainMapping,
    Phase,
    ProposalDocument,
    ProposalLanguage,
    ProposalStatus,
)

D = Decimal
ZH = ProposalLanguage.CHINESE
EN = ProposalLanguage.ENGLISH

_TIERS = {
    EN: (
        ("Basic", "Monitoring of the main lines"),
        ("Standard", "Monitoring and predictive maintenance on every line"),
        ("Premium", "Full MES with quality traceability"),
    ),
    ZH: (
        ("基础版", "主要产线的设备监控"),
        ("标准版", "全部产线的设备监控与预测性维护"),
        ("旗舰版", "完整 MES，含质量追溯"),
    ),
}


def make_option(index: int, language: ProposalLanguage, *, lines: int = 3) -> Option:
    """Tier ``index`` (0 basic, 1 standard, 2 premium): it costs more and gives more."""
    name, summary = _TIERS[language][index % 3]
    scale = D(index + 1)
    products = ("MES 许可 licences", "边缘网关 Edge gateway", "实施服务 Implementation")
    items = [
        LineItem(
            id=f"o{index}-l{n}",
            product=f"{products[n % 3]} {n + 1}",
            quantity=D(10 + n),
            # The same total whatever the number of lines: a long price list, not a dearer one.
            unit_price=D(60_000) * scale / lines,
            discount=D(10) if n % 2 else D(0),
            item_kind=ItemKind.SERVICE if n % 3 == 2 else ItemKind.PRODUCT,
        )
        for n in range(lines)
    ]
    items.append(
        LineItem(
            id=f"o{index}-support",
            product="年度支持 Support",
            quantity=D(1),
            unit_price=D(60_000) * scale,
            billing=Billing.YEARLY,
        )
    )
    benefits = (
        Benefit(
            id=f"o{index}-b1",
            kind=BenefitKind.COST_SAVED,
            description="停机时间减少 Less downtime",
            amount_per_year=D(300_000) * scale,
            assumption="每月停机 40 小时减少 30%：40 h × 12 × 30% × ¥5,200/h",
        ),
        Benefit(
            id=f"o{index}-b2",
            kind=BenefitKind.HOURS_SAVED,
            description="报表自动化 Automated reports",
            hours_per_year=D(1_200) * scale,
            hourly_rate=D(150),
            assumption="每周 8 位工程师各节省 3 小时",
        ),
        Benefit(
            id=f"o{index}-b3",
            kind=BenefitKind.RISK_AVOIDED,
            description="质量召回风险 Recall risk",
            amount_per_year=D(80_000) * scale,
            starts_year=2,
            assumption="召回损失 ¥2,000,000 × 每年 4% 的可能性",
        ),
    )
    return Option(
        id=f"option-{index}",
        name=name,
        summary=summary,
        recommended=index == 1,
        lines=tuple(items),
        benefits=benefits,
    )


def make_document(
    language: ProposalLanguage = EN,
    *,
    options: int = 3,
    horizon: int = 5,
    lines: int = 3,
    pains: int = 3,
    phases: int = 4,
    **changes: object,
) -> ProposalDocument:
    """A full proposal to 华东制造集团 in ``language``; ``changes`` override its fields."""
    fields: dict[str, object] = {
        "id": "proposal-1",
        "title": "MES 二期扩容方案" if language is ZH else "MES phase II roll-out",
        "customer": "华东制造集团",
        "language": language,
        "currency": "CNY",
        "version": 3,
        "status": ProposalStatus.DRAFT,
        "sent_on": None,
        "document_date": dt.date(2026, 12, 1),
        "economics": Economics(
            horizon_years=horizon,
            discount_rate=D(8),
            status_quo_cost_per_year=D(900_000),
            competitor_name="Rockwell",
            competitor_one_off=D(1_500_000),
            competitor_per_year=D(200_000),
        ),
        "options": tuple(make_option(i, language, lines=lines) for i in range(options)),
        "deal": "MES 二期 Phase II",
        "situation": (
            "设备停机时间长：每月超过四十小时，质量追溯依靠纸质记录。\n\n"
            "Plant managers report downtime every week; the CFO wants a payback under two "
            "years."
        ),
        "pains": tuple(
            PainMapping(
                id=f"pain-{n}",
                pain=("设备停机时间长", "Quality traceability is poor", "报表全靠手工")[n % 3]
                + ("" if n < 3 else f" {n}"),
                component=("预测性维护模块", "Batch genealogy in the MES", "自动报表")[n % 3],
            )
            for n in range(pains)
        ),
        "phases": tuple(
            Phase(
                id=f"phase-{n}",
                name=("蓝图设计 Blueprint", "试点 Pilot", "推广 Roll-out", "验收 Acceptance")[
                    n % 4
                ],
                starts_on=dt.date(2027, 1, 4) + dt.timedelta(weeks=6 * n),
                weeks=6,
                deliverables="方案蓝图、接口清单 Interface list",
                owner="李明",
            )
            for n in range(phases)
        ),
        "payment_terms": "30% 签约，60% 上线，10% 验收。Prices valid for 60 days.",
        "why_us": "十五年汽车行业经验；华东 40 家工厂在用。",
        "competitors": ("Rockwell Automation", "施耐德电气"),
        "references": "上汽大众（Shanghai）, 吉利汽车",
        "next_steps": "12 月 15 日前确认试点范围；1 月 4 日启动蓝图设计。",
        "prepared_by": "李明（销售总监）",
    }
    fields.update(changes)
    return ProposalDocument(**fields)  # type: ignore[arg-type]


def figures_for(document: ProposalDocument) -> dict[str, OptionFigures]:
    """The engine's figures of every option, or figures built from its NPV and IRR."""
    try:
        return proposal_figures(document)
    except NotImplementedError:
        return {o.id: hand_figures(o, document.economics) for o in document.options}


def hand_figures(option: Option, economics: Economics) -> OptionFigures:
    """The figures of ``option`` from its flows, with the engine's NPV, IRR and payback."""
    years = economics.horizon_years
    benefits = tuple(
        sum((b.yearly_value for b in option.benefits if b.starts_year <= year), D(0))
        for year in range(1, years + 1)
    )
    costs = [D(0)] * (years + 1)
    for line in option.lines:
        if line.billing is Billing.ONE_OFF:
            if line.first_year <= years:
                costs[line.first_year] += line.amount
        else:
            for year in range(max(line.first_year, 1), years + 1):
                costs[year] += line.amount
    investment = sum(
        (
            line.amount
            for line in option.lines
            if line.billing is Billing.ONE_OFF and line.first_year == 0
        ),
        D(0),
    )
    recurring = sum((line.amount for line in option.lines if line.billing is Billing.YEARLY), D(0))
    return _figures(option.id, investment, recurring, benefits, costs, economics)


def _figures(
    option_id: str,
    investment: Decimal,
    recurring: Decimal,
    benefits: tuple[Decimal, ...],
    costs: list[Decimal],
    economics: Economics,
    *,
    scenarios: bool = True,
) -> OptionFigures:
    rate = economics.discount_rate / 100
    flows = tuple([-costs[0], *(b - c for b, c in zip(benefits, costs[1:], strict=True))])
    cumulative = tuple(sum(flows[: n + 1], D(0)) for n in range(len(flows)))
    total_benefits = sum(benefits, D(0))
    total_costs = sum(costs, D(0))
    npv: Figure = finance.npv(rate, flows).quantize(D("0.01"))
    irr: IrrFigure | Unavailable
    try:
        found = finance.irr(flows)
        irr = IrrFigure((found.rate * 100).quantize(D("0.01")), unique=found.unique)
    except finance.NoIrrError:
        irr = Unavailable(Reason.NO_IRR)
    payback = _payback(cumulative, flows)
    roi: Figure = (
        ((total_benefits - total_costs) / total_costs * 100).quantize(D("0.01"))
        if total_costs
        else Unavailable(Reason.NO_INVESTMENT)
    )
    years = len(benefits)
    scenario_rows: list[ScenarioFigures] = []
    sensitivity: list[Sensitivity] = []
    if scenarios:
        for scenario, b_factor, c_factor in (
            (Scenario.CONSERVATIVE, D("0.8"), D("1.1")),
            (Scenario.EXPECTED, D(1), D(1)),
            (Scenario.AGGRESSIVE, D("1.2"), D("0.95")),
        ):
            scaled = _figures(
                option_id,
                investment * c_factor,
                recurring * c_factor,
                tuple(b * b_factor for b in benefits),
                [c * c_factor for c in costs],
                economics,
                scenarios=False,
            )
            scenario_rows.append(
                ScenarioFigures(
                    scenario, b_factor, c_factor, scaled.npv, scaled.roi, scaled.payback_months
                )
            )
        swing = SENSITIVITY_SWING / 100
        for driver, scale_benefits, scale_costs in (
            ("Benefits", True, False),
            ("One-off investment", False, True),
        ):
            ends = []
            for sign in (-1, 1):
                factor = 1 + sign * swing
                moved = _figures(
                    option_id,
                    investment,
                    recurring,
                    tuple(b * (factor if scale_benefits else 1) for b in benefits),
                    [c * (factor if scale_costs and n == 0 else 1) for n, c in enumerate(costs)],
                    economics,
                    scenarios=False,
                )
                ends.append(moved.npv)
            sensitivity.append(Sensitivity(driver, ends[0], ends[1]))
    status_quo = economics.status_quo_cost_per_year
    return OptionFigures(
        option_id=option_id,
        investment=investment,
        recurring_per_year=recurring,
        yearly_benefits=benefits,
        net_flows=flows,
        cumulative=cumulative,
        total_benefits=total_benefits,
        total_costs=total_costs,
        roi=roi,
        npv=npv,
        irr=irr,
        payback_months=payback,
        discounted_payback_months=payback,
        tco=total_costs,
        tco_status_quo=status_quo * years
        if status_quo is not None
        else Unavailable(Reason.NO_COMPARISON),
        tco_competitor=Unavailable(Reason.NO_COMPARISON),
        cost_of_delay_per_month=((total_benefits - total_costs) / years / 12).quantize(D("0.01"))
        if years
        else Unavailable(Reason.NO_HORIZON),
        scenarios=tuple(scenario_rows),
        sensitivity=tuple(sensitivity),
    )


def _payback(cumulative: tuple[Decimal, ...], flows: tuple[Decimal, ...]) -> Figure:
    """Months until the running sum turns non-negative, or why it never does."""
    for year in range(1, len(cumulative)):
        if cumulative[year] >= 0 > cumulative[year - 1]:
            share = -cumulative[year - 1] / flows[year]
            return ((year - 1 + share) * 12).quantize(D("0.1"))
    if cumulative and cumulative[0] >= 0:
        return D(0)
    return Unavailable(Reason.NEVER_PAYS_BACK)

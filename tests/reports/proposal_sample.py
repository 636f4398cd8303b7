"""Sample proposals for the proposal PDF tests and bench, and their figures.

The figures are always the engine's (``proposal_figures``): the PDF is checked against
figures it did not compute itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kamdesk.domain.proposal_figures import (
    OptionFigures,
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
    """The engine's figures of every option, by option id."""
    return proposal_figures(document)

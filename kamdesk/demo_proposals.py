"""The demo's proposals: each shows one thing a rep meets when quantifying value.

- 宁波 MES 二期扩容 (Chinese): three options over five years, the pains mapped to the
  solution, phases, why us and references: a complete proposal.
- 西部能源 框架协议续签 (Chinese): version 1 sent three weeks ago (frozen), version 2 a
  draft with a deeper discount on the three-year option after the customer's pushback.
- Northwind's global tracking platform (English): three options over five years in USD.
- Helios's monitoring rollout (English, EUR): benefits too small for the price, so no
  option pays back within the horizon and the builder says so.
- Orbital's managed network (English, USD): a hardware refresh in year 4 makes the flows
  change sign twice, so the IRR is not the only rate and the NPV (negative at the
  customer's rate) is the figure to trust; hardware as a service is recommended instead.

Everything is written through the same ops as the builder, so the demo passes the checks
a rep's typing does. A book too small to hold an account gets none of its proposals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from kamdesk.kinds import kind
from kamdesk.models import Account, Opportunity
from kamdesk.models.proposal import ProposalOption
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.proposals import new_proposal, next_version, send_proposal
from kamdesk.store.book import Book

#: Money in the demo is in major units; the book keeps minor units (fen, cents).
_MINOR = 100


@dataclass(frozen=True)
class _Line:
    product: str
    quantity: float
    unit_price: int
    billing: str = "one_off"
    discount: float = 0
    item_kind: str = "product"
    year: int | None = None


@dataclass(frozen=True)
class _Benefit:
    kind: str
    description: str
    amount: int = 0
    assumption: str = ""
    hours: float | None = None
    rate: int | None = None
    starts_year: int = 1


@dataclass(frozen=True)
class _Option:
    summary: str
    lines: Sequence[_Line]
    benefits: Sequence[_Benefit]
    name: str | None = None


@dataclass(frozen=True)
class _Proposal:
    account: str
    deal: str | None
    title: str
    language: str
    options: Sequence[_Option]
    fields: Mapping[str, Any] = field(default_factory=dict)
    #: (pain, what answers it): a pain the account lists gets its answer; another is added.
    pains: Sequence[tuple[str, str]] = ()
    phases: Sequence[tuple[str, int, int, str, str]] = ()


_MES = _Proposal(
    account="华东制造集团宁波分公司",
    deal="MES 二期扩容",
    title="宁波工厂 MES 二期扩容方案",
    language="zh_CN",
    fields={
        "horizon_years": 5,
        "discount_rate": 800,
        "situation": "宁波工厂一期 MES 已覆盖两条产线，其余四条仍靠纸质工单；"
        "质量问题追溯平均要三天，集团要求明年起各工厂按统一口径上报质量数据。",
        "status_quo_cost_minor": 1_450_000 * _MINOR,
        "competitor_name": "鼎信软件",
        "competitor_one_off_minor": 1_150_000 * _MINOR,
        "competitor_per_year_minor": 210_000 * _MINOR,
        "payment_terms": "合同签订后付 30%，上线验收后付 60%，质保期满付 10%；运维费按年预付。",
        "why_us": "苏州工厂同型号产线已稳定运行两年，追溯时间从三天降到两小时；"
        "与集团数据平台原生对接，不需二次开发；本地实施团队常驻宁波。",
        "reference_cases": "华东制造集团苏州工厂（2024 年上线，6 条产线）；"
        "某汽车零部件集团 12 家工厂统一 MES。",
        "next_steps": "12 月中旬安排厂长参观苏州工厂；1 月初确认范围并启动需求调研。",
    },
    pains=(
        ("质量问题追溯要花好几天", "质量追溯模块：一键追溯批次、设备与人员，从三天到两小时"),
        ("库存周转慢，呆滞料多", "统一 MES 平台：在制品与物料实时可见"),
        ("人工排产，插单频繁导致交期延误", "排产看板；旗舰版的预测性维护减少非计划停机"),
        ("集团要求按统一口径上报质量数据", "集团数据平台接口：按集团口径自动上报"),
    ),
    phases=(
        ("需求调研与方案确认", 0, 4, "业务蓝图、接口清单", "陈浩"),
        ("系统部署与产线接入", 4, 8, "四条产线上线、数据采集", "实施团队"),
        ("试运行与培训", 12, 4, "操作培训、试运行报告", "陈浩"),
        ("推广与验收", 16, 6, "验收报告、运维交接", "项目经理"),
    ),
    options=(
        _Option(
            summary="四条产线接入一期平台，纸质工单全部电子化。",
            lines=(
                _Line("MES 产线扩展许可", 4, 90_000),
                _Line("实施服务（人天）", 80, 3_000, item_kind="service"),
                _Line("年度运维服务", 1, 96_000, "yearly", item_kind="service"),
            ),
            benefits=(
                _Benefit("cost_saved", "纸质工单与录入人工", 180_000, "4 条产线各省 1.5 名文员"),
                _Benefit("cost_saved", "报废率下降", 220_000, "报废率从 2.1% 降到 1.7%"),
            ),
        ),
        _Option(
            summary="基础版加质量追溯模块与集团数据平台接口：追溯从三天到两小时。",
            lines=(
                _Line("MES 产线扩展许可", 4, 90_000),
                _Line("质量追溯模块", 1, 260_000),
                _Line("集团数据平台接口", 1, 120_000, discount=10),
                _Line("实施服务（人天）", 120, 3_000, item_kind="service"),
                _Line("年度运维服务", 1, 138_000, "yearly", item_kind="service"),
            ),
            benefits=(
                _Benefit("cost_saved", "纸质工单与录入人工", 180_000, "4 条产线各省 1.5 名文员"),
                _Benefit("cost_saved", "报废率下降", 340_000, "报废率从 2.1% 降到 1.4%（苏州）"),
                _Benefit(
                    "hours_saved",
                    "质量追溯工时",
                    assumption="每年约 60 起追溯，每起从 3 天降到 2 小时，4 人参与",
                    hours=5_300,
                    rate=120,
                ),
                _Benefit(
                    "risk_avoided",
                    "客户索赔风险",
                    150_000,
                    "每年一起批量召回的概率从 30% 降到 10%，每起约 75 万",
                    starts_year=2,
                ),
            ),
        ),
        _Option(
            summary="标准版加设备联网与预测性维护：停机时间再降三成。",
            lines=(
                _Line("MES 产线扩展许可", 4, 90_000),
                _Line("质量追溯模块", 1, 260_000),
                _Line("集团数据平台接口", 1, 120_000, discount=10),
                _Line("设备联网网关", 24, 8_500, discount=5),
                _Line("预测性维护模块", 1, 380_000),
                _Line("实施服务（人天）", 180, 3_000, item_kind="service"),
                _Line("年度运维服务", 1, 198_000, "yearly", item_kind="service"),
            ),
            benefits=(
                _Benefit("cost_saved", "纸质工单与录入人工", 180_000, "4 条产线各省 1.5 名文员"),
                _Benefit("cost_saved", "报废率下降", 340_000, "报废率从 2.1% 降到 1.4%（苏州）"),
                _Benefit(
                    "hours_saved",
                    "质量追溯工时",
                    assumption="每年约 60 起追溯，每起从 3 天降到 2 小时，4 人参与",
                    hours=5_300,
                    rate=120,
                ),
                _Benefit(
                    "revenue_gained",
                    "停机减少带来的产出",
                    420_000,
                    "非计划停机从每月 20 小时降到 14 小时，每小时产值 5.8 万、毛利 10%",
                    starts_year=2,
                ),
            ),
        ),
    ),
)

_RENEWAL_FIELDS: dict[str, Any] = {
    "horizon_years": 3,
    "discount_rate": 700,
    "situation": "集团统一运维平台合同明年 3 月到期；新任信息总监倾向自研，"
    "要求三年总成本与自研对比。",
    "status_quo_cost_minor": 3_600_000 * _MINOR,
    "payment_terms": "30% 预付 / 60% 上线 / 10% 验收；三年框架按年结算。",
    "why_us": "五年运维零重大事故；集团 14 家电站的运维经验无法靠自研一年内复制。",
    "next_steps": "1 月第二周与信息总监、财务部共同评审三年总成本对比。",
}

_RENEWAL = _Proposal(
    account="西部能源集团总部",
    deal="框架协议续签",
    title="集团统一运维平台框架协议（三年）",
    language="zh_CN",
    fields=_RENEWAL_FIELDS,
    pains=(
        ("设备巡检依赖人工，安全风险高", "统一运维平台的移动巡检与隐患闭环"),
        ("新能源并网带来调度压力", "三年框架内开放运维平台与调度系统的数据接口"),
        ("能耗数据采集不全", "分公司接入后统一采集能耗数据"),
    ),
    options=(
        _Option(
            name="一年一签",
            summary="维持现有范围，按年续签。",
            lines=(
                _Line("年度续签评估与健康检查", 1, 120_000, item_kind="service"),
                _Line("运维平台年度服务", 1, 3_000_000, "yearly", item_kind="service"),
            ),
            benefits=(
                _Benefit("cost_saved", "免去自研团队", 3_200_000, "自研需 8–10 人，年约 320 万"),
            ),
        ),
        _Option(
            name="三年框架",
            summary="三年锁价，质保延长到三年，各分公司运维培训。",
            lines=(
                _Line("平台升级与分公司接入", 1, 600_000),
                _Line("运维平台年度服务", 1, 2_800_000, "yearly", discount=3, item_kind="service"),
            ),
            benefits=(
                _Benefit("cost_saved", "免去自研团队", 3_200_000, "自研需 8–10 人，年约 320 万"),
                _Benefit("risk_avoided", "停运风险", 400_000, "自研首年停运风险按 10% × 400 万"),
            ),
        ),
    ),
)

_TRACKING = _Proposal(
    account="Northwind Logistics HQ",
    deal="Global tracking platform",
    title="One tracking platform for every region",
    language="en",
    fields={
        "horizon_years": 5,
        "discount_rate": 1000,
        "situation": "Four regional tracking systems, re-keyed shipments between them and "
        "a customer portal that shows yesterday's status. The new COO wants one platform "
        "for all regions by next year.",
        "status_quo_cost_minor": 900_000 * _MINOR,
        "competitor_name": "Vantage Systems",
        "competitor_one_off_minor": 780_000 * _MINOR,
        "competitor_per_year_minor": 240_000 * _MINOR,
        "payment_terms": "40 % on signature, 50 % at go-live in the first region, 10 % "
        "at acceptance; subscriptions billed yearly in advance.",
        "why_us": "Live in 30 countries for two of the five largest forwarders; "
        "region-by-region rollout with no big-bang cutover.",
        "reference_cases": "Rotterdam hub (Northwind's own): 18 % fewer status calls.",
        "next_steps": "Pilot scope workshop with the regional COOs in January.",
    },
    pains=(
        ("Warehouses overflow in peak season", "Predictive ETAs let warehouses plan peak slots"),
        ("Shipments re-keyed between four regional systems", "One shipment record"),
        ("Customers see yesterday's status", "Real-time customer portal"),
    ),
    phases=(
        ("Design and pilot region", 0, 10, "Blueprint, pilot go-live", "Solution manager"),
        ("Rollout to the other regions", 10, 20, "Three regions live", "Delivery manager"),
    ),
    options=(
        _Option(
            summary="Core platform for the two largest regions.",
            lines=(
                _Line("Platform subscription (regions)", 2, 85_000, "yearly"),
                _Line("Implementation", 1, 240_000, item_kind="service"),
            ),
            benefits=(
                _Benefit(
                    "cost_saved",
                    "Re-keying between systems",
                    260_000,
                    "6 FTE at $43k no longer re-key shipments",
                ),
            ),
        ),
        _Option(
            summary="Every region on one platform, with the real-time customer portal.",
            lines=(
                _Line("Platform subscription (regions)", 4, 85_000, "yearly", discount=10),
                _Line("Customer portal", 1, 60_000, "yearly"),
                _Line("Implementation", 1, 420_000, item_kind="service"),
            ),
            benefits=(
                _Benefit(
                    "cost_saved",
                    "Re-keying between systems",
                    430_000,
                    "10 FTE at $43k no longer re-key shipments",
                ),
                _Benefit(
                    "hours_saved",
                    "Customer status calls",
                    assumption="18 % fewer calls, as in Rotterdam",
                    hours=9_000,
                    rate=38,
                ),
                _Benefit(
                    "revenue_gained",
                    "Retained accounts",
                    180_000,
                    "Two churn-prone accounts kept, at 10 % margin",
                    starts_year=2,
                ),
            ),
        ),
        _Option(
            summary="All regions, portal, and predictive ETAs with carrier data feeds.",
            lines=(
                _Line("Platform subscription (regions)", 4, 85_000, "yearly", discount=10),
                _Line("Customer portal", 1, 60_000, "yearly"),
                _Line("Predictive ETA module", 1, 90_000, "yearly"),
                _Line("Implementation", 1, 520_000, item_kind="service"),
            ),
            benefits=(
                _Benefit(
                    "cost_saved",
                    "Re-keying between systems",
                    430_000,
                    "10 FTE at $43k no longer re-key shipments",
                ),
                _Benefit(
                    "hours_saved",
                    "Customer status calls",
                    assumption="25 % fewer calls with predictive ETAs",
                    hours=12_500,
                    rate=38,
                ),
                _Benefit(
                    "revenue_gained",
                    "Retained accounts",
                    240_000,
                    "Three churn-prone accounts kept, at 10 % margin",
                    starts_year=2,
                ),
            ),
        ),
    ),
)

_MONITORING = _Proposal(
    account="Helios Solar GmbH",
    deal="Solar park monitoring rollout",
    title="Monitoring for the Brandenburg parks",
    language="en",
    pains=(
        ("Renewables strain grid dispatch", "Park output forecasts from live monitoring"),
        ("Manual inspections carry safety risk", "Inspect only where an alarm says so"),
    ),
    fields={
        "horizon_years": 3,
        "discount_rate": 600,
        "situation": "Two parks are monitored by hand; the head of operations wants "
        "results before winter.",
        "next_steps": "Agree which park to start with; a smaller scope may pay back.",
    },
    options=(
        _Option(
            name="Both parks",
            summary="Sensors and monitoring for both parks at once.",
            lines=(
                _Line("Sensor kits", 40, 2_400),
                _Line("Monitoring subscription", 2, 18_000, "yearly"),
                _Line("Installation", 1, 35_000, item_kind="service"),
            ),
            benefits=(
                _Benefit(
                    "cost_saved",
                    "Fewer site inspections",
                    22_000,
                    "One inspection round a month instead of two",
                ),
                _Benefit(
                    "revenue_gained",
                    "Faster fault repair",
                    9_000,
                    "0.3 % more yield on 3 GWh at €0.10",
                ),
            ),
        ),
        _Option(
            name="One park first",
            summary="Start with the larger park; add the second next year.",
            lines=(
                _Line("Sensor kits", 22, 2_400),
                _Line("Monitoring subscription", 1, 18_000, "yearly"),
                _Line("Installation", 1, 21_000, item_kind="service"),
            ),
            benefits=(
                _Benefit("cost_saved", "Fewer site inspections", 12_000, "Larger park only"),
                _Benefit("revenue_gained", "Faster fault repair", 5_500, "0.3 % more yield"),
            ),
        ),
    ),
)

_NETWORK = _Proposal(
    account="Orbital Telecom",
    deal="Managed network services",
    title="Managed network services, with the year-4 hardware refresh",
    language="en",
    pains=(
        ("Pressure to earn back 5G investment", "A managed service frees capital for 5G"),
        ("Rising churn", "Fewer outages through proactive monitoring"),
        ("High network operations cost", "Operations run from our network centre"),
    ),
    fields={
        "horizon_years": 4,
        "discount_rate": 900,
        "situation": "The incumbent contract ends next year; the edge hardware reaches its "
        "end of life in year 4 whoever runs the network.",
        "payment_terms": "Quarterly service fees; the refresh is invoiced on delivery.",
        "next_steps": "Compare the refresh's timing with the incumbent's offer.",
    },
    options=(
        _Option(
            name="Managed service",
            summary="We run the network; the customer buys the year-4 refresh.",
            lines=(
                _Line("Transition and set-up", 1, 400_000, item_kind="service"),
                _Line("Managed service", 1, 250_000, "yearly", item_kind="service"),
                _Line("Edge hardware refresh", 1, 2_500_000, year=4),
            ),
            benefits=(
                _Benefit(
                    "cost_saved",
                    "Network operations staff",
                    900_000,
                    "9 engineers redeployed, at $100k",
                ),
            ),
        ),
        _Option(
            name="Managed service with hardware as a service",
            summary="We run the network and own the hardware: the refresh is in the fee.",
            lines=(
                _Line("Transition and set-up", 1, 400_000, item_kind="service"),
                _Line("Managed service", 1, 250_000, "yearly", item_kind="service"),
                _Line("Hardware as a service", 1, 420_000, "yearly"),
            ),
            benefits=(
                _Benefit(
                    "cost_saved",
                    "Network operations staff",
                    900_000,
                    "9 engineers redeployed, at $100k",
                ),
            ),
        ),
    ),
)

PROPOSALS: tuple[_Proposal, ...] = (_MES, _RENEWAL, _TRACKING, _MONITORING, _NETWORK)


def _line_values(line: _Line) -> dict[str, Any]:
    values: dict[str, Any] = {
        "product": line.product,
        "item_kind": line.item_kind,
        "quantity": round(line.quantity * 1000),
        "unit_price_minor": line.unit_price * _MINOR,
        "discount": round(line.discount * 100),
        "billing": line.billing,
    }
    if line.year is not None:
        values["year"] = line.year
    return values


def _benefit_values(benefit: _Benefit) -> dict[str, Any]:
    return {
        "kind": benefit.kind,
        "description": benefit.description,
        "amount_per_year_minor": benefit.amount * _MINOR if benefit.amount else None,
        "hours_per_year": None if benefit.hours is None else round(benefit.hours * 10),
        "hourly_rate_minor": None if benefit.rate is None else benefit.rate * _MINOR,
        "assumption": benefit.assumption,
        "starts_year": benefit.starts_year,
    }


def _find_deal(book: Book, account: str, deal: str | None) -> tuple[str, str | None] | None:
    """The ids of the account named and its deal, or None if this book has no such account."""
    with book.read() as session:
        account_id = session.exec(select(Account.id).where(Account.name == account)).first()
        if account_id is None:
            return None
        deal_id = None
        if deal is not None:
            deal_id = session.exec(
                select(Opportunity.id).where(
                    Opportunity.account_id == account_id, Opportunity.name == deal
                )
            ).first()
        return account_id, deal_id


def _options_of(book: Book, proposal_id: str) -> list[str]:
    with book.read() as session:
        rows = session.exec(
            select(ProposalOption)
            .where(ProposalOption.proposal_id == proposal_id)
            .where(ProposalOption.deleted_at.is_(None))  # type: ignore[union-attr]
            .order_by(ProposalOption.position)  # type: ignore[arg-type]
        ).all()
        return [row.id for row in rows]


def _write(book: Book, seed: _Proposal, today: dt.date) -> str | None:
    """Write one proposal as a rep would in the builder; its id, or None if no account."""
    found = _find_deal(book, seed.account, seed.deal)
    if found is None:
        return None
    account_id, deal_id = found
    proposal_id = new_proposal(
        book, account_id, title=seed.title, language=seed.language, opportunity_id=deal_id
    )
    if seed.fields:
        update_record(book, kind("proposal"), proposal_id, dict(seed.fields))
    option_kind, line_kind, benefit_kind = (
        kind("proposal_option"),
        kind("proposal_line"),
        kind("proposal_benefit"),
    )
    option_ids = _options_of(book, proposal_id)
    for index, option_id in enumerate(option_ids):
        if index >= len(seed.options):
            from kamdesk.ops.kinds import delete_record

            delete_record(book, option_kind, option_id)
            continue
        option = seed.options[index]
        values: dict[str, Any] = {"summary": option.summary}
        if option.name is not None:
            values["name"] = option.name
        if len(seed.options) < len(option_ids):
            values["recommended"] = index == len(seed.options) - 1
        update_record(book, option_kind, option_id, values)
        for line in option.lines:
            create_record(book, line_kind, option_id, _line_values(line))
        for benefit in option.benefits:
            create_record(book, benefit_kind, option_id, _benefit_values(benefit))
    _map_pains(book, proposal_id, seed.pains)
    for name, start_week, weeks, deliverables, owner in seed.phases:
        create_record(
            book,
            kind("proposal_phase"),
            proposal_id,
            {
                "name": name,
                "starts_on": _next_monday(today) + dt.timedelta(weeks=start_week),
                "weeks": weeks,
                "deliverables": deliverables,
                "owner": owner,
            },
        )
    return proposal_id


def _map_pains(book: Book, proposal_id: str, pains: Sequence[tuple[str, str]]) -> None:
    """Answer the account's pains (copied in by ``new_proposal``); add the others named."""
    from kamdesk.models.proposal import ProposalPain

    with book.read() as session:
        copied = {
            row.pain: row.id
            for row in session.exec(
                select(ProposalPain).where(ProposalPain.proposal_id == proposal_id)
            )
        }
    for pain, component in pains:
        if pain in copied:
            update_record(book, kind("proposal_pain"), copied[pain], {"component": component})
        else:
            create_record(
                book, kind("proposal_pain"), proposal_id, {"pain": pain, "component": component}
            )


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


def add_demo_proposals(book: Book, today: dt.date) -> int:
    """Write the demo's proposals into ``book``; how many versions were written."""
    written = 0
    for seed in PROPOSALS:
        proposal_id = _write(book, seed, today)
        if proposal_id is None:
            continue
        written += 1
        if seed is _RENEWAL:
            send_proposal(book, proposal_id, today - dt.timedelta(days=21))
            draft_id = next_version(book, proposal_id)
            _deepen_the_discount(book, draft_id)
            written += 1
    return written


def _deepen_the_discount(book: Book, proposal_id: str) -> None:
    """Version 2 of the renewal: the customer pushed back; the three-year discount is 5 %."""
    from kamdesk.models.proposal import ProposalLine

    option_ids = _options_of(book, proposal_id)
    with book.read() as session:
        line_id = session.exec(
            select(ProposalLine.id).where(
                ProposalLine.option_id == option_ids[-1],
                ProposalLine.billing == "yearly",
            )
        ).first()
    if line_id is not None:
        update_record(book, kind("proposal_line"), line_id, {"discount": 500})
    update_record(
        book,
        kind("proposal"),
        proposal_id,
        {"next_steps": "已按信息总监意见把三年框架的年费折扣提高到 5%；1 月第二周评审。"},
    )

"""A filled-in pre-visit briefing for the report tests and the bench: 华东制造集团, mixed text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kamdesk.reports.visit_data import (
    BriefingDeal,
    BriefingFollowUp,
    BriefingPerson,
    BriefingQuestion,
    PastVisit,
    VisitBriefing,
)

NAMES = (
    "王建国",
    "李娜",
    "Zhang Wei",
    "陈晓明",
    "Emily Chen",
    "刘洋",
    "赵敏",
    "孙立",
    "周杰",
    "吴芳",
    "Thomas Müller",
    "欧阳明月",
    "黄志强",
    "Sarah O'Connor",
    "郑丽",
    "Ravi Krishnamurthy",
)
TITLES = (
    "首席信息官（CIO）",
    "采购总监",
    "IT Infrastructure Manager",
    "生产部副总经理",
    "Head of Digital Transformation",
    "财务部经理",
    "质量管理部部长",
    "设备科科长",
)
ROLES = ("EB 经济决策者", "UB 使用决策者", "TB 技术把关者", "Coach 教练")
ATTITUDES = (("支持", False, True), ("中立", False, False), ("反对", True, False))
NEEDS = (
    ("降低设备停机时间，今年目标减少 30%", "希望在集团内部树立数字化标杆"),
    ("Predictable total cost of ownership over five years", "Fewer vendors to manage"),
    ("与现有 SAP 系统无缝集成", "上线周期不超过六个月"),
)


def make_people(count: int) -> tuple[BriefingPerson, ...]:
    people = []
    for i in range(count):
        attitude, opposed, supportive = ATTITUDES[i % 3]
        people.append(
            BriefingPerson(
                name=NAMES[i % len(NAMES)],
                title=TITLES[i % len(TITLES)],
                role=ROLES[i % len(ROLES)],
                attitude=attitude,
                opposed=opposed,
                supportive=supportive,
                influence=i % 5 + 1,
                needs=NEEDS[i % len(NEEDS)],
                covered_by=("李明（销售总监）", "Anna Berg")
                if i % 2
                else (() if i % 3 == 2 else ("李明",)),
                last_contact=dt.date(2026, 11, 20) - dt.timedelta(days=9 * i) if i % 4 else None,
            )
        )
    return tuple(people)


def make_briefing(people: int = 5, **changes: Any) -> VisitBriefing:
    """A briefing with ``people`` attendees; ``changes`` override fields (``attendees`` too)."""
    fields: dict[str, Any] = {
        "account_name": "华东制造集团",
        "title": "MES 二期方案评审 Phase II design review",
        "starts_at": dt.datetime(2026, 12, 3, 1, 30, tzinfo=dt.UTC),
        "ends_at": dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC),
        "time_zone": "Asia/Shanghai",
        "generated_on": dt.date(2026, 12, 1),
        "place": "苏州工业园区星湖街 328 号 3F 会议室",
        "deal_name": "MES 二期扩容",
        "tier": "A",
        "lifecycle_stage": "战略客户",
        "industry": "制造业",
        "owner": "李明",
        "currency": "CNY",
        "annual_revenue_minor": 123_456_789,
        "attendees": make_people(people),
        "our_attendees": ("李明（销售总监）", "Anna Berg (solution architect)"),
        "deals": (
            BriefingDeal(
                "MES 二期扩容",
                "商务 Commercial",
                480_000_000,
                "CNY",
                dt.date(2027, 3, 31),
                60,
                "客户确认试点范围",
                this_visit=True,
            ),
            BriefingDeal(
                "Fleet telematics rollout",
                "方案 Solution",
                125_000_00,
                "USD",
                dt.date(2027, 6, 30),
                30,
            ),
            BriefingDeal("能源管理平台", "意向 Intent", 90_000_000, "CNY", None, 10),
        ),
        "last_visit": PastVisit(
            "技术交流会 Technical workshop",
            dt.date(2026, 11, 12),
            "CIO 认可方案方向，但要求提供汽车行业参考案例；采购部关注价格。",
        ),
        "follow_ups": (
            BriefingFollowUp(
                "发送汽车行业参考案例 reference case",
                "Anna Berg",
                dt.date(2026, 11, 25),
                overdue=True,
            ),
            BriefingFollowUp("安排工厂参观", "李明", dt.date(2026, 12, 10)),
        ),
        "objective": "确认试点范围，并请 CIO 指定项目负责人；confirm budget owner for 2027.",
        "agenda": (
            "1. 回顾上次交流 Recap\n2. 方案演示 Demo (15 min)\n"
            "3. 试点范围讨论\n4. 下一步 Next steps"
        ),
        "value_first": "汽车行业同类工厂停机时间降低 32% 的参考案例",
        "commitment_best": "CIO 签署试点立项，并确定 2027 年预算",
        "commitment_minimum": "安排与生产部的技术交流会",
        "questions": (
            BriefingQuestion("今年贵部门的工作重点是什么？", "开放式 open"),
            BriefingQuestion("Where exactly does the delay happen?", "引导式 guiding"),
            BriefingQuestion("也就是说，最终由……在……之前做决定，对吗？", "确认式"),
            BriefingQuestion("What would a 10% gain here be worth to the business?", "value"),
        ),
        "red_flags": (
            "No contact with the economic buyer: 王建国 — 尚无人覆盖，也未参加过拜访。",
            "孙立 is opposed, has influence 5 of 5, and nobody of ours covers them.",
        ),
    }
    fields.update(changes)
    return VisitBriefing(**fields)

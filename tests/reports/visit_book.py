"""A book with an account, its people, our team and a visit, made through the actions.

For the tests that gather a visit's calendar entry and briefing from a real book.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from kamdesk.domain.visits import to_utc
from kamdesk.kinds import KINDS, kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.ops.team import create_team_member
from kamdesk.store.book import Book

#: The book's visit tables come with their revision; until then these tests wait.
needs_visits = pytest.mark.skipif(
    not any(k.name == "visit" for k in KINDS), reason="visits are not in this book's schema yet"
)

SHANGHAI = "Asia/Shanghai"
PEOPLE = (
    # name, title, role, force, attitude, influence, email
    ("王建国", "首席信息官（CIO）", "EB", "", "neutral", 5, ""),
    ("李娜", "采购总监", "UB", "", "supportive", 3, "li.na@huadong.example.cn"),
    ("孙立", "生产部副总经理", "UB", "", "opposed", 5, ""),
    ("Emily Chen", "IT Manager", "TB", "", "neutral", 3, "emily.chen@huadong.example.cn"),
)


def at(text: str, zone: str = SHANGHAI) -> dt.datetime:
    """The moment of wall-clock time ``text`` in ``zone``."""
    return to_utc(dt.datetime.fromisoformat(text), zone)


@dataclass
class VisitBook:
    """The ids of what :func:`make_visit_book` made."""

    account: str
    visit: str
    deal: str
    people: dict[str, str] = field(default_factory=dict)
    team: dict[str, str] = field(default_factory=dict)


def make_visit_book(book: Book, *, extra_people: int = 0, **visit: Any) -> VisitBook:
    """华东制造集团 with four people (plus ``extra_people``), two of ours, a deal and a visit.

    Nobody covers 王建国 (the EB) or 孙立 (opposed, influence 5), and nobody is a coach: the
    briefing has its three red flags. The visit is on Dec 8, 2026, 09:30–11:00 Shanghai.
    """
    ming = create_team_member(book, {"name": "李明", "email": "li.ming@vista.example"})
    anna = create_team_member(book, {"name": "Anna Berg"})
    account = create_account(
        book,
        {
            "name": "华东制造集团",
            "currency": "CNY",
            "tier": "A",
            "owner_id": ming,
            "annual_revenue_minor": 123_456_789,
        },
    )
    people: dict[str, str] = {}
    for name, title, role, force, attitude, influence, email in PEOPLE:
        people[name] = create_stakeholder(
            book,
            account,
            {
                "name": name,
                "title": title,
                "buying_role": role,
                "force": force,
                "attitude": attitude,
                "influence": influence,
                "email": email,
                "needs_business": f"{name}的业务需求",
                "covered_by": (ming,) if name == "李娜" else (),
            },
        )
    for index in range(extra_people):
        name = f"工程师 {index + 1:02d}"
        people[name] = create_stakeholder(
            book, account, {"name": name, "title": "设备工程师", "influence": 1}
        )
    deal = create_record(
        book,
        kind("opportunity"),
        account,
        {"name": "MES 二期扩容", "currency": "CNY", "amount_minor": 480_000_000},
    )
    values: dict[str, Any] = {
        "title": "方案评审会",
        "opportunity_id": deal,
        "starts_at": at("2026-12-08 09:30"),
        "ends_at": at("2026-12-08 11:00"),
        "time_zone": SHANGHAI,
        "place": "苏州工业园区星湖街 328 号",
        "objective": "确认试点范围",
        "agenda": "1. 回顾\n2. 演示\n3. 下一步",
        "commitment_best": "CIO 签署试点立项",
        "commitment_minimum": "安排技术交流会",
        "attendees": tuple(people.values()),
        "our_attendees": (ming, anna),
        **visit,
    }
    visit_id = create_record(book, kind("visit"), account, values)
    return VisitBook(account, visit_id, deal, people, {"李明": ming, "Anna Berg": anna})

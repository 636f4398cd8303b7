"""The visits of a demo book: past ones with their debriefs, upcoming ones planned.

Every account but a group gets about ten visits, dated around the day the demo is made:
most in the past half year (done, with an outcome, the signals seen, answers to their
questions and follow-ups, a few of those still open and overdue), one in this week or
the next, and a few more in the weeks after, planned with an objective, an agenda, the
value to bring first and the commitment sought. Times are office hours in the account's
own time zone. The visits draw from a random stream of their own, so the accounts,
people and deals of a seed stay what they were before books had visits.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from kamdesk.domain.visits import to_utc, week_start
from kamdesk.kinds.visit import DEFAULT_QUESTIONS
from kamdesk.models.opportunity import Opportunity
from kamdesk.models.tables import Account, Coverage, Stakeholder
from kamdesk.models.visit import FollowUp, Visit, VisitAttendee, VisitQuestion, VisitTeamMember

#: The zone an account's visits are in, by its currency (Chinese accounts: Shanghai).
_ZONES = {
    "USD": "America/New_York",
    "EUR": "Europe/Berlin",
    "GBP": "Europe/London",
    "SGD": "Asia/Singapore",
    "JPY": "Asia/Tokyo",
    "HKD": "Asia/Hong_Kong",
}

#: (Chinese, English) pairs.
_TITLES = (
    ("季度业务回顾", "Quarterly business review"),
    ("方案交流会", "Solution workshop"),
    ("高层拜访", "Executive visit"),
    ("技术澄清会", "Technical clarification"),
    ("商务谈判", "Commercial negotiation"),
    ("现场调研", "Site survey"),
    ("试点项目复盘", "Pilot review"),
    ("年度规划沟通", "Annual planning talk"),
)
_PLACES = (
    ("客户总部会议室", "Customer HQ, meeting room"),
    ("工厂现场", "Plant floor"),
    ("线上会议", "Video call"),
    ("我司展厅", "Our showroom"),
)
_OBJECTIVES = (
    ("确认明年的预算安排和决策时间表", "Confirm next year's budget and the decision timeline"),
    ("让技术负责人认可方案的可行性", "Have the technical lead accept the solution is feasible"),
    ("约到经济决策人参加下一次演示", "Get the economic buyer to the next demo"),
    ("确认试点范围和成功标准", "Agree the pilot's scope and success criteria"),
)
_AGENDAS = (
    ("1. 回顾上次会议\n2. 方案演示\n3. 讨论下一步", "1. Recap\n2. Demo\n3. Next steps"),
    ("1. 客户现状\n2. 痛点讨论\n3. 价值测算", "1. Where they are\n2. Pains\n3. Value case"),
    ("1. 商务条款\n2. 实施计划\n3. 风险与保障", "1. Terms\n2. Rollout plan\n3. Risks"),
)
_VALUE_FIRST = (
    ("同行业标杆客户的效率提升数据", "Efficiency figures from a peer in their industry"),
    ("一份针对其产线的节能测算报告", "An energy-saving estimate for their lines"),
    ("行业政策解读", "A briefing on the new industry rules"),
)
_BEST = (
    ("同意启动试点并指定项目负责人", "Agree to start a pilot and name its lead"),
    ("安排与总经理的会面", "Set up a meeting with the general manager"),
    ("确认采购流程和时间", "Confirm the purchasing steps and dates"),
)
_MINIMUM = (
    ("同意两周内再约一次技术交流", "Agree to a technical session within two weeks"),
    ("提供现有系统的数据样本", "Share a sample of their current data"),
    ("介绍一位采购部门的联系人", "Introduce us to someone in purchasing"),
)
_OUTCOMES = (
    ("客户同意进入试点", "Pilot agreed"),
    ("需求已确认，等待预算审批", "Needs confirmed; waiting on budget approval"),
    ("客户对价格有顾虑", "Price concerns raised"),
    ("约定下月再次沟通", "Follow-up meeting next month"),
    ("竞争对手也在接触", "A competitor is in talks too"),
)
_SIGNALS = (
    ("多次提到“交付周期”，语气急切", "Kept coming back to delivery time, sounded pressed"),
    ("频繁看手机，对演示兴趣不大", "Checked the phone a lot; little interest in the demo"),
    ("主动询问付款方式和合同模板", "Asked about payment terms and the contract template"),
    ("说需要和领导商量后再定", "Said they need to ask their boss first"),
    ("技术负责人主动约下一次会议", "The technical lead proposed the next meeting"),
)
_ANSWERS = (
    ("今年重点是降本和质量追溯", "Cost down and traceability this year"),
    ("延误主要在来料检验环节", "The delay is at incoming inspection"),
    ("每月大约损失三十万元", "About 300k a month"),
    ("最终由总经理拍板", "The general manager decides"),
)
_FOLLOW_UPS = (
    ("发送报价单", "Send the quote"),
    ("提交 ROI 测算", "Send the ROI model"),
    ("安排工厂参观", "Arrange a plant visit"),
    ("回复技术问题清单", "Answer the technical questions"),
    ("寄送会议纪要", "Send the minutes"),
)
_NOTES = (
    ("", ""),
    ("会议气氛良好，客户比较开放。", "Good atmosphere; they were open."),
    ("采购部门第一次参加。", "Purchasing joined for the first time."),
)


@dataclass
class VisitRows:
    """The rows of one account's visits, in the order they can be written."""

    visits: list[Visit] = field(default_factory=list)
    attendees: list[VisitAttendee] = field(default_factory=list)
    team: list[VisitTeamMember] = field(default_factory=list)
    questions: list[VisitQuestion] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def count(self) -> int:
        """How many visits."""
        return len(self.visits)


class VisitMaker:
    """The visits of each account, dated around one day, from a stream of their own."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.monday = week_start(today)
        self._bank = [(row_id, kind) for row_id, kind, _en, _zh in DEFAULT_QUESTIONS]

    def visits_of(
        self,
        account: Account,
        zh: bool,
        people: Sequence[Stakeholder],
        coverage: Sequence[Coverage],
        deals: Sequence[Opportunity],
        group: bool,
    ) -> VisitRows:
        """An account's visits with their attendees, questions and follow-ups."""
        rng = self.rng
        rows = VisitRows()
        zone = "Asia/Shanghai" if zh else _ZONES.get(account.currency, "Asia/Shanghai")
        ours = sorted({c.team_member_id for c in coverage} | {account.owner_id or ""} - {""})
        open_deals = [d.id for d in deals if d.status == "open"]
        past = rng.randint(1, 2) if group else rng.randint(5, 7)
        days = sorted(self.today - dt.timedelta(days=rng.randint(1, 180)) for _ in range(past))
        # One this week or the next (from today on), then a few in the weeks after.
        soon = self.today + dt.timedelta(
            days=rng.randint(0, max(0, (self.monday + dt.timedelta(days=13) - self.today).days))
        )
        later = [
            self.today + dt.timedelta(days=rng.randint(14, 70)) for _ in range(rng.randint(1, 3))
        ]
        everyone = list(people)
        for day in [*days, soon, *sorted(later)]:
            self._visit(rows, account.id, zh, zone, day, everyone, ours, open_deals)
        return rows

    def _visit(
        self,
        rows: VisitRows,
        account_id: str,
        zh: bool,
        zone: str,
        day: dt.date,
        people: list[Stakeholder],
        ours: list[str],
        deals: Sequence[str],
    ) -> None:
        rng = self.rng

        def pick(pairs: Sequence[tuple[str, str]]) -> str:
            return rng.choice(pairs)[0 if zh else 1]

        starts_wall = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 30))))
        starts = to_utc(starts_wall, zone)
        ends = starts + dt.timedelta(minutes=rng.choice((60, 90, 120)))
        status = "planned"
        if day < self.today:
            status = "cancelled" if rng.random() < 0.08 else "done"
        debrief = status == "done"
        made = dt.datetime.combine(day - dt.timedelta(days=rng.randint(2, 14)), dt.time(2), dt.UTC)
        visit = Visit(
            account_id=account_id,
            opportunity_id=rng.choice(deals) if deals and rng.random() < 0.7 else None,
            title=pick(_TITLES),
            starts_at=starts,
            ends_at=ends,
            time_zone=zone,
            place=pick(_PLACES),
            status=status,
            objective=pick(_OBJECTIVES),
            agenda=pick(_AGENDAS) if rng.random() < 0.8 else "",
            value_first=pick(_VALUE_FIRST),
            commitment_best=pick(_BEST),
            commitment_minimum=pick(_MINIMUM),
            outcome=pick(_OUTCOMES) if debrief else "",
            signals=pick(_SIGNALS) if debrief else "",
            notes=pick(_NOTES) if debrief else "",
            created_at=made,
            updated_at=made,
        )
        rows.visits.append(visit)
        # One or two of theirs, one of ours (now and then two), a question or two: enough
        # for every screen, and a 10,000-account book still writes in a few minutes.
        for person in rng.sample(people, min(len(people), rng.choice((1, 1, 2)))):
            rows.attendees.append(VisitAttendee(visit_id=visit.id, stakeholder_id=person.id))
        for member in rng.sample(ours, min(len(ours), rng.choice((1, 1, 1, 2)))):
            rows.team.append(VisitTeamMember(visit_id=visit.id, team_member_id=member))
        for question_id, _kind in rng.sample(self._bank, 1 if debrief else 2):
            rows.questions.append(
                VisitQuestion(
                    visit_id=visit.id,
                    question_id=question_id,
                    answer=pick(_ANSWERS) if debrief else "",
                )
            )
        if not debrief:
            return
        for _n in range(rng.choice((0, 1, 1, 2))):
            due = day + dt.timedelta(days=rng.randint(3, 21))
            # Most promises made were kept; a few recent ones are still open, overdue.
            kept = due < self.today and rng.random() < 0.8
            rows.follow_ups.append(
                FollowUp(
                    visit_id=visit.id,
                    account_id=account_id,
                    what=pick(_FOLLOW_UPS),
                    owner_id=rng.choice(ours) if ours else None,
                    due=due,
                    done=kept,
                )
            )

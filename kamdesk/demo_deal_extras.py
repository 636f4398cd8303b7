"""Who is on each demo deal, whom it competes against, and the objections raised.

The open deals of the first accounts (all of them in the default demo) get two to four of
their account's people with their role on the deal (mostly as on the card, now and then
different: the card's TB is the deal's EB), one or two competitors with their standing,
strengths, weaknesses and our differentiation, and on the later stages an objection with
the standard LSCPA answers of its type. A stream of its own keeps the rest of a seed's
book as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from sqlmodel import Session, select

from kamdesk.kinds.objection import STANDARD_ANSWERS
from kamdesk.models.deal_competitor import DealCompetitor
from kamdesk.models.deal_person import DealPerson
from kamdesk.models.objection import Objection
from kamdesk.models.opportunity import Opportunity
from kamdesk.models.tables import Account, Stakeholder

#: Only the deals of this many accounts get people, competitors and objections: enough
#: for every screen of a large book, without making a 10,000-account book slower still.
ACCOUNTS_WITH_EXTRAS = 200

#: (Chinese name, English name, strengths zh, strengths en, weaknesses zh, weaknesses en).
_RIVALS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "鼎信软件",
        "Dingxin Software",
        "本地服务团队大，报价灵活",
        "Large local service team, flexible pricing",
        "产品二次开发多，升级困难",
        "Heavy customisation makes upgrades hard",
    ),
    (
        "华拓科技",
        "Huatuo Tech",
        "与集团信息部关系深",
        "Close to the group's IT department",
        "交付周期长，案例集中在小客户",
        "Long delivery times; references are small firms",
    ),
    (
        "Kestrel Software",
        "Kestrel Software",
        "现有供应商，切换成本低",
        "Incumbent: low switching cost",
        "满意度下降，响应慢",
        "Satisfaction falling, slow to respond",
    ),
    (
        "Vantage Systems",
        "Vantage Systems",
        "国际品牌，功能全面",
        "Global brand, broad features",
        "价格高，本地化弱",
        "Expensive, weak localisation",
    ),
)
_DIFFERENTIATION = (
    ("同行业标杆案例和可量化的投资回报", "Reference cases in the industry and a measured ROI"),
    ("分阶段上线，首期三个月见效", "Phased roll-out: first results in three months"),
    ("本地交付团队加原厂支持", "Local delivery team backed by the vendor"),
)
_OBJECTIONS = (
    ("price", "价格比竞争对手高 15%", "Your price is 15% above the competitor's"),
    ("time", "今年没有预算，明年再说", "No budget this year; come back next year"),
    ("risk", "担心上线影响生产", "Worried the roll-out will disrupt production"),
    ("decision", "需要集团总部统一决策", "Group HQ has to decide this for everyone"),
)
_ROLES = ("EB", "UB", "TB", "COACH")
_LATE = (".commercial", ".closing", ".tender", ".negotiation", ".proposal")


def add_deal_extras(session: Session, rng: random.Random, today: dt.date) -> int:
    """Put people, competitors and objections on the open deals; returns how many rows."""
    accounts = session.exec(
        select(Account.id, Account.name).order_by(Account.created_at, Account.id)  # type: ignore[arg-type]
    ).all()
    added = 0
    for account_id, account_name in accounts[:ACCOUNTS_WITH_EXTRAS]:
        deals = session.exec(
            select(Opportunity).where(
                Opportunity.account_id == account_id, Opportunity.status == "open"
            )
        ).all()
        if not deals:
            continue
        people = session.exec(
            select(Stakeholder)
            .where(Stakeholder.account_id == account_id)
            .order_by(Stakeholder.name)
        ).all()
        zh = not account_name.isascii()
        for deal in deals:
            added += _people_on(session, rng, deal, people)
            added += _competitors_on(session, rng, deal, zh)
            if deal.stage.endswith(_LATE) and people:
                added += _objection_on(session, rng, deal, people, zh, today)
    return added


def _people_on(
    session: Session, rng: random.Random, deal: Opportunity, people: Sequence[Stakeholder]
) -> int:
    chosen = rng.sample(list(people), min(len(people), rng.randint(2, 4)))
    for person in chosen:
        role, force = person.buying_role, person.force
        if rng.random() < 0.15:  # the person plays another part on this deal
            role = rng.choice([r for r in _ROLES if r != role])
            force = ""
        session.add(
            DealPerson(
                opportunity_id=deal.id, stakeholder_id=person.id, buying_role=role,
                force=force, attitude=person.attitude, influence=person.influence,
            )
        )  # fmt: skip
    return len(chosen)


def _competitors_on(session: Session, rng: random.Random, deal: Opportunity, zh: bool) -> int:
    rivals = rng.sample(_RIVALS, rng.randint(1, 2))
    for name_zh, name_en, good_zh, good_en, bad_zh, bad_en in rivals:
        ours = rng.choice(_DIFFERENTIATION)
        session.add(
            DealCompetitor(
                opportunity_id=deal.id,
                name=name_zh if zh else name_en,
                standing=rng.choice(("leading", "level", "behind", "unknown")),
                strengths=good_zh if zh else good_en,
                weaknesses=bad_zh if zh else bad_en,
                differentiation=ours[0] if zh else ours[1],
            )
        )
    return len(rivals)


def _objection_on(
    session: Session,
    rng: random.Random,
    deal: Opportunity,
    people: Sequence[Stakeholder],
    zh: bool,
    today: dt.date,
) -> int:
    kind, said_zh, said_en = rng.choice(_OBJECTIONS)
    answers = STANDARD_ANSWERS[kind]
    step = 1 if zh else 0
    session.add(
        Objection(
            opportunity_id=deal.id,
            summary=said_zh if zh else said_en,
            type=kind,
            raised_by_id=rng.choice(list(people)).id,
            raised_on=today - dt.timedelta(days=rng.randint(3, 40)),
            status=rng.choice(("open", "handled")),
            listen=answers["listen"][step],
            sympathize=answers["sympathize"][step],
            confirm=answers["confirm"][step],
            process=answers["process"][step],
            assure=answers["assure"][step],
        )
    )
    return 1

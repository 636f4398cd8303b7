"""Objections (异议) on a deal, each handled in the five LSCPA steps.

LSCPA: listen, sympathize, confirm, process, assure. An objection's type (price, time,
risk, decision, other) has standard answers (domain.md: a price objection is met with the
total cost of ownership rather than the initial price, ROI and payback, a value
breakdown, a payment plan); choosing the type writes them into the steps the rep has not
filled, in the language the app is in at that moment, as a start to edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import FieldKind as F
from kamdesk.domain.fields import FieldSpec
from kamdesk.domain.vocabulary import VocabularyKind as V
from kamdesk.domain.vocabulary import terms
from kamdesk.i18n import CHINESE, N_, _, current_language
from kamdesk.kinds.base import Kind, ListColumn, ParentLink

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record


def _model() -> type[Record]:
    from kamdesk.models.objection import Objection

    return Objection


#: The five steps of handling an objection, in order.
STEPS: tuple[str, ...] = ("listen", "sympathize", "confirm", "process", "assure")

#: The standard answer of each step for each type: (English, Chinese).
STANDARD_ANSWERS: dict[str, dict[str, tuple[str, str]]] = {
    "price": {
        "listen": (
            "Let them say all of it: which figure, compared with what, and who finds it "
            "too high. Note their exact words.",
            "让客户把话说完：哪个数字、和什么比、谁觉得贵。记下客户的原话。",
        ),
        "sympathize": (
            "Acknowledge it: a budget is a real limit, and weighing the price carefully is right.",
            "表示理解：预算是真实的约束，认真比较价格是对的。",
        ),
        "confirm": (
            "Check what is behind it: \u201cIf the price were right, would anything else "
            "stop you?\u201d",
            "确认真正的顾虑：\u201c如果价格合适，还有其他问题会影响决定吗？\u201d",
        ),
        "process": (
            "Move from the initial price to the total cost of ownership (TCO); show the ROI "
            "and the payback period; break the price down by the value each part brings; "
            "offer a payment plan.",
            "从初始价格转向总拥有成本（TCO）；展示投资回报率（ROI）和回收期；"
            "按各部分带来的价值拆分报价；提供分期付款方案。",
        ),
        "assure": (
            "Check that this settles it, and agree the next step.",
            "确认这个答复打消了顾虑，并约定下一步。",
        ),
    },
    "time": {
        "listen": (
            "Ask what makes now hard: other projects, the budget's timing, people.",
            "了解现在为什么难：其他项目、预算时间、人手。",
        ),
        "sympathize": (
            "Acknowledge the load: a change on top of running projects is a real burden.",
            "表示理解：在进行中的项目之上再做变革确实是负担。",
        ),
        "confirm": (
            "Confirm it is the timing, not the solution: \u201cIf it could start small, "
            "would now work?\u201d",
            "确认是时间问题而不是方案问题：\u201c如果可以从小范围开始，现在是否可行？\u201d",
        ),
        "process": (
            "Propose a phased rollout; start with the most urgent part; set milestones the "
            "customer can check.",
            "提出分阶段实施；先从最紧迫的部分做起；设定客户可以检查的里程碑。",
        ),
        "assure": (
            "Agree the first phase and its date.",
            "约定第一阶段的内容和时间。",
        ),
    },
    "risk": {
        "listen": (
            "Find out which risk they fear: the technology, the supplier, the project, or "
            "their own position.",
            "弄清客户担心哪种风险：技术、供应商、项目，还是个人的位置。",
        ),
        "sympathize": (
            "Acknowledge that a wrong choice would cost them; caution is reasonable.",
            "表示理解：选错的代价很大，谨慎是合理的。",
        ),
        "confirm": (
            "Confirm the risk in their words: \u201cSo the main worry is \u2026?\u201d",
            "用客户的话确认风险：\u201c所以您主要担心的是……？\u201d",
        ),
        "process": (
            "Offer a pilot; show reference cases of similar customers; share the risk "
            "(guarantees, paying by results); include an exit clause.",
            "提供试点；展示同类客户的参考案例；分担风险（保证条款、按效果付款）；加入退出条款。",
        ),
        "assure": (
            "Agree how the pilot's success will be judged.",
            "约定评判试点成功的标准。",
        ),
    },
    "decision": {
        "listen": (
            "Ask who else decides, how, and what they still need to see.",
            "了解还有谁参与决策、如何决策、还需要看到什么。",
        ),
        "sympathize": (
            "Acknowledge that a decision this size needs others on board.",
            "表示理解：这么大的决定需要其他人认同。",
        ),
        "confirm": (
            "Confirm what the decision lacks: \u201cWhat would they need to see to say yes?\u201d",
            "确认决策还缺什么：\u201c他们需要看到什么才会同意？\u201d",
        ),
        "process": (
            "Provide decision-support material; help the internal champion make the case; "
            "bring a third-party endorsement; split the decision into smaller ones.",
            "提供决策支持材料；帮助内部支持者推动；引入第三方背书；把大决策拆分成小决策。",
        ),
        "assure": (
            "Agree who presents it to whom, and when.",
            "约定由谁、在何时向谁汇报。",
        ),
    },
    "other": {
        "listen": (
            "Let them finish, and note their exact words.",
            "让客户把话说完，记下客户的原话。",
        ),
        "sympathize": (
            "Acknowledge the concern without arguing.",
            "不争辩，先认可客户的顾虑。",
        ),
        "confirm": (
            "Restate it and check: \u201cIf I understood right, your main concern is \u2026?\u201d",
            "复述并确认：\u201c如果我理解没错，您主要担心的是……？\u201d",
        ),
        "process": (
            "Answer the concern itself, with facts the customer can check.",
            "针对顾虑本身作答，用客户能核实的事实说话。",
        ),
        "assure": (
            "Check that this settles it, and agree the next step.",
            "确认这个答复打消了顾虑，并约定下一步。",
        ),
    },
}

#: Every standard text, in both languages: a step holding one is still the suggestion,
#: and another type's answer (or the other language's) may replace it.
_SUGGESTED: frozenset[str] = frozenset(
    text for answers in STANDARD_ANSWERS.values() for pair in answers.values() for text in pair
)


def standard_answer(objection_type: str, step: str) -> str:
    """The standard answer of ``step`` for ``objection_type``, in the current language."""
    english, chinese = STANDARD_ANSWERS[objection_type][step]
    return chinese if current_language() == CHINESE else english


def suggest(edited: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Choosing a type fills each step still empty (or still a standard answer)."""
    chosen = str(values.get("type") or "")
    if edited != "type" or chosen not in STANDARD_ANSWERS:
        return {}
    return {
        step: standard_answer(chosen, step)
        for step in STEPS
        if not str(values.get(step) or "").strip() or str(values[step]).strip() in _SUGGESTED
    }


def check_raised_by(
    session: Session, record_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    """Whoever raised it is one of the deal's account's people."""
    if not values.get("raised_by_id"):
        return {}
    from kamdesk.models import Opportunity, Stakeholder
    from kamdesk.models.objection import Objection

    stored = session.get(Objection, record_id) if record_id is not None else None
    deal_id = stored.opportunity_id if stored is not None else values.get("opportunity_id")
    deal = session.get(Opportunity, deal_id) if deal_id else None
    person = session.get(Stakeholder, values["raised_by_id"])
    if deal is not None and person is not None and person.account_id != deal.account_id:
        return {
            "raised_by_id": _("{name} is not one of this deal's account's people.").format(
                name=person.name
            )
        }
    return {}


OBJECTION = Kind(
    name="objection",
    label=N_("objection"),
    plural=N_("Objections"),
    model=_model,
    parent=ParentLink("opportunity", "opportunity_id"),
    fields=(
        FieldSpec("summary", N_("Objection"), F.TEXT, required=True),
        FieldSpec("type", N_("Type"), F.CHOICE, True, V.OBJECTION_TYPE),
        FieldSpec("raised_by_id", N_("Raised by"), F.STAKEHOLDER),
        FieldSpec("raised_on", N_("Raised on"), F.DATE),
        FieldSpec("status", N_("Status"), F.CHOICE, True, V.OBJECTION_STATUS),
        FieldSpec("listen", N_("Listen"), F.LONG_TEXT),
        FieldSpec("sympathize", N_("Sympathize"), F.LONG_TEXT),
        FieldSpec("confirm", N_("Confirm"), F.LONG_TEXT),
        FieldSpec("process", N_("Process"), F.LONG_TEXT),
        FieldSpec("assure", N_("Assure"), F.LONG_TEXT),
    ),
    order_by=("raised_on", "summary"),
    list_columns=(
        ListColumn("summary", 0.34),
        ListColumn("type", 0.14),
        ListColumn("raised_by_id", 0.2),
        ListColumn("raised_on", 0.16),
        ListColumn("status", 0.16),
    ),
    suggest=suggest,
    book_check=check_raised_by,
    defaults={"status": "open"},
    title_field="summary",
    shown_on="opportunity",
    position=30,
    vocabulary=(
        *terms(
            V.OBJECTION_TYPE,
            ("price", "Price", "价格"),
            ("time", "Timing", "时间"),
            ("risk", "Risk", "风险"),
            ("decision", "Decision", "决策"),
            ("other", "Other", "其他"),
        ),
        *terms(
            V.OBJECTION_STATUS,
            ("open", "Open", "待处理"),
            ("handled", "Handled", "已处理"),
        ),
    ),
)

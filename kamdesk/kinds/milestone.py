"""Milestones (里程碑方法): per stage, what the customer must decide before buying.

The milestone method lists, from the customer's side, every decision the customer has to
make on the way to buying ("the customer agrees there is a problem worth solving"); each
visit answers one or more of them, in order, so before a visit the rep knows how far the
deal has come. A deal's checklist starts from its stage model's templates (the team's,
kept in the book: ``MilestoneTemplate``, seeded from ``DEFAULT_TEMPLATES``), made in the
transaction that makes the deal or moves it to another stage model; the rep then adds,
rewords, ticks and deletes milestones on that deal alone.

A milestone's stage is a stage of its deal's own model; its ``position`` keeps the
checklist in stage order and is kept here, not typed; ticking it dates it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from kamdesk.domain.fields import FieldKind as F
from kamdesk.domain.fields import FieldSpec
from kamdesk.domain.vocabulary import VOCABULARY_NAMESPACE
from kamdesk.domain.vocabulary import VocabularyKind as V
from kamdesk.i18n import N_, _, current_language
from kamdesk.kinds.base import Kind, ListColumn, ParentLink
from kamdesk.kinds.opportunity import OPPORTUNITY

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record
    from kamdesk.models.milestone import Milestone
    from kamdesk.models.opportunity import Opportunity


def _model() -> type[Record]:
    from kamdesk.models.milestone import Milestone

    return Milestone


def stage_model_of(stage: str) -> str:
    """The stage model a stage belongs to (``compass.intent`` → ``compass``)."""
    return stage.split(".", 1)[0]


def _stages() -> dict[str, tuple[str, ...]]:
    stages: dict[str, list[str]] = {}
    for term in OPPORTUNITY.vocabulary:
        if term.kind is V.DEAL_STAGE:
            stages.setdefault(stage_model_of(term.code), []).append(term.code)
    return {model: tuple(codes) for model, codes in stages.items()}


#: The stages of each stage model, first to last, as the deal's declaration lists them.
STAGES: dict[str, tuple[str, ...]] = _stages()

#: Positions of a stage's milestones start at its rank × this: the checklist's order is
#: its stages' order, whatever order milestones were added in.
STAGE_STEP = 1000
#: Likewise for the stage models, in the team's list of templates.
MODEL_STEP = 100 * STAGE_STEP


def stage_rank(stage: str) -> int:
    """Where ``stage`` comes in its model, from 0 (an unknown stage comes last)."""
    stages = STAGES.get(stage_model_of(stage), ())
    return stages.index(stage) if stage in stages else len(stages)


class Template(NamedTuple):
    """One default milestone of a stage, in English and Chinese."""

    stage: str
    text_en: str
    text_zh: str

    def text(self, language: str) -> str:
        """The wording in ``language`` (``zh_CN`` or English)."""
        return self.text_zh if language == "zh_CN" else self.text_en


def template_position(stage: str, index: int) -> int:
    """Where the ``index``-th template of ``stage`` comes in the team's list of templates.

    Models in the order they are offered, then stages first to last, then as listed:
    the list reads as the checklists do.
    """
    model_rank = (
        list(STAGES).index(stage_model_of(stage))
        if stage_model_of(stage) in STAGES
        else len(STAGES)
    )
    return model_rank * MODEL_STEP + stage_rank(stage) * STAGE_STEP + index


def template_id(stage: str, index: int) -> str:
    """The row id every device gives the ``index``-th default template of ``stage``."""
    import uuid

    return str(uuid.uuid5(uuid.UUID(VOCABULARY_NAMESPACE), f"milestone_template:{stage}:{index}"))


def _stage(stage: str, *rows: tuple[str, str]) -> list[Template]:
    return [Template(stage, en, zh) for en, zh in rows]


#: The default checklists, written from the customer's side: what the customer decides,
#: agrees or does, never what we do. The compass model follows the sales compass's four
#: stages; the project model the six key checkpoints (关键节点) of project sales and the
#: customer's six buying steps they mirror. Migration 0009 seeds a frozen copy; a test
#: keeps the two equal.
DEFAULT_TEMPLATES: tuple[Template, ...] = (
    *_stage(
        "compass.intent",
        ("The customer agrees there is a problem worth solving", "客户确认存在需要解决的问题"),
        (
            "The customer has said what the problem costs the business",
            "客户说明了问题对业务造成的影响",
        ),
        ("The customer agrees to explore a solution with us", "客户同意与我们一起探讨解决方案"),
        ("A contact at the customer agrees to guide us (coach)", "客户方有人愿意指导我们（教练）"),
    ),
    *_stage(
        "compass.solution",
        (
            "The customer has confirmed the requirements and selection criteria",
            "客户确认了需求和选型标准",
        ),
        ("The users agree the solution solves their problem", "使用部门认可方案能解决他们的问题"),
        (
            "The technical buyers accept the solution as workable",
            "技术选型者认可方案技术上可行",
        ),
        ("The customer accepts the value we quantified (ROI)", "客户认可我们量化的价值（ROI）"),
    ),
    *_stage(
        "compass.commercial",
        ("The customer has confirmed the budget and its source", "客户确认了预算及资金来源"),
        (
            "The customer has explained the purchasing process and approvals",
            "客户说明了采购流程和审批环节",
        ),
        ("The economic buyer agrees to go ahead", "最终决策者同意推进"),
        ("The customer accepts the price and payment terms", "客户接受了价格和付款条件"),
    ),
    *_stage(
        "compass.closing",
        ("The customer has chosen us as supplier", "客户选定我们为供应商"),
        (
            "The customer's legal and purchasing teams agree the contract",
            "客户的法务和采购认可合同条款",
        ),
        ("The customer has signed the contract", "客户签署了合同"),
        (
            "The customer has fixed the start date and delivery team",
            "客户确定了启动日期和实施团队",
        ),
    ),
    *_stage(
        "project.development",
        ("The customer confirms a need that calls for a project", "客户确认存在需要立项解决的需求"),
        (
            "The customer has shared the scope, budget range and timetable",
            "客户提供了项目范围、预算区间和时间表",
        ),
        ("The customer has told us who takes part in the decision", "客户告知了参与决策的人员"),
    ),
    *_stage(
        "project.approval",
        ("The customer has approved the project internally", "客户内部已正式立项"),
        ("The customer confirms the budget is approved", "客户确认预算已获批准"),
        ("The customer has put us on the supplier shortlist", "客户将我们列入候选供应商"),
    ),
    *_stage(
        "project.proposal",
        (
            "The customer has confirmed the purchase criteria and scoring",
            "客户确认了采购标准和评分方式",
        ),
        (
            "The key decision makers have heard our proposal presented",
            "客户的关键决策人听取了我们的方案汇报",
        ),
        ("The customer agrees our proposal meets the requirements", "客户认可我们的方案满足要求"),
        ("The customer accepts the value we quantified (ROI)", "客户认可我们量化的价值（ROI）"),
    ),
    *_stage(
        "project.tender",
        (
            "The customer has chosen open tender or negotiated bid",
            "客户确定了采购方式（公开招标或议标）",
        ),
        ("The customer's tender documents fit our proposal", "客户的招标文件与我们的方案相符"),
        ("The customer's evaluation panel has scored the bids", "客户的评标委员会完成了评审"),
        ("The customer has told us we won the bid", "客户通知我们中标"),
    ),
    *_stage(
        "project.negotiation",
        ("The customer accepts the price and payment terms", "客户接受了价格和付款条件"),
        ("The customer's legal team agrees the contract terms", "客户的法务认可合同条款"),
        ("The customer's contract approval is complete", "客户完成了合同审批"),
        ("The customer has signed the contract", "客户签署了合同"),
    ),
    *_stage(
        "project.implementation",
        (
            "The customer has agreed the delivery plan and who does what",
            "客户确认了实施计划和双方职责",
        ),
        ("The customer has signed off each delivery stage", "客户确认了各阶段交付成果"),
        ("The customer has accepted the project", "客户完成了项目验收"),
        (
            "The customer closes the project and pays the final instalment",
            "客户同意结项并支付尾款",
        ),
    ),
)


def default_templates(stage_model: str) -> list[Template]:
    """The default checklist of ``stage_model``, in stage order."""
    return [t for t in DEFAULT_TEMPLATES if stage_model_of(t.stage) == stage_model]


# Keeping a deal's checklist ------------------------------------------------------------


def _live_milestones(session: Session, deal_id: str) -> list[Milestone]:
    from sqlmodel import col, select

    from kamdesk.models.milestone import Milestone

    statement = select(Milestone).where(
        Milestone.opportunity_id == deal_id, col(Milestone.deleted_at).is_(None)
    )
    return list(session.exec(statement))


def _from_templates(session: Session, deal: Opportunity) -> None:
    """Add the checklist of the deal's stage model, from the team's templates."""
    from sqlmodel import col, select

    from kamdesk.models.milestone import Milestone, MilestoneTemplate

    model = deal.stage_model
    statement = select(MilestoneTemplate).where(
        col(MilestoneTemplate.stage).startswith(f"{model}."),
        col(MilestoneTemplate.deleted_at).is_(None),
        col(MilestoneTemplate.archived).is_(False),
    )
    templates = sorted(session.exec(statement), key=lambda t: (stage_rank(t.stage), t.position))
    zh = current_language().code == "zh_CN"
    counts: dict[str, int] = {}
    for template in templates:
        if template.stage not in STAGES.get(model, ()):
            continue  # a template of a stage the book no longer knows
        index = counts[template.stage] = counts.get(template.stage, -1) + 1
        # A template written in one language only gives that wording in either.
        text = (
            (template.text_zh or template.text_en) if zh else (template.text_en or template.text_zh)
        )
        session.add(
            Milestone(
                opportunity_id=deal.id,
                stage=template.stage,
                text=text,
                position=stage_rank(template.stage) * STAGE_STEP + index,
            )
        )


def _switch_model(session: Session, deal: Opportunity) -> None:
    """The deal moved to another stage model: its checklist follows.

    The milestones of the old model are deleted together (tombstones, one moment); the
    new model's, if the deal had it before, come back as they were, ticks and all (so
    undoing the switch loses nothing), else they are made from its templates.
    """
    from sqlmodel import col, select

    from kamdesk.models import utc_now
    from kamdesk.models.milestone import Milestone

    now = utc_now()
    for milestone in _live_milestones(session, deal.id):
        if stage_model_of(milestone.stage) != deal.stage_model:
            milestone.deleted_at = now
    statement = select(Milestone).where(
        Milestone.opportunity_id == deal.id,
        col(Milestone.stage).startswith(f"{deal.stage_model}."),
        col(Milestone.deleted_at).is_not(None),
    )
    earlier = list(session.exec(statement))
    if earlier:
        # Those deleted when the deal last left this model (the latest deletion among
        # them); one the rep deleted before that stays deleted.
        left = max(m.deleted_at for m in earlier if m.deleted_at is not None)
        for milestone in earlier:
            if milestone.deleted_at == left:
                milestone.deleted_at = None
    elif not any(
        stage_model_of(m.stage) == deal.stage_model for m in _live_milestones(session, deal.id)
    ):
        _from_templates(session, deal)


def seed_milestones(session: Session, deal: Record, before: dict[str, Any]) -> None:
    """Give a new deal its checklist, and a deal switching stage model the new model's.

    Called in the deal's own transaction (``OPPORTUNITY.after_write``): a deal is never
    seen without its milestones.
    """
    if "stage_model" not in before:
        return
    from kamdesk.models.opportunity import Opportunity

    assert isinstance(deal, Opportunity)
    if before["stage_model"] is None:
        _from_templates(session, deal)
    elif before["stage_model"] != deal.stage_model:
        session.flush()  # the milestones' queries must see the deal's new model
        _switch_model(session, deal)


def keep_in_order(session: Session, milestone: Record, before: dict[str, Any]) -> None:
    """Place a new or re-staged milestone last in its stage; keep its tick and date agreeing.

    Ticking dates it today (unless a day is given); a day given to one not ticked ticks
    it; unticking clears the day. What this changes besides the user's edit is added to
    ``before`` (the values undo writes back), so undoing an untick brings the day back.
    """
    from kamdesk.models.milestone import Milestone

    assert isinstance(milestone, Milestone)
    if "stage" in before:
        others = [
            m.position
            for m in _live_milestones(session, milestone.opportunity_id)
            if m.id != milestone.id and m.stage == milestone.stage
        ]
        start = stage_rank(milestone.stage) * STAGE_STEP
        milestone.position = max(others) + 1 if others else start
    if milestone.done and milestone.done_on is None:
        if "done" in before:
            milestone.done_on = dt.date.today()
    elif not milestone.done and milestone.done_on is not None:
        if "done" in before and before["done"] is not None:
            before.setdefault("done_on", milestone.done_on)
            milestone.done_on = None
        else:
            before.setdefault("done", milestone.done)
            milestone.done = True


def _stage_of_the_deals_model(
    session: Session, milestone_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    """A milestone's stage must be one of its deal's stage model."""
    stage = values.get("stage")
    if not stage:
        return {}
    from kamdesk.models.milestone import Milestone
    from kamdesk.models.opportunity import Opportunity

    deal_id = values.get("opportunity_id")
    if milestone_id is not None:
        stored = session.get(Milestone, milestone_id)
        deal_id = stored.opportunity_id if stored is not None else None
    deal = session.get(Opportunity, deal_id) if deal_id else None
    if deal is not None and stage_model_of(str(stage)) != deal.stage_model:
        return {"stage": _("This stage is not one of the deal's stage model: choose another.")}
    return {}


def _not_done_ahead(values: Mapping[str, Any]) -> dict[str, str]:
    done_on = values.get("done_on")
    if isinstance(done_on, dt.date) and done_on > dt.date.today():
        return {"done_on": _("A milestone cannot be done on a day still to come.")}
    return {}


def suggest(edited: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Ticking Done dates it today; unticking clears the date."""
    if edited != "done":
        return {}
    if values.get("done"):
        return {} if values.get("done_on") else {"done_on": dt.date.today()}
    return {"done_on": None}


MILESTONE = Kind(
    name="milestone",
    label=N_("milestone"),
    plural=N_("Milestones"),
    model=_model,
    parent=ParentLink("opportunity", "opportunity_id"),
    fields=(
        FieldSpec("stage", N_("Stage"), F.CHOICE, True, V.DEAL_STAGE),
        FieldSpec("text", N_("Milestone"), F.TEXT, required=True),
        FieldSpec("done", N_("Done"), F.FLAG),
        FieldSpec("done_on", N_("Done on"), F.DATE),
    ),
    order_by=("position",),
    list_columns=(
        ListColumn("stage", 0.18),
        ListColumn("text", 0.56),
        ListColumn("done", 0.1),
        ListColumn("done_on", 0.16),
    ),
    search_text=(),
    checks=(_not_done_ahead,),
    book_check=_stage_of_the_deals_model,
    after_write=keep_in_order,
    suggest=suggest,
    defaults={"done": False},
    from_parent=("stage",),
    title_field="text",
    shown_on="opportunity",
    position=40,
    # The deal's stages, which the deals' migration seeds: milestones bring no list.
    vocabulary=tuple(t for t in OPPORTUNITY.vocabulary if t.kind is V.DEAL_STAGE),
)


# The team's templates -------------------------------------------------------------------


def _template_model() -> type[Record]:
    from kamdesk.models.milestone import MilestoneTemplate

    return MilestoneTemplate


def _template_in_order(session: Session, template: Record, before: dict[str, Any]) -> None:
    """Place a new or re-staged template last among its stage's."""
    if "stage" not in before:
        return
    from sqlmodel import col, select

    from kamdesk.models.milestone import MilestoneTemplate

    assert isinstance(template, MilestoneTemplate)
    statement = select(MilestoneTemplate.position).where(
        MilestoneTemplate.stage == template.stage,
        MilestoneTemplate.id != template.id,
        col(MilestoneTemplate.deleted_at).is_(None),
    )
    others = list(session.exec(statement))
    template.position = max(others) + 1 if others else template_position(template.stage, 0)


def _worded(values: Mapping[str, Any]) -> dict[str, str]:
    if not values.get("text_en") and not values.get("text_zh"):
        return {"text_en": _("Write the milestone in English, in Chinese or in both.")}
    return {}


#: The team's templates: what every new deal's checklist starts from. Team → Milestone
#: templates… lists them; an edit changes the deals made afterwards, not those made.
MILESTONE_TEMPLATE = Kind(
    name="milestone_template",
    label=N_("milestone template"),
    plural=N_("Milestone templates"),
    model=_template_model,
    fields=(
        FieldSpec("stage", N_("Stage"), F.CHOICE, True, V.DEAL_STAGE),
        FieldSpec("text_en", N_("Milestone (English)"), F.TEXT),
        FieldSpec("text_zh", N_("Milestone (Chinese)"), F.TEXT),
        FieldSpec("archived", N_("Archived (new deals do without it)"), F.FLAG),
    ),
    order_by=("position",),
    list_columns=(
        ListColumn("stage", 0.16),
        ListColumn("text_en", 0.4),
        ListColumn("text_zh", 0.32),
        ListColumn("archived", 0.12),
    ),
    checks=(_worded,),
    after_write=_template_in_order,
    defaults={"archived": False},
    title_field="text_en",
    # The deal's stages, which the deals' migration seeds.
    vocabulary=MILESTONE.vocabulary,
)

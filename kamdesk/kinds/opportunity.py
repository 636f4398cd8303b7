"""Opportunities (商机): a deal at an account, moving through the stages of a stage model.

Two stage models ship: the sales compass (销售罗盘: intent → solution → commercial →
closing) and the six-stage project model (客户开发 … 工程实施); each deal picks one. A
stage change is kept as history (``StageChange``), so a rep sees how long a deal sat in
each stage. Amount and currency are one value: they merge and sync together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import FieldKind as F
from kamdesk.domain.fields import FieldSpec
from kamdesk.domain.vocabulary import VocabularyKind as V
from kamdesk.domain.vocabulary import terms
from kamdesk.i18n import N_, _
from kamdesk.kinds.base import Kind, ListColumn, MergeGroup, ParentLink, Tally

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record


def _model() -> type[Record]:
    from kamdesk.models.opportunity import Opportunity

    return Opportunity


#: The probability a stage suggests, in percent (the rep may override it per deal).
STAGE_PROBABILITY: dict[str, int] = {
    "compass.intent": 10,
    "compass.solution": 30,
    "compass.commercial": 60,
    "compass.closing": 90,
    "project.development": 5,
    "project.approval": 15,
    "project.proposal": 30,
    "project.tender": 50,
    "project.negotiation": 75,
    "project.implementation": 95,
}

#: The first stage of each stage model: where a new deal, or a deal switching model, starts.
FIRST_STAGE: dict[str, str] = {"compass": "compass.intent", "project": "project.development"}


def suggest(edited: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """What a form fills in as the user edits: a stage's probability, a closed deal's."""
    if edited == "stage_model":
        stage = FIRST_STAGE.get(str(values.get("stage_model") or ""))
        if stage and not str(values.get("stage") or "").startswith(f"{values['stage_model']}."):
            return {"stage": stage, "probability": STAGE_PROBABILITY[stage]}
    if edited == "stage" and values.get("stage") in STAGE_PROBABILITY:
        return {"probability": STAGE_PROBABILITY[str(values["stage"])]}
    if edited == "status" and values.get("status") in ("won", "lost"):
        return {"probability": 100 if values["status"] == "won" else 0}
    return {}


def record_stage_change(session: Session, deal: Record, before: dict[str, Any]) -> None:
    """Add the deal's move to its stage history, in the transaction that moved it.

    A new deal's first entry comes from "" (every value of a new record is "before"
    None); an edit that leaves the stage alone adds nothing. An undone stage change is a
    move back, and is kept as one: the history says what the deal went through.
    """
    if "stage" not in before:
        return
    from kamdesk.models.opportunity import Opportunity, StageChange

    assert isinstance(deal, Opportunity)
    session.add(
        StageChange(
            opportunity_id=deal.id,
            account_id=deal.account_id,
            from_stage=before["stage"] or "",
            to_stage=deal.stage,
        )
    )


def after_write(session: Session, deal: Record, before: dict[str, Any]) -> None:
    """What follows a deal's write in its transaction: its stage history, its milestones."""
    record_stage_change(session, deal, before)
    # Imported here: the milestones' declaration reads this module's stages.
    from kamdesk.kinds.milestone import seed_milestones

    seed_milestones(session, deal, before)


def _reason_needs_an_outcome(values: Mapping[str, Any]) -> dict[str, str]:
    if values.get("outcome_reason") and values.get("status") == "open":
        return {"outcome_reason": _("An open deal has no win or loss reason yet.")}
    return {}


OPPORTUNITY = Kind(
    name="opportunity",
    label=N_("deal"),
    plural=N_("Deals"),
    model=_model,
    parent=ParentLink("account", "account_id"),
    fields=(
        FieldSpec("name", N_("Deal"), F.TEXT, required=True),
        FieldSpec("owner_id", N_("Owner"), F.TEAM_MEMBER),
        FieldSpec("amount_minor", N_("Amount"), F.MONEY),
        FieldSpec("currency", N_("Currency"), F.CURRENCY, required=True),
        FieldSpec("expected_close", N_("Expected close"), F.DATE),
        FieldSpec("stage_model", N_("Stage model"), F.CHOICE, True, V.STAGE_MODEL),
        FieldSpec("stage", N_("Stage"), F.CHOICE, True, V.DEAL_STAGE, narrowed_by="stage_model"),
        FieldSpec("probability", N_("Probability"), F.PERCENT),  # the field shows its "%"
        FieldSpec("status", N_("Status"), F.CHOICE, True, V.DEAL_STATUS),
        FieldSpec(
            "outcome_reason", N_("Win or loss reason"), F.CHOICE, vocabulary=V.OUTCOME_REASON
        ),
        FieldSpec("notes", N_("Notes"), F.LONG_TEXT),
    ),
    order_by=("expected_close", "name"),
    list_columns=(
        ListColumn("name", 0.18),
        ListColumn("stage", 0.16),
        ListColumn("amount_minor", 0.14),
        ListColumn("expected_close", 0.12),
        ListColumn("probability", 0.08),
        ListColumn("owner_id", 0.14),
        ListColumn("status", 0.10),
        ListColumn("progress", 0.08),
    ),
    # The milestones ticked of the deal's checklist (里程碑), "3/12".
    tallies=(Tally("progress", N_("Progress"), "milestone", "done"),),
    search_text=("name", "notes"),
    merge_groups=(MergeGroup("amount", ("amount_minor", "currency")),),
    checks=(_reason_needs_an_outcome,),
    after_write=after_write,
    suggest=suggest,
    defaults={
        "stage_model": "compass",
        "stage": "compass.intent",
        "probability": STAGE_PROBABILITY["compass.intent"],
        "status": "open",
    },
    shown_on="account",
    position=10,
    vocabulary=(
        *terms(
            V.STAGE_MODEL,
            ("compass", "Sales compass (4 stages)", "销售罗盘（四阶段）"),
            ("project", "Project sales (6 stages)", "项目型销售（六阶段）"),
        ),
        *terms(
            V.DEAL_STAGE,
            ("compass.intent", "Intent", "意向"),
            ("compass.solution", "Solution", "方案"),
            ("compass.commercial", "Commercial", "商务"),
            ("compass.closing", "Closing", "成交"),
            ("project.development", "Development", "客户开发"),
            ("project.approval", "Project approval", "立项"),
            ("project.proposal", "Proposal", "提案"),
            ("project.tender", "Tender / bid", "招投标"),
            ("project.negotiation", "Negotiation", "商务谈判"),
            ("project.implementation", "Implementation", "工程实施"),
        ),
        *terms(
            V.DEAL_STATUS,
            ("open", "Open", "进行中"),
            ("won", "Won", "赢单"),
            ("lost", "Lost", "丢单"),
        ),
        *terms(
            V.OUTCOME_REASON,
            ("value", "Value proven (ROI)", "价值得到认可（ROI）"),
            ("relationship", "Relationship", "客户关系"),
            ("solution_fit", "Solution fit", "方案匹配度"),
            ("price", "Price", "价格"),
            ("competitor", "Competitor preferred", "客户选择了竞争对手"),
            ("no_decision", "No decision / postponed", "客户未决策或推迟"),
        ),
    ),
)

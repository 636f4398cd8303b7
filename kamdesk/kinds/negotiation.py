"""Negotiation preparation on a deal: the plan, the concessions, who plays which role.

Before a negotiation the rep writes down, for price, payment and delivery, the best
outcome, the one expected and the walk-away point below which we do not sign, and the
BATNA of each side (what we and the customer do if there is no agreement). Concessions
are planned in order, each with what we ask in return: a concession is never given for
nothing. Each of our people at the table has a part (lead negotiator, technical,
finance, legal, decision maker).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import FieldKind as F
from kamdesk.domain.fields import FieldSpec
from kamdesk.domain.vocabulary import VocabularyKind as V
from kamdesk.domain.vocabulary import terms
from kamdesk.i18n import N_, _
from kamdesk.kinds.base import Kind, ListColumn, MergeGroup, ParentLink

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record


def _plan_model() -> type[Record]:
    from kamdesk.models.negotiation import NegotiationPlan

    return NegotiationPlan


def _concession_model() -> type[Record]:
    from kamdesk.models.negotiation import Concession

    return Concession


def _role_model() -> type[Record]:
    from kamdesk.models.negotiation import NegotiationRole

    return NegotiationRole


#: The three prices, highest first: we are selling, so the best is the highest.
PRICES: tuple[str, ...] = ("price_best_minor", "price_expected_minor", "price_walk_away_minor")


def prices_in_order(values: Mapping[str, Any]) -> dict[str, str]:
    """Best ≥ expected ≥ walk-away: a walk-away above the expected price is a typo.

    Only the prices given are compared (a rep may know the walk-away point before the
    expected one); the message goes on the lower of the two that disagree.
    """
    given = [(name, values.get(name)) for name in PRICES]
    known = [(name, value) for name, value in given if isinstance(value, int)]
    labels = {
        "price_best_minor": N_("best price"),
        "price_expected_minor": N_("expected price"),
        "price_walk_away_minor": N_("walk-away price"),
    }
    for (higher, high), (lower, low) in itertools.pairwise(known):
        if low > high:
            return {
                lower: _("The {lower} cannot be above the {higher}: we are selling.").format(
                    lower=_(labels[lower]), higher=_(labels[higher])
                )
            }
    return {}


def one_plan_per_deal(
    session: Session, record_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    """A deal has one negotiation plan: a second would leave the team two walk-away points."""
    if record_id is not None:
        return {}
    from sqlmodel import select

    from kamdesk.models.negotiation import NegotiationPlan

    taken = session.exec(
        select(NegotiationPlan.id).where(
            NegotiationPlan.opportunity_id == values.get("opportunity_id"),
            NegotiationPlan.deleted_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if taken is None:
        return {}
    return {"price_expected_minor": _("This deal already has a negotiation plan: edit that one.")}


NEGOTIATION_PLAN = Kind(
    name="negotiation_plan",
    label=N_("negotiation plan"),
    plural=N_("Negotiation plan"),
    model=_plan_model,
    parent=ParentLink("opportunity", "opportunity_id"),
    fields=(
        FieldSpec("price_best_minor", N_("Price: best"), F.MONEY),
        FieldSpec("price_expected_minor", N_("Price: expected"), F.MONEY),
        FieldSpec("price_walk_away_minor", N_("Price: walk-away"), F.MONEY),
        FieldSpec("currency", N_("Currency"), F.CURRENCY, required=True),
        FieldSpec("payment_best", N_("Payment terms: best"), F.TEXT),
        FieldSpec("payment_expected", N_("Payment terms: expected"), F.TEXT),
        FieldSpec("payment_walk_away", N_("Payment terms: walk-away"), F.TEXT),
        FieldSpec("delivery_best", N_("Delivery: best"), F.TEXT),
        FieldSpec("delivery_expected", N_("Delivery: expected"), F.TEXT),
        FieldSpec("delivery_walk_away", N_("Delivery: walk-away"), F.TEXT),
        FieldSpec("our_batna", N_("Our BATNA"), F.LONG_TEXT),
        FieldSpec("their_batna", N_("The customer's BATNA"), F.LONG_TEXT),
        FieldSpec("notes", N_("Notes"), F.LONG_TEXT),
    ),
    order_by=("created_at",),
    list_columns=(
        ListColumn("price_best_minor", 0.17),
        ListColumn("price_expected_minor", 0.17),
        ListColumn("price_walk_away_minor", 0.17),
        ListColumn("payment_expected", 0.22),
        ListColumn("delivery_expected", 0.22),
        ListColumn("our_batna", 0.25, hidden=True),
        ListColumn("their_batna", 0.25, hidden=True),
    ),
    merge_groups=(
        MergeGroup(
            "price",
            ("price_best_minor", "price_expected_minor", "price_walk_away_minor", "currency"),
        ),
    ),
    checks=(prices_in_order,),
    book_check=one_plan_per_deal,
    title_field="price_expected_minor",
    shown_on="opportunity",
    position=50,
)


def value_has_currency(values: Mapping[str, Any]) -> dict[str, str]:
    """A value needs its currency (a concession of no money, such as a faster delivery, not)."""
    if values.get("value_minor") is None or str(values.get("currency") or "").strip():
        return {}
    return {"currency": _("Choose the currency of the value.")}


def place_last(session: Session, concession: Record, before: dict[str, Any]) -> None:
    """A new concession goes last in its deal's plan: the plan reads in the order made."""
    from sqlalchemy import func
    from sqlmodel import select

    from kamdesk.models.negotiation import Concession

    assert isinstance(concession, Concession)
    if concession.position:
        return
    last = session.exec(
        select(func.max(Concession.position)).where(
            Concession.opportunity_id == concession.opportunity_id,
            Concession.id != concession.id,
        )
    ).one()
    concession.position = int(last or 0) + 1


CONCESSION = Kind(
    name="concession",
    label=N_("concession"),
    plural=N_("Concessions"),
    model=_concession_model,
    parent=ParentLink("opportunity", "opportunity_id"),
    fields=(
        FieldSpec("what_we_give", N_("What we give"), F.TEXT, required=True),
        FieldSpec(
            "what_we_ask",
            N_("What we ask in return"),
            F.TEXT,
            required=True,
            # A concession is traded, never given: the field says so when left empty.
            required_message=N_(
                "A concession is never given for nothing: say what we ask in return."
            ),
        ),
        FieldSpec("value_minor", N_("Value"), F.MONEY),
        FieldSpec("currency", N_("Currency"), F.CURRENCY),
        FieldSpec("status", N_("Status"), F.CHOICE, True, V.CONCESSION_STATUS),
    ),
    order_by=("position",),
    list_columns=(
        ListColumn("what_we_give", 0.34),
        ListColumn("what_we_ask", 0.34),
        ListColumn("value_minor", 0.16),
        ListColumn("status", 0.16),
    ),
    merge_groups=(MergeGroup("value", ("value_minor", "currency")),),
    checks=(value_has_currency,),
    after_write=place_last,
    defaults={"status": "planned"},
    title_field="what_we_give",
    shown_on="opportunity",
    position=51,
    vocabulary=(
        *terms(
            V.CONCESSION_STATUS,
            ("planned", "Planned", "计划中"),
            ("offered", "Offered", "已提出"),
            ("accepted", "Accepted", "已接受"),
            ("refused", "Refused", "被拒绝"),
        ),
    ),
)

NEGOTIATION_ROLE = Kind(
    name="negotiation_role",
    label=N_("negotiation role"),
    plural=N_("Negotiation roles"),
    model=_role_model,
    parent=ParentLink("opportunity", "opportunity_id"),
    fields=(
        FieldSpec("team_member_id", N_("Team member"), F.TEAM_MEMBER, required=True),
        FieldSpec("role", N_("Role"), F.CHOICE, True, V.NEGOTIATION_ROLE),
        FieldSpec("notes", N_("Notes"), F.LONG_TEXT),
    ),
    order_by=("role", "team_member_id"),
    list_columns=(
        ListColumn("team_member_id", 0.35),
        ListColumn("role", 0.3),
        ListColumn("notes", 0.35),
    ),
    defaults={"role": "lead"},
    title_field="team_member_id",
    shown_on="opportunity",
    position=52,
    vocabulary=(
        *terms(
            V.NEGOTIATION_ROLE,
            ("lead", "Lead negotiator", "主谈人"),
            ("technical", "Technical", "技术"),
            ("finance", "Finance", "财务"),
            ("legal", "Legal", "法务"),
            ("decision_maker", "Decision maker", "决策人"),
            ("other", "Other", "其他"),
        ),
    ),
)

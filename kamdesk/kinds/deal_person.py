"""The people on a deal: a stakeholder's buying role, force, attitude and influence on it.

A person's card says what they usually are (the CTO is the technical buyer); on one deal
they may be the economic buyer, on another not involved. So each deal keeps its own
entry per person, starting from the card (``copies``) and changed per deal without
touching the card or the person's other deals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import FieldKind as F
from kamdesk.domain.fields import FieldSpec
from kamdesk.domain.vocabulary import VocabularyKind as V
from kamdesk.i18n import N_, _
from kamdesk.kinds.base import CopyFrom, Kind, ListColumn, ParentLink

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record


def _model() -> type[Record]:
    from kamdesk.models.deal_person import DealPerson

    return DealPerson


#: What a person's entry on a deal starts from: their card's values of the same names.
CARD_FIELDS: tuple[str, ...] = ("buying_role", "force", "attitude", "influence")


def check_person(session: Session, record_id: str | None, values: dict[str, Any]) -> dict[str, str]:
    """The person is one of the deal's account's people, and on the deal only once.

    Checked when the person is chosen (a new entry, or another person for an entry): an
    edit of the role alone does not ask again. A person moved to another account since
    keeps their entry, shown as it is, until someone changes it.
    """
    if "stakeholder_id" not in values or not values["stakeholder_id"]:
        return {}
    from sqlmodel import select

    from kamdesk.models import Opportunity, Stakeholder
    from kamdesk.models.deal_person import DealPerson

    stored = session.get(DealPerson, record_id) if record_id is not None else None
    deal_id = stored.opportunity_id if stored is not None else values.get("opportunity_id")
    deal = session.get(Opportunity, deal_id) if deal_id else None
    person = session.get(Stakeholder, values["stakeholder_id"])
    if deal is None or person is None:
        return {}  # the deal's and the person's own checks say what is missing
    if person.account_id != deal.account_id:
        return {
            "stakeholder_id": _("{name} is not one of this deal's account's people.").format(
                name=person.name
            )
        }
    taken = session.exec(
        select(DealPerson.id).where(
            DealPerson.opportunity_id == deal.id,
            DealPerson.stakeholder_id == person.id,
            DealPerson.deleted_at.is_(None),  # type: ignore[union-attr]
            DealPerson.id != record_id,
        )
    ).first()
    if taken is not None:
        return {"stakeholder_id": _("{name} is already on this deal.").format(name=person.name)}
    return {}


DEAL_PERSON = Kind(
    name="deal_person",
    label=N_("person"),
    plural=N_("People"),
    model=_model,
    parent=ParentLink("opportunity", "opportunity_id"),
    fields=(
        FieldSpec("stakeholder_id", N_("Person"), F.STAKEHOLDER, required=True),
        FieldSpec("buying_role", N_("Buying role"), F.CHOICE, vocabulary=V.BUYING_ROLE),
        FieldSpec("force", N_("Force"), F.CHOICE, vocabulary=V.FORCE, narrowed_by="buying_role"),
        FieldSpec("attitude", N_("Attitude"), F.CHOICE, vocabulary=V.ATTITUDE),
        FieldSpec("influence", N_("Influence"), F.SCORE),
        FieldSpec("notes", N_("Notes"), F.LONG_TEXT),
    ),
    order_by=("buying_role", "stakeholder_id"),
    list_columns=(
        ListColumn("stakeholder_id", 0.28),
        ListColumn("buying_role", 0.22),
        ListColumn("force", 0.2),
        ListColumn("attitude", 0.15),
        ListColumn("influence", 0.15),
    ),
    copies=(CopyFrom("stakeholder_id", CARD_FIELDS),),
    book_check=check_person,
    title_field="stakeholder_id",
    shown_on="opportunity",
    position=10,
)

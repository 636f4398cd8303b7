"""The table of the people on a deal, declared in ``kamdesk.kinds.deal_person``."""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from kamdesk.models.tables import Record


def _text() -> Column[str]:
    return Column(Text, nullable=False, server_default="")


class DealPerson(Record, table=True):
    """A stakeholder on one deal, with their role, force, attitude and influence on it.

    These may differ from their card's and from their other deals'.
    """

    __tablename__ = "deal_person"
    __table_args__ = (Index("ix_deal_person_deal_live", "opportunity_id", "deleted_at"),)

    opportunity_id: str = Field(foreign_key="opportunity.id")
    stakeholder_id: str = Field(foreign_key="stakeholder.id", index=True)
    buying_role: str = ""
    force: str = ""
    attitude: str = ""
    #: 1 to 5, as on the card.
    influence: int | None = None
    notes: str = Field(default="", sa_column=_text())

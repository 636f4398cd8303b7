"""The tables of a deal's negotiation preparation, declared in ``kamdesk.kinds.negotiation``."""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from kamdesk.models.tables import Record


def _text() -> Column[str]:
    return Column(Text, nullable=False, server_default="")


class NegotiationPlan(Record, table=True):
    """A deal's positions before negotiating: best, expected and walk-away, and the BATNAs.

    At most one live plan per deal (the kind's book check); the three prices are in the
    plan's currency, which merges and syncs with them as one value.
    """

    __tablename__ = "negotiation_plan"
    __table_args__ = (Index("ix_negotiation_plan_deal_live", "opportunity_id", "deleted_at"),)

    opportunity_id: str = Field(foreign_key="opportunity.id")
    price_best_minor: int | None = None
    price_expected_minor: int | None = None
    price_walk_away_minor: int | None = None
    currency: str = "CNY"
    payment_best: str = ""
    payment_expected: str = ""
    payment_walk_away: str = ""
    delivery_best: str = ""
    delivery_expected: str = ""
    delivery_walk_away: str = ""
    our_batna: str = Field(default="", sa_column=_text())
    their_batna: str = Field(default="", sa_column=_text())
    notes: str = Field(default="", sa_column=_text())


class Concession(Record, table=True):
    """One step of a deal's concession plan: what we give, and what we ask in return."""

    __tablename__ = "concession"
    __table_args__ = (Index("ix_concession_deal_live", "opportunity_id", "deleted_at"),)

    opportunity_id: str = Field(foreign_key="opportunity.id")
    #: Its place in the plan (1 first): a new concession goes last.
    position: int = 0
    what_we_give: str
    what_we_ask: str = ""
    value_minor: int | None = None
    currency: str = ""
    status: str = "planned"


class NegotiationRole(Record, table=True):
    """Who of our team plays which part at the negotiating table."""

    __tablename__ = "negotiation_role"
    __table_args__ = (Index("ix_negotiation_role_deal_live", "opportunity_id", "deleted_at"),)

    opportunity_id: str = Field(foreign_key="opportunity.id")
    team_member_id: str = Field(foreign_key="team_member.id", index=True)
    role: str = "other"
    notes: str = Field(default="", sa_column=_text())

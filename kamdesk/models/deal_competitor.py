"""The table of the competitors on a deal, declared in ``kamdesk.kinds.deal_competitor``."""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from kamdesk.models.tables import Record


def _text() -> Column[str]:
    return Column(Text, nullable=False, server_default="")


class DealCompetitor(Record, table=True):
    """A competitor on one deal, as the rep sees them against us."""

    __tablename__ = "deal_competitor"
    __table_args__ = (Index("ix_deal_competitor_deal_live", "opportunity_id", "deleted_at"),)

    opportunity_id: str = Field(foreign_key="opportunity.id")
    name: str
    #: Leading, level with us, behind us, or unknown (the ``competitor_standing`` list).
    standing: str = "unknown"
    strengths: str = Field(default="", sa_column=_text())
    weaknesses: str = Field(default="", sa_column=_text())
    differentiation: str = Field(default="", sa_column=_text())

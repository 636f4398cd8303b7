"""The tables of deals: the opportunity itself and the history of its stages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from kamdesk.models.tables import Record


def _text() -> Column[str]:
    return Column(Text, nullable=False, server_default="")


class Opportunity(Record, table=True):
    """A deal at an account (商机), declared in ``kamdesk.kinds.opportunity``."""

    __tablename__ = "opportunity"
    __table_args__ = (Index("ix_opportunity_account_live", "account_id", "deleted_at"),)

    account_id: str = Field(foreign_key="account.id")
    name: str
    owner_id: str | None = Field(default=None, foreign_key="team_member.id", index=True)
    amount_minor: int | None = None
    currency: str = "CNY"
    expected_close: dt.date | None = None
    stage_model: str = "compass"
    stage: str = "compass.intent"
    #: In percent, 0 to 100: defaults from the stage, and the rep may override it.
    probability: int | None = None
    status: str = "open"
    outcome_reason: str = ""
    notes: str = Field(default="", sa_column=_text())

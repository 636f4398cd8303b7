"""The tables of deals: the opportunity itself and the history of its stages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from kamdesk.models.tables import Record, utc_now


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


class StageChange(Record, table=True):
    """One move of a deal from a stage to another (``from_stage`` is "" when it was made).

    Written in the transaction that changes the deal's stage (``OPPORTUNITY.after_write``),
    so the history always ends at the deal's current stage; how long a deal sat in each
    stage is worked out from it (``kamdesk.domain.deals``). Rows are only ever added.
    """

    __tablename__ = "stage_change"
    __table_args__ = (Index("ix_stage_change_history", "opportunity_id", "changed_at"),)

    opportunity_id: str = Field(foreign_key="opportunity.id")
    #: The deal's account, as every record under an account keeps it (sync filters by it).
    account_id: str = Field(foreign_key="account.id")
    from_stage: str = ""
    to_stage: str
    #: When the stage changed, in UTC.
    changed_at: dt.datetime = Field(default_factory=utc_now)

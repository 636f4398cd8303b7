"""The table of objections on a deal, declared in ``kamdesk.kinds.objection``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from kamdesk.models.tables import Record


def _text() -> Column[str]:
    return Column(Text, nullable=False, server_default="")


class Objection(Record, table=True):
    """An objection raised on one deal, and how it is handled (the LSCPA steps)."""

    __tablename__ = "objection"
    __table_args__ = (Index("ix_objection_deal_live", "opportunity_id", "deleted_at"),)

    opportunity_id: str = Field(foreign_key="opportunity.id")
    #: What the customer said, in a line.
    summary: str
    #: Price, time, risk, decision or other (the ``objection_type`` list).
    type: str = "other"
    raised_by_id: str | None = Field(default=None, foreign_key="stakeholder.id", index=True)
    raised_on: dt.date | None = None
    status: str = "open"
    listen: str = Field(default="", sa_column=_text())
    sympathize: str = Field(default="", sa_column=_text())
    confirm: str = Field(default="", sa_column=_text())
    process: str = Field(default="", sa_column=_text())
    assure: str = Field(default="", sa_column=_text())

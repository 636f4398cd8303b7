"""The tables of proposals, declared in ``kamdesk.kinds.proposal``.

A proposal is kept as versions: each version is its own ``proposal`` row with its own
children, and the versions of one proposal share ``series_id`` (the id of version 1). A
sent version is frozen; changing the proposal makes the next version, a copy whose rows
keep the ``lineage_id`` of the rows they were copied from (an original row's own id), so
two versions can be compared row by row. Amounts are minor units of the proposal's
currency; quantities, discounts and rates are NUMBER fields (integers scaled by the
field's ``scale``: a discount of 12.5 % is 1250).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from kamdesk.models.tables import Record


def _text() -> Column[str]:
    return Column(Text, nullable=False, server_default="")


class Proposal(Record, table=True):
    """One version of a proposal to an account, for one of its deals or none."""

    __tablename__ = "proposal"
    __table_args__ = (
        Index("ix_proposal_account_live", "account_id", "deleted_at"),
        Index("ix_proposal_series", "series_id", "version"),
    )

    account_id: str = Field(foreign_key="account.id")
    opportunity_id: str | None = Field(default=None, foreign_key="opportunity.id", index=True)
    title: str
    #: The language the proposal is written in (``ProposalLanguage``), not the UI's.
    language: str = "en"
    currency: str = "CNY"
    horizon_years: int = 5
    #: The customer's discount rate in hundredths of a percent (800 is 8 %).
    discount_rate: int = 800
    #: ``ProposalStatus``: a sent version is frozen.
    status: str = "draft"
    #: 1 for the first version, one more for each next version.
    version: int = 1
    #: The id of version 1: every version of one proposal shares it.
    series_id: str = ""
    sent_on: dt.date | None = None
    situation: str = Field(default="", sa_column=_text())
    payment_terms: str = Field(default="", sa_column=_text())
    why_us: str = Field(default="", sa_column=_text())
    reference_cases: str = Field(default="", sa_column=_text())
    next_steps: str = Field(default="", sa_column=_text())
    notes: str = Field(default="", sa_column=_text())
    status_quo_cost_minor: int | None = None
    competitor_name: str = ""
    competitor_one_off_minor: int | None = None
    competitor_per_year_minor: int | None = None


class ProposalOption(Record, table=True):
    """One tier the customer may choose (good / better / best)."""

    __tablename__ = "proposal_option"
    __table_args__ = (Index("ix_proposal_option_proposal_live", "proposal_id", "deleted_at"),)

    proposal_id: str = Field(foreign_key="proposal.id")
    position: int = 0
    name: str
    summary: str = Field(default="", sa_column=_text())
    recommended: bool = False
    #: The id of the row in version 1 this one descends from (its own, for an original).
    lineage_id: str = ""


class ProposalLine(Record, table=True):
    """One line of an option's price: so many of a product or service, at a price."""

    __tablename__ = "proposal_line"
    __table_args__ = (Index("ix_proposal_line_option_live", "option_id", "deleted_at"),)

    option_id: str = Field(foreign_key="proposal_option.id")
    position: int = 0
    product: str
    item_kind: str = "product"
    #: In thousandths (2500 is 2.5).
    quantity: int = 1000
    unit_price_minor: int = 0
    #: Percent off, in hundredths of a percent (1250 is 12.5 %).
    discount: int = 0
    billing: str = "one_off"
    #: The year a one-off line is paid (0 at signing, 4 for a refresh in year 4), or the
    #: first year of a yearly one; None for the usual (0 for one-off, 1 for yearly).
    year: int | None = None
    lineage_id: str = ""


class ProposalBenefit(Record, table=True):
    """One yearly benefit of an option, and the assumption behind it."""

    __tablename__ = "proposal_benefit"
    __table_args__ = (Index("ix_proposal_benefit_option_live", "option_id", "deleted_at"),)

    option_id: str = Field(foreign_key="proposal_option.id")
    position: int = 0
    #: ``BenefitKind``.
    kind: str = "cost_saved"
    description: str
    amount_per_year_minor: int | None = None
    #: In tenths of an hour (hours saved × the hourly rate is the benefit's value).
    hours_per_year: int | None = None
    hourly_rate_minor: int | None = None
    assumption: str = Field(default="", sa_column=_text())
    starts_year: int = 1
    lineage_id: str = ""


class ProposalPain(Record, table=True):
    """A pain the customer named, and the part of our solution that answers it."""

    __tablename__ = "proposal_pain"
    __table_args__ = (Index("ix_proposal_pain_proposal_live", "proposal_id", "deleted_at"),)

    proposal_id: str = Field(foreign_key="proposal.id")
    position: int = 0
    pain: str
    component: str = ""
    lineage_id: str = ""


class ProposalPhase(Record, table=True):
    """A phase of the implementation plan."""

    __tablename__ = "proposal_phase"
    __table_args__ = (Index("ix_proposal_phase_proposal_live", "proposal_id", "deleted_at"),)

    proposal_id: str = Field(foreign_key="proposal.id")
    position: int = 0
    name: str
    starts_on: dt.date | None = None
    weeks: int | None = None
    deliverables: str = Field(default="", sa_column=_text())
    owner: str = ""
    lineage_id: str = ""

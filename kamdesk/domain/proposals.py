"""A proposal as the calculator, the PDF and the spreadsheet read it: plain values, no book.

A proposal offers the customer two or three options (good / better / best) so they choose
*which*, not *whether*. Each option has its line items (what they pay, once or every
year) and its yearly benefits (what it is worth to them, each with the assumption behind
it). The horizon and the customer's own discount rate turn these into the figures an
executive reads: investment, yearly net flows, ROI, NPV, IRR, payback, TCO and the cost
of deciding later (``kamdesk.domain.proposal_figures``).

Money here is in major units of the proposal's currency as exact ``Decimal`` (the book
keeps minor units); rates and discounts are percentages (``Decimal("8")`` is 8 %).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from kamdesk.i18n import N_

HUNDRED = Decimal(100)


class Billing(StrEnum):
    """When a line item is paid."""

    ONE_OFF = "one_off"
    YEARLY = "yearly"


class ItemKind(StrEnum):
    """What a line item sells."""

    PRODUCT = "product"
    SERVICE = "service"


class BenefitKind(StrEnum):
    """The kinds of value a proposal quantifies (domain: 价值量化)."""

    COST_SAVED = "cost_saved"
    REVENUE_GAINED = "revenue_gained"
    #: Hours saved a year × the customer's hourly rate.
    HOURS_SAVED = "hours_saved"
    #: An expected loss avoided a year (a risk's cost × its likelihood).
    RISK_AVOIDED = "risk_avoided"


BENEFIT_KIND_LABELS: dict[BenefitKind, str] = {
    BenefitKind.COST_SAVED: N_("Cost saved"),
    BenefitKind.REVENUE_GAINED: N_("Revenue gained"),
    BenefitKind.HOURS_SAVED: N_("Hours saved"),
    BenefitKind.RISK_AVOIDED: N_("Risk avoided"),
}


class ProposalStatus(StrEnum):
    """A proposal is a draft until it is sent; a sent version is frozen."""

    DRAFT = "draft"
    SENT = "sent"


class ProposalLanguage(StrEnum):
    """The language a proposal is written in, chosen per proposal (not the UI's)."""

    ENGLISH = "en"
    CHINESE = "zh_CN"


@dataclass(frozen=True)
class LineItem:
    """One line of an option's price: a product or service, so many, at a price."""

    id: str
    product: str
    quantity: Decimal
    unit_price: Decimal
    #: Percent off the list price, 0 to 100.
    discount: Decimal = Decimal(0)
    billing: Billing = Billing.ONE_OFF
    item_kind: ItemKind = ItemKind.PRODUCT
    #: When it is paid: a one-off line in that year (0 = at signing, 4 = a hardware refresh
    #: in year 4); a yearly line from that year on. None is the usual: 0 for a one-off
    #: line, 1 for a yearly one.
    year: int | None = None

    @property
    def first_year(self) -> int:
        """The year a one-off line is paid, or the first year a yearly line is paid."""
        if self.year is not None:
            return self.year
        return 0 if self.billing is Billing.ONE_OFF else 1

    @property
    def amount(self) -> Decimal:
        """What the line costs (once, or every year): quantity × price less the discount."""
        return self.quantity * self.unit_price * (HUNDRED - self.discount) / HUNDRED


@dataclass(frozen=True)
class Benefit:
    """One yearly benefit of an option and the assumption that makes it believable."""

    id: str
    kind: BenefitKind
    description: str
    #: The value a year in money; for hours saved, ``hours_per_year × hourly_rate``.
    amount_per_year: Decimal = Decimal(0)
    hours_per_year: Decimal | None = None
    hourly_rate: Decimal | None = None
    assumption: str = ""
    #: The first year (1 = the first after go-live) the benefit is felt.
    starts_year: int = 1

    @property
    def yearly_value(self) -> Decimal:
        """The benefit a year once it is felt."""
        if self.kind is BenefitKind.HOURS_SAVED and self.hours_per_year is not None:
            return self.hours_per_year * (self.hourly_rate or Decimal(0))
        return self.amount_per_year


@dataclass(frozen=True)
class Option:
    """One tier the customer may choose: what they pay and what they gain."""

    id: str
    name: str
    summary: str = ""
    recommended: bool = False
    lines: tuple[LineItem, ...] = ()
    benefits: tuple[Benefit, ...] = ()


@dataclass(frozen=True)
class Economics:
    """What turns an option's lines and benefits into figures: the same for every option."""

    #: Years the figures run over (3 to 5 in practice).
    horizon_years: int
    #: The customer's discount rate (cost of capital), a percentage.
    discount_rate: Decimal
    #: What the status quo costs the customer a year (for the TCO comparison), if known.
    status_quo_cost_per_year: Decimal | None = None
    #: A named competitor's offer, for the TCO comparison.
    competitor_name: str = ""
    competitor_one_off: Decimal | None = None
    competitor_per_year: Decimal | None = None


@dataclass(frozen=True)
class PainMapping:
    """A pain the customer named, and the part of our solution that answers it."""

    id: str
    pain: str
    component: str


@dataclass(frozen=True)
class Phase:
    """A phase of the implementation plan."""

    id: str
    name: str
    starts_on: dt.date | None = None
    weeks: int | None = None
    deliverables: str = ""
    owner: str = ""


@dataclass(frozen=True)
class ProposalDocument:
    """Everything a proposal's PDF and spreadsheet say, read from the book in one go."""

    id: str
    title: str
    customer: str
    language: ProposalLanguage
    #: ISO 4217 code of every amount in the proposal.
    currency: str
    version: int
    status: ProposalStatus
    #: The day it was sent (a sent version), or None for a draft.
    sent_on: dt.date | None
    #: The date on the cover: the sent date, or the day the document is made.
    document_date: dt.date
    economics: Economics
    options: tuple[Option, ...]
    deal: str = ""
    situation: str = ""
    pains: tuple[PainMapping, ...] = ()
    phases: tuple[Phase, ...] = ()
    payment_terms: str = ""
    why_us: str = ""
    #: The deal's named competitors, for "why us".
    competitors: tuple[str, ...] = ()
    references: str = ""
    next_steps: str = ""
    prepared_by: str = ""
    #: Which option the proposal recommends (its id), if one is marked.
    recommended_option_id: str | None = field(default=None)

    @property
    def recommended(self) -> Option | None:
        """The recommended option, else the last (the richest tier), else None."""
        for option in self.options:
            if option.id == self.recommended_option_id or option.recommended:
                return option
        return self.options[-1] if self.options else None

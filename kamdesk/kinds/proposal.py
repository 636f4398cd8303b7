"""Proposals (方案建议书) with the customer's ROI: the proposal and the five kinds under it.

A proposal to an account (for one of its deals or none) maps the customer's pains to our
solution, offers two or three options (good / better / best), each with its line items
and its yearly benefits, plans the implementation in phases and says why us. It is
written in its own language and priced in its own currency. A version is a draft until
it is sent; a sent version is frozen (``frozen`` below refuses every change to it and to
the rows under it) and ``kamdesk.ops.proposals.next_version`` copies it into the next.

The codes of the fixed lists (language, status, what a line sells, how it is billed, the
kinds of benefit) are those of ``kamdesk.domain.proposals``, seeded as vocabulary like
every other choice so a team may reword their labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import MAX_AMOUNT_MINOR, FieldSpec, from_scaled
from kamdesk.domain.fields import FieldKind as F
from kamdesk.domain.proposals import (
    BenefitKind,
    Billing,
    ItemKind,
    ProposalLanguage,
    ProposalStatus,
)
from kamdesk.domain.vocabulary import VocabularyKind as V
from kamdesk.domain.vocabulary import terms
from kamdesk.formatting import format_date
from kamdesk.i18n import N_, _
from kamdesk.kinds.base import AfterWrite, Kind, ListColumn, MergeGroup, ParentLink

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record
    from kamdesk.models.proposal import Proposal


def _proposal_model() -> type[Record]:
    from kamdesk.models.proposal import Proposal

    return Proposal


def _option_model() -> type[Record]:
    from kamdesk.models.proposal import ProposalOption

    return ProposalOption


def _line_model() -> type[Record]:
    from kamdesk.models.proposal import ProposalLine

    return ProposalLine


def _benefit_model() -> type[Record]:
    from kamdesk.models.proposal import ProposalBenefit

    return ProposalBenefit


def _pain_model() -> type[Record]:
    from kamdesk.models.proposal import ProposalPain

    return ProposalPain


def _phase_model() -> type[Record]:
    from kamdesk.models.proposal import ProposalPhase

    return ProposalPhase


#: Fields the actions keep (sending sets them, the next version counts on): never typed.
KEPT_BY_ACTIONS: tuple[str, ...] = ("status", "version", "sent_on")

#: A quantity in thousandths, a discount and a rate in hundredths of a percent, hours in
#: tenths: as ``FieldSpec.scale`` says for each (``kamdesk.domain.fields.to_scaled``).
QUANTITY_SCALE = 3
PERCENT_SCALE = 2
HOURS_SCALE = 1


# Frozen once sent ----------------------------------------------------------------------


def sent_message(proposal: Proposal) -> str:
    """What a change to a sent version says."""
    return _("This version was sent on {date}: make a new version to change it.").format(
        date=format_date(proposal.sent_on) if proposal.sent_on else "?"
    )


def _proposal_frozen(session: Session, record: Record) -> str | None:
    """A sent version refuses every change: it is what the customer has.

    A deleted draft is not brought back while its proposal has another draft (undoing a
    new version, then making another): a proposal is written in one draft at a time, the
    one its next version opens.
    """
    from sqlmodel import select

    from kamdesk.models.proposal import Proposal

    assert isinstance(record, Proposal)
    if record.status == ProposalStatus.SENT:
        return sent_message(record)
    if record.deleted_at is None:
        return None
    other = session.exec(
        select(Proposal.version).where(
            Proposal.series_id == record.series_id,
            Proposal.id != record.id,
            Proposal.status == ProposalStatus.DRAFT,
            Proposal.deleted_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if other is None:
        return None
    return _(
        "Version {version} of this proposal is being written: delete it to bring this draft back."
    ).format(version=other)


def _under_proposal_frozen(session: Session, record: Record) -> str | None:
    """An option, a pain or a phase is frozen with the version it belongs to."""
    from kamdesk.models.proposal import Proposal

    proposal = session.get(Proposal, getattr(record, "proposal_id"))  # noqa: B009
    return _proposal_frozen(session, proposal) if proposal is not None else None


def _under_option_frozen(session: Session, record: Record) -> str | None:
    """A line or a benefit is frozen with its option's version."""
    from kamdesk.models.proposal import ProposalOption

    option = session.get(ProposalOption, getattr(record, "option_id"))  # noqa: B009
    return _under_proposal_frozen(session, option) if option is not None else None


# Checks ---------------------------------------------------------------------------------


def _only_the_actions_send(
    session: Session, record_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    """Status, version and sent date change by sending or by the next version, not by hand.

    A new proposal starts as a draft version 1 (``kamdesk.ops.proposals.new_proposal``).
    """
    if record_id is None:
        fresh = (
            values.get("status", ProposalStatus.DRAFT) == ProposalStatus.DRAFT
            and values.get("version", 1) == 1
            and values.get("sent_on") is None
        )
        return {} if fresh else {"status": _("A new proposal starts as a draft, version 1.")}
    for name in KEPT_BY_ACTIONS:
        if name in values:
            return {name: _("Send the proposal to change its status, or make a new version.")}
    return {}


def _deal_of_the_account(
    session: Session, record_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    """The deal a proposal is for must be one of its account's."""
    from kamdesk.models import Opportunity
    from kamdesk.models.proposal import Proposal

    deal_id = values.get("opportunity_id")
    if not deal_id:
        return {}
    if record_id is not None:
        stored = session.get(Proposal, record_id)
        account_id = stored.account_id if stored is not None else ""
    else:
        account_id = str(values.get("account_id") or "")
    deal = session.get(Opportunity, deal_id)
    if deal is not None and deal.account_id != account_id:
        return {"opportunity_id": _("Choose a deal of this proposal's account.")}
    return {}


def _check_proposal(
    session: Session, record_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    errors = _only_the_actions_send(session, record_id, values)
    for name, message in _deal_of_the_account(session, record_id, values).items():
        errors.setdefault(name, message)
    return errors


def _fits(amount: Decimal) -> bool:
    return abs(amount) <= MAX_AMOUNT_MINOR


def line_fits_the_money_column(values: Mapping[str, Any]) -> dict[str, str]:
    """Quantity × unit price must be an amount the book can hold, as the price itself is."""
    quantity, price = values.get("quantity"), values.get("unit_price_minor")
    if not isinstance(quantity, int) or not isinstance(price, int):
        return {}  # a missing or unreadable value has its own message
    if _fits(from_scaled(quantity, QUANTITY_SCALE) * price):
        return {}
    return {"unit_price_minor": _("Quantity × unit price is too large for an amount.")}


def benefit_fits_the_money_column(values: Mapping[str, Any]) -> dict[str, str]:
    """Hours saved × the hourly rate must be an amount the book can hold."""
    hours, rate = values.get("hours_per_year"), values.get("hourly_rate_minor")
    if not isinstance(hours, int) or not isinstance(rate, int):
        return {}
    if _fits(from_scaled(hours, HOURS_SCALE) * rate):
        return {}
    return {"hourly_rate_minor": _("Hours saved × the hourly rate is too large for an amount.")}


# Positions and lineage ------------------------------------------------------------------


def _place_last_and_begin_lineage(parent_column: str) -> AfterWrite:
    """After a row is made: it goes last under its parent, and it starts its own lineage.

    A row copied into a next version is given both (``kamdesk.ops.proposals``); one added
    by hand has neither, so it goes after the others and descends from itself.
    """

    def after_write(session: Session, row: Record, before: dict[str, Any]) -> None:
        from sqlalchemy import func
        from sqlmodel import select

        model = type(row)
        if not getattr(row, "lineage_id", ""):
            row.lineage_id = row.id
        if getattr(row, "position", 0):
            return
        last = session.exec(
            select(func.max(model.position)).where(  # type: ignore[attr-defined]
                getattr(model, parent_column) == getattr(row, parent_column),
                model.id != row.id,
            )
        ).one()
        row.position = int(last or 0) + 1

    return after_write


def _begin_series(session: Session, proposal: Record, before: dict[str, Any]) -> None:
    """A proposal made by hand is version 1 of its own series."""
    if not getattr(proposal, "series_id", ""):
        proposal.series_id = proposal.id


# The kinds ------------------------------------------------------------------------------

PROPOSAL = Kind(
    name="proposal",
    label=N_("proposal"),
    plural=N_("Proposals"),
    model=_proposal_model,
    parent=ParentLink("account", "account_id"),
    fields=(
        FieldSpec("title", N_("Proposal"), F.TEXT, required=True),
        FieldSpec("opportunity_id", N_("Deal"), F.DEAL),
        FieldSpec("language", N_("Written in"), F.CHOICE, True, V.PROPOSAL_LANGUAGE),
        FieldSpec("currency", N_("Currency"), F.CURRENCY, required=True),
        FieldSpec(
            "horizon_years",
            N_("Horizon in years"),
            F.NUMBER,
            required=True,
            minimum=Decimal(1),
            maximum=Decimal(10),
        ),
        FieldSpec(
            "discount_rate",
            N_("The customer's discount rate"),
            F.NUMBER,
            required=True,
            scale=PERCENT_SCALE,
            minimum=Decimal(-100),
            minimum_excluded=True,
            maximum=Decimal(1000),
            unit="%",
        ),
        FieldSpec("status", N_("Status"), F.CHOICE, True, V.PROPOSAL_STATUS, read_only=True),
        FieldSpec("version", N_("Version"), F.NUMBER, minimum=Decimal(1), read_only=True),
        FieldSpec("sent_on", N_("Sent on"), F.DATE, read_only=True),
        FieldSpec("situation", N_("The customer's situation"), F.LONG_TEXT),
        FieldSpec("status_quo_cost_minor", N_("What the status quo costs a year"), F.MONEY),
        FieldSpec("competitor_name", N_("Competitor compared"), F.TEXT),
        FieldSpec("competitor_one_off_minor", N_("Competitor's one-off price"), F.MONEY),
        FieldSpec("competitor_per_year_minor", N_("Competitor's price a year"), F.MONEY),
        FieldSpec("payment_terms", N_("Payment terms"), F.LONG_TEXT),
        FieldSpec("why_us", N_("Why us"), F.LONG_TEXT),
        FieldSpec("reference_cases", N_("Reference cases"), F.LONG_TEXT),
        FieldSpec("next_steps", N_("Next steps"), F.LONG_TEXT),
        FieldSpec("notes", N_("Notes"), F.LONG_TEXT),
    ),
    order_by=("title", "version"),
    list_columns=(
        ListColumn("title", 0.34),
        ListColumn("opportunity_id", 0.22),
        ListColumn("version", 0.08),
        ListColumn("status", 0.12),
        ListColumn("sent_on", 0.14),
        ListColumn("language", 0.10),
    ),
    search_text=("title",),
    merge_groups=(
        MergeGroup(
            "money",
            (
                "currency",
                "status_quo_cost_minor",
                "competitor_one_off_minor",
                "competitor_per_year_minor",
            ),
        ),
    ),
    book_check=_check_proposal,
    after_write=_begin_series,
    frozen=_proposal_frozen,
    defaults={
        "language": ProposalLanguage.ENGLISH.value,
        "horizon_years": 5,
        "discount_rate": 800,
        "status": ProposalStatus.DRAFT.value,
        "version": 1,
    },
    title_field="title",
    shown_on="account",
    position=30,
    vocabulary=(
        *terms(
            V.PROPOSAL_LANGUAGE,
            (ProposalLanguage.ENGLISH, "English", "英文"),
            (ProposalLanguage.CHINESE, "Chinese", "中文"),
        ),
        *terms(
            V.PROPOSAL_STATUS,
            (ProposalStatus.DRAFT, "Draft", "草稿"),
            (ProposalStatus.SENT, "Sent", "已发送"),
        ),
    ),
)

PROPOSAL_OPTION = Kind(
    name="proposal_option",
    label=N_("option"),
    plural=N_("Options"),
    model=_option_model,
    parent=ParentLink("proposal", "proposal_id"),
    fields=(
        FieldSpec("name", N_("Option"), F.TEXT, required=True),
        FieldSpec("summary", N_("Summary"), F.LONG_TEXT),
        FieldSpec("recommended", N_("Recommended"), F.FLAG),
    ),
    order_by=("position",),
    list_columns=(
        ListColumn("name", 0.3),
        ListColumn("summary", 0.55),
        ListColumn("recommended", 0.15),
    ),
    after_write=_place_last_and_begin_lineage("proposal_id"),
    frozen=_under_proposal_frozen,
    defaults={"recommended": False},
    shown_on="proposal",
    position=10,
)

PROPOSAL_LINE = Kind(
    name="proposal_line",
    label=N_("line item"),
    plural=N_("Line items"),
    model=_line_model,
    parent=ParentLink("proposal_option", "option_id"),
    fields=(
        FieldSpec("product", N_("Product or service"), F.TEXT, required=True),
        FieldSpec("item_kind", N_("Kind of item"), F.CHOICE, True, V.LINE_ITEM_KIND),
        FieldSpec(
            "quantity",
            N_("Quantity"),
            F.NUMBER,
            required=True,
            scale=QUANTITY_SCALE,
            minimum=Decimal(0),
        ),
        FieldSpec("unit_price_minor", N_("Unit price"), F.MONEY, required=True),
        FieldSpec(
            "discount",
            N_("Discount"),
            F.NUMBER,
            scale=PERCENT_SCALE,
            minimum=Decimal(0),
            maximum=Decimal(100),
            unit="%",
        ),
        FieldSpec("billing", N_("Billing"), F.CHOICE, True, V.BILLING),
        # Empty for the usual: paid at signing (one-off) or from the first year (yearly).
        FieldSpec("year", N_("Paid in year"), F.NUMBER, minimum=Decimal(0), maximum=Decimal(10)),
    ),
    order_by=("position",),
    list_columns=(
        ListColumn("product", 0.3),
        ListColumn("item_kind", 0.12),
        ListColumn("quantity", 0.12),
        ListColumn("unit_price_minor", 0.18),
        ListColumn("discount", 0.12),
        ListColumn("billing", 0.16),
    ),
    checks=(line_fits_the_money_column,),
    after_write=_place_last_and_begin_lineage("option_id"),
    frozen=_under_option_frozen,
    defaults={
        "item_kind": ItemKind.PRODUCT.value,
        "quantity": 1000,
        "discount": 0,
        "billing": Billing.ONE_OFF.value,
    },
    title_field="product",
    shown_on="proposal_option",
    position=10,
    vocabulary=(
        *terms(
            V.LINE_ITEM_KIND,
            (ItemKind.PRODUCT, "Product", "产品"),
            (ItemKind.SERVICE, "Service", "服务"),
        ),
        *terms(
            V.BILLING,
            (Billing.ONE_OFF, "One-off", "一次性"),
            (Billing.YEARLY, "Every year", "每年"),
        ),
    ),
)

PROPOSAL_BENEFIT = Kind(
    name="proposal_benefit",
    label=N_("benefit"),
    plural=N_("Benefits"),
    model=_benefit_model,
    parent=ParentLink("proposal_option", "option_id"),
    fields=(
        FieldSpec("kind", N_("Kind of benefit"), F.CHOICE, True, V.BENEFIT_KIND),
        FieldSpec("description", N_("Benefit"), F.TEXT, required=True),
        FieldSpec("amount_per_year_minor", N_("Value a year"), F.MONEY),
        FieldSpec(
            "hours_per_year",
            N_("Hours saved a year"),
            F.NUMBER,
            scale=HOURS_SCALE,
            minimum=Decimal(0),
        ),
        FieldSpec("hourly_rate_minor", N_("Hourly rate"), F.MONEY),
        FieldSpec("assumption", N_("Assumption"), F.LONG_TEXT),
        FieldSpec(
            "starts_year",
            N_("Felt from year"),
            F.NUMBER,
            required=True,
            minimum=Decimal(1),
            maximum=Decimal(10),
        ),
    ),
    order_by=("position",),
    list_columns=(
        ListColumn("kind", 0.16),
        ListColumn("description", 0.3),
        ListColumn("amount_per_year_minor", 0.16),
        ListColumn("hours_per_year", 0.12),
        ListColumn("assumption", 0.26),
    ),
    checks=(benefit_fits_the_money_column,),
    after_write=_place_last_and_begin_lineage("option_id"),
    frozen=_under_option_frozen,
    defaults={"kind": BenefitKind.COST_SAVED.value, "starts_year": 1},
    title_field="description",
    shown_on="proposal_option",
    position=20,
    vocabulary=(
        *terms(
            V.BENEFIT_KIND,
            (BenefitKind.COST_SAVED, "Cost saved", "成本节约"),
            (BenefitKind.REVENUE_GAINED, "Revenue gained", "收入增长"),
            (BenefitKind.HOURS_SAVED, "Hours saved", "工时节省"),
            (BenefitKind.RISK_AVOIDED, "Risk avoided", "风险规避"),
        ),
    ),
)

PROPOSAL_PAIN = Kind(
    name="proposal_pain",
    label=N_("pain"),
    plural=N_("Pains and solution"),
    model=_pain_model,
    parent=ParentLink("proposal", "proposal_id"),
    fields=(
        FieldSpec("pain", N_("The customer's pain"), F.TEXT, required=True),
        FieldSpec("component", N_("What answers it"), F.TEXT),
    ),
    order_by=("position",),
    list_columns=(ListColumn("pain", 0.5), ListColumn("component", 0.5)),
    after_write=_place_last_and_begin_lineage("proposal_id"),
    frozen=_under_proposal_frozen,
    title_field="pain",
    shown_on="proposal",
    position=20,
)

PROPOSAL_PHASE = Kind(
    name="proposal_phase",
    label=N_("phase"),
    plural=N_("Implementation phases"),
    model=_phase_model,
    parent=ParentLink("proposal", "proposal_id"),
    fields=(
        FieldSpec("name", N_("Phase"), F.TEXT, required=True),
        FieldSpec("starts_on", N_("Starts on"), F.DATE),
        FieldSpec("weeks", N_("Weeks"), F.NUMBER, minimum=Decimal(0), maximum=Decimal(520)),
        FieldSpec("deliverables", N_("Deliverables"), F.LONG_TEXT),
        FieldSpec("owner", N_("Owner"), F.TEXT),
    ),
    order_by=("position",),
    list_columns=(
        ListColumn("name", 0.25),
        ListColumn("starts_on", 0.15),
        ListColumn("weeks", 0.1),
        ListColumn("deliverables", 0.35),
        ListColumn("owner", 0.15),
    ),
    after_write=_place_last_and_begin_lineage("proposal_id"),
    frozen=_under_proposal_frozen,
    shown_on="proposal",
    position=30,
)

#: The kinds of a proposal, the proposal first (``kamdesk.kinds.KINDS`` lists them).
PROPOSAL_KINDS: tuple[Kind, ...] = (
    PROPOSAL,
    PROPOSAL_OPTION,
    PROPOSAL_LINE,
    PROPOSAL_BENEFIT,
    PROPOSAL_PAIN,
    PROPOSAL_PHASE,
)

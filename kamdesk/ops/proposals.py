"""The actions on proposals: make one, send it, make its next version, compare, read it.

A proposal is kept as versions (``kamdesk.models.proposal``): a draft is edited through
the generic actions (``kamdesk.ops.kinds``) like any other record, sending freezes it,
and ``next_version`` copies a sent version and every row under it into a new draft.
``proposal_document`` reads one version in one go as the plain values the calculator,
the PDF and the spreadsheet take (``kamdesk.domain.proposals``), money in major units.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from kamdesk.domain.fields import FieldKind, FieldSpec, from_scaled
from kamdesk.domain.proposals import (
    Benefit,
    BenefitKind,
    Billing,
    Economics,
    ItemKind,
    LineItem,
    Option,
    PainMapping,
    Phase,
    ProposalDocument,
    ProposalLanguage,
    ProposalStatus,
)
from kamdesk.domain.rules import clean_value
from kamdesk.errors import NotFoundError
from kamdesk.formatting import format_date, format_money, minor_to_major
from kamdesk.i18n import _, current_language
from kamdesk.kinds import Kind
from kamdesk.kinds.proposal import (
    KEPT_BY_ACTIONS,
    PROPOSAL,
    PROPOSAL_BENEFIT,
    PROPOSAL_LINE,
    PROPOSAL_OPTION,
    PROPOSAL_PAIN,
    PROPOSAL_PHASE,
    sent_message,
)
from kamdesk.ops import records
from kamdesk.ops.kinds import check_record
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Record
    from kamdesk.models.proposal import Proposal, ProposalOption

#: The three options a new proposal starts with, named in the proposal's language; the
#: middle one is recommended (customers choose which, not whether: 选哪个，而非买不买).
OPTION_NAMES: dict[str, tuple[str, str, str]] = {
    ProposalLanguage.ENGLISH: ("Good", "Better", "Best"),
    ProposalLanguage.CHINESE: ("基础版", "标准版", "旗舰版"),
}
RECOMMENDED_OPTION = 1

_E = TypeVar("_E", bound=StrEnum)


class VersionRow(NamedTuple):
    """One version of a proposal, for the list of its versions."""

    id: str
    version: int
    status: str
    sent_on: dt.date | None


class ProposalSummary(NamedTuple):
    """One proposal version as the lists show it (the CLI's ``kamdesk proposals``)."""

    id: str
    account_id: str
    account: str
    title: str
    version: int
    status: str
    sent_on: dt.date | None
    series_id: str
    opportunity_id: str | None


class Difference(NamedTuple):
    """One thing that differs between two versions, as the user reads it."""

    #: Where: "Proposal", "Option Better", "Line 'Licences' (Better)".
    where: str
    #: The field's label; for a row added or removed, its title field's.
    field: str
    old: str
    new: str
    #: "changed", "added" (``old`` is empty) or "removed" (``new`` is empty).
    change: str = "changed"


# Making, sending, next version ----------------------------------------------------------


def _pain_lines(text: str) -> list[str]:
    """The pains an account's "Pain points" list: one a line or between semicolons.

    Reps write them either way ("停机多；追溯慢" or a bulleted list); bullets are taken off.
    """
    pains = []
    for line in re.split(r"[\n;；]", text):
        pain = line.strip().lstrip("-•*·").strip()
        if pain:
            pains.append(pain[:200])
    return pains


def new_proposal(
    book: Book,
    account_id: str,
    *,
    title: str,
    language: str = ProposalLanguage.ENGLISH,
    opportunity_id: str | None = None,
    currency: str | None = None,
) -> str:
    """Start a draft version 1 for an account (and one of its deals); returns its id.

    It starts with three options named in its language (Good / Better / Best, the middle
    one recommended) and one pain per line of the account's pain points, each waiting for
    the part of the solution that answers it. Its currency is the deal's, else the
    account's, unless given. All of it is one transaction: a proposal never exists
    without its options.
    """
    from kamdesk.models import Account, Opportunity
    from kamdesk.models.proposal import Proposal, ProposalOption, ProposalPain

    with book.read() as session:
        account = session.get(Account, account_id)
        deal = session.get(Opportunity, opportunity_id) if opportunity_id else None
        pains = _pain_lines(account.pain_points) if account is not None else []
        currency = currency or (deal.currency if deal is not None else None)
        currency = currency or (account.currency if account is not None else "CNY")
    values: dict[str, Any] = {
        **PROPOSAL.defaults,
        "title": title,
        "language": str(language),
        "currency": currency,
        "opportunity_id": opportunity_id,
    }
    check_record(book, PROPOSAL, account_id, None, values)
    specs = PROPOSAL.specs
    cleaned = {name: clean_value(specs[name], value) for name, value in values.items()}
    names = OPTION_NAMES.get(cleaned["language"], OPTION_NAMES[ProposalLanguage.ENGLISH])
    with book.write() as session:
        proposal = Proposal(account_id=account_id, **cleaned)
        proposal.series_id = proposal.id
        session.add(proposal)
        for position, name in enumerate(names, start=1):
            option = ProposalOption(
                proposal_id=proposal.id,
                position=position,
                name=name,
                recommended=position - 1 == RECOMMENDED_OPTION,
            )
            option.lineage_id = option.id
            session.add(option)
        for position, text in enumerate(pains, start=1):
            pain = ProposalPain(proposal_id=proposal.id, position=position, pain=text)
            pain.lineage_id = pain.id
            session.add(pain)
        return proposal.id


def _has_a_priced_option(session: Session, proposal_id: str) -> bool:
    from sqlmodel import col, select

    from kamdesk.models.proposal import ProposalLine, ProposalOption

    found = session.exec(
        select(ProposalLine.id)
        .join(ProposalOption, col(ProposalOption.id) == col(ProposalLine.option_id))
        .where(
            ProposalOption.proposal_id == proposal_id,
            col(ProposalOption.deleted_at).is_(None),
            col(ProposalLine.deleted_at).is_(None),
        )
    ).first()
    return found is not None


def _check_sending(
    session: Session, record_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    from kamdesk.models.proposal import Proposal

    proposal = session.get(Proposal, record_id)
    if proposal is None or proposal.deleted_at is not None:
        return {"status": _("This proposal no longer exists.")}
    if proposal.status == ProposalStatus.SENT:
        return {"status": sent_message(proposal)}
    if not _has_a_priced_option(session, proposal.id):
        return {"status": _("Add a line item to an option before sending the proposal.")}
    return {}


#: How sending writes a version: its status and sent date alone, through the generic
#: update (change log, undo, write guards), with the rules of sending.
_SENDING = records.RecordKind(
    model=PROPOSAL.model,
    fields=tuple(spec for spec in PROPOSAL.fields if spec.name in ("status", "sent_on")),
    label=PROPOSAL.label,
    check=_check_sending,
)


def send_proposal(book: Book, proposal_id: str, on: dt.date) -> None:
    """Mark a draft as sent on ``on``: from then on that version is frozen.

    Refused (ValidationError on ``status``) for a version sent already and for one no
    option of which has a line item: there would be nothing to price.
    """
    records.update(book, _SENDING, proposal_id, {"status": ProposalStatus.SENT, "sent_on": on})


def _copy(row: Record, **changes: Any) -> Record:
    """A new row of the same table with ``row``'s values, a new id and ``changes``."""
    values = row.model_dump(exclude={"id", "created_at", "updated_at", "deleted_at"})
    if "lineage_id" in values:
        values["lineage_id"] = values["lineage_id"] or row.id
    values.update(changes)
    return type(row)(**values)


def _live_children(session: Session, model: type[Record], column: str, parent_id: str) -> list[Any]:
    from sqlmodel import col, select

    return list(
        session.exec(
            select(model)
            .where(getattr(model, column) == parent_id, col(model.deleted_at).is_(None))
            .order_by(getattr(model, "position"), col(model.id))  # noqa: B009
        ).all()
    )


def _series(session: Session, series_id: str) -> list[Proposal]:
    from sqlmodel import col, select

    from kamdesk.models.proposal import Proposal

    return list(
        session.exec(
            select(Proposal)
            .where(Proposal.series_id == series_id, col(Proposal.deleted_at).is_(None))
            .order_by(col(Proposal.version))
        ).all()
    )


def _highest_version(session: Session, series_id: str) -> int:
    """The highest version of a series, deleted ones too: a number is never given twice."""
    from sqlalchemy import func
    from sqlmodel import select

    from kamdesk.models.proposal import Proposal

    found = session.exec(
        select(func.max(Proposal.version)).where(Proposal.series_id == series_id)
    ).one()
    return int(found or 1)


def _live_proposal(session: Session, proposal_id: str) -> Proposal:
    from kamdesk.models.proposal import Proposal

    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.deleted_at is not None:
        raise NotFoundError(_("This proposal no longer exists."))
    return proposal


def next_version(book: Book, proposal_id: str) -> str:
    """The draft to change a proposal in; returns its id.

    A draft of the proposal's series already there is that draft (a proposal has one
    version being written at a time). Otherwise the version is copied, with every live
    option, line, benefit, pain and phase, into a draft one above the highest version;
    each copied row keeps the lineage of the row it was copied from, so the versions
    compare row by row. All of it is one transaction.
    """
    from kamdesk.models.proposal import (
        ProposalBenefit,
        ProposalLine,
        ProposalOption,
        ProposalPain,
        ProposalPhase,
    )

    with book.write() as session:
        proposal = _live_proposal(session, proposal_id)
        series = _series(session, proposal.series_id or proposal.id)
        draft = next((p for p in series if p.status == ProposalStatus.DRAFT), None)
        if proposal.status == ProposalStatus.DRAFT:
            return proposal.id
        if draft is not None:
            return draft.id
        copy = _copy(
            proposal,
            status=ProposalStatus.DRAFT.value,
            sent_on=None,
            version=_highest_version(session, proposal.series_id or proposal.id) + 1,
            series_id=proposal.series_id or proposal.id,
        )
        session.add(copy)
        for option in _live_children(session, ProposalOption, "proposal_id", proposal.id):
            new_option = _copy(option, proposal_id=copy.id)
            session.add(new_option)
            for model in (ProposalLine, ProposalBenefit):
                for row in _live_children(session, model, "option_id", option.id):
                    session.add(_copy(row, option_id=new_option.id))
        for under in (ProposalPain, ProposalPhase):
            for row in _live_children(session, under, "proposal_id", proposal.id):
                session.add(_copy(row, proposal_id=copy.id))
        return copy.id


def versions(book: Book, proposal_id: str) -> list[VersionRow]:
    """Every live version of the proposal ``proposal_id`` is one of, first to last."""
    with book.read() as session:
        proposal = _live_proposal(session, proposal_id)
        return [
            VersionRow(p.id, p.version, p.status, p.sent_on)
            for p in _series(session, proposal.series_id or proposal.id)
        ]


# Listing ---------------------------------------------------------------------------------


def _summaries(book: Book, account_id: str | None) -> list[ProposalSummary]:
    from sqlmodel import col, select

    from kamdesk.models import Account
    from kamdesk.models.proposal import Proposal

    with book.read() as session:
        query = (
            select(Proposal, Account.name)
            .join(Account, col(Account.id) == col(Proposal.account_id))
            .where(col(Proposal.deleted_at).is_(None), col(Account.deleted_at).is_(None))
        )
        if account_id is not None:
            query = query.where(Proposal.account_id == account_id)
        rows = [
            ProposalSummary(
                p.id,
                p.account_id,
                name,
                p.title,
                p.version,
                p.status,
                p.sent_on,
                p.series_id or p.id,
                p.opportunity_id,
            )
            for p, name in session.exec(query).all()
        ]
    return sorted(rows, key=lambda r: (r.account.casefold(), r.title.casefold(), r.version, r.id))


def proposals_of_book(book: Book) -> list[ProposalSummary]:
    """Every live proposal version of the live accounts, by account, title and version."""
    return _summaries(book, None)


def proposals_of_account(book: Book, account_id: str) -> list[ProposalSummary]:
    """The live proposal versions of one account, by title and version."""
    return _summaries(book, account_id)


# Comparing -------------------------------------------------------------------------------


class _Texts:
    """Values as the user reads them, in the UI's language (labels, money, dates)."""

    def __init__(self, book: Book, session: Session) -> None:
        self._vocabulary = BookReader(book.db).vocabulary()
        self._session = session

    def text(self, spec: FieldSpec, value: Any, currency: str) -> str:
        if value is None or value == "":
            return ""
        if spec.kind is FieldKind.CHOICE:
            assert spec.vocabulary is not None
            language = current_language().code
            for term in self._vocabulary.get(spec.vocabulary.value, []):
                if term.code == value:
                    return term.label(language)
            return str(value)
        if spec.kind is FieldKind.MONEY:
            return format_money(int(value), currency)
        if spec.kind is FieldKind.NUMBER:
            shown = format(from_scaled(int(value), spec.scale).normalize(), "f")
            return f"{shown} {spec.unit}" if spec.unit else shown
        if spec.kind is FieldKind.DATE:
            return format_date(value)
        if spec.kind is FieldKind.FLAG:
            return _("Yes") if value else _("No")
        if spec.kind is FieldKind.DEAL:
            from kamdesk.models import Opportunity

            deal = self._session.get(Opportunity, value)
            return deal.name if deal is not None else ""
        return str(value)


def _compared_fields(kind: Kind) -> tuple[FieldSpec, ...]:
    return tuple(spec for spec in kind.fields if spec.name not in KEPT_BY_ACTIONS)


def _field_differences(
    texts: _Texts,
    kind: Kind,
    where: str,
    old: Record,
    new: Record,
    currencies: tuple[str, str],
) -> list[Difference]:
    found = []
    for spec in _compared_fields(kind):
        before = texts.text(spec, getattr(old, spec.name), currencies[0])
        after = texts.text(spec, getattr(new, spec.name), currencies[1])
        if before != after:
            found.append(Difference(where, _(spec.label), before, after))
    return found


def _rows_by_lineage(rows: Iterable[Record]) -> dict[str, Record]:
    return {str(getattr(r, "lineage_id", "") or r.id): r for r in rows}


def _compare_rows(
    texts: _Texts,
    kind: Kind,
    olds: Sequence[Record],
    news: Sequence[Record],
    where: Callable[[Record], str],
    currencies: tuple[str, str],
) -> list[Difference]:
    """Rows matched by lineage: their changed fields, and the rows added or removed."""
    before, after = _rows_by_lineage(olds), _rows_by_lineage(news)
    title = kind.specs[kind.title_field]
    found: list[Difference] = []
    for lineage, new in after.items():
        old = before.get(lineage)
        if old is None:
            name = str(getattr(new, kind.title_field) or "")
            found.append(Difference(where(new), _(title.label), "", name, "added"))
        else:
            found.extend(_field_differences(texts, kind, where(new), old, new, currencies))
    for lineage, old in before.items():
        if lineage not in after:
            name = str(getattr(old, kind.title_field) or "")
            found.append(Difference(where(old), _(title.label), name, "", "removed"))
    return found


class _Version(NamedTuple):
    proposal: Any
    options: list[Any]
    lines: list[Any]
    benefits: list[Any]
    pains: list[Any]
    phases: list[Any]


def _read_version(session: Session, proposal_id: str) -> _Version:
    from kamdesk.models.proposal import (
        ProposalBenefit,
        ProposalLine,
        ProposalOption,
        ProposalPain,
        ProposalPhase,
    )

    proposal = _live_proposal(session, proposal_id)
    options = _live_children(session, ProposalOption, "proposal_id", proposal.id)
    lines: list[Any] = []
    benefits: list[Any] = []
    for option in options:
        lines.extend(_live_children(session, ProposalLine, "option_id", option.id))
        benefits.extend(_live_children(session, ProposalBenefit, "option_id", option.id))
    return _Version(
        proposal,
        options,
        lines,
        benefits,
        _live_children(session, ProposalPain, "proposal_id", proposal.id),
        _live_children(session, ProposalPhase, "proposal_id", proposal.id),
    )


def compare_versions(book: Book, older_id: str, newer_id: str) -> list[Difference]:
    """What changed from one version to another, field by field, rows matched by lineage.

    The proposal's own fields first, then its options, their lines and benefits, its
    pains and its phases; a row only one version has is "added" or "removed". Status,
    version and sent date are left out: they always differ.
    """
    with book.read() as session:
        old, new = _read_version(session, older_id), _read_version(session, newer_id)
        texts = _Texts(book, session)
        currencies = (old.proposal.currency, new.proposal.currency)
        option_names = {o.id: o.name for o in (*old.options, *new.options)}

        def option_where(row: Record) -> str:
            return _("Option {name}").format(name=getattr(row, "name"))  # noqa: B009

        def under_option(label: str) -> Callable[[Record], str]:
            def where(row: Record) -> str:
                return label.format(
                    name=getattr(row, "product", None) or getattr(row, "description", ""),
                    option=option_names.get(getattr(row, "option_id"), ""),  # noqa: B009
                )

            return where

        def named(label: str, field: str) -> Callable[[Record], str]:
            return lambda row: label.format(name=getattr(row, field))

        found = _field_differences(
            texts, PROPOSAL, _("Proposal"), old.proposal, new.proposal, currencies
        )
        found += _compare_rows(
            texts, PROPOSAL_OPTION, old.options, new.options, option_where, currencies
        )
        found += _compare_rows(
            texts,
            PROPOSAL_LINE,
            old.lines,
            new.lines,
            under_option(_("Line '{name}' ({option})")),
            currencies,
        )
        found += _compare_rows(
            texts,
            PROPOSAL_BENEFIT,
            old.benefits,
            new.benefits,
            under_option(_("Benefit '{name}' ({option})")),
            currencies,
        )
        found += _compare_rows(
            texts,
            PROPOSAL_PAIN,
            old.pains,
            new.pains,
            named(_("Pain '{name}'"), "pain"),
            currencies,
        )
        found += _compare_rows(
            texts,
            PROPOSAL_PHASE,
            old.phases,
            new.phases,
            named(_("Phase '{name}'"), "name"),
            currencies,
        )
        return found


# The document ----------------------------------------------------------------------------


def _code(enum: type[_E], value: str, fallback: _E) -> _E:
    """The enum member of a stored code; ``fallback`` for a code a team added itself."""
    try:
        return enum(value)
    except ValueError:
        return fallback


def _major(amount_minor: int | None, currency: str) -> Decimal | None:
    return None if amount_minor is None else minor_to_major(amount_minor, currency)


def _line(row: Any, currency: str) -> LineItem:
    return LineItem(
        id=row.id,
        product=row.product,
        quantity=from_scaled(row.quantity, PROPOSAL_LINE.specs["quantity"].scale),
        unit_price=minor_to_major(row.unit_price_minor, currency),
        discount=from_scaled(row.discount, PROPOSAL_LINE.specs["discount"].scale),
        billing=_code(Billing, row.billing, Billing.ONE_OFF),
        item_kind=_code(ItemKind, row.item_kind, ItemKind.PRODUCT),
        year=row.year,
    )


def _benefit(row: Any, currency: str) -> Benefit:
    hours = row.hours_per_year
    return Benefit(
        id=row.id,
        kind=_code(BenefitKind, row.kind, BenefitKind.COST_SAVED),
        description=row.description,
        amount_per_year=_major(row.amount_per_year_minor, currency) or Decimal(0),
        hours_per_year=(
            None
            if hours is None
            else from_scaled(hours, PROPOSAL_BENEFIT.specs["hours_per_year"].scale)
        ),
        hourly_rate=_major(row.hourly_rate_minor, currency),
        assumption=row.assumption,
        starts_year=row.starts_year,
    )


def _option(option: ProposalOption, lines: list[Any], benefits: list[Any], currency: str) -> Option:
    return Option(
        id=option.id,
        name=option.name,
        summary=option.summary,
        recommended=option.recommended,
        lines=tuple(_line(r, currency) for r in lines if r.option_id == option.id),
        benefits=tuple(_benefit(r, currency) for r in benefits if r.option_id == option.id),
    )


def _deal_and_people(
    session: Session, proposal: Proposal
) -> tuple[str, tuple[str, ...], str | None]:
    """The deal's name, its named competitors, and the id of who prepared the proposal."""
    from sqlmodel import col, select

    from kamdesk.models import Account, DealCompetitor, Opportunity

    deal = session.get(Opportunity, proposal.opportunity_id) if proposal.opportunity_id else None
    if deal is not None and deal.deleted_at is not None:
        deal = None
    competitors: tuple[str, ...] = ()
    if deal is not None:
        competitors = tuple(
            name.strip()
            for name in session.exec(
                select(DealCompetitor.name)
                .where(
                    DealCompetitor.opportunity_id == deal.id,
                    col(DealCompetitor.deleted_at).is_(None),
                )
                .order_by(col(DealCompetitor.created_at), col(DealCompetitor.id))
            ).all()
            if name.strip()
        )
    account = session.get(Account, proposal.account_id)
    owner = (deal.owner_id if deal is not None else None) or (
        account.owner_id if account is not None else None
    )
    return (deal.name if deal is not None else ""), competitors, owner


def proposal_document(book: Book, proposal_id: str, today: dt.date) -> ProposalDocument:
    """One version of a proposal as the calculator, the PDF and the spreadsheet read it.

    Read in one read transaction, so every part is of the same moment. Money in major
    units of the proposal's currency, percentages and quantities as exact Decimals. The
    customer is the account's name; the deal's name and its named competitors come from
    the deal; "prepared by" is the deal's owner, else the account's (the book keeps no
    user of its own). The cover date is the sent date of a sent version, else ``today``.
    """
    from kamdesk.models import Account, TeamMember

    with book.read() as session:
        version = _read_version(session, proposal_id)
        proposal = version.proposal
        currency = proposal.currency
        account = session.get(Account, proposal.account_id)
        deal_name, competitors, owner_id = _deal_and_people(session, proposal)
        owner = session.get(TeamMember, owner_id) if owner_id else None
        options = tuple(
            _option(o, version.lines, version.benefits, currency) for o in version.options
        )
        recommended = next((o.id for o in options if o.recommended), None)
        sent_on = proposal.sent_on
        return ProposalDocument(
            id=proposal.id,
            title=proposal.title,
            customer=account.name if account is not None else "",
            language=_code(ProposalLanguage, proposal.language, ProposalLanguage.ENGLISH),
            currency=currency,
            version=proposal.version,
            status=_code(ProposalStatus, proposal.status, ProposalStatus.DRAFT),
            sent_on=sent_on,
            document_date=sent_on or today,
            economics=Economics(
                horizon_years=proposal.horizon_years,
                discount_rate=from_scaled(
                    proposal.discount_rate, PROPOSAL.specs["discount_rate"].scale
                ),
                status_quo_cost_per_year=_major(proposal.status_quo_cost_minor, currency),
                competitor_name=proposal.competitor_name,
                competitor_one_off=_major(proposal.competitor_one_off_minor, currency),
                competitor_per_year=_major(proposal.competitor_per_year_minor, currency),
            ),
            options=options,
            deal=deal_name,
            situation=proposal.situation,
            pains=tuple(PainMapping(p.id, p.pain, p.component) for p in version.pains),
            phases=tuple(
                Phase(p.id, p.name, p.starts_on, p.weeks, p.deliverables, p.owner)
                for p in version.phases
            ),
            payment_terms=proposal.payment_terms,
            why_us=proposal.why_us,
            competitors=competitors,
            references=proposal.reference_cases,
            next_steps=proposal.next_steps,
            prepared_by=owner.name if owner is not None and owner.deleted_at is None else "",
            recommended_option_id=recommended,
        )


__all__ = [
    "OPTION_NAMES",
    "Difference",
    "ProposalSummary",
    "VersionRow",
    "compare_versions",
    "new_proposal",
    "next_version",
    "proposal_document",
    "proposals_of_account",
    "proposals_of_book",
    "send_proposal",
    "versions",
]

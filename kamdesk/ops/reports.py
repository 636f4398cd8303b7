"""Gathering a report's data from the book and writing the PDF where the user chose.

The report builders take plain data; this module is the one place that reads the book
for them, resolving vocabulary codes to labels in the report's language.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

from kamdesk.domain.coverage import decision_maker_coverage
from kamdesk.errors import KamdeskError, NotFoundError
from kamdesk.i18n import _, current_language
from kamdesk.reports.data import AccountSummary, Branding, StakeholderLine
from kamdesk.settings import (
    ACCENT_COLOR,
    COMPANY_NAME,
    LOGO_PATH,
    PRIMARY_COLOR,
    Settings,
)
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader


def branding_from(settings: Settings) -> Branding:
    """The company's look on paper, as the user set it."""
    logo = settings.get(LOGO_PATH)
    return Branding(
        company_name=settings.get(COMPANY_NAME),
        logo_path=Path(logo) if logo and Path(logo).is_file() else None,
        primary_color=settings.get(PRIMARY_COLOR),
        accent_color=settings.get(ACCENT_COLOR),
    )


def account_summary_data(
    book: Book, account_id: str, today: dt.date | None = None
) -> AccountSummary:
    """The account summary of one account, in the current language."""
    reader = BookReader(book.db)
    account = reader.account(account_id)
    if account is None:
        raise NotFoundError(_("This account no longer exists."))
    language = current_language().code
    vocabulary = reader.vocabulary()

    def label(kind: str, code: object) -> str:
        for term in vocabulary.get(kind, []):
            if term.code == code:
                return term.label(language)
        return str(code or "")

    members = {m.id: m.name for m in reader.team_members()}
    names = dict(reader.account_names())
    stakeholders = reader.stakeholders(account_id)
    stakeholder_names = {s.id: s.name for s in stakeholders}
    lines = tuple(
        StakeholderLine(
            name=s.name,
            title=str(s.values["title"]),
            department=str(s.values["department"]),
            level=label("level", s.values["level"]),
            buying_role=label("buying_role", s.values["buying_role"]),
            force=label("force", s.values["force"]),
            attitude=label("attitude", s.values["attitude"]),
            influence=s.values["influence"],
            reports_to=stakeholder_names.get(str(s.values["reports_to_id"]), ""),
            covered_by=tuple(members[m] for m in s.covered_by if m in members),
        )
        for s in stakeholders
    )
    return AccountSummary(
        name=str(account["name"]),
        generated_on=today or dt.date.today(),
        parent_name=names.get(str(account["parent_id"]), ""),
        org_level=label("org_level", account["org_level"]),
        industry=label("industry", account["industry"]),
        tier=str(account["tier"]),
        lifecycle_stage=label("lifecycle_stage", account["lifecycle_stage"]),
        decision_mode=label("decision_mode", account["decision_mode"]),
        owner=members.get(str(account["owner_id"]), ""),
        currency=str(account["currency"]),
        annual_revenue_minor=account["annual_revenue_minor"],
        potential_revenue_minor=account["potential_revenue_minor"],
        procurement_process=str(account["procurement_process"]),
        budget_cycle=label("budget_cycle", account["budget_cycle"]),
        pain_points=str(account["pain_points"]),
        strategy=label("strategy", account["strategy"]),
        incumbent_suppliers=str(account["incumbent_suppliers"]),
        competitors=str(account["competitors"]),
        notes=str(account["notes"]),
        stakeholders=lines,
        decision_maker_coverage=decision_maker_coverage(
            [
                (str(s.values["buying_role"]), str(s.values["level"]), bool(s.covered_by))
                for s in stakeholders
            ]
        ),
    )


def account_summary_pdf(book: Book, account_id: str, branding: Branding) -> bytes:
    """The account summary PDF of one account."""
    from kamdesk.reports.account_summary import build_account_summary

    return build_account_summary(account_summary_data(book, account_id), branding)


def save_file(data: bytes, target: Path) -> None:
    """Write a file (a PDF, a spreadsheet, a calendar) all at once.

    A half-written file never takes the target's name.
    """
    target = target.expanduser()
    if not target.parent.is_dir():
        raise KamdeskError(_("The folder {folder} does not exist.").format(folder=target.parent))
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    try:
        with partial.open("wb") as fp:
            fp.write(data)
            fp.flush()
            os.fsync(fp.fileno())
        os.replace(partial, target)
    except OSError as error:
        raise KamdeskError(
            _("Could not save {path}: {reason}").format(path=target, reason=error.strerror)
        ) from error
    finally:
        partial.unlink(missing_ok=True)

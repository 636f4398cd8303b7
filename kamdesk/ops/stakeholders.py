"""Actions on stakeholders: create, edit (coverage included), delete and restore."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import STAKEHOLDER_FIELDS, FieldKind, FieldSpec
from kamdesk.domain.rules import creates_cycle
from kamdesk.i18n import N_, _
from kamdesk.ops import records
from kamdesk.store.book import Book

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Coverage, Record, Stakeholder


def _stakeholder_model() -> type[Stakeholder]:
    from kamdesk.models import Stakeholder

    return Stakeholder


def _check_stakeholder(
    session: Session, stakeholder_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    from sqlmodel import select

    from kamdesk.models import Account, Stakeholder, TeamMember

    errors: dict[str, str] = {}
    account_id = values.get("account_id")
    if stakeholder_id is not None:
        current = session.get(Stakeholder, stakeholder_id)
        assert current is not None
        account_id = current.account_id
    account = session.get(Account, account_id) if account_id else None
    if account is None or account.deleted_at is not None:
        errors["name"] = _("The account of this stakeholder no longer exists.")
        return errors
    boss_id = values.get("reports_to_id")
    if boss_id:
        boss = session.get(Stakeholder, boss_id)
        if boss_id == stakeholder_id:
            errors["reports_to_id"] = _("A stakeholder cannot report to themselves.")
        elif boss is None or boss.deleted_at is not None or boss.account_id != account_id:
            errors["reports_to_id"] = _("Choose someone at the same account.")
        elif stakeholder_id is not None:
            reporting = dict(
                session.exec(
                    select(Stakeholder.id, Stakeholder.reports_to_id).where(
                        Stakeholder.account_id == account_id
                    )
                ).all()
            )
            if creates_cycle(stakeholder_id, boss_id, reporting):
                errors["reports_to_id"] = _(
                    "This would make a reporting loop: they already report, through others, "
                    "to this stakeholder."
                )
    for member_id in values.get("covered_by", ()):
        member = session.get(TeamMember, member_id)
        if member is None or member.deleted_at is not None:
            errors["covered_by"] = _("A team member in this list no longer exists.")
    return errors


def _coverage_rows(session: Session, stakeholder_id: str) -> Sequence[Coverage]:
    """The stakeholder's coverage rows, tombstones included, by members still on the team.

    Only those: the form cannot show the others, so it must not be taken to have removed
    them (they come back if the member does).
    """
    from sqlmodel import col, select

    from kamdesk.models import Coverage, TeamMember

    return session.exec(
        select(Coverage)
        .join(TeamMember, col(TeamMember.id) == Coverage.team_member_id)
        .where(Coverage.stakeholder_id == stakeholder_id, col(TeamMember.deleted_at).is_(None))
    ).all()


def _read_coverage(session: Session, stakeholder_id: str) -> dict[str, Any]:
    """The stakeholder's coverage as the form shows it: members, sorted."""
    rows = _coverage_rows(session, stakeholder_id)
    return {"covered_by": tuple(sorted(r.team_member_id for r in rows if r.deleted_at is None))}


def _write_coverage(
    session: Session, stakeholder_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    """Make the stakeholder's coverage exactly ``values['covered_by']``; return the old list."""
    from kamdesk.models import Coverage, utc_now

    wanted = set(values["covered_by"])
    rows = _coverage_rows(session, stakeholder_id)
    before = tuple(sorted(r.team_member_id for r in rows if r.deleted_at is None))
    if set(before) == wanted:
        return {}
    by_member = {row.team_member_id: row for row in rows}
    for member_id in wanted:
        row = by_member.get(member_id)
        if row is None:
            # Its id follows from the pair (``coverage_id``): another device ticking the
            # same member for this person makes this same row, not a second one.
            session.add(Coverage(stakeholder_id=stakeholder_id, team_member_id=member_id))
        elif row.deleted_at is not None:
            row.deleted_at = None
    for member_id, row in by_member.items():
        if member_id not in wanted and row.deleted_at is None:
            row.deleted_at = utc_now()
    return {"covered_by": before}


STAKEHOLDER = records.RecordKind(
    model=_stakeholder_model,
    fields=STAKEHOLDER_FIELDS,
    label=N_("stakeholder"),
    check=_check_stakeholder,
    extra_fields=frozenset({"covered_by"}),
    write_extra=_write_coverage,
    read_extra=_read_coverage,
)

#: A new stakeholder also names their account (which an edit never changes).
_NEW_STAKEHOLDER = replace(
    STAKEHOLDER,
    fields=(*STAKEHOLDER_FIELDS, FieldSpec("account_id", N_("Account"), FieldKind.ACCOUNT)),
)


def create_stakeholder(book: Book, account_id: str, values: Mapping[str, Any]) -> str:
    """Add a stakeholder to an account; returns their id."""
    return records.create(book, _NEW_STAKEHOLDER, {**values, "account_id": account_id})


def check_stakeholder(
    book: Book, account_id: str, stakeholder_id: str | None, values: Mapping[str, Any]
) -> None:
    """Raise ValidationError if these values would be refused; writes nothing."""
    if stakeholder_id is None:
        records.check(book, _NEW_STAKEHOLDER, None, {**values, "account_id": account_id})
    else:
        records.check(book, STAKEHOLDER, stakeholder_id, values)


def update_stakeholder(
    book: Book,
    stakeholder_id: str,
    values: Mapping[str, Any],
    *,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Change a stakeholder's fields; returns the values they replaced (for undo).

    ``base``: what the edit form started from, ``covered_by`` included; see
    ``records.update`` (only changed fields are written, and ``EditConflictError`` if
    one was changed elsewhere too; the coverage list counts as one field).
    """
    return records.update(book, STAKEHOLDER, stakeholder_id, values, base=base)


def delete_stakeholder(book: Book, stakeholder_id: str) -> None:
    """Delete a stakeholder."""
    records.delete(book, STAKEHOLDER, stakeholder_id)


def _boss_and_account_of(session: Session, record: Record) -> list[Record]:
    from kamdesk.models import Account, Stakeholder

    if isinstance(record, Account):
        parent = session.get(Account, record.parent_id) if record.parent_id else None
        return [parent] if parent is not None else []
    assert isinstance(record, Stakeholder)
    boss = session.get(Stakeholder, record.reports_to_id) if record.reports_to_id else None
    account = session.get(Account, record.account_id)
    return [needed for needed in (boss, account) if needed is not None]


def restore_stakeholder(book: Book, stakeholder_id: str) -> list[str]:
    """Undo the deletion of a stakeholder; returns the names of others that came back.

    Someone who reported to a boss deleted since brings the boss back (and the boss's
    own boss, if deleted); a stakeholder of a deleted account brings the account back.
    """
    return records.restore(book, STAKEHOLDER, stakeholder_id, needs=_boss_and_account_of)

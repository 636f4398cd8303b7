"""Actions on accounts: create, edit, delete and restore."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import ACCOUNT_FIELDS
from kamdesk.domain.rules import creates_cycle
from kamdesk.errors import ValidationError
from kamdesk.i18n import N_, _, ngettext
from kamdesk.ops import records
from kamdesk.store.book import Book

if TYPE_CHECKING:
    from sqlmodel import Session

    from kamdesk.models import Account, Record


def _account_model() -> type[Account]:
    from kamdesk.models import Account

    return Account


def _check_account(
    session: Session, account_id: str | None, values: dict[str, Any]
) -> dict[str, str]:
    from sqlmodel import col, select

    from kamdesk.models import Account, TeamMember

    errors: dict[str, str] = {}
    parent_id = values.get("parent_id")
    if parent_id:
        parent = session.get(Account, parent_id)
        if parent is None or parent.deleted_at is not None:
            errors["parent_id"] = _("The parent account no longer exists.")
        elif account_id is not None:
            live = col(Account.deleted_at).is_(None)
            parent_of = dict(session.exec(select(Account.id, Account.parent_id).where(live)).all())
            if creates_cycle(account_id, parent_id, parent_of):
                errors["parent_id"] = _(
                    "An account cannot sit under itself or under one of its own branches."
                )
    owner_id = values.get("owner_id")
    if owner_id:
        owner = session.get(TeamMember, owner_id)
        if owner is None or owner.deleted_at is not None:
            errors["owner_id"] = _("This team member no longer exists.")
    return errors


ACCOUNT = records.RecordKind(
    model=_account_model, fields=ACCOUNT_FIELDS, label=N_("account"), check=_check_account
)


def create_account(book: Book, values: Mapping[str, Any]) -> str:
    """Add an account; returns its id."""
    return records.create(book, ACCOUNT, values)


def check_account(book: Book, account_id: str | None, values: Mapping[str, Any]) -> None:
    """Raise ValidationError if these values would be refused; writes nothing."""
    records.check(book, ACCOUNT, account_id, values)


def update_account(
    book: Book,
    account_id: str,
    values: Mapping[str, Any],
    *,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Change an account's fields; returns the values they replaced (for undo).

    ``base``: what the edit form started from; see ``records.update`` (only changed
    fields are written, and ``EditConflictError`` if one was changed elsewhere too).
    """
    return records.update(book, ACCOUNT, account_id, values, base=base)


def refuse_if_it_has_branches(session: Session, account_id: str) -> None:
    """Refuse to delete an account that still has live branches (a delete check)."""
    from sqlmodel import col, func, select

    from kamdesk.models import Account

    count = session.exec(
        select(func.count()).where(
            Account.parent_id == account_id, col(Account.deleted_at).is_(None)
        )
    ).one()
    if count:
        raise ValidationError(
            {
                "parent_id": ngettext(
                    "This account has {count} branch or subsidiary; move or delete it first.",
                    "This account has {count} branches or subsidiaries; move or delete them first.",
                    count,
                ).format(count=count)
            }
        )


def delete_account(book: Book, account_id: str) -> None:
    """Delete an account (its stakeholders go with it, and come back on restore)."""
    records.delete(book, ACCOUNT, account_id, check=refuse_if_it_has_branches)


def _parent_of(session: Session, account: Record) -> list[Record]:
    from kamdesk.models import Account

    parent_id = getattr(account, "parent_id", None)
    parent = session.get(Account, parent_id) if parent_id else None
    return [parent] if parent is not None else []


def restore_account(book: Book, account_id: str) -> list[str]:
    """Undo the deletion of an account; returns the names of others that came back.

    A branch whose group was deleted too brings its group back (and the group's own
    parent, if that is deleted): a live branch never sits under a deleted account.
    """
    return records.restore(book, ACCOUNT, account_id, needs=_parent_of)

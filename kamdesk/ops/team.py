"""Actions on our team members (the people who cover stakeholders)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kamdesk.domain.fields import TEAM_MEMBER_FIELDS
from kamdesk.i18n import N_
from kamdesk.ops import records
from kamdesk.store.book import Book

if TYPE_CHECKING:
    from kamdesk.models import TeamMember


def _team_member_model() -> type[TeamMember]:
    from kamdesk.models import TeamMember

    return TeamMember


TEAM_MEMBER = records.RecordKind(
    model=_team_member_model, fields=TEAM_MEMBER_FIELDS, label=N_("team member")
)


def create_team_member(book: Book, values: Mapping[str, Any]) -> str:
    """Add a member of our team; returns their id."""
    return records.create(book, TEAM_MEMBER, values)


def check_team_member(book: Book, member_id: str | None, values: Mapping[str, Any]) -> None:
    """Raise ValidationError if these values would be refused; writes nothing."""
    records.check(book, TEAM_MEMBER, member_id, values)


def update_team_member(
    book: Book,
    member_id: str,
    values: Mapping[str, Any],
    *,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Change a team member's fields; returns the values they replaced (for undo).

    ``base``: what the edit form started from; see ``records.update``.
    """
    return records.update(book, TEAM_MEMBER, member_id, values, base=base)


def delete_team_member(book: Book, member_id: str) -> None:
    """Delete a team member (their coverage and ownership disappear from view)."""
    records.delete(book, TEAM_MEMBER, member_id)


def restore_team_member(book: Book, member_id: str) -> None:
    """Undo the deletion of a team member."""
    records.restore(book, TEAM_MEMBER, member_id)

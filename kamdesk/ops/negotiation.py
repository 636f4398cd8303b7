"""Reordering a deal's concession plan: the one action on it the generic ops lack.

A concession plan is read in order (what we give first, and what we hold back until
last); a concession's place is not a field of its form but its ``position``, which a new
one takes last (``kamdesk.kinds.negotiation.place_last``). Moving one up or down swaps
places with its neighbour, so moving it back is the same action the other way.
"""

from __future__ import annotations

from kamdesk.errors import NotFoundError
from kamdesk.i18n import _
from kamdesk.store.book import Book


def move_concession(book: Book, concession_id: str, step: int) -> bool:
    """Move a concession one place earlier (``step`` -1) or later (+1) in its deal's plan.

    False, with nothing written, when it is first (or last) already. Places tied (two
    devices that each added one) are numbered afresh first, in the order they are listed.
    """
    if step not in (-1, 1):
        raise ValueError("a concession moves one place at a time")
    from sqlmodel import select

    from kamdesk.models.negotiation import Concession

    with book.write() as session:
        moved = session.get(Concession, concession_id)
        if moved is None or moved.deleted_at is not None:
            raise NotFoundError(_("This {record} no longer exists.").format(record=_("concession")))
        plan = sorted(
            session.exec(
                select(Concession).where(
                    Concession.opportunity_id == moved.opportunity_id,
                    Concession.deleted_at.is_(None),  # type: ignore[union-attr]
                )
            ),
            key=lambda c: (c.position, c.id),
        )
        here = next(i for i, c in enumerate(plan) if c.id == moved.id)
        there = here + step
        if not 0 <= there < len(plan):
            return False
        if len({c.position for c in plan}) < len(plan):
            for number, concession in enumerate(plan, start=1):
                concession.position = number
        other = plan[there]
        moved.position, other.position = other.position, moved.position
        return True

"""A visit answers milestones (里程碑方法): the debrief ticks what the customer decided.

The milestone method has each visit answer one or more of the deal's milestones, in
order. Saying which a visit answered ticks them, dated the visit's day (in the visit's
own time zone), and links each to the visit, in one transaction; the values replaced
come back, so undo puts them as they were (``restore_answers``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from kamdesk.domain.visits import in_zone
from kamdesk.errors import NotFoundError, ValidationError
from kamdesk.i18n import _
from kamdesk.store.book import Book

#: What answering changes on a milestone, and what undo puts back.
_ANSWER_COLUMNS = ("done", "done_on", "answered_by_visit_id")


def answer_milestones(
    book: Book, visit_id: str, milestone_ids: Collection[str]
) -> dict[str, dict[str, Any]]:
    """Mark ``milestone_ids`` as answered by the visit; returns each one's replaced values.

    A milestone already ticked keeps its day; every one must be a live milestone of the
    visit's deal (of a deal of the visit's account when the visit is for no deal in
    particular), or nothing is saved.
    """
    from kamdesk.models.milestone import Milestone
    from kamdesk.models.opportunity import Opportunity
    from kamdesk.models.visit import Visit

    with book.write() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted_at is not None:
            raise NotFoundError(_("This visit no longer exists."))
        day = in_zone(visit.starts_at, visit.time_zone).date()
        if day > dt.date.today():
            raise ValidationError(
                {"milestones": _("A visit still to come has answered nothing yet.")}
            )
        chosen = []
        for milestone_id in milestone_ids:
            milestone = session.get(Milestone, milestone_id)
            deal = session.get(Opportunity, milestone.opportunity_id) if milestone else None
            if milestone is None or milestone.deleted_at is not None or deal is None:
                raise ValidationError({"milestones": _("This milestone no longer exists.")})
            theirs = (
                deal.id != visit.opportunity_id
                if visit.opportunity_id
                else deal.account_id != visit.account_id
            )
            if theirs:
                raise ValidationError(
                    {"milestones": _("“{milestone}” is a milestone of another deal.").format(
                        milestone=milestone.text
                    )}
                )  # fmt: skip
            chosen.append(milestone)
        replaced: dict[str, dict[str, Any]] = {}
        for milestone in chosen:
            replaced[milestone.id] = {c: getattr(milestone, c) for c in _ANSWER_COLUMNS}
            if not milestone.done:
                milestone.done = True
                milestone.done_on = day
            milestone.answered_by_visit_id = visit.id
        return replaced


def unanswer_milestones(
    book: Book, visit_id: str, milestone_ids: Collection[str]
) -> dict[str, dict[str, Any]]:
    """The visit did not answer these after all: unlink and untick them.

    Returns the values replaced (``restore_answers`` puts them back). A milestone another
    visit answered stays as it is.
    """
    from kamdesk.models.milestone import Milestone

    with book.write() as session:
        replaced: dict[str, dict[str, Any]] = {}
        for milestone_id in milestone_ids:
            milestone = session.get(Milestone, milestone_id)
            if milestone is None or milestone.answered_by_visit_id != visit_id:
                continue
            replaced[milestone.id] = {c: getattr(milestone, c) for c in _ANSWER_COLUMNS}
            milestone.answered_by_visit_id = None
            milestone.done = False
            milestone.done_on = None
        return replaced


def restore_answers(book: Book, replaced: Mapping[str, Mapping[str, Any]]) -> None:
    """Put milestones back as ``answer_milestones`` found them (undo)."""
    from kamdesk.models.milestone import Milestone

    with book.write() as session:
        for milestone_id, values in replaced.items():
            milestone = session.get(Milestone, milestone_id)
            if milestone is None:
                continue
            for column in _ANSWER_COLUMNS:
                value = values.get(column)
                if column == "done_on" and isinstance(value, str):
                    value = dt.date.fromisoformat(value)
                setattr(milestone, column, value)


def answered_by(book: Book, visit_id: str) -> list[str]:
    """The ids of the live milestones the visit answered, in checklist order."""
    return [
        row[0]
        for row in book.db.execute(
            "SELECT id FROM milestone WHERE answered_by_visit_id = ? AND deleted_at IS NULL "
            "ORDER BY opportunity_id, position, id",
            (visit_id,),
        )
    ]

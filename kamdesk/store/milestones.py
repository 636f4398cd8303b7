"""Reading deals' milestones for their progress: one query for any number of deals.

The pipeline's board shows the progress of a few hundred deals at once, so the
milestones of all of them are read in one statement (their ids passed as one JSON
array, whatever their number), on plain sqlite3 like the rest of the reads.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from kamdesk.domain.milestones import NO_PROGRESS, Progress, progress
from kamdesk.kinds.milestone import STAGES

_MILESTONES_SQL = """
SELECT m.opportunity_id, m.stage, m.text, m.done
FROM milestone m
WHERE m.deleted_at IS NULL AND m.opportunity_id IN (SELECT value FROM json_each(?))
ORDER BY m.opportunity_id, m.position, m.id
"""


class MilestoneRow(NamedTuple):
    """A milestone as progress reads it."""

    stage: str
    text: str
    done: bool


class DealStage(NamedTuple):
    """Which deal, on which model, at which stage: what its progress is measured against."""

    id: str
    stage_model: str
    stage: str


def deal_progress(db: sqlite3.Connection, deals: Iterable[DealStage]) -> dict[str, Progress]:
    """The progress of each deal (``NO_PROGRESS`` for one with no milestones)."""
    wanted = {deal.id: deal for deal in deals}
    rows: dict[str, list[MilestoneRow]] = {}
    for deal_id, stage, text, done in db.execute(_MILESTONES_SQL, (json.dumps(list(wanted)),)):
        rows.setdefault(deal_id, []).append(MilestoneRow(stage, text, bool(done)))
    return {
        deal_id: progress(rows[deal_id], STAGES.get(deal.stage_model, ()), deal.stage)
        if deal_id in rows
        else NO_PROGRESS
        for deal_id, deal in wanted.items()
    }

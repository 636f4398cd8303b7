"""How long a deal spent in each stage, from its stage history.

A deal that has sat in the solution stage for four months while its close date says next
month is the one a manager asks about; the deal's page and the visit briefing show the
days per stage for that. The history is the deal's ``stage_change`` rows (each says the
stage the deal moved to, and when); this module works on any rows shaped like them, so it
needs no book.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple, Protocol


class StageMove(Protocol):
    """One entry of a stage history: the stage a deal moved to, and when (UTC)."""

    @property
    def to_stage(self) -> str:
        """The stage code the deal moved to (``compass.solution``)."""
        ...

    @property
    def changed_at(self) -> dt.datetime:
        """When it moved; a naive time is taken as UTC, as the book stores times."""
        ...


class StageTime(NamedTuple):
    """The time a deal spent in one stage, over every visit to it."""

    stage: str
    #: Whole days (a stage left after six hours counts 0 days), every visit added up.
    days: int
    #: The deal is in this stage now, so ``days`` counts on.
    current: bool


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def days_per_stage(history: Iterable[StageMove], now: dt.datetime) -> list[StageTime]:
    """The days spent in each stage, in the order the deal first reached them.

    Each stage lasts from the move into it to the next move; the last stage (where the
    deal is now) lasts until ``now``. A stage visited twice (a deal sent back from
    commercial to solution) adds up both stays. Moves are taken in time order whatever
    order they come in, moves with the same time in the order given. A move dated after
    ``now`` (another device's clock ahead of ours) counts no time rather than less than
    none. For a deal that is won or lost, pass as ``now`` when it closed, if known, so its
    last stage does not count on after the close.
    """
    moves = sorted(
        ((_utc(m.changed_at), index, m.to_stage) for index, m in enumerate(history)),
        key=lambda move: (move[0], move[1]),
    )
    end = _utc(now)
    spent: dict[str, dt.timedelta] = {}
    for position, (start, _index, stage) in enumerate(moves):
        until = moves[position + 1][0] if position + 1 < len(moves) else end
        spent[stage] = spent.get(stage, dt.timedelta()) + max(until - start, dt.timedelta())
    current = moves[-1][2] if moves else None
    return [StageTime(stage, time.days, stage == current) for stage, time in spent.items()]

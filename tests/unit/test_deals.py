"""Days per stage: how long a deal sat in each stage, read from its stage history."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from kamdesk.domain.deals import StageTime, days_per_stage

UTC = dt.UTC


class Move(NamedTuple):
    to_stage: str
    changed_at: dt.datetime


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


def test_each_stage_lasts_until_the_next_move_and_the_current_one_until_now() -> None:
    history = [
        Move("compass.intent", at(9, 1)),
        Move("compass.solution", at(9, 15)),
        Move("compass.commercial", at(11, 2)),
    ]
    assert days_per_stage(history, at(12, 1)) == [
        StageTime("compass.intent", 14, current=False),
        StageTime("compass.solution", 48, current=False),
        StageTime("compass.commercial", 29, current=True),
    ]


def test_part_days_are_not_rounded_up() -> None:
    history = [Move("project.tender", at(11, 30, 8)), Move("project.negotiation", at(11, 30, 20))]
    assert days_per_stage(history, at(12, 2, 19)) == [
        StageTime("project.tender", 0, current=False),
        StageTime("project.negotiation", 1, current=True),  # 47 hours
    ]


def test_a_stage_visited_twice_adds_up_both_stays() -> None:
    history = [
        Move("compass.intent", at(6, 1)),
        Move("compass.solution", at(6, 11)),
        Move("compass.commercial", at(7, 1)),
        # Sent back: the customer reopened the technical evaluation.
        Move("compass.solution", at(7, 6)),
        Move("compass.commercial", at(7, 16)),
    ]
    assert days_per_stage(history, at(7, 26)) == [
        StageTime("compass.intent", 10, current=False),
        StageTime("compass.solution", 20 + 10, current=False),
        StageTime("compass.commercial", 5 + 10, current=True),
    ]


def test_moves_are_taken_in_time_order_whatever_order_they_come_in() -> None:
    # Rows synced from two devices arrive in any order.
    history = [
        Move("compass.closing", at(10, 20)),
        Move("compass.intent", at(10, 1)),
        Move("compass.solution", at(10, 10)),
    ]
    assert [t.stage for t in days_per_stage(history, at(10, 30))] == [
        "compass.intent",
        "compass.solution",
        "compass.closing",
    ]
    assert days_per_stage(history, at(10, 30))[-1] == StageTime("compass.closing", 10, True)


def test_times_stored_without_a_zone_are_utc() -> None:
    naive = [Move("compass.intent", dt.datetime(2026, 12, 1, 0, 30))]
    shanghai = dt.timezone(dt.timedelta(hours=8))
    # 2 Dec 08:30 in Shanghai is 2 Dec 00:30 UTC: exactly one day on.
    now = dt.datetime(2026, 12, 2, 8, 30, tzinfo=shanghai)
    assert days_per_stage(naive, now) == [StageTime("compass.intent", 1, current=True)]


def test_a_clock_ahead_of_ours_counts_no_time_rather_than_less_than_none() -> None:
    history = [Move("compass.intent", at(11, 1)), Move("compass.solution", at(12, 3))]
    assert days_per_stage(history, at(12, 1)) == [
        StageTime("compass.intent", 32, current=False),
        StageTime("compass.solution", 0, current=True),
    ]


def test_no_history_no_stages() -> None:
    assert days_per_stage([], at(12, 1)) == []

"""The hybrid logical clock that orders every change a device makes."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from kamdesk.sync.clock import (
    COUNTER_BITS,
    MAX_FUTURE_DRIFT_MS,
    HybridLogicalClock,
    counter,
    pack,
    physical_ms,
)

T0 = 1_750_000_000_000  # some afternoon in 2025, in ms


def fake_wall(*readings: int) -> Callable[[], int]:
    """A wall clock that returns ``readings`` in turn, then keeps the last one."""
    values = list(readings)

    def wall() -> int:
        return values.pop(0) if len(values) > 1 else values[0]

    return wall


def test_pack_round_trips_physical_time_and_counter() -> None:
    stamp = pack(T0, 7)
    assert physical_ms(stamp) == T0
    assert counter(stamp) == 7
    assert pack(T0, 0) < pack(T0, 1) < pack(T0 + 1, 0)


def test_stamps_strictly_increase_while_the_wall_clock_stands_still() -> None:
    clock = HybridLogicalClock(wall=fake_wall(T0))
    stamps = [clock.now() for _ in range(1000)]
    assert all(a < b for a, b in itertools.pairwise(stamps))
    assert {physical_ms(s) for s in stamps} == {T0}


def test_stamps_follow_the_wall_clock_when_it_moves_forward() -> None:
    clock = HybridLogicalClock(wall=fake_wall(T0, T0 + 5, T0 + 900))
    first, second, third = clock.now(), clock.now(), clock.now()
    assert first < second < third
    assert [physical_ms(s) for s in (first, second, third)] == [T0, T0 + 5, T0 + 900]
    assert counter(third) == 0


def test_wall_clock_going_backwards_keeps_stamps_increasing_and_close() -> None:
    # The laptop syncs its clock and jumps back an hour.
    readings = [T0 + i for i in range(10)] + [T0 - 3_600_000 + i for i in range(100)]
    clock = HybridLogicalClock(wall=fake_wall(*readings))
    stamps = [clock.now() for _ in range(len(readings))]
    assert all(a < b for a, b in itertools.pairwise(stamps))
    # The physical part holds at the latest time seen instead of racing ahead.
    assert max(physical_ms(s) for s in stamps) == T0 + 9
    assert physical_ms(stamps[-1]) - (T0 + 9) <= 1


def test_counter_overflow_still_increases() -> None:
    clock = HybridLogicalClock(last=pack(T0, (1 << COUNTER_BITS) - 1), wall=fake_wall(T0))
    before = clock.last
    after = clock.now()
    assert after > before
    # The carry moves the physical part on by one millisecond only.
    assert physical_ms(after) == T0 + 1
    assert counter(after) == 0


def test_many_events_in_one_millisecond_overflow_without_breaking_order() -> None:
    clock = HybridLogicalClock(wall=fake_wall(T0))
    stamps = [clock.now() for _ in range((1 << COUNTER_BITS) + 10)]
    assert all(a < b for a, b in itertools.pairwise(stamps))
    assert physical_ms(stamps[-1]) == T0 + 1


def test_clock_restored_from_a_book_never_goes_behind_it() -> None:
    saved = pack(T0 + 60_000, 3)  # what the book recorded, ahead of this wall clock
    clock = HybridLogicalClock(last=saved, wall=fake_wall(T0))
    assert clock.now() > saved


def test_observe_moves_the_clock_past_a_remote_stamp() -> None:
    clock = HybridLogicalClock(wall=fake_wall(T0))
    local = clock.now()
    remote = pack(T0 + 2_000, 5)  # another laptop two seconds ahead: plausible
    assert clock.observe(remote) is True
    following = clock.now()
    assert following > remote > local


def test_observe_of_an_older_remote_stamp_does_not_move_the_clock_back() -> None:
    clock = HybridLogicalClock(wall=fake_wall(T0))
    local = clock.now()
    assert clock.observe(pack(T0 - 10_000)) is True
    assert clock.now() > local


def test_observe_flags_a_far_future_stamp_but_still_follows_it() -> None:
    clock = HybridLogicalClock(wall=fake_wall(T0))
    far = pack(T0 + MAX_FUTURE_DRIFT_MS + 1)
    assert clock.observe(far) is False
    assert clock.now() > far


def test_observe_accepts_a_stamp_just_inside_the_allowed_drift() -> None:
    clock = HybridLogicalClock(wall=fake_wall(T0))
    assert clock.observe(pack(T0 + MAX_FUTURE_DRIFT_MS)) is True


def test_catch_up_passes_a_stamp_another_program_saved_but_never_goes_back() -> None:
    clock = HybridLogicalClock(wall=fake_wall(T0))
    mine = clock.now()
    # Another program on the same book has stamped further while we were idle.
    theirs = pack(T0, 40)
    clock.catch_up(theirs)
    assert clock.now() > theirs > mine
    # A stored clock behind ours (we wrote last) changes nothing.
    latest = clock.now()
    clock.catch_up(mine)
    assert clock.now() == latest + 1

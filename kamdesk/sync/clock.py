"""The hybrid logical clock that stamps every change-log entry.

A stamp packs wall-clock milliseconds and a counter into one integer
(``ms << 16 | counter``), so stamps compare as plain integers, sort in SQL, and never go
backwards: when the laptop's clock jumps back, the physical part holds and the counter
counts on. The device id breaks ties between devices (not part of the integer).
"""

from __future__ import annotations

import time
from collections.abc import Callable

COUNTER_BITS = 16

#: A remote stamp more than this far ahead of our wall clock is suspicious (a laptop with
#: its date set wrong); the clock still follows it, but sync warns the user.
MAX_FUTURE_DRIFT_MS = 5 * 60 * 1000


def wall_clock_ms() -> int:
    """Milliseconds since the epoch from the system clock."""
    return time.time_ns() // 1_000_000


def pack(physical_ms: int, counter: int = 0) -> int:
    """The stamp for a physical time and counter."""
    return (physical_ms << COUNTER_BITS) | counter


def physical_ms(stamp: int) -> int:
    """The wall-clock part of a stamp."""
    return stamp >> COUNTER_BITS


def counter(stamp: int) -> int:
    """The logical counter of a stamp."""
    return stamp & ((1 << COUNTER_BITS) - 1)


class HybridLogicalClock:
    """Hands out strictly increasing stamps close to wall-clock time.

    ``last`` is restored from the book when it opens, so the order holds across restarts.
    """

    def __init__(self, last: int = 0, wall: Callable[[], int] = wall_clock_ms) -> None:
        self.last = last
        self._wall = wall

    def now(self) -> int:
        """A new stamp for a local event, greater than every stamp seen so far."""
        # Counter overflow carries into the physical part, which keeps the order.
        self.last = max(pack(self._wall()), self.last + 1)
        return self.last

    def catch_up(self, stored: int) -> None:
        """Make every later stamp greater than ``stored``, the clock the book last saved.

        Another program (or another window) on the same book shares this device id and
        saves its clock in the book as it writes; reading it at the start of each write
        keeps the two from ever handing out the same stamp.
        """
        self.last = max(self.last, stored)

    def observe(self, remote: int) -> bool:
        """Take a stamp from another device into account.

        Returns False when the remote stamp is implausibly far in the future, so the
        caller can warn; the clock follows it anyway, because order matters more.
        """
        plausible = physical_ms(remote) - self._wall() <= MAX_FUTURE_DRIFT_MS
        self.last = max(self.last, remote)
        return plausible

"""What a device had seen of a row when it deleted it: the rule for an edit against a delete.

An edit concurrent with a delete keeps the row (and flags it), whichever has the later
clock; an edit the deleting device had seen loses to the delete. Clocks alone cannot tell
the two apart when the edit's clock is the earlier one (a laptop offline since the
morning edits a record someone deletes at noon), so a delete travels with what its
device knew: the clock of each of the row's fields as it had them. An edit whose clock is
later than the one the deleting device knew for that field was not seen by it.

This travels as an ordinary change-log entry of the row, under the column
``_deletion_seen:<device id>`` (each device's its own, so two devices' deletes never
overwrite each other's knowledge), right after the delete, and is kept in the book's
``sync_deletion_seen``; it is never a field of the record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple

from kamdesk.models import DELETION_SEEN_PREFIX

#: A clock: (hybrid logical clock, device id).
Clock = tuple[int, str]


class DeletionSeen(NamedTuple):
    """One device's last delete of a row and the field clocks it knew then."""

    device_id: str
    #: The delete's own clock value.
    hlc: int
    seen: dict[str, Clock]

    def saw(self, column: str, clock: Clock) -> bool:
        """Whether the deleting device had seen the value of ``column`` written at ``clock``."""
        known = self.seen.get(column)
        return known is not None and clock <= known


def is_deletion_seen(column: str) -> bool:
    """Whether ``column`` is a delete's knowledge, not a field of the record."""
    return column.startswith(DELETION_SEEN_PREFIX)


def column_for(device_id: str) -> str:
    """The column ``device_id``'s deletes carry their knowledge under."""
    return DELETION_SEEN_PREFIX + device_id


def device_of(column: str) -> str:
    """The deleting device of a knowledge column."""
    return column[len(DELETION_SEEN_PREFIX) :]


def encode(hlc: int, seen: Mapping[str, Clock]) -> str:
    """The entry's value: the delete's clock and the field clocks, as JSON text."""
    return json.dumps(
        {"delete": hlc, "seen": {c: [h, d] for c, (h, d) in sorted(seen.items())}},
        separators=(",", ":"),
    )


def decode(device_id: str, value: str) -> DeletionSeen | None:
    """An entry's value read back; None for one that cannot be read (nothing is assumed)."""
    try:
        data = json.loads(value)
        seen = {str(c): (int(h), str(d)) for c, (h, d) in data["seen"].items()}
        return DeletionSeen(device_id, int(data["delete"]), seen)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None

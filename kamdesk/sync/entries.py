"""Change-log entries as the sync transports carry them: opaque records, not book rows.

A transport moves entries between devices without knowing what they mean; applying them
to a book is the merge engine's job. Keeping the wire shape here, apart from the book's
change-log table, lets the two change on their own: the transport only needs each entry's
device and sequence number to know what it has already moved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kamdesk.i18n import N_, _

#: The table (and column) of a refused change's place holder. The sync server keeps
#: one in place of each change it refuses, so the device's sequence goes on without a
#: gap: a book that receives it counts it as taken and applies nothing. No table of a
#: book starts with an underscore, and the server refuses entries sent under this name.
REFUSED = "_refused"
#: Why the server refuses a change, by the code its answer gives, so that each book says
#: it in its own user's language (the server speaks its own).
NOT_YOUR_TEAMS = "not_your_team"
FROM_AN_ADMINISTRATOR = "administrator"
REFUSAL_REASONS = {
    # Names no account and no team: the sender may not learn who holds it.
    NOT_YOUR_TEAMS: N_(
        "The account is not your team's (it may have been handed to another team while "
        "this book was offline), so your team never received what was typed. It is kept "
        "in this book: tell the account's new owner."
    ),
    FROM_AN_ADMINISTRATOR: N_(
        "An administrator's book receives every team's accounts but sends nothing: make "
        "the change as a member of the account's team. What was typed is kept in this "
        "book only."
    ),
}


@dataclass(frozen=True, slots=True)
class WireEntry:
    """One changed field of one row, as one device logged it.

    ``value`` is the new value as JSON text, exactly as the change log keeps it (the
    transport never parses it, so a value round-trips byte for byte). ``seen_hlc`` and
    ``seen_device`` name the clock of the value the user replaced, or are None for a
    field nobody had written before.
    """

    device_id: str
    seq: int
    hlc: int
    table: str
    row_id: str
    column: str
    value: str
    seen_hlc: int | None = None
    seen_device: str | None = None

    def to_row(self) -> list[Any]:
        """The entry as a compact JSON array, without its device (the segment names it)."""
        return [
            self.seq,
            self.hlc,
            self.table,
            self.row_id,
            self.column,
            self.value,
            self.seen_hlc,
            self.seen_device,
        ]

    @classmethod
    def from_row(cls, device_id: str, row: object) -> WireEntry:
        """The entry ``to_row`` wrote; ValueError if ``row`` is not one.

        Checked field by field because a segment may come from another app version, or
        be damaged in a way its checksum cannot see (a bug in the app that wrote it).
        """
        if type(row) is not list or len(row) != 8:
            raise ValueError("an entry is an array of 8 fields")
        seq, hlc, table, row_id, column, value, seen_hlc, seen_device = row
        # Exact type checks (JSON gives exactly int and str; bool is not a seq number):
        # this runs once per entry read, so it is kept to plain comparisons.
        if type(seq) is not int or type(hlc) is not int:
            raise ValueError("an entry's sequence number and clock are integers")
        if type(table) is not str or type(row_id) is not str:
            raise ValueError("an entry's table and row are text")
        if type(column) is not str or type(value) is not str:
            raise ValueError("an entry's column and value are text")
        if seen_hlc is not None and type(seen_hlc) is not int:
            raise ValueError("an entry's seen clock is an integer or null")
        if seen_device is not None and type(seen_device) is not str:
            raise ValueError("an entry's seen device is text or null")
        return cls(device_id, seq, hlc, table, row_id, column, value, seen_hlc, seen_device)


def refused_place(device_id: str, seq: int, hlc: int, code: str) -> WireEntry:
    """The place holder of ``device_id``'s change number ``seq``, refused for ``code``.

    The code is its value, so the device can ask later which of its changes were refused
    and why (an answer that never reached it).
    """
    return WireEntry(device_id, seq, hlc, REFUSED, "-", REFUSED, json.dumps(code))


def is_refused(entry: WireEntry) -> bool:
    """Whether ``entry`` only holds the place of a change the server refused."""
    return entry.table == REFUSED


def refusal_reason(code: str) -> str:
    """The sentence for a refusal's code, in the current language (other text as it is)."""
    known = REFUSAL_REASONS.get(code)
    return _(known) if known is not None else code

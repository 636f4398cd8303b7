"""What a merge keeps beside the records: conflicts, their dismissals, values waiting for a row.

* ``sync_conflict``: every value that lost a merge to a concurrent one (its writer had not
  seen the winner), and every edit that outlived a concurrent delete: shown to the user
  until resolved. Derived on each device from the entries it applied, the same set on
  every device that applied the same entries; its id is the same everywhere too
  (:func:`conflict_id`), so a conflict is named alike on every laptop.
* ``conflict_dismissal``: a synced record saying "this losing value was looked at and
  set aside". A resolution writes one per loser, so the same conflicts close on every
  device that applies it; its id is the conflict's.
* ``sync_superseded``: a value some device overwrote on purpose (an entry named it as the
  value it replaced) before that value itself arrived here; when it does, it is no
  conflict.
* ``sync_pending``: the winning value of a field whose row cannot be written yet (the row
  or a row it points to has not arrived, or this version does not know its table).
* ``sync_deletion_seen``: what a device had seen of a row when it deleted it (the clock
  of each field as it knew them), to tell an edit it had seen from a concurrent one.
* ``sync_refusal``: this device's changes the team's sync server refused (to an account
  handed to another team while the rep was offline): still in the book, never received
  by the team, shown to the user until dismissed. Kept on this device only.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from kamdesk.models.tables import Record

#: Fixed for ever: conflict ids are made from it on every device.
CONFLICT_NAMESPACE = uuid.UUID("5b0f3c2e-8d4a-4e71-9a36-2c7d1e9f04b8")


def conflict_id(table: str, row_id: str, column: str, hlc: int, device_id: str) -> str:
    """The id of the conflict over ``table.column`` of ``row_id`` kept for one write."""
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"{table}/{row_id}/{column}/{hlc}/{device_id}"))


class SyncConflict(SQLModel, table=True):
    """A value that lost to a concurrent one, or an edit that outlived a concurrent delete.

    ``kind`` is "value" (``value`` lost to the field's current value) or "deleted" (the
    row was deleted elsewhere while someone edited it; it stays live; ``value`` is the
    deletion's time).
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_field", "table_name", "row_id", "column_name"),)

    id: str = Field(primary_key=True)
    table_name: str
    row_id: str
    column_name: str
    kind: str = "value"
    #: The losing value as JSON text (a merge group's: an object of its fields).
    value: str
    hlc: int
    device_id: str


class ConflictDismissal(Record, table=True):
    """A conflict a user resolved: synced, so the conflict closes on every device."""

    __tablename__ = "conflict_dismissal"

    table_name: str
    row_id: str
    column_name: str
    hlc: int
    device_id: str


class SyncSuperseded(SQLModel, table=True):
    """A write that a later write named as the value it replaced, not arrived here yet."""

    __tablename__ = "sync_superseded"

    id: str = Field(primary_key=True)


class SyncPending(SQLModel, table=True):
    """A field's winning value that waits for its row (or a row it names) to arrive."""

    __tablename__ = "sync_pending"

    table_name: str = Field(primary_key=True)
    row_id: str = Field(primary_key=True)
    column_name: str = Field(primary_key=True)
    #: The value as JSON text, as the entry carried it.
    value: str


#: The column name a delete's "what I had seen" entry travels under, followed by the
#: deleting device's id (one such column per device, so each device's is its own).
DELETION_SEEN_PREFIX = "_deletion_seen:"


class SyncDeletionSeen(SQLModel, table=True):
    """The last delete of a row by one device, and the field clocks that device knew.

    ``seen`` is the entry's JSON text (``kamdesk.sync.deletions.encode``): the delete's
    clock and ``{"column": [hlc, "device id"], ...}``; ``hlc`` is the delete's clock
    again, so it is matched with the row's delete it belongs to.
    """

    __tablename__ = "sync_deletion_seen"

    table_name: str = Field(primary_key=True)
    row_id: str = Field(primary_key=True)
    device_id: str = Field(primary_key=True)
    hlc: int
    seen: str


class SyncRefusal(SQLModel, table=True):
    """One of this device's changes the sync server refused, and why.

    ``seq`` is the change's number in this device's log; the rest is the change as it
    was sent (the value as JSON text), so it can be shown after the log is compacted.
    """

    __tablename__ = "sync_refusal"

    seq: int = Field(primary_key=True)
    hlc: int
    table_name: str
    row_id: str
    column_name: str
    value: str
    reason: str
    refused_at: dt.datetime
    #: When the user dismissed it (kept, so the server naming it again adds nothing).
    dismissed_at: dt.datetime | None = None

"""The tables of the account book.

Every synced table has a UUID key made on the device, created/updated stamps and a soft
delete (``deleted_at``): a deleted row stays as a tombstone the sync can carry, and the UI
hides it. Amounts are integers in minor units of the row's currency.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def new_id() -> str:
    """A fresh record id, unique across devices."""
    return str(uuid.uuid4())


#: Fixed for ever: coverage ids are made from it on every device (see ``coverage_id``).
COVERAGE_NAMESPACE = uuid.UUID("42d20e60-04c1-49f0-a14d-0d8e82d8a599")


def coverage_id(stakeholder_id: str, team_member_id: str) -> str:
    """The id of the coverage row for this stakeholder and team member, the same anywhere.

    Two devices that both say "this member covers this person" then make one row, which
    sync merges, rather than two rows for one thread of the relationship map.
    """
    return str(uuid.uuid5(COVERAGE_NAMESPACE, f"{stakeholder_id}/{team_member_id}"))


def utc_now() -> dt.datetime:
    """The current time in UTC, as stored in the book's stamps."""
    return dt.datetime.now(dt.UTC)


def _text() -> Column[str]:
    return Column(Text, nullable=False, server_default="")


class Record(SQLModel):
    """Columns every synced table shares."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)
    #: Set when the record is deleted: a tombstone sync can carry. Not indexed on its own:
    #: nearly every row shares the one value NULL, so such an index only misleads the planner.
    deleted_at: dt.datetime | None = Field(default=None)


class TeamMember(Record, table=True):
    """A person on our side who covers stakeholders (account, solution, delivery manager…)."""

    __tablename__ = "team_member"

    name: str
    role: str = "account_manager"
    title: str = ""
    level: str = ""
    email: str = ""
    phone: str = ""


class Account(Record, table=True):
    """A customer organisation: a group, its HQ, a branch, or a standalone company."""

    __tablename__ = "account"
    __table_args__ = (Index("ix_account_live_name", "deleted_at", "name", "id"),)

    name: str
    parent_id: str | None = Field(default=None, foreign_key="account.id", index=True)
    org_level: str = "standalone"
    #: A branch that buys on its own authority (the sources' cautionary case).
    own_purchasing: bool = False
    industry: str = ""
    tier: str = ""
    lifecycle_stage: str = ""
    decision_mode: str = ""
    owner_id: str | None = Field(default=None, foreign_key="team_member.id", index=True)
    currency: str = "CNY"
    annual_revenue_minor: int | None = None
    potential_revenue_minor: int | None = None
    procurement_process: str = Field(default="", sa_column=_text())
    budget_cycle: str = ""
    pain_points: str = Field(default="", sa_column=_text())
    strategy: str = ""
    incumbent_suppliers: str = Field(default="", sa_column=_text())
    competitors: str = Field(default="", sa_column=_text())
    notes: str = Field(default="", sa_column=_text())


class Stakeholder(Record, table=True):
    """A person at the customer who takes part in buying decisions (联系人 / 关键人)."""

    __tablename__ = "stakeholder"

    account_id: str = Field(foreign_key="account.id", index=True)
    name: str
    title: str = ""
    department: str = ""
    level: str = ""
    reports_to_id: str | None = Field(default=None, foreign_key="stakeholder.id")
    buying_role: str = ""
    force: str = ""
    attitude: str = ""
    #: 1 (little) to 5 (decisive); None until assessed.
    influence: int | None = None
    decision_style: str = ""
    personal_goals: str = Field(default="", sa_column=_text())
    interests: str = Field(default="", sa_column=_text())
    needs_basic: str = Field(default="", sa_column=_text())
    needs_personal: str = Field(default="", sa_column=_text())
    needs_business: str = Field(default="", sa_column=_text())
    needs_strategic: str = Field(default="", sa_column=_text())
    phone: str = ""
    email: str = ""
    wechat: str = ""
    notes: str = Field(default="", sa_column=_text())


class Coverage(Record, table=True):
    """Our team member covers their stakeholder (one thread of the relationship map)."""

    __tablename__ = "coverage"
    __table_args__ = (Index("ix_coverage_pair", "stakeholder_id", "team_member_id"),)

    stakeholder_id: str = Field(foreign_key="stakeholder.id", index=True)
    team_member_id: str = Field(foreign_key="team_member.id", index=True)

    def __init__(self, **values: Any) -> None:
        # The id follows from the pair wherever a row is made (ops, demo, sync), unless
        # given: rows of books made before this rule keep their random ids.
        if "id" not in values and {"stakeholder_id", "team_member_id"} <= values.keys():
            values["id"] = coverage_id(values["stakeholder_id"], values["team_member_id"])
        super().__init__(**values)


class VocabularyTerm(Record, table=True):
    """One entry of a renameable list (industries, buying roles, attitudes…)."""

    __tablename__ = "vocabulary"
    __table_args__ = (UniqueConstraint("kind", "code"),)

    kind: str
    code: str
    label_en: str
    label_zh: str
    position: int = 0
    archived: bool = False


class BookMeta(SQLModel, table=True):
    """Facts about the book itself: its device id, its clock, the app that wrote it."""

    __tablename__ = "book_meta"

    key: str = Field(primary_key=True)
    value: str


class ChangeLogEntry(SQLModel):
    """One changed field, the unit sync moves between devices: a row of the ``change_log`` view.

    ``hlc`` is a hybrid logical clock (physical ms << 16 | counter); with ``device_id`` it
    orders every write of every device. ``seen_hlc``/``seen_device`` name the write whose
    value the user replaced, so a merge can tell an overwrite from a concurrent edit.
    The book stores entries compactly (:class:`SyncEntry`); ``change_log`` is a read-only
    view spelling them out, and ``id`` there is the entry's clock (the book's order).
    """

    id: int
    device_id: str
    device_seq: int
    hlc: int
    table_name: str
    row_id: str
    column_name: str
    #: The new value as JSON text.
    value: str
    seen_hlc: int | None = None
    seen_device: str | None = None


class SyncDevice(SQLModel, table=True):
    """A device the book has entries or clocks of, numbered so each entry names it in a byte.

    ``last_seq`` is the highest sequence number of that device the book has written or
    applied: kept when its entries are compacted away, so numbers are never handed out
    twice and a merge knows which entries it has already taken.
    """

    __tablename__ = "sync_device"

    idx: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(unique=True)
    last_seq: int = 0


class SyncColumn(SQLModel, table=True):
    """A (table, column) the log names, numbered; a merge group counts as one column."""

    __tablename__ = "sync_column"
    __table_args__ = (UniqueConstraint("table_name", "column_name"),)

    idx: int | None = Field(default=None, primary_key=True)
    table_name: str
    column_name: str


def _row_id_key() -> Column[bytes]:
    # A record id: the 16 bytes of a UUID, or the id's text when it is not a UUID in its
    # canonical spelling (ids of books made before every id was one).
    return Column("row_id", LargeBinary, primary_key=True)


class SyncEntry(SQLModel, table=True):
    """One change-log entry, stored compactly: device and column by number, row id in bytes.

    Keyed by (device, sequence), the key sync uploads and downloads by; without a rowid,
    the key is the table. ``seen_*`` name the clock of the value the edit replaced.
    """

    __tablename__ = "sync_entry"
    __table_args__ = {"sqlite_with_rowid": False}

    device_idx: int = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    hlc: int
    column_idx: int
    row_id: bytes = Field(sa_column=Column("row_id", LargeBinary, nullable=False))
    #: The new value as JSON text.
    value: str
    seen_hlc: int | None = None
    seen_device_idx: int | None = None


class FieldClock(SQLModel, table=True):
    """The clock of every logged field's current value, whoever wrote it (here or elsewhere).

    A local edit names it as what it replaced; a merge compares an incoming entry with
    it. ``writes`` counts the entries this field has had (local and applied), a tally
    that survives compaction (a calendar entry's SEQUENCE is counted from it).
    """

    __tablename__ = "field_clock"
    __table_args__ = {"sqlite_with_rowid": False}

    column_idx: int = Field(primary_key=True)
    row_id: bytes = Field(sa_column=_row_id_key())
    hlc: int
    device_idx: int
    writes: int = 1


class RowClock(SQLModel, table=True):
    """The clock of a row's last delete or restore, and whether it is deleted now.

    Keyed by the column number of the table's ``deleted_at``: what a merge compares an
    edit with, so an edit concurrent with a delete can keep the row.
    """

    __tablename__ = "row_clock"
    __table_args__ = {"sqlite_with_rowid": False}

    column_idx: int = Field(primary_key=True)
    row_id: bytes = Field(sa_column=_row_id_key())
    hlc: int
    device_idx: int
    deleted: bool


#: Tables whose edits go into the change log, by table name.
SYNCED_TABLES: dict[str, type[Record]] = {
    "team_member": TeamMember,
    "account": Account,
    "stakeholder": Stakeholder,
    "coverage": Coverage,
    "vocabulary": VocabularyTerm,
}

#: Columns the change log leaves out: stamps each device sets for itself.
UNLOGGED_COLUMNS: frozenset[str] = frozenset({"created_at", "updated_at"})

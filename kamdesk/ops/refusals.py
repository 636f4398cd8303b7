"""Changes of this book the team's sync server refused: kept, listed, dismissed.

A rep who edits an account offline while an administrator hands it to another team
sends changes the server may not pass on. The server refuses those alone (the rest of
the sync goes through) and names them; the book keeps a copy of each as it was sent, so
the app can say that it never reached the team, and the rep can tell the account's new
owner what it was. The value stays in the book; dismissing a refusal drops the notice.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from kamdesk.i18n import _
from kamdesk.ops.conflicts import (
    accounts_of,
    field_label,
    record_label,
    record_title,
    time_of,
)
from kamdesk.store.book import Book
from kamdesk.sync import deletions
from kamdesk.sync.entries import WireEntry, is_refused, refusal_reason

_COLUMNS = "seq, hlc, table_name, row_id, column_name, value, reason, refused_at"


@dataclass(frozen=True)
class RefusedChange:
    """One change of this book the server refused, with the record it was to."""

    seq: int
    table: str
    row_id: str
    record: str
    column: str
    value: Any
    written_at: dt.datetime
    refused_at: dt.datetime
    #: Why: a code of ``REFUSAL_REASONS``, or the server's own words.
    reason_code: str
    account_id: str | None = None
    account: str | None = None

    @property
    def reason(self) -> str:
        """Why the server refused it, in the current language."""
        return refusal_reason(self.reason_code)

    @property
    def label(self) -> str:
        """The field's name in the user's language ("Deleted" for a delete)."""
        if self.column == "deleted_at":
            return _("Deleted") if self.value is not None else _("Restored")
        return field_label(self.table, self.column)

    @property
    def record_kind(self) -> str:
        """What kind of record this is, in the user's language ("deal", "account")."""
        return record_label(self.table)

    def to_json(self) -> dict[str, Any]:
        """The refusal as ``kamdesk refused --json`` prints it."""
        return {
            "seq": self.seq,
            "account": self.account,
            "table": self.table,
            "row_id": self.row_id,
            "record": self.record,
            "field": self.column,
            "value": self.value,
            "written_at": self.written_at.isoformat(),
            "refused_at": self.refused_at.isoformat(),
            "reason": self.reason,
        }


def keep_refused(book: Book, sent: Sequence[WireEntry], refused: Iterable[int], reason: str) -> int:
    """Keep the changes of ``sent`` whose numbers the server ``refused``; how many are new.

    ``reason`` is the server's code for why (``REFUSAL_REASONS``), kept as a code so the
    app says it in whatever language the user reads it in.

    A delete's word on what it had seen is bookkeeping, not a change, and is not kept.
    Keeping the same refusal twice (a retried upload) keeps it once.
    """
    numbers = set(refused)
    kept = [
        entry
        for entry in sent
        if entry.seq in numbers
        and not deletions.is_deletion_seen(entry.column)
        and not is_refused(entry)
    ]
    if not kept:
        return 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    added = 0
    with book.write(log_changes=False) as session:
        for entry in kept:
            result = session.execute(
                text(
                    f"INSERT OR IGNORE INTO sync_refusal ({_COLUMNS}) VALUES "
                    "(:seq, :hlc, :table, :row_id, :column, :value, :reason, :at)"
                ),
                {
                    "seq": entry.seq,
                    "hlc": entry.hlc,
                    "table": entry.table,
                    "row_id": entry.row_id,
                    "column": entry.column,
                    "value": entry.value,
                    "reason": reason,
                    "at": now.isoformat(sep=" "),
                },
            )
            added += int(getattr(result, "rowcount", 0) or 0)
    return added


def refused_count(book: Book) -> int:
    """How many refusals the book shows (not dismissed), asked without loading the ORM."""
    try:
        return int(
            book.db.execute(
                "SELECT COUNT(*) FROM sync_refusal WHERE dismissed_at IS NULL"
            ).fetchone()[0]
        )
    except sqlite3.OperationalError:  # a book from before this table, opened read-only
        return 0


def latest_reason(book: Book) -> str:
    """Why the newest refusal shown was refused, in the current language ('' for none)."""
    row = book.db.execute(
        "SELECT reason FROM sync_refusal WHERE dismissed_at IS NULL ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return refusal_reason(str(row[0])) if row else ""


def _stored_at(value: object) -> dt.datetime:
    found = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return found.replace(tzinfo=dt.UTC) if found.tzinfo is None else found


def refused_changes(book: Book, account_id: str | None = None) -> list[RefusedChange]:
    """The refusals the book keeps (those of one account, if ``account_id`` is given).

    Listed by account, then record, then in the order the changes were made.
    """
    if not refused_count(book):
        return []
    from kamdesk.models import Account

    stored = book.db.execute(
        f"SELECT {_COLUMNS} FROM sync_refusal WHERE dismissed_at IS NULL ORDER BY seq"
    ).fetchall()
    changes: list[RefusedChange] = []
    with book.read() as session:
        held: list[Any] = []
        owners = accounts_of(session, {(str(row[2]), str(row[3])) for row in stored}, held)
        for seq, hlc, table, row_id, column, value, reason, refused_at in stored:
            owner = owners.get((str(table), str(row_id)))
            if account_id is not None and owner != account_id:
                continue
            account = session.get(Account, owner) if owner is not None else None
            changes.append(
                RefusedChange(
                    seq=int(seq),
                    table=str(table),
                    row_id=str(row_id),
                    record=record_title(session, str(table), str(row_id)),
                    column=str(column),
                    value=json.loads(value),
                    written_at=time_of(int(hlc)),
                    refused_at=_stored_at(refused_at),
                    reason_code=str(reason),
                    account_id=owner,
                    account=account.name if account is not None else None,
                )
            )
    changes.sort(key=lambda c: ((c.account or "").casefold(), c.record.casefold(), c.seq))
    return changes


def refusals_by_account(book: Book) -> dict[str, int]:
    """How many refusals each account has (accounts with none are left out)."""
    counts = Counter(change.account_id for change in refused_changes(book))
    return {account: count for account, count in counts.items() if account}


def dismiss_refused(book: Book, seqs: Iterable[int]) -> int:
    """Drop the notices of the refusals numbered ``seqs`` (the values stay); how many went.

    Each is kept, marked dismissed: the server may name it again (a device asking which
    of its changes were refused), and that must not bring it back.
    """
    numbers = sorted(set(seqs))
    if not numbers:
        return 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    with book.write(log_changes=False) as session:
        gone = 0
        for number in numbers:
            result = session.execute(
                text(
                    "UPDATE sync_refusal SET dismissed_at = :now "
                    "WHERE seq = :seq AND dismissed_at IS NULL"
                ),
                {"seq": number, "now": now},
            )
            gone += int(getattr(result, "rowcount", 0) or 0)
    return gone

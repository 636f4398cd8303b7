"""The change log ready for sync: field and row clocks, applied entries, compaction, snapshots,
and the upgrade of a 0011 book's log to the compact layout."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from kamdesk.errors import KamdeskError
from kamdesk.kinds import kind
from kamdesk.models import Account
from kamdesk.ops.accounts import create_account, delete_account, restore_account, update_account
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book, create_book
from kamdesk.store.reader import AccountQuery, BookReader
from kamdesk.store.schema import SCHEMA_HEAD
from kamdesk.store.sync_log import (
    EntriesOutOfOrderError,
    SnapshotError,
    compact_log,
    entries_after,
    load_snapshot,
    record_applied,
    watermarks,
    write_snapshot,
)
from kamdesk.sync.entries import WireEntry

from .test_deal_migrations import downgrade

DEAL = kind("opportunity")
REMOTE = "0b6f1e2a-6a59-4f0c-9d35-2f3a9a0d7c11"
VIEW_COLUMNS = (
    "device_id, device_seq, hlc, table_name, row_id, column_name, value, seen_hlc, seen_device"
)


def log(book: Book, row_id: str | None = None) -> list[tuple[Any, ...]]:
    """The change log as the view spells it out, in sequence order."""
    where, params = ("WHERE row_id = ?", (row_id,)) if row_id else ("", ())
    return book.db.execute(
        f"SELECT {VIEW_COLUMNS} FROM change_log {where} ORDER BY device_id, device_seq", params
    ).fetchall()


def field_clock(book: Book, table: str, row_id: str, column: str) -> tuple[int, str, int] | None:
    """(hlc, device id, writes) of a field's current value, read from the book's tables."""
    row = book.db.execute(
        "SELECT f.hlc, d.device_id, f.writes FROM field_clock f "
        "JOIN sync_column c ON c.idx = f.column_idx JOIN sync_device d ON d.idx = f.device_idx "
        "WHERE c.table_name = ? AND c.column_name = ? AND f.row_id = ?",
        (table, column, uuid.UUID(row_id).bytes),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), int(row[2]))


def row_clock(book: Book, table: str, row_id: str) -> tuple[int, str, bool] | None:
    row = book.db.execute(
        "SELECT r.hlc, d.device_id, r.deleted FROM row_clock r "
        "JOIN sync_column c ON c.idx = r.column_idx JOIN sync_device d ON d.idx = r.device_idx "
        "WHERE c.table_name = ? AND c.column_name = 'deleted_at' AND r.row_id = ?",
        (table, uuid.UUID(row_id).bytes),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), bool(row[2]))


def last_entry(book: Book, row_id: str, column: str) -> tuple[Any, ...]:
    rows = [e for e in log(book, row_id) if e[5] == column and e[0] == book.device_id]
    return rows[-1]


# Field clocks and row clocks -------------------------------------------------------------


def test_every_local_write_moves_its_fields_clock_and_counts_it(book: Book) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY", "tier": "A"})
    made = last_entry(book, acme, "name")
    assert field_clock(book, "account", acme, "name") == (made[2], book.device_id, 1)

    update_account(book, acme, {"name": "Acme Group"})
    update_account(book, acme, {"name": "Acme Holdings", "tier": "B"})

    renamed = last_entry(book, acme, "name")
    assert json.loads(renamed[6]) == "Acme Holdings"
    assert field_clock(book, "account", acme, "name") == (renamed[2], book.device_id, 3)
    assert field_clock(book, "account", acme, "tier") == (
        last_entry(book, acme, "tier")[2],
        book.device_id,
        2,
    )
    assert field_clock(book, "account", acme, "notes") is None  # never written


def test_a_merge_group_has_one_clock(book: Book) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY"})
    deal = create_record(book, DEAL, acme, {"name": "MES", "currency": "CNY", "amount_minor": 5})
    update_record(book, DEAL, deal, {"currency": "EUR"})
    entry = last_entry(book, deal, "amount")
    assert json.loads(entry[6]) == {"amount_minor": 5, "currency": "EUR"}
    assert field_clock(book, "opportunity", deal, "amount") == (entry[2], book.device_id, 2)
    assert field_clock(book, "opportunity", deal, "currency") is None


def test_a_delete_and_a_restore_set_the_row_clock(book: Book) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY"})
    assert row_clock(book, "account", acme) is None

    delete_account(book, acme)
    deleted = last_entry(book, acme, "deleted_at")
    assert json.loads(deleted[6]) is not None  # the tombstone is logged as before
    assert row_clock(book, "account", acme) == (deleted[2], book.device_id, True)

    restore_account(book, acme)
    restored = last_entry(book, acme, "deleted_at")
    assert json.loads(restored[6]) is None
    assert row_clock(book, "account", acme) == (restored[2], book.device_id, False)
    # An edit is not a delete: the row clock stays at the restore.
    update_account(book, acme, {"tier": "A"})
    assert row_clock(book, "account", acme) == (restored[2], book.device_id, False)


def test_a_rolled_back_edit_leaves_no_clock(book: Book) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY"})
    before = field_clock(book, "account", acme, "name")
    with pytest.raises(RuntimeError), book.write() as session:
        account = session.get(Account, acme)
        assert account is not None
        account.name = "Never saved"
        account.deleted_at = account.created_at
        session.flush()
        raise RuntimeError
    assert field_clock(book, "account", acme, "name") == before
    assert row_clock(book, "account", acme) is None
    # And a column numbered in the rolled-back transaction is numbered again, not reused.
    update_account(book, acme, {"notes": "real"})
    assert json.loads(last_entry(book, acme, "notes")[6]) == "real"


# Entries applied from other devices ------------------------------------------------------


def apply_remote(book: Book, row_id: str, name: str, seq: int, hlc: int) -> int:
    """What a merge does with another device's rename: the value, then its clock."""
    with book.write(log_changes=False) as session:
        account = session.get(Account, row_id)
        assert account is not None
        account.name = name
        entry = WireEntry(REMOTE, seq, hlc, "account", row_id, "name", json.dumps(name))
        return record_applied(session, [entry])


def test_a_local_edit_after_an_applied_remote_value_names_the_remote_clock(book: Book) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY"})
    made = last_entry(book, acme, "name")
    logged = len(log(book))
    remote_hlc = made[2] + 1000

    assert apply_remote(book, acme, "Acme (from the laptop)", 1, remote_hlc) == 1
    assert len(log(book)) == logged  # not a local entry
    assert field_clock(book, "account", acme, "name") == (remote_hlc, REMOTE, 2)
    assert watermarks(book.db)[REMOTE] == 1

    update_account(book, acme, {"name": "Acme Ltd"})

    edit = last_entry(book, acme, "name")
    assert (edit[7], edit[8]) == (remote_hlc, REMOTE)  # it replaced the laptop's value
    assert edit[2] > remote_hlc  # and the book's clock passed the remote one
    assert edit[1] == made[1] + 1  # the local sequence goes on without a gap


def test_applied_entries_are_taken_once_older_ones_lose_and_gaps_are_refused(
    book: Book,
) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY"})
    made = last_entry(book, acme, "name")
    apply_remote(book, acme, "Newer", 1, made[2] + 10)
    # The same entry again (a segment read twice) counts nothing.
    assert apply_remote(book, acme, "Newer", 1, made[2] + 10) == 0
    # An older write from that device loses: the clock stays, the tally counts it.
    assert apply_remote(book, acme, "Older", 2, made[2] + 5) == 1
    assert field_clock(book, "account", acme, "name") == (made[2] + 10, REMOTE, 3)
    with pytest.raises(EntriesOutOfOrderError) as gap:
        apply_remote(book, acme, "Too far", 4, made[2] + 20)
    assert gap.value.message == (
        f"Changes from device {REMOTE} arrived out of order: change 3 is missing before "
        "change 4. Nothing was applied; sync again to fetch it."
    )
    assert watermarks(book.db)[REMOTE] == 2


def test_applied_entries_can_be_kept_to_pass_them_on(book: Book) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY"})
    entry = WireEntry(REMOTE, 1, 1, "account", acme, "tier", '"A"', 5, book.device_id)
    with book.write(log_changes=False) as session:
        record_applied(session, [entry], keep=True)
    assert entries_after(book.db, {book.device_id: 10**9}) == [entry]
    assert entries_after(book.db, {REMOTE: 1, book.device_id: 10**9}) == []


# Compaction ------------------------------------------------------------------------------


def test_compaction_drops_what_every_device_has_but_keeps_each_fields_latest(book: Book) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY", "tier": "A"})
    for name in ("Acme 1", "Acme 2", "Acme 3"):
        update_account(book, acme, {"name": name})
    everything = log(book)
    last = everything[-1][1]
    latest = {(e[5]): e for e in everything}  # the last entry of each field

    assert compact_log(book, {book.device_id: last - 1}) == 3  # three older names
    kept = log(book)
    assert kept == [latest["name"], latest["tier"]] or kept == [latest["tier"], latest["name"]]
    # Nothing changes that a merge or the next edit needs.
    assert field_clock(book, "account", acme, "name") == (latest["name"][2], book.device_id, 4)
    update_account(book, acme, {"name": "Acme 4"})
    edit = last_entry(book, acme, "name")
    assert edit[1] == last + 1
    assert edit[7] == latest["name"][2]
    # A device that is not in the acknowledgements keeps all of its entries.
    assert compact_log(book, {REMOTE: 10}) == 0


def test_a_snapshot_lets_compaction_drop_even_the_latest_entries(book: Book) -> None:
    acme = create_account(book, {"name": "Acme", "currency": "CNY", "tier": "A"})
    update_account(book, acme, {"name": "Acme Group"})
    snapshot = write_snapshot(book)
    update_account(book, acme, {"tier": "B"})  # after the snapshot
    everything = log(book)

    dropped = compact_log(book, {book.device_id: everything[-1][1]}, snapshot=snapshot)

    assert dropped == len(everything) - 1
    assert [json.loads(e[6]) for e in log(book)] == ["B"]  # only what the snapshot lacks
    assert BookReader(book.db).account(acme)["name"] == "Acme Group"  # type: ignore[index]


# Snapshots ---------------------------------------------------------------------------------


def synced_rows(book: Book, table: str) -> list[tuple[Any, ...]]:
    columns = [
        r[1]
        for r in book.db.execute(f"PRAGMA table_info({table})")
        if r[1] not in {"created_at", "updated_at"}
    ]
    return book.db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()


def test_a_snapshot_starts_a_new_device_with_the_same_records_and_clocks(
    book: Book, tmp_path: Path
) -> None:
    acme = create_account(book, {"name": "华东制造集团", "currency": "CNY", "tier": "A"})
    wang = create_stakeholder(book, acme, {"name": "王磊", "title": "CFO", "influence": 4})
    deal = create_record(
        book,
        DEAL,
        acme,
        {"name": "MES", "currency": "EUR", "amount_minor": 900, "expected_close": "2027-03-31"},
    )
    gone = create_account(book, {"name": "Gone Ltd", "currency": "CNY"})
    delete_account(book, gone)
    apply_remote(book, acme, "华东制造集团有限公司", 1, last_entry(book, acme, "name")[2] + 7)
    snapshot = write_snapshot(book)
    assert snapshot.watermarks == {book.device_id: log(book)[-1][1], REMOTE: 1}

    with Book.open(tmp_path / "new.kamdesk", create=True) as new:  # another device's book
        load_snapshot(new, snapshot)

        for table in ("account", "stakeholder", "opportunity", "vocabulary"):
            assert synced_rows(new, table) == synced_rows(book, table), table
        for row_id, table, column in (
            (acme, "account", "name"),
            (wang, "stakeholder", "influence"),
            (deal, "opportunity", "amount"),
            (gone, "account", "deleted_at"),
        ):
            assert field_clock(new, table, row_id, column) == field_clock(
                book, table, row_id, column
            )
        assert row_clock(new, "account", gone) == row_clock(book, "account", gone)
        assert watermarks(new.db) == snapshot.watermarks
        assert log(new) == []  # no history replayed
        assert BookReader(new.db).account_ids(AccountQuery(text="王磊")) == [acme]
        # The new device's first edit names the value it took over, and starts its own log.
        update_account(new, acme, {"tier": "B"})
        (edit,) = log(new)
        assert (edit[0], edit[1]) == (new.device_id, 1)
        assert (edit[7], edit[8]) == (last_entry(book, acme, "tier")[2], book.device_id)
        # A book that has a log already refuses a snapshot, in words a user can read.
        with pytest.raises(SnapshotError) as refused:
            load_snapshot(new, snapshot)
        assert isinstance(refused.value, KamdeskError)
        assert refused.value.message == (
            "This book already holds changes of its own, so it cannot start again "
            "from a snapshot. Nothing was changed."
        )
    with pytest.raises(SnapshotError) as refused:
        load_snapshot(book, snapshot)
    assert refused.value.message == (
        "This snapshot was made from this book itself, so it cannot start it again. "
        "Nothing was changed."
    )


# The upgrade from 0011 ---------------------------------------------------------------------


LAPTOP = "5f0d3c57-8e43-4a55-a0f1-6c1f9e2b7d20"
ACCOUNT = "3d9c3b7e-1f7a-4c59-9a4b-2b0a1c6e8f01"
STAMP = "2026-11-02 08:00:00.000000"
TOMBSTONE = '"2026-11-02T08:00:00"'


def old_entries(device_id: str) -> list[tuple[Any, ...]]:
    """Entries as a 0011 book holds them: two devices, a merge group, a tombstone, an old id."""
    base = 1_700_000_000_000 << 16
    return [
        (device_id, 1, base + 1, "account", ACCOUNT, "name", '"Acme"', None, None),
        (device_id, 2, base + 2, "account", "acc-1", "tier", '"A"', None, None),
        (LAPTOP, 1, base + 3, "account", ACCOUNT, "name", '"Acme Ltd"', base + 1, device_id),
        (device_id, 3, base + 4, "account", ACCOUNT, "deleted_at", TOMBSTONE, None, None),
        (device_id, 4, base + 5, "account", ACCOUNT, "deleted_at", "null", base + 4, device_id),
        (LAPTOP, 2, base + 6, "opportunity", str(uuid.uuid4()), "amount",
         '{"amount_minor": 100, "currency": "EUR"}', None, None),
        (device_id, 5, base + 7, "account", ACCOUNT, "name", '"Acme (HQ)"', base + 1, device_id),
    ]  # fmt: skip


def make_0011_book(path: Path) -> list[tuple[Any, ...]]:
    create_book(path, revision="0011")
    with closing(sqlite3.connect(path)) as db:
        device_id = db.execute("SELECT value FROM book_meta WHERE key = 'device_id'").fetchone()[0]
        for row_id, name in ((ACCOUNT, "Acme (HQ)"), ("acc-1", "Old id Co")):
            db.execute(
                "INSERT INTO account (id, created_at, updated_at, name, org_level, "
                "own_purchasing, industry, tier, lifecycle_stage, decision_mode, currency, "
                "budget_cycle, strategy, notes, procurement_process, pain_points, "
                "incumbent_suppliers, competitors) VALUES (?, ?, ?, ?, 'standalone', 0, '', "
                "'A', '', '', 'CNY', '', '', '', '', '', '', '')",
                (row_id, STAMP, STAMP, name),
            )
        entries = old_entries(device_id)
        db.executemany(
            f"INSERT INTO change_log ({VIEW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", entries
        )
        before = db.execute(
            f"SELECT {VIEW_COLUMNS} FROM change_log ORDER BY device_id, device_seq"
        ).fetchall()
        db.commit()
    return before


def test_the_upgrade_keeps_every_entrys_meaning_and_fills_the_clocks(tmp_path: Path) -> None:
    path = tmp_path / "old.kamdesk"
    before = make_0011_book(path)

    with Book.open(path) as book:
        assert book.revision == SCHEMA_HEAD
        assert log(book) == before
        base = 1_700_000_000_000 << 16
        # The newest entry of each field gives its clock; the tally counts them all.
        assert field_clock(book, "account", ACCOUNT, "name") == (base + 7, book.device_id, 3)
        assert row_clock(book, "account", ACCOUNT) == (base + 5, book.device_id, False)
        assert watermarks(book.db) == {book.device_id: 5, LAPTOP: 2}
        # The old id that is not a UUID reads back as it was, and is logged again.
        update_account(book, "acc-1", {"tier": "B"})
        edit = log(book, "acc-1")[-1]
        assert edit[:2] == (book.device_id, 6)
        assert edit[7] == base + 2
        update_account(book, ACCOUNT, {"name": "Acme Holdings"})
        assert last_entry(book, ACCOUNT, "name")[7:] == (base + 7, book.device_id)
        after_edits = log(book)

    # Down to 0011 the entries go back into a table, and up again nothing is lost.
    downgrade(path, "0011")
    with closing(sqlite3.connect(path)) as db:
        assert (
            db.execute(
                f"SELECT {VIEW_COLUMNS} FROM change_log ORDER BY device_id, device_seq"
            ).fetchall()
            == after_edits
        )
    with Book.open(path) as book:
        assert log(book) == after_edits


def test_compaction_leaves_a_visits_calendar_sequence_where_it_was(book: Book) -> None:
    from kamdesk.store.visit_exports import revision

    from .test_milestone_answers import new_visit

    acme = create_account(book, {"name": "Acme", "currency": "CNY"})
    visit = new_visit(book, acme, None, "2026-12-08T10:00:00")
    update_record(book, kind("visit"), visit, {"title": "方案交流会（二）"})
    update_record(book, kind("visit"), visit, {"place": "苏州工厂"})
    sequence = revision(book.db, visit)
    shown = {"title", "place", "starts_at", "ends_at", "time_zone"}
    assert sequence == len([e for e in log(book, visit) if e[5] in shown]) == 4 + 2

    compact_log(book, {book.device_id: log(book)[-1][1]}, snapshot=write_snapshot(book))

    assert log(book) == []
    assert revision(book.db, visit) == sequence
    update_record(book, kind("visit"), visit, {"place": "上海总部"})
    assert revision(book.db, visit) == sequence + 1


def test_a_snapshot_brings_dates_and_times_back_as_dates_and_times(
    book: Book, tmp_path: Path
) -> None:
    from kamdesk.domain.visits import to_utc
    from kamdesk.models import Opportunity
    from kamdesk.models.visit import FollowUp, Visit

    acme = create_account(book, {"name": "华东制造集团", "currency": "CNY"})
    deal = create_record(
        book, DEAL, acme, {"name": "MES", "currency": "CNY", "expected_close": "2027-03-31"}
    )
    starts = to_utc(dt.datetime(2026, 12, 8, 9, 30), "Asia/Shanghai")
    visit = create_record(
        book,
        kind("visit"),
        acme,
        {
            "title": "Pilot review",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=1),
            "time_zone": "Asia/Shanghai",
            "opportunity_id": deal,
        },
    )
    follow_up = create_record(
        book, kind("follow_up"), visit, {"what": "Send the ROI sheet", "due": "2026-12-10"}
    )
    snapshot = write_snapshot(book)

    with Book.open(tmp_path / "new.kamdesk", create=True) as new:
        load_snapshot(new, snapshot)
        for table in ("opportunity", "visit", "follow_up"):
            assert synced_rows(new, table) == synced_rows(book, table), table
        with new.read() as session:
            loaded_deal = session.get(Opportunity, deal)
            loaded_visit = session.get(Visit, visit)
            loaded_follow_up = session.get(FollowUp, follow_up)
            assert loaded_deal is not None and loaded_visit is not None
            assert loaded_follow_up is not None
            assert loaded_deal.expected_close == dt.date(2027, 3, 31)
            assert loaded_visit.starts_at == starts
            assert loaded_visit.ends_at - loaded_visit.starts_at == dt.timedelta(hours=1)
            assert loaded_follow_up.due == dt.date(2026, 12, 10)

"""The change log: one entry per changed field, in the same transaction as the edit."""

from __future__ import annotations

import itertools
import json
import types
from pathlib import Path
from typing import NamedTuple

import pytest

import kamdesk.sync.clock
from kamdesk.models import Account, Stakeholder
from kamdesk.ops.accounts import create_account, update_account
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountQuery, BookReader
from kamdesk.sync.clock import physical_ms


class Entry(NamedTuple):
    device_id: str
    device_seq: int
    hlc: int
    table_name: str
    row_id: str
    column_name: str
    value: str
    seen_hlc: int | None
    seen_device: str | None


def entries(book: Book, row_id: str | None = None) -> list[Entry]:
    sql = (
        "SELECT device_id, device_seq, hlc, table_name, row_id, column_name, value, seen_hlc, "
        "seen_device FROM change_log"
    )
    params: tuple[str, ...] = ()
    if row_id is not None:
        sql += " WHERE row_id = ?"
        params = (row_id,)
    return [Entry(*row) for row in book.db.execute(sql + " ORDER BY device_seq", params)]


def updated_at(book: Book, account_id: str) -> str:
    row = book.db.execute("SELECT updated_at FROM account WHERE id = ?", (account_id,)).fetchone()
    return str(row[0])


def search(book: Book, text: str) -> list[str]:
    return BookReader(book.db).account_ids(AccountQuery(text=text))


def test_creating_an_account_logs_one_entry_per_non_default_field(book: Book) -> None:
    account_id = create_account(
        book,
        {
            "name": "Acme 集团",
            "currency": "CNY",  # the default: nothing to log
            "tier": "A",
            "industry": "manufacturing",
            "notes": "",  # the default
            "own_purchasing": False,  # the default
            "annual_revenue_minor": 0,  # zero is a value, unlike "not known"
        },
    )
    logged = entries(book, account_id)
    assert sorted(e.column_name for e in logged) == [
        "annual_revenue_minor",
        "industry",
        "name",
        "tier",
    ]
    values = {e.column_name: json.loads(e.value) for e in logged}
    assert values == {
        "name": "Acme 集团",
        "tier": "A",
        "industry": "manufacturing",
        "annual_revenue_minor": 0,
    }
    assert {e.table_name for e in logged} == {"account"}
    assert {e.device_id for e in logged} == {book.device_id}
    assert all(e.seen_hlc is None and e.seen_device is None for e in logged)


def test_editing_two_fields_logs_two_entries_pointing_at_the_values_replaced(book: Book) -> None:
    account_id = create_account(book, {"name": "Acme", "currency": "CNY", "tier": "A"})
    created = {e.column_name: e for e in entries(book, account_id)}

    previous = update_account(book, account_id, {"name": "Acme Group", "tier": "B"})

    assert previous == {"name": "Acme", "tier": "A"}
    new = [
        e
        for e in entries(book, account_id)
        if e.device_seq > max(c.device_seq for c in created.values())
    ]
    assert sorted(e.column_name for e in new) == ["name", "tier"]
    for entry in new:
        assert entry.seen_hlc == created[entry.column_name].hlc
        assert entry.seen_device == book.device_id
    # A second edit of the name points at the first edit, not at the creation.
    first_edit = next(e for e in new if e.column_name == "name")
    update_account(book, account_id, {"name": "Acme Holdings"})
    last = entries(book, account_id)[-1]
    assert (last.column_name, json.loads(last.value)) == ("name", "Acme Holdings")
    assert last.seen_hlc == first_edit.hlc


def test_an_edit_to_the_same_value_logs_nothing_and_keeps_updated_at(book: Book) -> None:
    account_id = create_account(book, {"name": "Acme", "currency": "CNY", "tier": "A"})
    count, stamp = len(entries(book)), updated_at(book, account_id)

    # The user re-saves the form, with a stray space typed after the name.
    assert update_account(book, account_id, {"name": "Acme ", "tier": "A", "currency": "CNY"}) == {}

    assert len(entries(book)) == count
    assert updated_at(book, account_id) == stamp
    # The same through any unit of work that assigns the current values again.
    with book.write() as session:
        account = session.get(Account, account_id)
        assert account is not None
        account.name = "Acme"
        account.tier = "A"
    assert len(entries(book)) == count
    assert updated_at(book, account_id) == stamp
    # A real edit does move updated_at on.
    update_account(book, account_id, {"tier": "B"})
    assert updated_at(book, account_id) > stamp


def test_a_transaction_that_raises_leaves_no_entries_and_no_changes(book: Book) -> None:
    existing = create_account(book, {"name": "Existing Co", "currency": "CNY"})
    before = entries(book)
    seen_inside: list[int] = []

    with pytest.raises(RuntimeError, match="user cancelled"), book.write() as session:
        account = Account(name="Doomed 注定 Co")
        session.add(account)
        session.flush()
        session.add(Stakeholder(account_id=account.id, name="Doomed Person"))
        renamed = session.get(Account, existing)
        assert renamed is not None
        renamed.name = "Renamed in vain"
        session.flush()
        raw = session.connection().exec_driver_sql("SELECT COUNT(*) FROM change_log")
        seen_inside.append(raw.scalar_one())
        raise RuntimeError("user cancelled")

    # The entries had been written inside the transaction…
    assert seen_inside[0] > len(before)
    # …and went away with it.
    assert entries(book) == before
    assert BookReader(book.db).account_count() == 1
    assert book.db.execute("SELECT COUNT(*) FROM stakeholder").fetchone()[0] == 0
    assert BookReader(book.db).account(existing)["name"] == "Existing Co"  # type: ignore[index]
    assert search(book, "Doomed") == []
    assert search(book, "注定") == []
    assert search(book, "Renamed") == []
    assert search(book, "Existing") == [existing]


def test_device_seq_is_gapless_even_after_a_rolled_back_transaction(book: Book) -> None:
    create_account(book, {"name": "First", "currency": "CNY", "tier": "A"})
    with pytest.raises(RuntimeError), book.write() as session:
        session.add(Account(name="Rolled back", tier="B"))
        session.flush()
        raise RuntimeError
    second = create_account(book, {"name": "Second", "currency": "CNY"})
    update_account(book, second, {"tier": "C", "notes": "call back in May"})

    seqs = [e.device_seq for e in entries(book)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) == 2 + 1 + 2


def test_hlc_strictly_increases_across_entries_and_is_saved_in_the_book(book: Book) -> None:
    account_id = create_account(book, {"name": "Acme", "currency": "CNY", "tier": "A"})
    for i in range(5):
        update_account(book, account_id, {"notes": f"visit {i}", "tier": "ABC"[i % 3]})
    create_stakeholder(book, account_id, {"name": "Li Wei", "title": "CIO"})

    stamps = [e.hlc for e in entries(book)]
    assert len(stamps) > 10
    assert all(a < b for a, b in itertools.pairwise(stamps))
    saved = int(book.db.execute("SELECT value FROM book_meta WHERE key = 'hlc'").fetchone()[0])
    assert saved == stamps[-1]


def test_clock_survives_reopening_with_the_wall_clock_set_in_the_past(
    book_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Book.open(book_path, create=True) as book:
        account_id = create_account(book, {"name": "Acme", "currency": "CNY"})
        update_account(book, account_id, {"tier": "A"})
        old = [e.hlc for e in entries(book)]

    # The laptop's battery died and its clock now says 2001.
    year_2001_ns = 978_307_200 * 1_000_000_000
    monkeypatch.setattr(
        kamdesk.sync.clock, "time", types.SimpleNamespace(time_ns=lambda: year_2001_ns)
    )
    with Book.open(book_path) as book:
        update_account(book, account_id, {"tier": "B", "notes": "after the reset"})
        new = [e.hlc for e in entries(book)][len(old) :]
        assert len(new) == 2
        assert min(new) > max(old)
        assert all(a < b for a, b in itertools.pairwise(new))
        # The stamps stay next to the last real time instead of falling back to 2001.
        assert physical_ms(new[-1]) - physical_ms(max(old)) < 1000


def test_writes_without_logging_add_no_entries_but_update_search(book: Book) -> None:
    account_id = create_account(book, {"name": "Local Co", "currency": "CNY"})
    before = entries(book)

    # Applying changes that came from another device.
    with book.write(log_changes=False) as session:
        session.add(Account(name="远程 Remote Co", tier="A"))
        local = session.get(Account, account_id)
        assert local is not None
        local.name = "Renamed Elsewhere"

    assert entries(book) == before
    assert len(search(book, "远程")) == 1
    assert len(search(book, "remote")) == 1
    assert search(book, "renamed") == [account_id]
    assert search(book, "local") == []
    # The next local edit is logged again, without a gap in the sequence.
    update_account(book, account_id, {"tier": "B"})
    after = entries(book)
    assert len(after) == len(before) + 1
    assert after[-1].device_seq == before[-1].device_seq + 1


def test_two_programs_writing_one_book_never_hand_out_the_same_stamp(
    book_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wall clock stands still, so each program's own clock would count up from the
    # same place: only reading the book's clock inside each write keeps stamps apart.
    monkeypatch.setattr(
        kamdesk.sync.clock, "time", types.SimpleNamespace(time_ns=lambda: 1_750_000_000 * 10**9)
    )
    with Book.open(book_path, create=True) as first:
        account_id = create_account(first, {"name": "Acme", "currency": "CNY"})
        with Book.open(book_path) as second:
            assert second.device_id == first.device_id
            for i in range(4):
                writer = (first, second)[i % 2]
                update_account(writer, account_id, {"tier": "ABC"[i % 3], "notes": f"note {i}"})
                create_stakeholder(writer, account_id, {"name": f"Person {i}", "title": "CIO"})
            # In commit order (the log's own row order), not in stamp order.
            logged = first.db.execute(
                "SELECT device_id, device_seq, hlc FROM change_log ORDER BY id"
            ).fetchall()
    assert len(logged) == 1 + 4 * (2 + 3)  # name; tier, notes; name, title, account
    stamps = [hlc for _device, _seq, hlc in logged]
    assert len({(device, hlc) for device, _seq, hlc in logged}) == len(logged)
    assert all(a < b for a, b in itertools.pairwise(stamps))
    assert [seq for _device, seq, _hlc in logged] == list(range(1, len(logged) + 1))

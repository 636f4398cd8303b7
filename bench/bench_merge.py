"""Merging 100,000 remote field changes, against raw batched SQLite upserts of the same rows.

A first sync of a team's book brings every field of every account at once. The merge
(per-field clock comparison, conflicts, the clocks and watermarks, the rows written
through the ORM without logging) must run at no less than a fifth of the rate of the
floor: the same field values upserted into the same table with plain ``executemany``
in one transaction, measured here on the same machine.

    .venv/bin/python bench/bench_merge.py [--changes 100000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from kamdesk.ops.sync import merge_into
from kamdesk.store.book import Book, create_book
from kamdesk.sync.clock import pack
from kamdesk.sync.entries import WireEntry

REMOTE = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
COLUMNS = (
    "name",
    "notes",
    "procurement_process",
    "pain_points",
    "incumbent_suppliers",
    "competitors",
    "strategy",
    "budget_cycle",
    "lifecycle_stage",
    "decision_mode",
)
BUDGET = 5  # the merge may be at most this many times slower than the floor


def remote_changes(count: int) -> list[WireEntry]:
    entries = []
    rows = count // len(COLUMNS)
    for index in range(rows):
        row_id = str(uuid.UUID(int=index + 1))
        for column in COLUMNS:
            seq = len(entries) + 1
            value = f"华东 {column} {index}" if column == "name" else f"{column} {index}"
            entries.append(
                WireEntry(
                    REMOTE,
                    seq,
                    pack(1_765_000_000_000 + seq),
                    "account",
                    row_id,
                    column,
                    json.dumps(value, ensure_ascii=False),
                    None,
                    None,
                )
            )
    return entries


def floor_seconds(template: Path, folder: Path, entries: list[WireEntry]) -> float:
    """Raw batched upserts of the same field values into the same table."""
    path = folder / "floor.kamdesk"
    shutil.copyfile(template, path)
    db = sqlite3.connect(path, isolation_level=None)
    # Every NOT NULL column without a default needs a value in a new row.
    needed = {
        str(r[1]): ("" if "CHAR" in str(r[2]).upper() or str(r[2]) == "" else 0)
        for r in db.execute("PRAGMA table_info(account)")
        if r[3] and r[4] is None and r[1] != "id"
    }
    needed.update({"created_at": "2026-12-01 00:00:00", "updated_at": "2026-12-01 00:00:00"})
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for column in COLUMNS:
        others = [name for name in needed if name != column]
        names = ", ".join(["id", *others, column])
        marks = ", ".join("?" * (len(others) + 2))
        db.executemany(
            f"INSERT INTO account ({names}) VALUES ({marks}) "
            f"ON CONFLICT (id) DO UPDATE SET {column} = excluded.{column}",
            [
                (e.row_id, *(needed[n] for n in others), json.loads(e.value))
                for e in entries
                if e.column == column
            ],
        )
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def merge_seconds(template: Path, folder: Path, entries: list[WireEntry]) -> float:
    path = folder / "merge.kamdesk"
    shutil.copyfile(template, path)
    with Book.open(path) as book:
        started = time.perf_counter()
        result = merge_into(book, entries)
        elapsed = time.perf_counter() - started
        assert result.applied == len(entries)
        rows = book.db.execute("SELECT COUNT(*) FROM account").fetchone()[0]
        assert rows == len(entries) // len(COLUMNS)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=100_000)
    args = parser.parse_args()
    entries = remote_changes(args.changes)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "empty.kamdesk"
        create_book(template)
        floor = min(floor_seconds(template, folder, entries) for _ in range(3))
        merged = merge_seconds(template, folder, entries)
    floor_rate = len(entries) / floor
    merge_rate = len(entries) / merged
    print(
        f"raw batched upserts: {len(entries):,} field values in {floor:.2f} s ({floor_rate:,.0f}/s)"
    )
    print(f"merge: {len(entries):,} field changes in {merged:.2f} s ({merge_rate:,.0f}/s)")
    verdict = "within" if merge_rate * BUDGET >= floor_rate else "OVER"
    print(f"merge at 1/{floor_rate / merge_rate:.1f} of the floor; budget 1/{BUDGET}: {verdict}")


if __name__ == "__main__":
    main()

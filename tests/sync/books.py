"""Books for the merge tests: several devices' books, and entries handed between them."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from kamdesk.ops.conflicts import open_conflicts
from kamdesk.ops.sync import merge_into, own_entries_after
from kamdesk.store.book import Book
from kamdesk.sync.clock import HybridLogicalClock
from kamdesk.sync.entries import WireEntry
from kamdesk.sync.merge import MergeResult

#: Tables whose rows a test compares across books (the user's data).
DATA_TABLES = ("account", "stakeholder", "team_member", "opportunity")


def new_device_book(
    template: Path, path: Path, device_id: str | None = None, wall: Callable[[], int] | None = None
) -> Book:
    """A copy of the empty template under its own device id (a laptop of its own)."""
    shutil.copyfile(template, path)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "UPDATE book_meta SET value = ? WHERE key = 'device_id'",
            (device_id or str(uuid.uuid4()),),
        )
    book = Book.open(path)
    if wall is not None:
        book.clock = HybridLogicalClock(book.clock.last, wall)
    return book


def entries_of(book: Book) -> list[WireEntry]:
    """Every entry this device wrote, as the folder carries them."""
    return own_entries_after(book, 0)


def deliver(source: Book, target: Book, **options: Any) -> MergeResult:
    """Everything ``source`` wrote, merged into ``target``."""
    return merge_into(target, entries_of(source), **options)


def data(book: Book, tables: tuple[str, ...] = DATA_TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """The synced values of every row (stamps each device sets for itself left out)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables:
        columns = [
            row[1]
            for row in book.db.execute(f"PRAGMA table_info({table})")
            if row[1] not in ("created_at", "updated_at")
        ]
        found[table] = book.db.execute(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"
        ).fetchall()
    return found


def conflicts(book: Book) -> set[tuple[Any, ...]]:
    """The open conflicts, as (id, field, losing value, writer)."""
    return {
        (c.id, c.table, c.row_id, c.column, repr(c.value), c.writer) for c in open_conflicts(book)
    }

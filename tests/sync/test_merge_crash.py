"""A merge killed half-way (kill -9) leaves the book as it was; the next sync applies it all."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import kamdesk
from kamdesk.ops.sync import merge_into
from kamdesk.store.book import Book
from kamdesk.sync.clock import pack
from kamdesk.sync.entries import WireEntry

from .books import new_device_book

SOURCE_ROOT = Path(kamdesk.__file__).resolve().parent.parent
REMOTE = "3c1e5a7b-9d2f-4b6a-8c0e-1f3a5b7c9d2e"

CHILD = """
import json, sys, time
from kamdesk.ops.sync import merge_into
from kamdesk.store.book import Book
from kamdesk.sync.entries import WireEntry

rows = json.loads(open(sys.argv[2]).read())
entries = [WireEntry.from_row(sys.argv[3], row) for row in rows]

def stop_here(done):
    print("applying", done, flush=True)
    time.sleep(600)  # killed here, inside the merge's transaction

with Book.open(sys.argv[1]) as book:
    merge_into(book, entries, progress=stop_here)
"""


def remote_accounts(count: int) -> list[WireEntry]:
    entries = []
    for index in range(count):
        row_id = str(uuid.UUID(int=index + 1))
        for column, value in (("name", f"客户 {index}"), ("notes", f"note {index}")):
            seq = len(entries) + 1
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


def test_a_merge_killed_half_way_applies_nothing_and_the_next_one_everything(
    empty_book_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "laptop.kamdesk"
    new_device_book(empty_book_template, path).close()
    entries = remote_accounts(1500)
    batch = tmp_path / "entries.json"
    batch.write_text(json.dumps([e.to_row() for e in entries], ensure_ascii=False))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SOURCE_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(batch), REMOTE],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().startswith("applying 1000")
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    with Book.open(path) as book:
        assert book.integrity_check() == ["ok"]
        assert book.db.execute("SELECT COUNT(*) FROM account").fetchone() == (0,)
        marks = book.db.execute("SELECT last_seq FROM sync_device WHERE device_id = ?", (REMOTE,))
        assert marks.fetchone() in (None, (0,))
        result = merge_into(book, entries)
        assert result.applied == len(entries)
        assert book.db.execute("SELECT COUNT(*) FROM account").fetchone() == (1500,)

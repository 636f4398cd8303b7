"""What sync bookkeeping costs on disk: the same demo book with and without it.

    python bench/bench_book_size.py [--accounts 2000]     (--accounts 10000: the large book)

Writes one demo book on one laptop, then syncs it through a shared folder with a second
laptop, as a team does: the first laptop sends, the second reads everything, and each
syncs once more, so each has heard how far the other has read and compacts its change
log (``sync_with_folder``). Measures, each vacuumed so free pages do not count: the
first laptop's book before the sync (every entry of its change log, with field and row
clocks), both books as they are after the sync round, and the floor, the same data with
no sync bookkeeping at all (log, clocks and numbering emptied). Prints the sizes, their
ratios to the floor against the budget (2 times), and the bytes each entry and each
field clock takes.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

BUDGET_RATIO = 2.0
BOOKKEEPING = ("sync_entry", "field_clock", "row_clock", "sync_device", "sync_column")


def _vacuumed_size(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        db.execute("VACUUM")
    return path.stat().st_size


def _table_bytes(path: Path) -> dict[str, int]:
    """Bytes of pages each bookkeeping table takes (empty when SQLite lacks dbstat)."""
    with closing(sqlite3.connect(path)) as db:
        try:
            rows = db.execute(
                "SELECT name, SUM(pgsize) FROM dbstat WHERE name IN "
                f"({', '.join('?' * len(BOOKKEEPING))}) GROUP BY name",
                BOOKKEEPING,
            ).fetchall()
        except sqlite3.OperationalError:
            return {}
    return {str(name): int(size) for name, size in rows}


def _count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _sync_round(writer: Path, reader: Path, folder: Path) -> tuple[int, int]:
    """Sync both laptops twice through ``folder``; return the entries each book keeps."""
    from kamdesk.ops.sync import sync_with_folder
    from kamdesk.store.book import Book, create_book
    from kamdesk.sync.folder import init_folder

    folder.mkdir()
    init_folder(folder)
    create_book(reader)  # a second laptop: an empty book with a device id of its own
    with Book.open(writer) as first, Book.open(reader) as second:
        for _ in range(2):
            sync_with_folder(first, folder)
            sync_with_folder(second, folder)
    return _count(writer, "sync_entry"), _count(reader, "sync_entry")


def _strip(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        for table in BOOKKEEPING:
            db.execute(f"DELETE FROM {table}")
        db.commit()


def _mb(size: int) -> str:
    return f"{size / 1e6:8.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args()

    from kamdesk.demo import write_demo_book

    folder = Path(tempfile.mkdtemp(prefix="kamdesk-bench-"))
    kept = folder / "kept.kamdesk"
    started = time.perf_counter()
    write_demo_book(kept, args.accounts)
    written_s = time.perf_counter() - started
    synced, other, bare = (folder / f"{n}.kamdesk" for n in ("synced", "other", "bare"))
    shutil.copyfile(kept, synced)
    shutil.copyfile(kept, bare)

    entries = _count(kept, "sync_entry")
    fields = _count(kept, "field_clock")
    kept_size = _vacuumed_size(kept)
    tables = _table_bytes(kept)
    started = time.perf_counter()
    left_first, left_second = _sync_round(synced, other, folder / "shared")
    sync_s = time.perf_counter() - started
    _strip(bare)
    bare_size = _vacuumed_size(bare)

    print(f"demo book: {args.accounts} accounts, written in {written_s:.0f} s")
    print(f"change log: {entries} entries, {fields} field clocks")
    print(f"floor, no sync bookkeeping:        {_mb(bare_size)}")
    for label, size in (
        ("before any sync:", kept_size),
        (f"writer after a sync round ({left_first} kept):", _vacuumed_size(synced)),
        (f"reader after a sync round ({left_second} kept):", _vacuumed_size(other)),
    ):
        ratio = size / bare_size
        verdict = "within budget" if ratio <= BUDGET_RATIO else "OVER BUDGET"
        print(
            f"{label:44s}{_mb(size)}  ratio {ratio:.2f} x (budget {BUDGET_RATIO:.1f} x) "
            f"-> {verdict}"
        )
    if tables and entries:
        print(
            f"bytes an entry: {tables.get('sync_entry', 0) / entries:.0f}; "
            f"bytes a field clock: {tables.get('field_clock', 0) / max(fields, 1):.0f}"
        )
    else:
        print(f"bytes an entry (with its clock): {(kept_size - bare_size) / max(entries, 1):.0f}")
    print(f"the sync round (two syncs on each laptop) took {sync_s:.1f} s")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

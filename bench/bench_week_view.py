"""Opening the week view: from Team → Week view to this and next week's visits painted.

    python bench/bench_week_view.py --book BOOK [--runs 10]

Builds the real week view (offscreen Qt) on the book, shows it and lets it paint, as
Ctrl+Shift+W does, and times that whole step; then its read alone (the two weeks' visits
with their accounts, ``kamdesk.store.visits.visits_between``). The floor is the same
range on bare sqlite3, fetching the rows and building nothing. Prints medians and the
budget (100 ms to open).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KAMDESK_HOME", tempfile.mkdtemp(prefix="kamdesk-bench-"))

BUDGET_MS = 100.0


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--book", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from kamdesk.domain.visits import week_start
    from kamdesk.settings import Settings
    from kamdesk.store.book import Book
    from kamdesk.store.visits import stored_moment, visits_between
    from kamdesk.ui.app import build_context
    from kamdesk.ui.week_view import WeekView

    app = QApplication([])
    monday = week_start(dt.date.today())
    start = dt.datetime.combine(monday - dt.timedelta(days=1), dt.time(), dt.UTC)
    end = dt.datetime.combine(monday + dt.timedelta(days=15), dt.time(), dt.UTC)
    bare = (
        "SELECT v.id, v.account_id, a.name, v.title, v.starts_at, v.ends_at, v.time_zone "
        "FROM visit v JOIN account a ON a.id = v.account_id AND a.deleted_at IS NULL "
        "WHERE v.starts_at >= ? AND v.starts_at < ? AND v.deleted_at IS NULL "
        "ORDER BY v.starts_at"
    )
    with Book.open(args.book) as book:
        context = build_context(book, Settings(Path(tempfile.mkdtemp()) / "settings.json"))
        total = book.db.execute("SELECT COUNT(*) FROM visit WHERE deleted_at IS NULL").fetchone()
        floor, read, opening = [], [], []
        shown = 0
        for _ in range(args.runs):
            started = time.perf_counter()
            book.db.execute(bare, (stored_moment(start), stored_moment(end))).fetchall()
            floor.append(time.perf_counter() - started)

            started = time.perf_counter()
            visits_between(book.db, start, end)
            read.append(time.perf_counter() - started)

            started = time.perf_counter()
            window = WeekView(context)
            window.show()
            window.repaint()
            app.processEvents()
            opening.append(time.perf_counter() - started)
            shown = sum(model.row_count() for model in window.models)
            window.close()
            window.deleteLater()
            app.processEvents()
    print(f"book: {args.book} ({total[0]} live visits, {shown} this week and next)")
    print(f"floor, the range on bare sqlite3: median {_median_ms(floor):.1f} ms")
    print(f"read (range + visit rows): median {_median_ms(read):.1f} ms")
    opened = _median_ms(opening)
    print(
        f"open the window (read, by day, both weeks painted): median {opened:.1f} ms, "
        f"max {max(opening) * 1000:.1f} ms over {args.runs} runs"
    )
    verdict = "within budget" if opened < BUDGET_MS else "OVER BUDGET"
    print(f"budget: under {BUDGET_MS:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()

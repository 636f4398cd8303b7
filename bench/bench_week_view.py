"""Opening the week view: from Team → Week view to this and next week's visits painted.

    python bench/bench_week_view.py --book BOOK [--runs 10]

Builds the real week view (offscreen Qt) on the book, shows it and lets it paint, as
Ctrl+Shift+W does, and times that whole step; then its read alone (each day's first
visits and how many more, ``kamdesk.ui.week_view.read_days``). The floor is the read of
every visit of the two weeks on bare sqlite3, fetching the rows and building nothing (what
listing them all would cost). Prints medians and the budget (100 ms to open).
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

    from kamdesk.domain.visits import local_zone_name, week_start
    from kamdesk.settings import Settings
    from kamdesk.store.book import Book
    from kamdesk.store.visits import stored_moment
    from kamdesk.ui.app import build_context
    from kamdesk.ui.week_view import WeekView, read_days

    app = QApplication([])
    monday = week_start(dt.date.today())
    start = dt.datetime.combine(monday - dt.timedelta(days=1), dt.time(), dt.UTC)
    end = dt.datetime.combine(monday + dt.timedelta(days=15), dt.time(), dt.UTC)
    bare = (
        "SELECT v.id, v.account_id, a.name, v.title, v.starts_at, v.ends_at, v.time_zone "
        "FROM visit v CROSS JOIN account a ON a.id = v.account_id AND a.deleted_at IS NULL "
        "WHERE v.starts_at >= ? AND v.starts_at < ? AND v.deleted_at IS NULL "
        "ORDER BY v.starts_at"
    )
    with Book.open(args.book) as book:
        context = build_context(book, Settings(Path(tempfile.mkdtemp()) / "settings.json"))
        total = book.db.execute("SELECT COUNT(*) FROM visit WHERE deleted_at IS NULL").fetchone()
        in_weeks = len(book.db.execute(bare, (stored_moment(start), stored_moment(end))).fetchall())
        floor, read, opening = [], [], []
        shown = 0
        for _ in range(args.runs):
            started = time.perf_counter()
            book.db.execute(bare, (stored_moment(start), stored_moment(end))).fetchall()
            floor.append(time.perf_counter() - started)

            started = time.perf_counter()
            read_days(book.db, monday, 14, local_zone_name())
            read.append(time.perf_counter() - started)

            started = time.perf_counter()
            window = WeekView(context)
            window.show()
            window.repaint()
            app.processEvents()
            opening.append(time.perf_counter() - started)
            shown = sum(model.row_count() for model in window.models)  # "more" lines too
            window.close()
            window.deleteLater()
            app.processEvents()
    print(f"book: {args.book} ({total[0]} live visits, about {in_weeks} in the two weeks)")
    print(f"rows listed (each day's first visits and a 'more' line): {shown}")
    print(f"floor, every visit of the two weeks on bare sqlite3: median {_median_ms(floor):.1f} ms")
    print(f"read (each day's first visits and how many more): median {_median_ms(read):.1f} ms")
    opened = _median_ms(opening)
    print(
        f"open the window (read, by day, both weeks painted): median {opened:.1f} ms, "
        f"max {max(opening) * 1000:.1f} ms over {args.runs} runs"
    )
    verdict = "within budget" if opened < BUDGET_MS else "OVER BUDGET"
    print(f"budget: under {BUDGET_MS:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()

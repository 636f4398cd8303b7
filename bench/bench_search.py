"""Type-ahead search: the cost of one keystroke in the account list's search box.

    python bench/bench_search.py --book BOOK

Types each query one character at a time into the real account list model
(``AccountTableModel.set_search_text``, offscreen Qt) and, after each keystroke, fetches
the cells of the first screenful of rows, as the view's repaint would. That is the whole
cost a user waits for between a key press and the filtered list. Prints the median and
95th percentile over every keystroke and the budget (30 ms at the 95th percentile).
The queries mix Chinese characters, English words and pinyin (full and initials).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KAMDESK_HOME", tempfile.mkdtemp(prefix="kamdesk-bench-"))

BUDGET_P95_MS = 30.0
VISIBLE_ROWS = 30
QUERIES = (
    "华东制造", "苏州", "manufacturing", "north", "王", "atlas medical", "采购", "li", "cfo",
    # Pinyin, in full and by initials ("wl" is 王磊, who owns a large share of the book).
    "huadong", "hdzz", "wl", "suzhou", "zhangwei", "wang lei",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--book", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3, help="times each query is typed")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from kamdesk.settings import Settings
    from kamdesk.store.book import Book
    from kamdesk.ui.app import build_context
    from kamdesk.ui.models.account_table import AccountTableModel

    app = QApplication([])
    with Book.open(args.book) as book:
        context = build_context(book, Settings(Path(tempfile.mkdtemp()) / "settings.json"))
        model = AccountTableModel(context)
        total = model.rowCount()
        times_ms: list[float] = []
        for _ in range(args.rounds):
            for query in QUERIES:
                for length in range(1, len(query) + 1):
                    started = time.perf_counter()
                    model.set_search_text(query[:length])
                    for row in range(min(VISIBLE_ROWS, model.rowCount())):
                        for column in range(model.columnCount()):
                            model.data(model.index(row, column))
                    times_ms.append((time.perf_counter() - started) * 1000)
                model.set_search_text("")
        del app
    times_ms.sort()
    p95 = times_ms[int(len(times_ms) * 0.95) - 1]
    print(f"book: {args.book} ({total} accounts)")
    print(f"keystrokes: {len(times_ms)} ({len(QUERIES)} queries typed {args.rounds} times)")
    print(
        f"per keystroke (filter + first {VISIBLE_ROWS} rows' cells): "
        f"median {statistics.median(times_ms):.1f} ms, p95 {p95:.1f} ms, max {times_ms[-1]:.1f} ms"
    )
    print(
        f"budget: p95 under {BUDGET_P95_MS:.0f} ms -> "
        f"{'within budget' if p95 < BUDGET_P95_MS else 'OVER BUDGET'}"
    )


if __name__ == "__main__":
    main()

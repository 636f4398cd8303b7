"""Opening the pipeline: from Team → Pipeline to its board and forecast painted.

    python bench/bench_pipeline.py --book BOOK [--runs 10]

Builds the real pipeline window (offscreen Qt) on the book, shows it and lets it paint,
as Ctrl+Shift+P does, and times that whole step; then times its parts: the one query of
the open deals of the stage model it shows first
(``kamdesk.store.pipeline.pipeline_deals``) and the
grouping and forecast (``kamdesk.domain.pipeline``). The floor is the same query on bare
sqlite3, fetching the rows and building nothing. Prints medians and the budget (100 ms to open).
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

BUDGET_MS = 100.0


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--book", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from kamdesk.domain.pipeline import DealFilter, filter_deals, forecast
    from kamdesk.settings import Settings
    from kamdesk.store.book import Book
    from kamdesk.store.pipeline import _DEALS_SQL, pipeline_deals, stages_of
    from kamdesk.ui.app import build_context
    from kamdesk.ui.pipeline import PipelineWindow

    app = QApplication([])
    with Book.open(args.book) as book:
        context = build_context(book, Settings(Path(tempfile.mkdtemp()) / "settings.json"))
        floor, read, figures, opening = [], [], [], []
        deals = pipeline_deals(book.db)
        for _ in range(args.runs):
            started = time.perf_counter()
            book.db.execute(
                _DEALS_SQL.format(statuses=" AND status = ? AND stage_model = ?"),
                ("open", "compass"),
            ).fetchall()
            floor.append(time.perf_counter() - started)

            started = time.perf_counter()
            deals = pipeline_deals(book.db, statuses={"open"}, stage_model="compass")
            read.append(time.perf_counter() - started)

            started = time.perf_counter()
            forecast(filter_deals(deals, DealFilter(stage_model="compass")), stages_of("compass"))
            figures.append(time.perf_counter() - started)

            started = time.perf_counter()
            window = PipelineWindow(context)
            window.show()
            window.repaint()
            app.processEvents()
            opening.append(time.perf_counter() - started)
            window.close()
            window.deleteLater()
            app.processEvents()
    shown = len(filter_deals(deals, DealFilter(stage_model="compass")))
    print(f"book: {args.book} ({len(deals)} live deals, {shown} open on the sales compass)")
    print(f"floor, the open compass deals on bare sqlite3: median {_median_ms(floor):.1f} ms")
    print(f"read (query + Deal rows, open compass deals): median {_median_ms(read):.1f} ms")
    print(f"filter + group + forecast: median {_median_ms(figures):.1f} ms")
    opened = _median_ms(opening)
    print(
        f"open the window (read, figures, board painted): median {opened:.1f} ms, "
        f"max {max(opening) * 1000:.1f} ms over {args.runs} runs"
    )
    verdict = "within budget" if opened < BUDGET_MS else "OVER BUDGET"
    print(f"budget: under {BUDGET_MS:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()

"""Startup time of KAMDesk on a book, against the floor of a bare PySide6 window.

    python bench/bench_startup.py --book BOOK [--runs 15]

Runs the floor script (bench/floor_window.py) and ``kamdesk --book BOOK
--exit-after-startup`` alternately, each as a fresh process. Startup is the wall time from
spawning the process to the line it prints once its table has been painted (the floor
prints "painted", KAMDesk its "startup:" line), so interpreter start, imports, opening the
book and the first paint all count, and teardown does not. Reports the medians, their
ratio against the budget (1.5 times the floor), and the whole-process times for context.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUDGET_RATIO = 1.5


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds to the first-paint line, seconds to exit)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    painted = time.perf_counter() - started
    process.stdout.read()
    if process.wait() != 0 or not line:
        raise SystemExit(f"{command} failed")
    return painted, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--book", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.setdefault("KAMDESK_HOME", tempfile.mkdtemp(prefix="kamdesk-bench-"))
    # An installed app runs from compiled bytecode; compile ours once, as pip does on
    # install (this also matters where PYTHONDONTWRITEBYTECODE keeps Python from caching).
    import kamdesk

    compileall.compile_dir(Path(kamdesk.__file__).parent, quiet=1)
    floor_cmd = [sys.executable, str(HERE / "floor_window.py")]
    app_cmd = [sys.executable, "-m", "kamdesk", "--book", str(args.book), "--exit-after-startup"]
    # One unmeasured run of each warms the OS file cache, as a user's second launch would.
    _time(floor_cmd, env)
    _time(app_cmd, env)
    floor, app = [], []
    for _ in range(args.runs):
        floor.append(_time(floor_cmd, env))
        app.append(_time(app_cmd, env))
    floor_median = statistics.median(t[0] for t in floor)
    app_median = statistics.median(t[0] for t in app)
    ratio = app_median / floor_median
    print(f"book: {args.book}")
    print(f"runs: {args.runs} of each, alternating; spawn to first paint (spawn to exit)")
    print(
        f"floor (bare QMainWindow + empty QTableView): median {floor_median:.3f} s "
        f"({statistics.median(t[1] for t in floor):.3f} s)"
    )
    print(
        f"kamdesk --exit-after-startup:                median {app_median:.3f} s "
        f"({statistics.median(t[1] for t in app):.3f} s)"
    )
    print(
        f"ratio: {ratio:.2f} x floor (budget {BUDGET_RATIO:.2f} x) -> "
        f"{'within budget' if ratio <= BUDGET_RATIO else 'OVER BUDGET'}"
    )


if __name__ == "__main__":
    main()

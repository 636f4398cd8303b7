"""The sync server's writer: one transaction for 100 uploads, against inserting their rows.

Uploads that arrive together are judged and written in one transaction by one writer
thread (``kamdesk.server.relay``): who may write each account, which rows are new, the
entries, the devices' last numbers, the counter. Under a team's load its time per group
is what every upload waits for. The floor is the same 500 entries inserted with one
``executemany`` in one transaction on the same database; the budget is 5 × the floor.

Straight on the database, no HTTP, so the figure does not move with the machine's other
work as much as the load bench's. PostgreSQL at 127.0.0.1:5432 (a fresh database,
dropped afterwards) and a SQLite file.

    .venv/bin/python bench/bench_upload_group.py [--groups 30] [--uploads 100]
                                                [--postgres postgresql://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kamdesk.server import relay  # noqa: E402
from kamdesk.server.auth import Role, add_user, user_for_token  # noqa: E402
from kamdesk.server.db import entries, open_database  # noqa: E402
from kamdesk.sync.clock import pack, wall_clock_ms  # noqa: E402
from kamdesk.sync.entries import WireEntry  # noqa: E402

EDITS = 5
BUDGET = 5.0


def measure(url: str, groups: int, uploads: int) -> tuple[float, float]:
    """Median milliseconds of a group through the writer, and of the floor."""
    engine = open_database(url)
    try:
        users = []
        for n in range(uploads):
            user = user_for_token(engine, add_user(engine, f"rep-{n}", Role.REP, f"team-{n // 10}"))
            assert user is not None
            users.append(user)
        devices = [str(uuid.uuid4()) for _ in users]
        accounts = [[str(uuid.uuid4()) for _ in range(3)] for _ in users]
        seqs = [0] * uploads

        def batch(n: int) -> list[WireEntry]:
            made = []
            for k in range(EDITS):
                seqs[n] += 1
                made.append(
                    WireEntry(devices[n], seqs[n], pack(wall_clock_ms()) + seqs[n], "account",
                              accounts[n][k % 3], "notes", json.dumps(f"修改 {seqs[n]}"))
                )  # fmt: skip
            return made

        writer = relay._GroupCommit.__new__(relay._GroupCommit)  # no thread: timed inline
        writer.engine = engine

        def group() -> None:
            jobs = [relay._Job(user, devices[n], batch(n)) for n, user in enumerate(users)]
            writer._write_together(jobs)
            refused = [job.done.exception() for job in jobs if job.done.exception()]
            assert not refused, refused[0]

        floor_seq = [10**9]

        def floor() -> None:
            rows = []
            for n in range(uploads):
                for entry in batch(n):
                    floor_seq[0] += 1
                    rows.append({
                        "server_seq": floor_seq[0], "device_id": f"floor-{entry.device_id}",
                        "seq": entry.seq, "hlc": entry.hlc, "table_name": entry.table,
                        "row_id": entry.row_id, "column_name": entry.column,
                        "value": entry.value, "seen_hlc": None, "seen_device": None,
                        "team": "floor", "account_id": entry.row_id, "handover": False,
                    })  # fmt: skip
            with engine.begin() as db:
                db.execute(entries.insert(), rows)

        return _median_ms(group, groups), _median_ms(floor, groups)
    finally:
        engine.dispose()


def _median_ms(work: Callable[[], None], times: int) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def _report(label: str, group_ms: float, floor_ms: float, uploads: int) -> bool:
    ratio = group_ms / floor_ms
    good = ratio <= BUDGET
    print(
        f"{label}: a group of {uploads} uploads ({uploads * EDITS} entries) in {group_ms:.1f} ms "
        f"(median), floor {floor_ms:.1f} ms: {ratio:.1f} × "
        f"(budget {BUDGET:.0f} ×: {'within' if good else 'OVER'})"
    )
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=30)
    parser.add_argument("--uploads", type=int, default=100)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    good = True
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'server.sqlite'}"
        good &= _report("SQLite", *measure(url, args.groups, args.uploads), args.uploads)
    import psycopg

    name = f"kamdesk_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True, connect_timeout=3) as c:
            c.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as error:
        print(f"PostgreSQL: skipped, none answers at {args.postgres}: {error}".strip())
        return 0 if good else 1
    try:
        figures = measure(f"{args.postgres}/{name}", args.groups, args.uploads)
        good &= _report("PostgreSQL", *figures, args.uploads)
    finally:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

"""The sync server under a team's load: N clients pushing and pulling edits for D seconds.

    python bench/bench_server_load.py [--clients 200] [--seconds 60] [--think 1.0]
                                      [--db sqlite|postgresql|both] [--server-processes 1]
                                      [--postgres postgresql://postgres@127.0.0.1:5432]

A real ``kamdesk serve`` process on loopback, on a fresh SQLite file and on a fresh
PostgreSQL database (dropped afterwards; skipped, saying why, where none answers). The
clients are 20 teams of reps (10 a team at 200 clients), each on its own device: a
client sends a few field edits of its own accounts (one upload), then downloads
everything after its cursor (the team's edits), waits ``--think`` seconds (a sync after
each change, as the app does) and again, until the time is up. Prints requests per
second, p50 / p95 / p99 latency of each kind of request against the 200 ms target, the
errors, and the server's CPU (share of one core) and peak memory, read from /proc.

Bounded: the clients stop after ``--seconds``, the whole run is cut off 60 s later, and
the server is stopped whatever happens. The clients run in this process (asyncio), on
the same machine as the server, so they share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import httpx  # noqa: E402

from kamdesk.server.auth import Role, add_user  # noqa: E402
from kamdesk.server.db import open_database  # noqa: E402

TARGET_P99_MS = 200.0
TEAM_SIZE = 10
EDITS_PER_SYNC = 5


@dataclass
class Figures:
    """What the clients saw."""

    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {"upload": [], "download": []}
    )
    #: The server's own time on each request (its Server-Timing header).
    server_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    entries_down: int = 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _processes(pid: int) -> list[int]:
    """``pid`` and its children (the worker processes of ``serve --workers N``)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(child) for child in children]
    return found


def _cpu_seconds(pid: int) -> float:
    """The CPU time of ``pid`` and its children so far."""
    total = 0.0
    for one in _processes(pid):
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _peak_rss_mb(pid: int) -> float:
    """The peak memory of ``pid`` and its children, added up."""
    total = 0.0
    for one in _processes(pid):
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


async def _client(
    client: aiohttp.ClientSession,
    token: str,
    stop_at: float,
    think: float,
    figures: Figures,
    number: int,
) -> None:
    device = str(uuid.uuid4())
    accounts = [str(uuid.uuid4()) for _ in range(3)]
    seq, cursor = 0, 0
    rng = random.Random(number)
    headers = {"Authorization": f"Bearer {token}"}
    await asyncio.sleep(rng.random() * think)  # the team does not all start at once
    while time.monotonic() < stop_at:
        batch = []
        for _ in range(EDITS_PER_SYNC):
            seq += 1
            batch.append(
                {
                    "seq": seq,
                    "hlc": (int(time.time() * 1000) << 16) + seq,
                    "table": "account",
                    "row_id": rng.choice(accounts),
                    "column": rng.choice(("notes", "name", "industry")),
                    "value": json.dumps(f"华东制造集团 客户 {number} 第 {seq} 次修改"),
                }
            )
        for kind, call in (
            ("upload", lambda batch=batch: client.post(
                "/v1/entries", json={"device_id": device, "entries": batch},
                headers=headers)),
            ("download", lambda cursor=cursor: client.get(
                "/v1/entries", params={"after": cursor, "device_id": device},
                headers=headers)),
        ):  # fmt: skip
            started = time.perf_counter()
            try:
                async with call() as answer:
                    body = await answer.read()
            except (TimeoutError, aiohttp.ClientError) as error:
                figures.errors.append(f"{kind}: {type(error).__name__}")
                continue
            figures.latencies[kind].append((time.perf_counter() - started) * 1000)
            timing = answer.headers.get("server-timing", "")
            if "dur=" in timing:
                figures.server_ms.append(float(timing.split("dur=")[1]))
            if answer.status != 200:
                figures.errors.append(f"{kind}: HTTP {answer.status}")
                continue
            if kind == "download":
                page = json.loads(body)
                cursor = page["next_cursor"]
                figures.entries_down += len(page["entries"])
        await asyncio.sleep(think)


def _clients_in_a_process(
    url: str, tokens: list[str], seconds: float, think: float, first: int
) -> Figures:
    """Run ``tokens``' clients in this process for ``seconds``; what they saw."""
    figures = Figures()
    stop_at = time.monotonic() + seconds

    async def everyone() -> None:
        # One connection pool for the process (each client still has its own connection,
        # token and device). aiohttp, not httpx: it costs the clients, who share the
        # server's cores, about a third of the CPU per request.
        connector = aiohttp.TCPConnector(limit=len(tokens))
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(
            base_url=url, connector=connector, timeout=timeout
        ) as client:
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        _client(client, token, stop_at, think, figures, first * 10_000 + n)
                        for n, token in enumerate(tokens)
                    )
                ),
                timeout=seconds + 60,
            )

    asyncio.run(everyone())
    return figures


def _users(db_url: str, clients: int) -> list[str]:
    engine = open_database(db_url)
    try:
        return [
            add_user(engine, f"rep-{n}", Role.REP, f"team-{n // TEAM_SIZE}") for n in range(clients)
        ]
    finally:
        engine.dispose()


def _start_server(db_url: str, home: Path, processes: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "KAMDESK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "kamdesk", "serve", "--db", db_url),
            *("--port", str(port), "--workers", str(processes)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the server did not start")


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(
    label: str,
    db_url: str,
    clients: int,
    seconds: float,
    think: float,
    workers: int,
    processes: int = 1,
) -> bool:
    """One load run on ``db_url``; prints its figures; True if within the target."""
    with tempfile.TemporaryDirectory() as home:
        tokens = _users(db_url, clients)
        process, url = _start_server(db_url, Path(home), processes)
        figures = Figures()
        try:
            cpu_before, wall_before = _cpu_seconds(process.pid), time.monotonic()
            stop_at = time.monotonic() + seconds

            shares = [tokens[n::workers] for n in range(workers)]
            with multiprocessing.get_context("spawn").Pool(workers) as pool:
                for part in pool.starmap(
                    _clients_in_a_process,
                    [(url, share, stop_at - time.monotonic(), think, n) for n, share in
                     enumerate(shares)],
                ):  # fmt: skip
                    for kind, values in part.latencies.items():
                        figures.latencies[kind] += values
                    figures.server_ms += part.server_ms
                    figures.errors += part.errors
                    figures.entries_down += part.entries_down
            wall = time.monotonic() - wall_before
            cpu = (_cpu_seconds(process.pid) - cpu_before) / wall * 100
            memory = _peak_rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    every = figures.latencies["upload"] + figures.latencies["download"]
    print(f"\n{label}: {clients} clients for {seconds:.0f} s, a sync every {think:g} s each")
    print(f"  requests     {len(every)} ({len(every) / wall:.0f}/s), "
          f"{figures.entries_down} entries downloaded")  # fmt: skip
    for kind, values in (*figures.latencies.items(), ("all", every)):
        print(
            f"  {kind:<9}    p50 {_percentile(values, 0.50):6.1f} ms   "
            f"p95 {_percentile(values, 0.95):6.1f} ms   p99 {_percentile(values, 0.99):6.1f} ms"
            + (f"   (mean {statistics.fmean(values):.1f} ms)" if values else "")
        )
    server_ms = figures.server_ms
    print(
        f"  in server    p50 {_percentile(server_ms, 0.50):6.1f} ms   "
        f"p95 {_percentile(server_ms, 0.95):6.1f} ms   p99 {_percentile(server_ms, 0.99):6.1f} ms"
    )
    print(f"  errors       {len(figures.errors)}" + (
        f" (first: {figures.errors[0]})" if figures.errors else ""))  # fmt: skip
    print(
        f"  server       {processes} process{'es' if processes > 1 else ''}, "
        f"CPU {cpu:.0f} % of one core, peak memory {memory:.0f} MiB"
    )
    print(f"  clients      in {workers} processes on the same machine")
    p99 = _percentile(every, 0.99)
    verdict = "within" if p99 < TARGET_P99_MS and not figures.errors else "OVER"
    print(f"  target       p99 < {TARGET_P99_MS:.0f} ms and no errors: {verdict}")
    return verdict == "within"


def _postgres_database(base: str) -> tuple[str | None, str]:
    import psycopg

    name = f"kamdesk_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as error:
        return None, str(error).strip().splitlines()[0]
    return f"{base}/{name}", name


def _drop_postgres(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a client's syncs")
    parser.add_argument(
        "--workers", type=int, default=2, help="processes the clients are spread over"
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--server-processes",
        type=int,
        default=1,
        help="kamdesk serve --workers N on PostgreSQL (SQLite always takes one)",
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    good = True
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'server.sqlite'}"
            good &= run("SQLite", url, args.clients, args.seconds, args.think, args.workers)
    if args.db in ("postgresql", "both"):
        url, name = _postgres_database(args.postgres)
        if url is None:
            print(f"\nPostgreSQL: skipped, none answers at {args.postgres}: {name}")
        else:
            try:
                good &= run(
                    "PostgreSQL", url, args.clients, args.seconds, args.think, args.workers,
                    args.server_processes,
                )  # fmt: skip
            finally:
                _drop_postgres(args.postgres, name)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

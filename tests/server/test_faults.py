"""The sync server under faults: killed mid-upload, a dropped download, a 410, skewed clocks."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from kamdesk.ops.accounts import create_account, update_account
from kamdesk.ops.conflicts import open_conflicts
from kamdesk.ops.server_sync import read_cursor, sync_with_server
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book
from kamdesk.sync.clock import wall_clock_ms
from kamdesk.sync.http import ServerSync, ServerUnreachableError
from tests.sync.books import data, new_device_book

from .conftest import RunningServer, Team, bearer

DAY_MS = 24 * 60 * 60 * 1000


class Faulty(httpx.BaseTransport):
    """The real network, with a fault injected before the ``nth`` request ``matches``."""

    def __init__(self, nth: int, method: str, path: str, fault: Any) -> None:
        self.inner = httpx.HTTPTransport()
        self.nth, self.method, self.path, self.fault = nth, method, path, fault
        self.seen = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == self.method and request.url.path == self.path:
            self.seen += 1
            if self.seen >= self.nth:
                self.fault(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def fill(book: Book, accounts: int) -> None:
    for number in range(accounts):
        account = create_account(book, {"name": f"客户 {number}", "currency": "CNY"})
        create_stakeholder(book, account, {"name": f"联系人 {number}"})


def seqs_on_server(server: RunningServer, token: str, device: str) -> list[int]:
    found: list[int] = []
    cursor = 0
    while True:
        page = httpx.get(
            f"{server.url}/v1/entries", params={"after": cursor}, headers=bearer(token)
        ).json()
        found += [e["seq"] for e in page["entries"] if e["device_id"] == device]
        cursor = page["next_cursor"]
        if not page["more"]:
            return found


def test_a_server_killed_mid_upload_takes_the_retry_once(
    server: RunningServer,
    east: Team,
    empty_book_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kamdesk.sync.http as http

    monkeypatch.setattr(http, "UPLOAD_ENTRIES", 10)
    monkeypatch.setattr(http.time, "sleep", lambda _seconds: None)
    token = east.user()
    with (
        new_device_book(empty_book_template, tmp_path / "a.kamdesk") as alice,
        new_device_book(empty_book_template, tmp_path / "b.kamdesk") as bob,
    ):
        fill(alice, 15)
        total = len(alice.db.execute("SELECT seq FROM sync_entry").fetchall())

        def crash(_request: httpx.Request) -> None:
            # The power goes while the third request is on its way.
            threading.Thread(target=server.kill).start()

        try:
            with (
                ServerSync(
                    server.url, token, transport=Faulty(3, "POST", "/v1/entries", crash)
                ) as cut,
                pytest.raises(ServerUnreachableError),
            ):
                sync_with_server(alice, cut)
        finally:
            server.kill()
            server.start()
        landed = seqs_on_server(server, east.user(), alice.device_id)
        assert 20 <= len(landed) <= 30  # two requests, and maybe the one cut off
        with ServerSync(server.url, token) as transport:
            report = sync_with_server(alice, transport)
        assert report.sent == total - len(landed)
        assert seqs_on_server(server, east.user(), alice.device_id) == list(range(1, total + 1))
        with ServerSync(server.url, east.user()) as transport:
            assert sync_with_server(bob, transport).received == total
        assert data(bob) == data(alice)


def test_a_download_cut_off_goes_on_from_its_cursor(
    server: RunningServer,
    east: Team,
    empty_book_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kamdesk.sync.http as http

    monkeypatch.setattr(http, "PAGE_SIZE", 8)
    monkeypatch.setattr(http.time, "sleep", lambda _seconds: None)
    with (
        new_device_book(empty_book_template, tmp_path / "a.kamdesk") as alice,
        new_device_book(empty_book_template, tmp_path / "b.kamdesk") as bob,
    ):
        fill(alice, 10)
        with ServerSync(server.url, east.user()) as transport:
            total = sync_with_server(alice, transport).sent

        def drop(request: httpx.Request) -> None:
            raise httpx.ReadError("connection reset by peer", request=request)

        token = east.user()
        cut = ServerSync(server.url, token, transport=Faulty(3, "GET", "/v1/entries", drop))
        with cut, pytest.raises(ServerUnreachableError):
            sync_with_server(bob, cut)
        kept = read_cursor(bob, server.url)
        assert kept > 0
        first_part = bob.db.execute("SELECT COUNT(*) FROM account").fetchone()[0]
        assert 0 < first_part < 10
        with ServerSync(server.url, token) as transport:
            rest = sync_with_server(bob, transport).received
        assert rest == total - 16  # two pages of 8 had been merged
        assert data(bob) == data(alice)


@pytest.mark.parametrize("skew", [DAY_MS, -DAY_MS], ids=["a-day-ahead", "a-day-behind"])
def test_a_laptop_whose_clock_is_a_day_off_still_syncs_and_converges(
    server: RunningServer, east: Team, empty_book_template: Path, tmp_path: Path, skew: int
) -> None:
    skewed_token, right_token = east.user(), east.user()
    with (
        new_device_book(
            empty_book_template, tmp_path / "skewed.kamdesk", wall=lambda: wall_clock_ms() + skew
        ) as skewed,
        new_device_book(empty_book_template, tmp_path / "right.kamdesk") as right,
    ):
        account = create_account(skewed, {"name": "Acme", "currency": "USD"})
        with ServerSync(server.url, skewed_token) as transport:
            sync_with_server(skewed, transport)
        with ServerSync(server.url, right_token) as transport:
            report = sync_with_server(right, transport)
            assert report.received == 2  # its name and currency
            assert any("minutes ahead" in w for w in report.warnings) == (skew > 0)
            # An edit made after seeing the other's wins, whichever clock is wrong.
            update_account(right, account, {"notes": "seen and replaced"})
            sync_with_server(right, transport)
        with ServerSync(server.url, skewed_token) as transport:
            sync_with_server(skewed, transport)
            update_account(skewed, account, {"name": "Acme Holdings"})
            sync_with_server(skewed, transport)
        with ServerSync(server.url, right_token) as transport:
            sync_with_server(right, transport)
        assert data(right) == data(skewed)
        assert right.db.execute("SELECT name, notes FROM account").fetchone() == (
            "Acme Holdings",
            "seen and replaced",
        )
        assert open_conflicts(right) == [] and open_conflicts(skewed) == []


def test_two_server_processes_on_one_postgresql_answer_as_one(
    database_url: str, server: RunningServer, east: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several server processes share a PostgreSQL database, not a SQLite file")
    second = RunningServer(database_url, server.home, tmp_path / "second.log").start()
    try:
        servers = [server, second]
        tokens = [east.user() for _ in range(3)]
        books = [new_device_book(empty_book_template, tmp_path / f"{n}.kamdesk") for n in range(3)]
        try:
            account = create_account(books[0], {"name": "Shared", "currency": "EUR"})

            def sync(number: int, round_: int) -> None:
                # Each book goes to one server, then the other: a load balancer's doing.
                target = servers[(round_ + number) % 2]
                with ServerSync(target.url, tokens[number]) as transport:
                    sync_with_server(books[number], transport)

            for number in range(3):
                sync(number, 0)
            for round_ in range(1, 4):
                for number, book in enumerate(books):
                    update_account(book, account, {"notes": f"round {round_} by {number}"})
                    create_stakeholder(book, account, {"name": f"P{number}.{round_}"})
                    sync(number, round_)
            for round_ in (4, 5):
                for number in range(3):
                    sync(number, round_)
            assert data(books[1]) == data(books[0]) == data(books[2])
            shown = [{(c.column, repr(c.value)) for c in open_conflicts(b)} for b in books]
            assert shown[0] == shown[1] == shown[2]
            pages = [
                httpx.get(f"{s.url}/v1/entries", headers=bearer(tokens[0])).json() for s in servers
            ]
            assert pages[0] == pages[1]
        finally:
            for book in books:
                book.close()
    finally:
        second.stop()


def test_serve_with_workers_runs_processes_on_one_port_that_answer_as_one(
    database_url: str, east: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several server processes share a PostgreSQL database, not a SQLite file")
    running = RunningServer(
        database_url, tmp_path, tmp_path / "workers.log", options=("--workers", "2")
    ).start()
    try:
        assert running.process is not None
        children = [
            child
            for task in Path(f"/proc/{running.process.pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
        assert len(children) >= 2  # the two workers (and the supervisor's helper, if any)
        alice, bob = east.user(), east.user()
        with (
            new_device_book(empty_book_template, tmp_path / "alice.kamdesk") as first,
            new_device_book(empty_book_template, tmp_path / "bob.kamdesk") as second,
        ):
            account = create_account(first, {"name": "Through the workers", "currency": "EUR"})
            for round_ in range(6):  # new connections land on either worker
                update_account(first, account, {"notes": f"round {round_}"})
                with ServerSync(running.url, alice) as transport:
                    sync_with_server(first, transport)
                with ServerSync(running.url, bob) as transport:
                    sync_with_server(second, transport)
            assert data(second) == data(first)
    finally:
        running.stop()
    assert running.process.returncode is not None


def test_a_reader_following_writers_on_both_processes_misses_nothing(
    database_url: str, server: RunningServer, east: Team, tmp_path: Path
) -> None:
    """Uploads racing each other: a reader paging along at the same time gets every entry."""
    servers = [server]
    if database_url.startswith("postgresql"):
        servers.append(RunningServer(database_url, server.home, tmp_path / "second.log").start())
    try:
        writers = [(east.user(), str(uuid.uuid4())) for _ in range(6)]
        reader = east.user()
        account = str(uuid.uuid4())

        def write(number: int) -> None:
            token, device = writers[number]
            with httpx.Client(headers=bearer(token), timeout=60) as client:
                for first in range(1, 41, 5):
                    client.post(
                        f"{servers[(number + first) % len(servers)].url}/v1/entries",
                        json={"device_id": device, "entries": [
                            {"seq": s, "hlc": (1 << 50) + s, "table": "account",
                             "row_id": account, "column": "notes", "value": json.dumps(s)}
                            for s in range(first, first + 5)
                        ]},
                    ).raise_for_status()  # fmt: skip

        threads = [threading.Thread(target=write, args=(n,)) for n in range(len(writers))]
        for thread in threads:
            thread.start()
        seen: list[tuple[str, int]] = []
        cursor, turn = 0, 0
        with httpx.Client(headers=bearer(reader), timeout=60) as client:
            while True:
                writing = any(t.is_alive() for t in threads)
                page = client.get(
                    f"{servers[turn % len(servers)].url}/v1/entries",
                    params={"after": cursor, "limit": 7},
                ).json()
                turn += 1
                seen += [(e["device_id"], e["seq"]) for e in page["entries"]]
                cursor = page["next_cursor"]
                if not writing and not page["more"]:
                    break
        for thread in threads:
            thread.join()
        assert sorted(seen) == sorted((d, s) for _, d in writers for s in range(1, 41))
        for device in {d for d, _ in seen}:
            mine = [s for d, s in seen if d == device]
            assert mine == sorted(mine)  # each device's entries in order, as a merge takes them
    finally:
        for extra in servers[1:]:
            extra.stop()

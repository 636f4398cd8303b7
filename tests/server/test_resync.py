"""A server that forgot old entries: a book whose cursor is older starts again from a snapshot.

In a module of its own: pruning sends every older cursor of this database to a snapshot.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from kamdesk.ops.accounts import create_account, update_account
from kamdesk.ops.server_sync import sync_book_with_server, sync_with_server
from kamdesk.server import relay
from kamdesk.store.book import Book
from kamdesk.sync.http import ServerSync
from tests.sync.books import data, new_device_book

from .conftest import RunningServer, Team, bearer


def test_a_book_whose_cursor_the_server_pruned_starts_again_from_a_snapshot(
    server: RunningServer, east: Team, engine: Engine, empty_book_template: Path, tmp_path: Path
) -> None:
    alice_token, bob_token = east.user(), east.user()
    alice_path, bob_path = tmp_path / "alice.kamdesk", tmp_path / "bob.kamdesk"
    with (
        new_device_book(empty_book_template, alice_path) as alice,
        new_device_book(empty_book_template, bob_path) as bob,
    ):
        account = create_account(alice, {"name": "华东制造集团", "currency": "CNY"})
        sync_book_with_server(alice_path, server.url, token=alice_token)
        sync_book_with_server(bob_path, server.url, token=bob_token)
        for notes in ("first", "second", "third"):
            update_account(alice, account, {"notes": notes})
        # Bob wrote something too, not sent yet when the server forgot the old entries.
        create_account(bob, {"name": "Bob's new account", "currency": "USD"})
    sync_book_with_server(alice_path, server.url, token=alice_token)
    relay.prune(engine, keep=0)

    report = sync_book_with_server(bob_path, server.url, token=bob_token)
    assert report.sent == 2  # its name and currency
    assert "made anew from the server's copy" in report.warnings[-1]
    kept = [p for p in tmp_path.iterdir() if ".before-resync-" in p.name]
    assert len(kept) == 1
    with Book.open(alice_path) as alice, Book.open(bob_path) as bob, Book.open(kept[0]) as old:
        assert alice.db.execute(
            "SELECT notes FROM account WHERE id = ?", (account,)
        ).fetchone() == ("third",)
        with ServerSync(server.url, alice_token) as transport:
            sync_with_server(alice, transport)
        assert data(bob) == data(alice)
        assert bob.device_id != old.device_id
        assert old.db.execute("SELECT COUNT(*) FROM account").fetchone()[0] == 2
    # The rebuilt book syncs on as any other.
    assert sync_book_with_server(bob_path, server.url, token=bob_token).received == 0


def test_a_raw_cursor_older_than_the_server_keeps_gets_410(
    server: RunningServer, east: Team, engine: Engine
) -> None:
    token = east.user()
    device, account = str(uuid.uuid4()), str(uuid.uuid4())
    entries = [
        {"seq": s, "hlc": 1 << 50 | s, "table": "account", "row_id": account,
         "column": "name", "value": json.dumps(f"v{s}")}
        for s in range(1, 7)
    ]  # fmt: skip
    httpx.post(
        f"{server.url}/v1/entries",
        json={"device_id": device, "entries": entries},
        headers=bearer(token),
    )
    relay.prune(engine, keep=0)
    gone = httpx.get(f"{server.url}/v1/entries", params={"after": 0}, headers=bearer(token))
    assert gone.status_code == 410
    snapshot = httpx.get(f"{server.url}/v1/snapshot", headers=bearer(token)).json()
    assert snapshot["watermarks"][device] == 6
    assert [(f["row_id"], f["value"]) for f in snapshot["fields"]] == [(account, '"v6"')]
    after = httpx.get(
        f"{server.url}/v1/entries", params={"after": snapshot["cursor"]}, headers=bearer(token)
    )
    assert after.status_code == 200 and after.json()["entries"] == []
    future = httpx.get(f"{server.url}/v1/entries", params={"after": 10**12}, headers=bearer(token))
    assert future.status_code == 410


def test_pruning_by_age_goes_by_arrival_and_keeps_recent_cursors(
    server: RunningServer, east: Team, engine: Engine
) -> None:
    from kamdesk.server.db import entries
    from kamdesk.sync.clock import pack, wall_clock_ms

    token, device, account = east.user(), str(uuid.uuid4()), str(uuid.uuid4())
    day = 86_400_000

    def send(seq: int, notes: str, typed_days_ago: float) -> int:
        entry = {"seq": seq, "hlc": pack(wall_clock_ms() - int(typed_days_ago * day)),
                 "table": "account", "row_id": account, "column": "notes",
                 "value": json.dumps(notes)}  # fmt: skip
        body = {"device_id": device, "entries": [entry]}
        assert httpx.post(f"{server.url}/v1/entries", json=body, headers=bearer(token)).is_success
        # The server's cursor after it (the snapshot is taken at the latest).
        return int(httpx.get(f"{server.url}/v1/snapshot", headers=bearer(token)).json()["cursor"])

    def arrived(seq: int, days_ago: float) -> None:
        with engine.begin() as db:
            db.execute(
                entries.update()
                .where(entries.c.device_id == device, entries.c.seq == seq)
                .values(received_at=wall_clock_ms() - int(days_ago * day))
            )

    relay.prune(engine, keep=0)  # what other tests of this module sent is behind the cut
    old_cursor = send(1, "received last month", 30)
    arrived(1, 30)
    send(2, "received last week", 7)
    arrived(2, 7)
    recent_cursor = send(3, "received yesterday", 1)
    arrived(3, 1)
    # A laptop back from ten days offline sends what it typed then: it arrives today.
    send(4, "typed ten days ago", 10)
    send(5, "today", 0)
    assert relay.prune_older_than(engine, 3) == 2

    def after(cursor: int) -> httpx.Response:
        return httpx.get(
            f"{server.url}/v1/entries", params={"after": cursor}, headers=bearer(token)
        )

    assert after(old_cursor).status_code == 410  # that book starts from a snapshot
    # A book that synced yesterday goes on, and gets the offline laptop's work.
    following = [json.loads(e["value"]) for e in after(recent_cursor).json()["entries"]]
    assert following == ["typed ten days ago", "today"]
    snapshot = httpx.get(f"{server.url}/v1/snapshot", headers=bearer(token)).json()
    notes = [f for f in snapshot["fields"] if f["row_id"] == account]
    assert [(json.loads(f["value"]), f["writes"]) for f in notes] == [("today", 3)]


def test_changes_refused_in_the_sync_that_rebuilds_the_book_are_said_with_where_they_are(
    server: RunningServer, east: Team, west: Team, engine: Engine, empty_book_template: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    from kamdesk.ops.refusals import refused_changes

    token, path = east.user(), tmp_path / "alice.kamdesk"
    with new_device_book(empty_book_template, path) as alice:
        account = create_account(alice, {"name": "Handed over while away", "currency": "EUR"})
    sync_book_with_server(path, server.url, token=token)
    relay.move_account(engine, account, west.name)
    with Book.open(path) as alice:
        update_account(alice, account, {"notes": "typed offline"})
    relay.prune(engine, keep=0)  # and the server forgot what came before

    report = sync_book_with_server(path, server.url, token=token)
    assert report.refused_pending == 1 and report.refused_book is not None
    assert ".before-resync-" in report.refused_book.name
    with Book.open(report.refused_book) as old:
        assert [(c.column, c.value) for c in refused_changes(old)] == [("notes", "typed offline")]


def test_pruning_keeps_the_place_holders_a_device_asks_its_refusals_by(
    server: RunningServer, east: Team, engine: Engine
) -> None:
    admin, device, later = east.user("admin"), str(uuid.uuid4()), str(uuid.uuid4())
    entry = {"seq": 1, "hlc": 1, "table": "account", "row_id": str(uuid.uuid4()),
             "column": "notes", "value": json.dumps("typed by an admin")}  # fmt: skip
    for sender in (device, later):  # the later place holder has the same row and column
        body = {"device_id": sender, "entries": [entry]}
        sent = httpx.post(f"{server.url}/v1/entries", json=body, headers=bearer(admin))
        assert sent.json()["refused"] == [1]
    for _ in range(2):
        relay.prune(engine, keep=0)
        asked = httpx.get(
            f"{server.url}/v1/devices/{device}", params={"refused_after": 0}, headers=bearer(admin)
        ).json()
        assert asked["refused"] == [{"seq": 1, "code": "administrator"}]


def test_upgrading_a_server_stamps_its_entries_so_the_first_age_prune_keeps_them(
    tmp_path: Path,
) -> None:
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from kamdesk.server import db as server_db

    url = f"sqlite:///{tmp_path / 'old-server.sqlite'}"
    engine = server_db.make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(Path(server_db.__file__).parent / "migrations"))
    with engine.begin() as connection:  # a server database as the first release left it
        config.attributes["connection"] = connection
        command.upgrade(config, "s0001")
        connection.execute(sa.text(
            "INSERT INTO server_entry (server_seq, device_id, seq, hlc, table_name, row_id, "
            "column_name, value, team, handover) VALUES (1, 'd', 1, 1, 'account', 'a', "
            "'name', '\"x\"', 't', false)"
        ))  # fmt: skip
        connection.execute(sa.text("UPDATE server_counter SET value = 1 WHERE name = 'entries'"))
    engine.dispose()
    upgraded = server_db.open_database(url)
    try:
        with upgraded.connect() as connection:
            stamped = connection.execute(sa.text("SELECT received_at FROM server_entry")).scalar()
        assert stamped is not None
        # Stamped with the upgrade's time: a book that synced yesterday is not sent back.
        relay.prune_older_than(upgraded, 1)
        with upgraded.connect() as connection:
            pruned = connection.execute(
                sa.text("SELECT value FROM server_counter WHERE name = 'pruned'")
            ).scalar()
        assert pruned == 0
    finally:
        upgraded.dispose()

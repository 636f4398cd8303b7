"""Books syncing through a real server: a team converges, another team receives nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from kamdesk.i18n import set_language
from kamdesk.ops.accounts import create_account, update_account
from kamdesk.ops.conflicts import open_conflicts
from kamdesk.ops.refusals import dismiss_refused, refused_changes
from kamdesk.ops.server_sync import read_cursor, sync_with_server
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book
from kamdesk.sync.http import ServerSync, ServerTokenError, SyncServerError
from tests.sync.books import data, new_device_book

from .conftest import RunningServer, Team, bearer, server_environment


def sync(book: Book, server: RunningServer, token: str) -> tuple[int, int, int]:
    with ServerSync(server.url, token) as transport:
        report = sync_with_server(book, transport)
    return report.sent, report.received, report.conflicts


def test_two_books_of_one_team_converge_and_both_see_the_conflict(
    server: RunningServer, east: Team, west: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    alice_token, bob_token, wendy_token = east.user(), east.user("manager"), west.user()
    with (
        new_device_book(empty_book_template, tmp_path / "alice.kamdesk") as alice,
        new_device_book(empty_book_template, tmp_path / "bob.kamdesk") as bob,
        new_device_book(empty_book_template, tmp_path / "wendy.kamdesk") as wendy,
    ):
        account = create_account(alice, {"name": "华东制造集团", "currency": "CNY"})
        create_stakeholder(alice, account, {"name": "王磊", "title": "采购总监"})
        assert sync(alice, server, alice_token) == (4, 0, 0)
        assert sync(bob, server, bob_token) == (0, 4, 0)
        assert data(bob) == data(alice)

        update_account(alice, account, {"notes": "wants a pilot in Suzhou first"})
        update_account(bob, account, {"notes": "budget approved for Q3"})
        assert sync(alice, server, alice_token) == (1, 0, 0)
        assert sync(bob, server, bob_token) == (1, 1, 1)
        assert sync(alice, server, alice_token) == (0, 1, 1)
        assert data(alice) == data(bob)
        shown = [
            {
                (c.record, c.column, json.dumps(c.value), json.dumps(c.current))
                for c in open_conflicts(b)
            }
            for b in (alice, bob)
        ]
        assert shown[0] == shown[1]
        ((record, column, *_values),) = shown[0]
        assert (record, column) == ("华东制造集团", "notes")
        # A repeated sync moves nothing.
        assert sync(alice, server, alice_token) == (0, 0, 1)

        # A rep of another team syncs and receives none of it.
        assert sync(wendy, server, wendy_token) == (0, 0, 0)
        assert wendy.db.execute("SELECT COUNT(*) FROM account").fetchone()[0] == 0
        assert wendy.db.execute("SELECT COUNT(*) FROM stakeholder").fetchone()[0] == 0


def test_a_delete_and_what_it_had_seen_reach_the_teammate(
    server: RunningServer, east: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    from kamdesk.ops.stakeholders import delete_stakeholder

    alice_token, bob_token = east.user(), east.user()
    with (
        new_device_book(empty_book_template, tmp_path / "alice.kamdesk") as alice,
        new_device_book(empty_book_template, tmp_path / "bob.kamdesk") as bob,
    ):
        account = create_account(alice, {"name": "Northwind", "currency": "EUR"})
        person = create_stakeholder(alice, account, {"name": "Ana Trujillo"})
        sync(alice, server, alice_token)
        sync(bob, server, bob_token)
        delete_stakeholder(alice, person)
        # The delete travels with its word on the row's fields (a column of its own).
        assert sync(alice, server, alice_token)[0] == 1
        assert sync(bob, server, bob_token)[1] == 1
        assert bob.db.execute(
            "SELECT deleted_at IS NOT NULL FROM stakeholder WHERE id = ?", (person,)
        ).fetchone() == (1,)
        assert data(bob) == data(alice)


def test_a_first_sync_of_a_larger_book_goes_in_several_requests_and_pages(
    server: RunningServer, east: Team, empty_book_template: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import kamdesk.sync.http as http

    monkeypatch.setattr(http, "UPLOAD_ENTRIES", 7)
    monkeypatch.setattr(http, "PAGE_SIZE", 5)
    token = east.user()
    with (
        new_device_book(empty_book_template, tmp_path / "a.kamdesk") as first,
        new_device_book(empty_book_template, tmp_path / "b.kamdesk") as second,
    ):
        for number in range(12):
            account = create_account(first, {"name": f"Account {number}", "currency": "EUR"})
            create_stakeholder(first, account, {"name": f"Person {number}"})
        sent, _, _ = sync(first, server, token)
        assert sent == 48
        assert sync(second, server, east.user()) == (0, 48, 0)
        assert data(second) == data(first)
        assert read_cursor(second, server.url) > 0


def test_a_wrong_or_revoked_token_and_refused_changes_are_said(
    server: RunningServer, east: Team, west: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    with new_device_book(empty_book_template, tmp_path / "a.kamdesk") as book:
        create_account(book, {"name": "Acme", "currency": "USD"})
        with pytest.raises(ServerTokenError, match="does not take this token"):
            sync(book, server, "kd_wrong")
        with ServerSync(server.url, west.user("admin")) as transport:
            report = sync_with_server(book, transport)
        # An administrator's book sends nothing: its edit is kept, and said to be refused.
        assert (report.sent, report.refused) == (0, 2)
        assert "administrator" in report.refused_reason
        assert {c.column for c in refused_changes(book)} == {"name", "currency"}


def test_kamdesk_sync_server_prints_the_folder_line(
    server: RunningServer, east: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    token = east.user()
    path = tmp_path / "alice.kamdesk"
    with new_device_book(empty_book_template, path) as alice:
        create_account(alice, {"name": "华东制造集团", "currency": "CNY"})

    def run(book: Path, secret: str) -> subprocess.CompletedProcess[str]:
        env = {**server_environment(tmp_path), "KAMDESK_SYNC_TOKEN": secret}
        return subprocess.run(
            [sys.executable, "-m", "kamdesk", "sync", "--book", str(book), "--server", server.url],
            env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    assert (run(path, token).stdout, run(path, token).stdout) == (
        "sent 1, received 0, conflicts 0\n",
        "sent 0, received 0, conflicts 0\n",
    )
    # A laptop with no book yet gets one, with everything in it.
    second = run(tmp_path / "new.kamdesk", east.user())
    assert (second.returncode, second.stdout, second.stderr) == (
        0,
        "sent 0, received 1, conflicts 0\n",
        "",
    )
    wrong = run(path, "kd_wrong")
    assert wrong.returncode == 1
    assert wrong.stdout == ""
    assert wrong.stderr.count("\n") == 1 and "token" in wrong.stderr


def test_a_refusal_whose_answer_was_lost_is_learnt_on_the_next_sync(
    server: RunningServer, east: Team, west: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    import httpx

    from kamdesk.ops.sync import own_entries_after
    from kamdesk.server.relay import move_account
    from kamdesk.sync.http import _entry_json

    token = east.user()
    with new_device_book(empty_book_template, tmp_path / "alice.kamdesk") as alice:
        account = create_account(alice, {"name": "Lost answer Ltd", "currency": "EUR"})
        sync(alice, server, token)
        move_account(east.engine, account, west.name)
        update_account(alice, account, {"notes": "typed offline"})
        # The upload reaches the server, but its answer never comes back.
        with ServerSync(server.url, token) as transport:
            unsent = own_entries_after(alice, transport.device_state(alice.device_id)[0])
        body = {"device_id": alice.device_id, "entries": [_entry_json(e) for e in unsent]}
        answer = httpx.post(f"{server.url}/v1/entries", json=body, headers=bearer(token))
        assert answer.json()["refused"] == [unsent[0].seq]
        assert refused_changes(alice) == []
        with ServerSync(server.url, token) as transport:
            report = sync_with_server(alice, transport)
        assert (report.sent, report.refused) == (0, 1)
        assert [(c.column, c.value) for c in refused_changes(alice)] == [("notes", "typed offline")]
        with ServerSync(server.url, token) as transport:
            again = sync_with_server(alice, transport)
        assert (again.refused, again.refused_pending) == (0, 1)  # new once, shown until dismissed
        # Dismissed, it stays dismissed, even when the server names it again.
        dismiss_refused(alice, [c.seq for c in refused_changes(alice)])
        with alice.write(log_changes=False) as session:  # as if it had never asked
            session.execute(text("DELETE FROM book_meta WHERE key = 'server_refusals_checked'"))
        with ServerSync(server.url, token) as transport:
            after = sync_with_server(alice, transport)
        assert (after.refused, after.refused_pending, refused_changes(alice)) == (0, 0, [])


def test_kamdesk_sync_says_refused_changes_and_kamdesk_refused_lists_them(
    server: RunningServer, west: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "admin.kamdesk"
    with new_device_book(empty_book_template, path) as book:
        create_account(book, {"name": "Typed by an admin", "currency": "EUR"})
    env = {**server_environment(tmp_path), "KAMDESK_SYNC_TOKEN": west.user("admin")}

    def kamdesk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kamdesk", *args], env=env, capture_output=True, text=True,
            timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    synced = kamdesk("sync", "--book", str(path), "--server", server.url)
    assert synced.returncode == 1
    assert synced.stdout.startswith("sent 0, received ")
    assert synced.stderr.count("\n") == 1
    assert "refused 2 changes" in synced.stderr and "kamdesk refused --book" in synced.stderr
    # Until they are dismissed, every sync says so.
    still = kamdesk("sync", "--book", str(path), "--server", server.url)
    assert still.returncode == 1 and "refused 2 changes" in still.stderr
    listed = kamdesk("refused", "--book", str(path), "--json")
    assert listed.returncode == 0
    refusals = json.loads(listed.stdout)
    assert {(r["account"], r["field"], r["value"]) for r in refusals} == {
        ("Typed by an admin", "name", "Typed by an admin"),
        ("Typed by an admin", "currency", "EUR"),
    }
    assert kamdesk("refused", "--book", str(path), "--dismiss").stdout.count("\n") == 2
    assert kamdesk("refused", "--book", str(path)).stdout == ""
    # Sent and refused once: the next sync has nothing to say.
    again = kamdesk("sync", "--book", str(path), "--server", server.url)
    assert (again.returncode, again.stderr) == (0, "")


def test_the_token_kept_in_the_keyring_is_used_and_never_stored_in_the_book(
    server: RunningServer,
    east: Team,
    empty_book_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    import keyring
    from keyring.backend import KeyringBackend

    from kamdesk.cli import main
    from kamdesk.ops.server_sync import sync_book_with_server
    from tests.unit.test_secrets import MemoryKeyring

    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    store: KeyringBackend = MemoryKeyring()
    keyring.set_keyring(store)
    monkeypatch.delenv("KAMDESK_SYNC_TOKEN", raising=False)
    token = east.user()
    path = tmp_path / "alice.kamdesk"
    with new_device_book(empty_book_template, path) as alice:
        create_account(alice, {"name": "华东制造集团", "currency": "CNY"})
    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
    assert main(["remember-token", "--server", server.url]) == 0
    assert "kept in this computer's keyring" in capsys.readouterr().out
    assert sync_book_with_server(path, server.url).sent == 1
    assert token.encode() not in path.read_bytes()
    assert main(["remember-token", "--server", server.url, "--forget"]) == 0
    with pytest.raises(SyncServerError, match="There is no token"):
        sync_book_with_server(path, server.url)


def test_a_handed_over_account_moves_to_the_new_team_with_its_people_and_owner(
    server: RunningServer, east: Team, west: Team, empty_book_template: Path, tmp_path: Path
) -> None:
    from kamdesk.ops.team import create_team_member
    from kamdesk.server.relay import move_account

    alice_token, wendy_token, admin_token = east.user(), west.user(), east.user("admin")
    with (
        new_device_book(empty_book_template, tmp_path / "alice.kamdesk") as alice,
        new_device_book(empty_book_template, tmp_path / "wendy.kamdesk") as wendy,
        new_device_book(empty_book_template, tmp_path / "admin.kamdesk") as admin,
    ):
        owner = create_team_member(alice, {"name": "李娜"})
        account = create_account(alice, {"name": "苏州精密", "currency": "CNY", "owner_id": owner})
        update_account(alice, account, {"notes": "met in May"})
        create_stakeholder(alice, account, {"name": "王磊"})
        kept = create_account(alice, {"name": "Stays in the east", "currency": "CNY"})
        sync(alice, server, alice_token)
        sync(admin, server, admin_token)
        assert sync(wendy, server, wendy_token)[1] == 0

        move_account(east.engine, account, west.name)
        sync(wendy, server, wendy_token)
        names = {r[0] for r in wendy.db.execute("SELECT name FROM account")}
        assert names == {"苏州精密"}
        assert wendy.db.execute("SELECT name FROM stakeholder").fetchall() == [("王磊",)]
        assert wendy.db.execute(
            "SELECT m.name FROM account a JOIN team_member m ON m.id = a.owner_id"
        ).fetchall() == [("李娜",)]

        update_account(wendy, account, {"notes": "handed over in March"})
        sync(wendy, server, wendy_token)
        # Alice, offline during the handover, edits it and another account of hers.
        update_account(alice, account, {"notes": "still mine?"})
        update_account(alice, kept, {"notes": "pilot next month"})
        with ServerSync(server.url, alice_token) as transport:
            report = sync_with_server(alice, transport)
        assert (report.sent, report.refused) == (1, 1)
        assert "not your team's" in report.refused_reason
        (refusal,) = refused_changes(alice)
        assert (refusal.account, refusal.column) == ("苏州精密", "notes")
        assert refusal.value == "still mine?"
        assert refusal.label == "Notes"
        set_language("zh_CN")  # the reason is said in the reader's language, not the server's
        try:
            assert "团队" in refusal.reason
        finally:
            set_language("en")
        assert alice.db.execute(
            "SELECT notes FROM account WHERE id = ?", (account,)
        ).fetchone() == ("still mine?",)  # kept in her book, not lost
        # Her next changes go on; her teammate merges past the refused one's place.
        update_account(alice, kept, {"notes": "pilot confirmed"})
        assert sync(alice, server, alice_token)[0] == 1
        with new_device_book(empty_book_template, tmp_path / "bob.kamdesk") as bob:
            sync(bob, server, east.user())
            assert bob.db.execute("SELECT notes FROM account WHERE id = ?", (kept,)).fetchone() == (
                "pilot confirmed",
            )
            # The old team keeps the account as it was handed over, without Alice's edit.
            assert bob.db.execute(
                "SELECT notes FROM account WHERE id = ?", (account,)
            ).fetchone() == ("met in May",)
        assert sync(wendy, server, wendy_token)[1] == 0  # west never gets Alice's edit
        assert dismiss_refused(alice, [refusal.seq]) == 1
        assert refused_changes(alice) == []
        # The admin sees both teams, and the new team's edit replaced what it saw.
        sync(admin, server, admin_token)
        assert admin.db.execute(
            "SELECT notes FROM account WHERE id = ?", (account,)
        ).fetchone() == ("handed over in March",)
        assert admin.db.execute("SELECT COUNT(*) FROM account WHERE id = ?", (kept,)).fetchone()[0]
        # (The admin also sees the other tests' teams, and their conflicts.)
        assert [c.column for c in open_conflicts(admin) if c.row_id == account] == []


def test_a_long_list_of_refusals_is_read_page_after_page() -> None:
    import httpx

    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        after = int(request.url.params["refused_after"])
        asked.append(str(after))
        page = [n for n in range(after + 1, 8) if n % 2][:2]  # the server cuts at 2 here
        return httpx.Response(200, json={
            "device_id": "d", "last_seq": 9, "more_refused": len(page) == 2,
            "refused": [{"seq": n, "code": "not_your_team"} for n in page],
        })  # fmt: skip

    with ServerSync("http://sync.test", "kd_x", transport=httpx.MockTransport(answer)) as server:
        last, refused = server.device_state("d", refused_after=0)
    assert last == 9
    assert [seq for seq, _code in refused] == [1, 3, 5, 7]
    assert asked == ["0", "3", "7"]

"""The sync server's HTTP protocol, on a real server process, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from kamdesk.server import relay
from kamdesk.server.auth import revoke_user

from .conftest import RunningServer, Team, bearer

HLC = 1_765_000_000_000 << 16


def account_entries(
    first: int, last: int, account: str, name: str = "华东制造集团", table: str = "account"
) -> list[dict[str, Any]]:
    """Entries ``first``..``last`` of one device, all naming one account's row."""
    return [
        {
            "seq": seq,
            "hlc": HLC + seq,
            "table": table,
            "row_id": account,
            "column": "name",
            "value": json.dumps(f"{name} #{seq}", ensure_ascii=False),
            "seen_hlc": None,
            "seen_device": None,
        }
        for seq in range(first, last + 1)
    ]


def stakeholder_entries(first: int, person: str, account: str) -> list[dict[str, Any]]:
    """A new stakeholder at ``account``: its account link and its name."""
    return [
        {"seq": first, "hlc": HLC + first, "table": "stakeholder", "row_id": person,
         "column": "account_id", "value": json.dumps(account)},
        {"seq": first + 1, "hlc": HLC + first + 1, "table": "stakeholder", "row_id": person,
         "column": "name", "value": json.dumps("王磊")},
    ]  # fmt: skip


def send(
    server: RunningServer, token: str, device: str, entries: list[dict[str, Any]]
) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/entries",
        json={"device_id": device, "entries": entries},
        headers=bearer(token),
        timeout=30,
    )


def everything(server: RunningServer, token: str, limit: int = 5000) -> list[dict[str, Any]]:
    """Every entry ``token`` may read, page after page."""
    found: list[dict[str, Any]] = []
    cursor = 0
    while True:
        page = httpx.get(
            f"{server.url}/v1/entries",
            params={"after": cursor, "limit": limit},
            headers=bearer(token),
        ).json()
        found += page["entries"]
        cursor = page["next_cursor"]
        if not page["more"]:
            return found


def test_a_resent_upload_is_kept_once(server: RunningServer, east: Team) -> None:
    token, reader = east.user(), east.user()
    device, account = str(uuid.uuid4()), str(uuid.uuid4())
    first = send(server, token, device, account_entries(1, 5, account))
    again = send(server, token, device, account_entries(1, 7, account))
    nothing_refused = {"refused": [], "refused_code": None, "refused_reason": None}
    assert first.json() == {"accepted": 5, "duplicates": 0, "last_seq": 5, **nothing_refused}
    assert again.json() == {"accepted": 2, "duplicates": 5, "last_seq": 7, **nothing_refused}
    seqs = [e["seq"] for e in everything(server, reader) if e["device_id"] == device]
    assert seqs == [1, 2, 3, 4, 5, 6, 7]
    last = httpx.get(f"{server.url}/v1/devices/{device}", headers=bearer(token)).json()
    assert last["last_seq"] == 7


def test_an_upload_with_a_gap_is_refused_and_says_where_to_start(
    server: RunningServer, east: Team
) -> None:
    token = east.user()
    device, account = str(uuid.uuid4()), str(uuid.uuid4())
    send(server, token, device, account_entries(1, 3, account))
    answer = send(server, token, device, account_entries(6, 8, account))
    assert answer.status_code == 409
    assert answer.json()["expected_seq"] == 4
    assert "from number 4" in answer.json()["detail"]


def test_download_pages_resume_from_their_cursor(server: RunningServer, east: Team) -> None:
    token, reader = east.user(), east.user()
    device, account = str(uuid.uuid4()), str(uuid.uuid4())
    send(server, token, device, account_entries(1, 25, account))
    in_pages = everything(server, reader, limit=10)
    assert [e["seq"] for e in in_pages] == list(range(1, 26))
    assert in_pages == everything(server, reader, limit=1000)
    # A reader leaves its own device out.
    own = httpx.get(
        f"{server.url}/v1/entries", params={"device_id": device}, headers=bearer(token)
    ).json()
    assert own["entries"] == []


def test_a_rep_of_another_team_gets_nothing_of_the_account_not_even_its_name(
    server: RunningServer, east: Team, west: Team
) -> None:
    alice, wendy = east.user(), west.user()
    device, account, person = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    send(server, alice, device, account_entries(1, 2, account, name="Secret Huadong"))
    send(server, alice, device, stakeholder_entries(3, person, account))
    assert len(everything(server, east.user())) == 4

    assert everything(server, wendy) == []
    snapshot = httpx.get(f"{server.url}/v1/snapshot", headers=bearer(wendy)).json()
    assert snapshot["fields"] == [] and snapshot["watermarks"] == {}
    asked = httpx.get(f"{server.url}/v1/devices/{device}", headers=bearer(wendy))
    assert asked.status_code == 403
    # Writing to east's account or to a person at it is refused, and says nothing of it.
    for attempt in (
        account_entries(1, 1, account, name="Taken over"),
        stakeholder_entries(1, str(uuid.uuid4()), account),
        [{**account_entries(1, 1, person)[0], "table": "stakeholder", "column": "title"}],
    ):
        refused = send(server, wendy, str(uuid.uuid4()), attempt)
        assert refused.status_code == 200
        assert refused.json()["accepted"] == 0
        assert refused.json()["refused"] == [e["seq"] for e in attempt]
        assert refused.json()["refused_code"] == "not_your_team"
        assert "not your team's" in refused.json()["refused_reason"]
        for secret in ("Secret", "Huadong", account, person, east.name):
            assert secret not in refused.text
    # West's books get only the refused changes' places, never the changes.
    west_reads = everything(server, west.user("manager"))
    assert {(e["table"], e["row_id"], e["value"]) for e in west_reads} == {
        ("_refused", "-", json.dumps("not_your_team"))
    }
    assert len(everything(server, east.user())) == 4  # east's account is as it was


def test_team_wide_records_are_shared_within_the_team_only(
    server: RunningServer, east: Team, west: Team
) -> None:
    alice = east.user()
    member = str(uuid.uuid4())
    entry = {"seq": 1, "hlc": HLC, "table": "team_member", "row_id": member,
             "column": "name", "value": json.dumps("李娜")}  # fmt: skip
    assert send(server, alice, str(uuid.uuid4()), [entry]).status_code == 200
    assert [e["row_id"] for e in everything(server, east.user("manager"))] == [member]
    assert everything(server, west.user()) == []


def test_an_admin_sees_every_team_and_sends_nothing(
    server: RunningServer, east: Team, west: Team
) -> None:
    alice, wendy, admin = east.user(), west.user(), west.user("admin")
    east_account, west_account = str(uuid.uuid4()), str(uuid.uuid4())
    send(server, alice, str(uuid.uuid4()), account_entries(1, 1, east_account))
    send(server, wendy, str(uuid.uuid4()), account_entries(1, 1, west_account))
    seen = {e["row_id"] for e in everything(server, admin)}
    assert {east_account, west_account} <= seen
    typed = account_entries(1, 1, east_account, name="Admin typed")
    refused = send(server, admin, str(uuid.uuid4()), typed)
    assert refused.status_code == 200
    assert refused.json()["refused"] == [1]
    assert "administrator" in refused.json()["refused_reason"]
    assert not any("Admin typed" in e["value"] for e in everything(server, alice))


def test_every_endpoint_wants_a_live_token(
    server: RunningServer, east: Team, engine: Engine
) -> None:
    name = f"leaver-{uuid.uuid4().hex[:6]}"
    token = east.user(name=name)
    assert httpx.get(f"{server.url}/v1/me", headers=bearer(token)).json()["team"] == east.name
    revoke_user(engine, name)
    device = str(uuid.uuid4())
    calls = [
        ("GET", "/v1/me", None),
        ("GET", f"/v1/devices/{device}", None),
        ("GET", "/v1/entries", None),
        ("GET", "/v1/snapshot", None),
        ("POST", "/v1/entries", {"device_id": device, "entries": []}),
    ]
    for method, path, body in calls:
        for headers in ({}, bearer(token), bearer("kd_not-a-token"), {"Authorization": "Basic x"}):
            answer = httpx.request(method, f"{server.url}{path}", json=body, headers=headers)
            assert answer.status_code == 401, (method, path, headers)
            assert answer.headers["www-authenticate"] == "Bearer"
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_bad_requests_get_a_reason_and_change_nothing(server: RunningServer, east: Team) -> None:
    token, reader = east.user(), east.user()
    device, account = str(uuid.uuid4()), str(uuid.uuid4())
    good = account_entries(1, 1, account)[0]
    for bad in (
        {**good, "value": "not json"},
        {**good, "value": '"\\u0000 is fine but a raw NUL is not \x00"'},
        {**good, "seq": 0},
        {**good, "hlc": -1},
        {**good, "hlc": 2**64},
        {**good, "table": "Robert'); DROP TABLE server_entry;--"},
        {**good, "row_id": ""},
    ):
        answer = send(server, token, device, [bad])
        assert answer.status_code == 422, bad
        assert answer.json()["detail"]
    assert (
        httpx.post(f"{server.url}/v1/entries", content=b"{", headers=bearer(token)).status_code
        == 422
    )
    assert (
        httpx.get(
            f"{server.url}/v1/entries", params={"after": -1}, headers=bearer(token)
        ).status_code
        == 422
    )
    assert everything(server, reader) == []


def test_a_request_body_over_the_limit_is_refused(server: RunningServer, east: Team) -> None:
    token = east.user()
    huge = b'{"device_id": "d", "entries": [' + b" " * (17 * 1024 * 1024) + b"]}"
    answer = httpx.post(
        f"{server.url}/v1/entries",
        content=huge,
        headers={**bearer(token), "Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 413
    assert "larger than" in answer.json()["detail"]


def test_a_device_belongs_to_the_user_who_first_sent_from_it(
    server: RunningServer, east: Team
) -> None:
    alice, bob = east.user(), east.user()
    device, account = str(uuid.uuid4()), str(uuid.uuid4())
    send(server, alice, device, account_entries(1, 1, account))
    refused = send(server, bob, device, account_entries(2, 2, account))
    assert refused.status_code == 403
    assert "another user" in refused.json()["detail"]


def test_a_handover_gives_the_new_team_the_account_and_the_old_one_stops_writing_it(
    server: RunningServer, east: Team, west: Team, engine: Engine
) -> None:
    alice, wendy = east.user(), west.user()
    device, account, person = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    send(server, alice, device, account_entries(1, 3, account, name="Handed over Ltd"))
    send(server, alice, device, stakeholder_entries(4, person, account))
    copied = relay.move_account(engine, "Handed over Ltd #3", west.name)
    assert copied == 3  # the account's name, the person's account link and name
    received = everything(server, wendy)
    assert {(e["table"], e["row_id"], e["column"], e["value"]) for e in received} == {
        ("account", account, "name", json.dumps("Handed over Ltd #3")),
        ("stakeholder", person, "account_id", json.dumps(account)),
        ("stakeholder", person, "name", json.dumps("王磊")),
    }
    assert send(server, wendy, str(uuid.uuid4()), account_entries(1, 1, account)).status_code == 200
    # Alice, offline during the handover, edits it and adds an account of her own.
    mine = str(uuid.uuid4())
    offline = account_entries(6, 6, account) + account_entries(7, 8, mine, name="Still mine")
    answer = send(server, alice, device, offline).json()
    assert (answer["accepted"], answer["refused"], answer["last_seq"]) == (2, [6], 8)
    # A retry of the same upload (its answer lost) names the refusal again.
    again = send(server, alice, device, offline).json()
    assert (again["accepted"], again["duplicates"], again["refused"]) == (0, 3, [6])
    # West never gets the edit; east gets its place and Alice's own account, in sequence.
    assert not any("#6" in e["value"] for e in everything(server, wendy))
    of_alice = [e for e in everything(server, east.user()) if e["device_id"] == device]
    assert [e["seq"] for e in of_alice] == list(range(1, 9))
    assert [(e["table"], e["row_id"]) for e in of_alice[5:]] == [
        ("_refused", "-"), ("account", mine), ("account", mine)
    ]  # fmt: skip
    snapshot = httpx.get(f"{server.url}/v1/snapshot", headers=bearer(east.user())).json()
    assert "_refused" not in {f["table"] for f in snapshot["fields"]}
    assert snapshot["watermarks"][device] == 8
    # A person she added under it is refused, and so is a later edit naming no account.
    newcomer = str(uuid.uuid4())
    added = send(server, alice, device, stakeholder_entries(9, newcomer, account)).json()
    assert added["refused"] == [9, 10]
    later = [{**stakeholder_entries(10, newcomer, account)[1], "seq": 11, "column": "title"}]
    assert send(server, alice, device, later).json()["refused"] == [11]
    for reader in (east.user(), wendy):
        assert newcomer not in {e["row_id"] for e in everything(server, reader)}


def test_a_change_under_the_place_holders_name_is_refused(
    server: RunningServer, east: Team
) -> None:
    forged = [{**account_entries(1, 1, "-")[0], "table": "_refused", "column": "_refused"}]
    answer = send(server, east.user(), str(uuid.uuid4()), forged)
    assert answer.status_code == 400
    assert "_refused" in answer.json()["detail"]


def test_the_token_never_reaches_the_log(server: RunningServer, east: Team) -> None:
    token = east.user()
    httpx.get(f"{server.url}/v1/me", headers=bearer(token))
    httpx.get(f"{server.url}/v1/entries", headers=bearer(token))
    log = server.log.read_text()
    assert "GET /v1/me" in log
    assert token not in log
    assert token[len("kd_") :] not in log


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
def test_the_api_description_is_served(server: RunningServer, path: str) -> None:
    answer = httpx.get(f"{server.url}{path}")
    assert answer.status_code == 200
    if path == "/openapi.json":
        paths = answer.json()["paths"]
        assert {"/v1/entries", "/v1/snapshot", "/v1/me", "/v1/devices/{device_id}"} <= set(paths)
        assert "410" in paths["/v1/entries"]["get"]["responses"]

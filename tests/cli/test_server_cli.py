"""``kamdesk serve`` and ``kamdesk server ...`` as an administrator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import kamdesk

SOURCE_ROOT = Path(kamdesk.__file__).resolve().parent.parent


def kamdesk_cli(
    *args: str, home: Path, token: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KAMDESK_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SOURCE_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    env.pop("KAMDESK_SYNC_TOKEN", None)
    if token is not None:
        env["KAMDESK_SYNC_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "kamdesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_users_are_added_listed_and_revoked(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    added = kamdesk_cli(
        "server",
        "add-user",
        "张伟",
        "--role",
        "manager",
        "--team",
        "华东",
        "--db",
        db,
        home=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    token = added.stdout.splitlines()[-1]
    assert token.startswith("kd_") and " " not in token and len(token) > 40
    assert token not in (tmp_path / "server.sqlite").read_bytes().decode("latin-1")
    again = kamdesk_cli(
        "server", "add-user", "张伟", "--role", "rep", "--team", "x", "--db", db, home=tmp_path
    )
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == ["kamdesk: There is already a user called 张伟."]
    listed = kamdesk_cli("server", "list-users", "--db", db, home=tmp_path)
    assert listed.stdout.splitlines() == ["张伟\tmanager\t华东\tactive"]
    revoked = kamdesk_cli("server", "revoke", "张伟", "--db", db, home=tmp_path)
    assert revoked.returncode == 0
    listed = kamdesk_cli("server", "list-users", "--db", db, home=tmp_path)
    assert listed.stdout.splitlines() == ["张伟\tmanager\t华东\trevoked"]
    unknown = kamdesk_cli("server", "revoke", "nobody", "--db", db, home=tmp_path)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "kamdesk: There is no user called nobody."


def test_the_default_database_is_a_file_in_the_data_folder(tmp_path: Path) -> None:
    added = kamdesk_cli("server", "add-user", "ana", "--role", "rep", "--team", "t", home=tmp_path)
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "data" / "kamdesk-server.sqlite").is_file()


def test_moving_an_unknown_account_says_so(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    moved = kamdesk_cli(
        "server", "move-account", "Huadong", "--team", "west", "--db", db, home=tmp_path
    )
    assert moved.returncode == 1
    assert moved.stderr.strip() == "kamdesk: The server has no account called Huadong."


def test_a_database_url_the_server_cannot_use_is_one_line(tmp_path: Path) -> None:
    for url, said in (
        ("mysql://root@localhost/kam", "SQLite or PostgreSQL"),
        ("nonsense", "is not a database URL"),
        ("postgresql://nobody@127.0.0.1:1/none", "Cannot open the server's database"),
    ):
        run = kamdesk_cli("serve", "--db", url, home=tmp_path)
        assert run.returncode == 1, url
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], run.stderr
    half_tls = kamdesk_cli("serve", "--certfile", "cert.pem", home=tmp_path)
    assert half_tls.returncode == 1
    assert "--keyfile" in half_tls.stderr


def test_sync_with_a_server_needs_a_token_and_an_address(tmp_path: Path) -> None:
    book = str(tmp_path / "b.kamdesk")
    no_token = kamdesk_cli("sync", "--book", book, "--server", "http://127.0.0.1:9", home=tmp_path)
    assert no_token.returncode == 1
    assert no_token.stderr.count("\n") == 1
    assert "KAMDESK_SYNC_TOKEN" in no_token.stderr
    bad_url = kamdesk_cli(
        "sync", "--book", book, "--server", "127.0.0.1:9", home=tmp_path, token="kd_x"
    )
    assert bad_url.returncode == 1
    assert "is not a server address" in bad_url.stderr
    unreachable = kamdesk_cli(
        "sync",
        "--book",
        book,
        "--server",
        "http://127.0.0.1:9",
        home=tmp_path,
        token="kd_secret-token",
    )
    assert unreachable.returncode == 1
    assert (
        unreachable.stderr.strip().splitlines() == [unreachable.stderr.strip()]
        and "does not answer" in unreachable.stderr
    )
    assert "kd_secret-token" not in unreachable.stderr + unreachable.stdout
    both = kamdesk_cli(
        "sync", "--book", book, "--server", "http://x", "--folder", str(tmp_path), home=tmp_path
    )
    assert both.returncode == 2


def test_prune_takes_a_count_or_an_age_and_refuses_nonsense(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    for how, said in ((("--keep", "100"), "0 entries forgotten."),
                      (("--older-than", "90"), "0 entries forgotten.")):  # fmt: skip
        pruned = kamdesk_cli("server", "prune", *how, "--db", db, home=tmp_path)
        assert (pruned.returncode, pruned.stdout.strip()) == (0, said)
    for how, said in (
        (("--keep", "-1"), "--keep is 0 or more."),
        (("--older-than", "0"), "--older-than is a number of days above 0."),
        (("--older-than", "inf"), "--older-than is a number of days above 0."),
    ):
        refused = kamdesk_cli("server", "prune", *how, "--db", db, home=tmp_path)
        assert (refused.returncode, refused.stderr.strip()) == (1, f"kamdesk: {said}")
    both = kamdesk_cli(
        "server", "prune", "--keep", "1", "--older-than", "2", "--db", db, home=tmp_path
    )
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_several_server_processes_need_postgresql(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    for workers, said in (("2", "need a PostgreSQL database"), ("0", "--workers is at least 1")):
        served = kamdesk_cli("serve", "--db", db, "--workers", workers, home=tmp_path)
        assert served.returncode == 1
        assert said in served.stderr and served.stderr.count("\n") == 1

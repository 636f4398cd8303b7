"""Real sync servers for the tests: uvicorn processes on loopback, on SQLite and PostgreSQL.

Each test module gets its own database (a SQLite file, or a fresh PostgreSQL database at
127.0.0.1:5432 that is dropped afterwards) and its own server process; tests keep out of
each other's way by using teams of their own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

import kamdesk
from kamdesk.server.auth import Role, add_user
from kamdesk.server.db import open_database

SOURCE_ROOT = Path(kamdesk.__file__).resolve().parent.parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def server_environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KAMDESK_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SOURCE_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningServer:
    """One ``kamdesk serve`` process; it can be killed and started again on its port."""

    db_url: str
    home: Path
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    #: More options for ``kamdesk serve`` (``--workers 2``).
    options: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RunningServer:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kamdesk",
                    "serve",
                    "--db",
                    self.db_url,
                    "--port",
                    str(self.port),
                    *self.options,
                ],
                env=server_environment(self.home),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        """Stop it at once, as a crash or a power cut would (SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _postgres_reason() -> str | None:
    """Why PostgreSQL cannot be used here, or None."""
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL at 127.0.0.1:5432 (user postgres): {str(error).strip()}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, empty server database for this module, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.sqlite'}"
        return
    reason = _postgres_reason()
    if reason is not None:
        pytest.skip(reason)
    import psycopg

    name = f"kamdesk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    """The server's database, for adding users as ``kamdesk server add-user`` does."""
    found = open_database(database_url)
    yield found
    found.dispose()


@pytest.fixture(scope="module")
def server(
    database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A running server on this module's database."""
    folder = tmp_path_factory.mktemp("server-home")
    running = RunningServer(database_url, folder, folder / "server.log").start()
    yield running
    running.stop()


@dataclass(frozen=True)
class Team:
    """A team of this test alone, and a way to add its users."""

    name: str
    engine: Engine

    def user(self, role: str = "rep", name: str | None = None) -> str:
        """A new user of this team; its token."""
        return add_user(
            self.engine, name or f"{role}-{uuid.uuid4().hex[:8]}", Role(role), self.name
        )


@pytest.fixture
def east(engine: Engine) -> Team:
    return Team(f"east-{uuid.uuid4().hex[:8]}", engine)


@pytest.fixture
def west(engine: Engine) -> Team:
    return Team(f"west-{uuid.uuid4().hex[:8]}", engine)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

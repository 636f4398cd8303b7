"""Syncing with the team's server from the window: Sync settings, F9, the status bar.

A real ``kamdesk serve`` process on loopback (SQLite), real books: the window's, synced by
the app, and a teammate's laptop, synced by the op ``kamdesk sync --server`` runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import Engine

from kamdesk.ops import accounts
from kamdesk.ops.server_sync import sync_book_with_server
from kamdesk.server.auth import Role, add_user
from kamdesk.server.db import open_database
from kamdesk.server.relay import move_account
from kamdesk.settings import SYNC_ON_CHANGE, sync_folder_of, sync_server_of
from kamdesk.store.book import Book
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.refused_view import RefusedWindow
from kamdesk.ui.sync_dialog import SyncSettingsDialog
from tests.server.conftest import RunningServer, free_port
from tests.sync.books import new_device_book
from tests.ui.conftest import Seed, User, button

pytestmark = pytest.mark.usefixtures("seed")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.sqlite'}"
    found = open_database(url)
    found.url_text = url  # type: ignore[attr-defined]
    yield found
    found.dispose()


@pytest.fixture(scope="module")
def server(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    home = tmp_path_factory.mktemp("server-home")
    url = engine.url_text  # type: ignore[attr-defined]
    running = RunningServer(url, home, home / "server.log").start()
    yield running
    running.stop()


@pytest.fixture
def book(book_path: Path, template_book_file: Path) -> Iterator[Book]:
    """The window's book as a device of its own: the server keys changes by device."""
    opened = new_device_book(template_book_file, book_path)
    yield opened
    opened.close()


def token_of(engine: Engine, team: str, role: str = "rep") -> str:
    return add_user(engine, f"{role}-{uuid.uuid4().hex[:8]}", Role(role), team)


def set_up_server(user: User, window: MainWindow, url: str, token: str) -> str:
    """Sync settings → the team's sync server; the refusal's message, or ''."""
    said: list[str] = []

    def fill(dialog: SyncSettingsDialog) -> None:
        user.click(dialog.use_server)
        assert dialog.server.isVisible() and not dialog.folder.isVisible()
        user.type(dialog.server, url)
        user.type(dialog.token, token)
        user.click(button(dialog, QDialogButtonBox.StandardButton.Ok))
        if dialog.isVisible():
            said.append(dialog.error.text())

    user.answer(window.show_sync_settings, fill, kind=SyncSettingsDialog)
    return said[0] if said else ""


def wait_for_sync(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)


def names(book: Book) -> set[str]:
    return {r[0] for r in book.db.execute("SELECT name FROM account WHERE deleted_at IS NULL")}


def test_the_window_syncs_with_the_server_and_a_teammate_gets_the_accounts(
    qtbot: QtBot, user: User, window: MainWindow, server: RunningServer, engine: Engine,
    tmp_path: Path,
) -> None:  # fmt: skip
    team = f"east-{uuid.uuid4().hex[:6]}"
    assert set_up_server(user, window, server.url, token_of(engine, team)) == ""
    wait_for_sync(qtbot, window)
    assert window.sync_status.label.text().startswith("Synced ")
    assert sync_server_of(window.context.settings, window.context.book.path) == server.url
    assert sync_folder_of(window.context.settings, window.context.book.path) is None
    settings_text = window.context.settings.path.read_text(encoding="utf-8")
    assert "token" not in settings_text.lower()

    teammate = tmp_path / "teammate.kamdesk"
    report = sync_book_with_server(teammate, server.url, token=token_of(engine, team))
    assert report.received > 0
    with Book.open(teammate) as book:
        assert names(book) == names(window.context.book)
    other_team = tmp_path / "other-team.kamdesk"
    sync_book_with_server(other_team, server.url, token=token_of(engine, "west-" + team))
    with Book.open(other_team) as book:
        assert names(book) == set()


def test_a_wrong_token_or_no_server_is_said_and_nothing_is_saved(
    user: User, window: MainWindow, server: RunningServer
) -> None:
    said = set_up_server(user, window, server.url, "not-a-token")
    assert "does not take this token" in said
    nobody = f"http://127.0.0.1:{free_port()}"
    assert "does not answer" in set_up_server(user, window, nobody, "whatever")
    assert "is not a server address" in set_up_server(user, window, "ftp://x", "whatever")
    assert sync_server_of(window.context.settings, window.context.book.path) is None


def test_an_edit_the_server_refuses_is_shown_as_refused_and_the_rest_goes_on(
    qtbot: QtBot, user: User, window: MainWindow, seed: Seed, server: RunningServer,
    engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    team = f"east-{uuid.uuid4().hex[:6]}"
    window.context.settings.set(SYNC_ON_CHANGE, False)
    assert set_up_server(user, window, server.url, token_of(engine, team)) == ""
    wait_for_sync(qtbot, window)
    assert not window.sync_status.refused.isVisible()
    move_account(engine, seed.acme, f"west-{team}")  # handed over to another team
    accounts.update_account(window.context.book, seed.acme, {"notes": "typed after handover"})
    accounts.update_account(window.context.book, seed.acme, {"competitors": "Globex"})
    user.press(window.account_list.table, Qt.Key_F9)
    wait_for_sync(qtbot, window)
    status = window.sync_status
    assert status.label.text().startswith("Synced ")
    assert status.refused.isVisible() and "2 changes refused" in status.refused.text()
    assert "The server refused 2 changes" in window.statusBar().currentMessage()
    notes = window.context.book.db.execute(
        "SELECT notes FROM account WHERE id = ?", (seed.acme,)
    ).fetchone()[0]
    assert notes == "typed after handover"  # kept in the book, not lost
    window.account_page.show_account(seed.acme)
    assert window.account_page.refused_count() == 2
    assert "never received them" in window.account_page.refused_banner.text.text()

    # The device is not stuck: its next change reaches the team.
    accounts.update_account(window.context.book, seed.bank, {"notes": "renewal in June"})
    user.press(window.account_list.table, Qt.Key_F9)
    wait_for_sync(qtbot, window)
    teammate = tmp_path / "teammate.kamdesk"
    sync_book_with_server(teammate, server.url, token=token_of(engine, team))
    with Book.open(teammate) as other:
        found = other.db.execute("SELECT id, notes FROM account").fetchall()
        assert (seed.bank, "renewal in June") in found
        assert all(note != "typed after handover" for _id, note in found)

    def review(window_: RefusedWindow) -> None:
        shown = {(c.account, c.label, c.value) for c in window_.changes()}
        assert shown == {
            ("Acme Robotics", "Notes", "typed after handover"),
            ("Acme Robotics", "Competitors", "Globex"),
        }
        rows = [window_.tree.topLevelItem(n) for n in range(window_.tree.topLevelItemCount())]
        assert {row.text(3) for row in rows if row is not None} == {
            "typed after handover",
            "Globex",
        }
        assert "not your team's" in window_.reason.text()
        user.press(window_.tree, Qt.Key_C, Qt.ControlModifier)  # every change, for the owner
        copied = QGuiApplication.clipboard().text().splitlines()
        assert len(copied) == 2 and "typed after handover" in "\n".join(copied)
        user.press(window_.tree, Qt.Key_Delete)  # the current one
        assert len(window_.changes()) == 1
        user.press(window_.tree, Qt.Key_Delete)
        assert window_.changes() == []
        assert window_.empty.isVisible()
        user.press(window_.tree, Qt.Key_Escape)

    user.answer(lambda: status.refused.linkActivated.emit("refused"), review, kind=RefusedWindow)
    assert not status.refused.isVisible()
    assert window.account_page.refused_count() == 0
    assert not window.account_page.refused_banner.isVisible()

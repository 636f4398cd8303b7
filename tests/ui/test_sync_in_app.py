"""Syncing from the window: Sync settings, Sync now (F9), on change, the status bar.

Two real books and one real folder: the window's book is synced by the app (its worker
thread, its own connection), the other laptop's book by the same op the command line uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from kamdesk.ops import accounts
from kamdesk.ops.conflicts import open_conflicts
from kamdesk.ops.sync import sync_with_folder
from kamdesk.settings import SYNC_EVERY_MINUTES, SYNC_ON_CHANGE, Settings, sync_folder_of
from kamdesk.store.book import Book
from kamdesk.sync.folder import FORMAT_FILE
from kamdesk.ui.conflicts_view import ConflictsWindow
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.sync_dialog import SyncSettingsDialog
from tests.sync.books import new_device_book
from tests.ui.conftest import Seed, User, button

pytestmark = pytest.mark.usefixtures("seed")


@pytest.fixture
def team_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "Team share"
    folder.mkdir()
    return folder


@pytest.fixture
def laptop(tmp_path: Path, template_book_file: Path) -> Iterator[Book]:
    """The rep's other laptop: a book of its own device."""
    book = new_device_book(template_book_file, tmp_path / "laptop.kamdesk")
    yield book
    book.close()


def set_up_sync(
    user: User, window: MainWindow, folder: Path, answers: dict[str, str | bool] | None = None
) -> None:
    """Sync → Sync settings…: type the folder (and a passphrase) and press OK.

    A refusal's message is put in ``answers["refused"]``.
    """
    answers = {} if answers is None else answers

    def fill(dialog: SyncSettingsDialog) -> None:
        dialog.folder.setText(str(folder))
        if answers.get("encrypt"):
            dialog.encrypt.setChecked(True)
        for name in ("sync_passphrase", "sync_passphrase_repeat"):
            text = answers.get(name.removeprefix("sync_"))
            if isinstance(text, str):
                user.type(dialog.findChild(QLineEdit, name), text)
        user.click(button(dialog, QDialogButtonBox.StandardButton.Ok))
        if dialog.isVisible():  # refused: the test reads the message
            answers["refused"] = dialog.error.text()
            dialog.reject()

    user.answer(window.show_sync_settings, fill, kind=SyncSettingsDialog)


def wait_for_sync(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.sync.running, timeout=20_000)


def account_names(book: Book) -> set[str]:
    rows = book.db.execute("SELECT name FROM account WHERE deleted_at IS NULL").fetchall()
    return {row[0] for row in rows}


def test_f9_without_a_folder_opens_sync_settings_and_the_first_sync_starts_the_folder(
    qtbot: QtBot, user: User, window: MainWindow, team_folder: Path, laptop: Book
) -> None:
    assert not window.sync_status.isVisible()  # sync is off: nothing in the status bar

    def fill(dialog: SyncSettingsDialog) -> None:
        assert "empty folder" in dialog.folder_note.text() or not dialog.folder.text()
        user.type(dialog.folder, str(team_folder))
        assert "the first sync makes it the team's sync folder" in dialog.folder_note.text()
        user.click(button(dialog, QDialogButtonBox.StandardButton.Ok))

    user.answer(lambda: user.press(window.account_list.table, Qt.Key_F9), fill)
    wait_for_sync(qtbot, window)
    assert (team_folder / FORMAT_FILE).is_file()
    assert window.sync_status.isVisible()
    assert window.sync_status.label.text().startswith("Synced ")
    assert sync_folder_of(window.context.settings, window.context.book.path) == team_folder

    report = sync_with_folder(laptop, team_folder)  # the other laptop, as `kamdesk sync` does
    assert report.received > 0
    assert account_names(laptop) == account_names(window.context.book)


def test_conflicting_edits_end_equal_with_the_loser_shown_on_both(
    qtbot: QtBot, user: User, window: MainWindow, seed: Seed, team_folder: Path, laptop: Book
) -> None:
    window.context.settings.set(SYNC_ON_CHANGE, False)
    set_up_sync(user, window, team_folder)
    wait_for_sync(qtbot, window)
    sync_with_folder(laptop, team_folder)
    account_id = seed.acme

    accounts.update_account(window.context.book, account_id, {"name": "Acme (desk)"})
    window.context.signals.account_did_change.emit(account_id)
    accounts.update_account(laptop, account_id, {"name": "Acme (laptop)"})  # later: wins
    sync_with_folder(laptop, team_folder)

    user.press(window.account_list.table, Qt.Key_F9)
    wait_for_sync(qtbot, window)
    assert window.sync_status.conflicts.isVisible()
    assert "1 conflict" in window.sync_status.conflicts.text()
    assert any(  # the list was read again: it shows the winner
        "Acme (laptop)" in str(window.account_list.model.index(r, 0).data())
        for r in range(window.account_list.model.rowCount())
    )
    sync_with_folder(laptop, team_folder)
    for book in (window.context.book, laptop):
        (conflict,) = open_conflicts(book)
        assert (conflict.value, conflict.current) == ("Acme (desk)", "Acme (laptop)")
    assert account_names(laptop) == account_names(window.context.book)

    def keep_the_desk_value(view: ConflictsWindow) -> None:
        user.press(view.tree, Qt.Key_Down)
        assert "Acme (desk)" in view.tree.currentItem().text(0)
        user.press(view.tree, Qt.Key_Return)
        user.press(view.tree, Qt.Key_Escape)

    ctrl_shift = Qt.ControlModifier | Qt.ShiftModifier
    keys = lambda: user.press(window.account_list.table, Qt.Key_K, ctrl_shift)  # noqa: E731
    user.answer(keys, keep_the_desk_value, kind=ConflictsWindow)
    assert not window.sync_status.conflicts.isVisible()
    user.press(window.account_list.table, Qt.Key_F9)
    wait_for_sync(qtbot, window)
    sync_with_folder(laptop, team_folder)
    assert open_conflicts(laptop) == []
    assert "Acme (desk)" in account_names(laptop) & account_names(window.context.book)


def test_an_edit_syncs_by_itself_a_little_later(
    qtbot: QtBot, user: User, window: MainWindow, seed: Seed, team_folder: Path, laptop: Book
) -> None:
    set_up_sync(user, window, team_folder)
    wait_for_sync(qtbot, window)
    window.sync.debounce.setInterval(50)
    account_id = seed.acme
    accounts.update_account(window.context.book, account_id, {"name": "Acme renamed"})
    window.context.signals.account_did_change.emit(account_id)
    qtbot.waitUntil(lambda: window.sync.running, timeout=5_000)
    wait_for_sync(qtbot, window)
    sync_with_folder(laptop, team_folder)
    assert "Acme renamed" in account_names(laptop)


def test_the_periodic_sync_follows_the_setting(
    qtbot: QtBot, window: MainWindow, team_folder: Path, user: User
) -> None:
    settings: Settings = window.context.settings
    settings.set(SYNC_EVERY_MINUTES, 0)
    set_up_sync(user, window, team_folder)
    assert not window.sync.periodic.isActive()
    settings.set(SYNC_EVERY_MINUTES, 15)
    window.context.signals.settings_did_change.emit()
    assert window.sync.periodic.isActive()
    assert window.sync.periodic.interval() == 15 * 60_000
    wait_for_sync(qtbot, window)


def test_an_encrypted_folder_is_started_with_a_passphrase_and_holds_no_readable_names(
    qtbot: QtBot, user: User, window: MainWindow, team_folder: Path
) -> None:
    answers: dict[str, str | bool] = {
        "encrypt": True,
        "passphrase": "correct horse",
        "passphrase_repeat": "correct horsf",
    }
    set_up_sync(user, window, team_folder, answers)
    assert answers["refused"] == "The two passphrases differ."
    assert list(team_folder.iterdir()) == []  # nothing written
    assert sync_folder_of(window.context.settings, window.context.book.path) is None

    answers["passphrase_repeat"] = "correct horse"
    del answers["refused"]
    set_up_sync(user, window, team_folder, answers)
    assert "refused" not in answers
    wait_for_sync(qtbot, window)
    assert window.sync_status.label.text().startswith("Synced ")
    assert json.loads((team_folder / FORMAT_FILE).read_text())["encryption"] is not None
    written = b"".join(p.read_bytes() for p in team_folder.rglob("*") if p.is_file())
    assert "华东制造集团".encode() not in written


def test_a_wrong_passphrase_for_a_team_folder_is_said_and_nothing_is_saved(
    qtbot: QtBot, user: User, window: MainWindow, team_folder: Path
) -> None:
    from kamdesk.sync.folder import init_folder

    init_folder(team_folder, passphrase="the team's passphrase")
    answers: dict[str, str | bool] = {"passphrase": "not it at all"}
    set_up_sync(user, window, team_folder, answers)
    assert "does not open this sync folder" in str(answers["refused"])
    assert sync_folder_of(window.context.settings, window.context.book.path) is None


def test_a_folder_of_other_files_is_refused(
    user: User, window: MainWindow, team_folder: Path
) -> None:
    (team_folder / "holiday.jpg").write_bytes(b"\xff\xd8")
    answers: dict[str, str | bool] = {}
    set_up_sync(user, window, team_folder, answers)
    assert "holds other files" in str(answers["refused"])
    assert [p.name for p in team_folder.iterdir()] == ["holiday.jpg"]


def test_a_missing_folder_fails_in_words_and_deletes_nothing(
    qtbot: QtBot, user: User, window: MainWindow, team_folder: Path
) -> None:
    set_up_sync(user, window, team_folder)
    wait_for_sync(qtbot, window)
    before = account_names(window.context.book)
    moved = team_folder.with_name("unplugged")
    team_folder.rename(moved)
    user.press(window.account_list.table, Qt.Key_F9)
    wait_for_sync(qtbot, window)
    assert window.sync_status.label.text() == "Sync failed"
    assert "cannot be found" in window.sync_status.label.toolTip()
    assert account_names(window.context.book) == before


def test_a_sync_that_would_delete_most_accounts_asks_first(
    qtbot: QtBot, user: User, window: MainWindow, team_folder: Path, laptop: Book
) -> None:
    window.context.settings.set(SYNC_ON_CHANGE, False)
    set_up_sync(user, window, team_folder)
    wait_for_sync(qtbot, window)
    sync_with_folder(laptop, team_folder)
    # Branches first: an account with live branches cannot be deleted.
    ids = [row[0] for row in laptop.db.execute("SELECT id FROM account ORDER BY parent_id IS NULL")]
    for account_id in ids:
        accounts.delete_account(laptop, account_id)
    sync_with_folder(laptop, team_folder, allow_mass_delete=True)
    before = account_names(window.context.book)

    def sync_and_wait() -> None:
        window.sync.sync_now()
        wait_for_sync(qtbot, window)

    def refuse(box: QMessageBox) -> None:
        assert "would delete" in box.text()
        box.button(QMessageBox.StandardButton.No).click()

    user.answer(sync_and_wait, refuse, kind=QMessageBox)
    assert account_names(window.context.book) == before
    assert window.sync_status.label.text().startswith("Sync paused")

    def allow(box: QMessageBox) -> None:
        box.button(QMessageBox.StandardButton.Yes).click()

    user.answer(sync_and_wait, allow, kind=QMessageBox)
    qtbot.waitUntil(lambda: not window.sync.running and window.sync.step is None)
    wait_for_sync(qtbot, window)
    qtbot.waitUntil(lambda: account_names(window.context.book) == account_names(laptop))
    QApplication.processEvents()

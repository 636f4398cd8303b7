"""A book marked read-only on disk opens for reading, says so, and offers no edits."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from kamdesk.settings import Settings
from kamdesk.store.book import Book
from kamdesk.ui.app import build_context
from kamdesk.ui.main_window import MainWindow

from .conftest import ACME, ALL_ACCOUNTS, User, open_window, rows, seed_book


@pytest.fixture
def read_only_book(tmp_path: Path, template_book_file: Path) -> Iterator[Book]:
    """The seeded book, chmod 0o444, opened as the app opens it."""
    path = tmp_path / "shared.kamdesk"
    shutil.copyfile(template_book_file, path)
    with Book.open(path) as writable:
        seed_book(writable)
    path.chmod(0o444)
    try:
        with Book.open(path, create=True) as book:
            yield book
    finally:
        path.chmod(0o644)


@pytest.fixture
def read_only_window(
    qtbot: QtBot, read_only_book: Book, settings: Settings
) -> Iterator[MainWindow]:
    yield from open_window(qtbot, build_context(read_only_book, settings))


def test_read_only_book_opens_and_shows_its_accounts(read_only_window: MainWindow) -> None:
    assert sorted(rows(read_only_window.account_list.table)) == sorted(ALL_ACCOUNTS)
    assert read_only_window.count_label.text() == "6 accounts"


def test_read_only_banner_says_why(read_only_window: MainWindow) -> None:
    banner = read_only_window.read_only_banner

    assert banner.isVisible()
    assert banner.text().strip() == "This book is read-only on disk; edits cannot be saved."


def test_ctrl_n_opens_no_dialog(read_only_window: MainWindow, user: User) -> None:
    assert not read_only_window.new_account_action.isEnabled()

    user.expect_no_dialog(lambda: user.press(read_only_window, Qt.Key_N, Qt.ControlModifier))

    assert read_only_window.context.reader.account_count() == 6


def test_edit_and_delete_keys_do_nothing(read_only_window: MainWindow, user: User) -> None:
    table = read_only_window.account_list.table
    user.click_row(table, rows(table).index(ACME))

    assert not read_only_window.edit_action.isEnabled()
    assert not read_only_window.delete_action.isEnabled()
    assert not read_only_window.new_stakeholder_action.isEnabled()
    user.expect_no_dialog(lambda: user.press(read_only_window, Qt.Key_F2))
    user.press(read_only_window, Qt.Key_Delete)

    assert ACME in rows(table)
    assert read_only_window.pdf_action.isEnabled()  # reading is still fine


def test_the_edit_button_explains_that_the_book_is_read_only(
    read_only_window: MainWindow, user: User
) -> None:
    table = read_only_window.account_list.table
    user.click_row(table, rows(table).index(ACME))
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.extend([box.windowTitle(), box.text()])
        user.click(box.button(QMessageBox.StandardButton.Ok))

    user.answer(
        lambda: user.click(read_only_window.account_page.edit_button), read, kind=QMessageBox
    )

    assert seen == ["Read-only book", "This book is read-only on disk; edits cannot be saved."]

"""A headless Linux box with no keyring: the app runs, and says secrets cannot be kept."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QMessageBox

from kamdesk.ui.main_window import MainWindow

from .conftest import User


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_the_window_works_and_the_about_box_says_there_is_no_keyring(
    no_keyring: None, window: MainWindow, user: User
) -> None:
    assert window.account_list.model.rowCount() > 0
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.append(box.text())

    user.answer(window.show_about, read, kind=QMessageBox)

    assert seen, "the About box did not open"
    assert "Secure password store: not available on this computer" in seen[0]

"""Screenshots of the main window in English and Chinese, with an account selected.

They are written to ``$KAMDESK_UI_SCREENSHOTS`` when set (to look at them), else to the
test's temp folder. The checks here catch what a look would: the window painted, Chinese
glyphs available, and buttons wide enough for their text in both languages.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from kamdesk.i18n import _
from kamdesk.ui.main_window import MainWindow

from .conftest import SUZHOU, User, rows, switch_language


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KAMDESK_UI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clipped_buttons(window: MainWindow) -> list[str]:
    """Texts of visible buttons narrower than their text needs."""
    return [
        button.text()
        for button in window.findChildren(QAbstractButton)
        if button.isVisible() and button.text() and button.width() < button.sizeHint().width()
    ]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_main_window_screenshot(
    window: MainWindow, user: User, qtbot: QtBot, shots: Path, language: str
) -> None:
    table = window.account_list.table
    user.click_row(table, rows(table).index(SUZHOU))
    switch_language(qtbot, language)

    path = shots / f"main-window-{language}.png"
    picture = window.grab()
    assert picture.save(str(path))

    assert not picture.isNull()
    assert (picture.width(), picture.height()) == (window.width(), window.height())
    assert path.stat().st_size > 10_000
    assert QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert window.account_page.title.text() == SUZHOU
    assert window.account_page.edit_button.text() == _("Edit (F2)")
    assert clipped_buttons(window) == []

"""What the user sees when the window opens: the accounts, how many, and what to do next."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kamdesk.ui.app import FirstPaintProbe
from kamdesk.ui.main_window import MainWindow

from .conftest import ACME, ALL_ACCOUNTS, BANK, GROUP, NORTHWIND, SUZHOU, WUXI, User, rows


def test_window_lists_every_account_and_says_how_many(window: MainWindow) -> None:
    table = window.account_list.table

    assert sorted(rows(table)) == sorted(ALL_ACCOUNTS)
    assert window.count_label.text() == "6 accounts"
    assert window.count_label.isVisible()
    assert not window.account_list.empty.isVisible()
    assert window.windowTitle() == "KAMDesk — b.kamdesk"


def test_list_starts_sorted_by_name(window: MainWindow) -> None:
    names = rows(window.account_list.table)

    # Chinese names by their pinyin, among the Latin ones: 华东 (hua dong) under H.
    assert names == [ACME, BANK, GROUP, NORTHWIND, SUZHOU, WUXI]


def test_empty_book_says_how_to_add_the_first_account(empty_window: MainWindow) -> None:
    empty = empty_window.account_list.empty

    assert empty.isVisible()
    assert empty.text().startswith("No accounts yet")
    assert "Ctrl+N" in empty.text()
    assert empty_window.count_label.text() == "0 accounts"


def test_account_page_shows_a_hint_until_an_account_is_chosen(window: MainWindow) -> None:
    assert window.right_side.currentWidget() is window.page_hint
    assert window.page_hint.isVisible()
    assert window.page_hint.text().startswith("Select an account on the left")
    # The account page is built on the first selection, not before.
    assert window._account_page is None


def test_actions_that_need_an_account_say_so_when_none_is_selected(
    window: MainWindow, user: User
) -> None:
    # Enabled, so their keys are heard: a disabled action swallows its shortcut unseen.
    for action in (window.edit_action, window.delete_action, window.pdf_action,
                   window.new_stakeholder_action, window.new_branch_action):  # fmt: skip
        assert action.isEnabled()

    user.expect_no_dialog(lambda: user.press(window, Qt.Key_P, Qt.ControlModifier))

    message = window.statusBar().currentMessage()
    assert message == (
        "Select an account first: Account summary PDF works on the selected account."
    )
    user.expect_no_dialog(lambda: user.press(window, Qt.Key_F2))
    assert window.statusBar().currentMessage().startswith("Select an account first: Edit")


def test_first_paint_probe_reports_once_after_the_list_paints(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))
    viewport = window.account_list.table.viewport()
    FirstPaintProbe(viewport, time.perf_counter(), exit_after=True)

    for _paint in range(2):
        viewport.repaint()
        QApplication.processEvents()

    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("startup:")]
    assert len(lines) == 1
    assert lines[0].endswith("s (window shown, account list painted)")
    assert quits == [True]

"""Every shortcut the menus and the README name, pressed through the real window.

Qt does nothing at all for a key that two actions (or one action twice) claim, and says
so only as a warning: the suite fails on Qt warnings, so pressing each key here also
proves it is not ambiguous.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from kamdesk.kinds.opportunity import OPPORTUNITY
from kamdesk.ops.kinds import create_record
from kamdesk.store.book import Book
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.pdf_preview import PdfPreviewDialog
from kamdesk.ui.settings_dialog import SettingsDialog
from kamdesk.ui.shortcuts import ShortcutsDialog, key_sequences
from kamdesk.ui.team_dialog import TeamDialog

from .conftest import ACME, ALL_ACCOUNTS, BANK, GROUP, NORTHWIND, SUZHOU, Seed, User, rows

CTRL = Qt.ControlModifier
CTRL_SHIFT = Qt.ControlModifier | Qt.ShiftModifier
CTRL_ALT = Qt.ControlModifier | Qt.AltModifier


def select(window: MainWindow, user: User, name: str) -> None:
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))


def typed_into_focus(text: str, user: User) -> QLineEdit:
    """Type where the keyboard focus is, as a user does right after a dialog opens."""
    focus = QApplication.focusWidget()
    assert isinstance(focus, QLineEdit), f"the focus is on {type(focus).__name__}"
    user.type(focus, text)
    return focus


def test_no_key_is_claimed_twice(window: MainWindow) -> None:
    claimed: dict[str, str] = {}
    for action in window.actions():
        for key in action.shortcuts():
            text = key.toString()
            assert text not in claimed, f"{text} is both {claimed[text]!r} and {action.text()!r}"
            claimed[text] = action.text()
    assert {"Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Q", "Ctrl+,", "F1", "Ctrl+Alt+N"} <= set(claimed)


def test_a_standard_key_named_again_is_given_once() -> None:
    keys = [k.toString() for k in key_sequences(*(["Ctrl+Shift+Z"] * 2))]
    assert keys == ["Ctrl+Shift+Z"]


def test_ctrl_n_opens_a_form_with_the_cursor_in_the_name(
    window: MainWindow, user: User, context: AppContext
) -> None:
    def fill(dialog: QDialog) -> None:
        name = typed_into_focus("Delta Foods", user)
        assert name.objectName() == "field_name"
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert "Delta Foods" in rows(window.account_list.table)


def test_ctrl_alt_n_adds_a_branch_typed_straight_away(window: MainWindow, user: User) -> None:
    select(window, user, GROUP)

    def fill(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "New account"
        typed_into_focus("Nantong branch", user)
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL_ALT), fill)

    assert window.account_page.title.text() == "Nantong branch"
    assert window.account_page._profile_labels["parent_id"][1].text() == GROUP


def test_ctrl_shift_n_adds_a_stakeholder_typed_straight_away(
    window: MainWindow, user: User
) -> None:
    select(window, user, BANK)

    def fill(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "New stakeholder"
        typed_into_focus("Dan Ortiz", user)
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL_SHIFT), fill)

    assert "Dan Ortiz" in rows(window.account_page.stakeholders)


def test_f2_edits_and_ctrl_z_ctrl_shift_z_undo_and_redo(window: MainWindow, user: User) -> None:
    select(window, user, NORTHWIND)

    def rename(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "Edit account"
        name = typed_into_focus("", user)
        name.selectAll()
        user.type(name, "Northwind Freight")
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(window, Qt.Key_F2), rename)
    assert window.account_page.title.text() == "Northwind Freight"

    user.press(window, Qt.Key_Z, CTRL)
    assert window.account_page.title.text() == NORTHWIND

    user.press(window, Qt.Key_Z, CTRL_SHIFT)
    assert window.account_page.title.text() == "Northwind Freight"


def test_ctrl_f_goes_to_the_search_and_down_goes_to_the_results(
    window: MainWindow, user: User
) -> None:
    panel = window.account_list
    user.press(window, Qt.Key_F, CTRL)
    assert QApplication.focusWidget() is panel.search

    user.type(panel.search, "Acme")
    user.press(panel.search, Qt.Key_Down)

    assert QApplication.focusWidget() is panel.table
    assert window.account_page.title.text() == ACME


def test_enter_in_the_search_box_goes_to_the_results(window: MainWindow, user: User) -> None:
    panel = window.account_list
    user.press(window, Qt.Key_F, CTRL)
    user.type(panel.search, "Blue")
    user.press(panel.search, Qt.Key_Return)

    assert QApplication.focusWidget() is panel.table
    assert window.account_list.current_account_id()
    assert window.account_page.title.text() == BANK


def test_esc_clears_the_search(window: MainWindow, user: User) -> None:
    panel = window.account_list
    user.press(window, Qt.Key_F, CTRL)
    user.type(panel.search, "Acme")
    assert rows(panel.table) == [ACME]

    user.press(panel.search, Qt.Key_Escape)

    assert panel.search.text() == ""
    assert sorted(rows(panel.table)) == sorted(ALL_ACCOUNTS)


def test_the_groups_tab_obeys_the_search(window: MainWindow, user: User) -> None:
    panel = window.account_list
    panel.tabs.setCurrentIndex(1)
    tree = panel.tree
    assert tree is not None
    everything = rows(tree)
    assert GROUP in everything and ACME in everything

    user.type(panel.search, "苏州")

    model = tree.model()
    assert rows(tree) == [GROUP]  # the match's group, to show where it stands
    group = model.index(0, 0)
    assert [model.index(r, 0, group).data() for r in range(model.rowCount(group))] == [SUZHOU]
    assert tree.isExpanded(group)
    # The group is there only as the match's context, and looks it.
    assert model.index(0, 0).data(Qt.ForegroundRole) is not None
    assert model.index(0, 0, group).data(Qt.ForegroundRole) is None
    assert window.count_label.text() == "1 of 6 accounts"

    user.press(panel.search, Qt.Key_Escape)
    assert rows(tree) == everything


def test_delete_asks_before_taking_the_stakeholders_and_undo_reselects(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    select(window, user, ACME)
    questions: list[str] = []

    def cancel(box: QMessageBox) -> None:
        questions.append(box.text())
        box.reject()

    user.answer(lambda: user.press(window, Qt.Key_Delete), cancel, kind=QMessageBox)
    assert questions == [f"Delete {ACME} and what belongs to it (Stakeholders: 2)?"]
    assert ACME in rows(window.account_list.table)

    def confirm(box: QMessageBox) -> None:
        delete = next(b for b in box.buttons() if b.text() == "Delete")
        user.click(delete)

    user.answer(lambda: user.press(window, Qt.Key_Delete), confirm, kind=QMessageBox)
    assert ACME not in rows(window.account_list.table)
    assert context.reader.account(seed.acme) is None

    select(window, user, BANK)  # the user moves on…
    user.press(window, Qt.Key_Z, CTRL)  # …then changes their mind

    assert window.account_list.current_account_id() == seed.acme
    assert window.account_page.title.text() == ACME
    assert rows(window.account_page.stakeholders) == ["Alice Walker", "Brian Stone"]


def test_delete_asks_too_when_only_deals_would_go(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    create_record(book, OPPORTUNITY, seed.northwind, {"name": "Fleet rollout", "currency": "CNY"})
    select(window, user, NORTHWIND)
    questions: list[str] = []

    def cancel(box: QMessageBox) -> None:
        questions.append(box.text())
        box.reject()

    user.answer(lambda: user.press(window, Qt.Key_Delete), cancel, kind=QMessageBox)

    assert questions == [f"Delete {NORTHWIND} and what belongs to it (Deals: 1)?"]
    assert NORTHWIND in rows(window.account_list.table)


def test_delete_of_an_account_without_people_needs_no_question(
    window: MainWindow, user: User
) -> None:
    select(window, user, NORTHWIND)
    user.expect_no_dialog(lambda: user.press(window, Qt.Key_Delete))
    assert NORTHWIND not in rows(window.account_list.table)
    assert "Undo with Ctrl+Z" in window.statusBar().currentMessage()


def test_ctrl_p_previews_the_summary_of_the_selected_account(
    window: MainWindow, user: User
) -> None:
    select(window, user, ACME)
    titles: list[str] = []
    user.answer(
        lambda: user.press(window, Qt.Key_P, CTRL),
        lambda dialog: titles.append(dialog.windowTitle()),
        kind=PdfPreviewDialog,
    )
    assert titles and ACME in titles[0]


def test_ctrl_t_and_ctrl_comma_open_team_and_settings(window: MainWindow, user: User) -> None:
    user.answer(lambda: user.press(window, Qt.Key_T, CTRL), lambda d: None, kind=TeamDialog)
    user.answer(lambda: user.press(window, Qt.Key_Comma, CTRL), lambda d: None, kind=SettingsDialog)


def test_f1_lists_every_shortcut_of_the_window(window: MainWindow, user: User) -> None:
    listed: list[tuple[str, str]] = []

    def read(dialog: ShortcutsDialog) -> None:
        table = dialog.findChild(QTableWidget, "shortcuts_table")
        assert table is not None
        for row in range(table.rowCount()):
            item0, item1 = table.item(row, 0), table.item(row, 1)
            listed.append((item0.text(), item1.text()))

    user.answer(lambda: user.press(window, Qt.Key_F1), read, kind=ShortcutsDialog)

    actions = dict((what, keys) for keys, what in listed)
    assert actions["New account"] == "Ctrl+N"
    assert actions["New branch or subsidiary"] == "Ctrl+Alt+N"
    assert actions["New stakeholder"] == "Ctrl+Shift+N"
    assert actions["Account summary PDF"] == "Ctrl+P"
    assert "Ctrl+Shift+Z" in actions["Redo"]
    assert actions["Quit"] == "Ctrl+Q"
    assert actions["Keyboard shortcuts"] == "F1"
    assert actions["In the search box: clear the search"] == "Esc"
    # One line per action that has keys: nothing the window answers to is left out.
    assert len([a for a in window.actions() if a.shortcuts()]) == len(listed) - 4


def test_ctrl_q_quits(window: MainWindow, user: User) -> None:
    user.press(window, Qt.Key_Q, CTRL)
    assert not window.isVisible()


def test_typing_on_the_list_tab_leaves_the_tree_alone_until_it_is_shown(
    window: MainWindow, user: User, qtbot: QtBot
) -> None:
    panel = window.account_list
    panel.tabs.setCurrentIndex(1)
    panel.tabs.setCurrentIndex(0)
    tree = panel.tree
    assert tree is not None
    resets: list[int] = []
    tree.model().modelReset.connect(lambda: resets.append(1))

    user.type(panel.search, "Acme")

    assert resets == []  # the list's keystrokes did not rebuild the hidden tree
    panel.tabs.setCurrentIndex(1)
    assert resets == [1]
    assert rows(tree) == [ACME]

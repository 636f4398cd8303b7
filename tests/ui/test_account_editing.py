"""Adding, editing and deleting accounts through the record dialog, with undo and redo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
)

from kamdesk.store.book import Book
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.models.account_table import Column

from .conftest import (
    BANK,
    GROUP,
    NORTHWIND,
    SUZHOU,
    Seed,
    User,
    button,
    change_log_count,
    choose,
    error_label,
    field,
    rows,
)

SAVE = QDialogButtonBox.StandardButton.Save
CTRL = Qt.ControlModifier
CTRL_SHIFT = Qt.ControlModifier | Qt.ShiftModifier


def select(window: MainWindow, user: User, name: str) -> None:
    """Click an account in the list (the list then has the keyboard focus)."""
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))
    assert window.account_list.current_account_id()


def row_of(window: MainWindow, name: str, column: Column) -> object:
    table = window.account_list.table
    return table.model().index(rows(table).index(name), column).data()


# Create, undo, redo ----------------------------------------------------------------------


def test_ctrl_n_adds_an_account_and_selects_it(
    window: MainWindow, user: User, context: AppContext
) -> None:
    table = window.account_list.table
    titles: list[str] = []

    def fill(dialog: QDialog) -> None:
        titles.append(dialog.windowTitle())
        user.type(field(dialog, QLineEdit, "name"), "Delta Foods")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert titles == ["New account"]
    assert "Delta Foods" in rows(table)
    assert table.currentIndex().data() == "Delta Foods"
    assert window.account_page.title.text() == "Delta Foods"
    assert window.account_page.isVisible()
    assert window.count_label.text() == "7 accounts"
    stored = context.reader.account(window.account_list.current_account_id())
    assert stored is not None
    assert stored["name"] == "Delta Foods"
    assert stored["currency"] == "CNY"
    assert stored["org_level"] == "standalone"


def test_new_account_clears_the_search_so_the_new_account_shows(
    window: MainWindow, user: User
) -> None:
    user.type(window.account_list.search, "Acme")

    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "name"), "Delta Foods")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert window.account_list.search.text() == ""
    assert window.account_list.table.currentIndex().data() == "Delta Foods"


def test_undo_removes_the_new_account_and_redo_brings_it_back(
    window: MainWindow, user: User, context: AppContext
) -> None:
    table = window.account_list.table

    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "name"), "Delta Foods")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)
    account_id = window.account_list.current_account_id()
    select(window, user, "Delta Foods")
    assert "Add account Delta Foods" in window.undo_action.text()

    user.press(window, Qt.Key_Z, CTRL)

    assert "Delta Foods" not in rows(table)
    assert context.reader.account(account_id) is None
    assert window.count_label.text() == "6 accounts"
    assert window.account_list.current_account_id() == ""
    assert window.account_page.placeholder.isVisible()

    user.press(window, Qt.Key_Z, CTRL_SHIFT)

    assert "Delta Foods" in rows(table)
    restored = context.reader.account(account_id)
    assert restored is not None
    assert restored["name"] == "Delta Foods"
    assert window.count_label.text() == "7 accounts"


def test_cancel_adds_nothing(window: MainWindow, user: User, book: Book) -> None:
    logged = change_log_count(book)

    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "name"), "Never Saved Ltd")
        user.click(button(dialog, QDialogButtonBox.StandardButton.Cancel))

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert "Never Saved Ltd" not in rows(window.account_list.table)
    assert change_log_count(book) == logged
    assert not window.undo_action.isEnabled()


# Edit with F2 -----------------------------------------------------------------------------


def edit_tier_and_revenue(window: MainWindow, user: User, tier: str, revenue: str) -> list[str]:
    shown: list[str] = []

    def fill(dialog: QDialog) -> None:
        shown.append(dialog.windowTitle())
        shown.append(field(dialog, QLineEdit, "name").text())
        amount = field(dialog, QLineEdit, "annual_revenue_minor")
        shown.append(amount.text())
        choose(field(dialog, QComboBox, "tier"), tier)
        amount.selectAll()
        user.type(amount, revenue)
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)
    return shown


def test_f2_edits_tier_and_revenue(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    select(window, user, BANK)

    shown = edit_tier_and_revenue(window, user, "A", "950000.50")

    assert shown == ["Edit account", BANK, "800,000.00"]
    assert row_of(window, BANK, Column.TIER) == "A"
    assert row_of(window, BANK, Column.REVENUE) == "CN¥950,000.50"
    stored = context.reader.account(seed.bank)
    assert stored is not None
    assert (stored["tier"], stored["annual_revenue_minor"]) == ("A", 95_000_050)


def test_undo_restores_the_edit_and_redo_applies_it_again(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    select(window, user, BANK)
    edit_tier_and_revenue(window, user, "A", "950000.50")

    user.press(window, Qt.Key_Z, CTRL)

    assert row_of(window, BANK, Column.TIER) == "B"
    assert row_of(window, BANK, Column.REVENUE) == "CN¥800,000.00"
    stored = context.reader.account(seed.bank)
    assert stored is not None
    assert (stored["tier"], stored["annual_revenue_minor"]) == ("B", 80_000_000)

    user.press(window, Qt.Key_Z, CTRL_SHIFT)

    assert row_of(window, BANK, Column.TIER) == "A"
    assert row_of(window, BANK, Column.REVENUE) == "CN¥950,000.50"


def test_account_page_follows_an_edit(window: MainWindow, user: User) -> None:
    select(window, user, BANK)
    page = window.account_page
    tier = page.findChild(QLabel, "profile_tier")
    assert tier is not None
    assert tier.text() == "B"

    edit_tier_and_revenue(window, user, "C", "1")

    assert tier.text() == "C"
    revenue = page.findChild(QLabel, "profile_annual_revenue_minor")
    assert revenue is not None
    assert revenue.text() == "CN¥1.00"


# Messages under the fields ---------------------------------------------------------------


def test_negative_revenue_is_refused_under_the_field(
    window: MainWindow, user: User, context: AppContext, book: Book, seed: Seed
) -> None:
    select(window, user, BANK)
    before = context.reader.account(seed.bank)
    logged = change_log_count(book)
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        amount = field(dialog, QLineEdit, "annual_revenue_minor")
        amount.selectAll()
        user.type(amount, "-5")
        user.click(button(dialog, SAVE))
        error = error_label(dialog, "annual_revenue_minor")
        seen.update(
            text=error.text(),
            visible=error.isVisible(),
            open=dialog.isVisible(),
            typed=amount.text(),
            focus=QApplication.focusWidget() is amount,
            others=error_label(dialog, "name").isVisible(),
        )

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen == {
        "text": "Annual revenue with us cannot be negative.",
        "visible": True,
        "open": True,
        "typed": "-5",
        "focus": True,
        "others": False,
    }
    assert context.reader.account(seed.bank) == before
    assert change_log_count(book) == logged
    assert row_of(window, BANK, Column.REVENUE) == "CN¥800,000.00"


def test_correcting_the_field_lets_the_dialog_save(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    select(window, user, BANK)
    after_fix: dict[str, bool] = {}

    def fill(dialog: QDialog) -> None:
        amount = field(dialog, QLineEdit, "annual_revenue_minor")
        amount.selectAll()
        user.type(amount, "-5")
        user.click(button(dialog, SAVE))
        assert error_label(dialog, "annual_revenue_minor").isVisible()
        amount.selectAll()
        user.type(amount, "5")
        user.click(button(dialog, SAVE))
        after_fix["closed"] = not dialog.isVisible()

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert after_fix == {"closed": True}
    stored = context.reader.account(seed.bank)
    assert stored is not None
    assert stored["annual_revenue_minor"] == 500


def test_a_100_kb_paste_into_the_name_is_refused_as_too_long(
    window: MainWindow, user: User, book: Book, context: AppContext
) -> None:
    logged = change_log_count(book)
    seen: dict[str, object] = {}
    QApplication.clipboard().setText("Acme " * 20_000)

    def fill(dialog: QDialog) -> None:
        name = field(dialog, QLineEdit, "name")
        name.setFocus()
        user.press(name, Qt.Key_V, CTRL)
        user.click(button(dialog, SAVE))
        error = error_label(dialog, "name")
        seen.update(text=error.text(), visible=error.isVisible(), open=dialog.isVisible())

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert seen["visible"] is True
    assert seen["open"] is True
    assert "too long" in str(seen["text"])
    assert "at most 200" in str(seen["text"])
    assert change_log_count(book) == logged
    assert context.reader.account_count() == 6


def test_an_empty_name_is_required(window: MainWindow, user: User) -> None:
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        user.click(button(dialog, SAVE))
        error = error_label(dialog, "name")
        seen.update(text=error.text(), visible=error.isVisible(), message=dialog.message.text())

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert seen == {
        "text": "Account name is required.",
        "visible": True,
        "message": "Please correct the fields marked in red.",
    }


def test_an_account_cannot_sit_under_its_own_branch(
    window: MainWindow, user: User, context: AppContext, seed: Seed, book: Book
) -> None:
    select(window, user, GROUP)
    logged = change_log_count(book)
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        parent = field(dialog, QComboBox, "parent_id")
        seen["offers itself"] = parent.findText(GROUP) >= 0
        choose(parent, seed.suzhou)
        user.click(button(dialog, SAVE))
        error = error_label(dialog, "parent_id")
        seen.update(text=error.text(), visible=error.isVisible(), open=dialog.isVisible())

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen == {
        "offers itself": False,
        "text": "An account cannot sit under itself or under one of its own branches.",
        "visible": True,
        "open": True,
    }
    stored = context.reader.account(seed.group)
    assert stored is not None
    assert stored["parent_id"] is None
    assert change_log_count(book) == logged


def test_letters_in_a_money_field_ask_for_an_amount(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    select(window, user, BANK)
    before = context.reader.account(seed.bank)
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "potential_revenue_minor"), "abc")
        user.click(button(dialog, SAVE))
        error = error_label(dialog, "potential_revenue_minor")
        seen.update(text=error.text(), visible=error.isVisible(), open=dialog.isVisible())

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen == {
        "text": "Enter an amount such as 1,234,567.89.",
        "visible": True,
        "open": True,
    }
    assert context.reader.account(seed.bank) == before


def test_typing_the_parent_name_picks_that_account(
    window: MainWindow, user: User, context: AppContext
) -> None:
    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "name"), "Changzhou Plant")
        parent = field(dialog, QComboBox, "parent_id")
        parent.lineEdit().clear()
        user.type(parent.lineEdit(), GROUP)
        choose(field(dialog, QComboBox, "org_level"), "branch")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert row_of(window, "Changzhou Plant", Column.GROUP) == GROUP


# Delete -----------------------------------------------------------------------------------


def test_delete_key_deletes_the_selected_account_and_says_how_to_undo(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    select(window, user, NORTHWIND)

    user.press(window, Qt.Key_Delete)

    assert NORTHWIND not in rows(window.account_list.table)
    assert context.reader.account(seed.northwind) is None
    assert window.statusBar().currentMessage() == f"Deleted {NORTHWIND}. Undo with Ctrl+Z."
    assert window.count_label.text() == "5 accounts"
    assert window.account_page.placeholder.isVisible()

    user.press(window, Qt.Key_Z, CTRL)

    assert NORTHWIND in rows(window.account_list.table)
    assert context.reader.account(seed.northwind) is not None


def test_deleting_a_group_with_branches_is_refused_with_a_message(
    window: MainWindow, user: User, context: AppContext, seed: Seed, book: Book
) -> None:
    select(window, user, GROUP)
    logged = change_log_count(book)
    messages: list[str] = []

    def read(box: QMessageBox) -> None:
        messages.append(box.text())
        user.click(box.button(QMessageBox.StandardButton.Ok))

    user.answer(lambda: user.press(window, Qt.Key_Delete), read, kind=QMessageBox)

    assert messages == ["This account has 2 branches or subsidiaries; move or delete them first."]
    assert GROUP in rows(window.account_list.table)
    assert SUZHOU in rows(window.account_list.table)
    assert context.reader.account(seed.group) is not None
    assert change_log_count(book) == logged
    assert not window.undo_action.isEnabled()


def test_delete_key_in_the_search_box_edits_the_search_not_the_book(
    window: MainWindow, user: User, context: AppContext
) -> None:
    select(window, user, NORTHWIND)
    search = window.account_list.search
    user.type(search, "North")
    search.setCursorPosition(0)

    user.press(search, Qt.Key_Delete)

    assert search.text() == "orth"
    assert context.reader.account_count() == 6


# Branches and the mouse ------------------------------------------------------------------


def test_new_branch_goes_under_the_selected_account_and_shows_in_its_group(
    window: MainWindow, user: User, context: AppContext
) -> None:
    select(window, user, GROUP)
    group_id = window.account_list.current_account_id()

    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "name"), "杭州分公司")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_N, Qt.ControlModifier | Qt.AltModifier), fill)

    new_id = window.account_list.current_account_id()
    stored = context.reader.account(new_id)
    assert stored is not None
    assert stored["name"] == "杭州分公司"
    assert stored["parent_id"] == group_id
    assert stored["org_level"] == "branch"
    assert new_id in context.reader.child_ids(group_id)
    assert row_of(window, "杭州分公司", Column.GROUP) == GROUP


def test_double_click_opens_the_account_for_editing(window: MainWindow, user: User) -> None:
    table = window.account_list.table
    row = rows(table).index(BANK)
    titles: list[str] = []

    def look(dialog: QDialog) -> None:
        titles.append(dialog.windowTitle())
        titles.append(field(dialog, QLineEdit, "name").text())

    index = table.model().index(row, 0)

    def double_click() -> None:
        user.click_row(table, row)
        # Qt's test mouse sends the double-click event on its own; the view then reports
        # the double click exactly as it does for a real one.
        table.doubleClicked.emit(index)

    user.answer(double_click, look)

    assert titles == ["Edit account", BANK]


def test_right_click_on_the_list_offers_edit_branch_stakeholder_and_delete(
    window: MainWindow,
) -> None:
    texts = [action.text() for action in window.account_list.table.actions()]

    assert texts == ["Edit…", "New branch or subsidiary…", "New stakeholder…", "Delete"]


def test_an_undo_refused_while_another_program_writes_can_be_tried_again(
    window: MainWindow, user: User, context: AppContext, book: Book
) -> None:
    import sqlite3
    from contextlib import closing

    select(window, user, BANK)
    account_id = window.account_list.current_account_id()

    def rename(dialog: QDialog) -> None:
        name = field(dialog, QLineEdit, "name")
        name.clear()
        user.type(name, "Blue River Bank Ltd")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_F2), rename)
    stack = context.undo_stack
    assert stack.canUndo()
    notices: list[str] = []
    context.signals.notice_did_post.connect(notices.append)

    with closing(sqlite3.connect(book.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        stack.undo()
        QApplication.processEvents()
        other.execute("ROLLBACK")
    QApplication.processEvents()

    assert notices and "Cannot undo" in notices[-1]
    assert context.reader.account(account_id)["name"] == "Blue River Bank Ltd"  # type: ignore[index]
    assert stack.canUndo()  # still there to try again
    stack.undo()
    assert context.reader.account(account_id)["name"] == BANK  # type: ignore[index]

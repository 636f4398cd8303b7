"""An edit form writes only what the user changed, and asks when someone else changed the
same field after the form opened (another window, another program on the same book)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLineEdit, QRadioButton

from kamdesk.ops import accounts
from kamdesk.store.book import Book
from kamdesk.ui.conflict_dialog import ConflictDialog
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow

from .conftest import BANK, Seed, User, button, choose, field, rows

SAVE = QDialogButtonBox.StandardButton.Save


def open_bank(window: MainWindow, user: User) -> None:
    table = window.account_list.table
    user.click_row(table, rows(table).index(BANK))


def test_a_field_changed_elsewhere_and_left_alone_here_keeps_the_new_value(
    window: MainWindow, user: User, book: Book, seed: Seed, context: AppContext
) -> None:
    open_bank(window, user)

    def fill(dialog: QDialog) -> None:
        # Another program writes the notes while this form is open.
        accounts.update_account(book, seed.bank, {"notes": "Board meets on Friday"})
        choose(field(dialog, QComboBox, "tier"), "A")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    stored = context.reader.account(seed.bank)
    assert stored is not None
    assert (stored["tier"], stored["notes"]) == ("A", "Board meets on Friday")


def test_a_field_both_changed_asks_and_keeps_theirs_when_told(
    window: MainWindow, user: User, book: Book, seed: Seed, context: AppContext
) -> None:
    open_bank(window, user)
    asked: list[list[str]] = []

    def pick_theirs(ask: ConflictDialog) -> None:
        asked.append([b.text() for b in ask.findChildren(QRadioButton)])
        theirs = ask.findChild(QRadioButton, "theirs_name")
        assert theirs is not None
        theirs.setChecked(True)
        ask.accept()

    def fill(dialog: QDialog) -> None:
        accounts.update_account(book, seed.bank, {"name": "Blue River Bank plc"})
        name = field(dialog, QLineEdit, "name")
        name.selectAll()
        user.type(name, "Blue River Bank Group")
        choose(field(dialog, QComboBox, "tier"), "A")
        user.answer(lambda: user.click(button(dialog, SAVE)), pick_theirs, kind=ConflictDialog)

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert asked == [["Blue River Bank plc", "Blue River Bank Group"]]
    stored = context.reader.account(seed.bank)
    assert stored is not None
    assert (stored["name"], stored["tier"]) == ("Blue River Bank plc", "A")


def test_keeping_mine_saves_what_i_typed_and_cancel_saves_nothing(
    window: MainWindow, user: User, book: Book, seed: Seed, context: AppContext
) -> None:
    open_bank(window, user)
    seen: dict[str, object] = {}

    def cancel(ask: ConflictDialog) -> None:
        ask.reject()

    def keep_mine(ask: ConflictDialog) -> None:
        mine = ask.findChild(QRadioButton, "mine_name")
        assert mine is not None and mine.isChecked()  # what was typed is the default
        ask.accept()

    def fill(dialog: QDialog) -> None:
        accounts.update_account(book, seed.bank, {"name": "Blue River Bank plc"})
        name = field(dialog, QLineEdit, "name")
        name.selectAll()
        user.type(name, "Blue River Bank Group")
        user.answer(lambda: user.click(button(dialog, SAVE)), cancel, kind=ConflictDialog)
        seen["after_cancel"] = (
            dialog.isVisible(),
            dialog.message.text(),
            name.text(),
            context.reader.account(seed.bank)["name"],  # type: ignore[index]
        )
        user.answer(lambda: user.click(button(dialog, SAVE)), keep_mine, kind=ConflictDialog)

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen["after_cancel"] == (
        True,
        "Nothing was saved; what you typed is still in the form.",
        "Blue River Bank Group",
        "Blue River Bank plc",
    )
    stored = context.reader.account(seed.bank)
    assert stored is not None and stored["name"] == "Blue River Bank Group"


def test_undo_never_puts_back_a_value_someone_changed_since(
    window: MainWindow, user: User, book: Book, seed: Seed, context: AppContext
) -> None:
    open_bank(window, user)

    def fill(dialog: QDialog) -> None:
        choose(field(dialog, QComboBox, "tier"), "A")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)
    accounts.update_account(book, seed.bank, {"tier": "C", "notes": "Tier reviewed"})

    user.press(window, Qt.Key_Z, Qt.ControlModifier)

    stored = context.reader.account(seed.bank)
    assert stored is not None
    assert (stored["tier"], stored["notes"]) == ("C", "Tier reviewed")
    assert window.statusBar().currentMessage() == (
        f"Cannot undo “Edit account {BANK}”: it was changed elsewhere since; that change stays."
    )


def test_undo_of_one_field_leaves_a_field_changed_elsewhere(
    window: MainWindow, user: User, book: Book, seed: Seed, context: AppContext
) -> None:
    open_bank(window, user)

    def fill(dialog: QDialog) -> None:
        choose(field(dialog, QComboBox, "tier"), "A")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)
    accounts.update_account(book, seed.bank, {"notes": "Board meets on Friday"})

    user.press(window, Qt.Key_Z, Qt.ControlModifier)

    stored = context.reader.account(seed.bank)
    assert stored is not None
    assert (stored["tier"], stored["notes"]) == ("B", "Board meets on Friday")

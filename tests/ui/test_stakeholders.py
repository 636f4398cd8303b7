"""Stakeholders on the account page: add, refuse a bad reporting line, delete, undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
)

from kamdesk.ui.account_page import AccountPage
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.models.account_table import Column as AccountColumn
from kamdesk.ui.models.stakeholder_table import Column

from .conftest import ACME, GROUP, Seed, User, button, choose, error_label, field, rows

SAVE = QDialogButtonBox.StandardButton.Save
CTRL = Qt.ControlModifier
CTRL_SHIFT = Qt.ControlModifier | Qt.ShiftModifier


def open_account(window: MainWindow, user: User, name: str) -> AccountPage:
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))
    page = window.account_page
    assert page.title.text() == name
    return page


def tick(members: QListWidget, name: str) -> None:
    items = members.findItems(name, Qt.MatchExactly)
    assert items, f"{name} is not offered"
    items[0].setCheckState(Qt.Checked)


def add_stakeholder(
    window: MainWindow,
    user: User,
    name: str,
    *,
    role: str = "EB",
    level: str = "executive",
    attitude: str = "supportive",
    covered_by: str | None = None,
) -> None:
    def fill(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "New stakeholder"
        user.type(field(dialog, QLineEdit, "name"), name)
        user.type(field(dialog, QLineEdit, "title"), "CFO")
        choose(field(dialog, QComboBox, "level"), level)
        choose(field(dialog, QComboBox, "buying_role"), role)
        choose(field(dialog, QComboBox, "attitude"), attitude)
        if covered_by:
            tick(field(dialog, QListWidget, "covered_by"), covered_by)
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL_SHIFT), fill)


def people(page: AccountPage, column: Column = Column.NAME) -> list[str]:
    return rows(page.stakeholders, column)


def test_account_page_shows_the_stakeholders_with_labels(window: MainWindow, user: User) -> None:
    page = open_account(window, user, ACME)

    assert people(page) == ["Alice Walker", "Brian Stone"]
    assert people(page, Column.ROLE) == ["Economic buyer (EB)", "Technical buyer (TB)"]
    assert people(page, Column.ATTITUDE) == ["Supportive", "Neutral"]
    assert people(page, Column.LEVEL) == ["Executive", "Middle management"]
    assert people(page, Column.INFLUENCE) == ["●●●●●", "●●●○○"]
    assert people(page, Column.REPORTS_TO) == ["", "Alice Walker"]
    assert people(page, Column.COVERED_BY) == ["Zhou Min", ""]
    assert page.coverage.text() == "Decision-maker coverage: 100% (1 of 1 covered)"


def test_ctrl_shift_n_adds_a_stakeholder_to_the_selected_account(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    page = open_account(window, user, ACME)

    add_stakeholder(window, user, "Diana Prince", attitude="opposed", covered_by="Chen Jing")

    assert people(page) == ["Alice Walker", "Brian Stone", "Diana Prince"]
    row = people(page).index("Diana Prince")
    assert people(page, Column.ROLE)[row] == "Economic buyer (EB)"
    assert people(page, Column.ATTITUDE)[row] == "Opposed"
    assert people(page, Column.COVERED_BY)[row] == "Chen Jing"
    assert people(page, Column.TITLE)[row] == "CFO"
    stored = [s for s in context.reader.stakeholders(seed.acme) if s.name == "Diana Prince"]
    assert [s.covered_by for s in stored] == [(seed.chen,)]
    # The list's stakeholder count follows.
    table = window.account_list.table
    assert rows(table, AccountColumn.STAKEHOLDERS)[rows(table).index(ACME)] == 3


def test_coverage_label_follows_uncovered_decision_makers(window: MainWindow, user: User) -> None:
    page = open_account(window, user, ACME)

    add_stakeholder(window, user, "Evan Wright")

    assert page.coverage.text() == "Decision-maker coverage: 50% (1 of 2 covered)"
    assert page.coverage.styleSheet() == ""
    row = people(page).index("Evan Wright")
    tip = page.stakeholder_model.index(row, Column.COVERED_BY).data(Qt.ToolTipRole)
    assert tip == "A decision maker nobody on our team covers."

    add_stakeholder(window, user, "Fiona Lee", role="UB")

    assert page.coverage.text() == "Decision-maker coverage: 33% (1 of 3 covered)"
    assert "C62828" in page.coverage.styleSheet()  # red below half


def test_the_reports_to_list_never_offers_the_stakeholder_themselves(
    window: MainWindow, user: User
) -> None:
    page = open_account(window, user, ACME)
    user.click_row(page.stakeholders, people(page).index("Alice Walker"))
    offered: list[str] = []

    def read(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "Edit stakeholder"
        boss = field(dialog, QComboBox, "reports_to_id")
        offered.extend(boss.itemText(i) for i in range(boss.count()))

    user.answer(lambda: user.press(window, Qt.Key_F2), read)

    assert offered == ["—", "Brian Stone"]


def test_a_stakeholder_reporting_to_themselves_is_refused_by_the_field(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    page = open_account(window, user, ACME)
    user.click_row(page.stakeholders, people(page).index("Alice Walker"))
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        boss = field(dialog, QComboBox, "reports_to_id")
        # The list leaves her out; a list read before a sync merge could still hold her.
        boss.addItem("Alice Walker", seed.alice)
        choose(boss, seed.alice)
        user.click(button(dialog, SAVE))
        error = error_label(dialog, "reports_to_id")
        seen.update(text=error.text(), visible=error.isVisible(), open=dialog.isVisible())

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen == {
        "text": "A stakeholder cannot report to themselves.",
        "visible": True,
        "open": True,
    }
    stored = context.reader.stakeholder(seed.alice)
    assert stored is not None
    assert stored.values["reports_to_id"] is None


def test_a_reporting_loop_is_refused_by_the_field(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    page = open_account(window, user, ACME)
    user.click_row(page.stakeholders, people(page).index("Alice Walker"))
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        choose(field(dialog, QComboBox, "reports_to_id"), seed.brian)  # Brian reports to her
        user.click(button(dialog, SAVE))
        error = error_label(dialog, "reports_to_id")
        seen.update(visible=error.isVisible(), text=error.text())

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen["visible"] is True
    assert str(seen["text"]).startswith("This would make a reporting loop")
    stored = context.reader.stakeholder(seed.alice)
    assert stored is not None
    assert stored.values["reports_to_id"] is None


def test_f2_in_the_stakeholder_table_edits_the_stakeholder(window: MainWindow, user: User) -> None:
    page = open_account(window, user, ACME)
    user.click_row(page.stakeholders, people(page).index("Brian Stone"))

    def fill(dialog: QDialog) -> None:
        choose(field(dialog, QComboBox, "attitude"), "supportive")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert people(page, Column.ATTITUDE) == ["Supportive", "Supportive"]
    assert window.account_list.current_account_id()  # the account stays selected


def test_delete_in_the_stakeholder_table_deletes_the_stakeholder_not_the_account(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    page = open_account(window, user, ACME)
    user.click_row(page.stakeholders, people(page).index("Brian Stone"))
    assert QApplication.focusWidget() is page.stakeholders

    user.press(window, Qt.Key_Delete)

    assert people(page) == ["Alice Walker"]
    assert context.reader.stakeholder(seed.brian) is None
    assert context.reader.account(seed.acme) is not None
    assert ACME in rows(window.account_list.table)
    assert window.statusBar().currentMessage() == "Deleted Brian Stone. Undo with Ctrl+Z."

    user.press(window, Qt.Key_Z, CTRL)

    assert people(page) == ["Alice Walker", "Brian Stone"]
    assert context.reader.stakeholder(seed.brian) is not None
    assert people(page, Column.REPORTS_TO) == ["", "Alice Walker"]


def test_deleting_the_only_decision_maker_updates_the_coverage_label(
    window: MainWindow, user: User
) -> None:
    page = open_account(window, user, ACME)
    user.click_row(page.stakeholders, people(page).index("Alice Walker"))

    user.press(window, Qt.Key_Delete)

    assert people(page) == ["Brian Stone"]
    assert page.coverage.text() == "No decision maker on record yet."

    user.press(window, Qt.Key_Z, CTRL)

    assert page.coverage.text() == "Decision-maker coverage: 100% (1 of 1 covered)"


def test_a_second_delete_in_the_stakeholder_table_does_not_delete_the_account(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    page = open_account(window, user, ACME)
    user.click_row(page.stakeholders, people(page).index("Brian Stone"))
    user.press(window, Qt.Key_Delete)
    assert QApplication.focusWidget() is page.stakeholders

    # The keyboard focus is still in the stakeholder table, on no row: Delete again
    # must not reach past the table and delete the whole account.
    user.press(window, Qt.Key_Delete)

    assert context.reader.account(seed.acme) is not None
    assert ACME in rows(window.account_list.table)


def test_the_empty_stakeholder_table_says_what_to_do(window: MainWindow, user: User) -> None:
    page = open_account(window, user, "Northwind Logistics")

    assert people(page) == []
    assert page.stakeholder_empty.isVisible()
    assert page.stakeholder_empty.text().startswith("No stakeholders yet.")
    assert page.coverage.text() == "No decision maker on record yet."


def test_the_account_page_says_when_the_account_was_last_changed(
    window: MainWindow, user: User, context: AppContext
) -> None:
    table = window.account_list.table
    user.click_row(table, rows(table).index(GROUP))
    account_id = window.account_list.current_account_id()
    changed = context.reader.last_changed(account_id)
    assert changed is not None

    shown = window.account_page.last_changed.text()

    # The medium date a reader expects ("Dec 1, 2026, 9:41 AM"), not "12/1/26".
    local = changed.astimezone()
    assert shown.startswith(f"Last changed {local:%b} {local.day}, {local.year}, ")
    assert "/" not in shown

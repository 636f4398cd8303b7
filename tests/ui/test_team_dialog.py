"""Our team: members added in the team dialog own accounts and cover stakeholders."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLineEdit, QListWidget

from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.models.account_table import Column
from kamdesk.ui.models.stakeholder_table import Column as PeopleColumn
from kamdesk.ui.team_dialog import TeamDialog

from .conftest import (
    ACME,
    SUZHOU,
    Seed,
    User,
    button,
    choose,
    error_label,
    field,
    menu_action,
    menu_labels,
    rows,
)

SAVE = QDialogButtonBox.StandardButton.Save
CTRL = Qt.ControlModifier


def in_team_dialog(window: MainWindow, user: User, handler: object) -> None:
    """Open the team dialog with Ctrl+T, let ``handler`` work in it, then close it."""

    def work(dialog: TeamDialog) -> None:
        handler(dialog)  # type: ignore[operator]
        user.click(button(dialog, QDialogButtonBox.StandardButton.Close))

    user.answer(lambda: user.press(window, Qt.Key_T, CTRL), work, kind=TeamDialog)


def add_member(user: User, dialog: TeamDialog, name: str, email: str = "") -> None:
    def fill(form: QDialog) -> None:
        assert form.windowTitle() == "New team member"
        user.type(field(form, QLineEdit, "name"), name)
        choose(field(form, QComboBox, "role"), "delivery_manager")
        user.type(field(form, QLineEdit, "email"), email)
        user.click(button(form, SAVE))

    user.answer(lambda: user.click(dialog.add_button), fill)


def owner_choices(window: MainWindow) -> list[str]:
    return menu_labels(window.account_list.owner_filter)


def test_team_dialog_lists_the_team(window: MainWindow, user: User) -> None:
    seen: dict[str, object] = {}

    def read(dialog: TeamDialog) -> None:
        seen.update(
            title=dialog.windowTitle(),
            names=rows(dialog.table),
            roles=rows(dialog.table, 1),
            empty=dialog.empty.isVisible(),
        )

    in_team_dialog(window, user, read)

    assert seen == {
        "title": "Our team",
        "names": ["Chen Jing", "Zhou Min"],
        "roles": ["Account manager", "Solution manager"],
        "empty": False,
    }


def test_a_member_added_in_the_dialog_can_own_and_cover(
    window: MainWindow, user: User, context: AppContext
) -> None:
    names: list[str] = []

    def add(dialog: TeamDialog) -> None:
        add_member(user, dialog, "Wang Fang", "wang.fang@example.com")
        names.extend(rows(dialog.table))
        assert rows(dialog.table, 1)[names.index("Wang Fang")] == "Delivery manager"

    in_team_dialog(window, user, add)

    assert names == ["Chen Jing", "Wang Fang", "Zhou Min"]
    assert owner_choices(window) == ["No owner", "Chen Jing", "Wang Fang", "Zhou Min"]
    table = window.account_list.table
    user.click_row(table, rows(table).index(ACME))
    offered: list[str] = []

    def read(dialog: QDialog) -> None:
        members = field(dialog, QListWidget, "covered_by")
        offered.extend(members.item(i).text() for i in range(members.count()))

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL | Qt.ShiftModifier), read)

    assert offered == ["Chen Jing", "Wang Fang", "Zhou Min"]


def test_a_member_with_a_bad_email_is_refused(window: MainWindow, user: User) -> None:
    seen: dict[str, object] = {}

    def add(dialog: TeamDialog) -> None:
        def fill(form: QDialog) -> None:
            user.type(field(form, QLineEdit, "name"), "Wang Fang")
            user.type(field(form, QLineEdit, "email"), "wang.fang at example")
            user.click(button(form, SAVE))
            error = error_label(form, "email")
            seen.update(text=error.text(), visible=error.isVisible(), open=form.isVisible())

        user.answer(lambda: user.click(dialog.add_button), fill)
        seen["names"] = rows(dialog.table)

    in_team_dialog(window, user, add)

    assert seen == {
        "text": "This is not an email address.",
        "visible": True,
        "open": True,
        "names": ["Chen Jing", "Zhou Min"],
    }


def delete_zhou(user: User, dialog: TeamDialog) -> None:
    user.click_row(dialog.table, rows(dialog.table).index("Zhou Min"))
    user.click(dialog.delete_button)
    assert rows(dialog.table) == ["Chen Jing"]


def test_deleting_a_member_and_undoing_it(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    table = window.account_list.table
    user.click_row(table, rows(table).index(ACME))

    in_team_dialog(window, user, lambda dialog: delete_zhou(user, dialog))

    assert owner_choices(window) == ["No owner", "Chen Jing"]
    assert rows(table, Column.OWNER)[rows(table).index(ACME)] == ""
    page = window.account_page
    assert rows(page.stakeholders, PeopleColumn.COVERED_BY) == ["", ""]
    assert page.coverage.text() == "Decision-maker coverage: 0% (0 of 1 covered)"

    user.click_row(table, rows(table).index(ACME))
    user.press(window, Qt.Key_Z, CTRL)

    assert owner_choices(window) == ["No owner", "Chen Jing", "Zhou Min"]
    assert rows(table, Column.OWNER)[rows(table).index(ACME)] == "Zhou Min"
    assert rows(page.stakeholders, PeopleColumn.COVERED_BY) == ["Zhou Min", ""]
    assert [m.name for m in context.team()] == ["Chen Jing", "Zhou Min"]


def test_ctrl_z_in_the_team_dialog_brings_the_member_back(window: MainWindow, user: User) -> None:
    seen: dict[str, list[str]] = {}

    def delete_then_undo(dialog: TeamDialog) -> None:
        delete_zhou(user, dialog)
        # TeamDialog.delete_member promises: "Ctrl+Z brings them back".
        user.press(dialog.table, Qt.Key_Z, CTRL)
        seen["names"] = rows(dialog.table)

    in_team_dialog(window, user, delete_then_undo)

    assert seen["names"] == ["Chen Jing", "Zhou Min"]


def test_accounts_of_a_deleted_member_count_as_having_no_owner(
    window: MainWindow, user: User
) -> None:
    in_team_dialog(window, user, lambda dialog: delete_zhou(user, dialog))
    panel = window.account_list

    menu_action(panel.owner_filter, "No owner").trigger()

    assert sorted(rows(panel.table)) == sorted([ACME, SUZHOU, "Northwind Logistics", "无锡分公司"])


def test_deleting_a_member_ticked_in_the_owner_filter_does_not_leave_a_hidden_filter(
    window: MainWindow, user: User
) -> None:
    panel = window.account_list
    menu_action(panel.owner_filter, "Zhou Min").trigger()
    assert sorted(rows(panel.table)) == sorted([ACME, SUZHOU])

    in_team_dialog(window, user, lambda dialog: delete_zhou(user, dialog))

    # The filter no longer offers (or ticks) Zhou Min, so it must no longer apply.
    assert panel.owner_filter.text() == "Owner"
    assert len(rows(panel.table)) == 6
    assert window.count_label.text() == "6 accounts"

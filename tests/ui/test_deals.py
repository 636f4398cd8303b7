"""Deals on the account page, through the real window: the first kind of record that is
only a declaration, so these also check the generic list, form, undo and keys."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QLineEdit,
    QMenu,
    QRadioButton,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from kamdesk.i18n import _
from kamdesk.kinds.opportunity import OPPORTUNITY
from kamdesk.ops import kinds as kind_ops
from kamdesk.settings import Settings
from kamdesk.store.book import Book
from kamdesk.ui.account_page import AccountPage
from kamdesk.ui.app import build_context
from kamdesk.ui.conflict_dialog import ConflictDialog
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.record_list import RecordListPanel

from .conftest import (
    ACME,
    BANK,
    Seed,
    User,
    choose,
    error_label,
    field,
    open_window,
    rows,
    seed_book,
    switch_language,
)

CTRL = Qt.ControlModifier
CTRL_SHIFT = Qt.ControlModifier | Qt.ShiftModifier


def open_account(window: MainWindow, user: User, name: str) -> AccountPage:
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))
    page = window.account_page
    assert page.title.text() == name
    return page


def deals_of(page: AccountPage) -> RecordListPanel:
    return page.record_list("opportunity")


def deals_tab(page: AccountPage) -> str:
    return page.tabs.tabText(page.tabs.indexOf(deals_of(page)))


def column_of(panel: RecordListPanel, field_name: str) -> int:
    return [spec.name for spec in panel.model.columns].index(field_name)


def shown(panel: RecordListPanel, field_name: str) -> list[str]:
    return rows(panel.table, column_of(panel, field_name))


def listed_ids(page: AccountPage) -> list[str]:
    model = deals_of(page).model
    return [str(model.record_id(row)) for row in range(model.row_count())]


def add_deal(book: Book, account_id: str, name: str, **values: object) -> str:
    values = {"name": name, "currency": "CNY", **values}
    return kind_ops.create_record(book, OPPORTUNITY, account_id, values)


def type_into_focus(user: User, text: str) -> QLineEdit:
    focus = QApplication.focusWidget()
    assert isinstance(focus, QLineEdit), f"the focus is on {type(focus).__name__}"
    user.type(focus, text)
    return focus


def retype(user: User, widget: QLineEdit | QSpinBox, text: str) -> None:
    """Select what the field holds and type over it."""
    widget.setFocus()
    line = widget.lineEdit() if isinstance(widget, QSpinBox) else widget
    line.selectAll()
    if text:
        user.type(widget, text)
    else:
        user.press(widget, Qt.Key_Backspace)


def test_ctrl_shift_d_adds_a_deal_typed_straight_into_its_name(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    page = open_account(window, user, ACME)
    assert deals_tab(page) == "Deals (0)"

    def fill(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "New deal"
        assert type_into_focus(user, "Robot line 3").objectName() == "field_name"
        # A new deal starts on the first stage of the sales compass, open, in the
        # account's currency.
        assert field(dialog, QComboBox, "stage").currentData() == "compass.intent"
        assert field(dialog, QComboBox, "currency").currentText() == "CNY"
        assert field(dialog, QSpinBox, "probability").text() == "10%"
        user.type(field(dialog, QLineEdit, "amount_minor"), "1,200,000")
        close = field(dialog, QLineEdit, "expected_close")
        close.setFocus()
        user.type(close, "2026-12-31")
        user.press(close, Qt.Key_Tab)
        assert close.text() == "Dec 31, 2026"  # as every date reads
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(window, Qt.Key_D, CTRL_SHIFT), fill)

    deals = deals_of(page)
    assert page.tabs.currentWidget() is deals
    assert deals_tab(page) == "Deals (1)"
    assert shown(deals, "name") == ["Robot line 3"]
    assert shown(deals, "amount_minor") == ["CN¥1,200,000.00"]
    assert shown(deals, "expected_close") == ["Dec 31, 2026"]
    assert shown(deals, "stage") == ["Intent"]
    assert shown(deals, "probability") == ["10%"]
    assert shown(deals, "status") == ["Open"]
    assert deals.current_record_id() is not None  # the new deal is selected
    stored = context.reader.records_of(OPPORTUNITY, seed.acme)[0].values
    assert stored["expected_close"] == dt.date(2026, 12, 31)
    assert stored["amount_minor"] == 120_000_000

    assert window.undo_action.text() == "Undo Add deal Robot line 3"
    user.press(window, Qt.Key_Z, CTRL)
    assert deals_tab(page) == "Deals (0)"
    user.press(window, Qt.Key_Z, CTRL_SHIFT)
    assert shown(deals, "name") == ["Robot line 3"]


def test_the_stage_sets_the_probability_unless_the_user_typed_one(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    open_account(window, user, BANK)

    def fill(dialog: QDialog) -> None:
        type_into_focus(user, "Core banking")
        stage = field(dialog, QComboBox, "stage")
        probability = field(dialog, QSpinBox, "probability")
        choose(stage, "compass.commercial")
        assert probability.text() == "60%"
        choose(field(dialog, QComboBox, "stage_model"), "project")
        # Another stage model: its first stage, and that stage's probability.
        assert stage.currentData() == "project.development"
        assert probability.text() == "5%"

        retype(user, probability, "45")
        choose(stage, "project.tender")
        assert probability.text() == "45%"  # typed by hand: the stage leaves it alone
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(window, Qt.Key_D, CTRL_SHIFT), fill)

    [deal] = context.reader.records_of(OPPORTUNITY, seed.bank)
    assert (deal.values["stage"], deal.values["probability"]) == ("project.tender", 45)


def test_a_won_deal_is_certain_and_the_percentage_may_be_left_empty(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    open_account(window, user, BANK)

    def fill(dialog: QDialog) -> None:
        type_into_focus(user, "Cards")
        probability = field(dialog, QSpinBox, "probability")
        choose(field(dialog, QComboBox, "status"), "won")
        assert probability.text() == "100%"
        retype(user, probability, "")
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(window, Qt.Key_D, CTRL_SHIFT), fill)

    [deal] = context.reader.records_of(OPPORTUNITY, seed.bank)
    assert deal.values["probability"] is None
    assert shown(deals_of(window.account_page), "probability") == [""]


def test_a_bad_amount_or_date_is_refused_under_its_field(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    open_account(window, user, ACME)
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        type_into_focus(user, "Spare parts")
        amount = field(dialog, QLineEdit, "amount_minor")
        user.type(amount, "lots")
        user.type(field(dialog, QLineEdit, "expected_close"), "next spring")
        user.press(dialog, Qt.Key_S, CTRL)
        assert dialog.isVisible()
        seen["amount"] = error_label(dialog, "amount_minor").text()
        seen["date"] = error_label(dialog, "expected_close").text()
        assert QApplication.focusWidget() is amount

        retype(user, amount, "-5")
        retype(user, field(dialog, QLineEdit, "expected_close"), "Mar 3, 2027")
        user.press(dialog, Qt.Key_S, CTRL)
        assert dialog.isVisible()
        seen["negative"] = error_label(dialog, "amount_minor").text()
        seen["date fixed"] = error_label(dialog, "expected_close").text()

    user.answer(lambda: user.press(window, Qt.Key_D, CTRL_SHIFT), fill)

    assert seen["amount"].startswith("Enter an amount such as")
    assert seen["date"].startswith("Enter a date such as")
    assert seen["negative"] == "Amount cannot be negative."
    assert seen["date fixed"] == ""
    assert context.reader.records_of(OPPORTUNITY, seed.acme) == []
    assert deals_tab(window.account_page) == "Deals (0)"


def test_f2_in_the_deal_list_edits_the_deal_not_the_account(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop", expected_close=dt.date(2026, 12, 15))
    deal = add_deal(book, seed.acme, "Welding cells", expected_close=dt.date(2027, 3, 1))
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    assert shown(deals, "name") == ["Paint shop", "Welding cells"]  # by expected close
    user.click_row(deals.table, 1)

    def rename(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "Edit deal"
        assert field(dialog, QLineEdit, "expected_close").text() == "Mar 1, 2027"
        name = type_into_focus(user, "")
        name.selectAll()
        user.type(name, "Welding cells, phase 2")
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(deals.table, Qt.Key_F2), rename)

    assert shown(deals, "name") == ["Paint shop", "Welding cells, phase 2"]
    assert deals.current_record_id() == deal  # the cursor stays on the deal edited
    assert page.title.text() == ACME
    assert window.context.undo_stack.undoText() == "Edit deal Welding cells, phase 2"

    user.press(deals.table, Qt.Key_Z, CTRL)
    assert shown(deals, "name") == ["Paint shop", "Welding cells"]


def test_a_double_click_edits_and_an_untouched_form_changes_nothing(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Welding cells", amount_minor=5_000_000)
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    index = deals.model.index(0, 0)
    user.click_row(deals.table, 0)  # a double click is a press, then the second click
    opened: list[str] = []

    def save_as_is(dialog: QDialog) -> None:
        opened.append(dialog.windowTitle())
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.qtbot.mouseDClick(
        deals.table.viewport(), Qt.LeftButton, pos=deals.table.visualRect(index).center()
    ), save_as_is)  # fmt: skip

    assert opened == ["Edit deal"]
    assert not window.context.undo_stack.canUndo()  # nothing changed, nothing to undo


def test_delete_in_the_deal_list_and_ctrl_z_brings_it_back(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop")
    add_deal(book, seed.acme, "Welding cells")
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    assert deals_tab(page) == "Deals (2)"
    user.click_row(deals.table, 0)

    user.expect_no_dialog(lambda: user.press(deals.table, Qt.Key_Delete))

    assert shown(deals, "name") == ["Welding cells"]
    assert deals_tab(page) == "Deals (1)"
    assert window.statusBar().currentMessage() == "Deleted Paint shop. Undo with Ctrl+Z."
    assert page.title.text() == ACME  # the account stays

    user.press(window, Qt.Key_Z, CTRL)

    assert shown(deals, "name") == ["Paint shop", "Welding cells"]
    assert deals_tab(page) == "Deals (2)"
    assert len(context.reader.records_of(OPPORTUNITY, seed.acme)) == 2


def test_each_account_shows_its_own_deals_and_an_empty_list_says_how_to_add_one(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop")
    add_deal(book, seed.acme, "Welding cells")
    add_deal(book, seed.bank, "Core banking")

    page = open_account(window, user, ACME)
    assert deals_tab(page) == "Deals (2)"
    assert not deals_of(page).empty.isVisibleTo(deals_of(page))
    page = open_account(window, user, BANK)
    assert deals_tab(page) == "Deals (1)"
    assert shown(deals_of(page), "name") == ["Core banking"]

    kind_ops.delete_record(book, OPPORTUNITY, listed_ids(page)[0])  # as another window would
    window.context.signals.records_did_change.emit("opportunity", seed.bank)

    deals = deals_of(page)
    assert deals_tab(page) == "Deals (0)"
    assert deals.empty.isVisibleTo(deals)
    assert deals.empty.text() == "No deals yet.\nAdd one: Ctrl+Shift+D."
    assert not deals.edit_button.isEnabled()


def test_ctrl_shift_d_without_an_account_says_what_it_needs(window: MainWindow, user: User) -> None:
    user.expect_no_dialog(lambda: user.press(window, Qt.Key_D, CTRL_SHIFT))
    assert window.statusBar().currentMessage() == (
        "Select an account first: New deal works on the selected account."
    )


def test_the_deal_action_is_listed_among_the_shortcuts(window: MainWindow) -> None:
    from kamdesk.ui.shortcuts import shortcut_rows

    assert ("Ctrl+Shift+D", "New deal") in shortcut_rows(window.actions())
    assert window.new_record_actions["opportunity"] in window.file_menu.actions()


def test_a_language_switch_relabels_the_tab_the_headers_and_the_values(
    window: MainWindow, user: User, book: Book, seed: Seed, qtbot: QtBot
) -> None:
    add_deal(
        book,
        seed.acme,
        "Paint shop",
        stage="compass.commercial",
        amount_minor=120_000_000,
        expected_close=dt.date(2026, 12, 31),
        owner_id=seed.zhou,
    )
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    header = deals.model.header_model()
    owner = column_of(deals, "owner_id")
    assert header.horizontalHeaderItem(owner).text() == "Owner"

    switch_language(qtbot, "zh_CN")

    assert deals_tab(page) == _("{records} ({count})").format(records=_("Deals"), count=1)
    assert header.horizontalHeaderItem(owner).text() == "负责人"
    assert header.horizontalHeaderItem(column_of(deals, "stage")).text() == "阶段"
    assert shown(deals, "stage") == ["商务"]
    assert shown(deals, "status") == ["进行中"]
    assert shown(deals, "expected_close") == ["2026年12月31日"]
    assert shown(deals, "amount_minor") == ["¥1,200,000.00"]
    assert deals.add_button.text() == "添加…"

    switch_language(qtbot, "en")
    assert deals_tab(page) == "Deals (1)"
    assert header.horizontalHeaderItem(owner).text() == "Owner"
    assert shown(deals, "stage") == ["Commercial"]


def test_a_date_being_typed_follows_a_language_switch(
    window: MainWindow, user: User, qtbot: QtBot
) -> None:
    open_account(window, user, ACME)
    seen: list[str] = []

    def fill(dialog: QDialog) -> None:
        date = field(dialog, QLineEdit, "expected_close")
        user.type(date, "Dec 31, 2026")
        switch_language(qtbot, "zh_CN")
        seen.append(date.text())
        switch_language(qtbot, "en")
        seen.append(date.text())

    user.answer(lambda: user.press(window, Qt.Key_D, CTRL_SHIFT), fill)

    assert seen == ["2026年12月31日", "Dec 31, 2026"]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_deals_tab_screenshot(
    window: MainWindow,
    user: User,
    book: Book,
    seed: Seed,
    qtbot: QtBot,
    tmp_path: Path,
    language: str,
) -> None:
    """The Deals tab in both languages (written to ``$KAMDESK_UI_SCREENSHOTS`` to look at)."""
    add_deal(
        book,
        seed.acme,
        "Paint shop robots",
        stage="compass.commercial",
        amount_minor=120_000_000,
        expected_close=dt.date(2026, 12, 31),
        owner_id=seed.zhou,
    )
    add_deal(
        book,
        seed.acme,
        "焊装线改造二期",
        stage_model="project",
        stage="project.tender",
        amount_minor=860_000_000,
        expected_close=dt.date(2027, 3, 15),
        owner_id=seed.chen,
    )
    add_deal(
        book,
        seed.acme,
        "Spare parts framework",
        stage="compass.closing",
        status="won",
        probability=100,
    )
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    switch_language(qtbot, language)

    folder = Path(os.environ.get("KAMDESK_UI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    picture = window.grab()
    assert picture.save(str(folder / f"account-deals-{language}.png"))

    assert not picture.isNull()
    header = deals.table.horizontalHeader()
    for column in range(deals.model.columnCount()):
        # Every title fits its column, in both languages.
        assert header.sectionSize(column) >= header.sectionSizeHint(column)
    clipped = [
        b.text()
        for b in window.findChildren(QAbstractButton)
        if b.isVisible() and b.text() and b.width() < b.sizeHint().width()
    ]
    assert clipped == []


@pytest.fixture
def read_only_window(
    qtbot: QtBot, tmp_path: Path, template_book_file: Path, settings: Settings
) -> Iterator[MainWindow]:
    """The seeded book with one deal, marked read-only on disk, in the window."""
    path = tmp_path / "shared.kamdesk"
    shutil.copyfile(template_book_file, path)
    with Book.open(path) as writable:
        add_deal(writable, seed_book(writable).acme, "Paint shop")
    path.chmod(0o444)
    try:
        with Book.open(path, create=True) as book:
            yield from open_window(qtbot, build_context(book, settings))
    finally:
        path.chmod(0o644)


def test_a_read_only_book_lists_its_deals_and_offers_no_edits(
    read_only_window: MainWindow, user: User
) -> None:
    window = read_only_window
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    assert shown(deals, "name") == ["Paint shop"]
    assert not window.new_record_actions["opportunity"].isEnabled()
    user.expect_no_dialog(lambda: user.press(window, Qt.Key_D, CTRL_SHIFT))
    said: list[str] = []

    user.answer(lambda: user.click(deals.add_button), lambda box: said.append(box.text()))

    assert said == [window.context.book.read_only_reason]
    assert shown(deals, "name") == ["Paint shop"]


def test_a_close_date_changed_elsewhere_meanwhile_is_asked_about_in_medium_dates(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    deal = add_deal(book, seed.acme, "Paint shop", expected_close=dt.date(2026, 12, 15))
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    user.click_row(deals.table, 0)
    asked: list[list[str]] = []

    def keep_mine(ask: ConflictDialog) -> None:
        asked.append([b.text() for b in ask.findChildren(QRadioButton)])
        ask.accept()

    def fill(dialog: QDialog) -> None:
        # Another window moves the date while this form is open.
        kind_ops.update_record(book, OPPORTUNITY, deal, {"expected_close": dt.date(2027, 1, 20)})
        retype(user, field(dialog, QLineEdit, "expected_close"), "2027-02-28")
        user.answer(lambda: user.press(dialog, Qt.Key_S, CTRL), keep_mine, kind=ConflictDialog)

    user.answer(lambda: user.press(deals.table, Qt.Key_F2), fill)

    assert asked == [["Jan 20, 2027", "Feb 28, 2027"]]
    stored = context.reader.record_of(OPPORTUNITY, deal)
    assert stored is not None and stored.values["expected_close"] == dt.date(2027, 2, 28)
    assert shown(deals, "expected_close") == ["Feb 28, 2027"]


def test_a_right_click_on_a_deal_offers_its_actions_with_their_keys(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop")
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    offered: list[tuple[str, bool]] = []

    def choose_delete() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        offered.extend((a.text(), a.isEnabled()) for a in menu.actions())
        next(a for a in menu.actions() if a.text().startswith("Delete")).trigger()
        menu.close()

    QTimer.singleShot(50, choose_delete)
    position = deals.table.visualRect(deals.model.index(0, 0)).center()
    deals.table.customContextMenuRequested.emit(position)  # as a right click does

    assert offered == [("Edit…\tF2", True), ("Add…\tCtrl+Shift+D", True), ("Delete\tDel", True)]
    assert context.reader.records_of(OPPORTUNITY, seed.acme) == []
    assert deals_tab(page) == "Deals (0)"


def test_a_close_date_can_be_picked_from_the_calendar_by_keyboard(
    window: MainWindow, user: User
) -> None:
    open_account(window, user, ACME)
    seen: list[str] = []

    def fill(dialog: QDialog) -> None:
        close = field(dialog, QLineEdit, "expected_close")
        close.setFocus()
        user.type(close, "2026-12-31")
        user.press(close, Qt.Key_Down, Qt.AltModifier)
        calendar = QApplication.activePopupWidget()
        assert isinstance(calendar, QCalendarWidget)
        days = QApplication.focusWidget()  # the calendar's grid of days has the keyboard
        assert days is not None and calendar.isAncestorOf(days)
        user.press(days, Qt.Key_Right)  # the day after
        user.press(days, Qt.Key_Return)
        seen.append(close.text())
        seen.append(str(calendar.isVisible()))

    user.answer(lambda: user.press(window, Qt.Key_D, CTRL_SHIFT), fill)

    assert seen == ["Jan 1, 2027", "False"]


def test_a_right_click_on_the_deal_headers_hides_and_shows_columns(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop")
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    status = column_of(deals, "status")
    offered: list[str] = []

    def untick_status() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        offered.extend(a.text() for a in menu.actions())
        next(a for a in menu.actions() if a.text() == "Status").trigger()
        menu.close()

    QTimer.singleShot(50, untick_status)
    deals.table.horizontalHeader().customContextMenuRequested.emit(QPoint(5, 5))

    assert offered == [
        "Stage", "Amount", "Expected close", "Probability", "Owner", "Status", "Progress",
    ]  # fmt: skip
    assert deals.table.isColumnHidden(status)
    assert not deals.table.isColumnHidden(column_of(deals, "owner_id"))

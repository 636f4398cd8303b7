"""The proposal builder through the real window and a real book: what a rep does with it.

A proposal is made from the File menu, priced by typing into its cells while the figures
follow each keystroke, saved when a cell is left, undone with Ctrl+Z, refused when a value
makes no sense, sent (and then frozen), copied into a new version, compared with the sent
one, exported as a spreadsheet and saved as a PDF. Every key the builder gives out is
pressed here: Qt does nothing for a key two actions claim, and says so only as a warning,
which fails the suite.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kamdesk.kinds import kind as kind_named
from kamdesk.kinds.proposal import PROPOSAL_LINE, PROPOSAL_OPTION
from kamdesk.ops import accounts
from kamdesk.ops.kinds import create_record
from kamdesk.ops.proposals import new_proposal, proposal_document
from kamdesk.store.book import Book
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.pdf_preview import PdfPreviewDialog
from kamdesk.ui.proposal_builder import BUILDER_ACTIONS, ProposalBuilder
from kamdesk.ui.proposal_dialogs import CompareVersionsDialog, NewProposalDialog
from kamdesk.ui.proposal_tables import RowsPanel
from kamdesk.ui.shortcuts import ShortcutsDialog

from .conftest import ACME, Seed, User, rows, switch_language

CTRL = Qt.ControlModifier
CTRL_SHIFT = Qt.ControlModifier | Qt.ShiftModifier
CTRL_ALT = Qt.ControlModifier | Qt.AltModifier
TITLE = "Acme line automation"


# Helpers -------------------------------------------------------------------------------


def select_account(window: MainWindow, user: User, name: str) -> None:
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))


def activate(qtbot: QtBot, widget: QWidget) -> None:
    """Make a window active, as a window manager does when it opens or is clicked."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def the_builder(window: MainWindow) -> ProposalBuilder:
    builders = [b for b in window.findChildren(ProposalBuilder) if b.isVisible()]
    assert len(builders) == 1, f"{len(builders)} builders open"
    return builders[0]


def new_from_menu(window: MainWindow, user: User, qtbot: QtBot, title: str) -> ProposalBuilder:
    """File → New proposal… (Ctrl+Shift+R) on Acme, typed title, Create: the builder."""
    select_account(window, user, ACME)

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, NewProposalDialog)
        focus = QApplication.focusWidget()
        assert isinstance(focus, QLineEdit) and focus.objectName() == "field_title"
        focus.clear()
        user.type(focus, title)
        user.press(focus, Qt.Key_Return)

    user.answer(lambda: user.press(window, Qt.Key_R, CTRL_SHIFT), fill)
    builder = the_builder(window)
    qtbot.waitExposed(builder)
    activate(qtbot, builder)
    return builder


def option_page_of(builder: ProposalBuilder, name: str) -> Any:
    page = next(p for p in builder.option_pages if p.fields["name"].widget.text() == name)
    builder.tabs.setCurrentWidget(page)
    return page


def cell_editor(user: User, qtbot: QtBot, panel: RowsPanel, row: int, field: str) -> QLineEdit:
    """Open the editor of a cell, as F2 does, with the keyboard focus in it."""
    table = panel.table
    index = panel.model.index(row, panel.model.column_of(field))
    table.setFocus()
    table.setCurrentIndex(index)
    user.press(table, Qt.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    return editor


def retype(user: User, editor: QLineEdit, text: str) -> None:
    editor.selectAll()
    user.press(editor, Qt.Key_Backspace)
    user.type(editor, text)


def leave(user: User, editor: QWidget, key: Qt.Key = Qt.Key_Return) -> None:
    """Leave a cell's editor with Return (or Tab), which a table handles on its next turn."""
    user.press(editor, key)
    QApplication.processEvents()


def npv(builder: ProposalBuilder, option_id: str) -> str:
    return builder.figures.model.text_of("npv", option_id)


def stored_line(book: Book, line_id: str) -> dict[str, Any]:
    from kamdesk.store.reader import BookReader

    row = BookReader(book.db).record_of(PROPOSAL_LINE, line_id)
    assert row is not None
    return row.values


def priced_proposal(book: Book, seed: Seed, *, title: str = TITLE) -> tuple[str, str, str]:
    """A draft with one line and one benefit on its recommended option: (id, option, line)."""
    from kamdesk.store.reader import BookReader

    proposal_id = new_proposal(book, seed.acme, title=title, language="en")
    options = BookReader(book.db).records_of(PROPOSAL_OPTION, proposal_id)
    better = next(o for o in options if o.values["recommended"])
    line = create_record(
        book,
        PROPOSAL_LINE,
        better.id,
        {**PROPOSAL_LINE.defaults, "product": "Robot cell", "unit_price_minor": 10_000_000},
    )
    create_record(
        book,
        kind_named("proposal_benefit"),
        better.id,
        {"kind": "cost_saved", "description": "Less downtime", "starts_year": 1,
         "amount_per_year_minor": 6_000_000},
    )  # fmt: skip
    return proposal_id, better.id, line


def open_from_account_page(
    window: MainWindow, user: User, qtbot: QtBot, key: Qt.Key = Qt.Key_Return
) -> ProposalBuilder:
    """The account page's Proposals tab: the first proposal, opened with ``key``."""
    activate(qtbot, window)
    select_account(window, user, ACME)
    page = window.account_page
    panel = page.record_list("proposal")
    page.tabs.setCurrentWidget(panel)
    user.click_row(panel.table, 0)
    if key == Qt.Key_unknown:  # a double click on the row
        rect = panel.table.visualRect(panel.model.index(0, 0))
        qtbot.mouseDClick(panel.table.viewport(), Qt.LeftButton, pos=rect.center())
    else:
        user.press(panel.table, key)
    builder = the_builder(window)
    qtbot.waitExposed(builder)
    activate(qtbot, builder)
    return builder


@pytest.fixture
def close_builders(window: MainWindow) -> Iterator[None]:
    yield
    for builder in window.findChildren(ProposalBuilder):
        if shiboken6.isValid(builder):
            builder.close()


# Making one ----------------------------------------------------------------------------


def test_file_new_proposal_makes_a_draft_and_opens_it_in_the_builder(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, close_builders: None
) -> None:
    builder = new_from_menu(window, user, qtbot, TITLE)

    assert builder.fields["title"].widget.text() == TITLE
    assert builder.windowTitle() == f"Proposal: {TITLE} (version 1)"
    assert builder.version_label.text() == "Version 1, draft"
    assert [builder.tabs.tabText(i) for i in range(builder.tabs.count())] == [
        "Pains (0)", "Good", "Better ★", "Best", "Plan (0)", "Terms",
    ]  # fmt: skip
    assert not builder.banner.isVisible()
    # Sensible defaults: five years at 8 %, the account's currency.
    assert builder.fields["horizon_years"].widget.text() == "5"
    assert builder.fields["discount_rate"].widget.text() == "8"
    assert builder.fields["currency"].widget.currentText() == "CNY"
    # Before any line, the figures say what to do.
    assert builder.figures.empty.isVisible()
    panel = window.account_page.record_list("proposal")
    assert rows(panel.table) == [TITLE]


def test_pains_come_from_the_accounts_pain_points(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    accounts.update_account(
        book, seed.acme, {"pain_points": "- Robots stop twice a week\n- Spare parts take a month"}
    )
    builder = new_from_menu(window, user, qtbot, TITLE)

    assert rows(builder.pains.table) == ["Robots stop twice a week", "Spare parts take a month"]
    assert builder.tabs.tabText(0) == "Pains (2)"
    builder.close()
    # A double click on the account page's list opens it again, once.
    again = open_from_account_page(window, user, qtbot, Qt.Key_unknown)  # one builder
    assert rows(again.pains.table)[0] == "Robots stop twice a week"


# Typing, saving, undoing ---------------------------------------------------------------


def test_figures_follow_the_typing_and_the_cell_is_saved_when_left(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    proposal_id, option_id, line_id = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    page = option_page_of(builder, "Better")
    before = npv(builder, option_id)

    # Esc drops the typing, and the figures it moved come back.
    quantity = cell_editor(user, qtbot, page.lines, 0, "quantity")
    retype(user, quantity, "7")
    assert npv(builder, option_id) != before
    leave(user, quantity, Qt.Key_Escape)
    assert npv(builder, option_id) == before
    assert stored_line(book, line_id)["quantity"] == 1000

    quantity = cell_editor(user, qtbot, page.lines, 0, "quantity")
    retype(user, quantity, "3")
    typed_quantity = npv(builder, option_id)
    assert typed_quantity != before  # before the cell is left
    assert stored_line(book, line_id)["quantity"] == 1000  # nothing written yet
    leave(user, quantity)
    assert stored_line(book, line_id)["quantity"] == 3000

    price = cell_editor(user, qtbot, page.lines, 0, "unit_price_minor")
    retype(user, price, "50000")
    assert npv(builder, option_id) not in (typed_quantity, before)
    leave(user, price, Qt.Key_Tab)
    assert stored_line(book, line_id)["unit_price_minor"] == 5_000_000
    assert rows(page.lines.table, page.lines.model.column_of("unit_price_minor")) == [
        "CN¥50,000.00"
    ]
    assert rows(page.lines.table, page.lines.model.columnCount() - 1) == ["CN¥150,000.00"]
    saved_npv = npv(builder, option_id)

    # Closed (Ctrl+W) and opened again from the account page (F2): it was saved.
    user.press(builder, Qt.Key_W, CTRL)
    qtbot.waitUntil(lambda: not builder.isVisible())
    again = open_from_account_page(window, user, qtbot, Qt.Key_F2)
    page = option_page_of(again, "Better")
    assert rows(page.lines.table, page.lines.model.column_of("quantity")) == ["3"]
    assert npv(again, option_id) == saved_npv

    # Ctrl+Z undoes the price, then Ctrl+Shift+Z does it again.
    page.lines.table.setFocus()
    user.press(page.lines.table, Qt.Key_Z, CTRL)
    assert stored_line(book, line_id)["unit_price_minor"] == 10_000_000
    assert rows(page.lines.table, page.lines.model.column_of("unit_price_minor")) == [
        "CN¥100,000.00"
    ]
    assert npv(again, option_id) != saved_npv
    user.press(page.lines.table, Qt.Key_Z, CTRL_SHIFT)
    assert stored_line(book, line_id)["unit_price_minor"] == 5_000_000
    assert npv(again, option_id) == saved_npv
    document = proposal_document(book, proposal_id, dt.date.today())
    better = next(o for o in document.options if o.id == option_id)
    assert better.lines[0].quantity == Decimal(3)


def test_a_header_field_moves_every_options_figures_as_it_is_typed(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    proposal_id, option_id, _line = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    rate = builder.fields["discount_rate"].widget
    assert isinstance(rate, QLineEdit)
    before = npv(builder, option_id)

    rate.setFocus()
    retype(user, rate, "12")
    assert npv(builder, option_id) != before
    user.press(rate, Qt.Key_Return)

    document = proposal_document(book, proposal_id, dt.date.today())
    assert document.economics.discount_rate == Decimal(12)


def test_rows_are_added_with_ctrl_n_and_removed_with_delete(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    _proposal, _option_id, _line = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    page = option_page_of(builder, "Better")
    table = page.lines.table
    table.setFocus()

    user.press(table, Qt.Key_N, CTRL)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)  # typing the new line's name straight away
    retype(user, editor, "Training")
    leave(user, editor)
    assert rows(table) == ["Robot cell", "Training"]

    table.setFocus()
    table.setCurrentIndex(page.lines.model.index(1, 0))
    user.press(table, Qt.Key_Delete)
    assert rows(table) == ["Robot cell"]
    assert "Undo with Ctrl+Z" in builder.statusBar().currentMessage()
    user.press(table, Qt.Key_Z, CTRL)
    assert rows(table) == ["Robot cell", "Training"]


# Refusals ------------------------------------------------------------------------------


def test_a_discount_above_100_is_refused_at_the_cell_and_nothing_is_written(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    _proposal, option_id, line_id = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    page = option_page_of(builder, "Better")
    before = npv(builder, option_id)
    steps = window.context.undo_stack.count()

    discount = cell_editor(user, qtbot, page.lines, 0, "discount")
    retype(user, discount, "150")
    assert page.lines.error.isVisible()
    assert page.lines.error.text() == "Discount cannot be above 100 %."
    assert npv(builder, option_id) == before  # the refused value moves no figure
    leave(user, discount)

    assert page.lines.error.text() == "Discount cannot be above 100 %."
    assert stored_line(book, line_id)["discount"] == 0
    assert window.context.undo_stack.count() == steps
    assert rows(page.lines.table, page.lines.model.column_of("discount")) == ["0 %"]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("horizon_years", "0", "Horizon in years cannot be below 1."),
        ("discount_rate", "-100", "The customer's discount rate must be above −100 %."),
        ("discount_rate", "lots", "“lots” is not a number."),
    ],
)
def test_a_bad_header_value_is_said_under_its_field(
    window: MainWindow,
    user: User,
    qtbot: QtBot,
    book: Book,
    seed: Seed,
    close_builders: None,
    field: str,
    typed: str,
    message: str,
) -> None:
    proposal_id, _option, _line = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    editor = builder.fields[field].widget
    assert isinstance(editor, QLineEdit)

    editor.setFocus()
    retype(user, editor, typed)
    leave(user, editor)

    error = builder.fields[field].error
    assert error.isVisible() and error.text() == message
    economics = proposal_document(book, proposal_id, dt.date.today()).economics
    assert (economics.horizon_years, economics.discount_rate) == (5, Decimal(8))


def test_a_price_too_large_for_the_money_column_is_refused(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    _proposal, _option, line_id = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    page = option_page_of(builder, "Better")

    price = cell_editor(user, qtbot, page.lines, 0, "unit_price_minor")
    retype(user, price, "9" * 16)
    leave(user, price)

    assert page.lines.error.text() == "Unit price is too large."
    assert stored_line(book, line_id)["unit_price_minor"] == 10_000_000


# Sending, versions, comparing -----------------------------------------------------------


def send(builder: ProposalBuilder, user: User) -> None:
    def confirm(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        assert "freezes this version" in box.informativeText()
        send_button = next(b for b in box.buttons() if b.text() == "Send")
        user.click(send_button)

    user.answer(lambda: user.press(builder, Qt.Key_Return, CTRL_SHIFT), confirm, kind=QMessageBox)


def test_sending_freezes_the_version_and_a_new_version_is_a_draft_to_compare(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    proposal_id, _option_id, line_id = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    send(builder, user)

    today = dt.date.today()
    assert builder.banner.isVisible()
    assert builder.banner_text.text() == (
        f"Sent on {today:%b} {today.day}, {today.year}. Make a new version to change it."
    )
    assert builder.read_only
    title = builder.fields["title"].widget
    assert isinstance(title, QLineEdit) and title.isReadOnly()
    page = option_page_of(builder, "Better")
    assert not page.lines.add_button.isVisible()
    cell = page.lines.model.index(0, 0)
    assert not page.lines.model.flags(cell) & Qt.ItemFlag.ItemIsEditable
    page.lines.table.setFocus()
    user.press(page.lines.table, Qt.Key_Delete)
    assert rows(page.lines.table) == ["Robot cell"]
    assert proposal_document(book, proposal_id, today).status == "sent"

    activate(qtbot, builder)
    user.press(builder, Qt.Key_V, CTRL_ALT)  # New version
    assert builder.proposal_id != proposal_id
    assert not builder.read_only and not builder.banner.isVisible()
    assert builder.version_label.text() == "Version 2, draft"
    page = option_page_of(builder, "Better")
    price = cell_editor(user, qtbot, page.lines, 0, "unit_price_minor")
    retype(user, price, "80000")
    leave(user, price)
    assert stored_line(book, line_id)["unit_price_minor"] == 10_000_000  # the sent one

    seen: list[tuple[str, str, str, str]] = []

    def read(dialog: QDialog) -> None:
        assert isinstance(dialog, CompareVersionsDialog)
        assert (
            dialog.older.currentText() == f"Version 1 (sent {today:%b} {today.day}, {today.year})"
        )
        assert dialog.newer.currentText() == "Version 2 (draft)"
        seen.extend(dialog.differences())

    user.answer(lambda: user.press(builder, Qt.Key_C, CTRL_ALT), read)
    assert ("Line 'Robot cell' (Better)", "Unit price", "CN¥100,000.00", "CN¥80,000.00") in [
        (w, f, o.replace("\xa0", ""), n.replace("\xa0", "")) for w, f, o, n in seen
    ], seen

    # Undo the price, then the new version itself: back on the sent version.
    builder.tabs.currentWidget().setFocus()
    user.press(builder, Qt.Key_Z, CTRL)
    user.press(builder, Qt.Key_Z, CTRL)
    assert builder.proposal_id == proposal_id
    assert builder.read_only and builder.banner.isVisible()


# Outputs --------------------------------------------------------------------------------


def test_the_spreadsheet_and_the_pdf_are_written_where_the_user_chooses(
    window: MainWindow,
    user: User,
    qtbot: QtBot,
    book: Book,
    seed: Seed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    close_builders: None,
) -> None:
    priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    suggested: list[str] = []
    targets = iter([tmp_path / "acme", tmp_path / "acme-proposal.pdf"])

    def choose(*args: Any) -> tuple[str, str]:
        suggested.append(Path(args[2]).name)
        return str(next(targets)), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    user.press(builder, Qt.Key_E, CTRL_SHIFT)  # Export spreadsheet…
    user.press(builder, Qt.Key_S, CTRL_SHIFT)  # Save PDF…

    assert suggested == [f"{TITLE} v1.xlsx", f"{TITLE} v1.pdf"]
    workbook = openpyxl.load_workbook(io.BytesIO((tmp_path / "acme.xlsx").read_bytes()))
    assert workbook.sheetnames
    pdf = PdfReader(tmp_path / "acme-proposal.pdf")
    text = "".join(page.extract_text() for page in pdf.pages)
    assert TITLE in text
    assert str(tmp_path / "acme-proposal.pdf") in builder.statusBar().currentMessage()


def test_preview_pdf_shows_the_proposal_in_the_app(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    seen: dict[str, Any] = {}

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, PdfPreviewDialog)
        qtbot.waitUntil(lambda: dialog.page_count() >= 1)
        seen.update(pages=dialog.page_count(), title=dialog.windowTitle())

    user.answer(lambda: user.press(builder, Qt.Key_P, CTRL_ALT), look, kind=PdfPreviewDialog)

    assert seen["pages"] >= 1
    assert seen["title"] == f"Preview: {TITLE} v1.pdf"


# Keys and languages ---------------------------------------------------------------------


def test_the_builders_keys_are_its_own_and_listed_on_f1(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    claimed: dict[str, str] = {}
    for action in builder.actions():
        for key in action.shortcuts():
            assert key.toString() not in claimed, key.toString()
            claimed[key.toString()] = action.text()
    shared = {  # undo, redo and the key list mean the same in both windows
        key.toString()
        for action in (builder.undo_action, builder.redo_action, builder.shortcuts_action)
        for key in action.shortcuts()
    }
    main_keys = {k.toString() for a in window.actions() for k in a.shortcuts()}
    assert (set(claimed) & main_keys) <= shared
    assert {key for _name, key, _text in BUILDER_ACTIONS} <= set(claimed)

    listed: list[str] = []

    def read(dialog: QDialog) -> None:
        assert isinstance(dialog, ShortcutsDialog)
        listed.extend(dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount()))

    user.answer(lambda: user.press(builder, Qt.Key_F1), read)
    assert {"Send", "New version", "Compare versions", "Preview PDF", "Save PDF"} <= set(listed)
    assert "In a table: add a row" in listed


def clipped_buttons(widget: QWidget) -> list[str]:
    return [
        b.text()
        for b in widget.findChildren(QAbstractButton)
        if b.isVisible() and b.text() and b.width() < b.sizeHint().width()
    ]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_builder_screenshot(
    window: MainWindow,
    user: User,
    qtbot: QtBot,
    book: Book,
    seed: Seed,
    tmp_path: Path,
    close_builders: None,
    language: str,
) -> None:
    proposal_id, option_id, _line = priced_proposal(book, seed, title="华东 line automation")
    builder = open_from_account_page(window, user, qtbot)
    option_page_of(builder, "Better")
    switch_language(qtbot, language)

    folder = Path(os.environ.get("KAMDESK_UI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    picture = builder.grab()
    assert picture.save(str(folder / f"proposal-builder-{language}.png"))
    assert clipped_buttons(builder) == []
    assert npv(builder, option_id)
    del proposal_id


def test_a_long_text_is_saved_when_it_is_left(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    proposal_id, _option, _line = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    builder.tabs.setCurrentIndex(builder.tabs.count() - 1)
    why_us = builder.fields["why_us"].widget
    assert isinstance(why_us, QPlainTextEdit)

    why_us.setFocus()
    user.type(why_us, "Ten plants run our cells")
    builder.fields["payment_terms"].widget.setFocus()

    assert proposal_document(book, proposal_id, dt.date.today()).why_us == (
        "Ten plants run our cells"
    )


def test_a_deals_competitors_show_beside_why_us(
    window: MainWindow,
    user: User,
    qtbot: QtBot,
    book: Book,
    seed: Seed,
    context: AppContext,
    close_builders: None,
) -> None:
    deal = create_record(
        book,
        kind_named("opportunity"),
        seed.acme,
        {"name": "Line 4 robots", "currency": "CNY"},
    )
    create_record(book, kind_named("deal_competitor"), deal, {"name": "RoboCorp"})
    proposal_id = new_proposal(book, seed.acme, title=TITLE, opportunity_id=deal)
    builder = ProposalBuilder(context, proposal_id, window)
    builder.show()

    assert builder.fields["opportunity_id"].widget.currentText() == "Line 4 robots"
    assert [builder.competitors.item(i).text() for i in range(builder.competitors.count())] == [
        "RoboCorp"
    ]
    compared = builder.fields["competitor_name"].widget
    assert isinstance(compared, QLineEdit)
    completer = compared.completer()
    assert completer is not None
    assert completer.model().index(0, 0).data() == "RoboCorp"  # offered as it is typed


def test_options_are_two_or_three_and_one_is_recommended(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    _proposal, _option, _line = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    best = option_page_of(builder, "Best")
    assert not best.add_option_button.isEnabled()  # three already

    user.click(best.fields["recommended"].widget)
    assert [builder.tabs.tabText(i) for i in (1, 2, 3)] == ["Good", "Better", "Best ★"]
    builder.tabs.currentWidget().setFocus()
    user.press(builder, Qt.Key_Z, CTRL)  # one step puts both marks back
    assert [builder.tabs.tabText(i) for i in (1, 2, 3)] == ["Good", "Better ★", "Best"]

    best = option_page_of(builder, "Best")
    user.click(best.remove_option_button)
    assert [p.fields["name"].widget.text() for p in builder.option_pages] == ["Good", "Better"]
    page = builder.option_pages[0]
    assert not page.remove_option_button.isEnabled()  # two stay
    user.click(page.add_option_button)
    assert [p.fields["name"].widget.text() for p in builder.option_pages] == [
        "Good", "Better", "Option 3",
    ]  # fmt: skip
    assert builder.tabs.currentWidget() is builder.option_pages[2]


def test_a_line_paid_in_a_later_year_moves_that_years_flow_as_it_is_typed(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, close_builders: None
) -> None:
    _proposal, option_id, line_id = priced_proposal(book, seed)
    builder = open_from_account_page(window, user, qtbot)
    page = option_page_of(builder, "Better")
    flows = builder.figures.model
    assert flows.text_of("net_flow:0", option_id) == "-CN¥100,000.00"

    year = cell_editor(user, qtbot, page.lines, 0, "year")
    retype(user, year, "2")
    assert flows.text_of("net_flow:0", option_id) == "CN¥0.00"  # not at signing any more
    assert flows.text_of("net_flow:2", option_id) == "-CN¥40,000.00"  # 60,000 − 100,000
    leave(user, year)

    assert stored_line(book, line_id)["year"] == 2
    assert rows(page.lines.table, page.lines.model.column_of("year")) == ["2"]


def test_on_a_read_only_book_the_builder_shows_and_edits_nothing(
    qtbot: QtBot, tmp_path: Path, template_book_file: Path, settings: Any
) -> None:
    import shutil

    from kamdesk.ui.app import build_context

    from .conftest import back_to_english, seed_book

    path = tmp_path / "shared.kamdesk"
    shutil.copyfile(template_book_file, path)
    with Book.open(path) as writable:
        proposal_id, _option, _line = priced_proposal(writable, seed_book(writable))
    path.chmod(0o444)
    try:
        with Book.open(path, create=True) as book:
            builder = ProposalBuilder(build_context(book, settings), proposal_id)
            qtbot.addWidget(builder)
            builder.show()
            page = option_page_of(builder, "Better")

            assert builder.read_only
            assert not builder.actions_by_name["send"].isEnabled()
            assert not page.lines.add_button.isVisible()
            assert not page.lines.model.flags(page.lines.model.index(0, 0)) & (
                Qt.ItemFlag.ItemIsEditable
            )
            title = builder.fields["title"].widget
            assert isinstance(title, QLineEdit) and title.isReadOnly()
            builder.close()
            back_to_english()
    finally:
        path.chmod(0o644)

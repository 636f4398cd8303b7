"""The Conflicts view, the list's markers and the page's banner, on real conflicts.

The app's book is one laptop; a second book (another laptop, its own device id) edits
the same fields, and the two exchange their entries as a sync would. Every conflict here
is one a merge really kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, TypeVar

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kamdesk.i18n import _
from kamdesk.kinds import kind
from kamdesk.ops.accounts import delete_account, update_account
from kamdesk.ops.conflicts import open_conflicts
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.stakeholders import update_stakeholder
from kamdesk.store.book import Book
from kamdesk.ui.account_list import AccountListPanel
from kamdesk.ui.account_page import AccountPage
from kamdesk.ui.conflicts_view import (
    CHOICE_ROLE,
    ConflictsWindow,
    MergedTextDialog,
    writer_text,
)
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import date_time_text, money_text
from tests.sync.books import deliver, new_device_book
from tests.ui.conftest import ACME, GROUP, SUZHOU, Seed, User, button, switch_language

W = TypeVar("W", bound=QWidget)
DEAL = kind("opportunity")
ALICE_NOTES = "Wants a pilot line in Suzhou"
BOB_NOTES = "Budget approved for 2027"


@pytest.fixture
def laptop(template_book_file: Path, tmp_path: Path, book: Book, seed: Seed) -> Iterator[Book]:
    """Another laptop of the team, which has received the seeded book."""
    other = new_device_book(template_book_file, tmp_path / "bob.kamdesk")
    deliver(book, other)
    yield other
    other.close()


class Show(Protocol):
    """Shows a widget (see the ``shown`` fixture)."""

    def __call__(self, widget: W) -> W: ...


@pytest.fixture
def shown(qtbot: QtBot, context: AppContext) -> Iterator[Show]:
    """Shows a widget on the test's book, and deletes it before the book closes.

    A live widget hears every later language switch and would read a closed book.
    """
    made: list[QWidget] = []

    def show(widget: W) -> W:
        made.append(widget)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    yield show
    for widget in made:
        if shiboken6.isValid(widget):
            shiboken6.delete(widget)


def exchange(book: Book, other: Book) -> None:
    deliver(book, other)
    deliver(other, book)


def conflicting_notes(book: Book, other: Book, account_id: str) -> None:
    update_account(book, account_id, {"notes": ALICE_NOTES})
    update_account(other, account_id, {"notes": BOB_NOTES})
    exchange(book, other)


def notes_of(book: Book, account_id: str) -> str:
    row = book.db.execute("SELECT notes FROM account WHERE id = ?", (account_id,)).fetchone()
    return str(row[0])


def texts(item: QTreeWidgetItem) -> list[str]:
    return [item.text(column) for column in range(3)]


def value_rows(view: ConflictsWindow) -> list[QTreeWidgetItem]:
    return view._value_items()


def test_each_value_is_listed_with_its_writer_and_time(
    shown: Show, qtbot: QtBot, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    conflicting_notes(book, laptop, seed.acme)
    (conflict,) = open_conflicts(book)

    view = shown(ConflictsWindow(context))

    record = view.tree.topLevelItem(0)
    assert record is not None
    assert record.text(0) == f"Account · {ACME}"
    field = record.child(0)
    assert field.text(0) == "Notes"
    now, other = (field.child(i) for i in range(field.childCount()))
    mine = conflict.current == ALICE_NOTES
    assert texts(now) == [
        f"{conflict.current}  (now)",
        "This computer" if mine else f"Device {laptop.device_id[:8]}",
        date_time_text(conflict.current_written_at),
    ]
    assert texts(other) == [
        conflict.value,
        f"Device {laptop.device_id[:8]}" if mine else "This computer",
        date_time_text(conflict.written_at),
    ]
    assert view.keep_button(other).text() == "Keep this one"
    assert writer_text(context, book.device_id) == "This computer"
    assert not view.empty.isVisible()


def test_keep_this_one_writes_it_and_the_conflict_disappears_here_and_there(
    shown: Show, qtbot: QtBot, user: User, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    conflicting_notes(book, laptop, seed.acme)
    (conflict,) = open_conflicts(book)
    view = shown(ConflictsWindow(context))
    losing = next(i for i in value_rows(view) if i.data(0, CHOICE_ROLE).keep_value)

    with qtbot.waitSignal(context.signals.account_did_change) as told:
        user.click(view.keep_button(losing))

    assert told.args == [seed.acme]
    assert value_rows(view) == []
    assert view.empty.isVisible()
    assert view.empty.text() == "No conflicts: every synced change merged cleanly."
    assert notes_of(book, seed.acme) == conflict.value
    deliver(book, laptop)
    assert open_conflicts(laptop) == []
    assert notes_of(laptop, seed.acme) == conflict.value


def test_a_merged_text_replaces_both(
    shown: Show, qtbot: QtBot, user: User, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    conflicting_notes(book, laptop, seed.acme)
    view = shown(ConflictsWindow(context))
    merge = view.tree.findChild(QPushButton, "merge_text")
    assert merge is not None and merge.text() == "Edit merged text…"
    merged = f"{ALICE_NOTES}. {BOB_NOTES}."

    def type_merged(dialog: MergedTextDialog) -> None:
        editor = dialog.findChild(QPlainTextEdit, "merged_text")
        assert ALICE_NOTES in editor.toPlainText() and BOB_NOTES in editor.toPlainText()
        editor.setPlainText(merged)
        user.click(button(dialog, QDialogButtonBox.StandardButton.Save))

    user.answer(lambda: user.click(merge), type_merged, kind=MergedTextDialog)

    assert value_rows(view) == []
    assert notes_of(book, seed.acme) == merged
    deliver(book, laptop)
    assert notes_of(laptop, seed.acme) == merged
    assert open_conflicts(laptop) == []


def test_a_merged_text_the_field_refuses_is_explained_and_nothing_changes(
    shown: Show, qtbot: QtBot, user: User, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    update_account(book, seed.acme, {"name": "Acme Robotics GmbH"})
    update_account(laptop, seed.acme, {"name": "Acme Robotics AG"})
    exchange(book, laptop)
    view = shown(ConflictsWindow(context))
    merge = view.tree.findChild(QPushButton, "merge_text")
    said: list[str] = []

    def empty_name(dialog: MergedTextDialog) -> None:
        dialog.editor.setPlainText("  ")
        user.click(button(dialog, QDialogButtonBox.StandardButton.Save))
        assert dialog.isVisible()  # still open, with the reason
        said.append(dialog.error.text())

    user.answer(lambda: user.click(merge), empty_name, kind=MergedTextDialog)

    assert said and said[0]
    assert len(value_rows(view)) == 2
    assert len(open_conflicts(book)) == 1


def test_no_conflicts_says_so(shown: Show, qtbot: QtBot, context: AppContext, seed: Seed) -> None:
    view = shown(ConflictsWindow(context))

    assert view.tree.topLevelItemCount() == 0
    assert view.empty.isVisible()
    assert view.empty.text() == "No conflicts: every synced change merged cleanly."


def test_up_down_move_between_values_enter_keeps_one_esc_closes(
    shown: Show, qtbot: QtBot, user: User, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    conflicting_notes(book, laptop, seed.acme)
    update_stakeholder(book, seed.alice, {"title": "Chief Technology Officer"})
    update_stakeholder(laptop, seed.alice, {"title": "CTO and COO"})
    exchange(book, laptop)
    view = shown(ConflictsWindow(context))
    values = value_rows(view)
    assert view.focusWidget() is view.tree
    assert len(values) == 4
    assert view.tree.currentItem() is values[0]

    user.press(view.tree, Qt.Key_Down)
    user.press(view.tree, Qt.Key_Down)
    assert view.tree.currentItem() is values[2]
    user.press(view.tree, Qt.Key_Up)
    assert view.tree.currentItem() is values[1]
    chosen = values[1].data(0, CHOICE_ROLE)

    user.press(view.tree, Qt.Key_Return)

    assert len(value_rows(view)) == 2  # that field's conflict is gone, the other stays
    assert view.isVisible()
    remaining = {c.column for c in open_conflicts(book)}
    assert chosen.conflict.column not in remaining
    user.press(view.tree, Qt.Key_Escape)
    assert not view.isVisible()


def test_the_list_marks_accounts_with_conflicts_until_they_are_resolved(
    shown: Show, qtbot: QtBot, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    conflicting_notes(book, laptop, seed.acme)
    panel = AccountListPanel(context)
    with qtbot.waitSignal(panel.did_finish_startup):
        shown(panel)
    model = panel.model
    acme = model.index(model.row_of(seed.acme), 0)
    bank = model.index(model.row_of(seed.bank), 0)

    assert acme.data(Qt.DecorationRole) is not None
    assert acme.data(Qt.ToolTipRole) == f"{ACME}\n⚠ 1 sync conflict"
    assert bank.data(Qt.DecorationRole) is None
    assert bank.data(Qt.ToolTipRole) == "Blue River Bank"

    view = shown(ConflictsWindow(context))
    view.keep(view._value_items()[0].data(0, CHOICE_ROLE))

    acme = model.index(model.row_of(seed.acme), 0)
    assert acme.data(Qt.DecorationRole) is None
    assert acme.data(Qt.ToolTipRole) == ACME


def test_the_page_banner_opens_the_accounts_conflicts_and_goes_away_once_resolved(
    shown: Show, qtbot: QtBot, user: User, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    conflicting_notes(book, laptop, seed.acme)
    update_account(book, seed.bank, {"notes": "ours"})
    update_account(laptop, seed.bank, {"notes": "theirs"})
    update_stakeholder(book, seed.alice, {"title": "Chief Technology Officer"})
    update_stakeholder(laptop, seed.alice, {"title": "CTO and COO"})
    exchange(book, laptop)
    page = shown(AccountPage(context))
    page.show_account(seed.acme)

    assert page.conflict_banner.isVisible()
    assert page.conflict_text.text() == "⚠ This account has 2 sync conflicts."
    assert page.review_conflicts_button.text() == "Review…"
    listed: list[set[str]] = []

    def resolve_all(view: ConflictsWindow) -> None:
        listed.append({c.record for c in view.conflicts()})
        while view._value_items():
            view.keep(view._value_items()[0].data(0, CHOICE_ROLE))

    user.answer(lambda: user.click(page.review_conflicts_button), resolve_all)

    assert listed == [{ACME, "Alice Walker"}]  # this account's only, not the bank's
    assert not page.conflict_banner.isVisible()
    page.show_account(seed.bank)
    assert page.conflict_text.text() == "⚠ This account has 1 sync conflict."


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_conflicts_screenshot(
    shown: Show,
    qtbot: QtBot,
    context: AppContext,
    book: Book,
    laptop: Book,
    seed: Seed,
    language: str,
) -> None:
    conflicting_notes(book, laptop, seed.acme)
    update_stakeholder(book, seed.alice, {"title": "首席技术官"})
    update_stakeholder(laptop, seed.alice, {"title": "CTO and COO"})
    update_account(book, seed.bank, {"tier": "A"})
    update_account(laptop, seed.bank, {"tier": "C"})
    exchange(book, laptop)
    view = shown(ConflictsWindow(context))
    view.resize(900, 460)
    switch_language(qtbot, language)

    folder = Path(os.environ.get("KAMDESK_DOCS_SCREENSHOTS") or qtbot_tmp(book))
    picture = view.grab()
    assert picture.save(str(folder / f"conflicts-{language}.png"))
    assert view.windowTitle() == _("Sync conflicts")
    assert view.keep_button(value_rows(view)[0]).text() == _("Keep this one")
    fields = {view.tree.topLevelItem(i).child(0).text(0) for i in range(3)}
    assert fields == {_("Notes"), _("Title"), _("Tier")}


def qtbot_tmp(book: Book) -> Path:
    """Beside the test's book, when the screenshots are not wanted in docs/."""
    return book.path.parent


def test_a_record_deleted_elsewhere_while_edited_here_can_be_kept_or_deleted_after_all(
    shown: Show, qtbot: QtBot, user: User, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    for account_id in (seed.wuxi, seed.suzhou, seed.group):  # the group, branches first
        delete_account(laptop, account_id)
    update_account(book, seed.group, {"notes": "Met the new CFO"})
    update_account(book, seed.suzhou, {"notes": "Plant 2 opens in May"})
    deliver(book, laptop)
    deliver(laptop, book, allow_mass_delete=True)
    view = shown(ConflictsWindow(context))
    group_rows = [
        i for i in value_rows(view) if i.data(0, CHOICE_ROLE).conflict.row_id == seed.group
    ]
    assert [i.parent().text(0) for i in group_rows] == ["Deleted", "Deleted"]
    kept, deleted = group_rows
    assert kept.text(0) == "Kept, with the edits made meanwhile  (now)"
    assert deleted.text(0) == "Deleted"
    assert deleted.text(1) == f"Device {laptop.device_id[:8]}"

    user.click(view.keep_button(deleted))  # its branch is still live: refused

    assert view.message.isVisible()
    assert view.message.text() == (
        "This account has 1 branch or subsidiary; move or delete it first."
    )
    assert len(value_rows(view)) == 4
    assert context.reader.account(seed.group) is not None

    suzhou_deleted = next(
        i
        for i in value_rows(view)
        if i.data(0, CHOICE_ROLE).conflict.row_id == seed.suzhou
        and i.data(0, CHOICE_ROLE).keep_value
    )
    user.click(view.keep_button(suzhou_deleted))
    deleted = next(
        i
        for i in value_rows(view)
        if i.data(0, CHOICE_ROLE).conflict.row_id == seed.group
        and i.data(0, CHOICE_ROLE).keep_value
    )
    user.click(view.keep_button(deleted))

    assert not view.message.isVisible()
    assert value_rows(view) == []
    assert context.reader.account(seed.group) is None
    deliver(book, laptop, allow_mass_delete=True)
    assert open_conflicts(laptop) == []


def test_a_deal_amount_shows_as_money_and_keeping_one_tells_the_deal_list(
    shown: Show, qtbot: QtBot, user: User, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    deal = create_record(book, DEAL, seed.acme, {"name": "Line 2 robots", "currency": "CNY"})
    deliver(book, laptop)
    update_record(book, DEAL, deal, {"amount_minor": 120_000_00, "currency": "CNY"})
    update_record(laptop, DEAL, deal, {"amount_minor": 20_000_00, "currency": "USD"})
    exchange(book, laptop)
    view = shown(ConflictsWindow(context))
    record = view.tree.topLevelItem(0)
    assert record is not None and record.text(0) == f"Deal · Line 2 robots ({ACME})"
    assert record.child(0).text(0) == "Amount"
    amounts = {i.text(0).removesuffix("  (now)") for i in value_rows(view)}
    assert amounts == {money_text(120_000_00, "CNY"), money_text(20_000_00, "USD")}
    assert view.tree.findChild(QPushButton, "merge_text") is None  # an amount is not typed
    losing = next(i for i in value_rows(view) if i.data(0, CHOICE_ROLE).keep_value)
    kept = losing.data(0, CHOICE_ROLE).conflict.value

    with qtbot.waitSignal(context.signals.records_did_change) as told:
        user.click(view.keep_button(losing))

    assert told.args == ["opportunity", seed.acme]
    stored = book.db.execute("SELECT amount_minor, currency FROM opportunity").fetchone()
    assert stored == (kept["amount_minor"], kept["currency"])


def test_a_sync_that_brings_conflicts_shows_them_in_the_view_the_list_and_the_page(
    shown: Show, qtbot: QtBot, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    view = shown(ConflictsWindow(context))
    panel = AccountListPanel(context)
    with qtbot.waitSignal(panel.did_finish_startup):
        shown(panel)
    page = shown(AccountPage(context))
    page.show_account(seed.acme)
    assert view.empty.isVisible() and not page.conflict_banner.isVisible()

    conflicting_notes(book, laptop, seed.acme)  # what a sync merges, then says it did
    context.signals.book_did_sync.emit()

    assert len(value_rows(view)) == 2
    assert not view.empty.isVisible()
    assert page.conflict_banner.isVisible()
    assert panel.model.conflict_count(seed.acme) == 1
    view.hide()  # a closed window reads the book again only once it is shown
    view.keep(view._value_items()[0].data(0, CHOICE_ROLE))
    update_account(book, seed.bank, {"notes": "ours"})
    update_account(laptop, seed.bank, {"notes": "theirs"})
    exchange(book, laptop)
    context.signals.book_did_sync.emit()
    view.show()
    assert [c.record for c in view.conflicts()] == ["Blue River Bank"]


def test_the_groups_tree_marks_them_too(
    shown: Show, qtbot: QtBot, context: AppContext, book: Book, laptop: Book, seed: Seed
) -> None:
    update_account(book, seed.suzhou, {"notes": "ours"})
    update_account(laptop, seed.suzhou, {"notes": "theirs"})
    exchange(book, laptop)
    panel = shown(AccountListPanel(context))
    panel.tabs.setCurrentIndex(1)
    assert panel.tree is not None
    panel.tree.expandAll()
    tree = panel.tree.model()
    group = next(
        tree.index(r, 0) for r in range(tree.rowCount()) if tree.index(r, 0).data() == GROUP
    )
    suzhou = next(
        tree.index(r, 0, group)
        for r in range(tree.rowCount(group))
        if tree.index(r, 0, group).data() == SUZHOU
    )
    assert suzhou.data(Qt.DecorationRole) is not None
    assert suzhou.data(Qt.ToolTipRole) == f"{SUZHOU}\n⚠ 1 sync conflict"
    assert group.data(Qt.DecorationRole) is None

    view = shown(ConflictsWindow(context))
    view.keep(view._value_items()[0].data(0, CHOICE_ROLE))

    assert tree.find(seed.suzhou).data(Qt.DecorationRole) is None

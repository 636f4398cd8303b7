"""Forms that mend their messages as the user fixes a value, the force that follows the
buying role, and the account page laid out for the default window size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLineEdit, QListWidget
from pytestqt.qtbot import QtBot

from kamdesk.ops import stakeholders, team
from kamdesk.store.book import Book
from kamdesk.ui.account_page import AccountPage
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.models.stakeholder_table import Column

from .conftest import ACME, BANK, Seed, User, button, choose, error_label, field, rows

SAVE = QDialogButtonBox.StandardButton.Save
CTRL_SHIFT = Qt.ControlModifier | Qt.ShiftModifier


def open_account(window: MainWindow, user: User, name: str) -> AccountPage:
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))
    return window.account_page


def offered(combo: QComboBox) -> list[object]:
    return [combo.itemData(i) for i in range(combo.count())]


# Messages under fields ------------------------------------------------------------------


def test_a_fixed_value_clears_its_message_and_its_mark(window: MainWindow, user: User) -> None:
    open_account(window, user, BANK)
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        amount = field(dialog, QLineEdit, "annual_revenue_minor")
        amount.selectAll()
        user.type(amount, "-5")
        user.click(button(dialog, SAVE))
        seen["refused"] = (
            error_label(dialog, "annual_revenue_minor").isVisible(),
            bool(amount.property("has_error")),
            dialog.message.isVisible(),
        )
        amount.selectAll()
        user.type(amount, "5")  # typing the fix is enough: no Save needed to see it is fine
        seen["fixed"] = (
            error_label(dialog, "annual_revenue_minor").isVisible(),
            bool(amount.property("has_error")),
            dialog.message.isVisible(),
        )

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen == {"refused": (True, True, True), "fixed": (False, False, False)}


def test_a_second_wrong_value_keeps_only_its_own_message(window: MainWindow, user: User) -> None:
    open_account(window, user, BANK)
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        name = field(dialog, QLineEdit, "name")
        amount = field(dialog, QLineEdit, "annual_revenue_minor")
        name.clear()
        amount.selectAll()
        user.type(amount, "-5")
        user.click(button(dialog, SAVE))
        user.type(name, "Blue River Bank")
        seen["name"] = error_label(dialog, "name").isVisible()
        seen["amount"] = error_label(dialog, "annual_revenue_minor").isVisible()
        seen["marked"] = [bool(w.property("has_error")) for w in (name, amount)]

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen == {"name": False, "amount": True, "marked": [False, True]}


# The force belongs to the buying role -----------------------------------------------------


def test_choosing_a_role_offers_only_its_forces_and_a_force_picks_its_role(
    window: MainWindow, user: User
) -> None:
    open_account(window, user, BANK)
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        role = field(dialog, QComboBox, "buying_role")
        force = field(dialog, QComboBox, "force")
        assert len(offered(force)) == 10  # nothing chosen: "—" and the nine forces
        choose(role, "TB")
        seen["tb"] = offered(force)
        choose(force, "T-FB")
        choose(role, "EB")  # the role changes: a TB force cannot stay
        seen["after_eb"] = (force.currentData(), offered(force))
        choose(role, None)
        choose(force, "C-CO")  # a coach's force, with no role chosen yet
        seen["role"] = role.currentData()

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL_SHIFT), fill)

    assert seen == {
        "tb": [None, "T-CA", "T-FB", "T-AB"],
        "after_eb": (None, [None, "E-DB", "E-PB"]),
        "role": "COACH",
    }


def test_an_inconsistent_pair_from_an_older_book_is_shown_not_changed(
    window: MainWindow, user: User, book: Book, seed: Seed, context: AppContext
) -> None:
    # An older KAMDesk stored a TB with an economic buyer's force: write it as it would.
    with book.write() as session:
        from kamdesk.models import Stakeholder

        brian = session.get(Stakeholder, seed.brian)
        assert brian is not None
        brian.force = "E-DB"
    page = open_account(window, user, ACME)
    user.click_row(page.stakeholders, rows(page.stakeholders).index("Brian Stone"))
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        force = field(dialog, QComboBox, "force")
        seen["shown"] = (field(dialog, QComboBox, "buying_role").currentData(), force.currentData())
        seen["message"] = error_label(dialog, "force").text()
        influence = field(dialog, QComboBox, "influence")
        choose(influence, 4)  # an unrelated change saves, and leaves the pair alone
        user.click(button(dialog, SAVE))
        seen["closed"] = not dialog.isVisible()

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen == {
        "shown": ("TB", "E-DB"),
        "message": "This force does not belong to the chosen buying role.",
        "closed": True,
    }
    stored = next(s for s in context.reader.stakeholders(seed.acme) if s.id == seed.brian)
    assert (stored.values["buying_role"], stored.values["force"]) == ("TB", "E-DB")
    assert stored.values["influence"] == 4


def test_the_book_refuses_a_force_of_another_role(book: Book, seed: Seed) -> None:
    from kamdesk.errors import ValidationError

    try:
        stakeholders.create_stakeholder(
            book, seed.acme, {"name": "Eve", "buying_role": "UB", "force": "T-CA"}
        )
    except ValidationError as error:
        assert set(error.errors) == {"force"}
    else:
        raise AssertionError("a UB with a TB's force was saved")
    assert "Eve" not in [s.name for s in stakeholders_of(book, seed.acme)]


def stakeholders_of(book: Book, account_id: str) -> list[object]:
    from kamdesk.store.reader import BookReader

    return list(BookReader(book.db).stakeholders(account_id))


# The account page at the default size ------------------------------------------------------


def test_name_role_attitude_influence_and_coverage_fit_side_by_side(
    window: MainWindow, user: User, qtbot: QtBot
) -> None:
    assert (window.width(), window.height()) == (1320, 820)
    page = open_account(window, user, ACME)
    table = page.stakeholders

    # Once the layout has settled (a turn of the event loop), nothing needs scrolling.
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible(), timeout=2000)
    shown = [c for c in Column if not table.isColumnHidden(c)]
    assert shown == [
        Column.NAME, Column.TITLE, Column.ROLE, Column.ATTITUDE, Column.INFLUENCE,
        Column.COVERED_BY,
    ]  # fmt: skip
    right_edge = max(table.columnViewportPosition(c) + table.columnWidth(c) for c in shown)
    assert right_edge <= table.viewport().width()
    for column in (Column.NAME, Column.ROLE, Column.ATTITUDE, Column.COVERED_BY):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column) or (
            table.columnWidth(column) >= 140
        )
    # The hidden details are one right-click away, and the role's force is in its tooltip.
    alice = rows(table).index("Alice Walker")
    assert page.stakeholder_model.index(alice, Column.ROLE).data(Qt.ToolTipRole) == (
        "E-DB final decision"
    )


def test_the_next_account_starts_at_the_left(window: MainWindow, user: User) -> None:
    page = open_account(window, user, ACME)
    page._show_column(Column.FORCE, True)
    page._show_column(Column.LEVEL, True)
    page._show_column(Column.REPORTS_TO, True)
    window.resize(900, 700)
    bar = page.stakeholders.horizontalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0

    open_account(window, user, BANK)

    assert bar.value() == 0


def test_only_decision_makers_are_marked_uncovered(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    page = open_account(window, user, ACME)
    model = page.stakeholder_model
    brian = rows(page.stakeholders).index("Brian Stone")  # a TB, middle management, uncovered

    assert model.index(brian, Column.COVERED_BY).data(Qt.BackgroundRole) is None
    assert "economic buyers (EB) and executives" in page.coverage_legend.text()

    stakeholders.update_stakeholder(book, seed.brian, {"level": "executive"})
    window.context.signals.stakeholders_did_change.emit(seed.acme)

    assert model.index(brian, Column.COVERED_BY).data(Qt.BackgroundRole) is not None
    assert page.coverage.text() == "Decision-maker coverage: 50% (1 of 2 covered)"


def test_long_texts_have_their_own_tab(window: MainWindow, user: User) -> None:
    page = open_account(window, user, ACME)
    texts = page.tabs.indexOf(page.texts)  # after the people and the deals
    assert page.tabs.tabText(0) == "Stakeholders (2)"
    assert page.tabs.tabText(texts) == "Procurement, pain points, notes (1)"
    assert "Robot arms for car plants" in page.texts.toPlainText()

    page = open_account(window, user, BANK)
    assert page.tabs.tabText(texts) == "Procurement, pain points, notes"
    assert page.texts_empty.text().startswith("Nothing written down yet.")


def test_the_covered_by_list_shows_a_team_of_nine_whole(
    window: MainWindow, user: User, book: Book
) -> None:
    for n in range(7):  # two in the seed: nine in all
        team.create_team_member(book, {"name": f"Member {n + 1}"})
    window.context.signals.team_did_change.emit()
    open_account(window, user, BANK)
    seen: dict[str, object] = {}

    def look(dialog: QDialog) -> None:
        members = field(dialog, QListWidget, "covered_by")
        seen["count"] = members.count()
        last = members.visualItemRect(members.item(members.count() - 1))
        seen["last_row_inside"] = last.bottom() <= members.viewport().height()

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL_SHIFT), look)

    assert seen == {"count": 9, "last_row_inside": True}

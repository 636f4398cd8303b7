"""A deal's own page, through the real window: its form, and beside it a tab for each
kind of record kept on a deal (its people, competitors and objections)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
)
from pytestqt.qtbot import QtBot

from kamdesk.kinds import kind, shown_on
from kamdesk.ops import kinds as kind_ops
from kamdesk.store.book import Book
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.record_list import RecordListPanel

from .conftest import ACME, Seed, User, choose, error_label, field, rows, switch_language
from .test_deals import add_deal, deals_of, open_account

CTRL = Qt.ControlModifier
DEAL = kind("opportunity")
PERSON = kind("deal_person")
COMPETITOR = kind("deal_competitor")
OBJECTION = kind("objection")


def tabs_of(dialog: QDialog) -> QTabWidget:
    tabs = dialog.findChild(QTabWidget)
    assert tabs is not None
    return tabs


def tab_titles(dialog: QDialog) -> list[str]:
    tabs = tabs_of(dialog)
    return [tabs.tabText(i) for i in range(tabs.count())]


def page_list(dialog: QDialog, kind_name: str) -> RecordListPanel:
    panel = dialog.findChild(RecordListPanel, f"{kind_name}_list")
    assert panel is not None, f"no {kind_name} tab"
    return panel


def open_tab(user: User, dialog: QDialog, kind_name: str) -> RecordListPanel:
    """Click the tab of ``kind_name``'s list on the deal's page."""
    panel = page_list(dialog, kind_name)
    tabs = tabs_of(dialog)
    bar = tabs.tabBar()
    user.qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(tabs.indexOf(panel)).center())
    assert tabs.currentWidget() is panel
    return panel


def on_deal_page(
    window: MainWindow, user: User, deal_name: str, handler: Callable[[QDialog], None]
) -> None:
    """Select the deal on Acme's Deals tab and press F2; ``handler`` acts on its page."""
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    user.click_row(deals.table, rows(deals.table).index(deal_name))
    user.answer(lambda: user.press(deals.table, Qt.Key_F2), handler)


def column(panel: RecordListPanel, field_name: str) -> list[str]:
    return rows(panel.table, [s.name for s in panel.model.columns].index(field_name))


def test_a_deal_has_a_tab_for_each_kind_kept_on_it_after_its_form(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop")
    seen: list[str] = []

    def look(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "Edit deal"
        seen.extend(tab_titles(dialog))

    on_deal_page(window, user, "Paint shop", look)
    # A checklist (the deal's milestones) counts those ticked of all.
    kept = [
        f"{k.plural} (0/16)" if k.name == "milestone" else f"{k.plural} (0)"
        for k in shown_on("opportunity")
    ]
    assert "People (0)" in kept
    assert seen == ["Profile", "Details", *kept, "Stage history"]


def test_a_person_added_to_a_deal_starts_from_their_card_and_may_differ_per_deal(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    paint = add_deal(book, seed.acme, "Paint shop")
    welding = add_deal(book, seed.acme, "Welding cells")

    def add_alice_as_technical_buyer(dialog: QDialog) -> None:
        people = open_tab(user, dialog, "deal_person")

        def fill(form: QDialog) -> None:
            assert form.windowTitle() == "New person"
            choose(field(form, QComboBox, "stakeholder_id"), seed.alice)
            # Her card: the economic buyer, final decision, supportive, influence 5.
            assert field(form, QComboBox, "buying_role").currentData() == "EB"
            assert field(form, QComboBox, "force").currentData() == "E-DB"
            assert field(form, QComboBox, "attitude").currentData() == "supportive"
            assert field(form, QComboBox, "influence").currentData() == 5
            # On this deal she is the technical buyer, and neutral.
            choose(field(form, QComboBox, "buying_role"), "TB")
            choose(field(form, QComboBox, "force"), "T-CA")
            choose(field(form, QComboBox, "attitude"), "neutral")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.press(people.table, Qt.Key_N, CTRL), fill)
        assert column(people, "stakeholder_id") == ["Alice Walker"]
        assert column(people, "buying_role") == ["Technical buyer (TB)"]
        assert tab_titles(dialog)[2] == "People (1)"
        # Closing the deal's form without saving keeps her on the deal: she was saved
        # when added.

    on_deal_page(window, user, "Paint shop", add_alice_as_technical_buyer)

    def add_alice_again(dialog: QDialog) -> None:
        people = open_tab(user, dialog, "deal_person")

        def fill(form: QDialog) -> None:
            choose(field(form, QComboBox, "stakeholder_id"), seed.alice)
            assert field(form, QComboBox, "buying_role").currentData() == "EB"
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.click(people.add_button), fill)
        assert column(people, "buying_role") == ["Economic buyer (EB)"]

    on_deal_page(window, user, "Welding cells", add_alice_again)

    [on_paint] = context.reader.records_of(PERSON, paint)
    [on_welding] = context.reader.records_of(PERSON, welding)
    assert (on_paint.values["buying_role"], on_paint.values["attitude"]) == ("TB", "neutral")
    assert (on_welding.values["buying_role"], on_welding.values["force"]) == ("EB", "E-DB")
    card = context.reader.stakeholder(seed.alice)
    assert card is not None and card.values["buying_role"] == "EB"  # her card is unchanged

    assert window.undo_action.text() == "Undo Add person Alice Walker"
    user.press(window, Qt.Key_Z, CTRL)
    assert context.reader.records_of(PERSON, welding) == []


def test_a_person_already_on_the_deal_is_refused_by_the_field(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    deal = add_deal(book, seed.acme, "Paint shop")
    kind_ops.create_record(book, PERSON, deal, {"stakeholder_id": seed.brian})

    def add_brian(dialog: QDialog) -> None:
        people = open_tab(user, dialog, "deal_person")
        # Only Acme's people are offered.
        offered: list[object] = []

        def fill(form: QDialog) -> None:
            person = field(form, QComboBox, "stakeholder_id")
            offered.extend(person.itemData(i) for i in range(person.count()))
            choose(person, seed.brian)
            user.press(form, Qt.Key_S, CTRL)
            assert form.isVisible()
            assert (
                error_label(form, "stakeholder_id").text() == "Brian Stone is already on this deal."
            )

        user.answer(lambda: user.click(people.add_button), fill)
        assert {o for o in offered if o} == {seed.alice, seed.brian}

    on_deal_page(window, user, "Paint shop", add_brian)
    assert len(context.reader.records_of(PERSON, deal)) == 1


def test_f2_and_delete_act_on_the_person_under_the_cursor(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    deal = add_deal(book, seed.acme, "Paint shop")
    kind_ops.create_record(book, PERSON, deal, {"stakeholder_id": seed.brian, "buying_role": "TB"})

    def edit_then_delete(dialog: QDialog) -> None:
        people = open_tab(user, dialog, "deal_person")
        user.click_row(people.table, 0)

        def edit(form: QDialog) -> None:
            assert form.windowTitle() == "Edit person"
            choose(field(form, QComboBox, "buying_role"), "COACH")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.press(people.table, Qt.Key_F2), edit)
        assert column(people, "buying_role") == ["Coach"]
        user.press(people.table, Qt.Key_Delete)
        assert people.model.row_count() == 0
        assert tab_titles(dialog)[2] == "People (0)"

    on_deal_page(window, user, "Paint shop", edit_then_delete)
    assert context.reader.records_of(PERSON, deal) == []
    user.press(window, Qt.Key_Z, CTRL)
    [back] = context.reader.records_of(PERSON, deal)
    assert back.values["buying_role"] == "COACH"


def test_a_competitor_is_added_with_its_standing_and_our_differentiation(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    deal = add_deal(book, seed.acme, "Paint shop")

    def add_sap(dialog: QDialog) -> None:
        competitors = open_tab(user, dialog, "deal_competitor")

        def fill(form: QDialog) -> None:
            assert form.windowTitle() == "New competitor"
            user.type(field(form, QLineEdit, "name"), "SAP")
            standing = field(form, QComboBox, "standing")
            assert standing.currentData() == "unknown"
            choose(standing, "leading")
            tabs_of(form).setCurrentIndex(1)  # the long texts
            user.type(field(form, QPlainTextEdit, "differentiation"), "Local team")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.press(competitors.table, Qt.Key_N, CTRL), fill)
        assert column(competitors, "name") == ["SAP"]
        assert column(competitors, "standing") == ["Leading"]
        assert column(competitors, "differentiation") == ["Local team"]
        assert "Competitors (1)" in tab_titles(dialog)

    on_deal_page(window, user, "Paint shop", add_sap)
    [sap] = context.reader.records_of(COMPETITOR, deal)
    assert (sap.values["standing"], sap.values["differentiation"]) == ("leading", "Local team")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "total cost of ownership (TCO)"), ("zh_CN", "总拥有成本（TCO）")],
)
def test_a_price_objection_suggests_the_standard_answer_in_the_steps_left_empty(
    window: MainWindow,
    user: User,
    book: Book,
    context: AppContext,
    seed: Seed,
    qtbot: QtBot,
    language: str,
    expected: str,
) -> None:
    deal = add_deal(book, seed.acme, "Paint shop")
    switch_language(qtbot, language)
    mine = "Brian compared our licence with a one-off fee."

    def add_objection(dialog: QDialog) -> None:
        objections = open_tab(user, dialog, "objection")

        def fill(form: QDialog) -> None:
            user.type(field(form, QLineEdit, "summary"), "Twice the local price")
            choose(field(form, QComboBox, "raised_by_id"), seed.brian)
            assert field(form, QComboBox, "status").currentData() == "open"
            tabs_of(form).setCurrentIndex(1)  # the five steps
            listen = field(form, QPlainTextEdit, "listen")
            listen.setFocus()
            user.type(listen, mine)
            choose(field(form, QComboBox, "type"), "price")
            assert expected in field(form, QPlainTextEdit, "process").toPlainText()
            assert field(form, QPlainTextEdit, "assure").toPlainText()
            assert listen.toPlainText() == mine  # typed by the rep: left alone
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.click(objections.add_button), fill)
        assert column(objections, "summary") == ["Twice the local price"]
        assert column(objections, "raised_by_id") == ["Brian Stone"]

    on_deal_page(window, user, "Paint shop", add_objection)
    [objection] = context.reader.records_of(OBJECTION, deal)
    assert objection.values["type"] == "price"
    assert objection.values["listen"] == mine
    assert expected in objection.values["process"]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_deal_page_screenshot(
    window: MainWindow,
    user: User,
    book: Book,
    seed: Seed,
    qtbot: QtBot,
    tmp_path: Path,
    language: str,
) -> None:
    """A deal's page in both languages (written to ``$KAMDESK_UI_SCREENSHOTS``)."""
    deal = add_deal(book, seed.acme, "Paint shop robots", amount_minor=120_000_000)
    kind_ops.create_record(
        book,
        PERSON,
        deal,
        {"stakeholder_id": seed.alice, "buying_role": "EB", "force": "E-DB", "influence": 5},
    )
    kind_ops.create_record(
        book, PERSON, deal, {"stakeholder_id": seed.brian, "buying_role": "TB", "force": "T-CA"}
    )
    kind_ops.create_record(
        book,
        COMPETITOR,
        deal,
        {"name": "Kuka", "standing": "level", "differentiation": "Our service team is local"},
    )
    kind_ops.create_record(
        book,
        OBJECTION,
        deal,
        {"summary": "Twice the local price", "type": "price", "raised_by_id": seed.brian},
    )
    folder = Path(os.environ.get("KAMDESK_UI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    pictures: list[bool] = []

    def shoot(dialog: QDialog) -> None:
        switch_language(qtbot, language)
        for kind_name in [k.name for k in shown_on("opportunity")]:
            panel = open_tab(user, dialog, kind_name)
            pictures.append(dialog.grab().save(str(folder / f"deal-{kind_name}-{language}.png")))
            assert panel.isVisible()
            clipped = [
                b.text()
                for b in dialog.findChildren(QAbstractButton)
                if b.isVisible() and b.text() and b.width() < b.sizeHint().width()
            ]
            assert clipped == []
        tabs_of(dialog).setCurrentIndex(0)
        pictures.append(dialog.grab().save(str(folder / f"deal-profile-{language}.png")))

        def steps(form: QDialog) -> None:
            user.type(field(form, QLineEdit, "summary"), "Budget frozen until Q2")
            choose(field(form, QComboBox, "type"), "time")
            tabs_of(form).setCurrentIndex(1)
            pictures.append(form.grab().save(str(folder / f"objection-steps-{language}.png")))

        objections = open_tab(user, dialog, "objection")
        user.answer(lambda: user.click(objections.add_button), steps)

    on_deal_page(window, user, "Paint shop robots", shoot)
    assert pictures and all(pictures)


def test_a_deals_page_says_how_long_it_sat_in_each_stage(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    from kamdesk.ui.stage_history import stage_history_text

    deals = kind("opportunity")
    deal = kind_ops.create_record(book, deals, seed.acme, {"name": "Arms", "currency": "CNY"})
    kind_ops.update_record(book, deals, deal, {"stage": "compass.solution"})
    with book.write() as session:  # the move into Solution was forty days ago
        from sqlmodel import select

        from kamdesk.models.opportunity import StageChange

        moves = session.exec(select(StageChange).where(StageChange.opportunity_id == deal)).all()
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=50)
        for days, move in zip((0, 10), sorted(moves, key=lambda m: m.changed_at), strict=True):
            move.changed_at = start + dt.timedelta(days=days)

    text = stage_history_text(window.context, deal)

    assert text.startswith("<b>Intent</b>: 10 days<br><b>Solution</b>: 40 days, now (since ")

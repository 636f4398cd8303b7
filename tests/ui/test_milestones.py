"""A deal's milestones through the real window: ticked on the deal's page, counted on the
deal's tab and in the Deals list, and shown with the next one on the pipeline's cards."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLineEdit

from kamdesk.kinds import kind
from kamdesk.store.book import Book
from kamdesk.ui.formatting import date_text
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.record_list import RecordListPanel

from .conftest import ACME, Seed, User, choose, error_label, field, rows
from .test_deal_page import column, on_deal_page, open_tab, tab_titles
from .test_deals import add_deal, deals_of, open_account, shown
from .test_pipeline import cards, open_pipeline

CTRL = Qt.ControlModifier
MILESTONE = kind("milestone")


def tick_first(user: User, deal_page: QDialog) -> None:
    """On the deal's Milestones tab, open the first milestone (F2), tick Done and save."""
    milestones = open_tab(user, deal_page, "milestone")
    user.click_row(milestones.table, 0)

    def tick(form: QDialog) -> None:
        assert form.windowTitle() == "Edit milestone"
        done = field(form, QCheckBox, "done")
        done.setFocus()
        user.press(done, Qt.Key_Space)
        assert done.isChecked()
        user.press(form, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(milestones.table, Qt.Key_F2), tick)


def test_a_milestone_ticked_on_the_deal_counts_on_its_tab_and_in_the_deals_list(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop")
    page = open_account(window, user, ACME)
    deals = deals_of(page)
    assert shown(deals, "progress") == ["0/16"]
    seen: dict[str, object] = {}

    def tick_and_look(dialog: QDialog) -> None:
        assert "Milestones (0/16)" in tab_titles(dialog)
        tick_first(user, dialog)
        milestones = open_tab(user, dialog, "milestone")
        seen["titles"] = tab_titles(dialog)
        seen["done"] = column(milestones, "done")[:2]
        seen["done_on"] = column(milestones, "done_on")[:2]
        seen["text"] = column(milestones, "text")[0]

    on_deal_page(window, user, "Paint shop", tick_and_look)

    assert "Milestones (1/16)" in seen["titles"]  # type: ignore[operator]
    assert seen["done"] == ["Yes", "No"]
    assert seen["done_on"] == [date_text(dt.date.today()), ""]
    assert seen["text"] == "The customer agrees there is a problem worth solving"
    assert shown(deals, "progress") == ["1/16"]

    user.press(window, Qt.Key_Z, CTRL)  # undo the tick
    assert shown(deals, "progress") == ["0/16"]


def test_a_pipeline_card_shows_the_progress_and_the_next_milestone(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop", stage="compass.intent")
    add_deal(book, seed.acme, "Welding cells", stage="compass.solution")
    on_deal_page(window, user, "Paint shop", lambda dialog: tick_first(user, dialog))

    pipeline = open_pipeline(window, user)
    try:
        [paint] = cards(pipeline, "compass.intent")
        assert paint.split("\n")[0] == "Paint shop"
        assert paint.split("\n")[4] == (
            "Milestones 1/16 · next: The customer has said what the problem costs the business"
        )
        [welding] = cards(pipeline, "compass.solution")
        # At the solution stage the next is that stage's first, whatever is left before.
        assert welding.split("\n")[4] == (
            "Milestones 0/16 · next: "
            "The customer has confirmed the requirements and selection criteria"
        )
    finally:
        pipeline.close()


def test_a_deal_with_no_milestones_left_says_so_on_its_card(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    from kamdesk.ops.kinds import update_record

    deal = add_deal(book, seed.acme, "Spare parts", stage="compass.closing")
    for row in window.context.reader.records_of(MILESTONE, deal):
        if row.values["stage"] == "compass.closing":
            update_record(book, MILESTONE, row.id, {"done": True})
    pipeline = open_pipeline(window, user)
    try:
        [card] = cards(pipeline, "compass.closing")
        assert card.split("\n")[4] == "Milestones 4/16, none left to answer"
    finally:
        pipeline.close()
    assert rows(deals_of(open_account(window, user, ACME)).table)[0] == "Spare parts"


def test_a_milestone_added_on_the_deal_starts_at_its_stage_and_another_models_is_refused(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    add_deal(book, seed.acme, "Paint shop", stage="compass.solution")
    seen: dict[str, object] = {}

    def add(dialog: QDialog) -> None:
        milestones = open_tab(user, dialog, "milestone")

        def fill(form: QDialog) -> None:
            assert form.windowTitle() == "New milestone"
            stage = field(form, QComboBox, "stage")
            assert stage.currentData() == "compass.solution"  # the deal's own stage
            user.type(field(form, QLineEdit, "text"), "The customer's IT accepts cloud hosting")
            choose(stage, "project.tender")
            user.press(form, Qt.Key_S, CTRL)
            assert form.isVisible()  # refused: nothing saved, the form stays
            seen["error"] = error_label(form, "stage").text()
            choose(stage, "compass.solution")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.press(milestones.table, Qt.Key_N, CTRL), fill)
        seen["texts"] = column(milestones, "text")
        seen["titles"] = tab_titles(dialog)

    on_deal_page(window, user, "Paint shop", add)

    assert seen["error"] == "This stage is not one of the deal's stage model: choose another."
    texts = seen["texts"]
    assert isinstance(texts, list) and len(texts) == 17
    # Last of the solution stage's: after its four, before the commercial ones.
    assert texts[8] == "The customer's IT accepts cloud hosting"
    assert texts[9] == "The customer has confirmed the budget and its source"
    assert "Milestones (0/17)" in seen["titles"]  # type: ignore[operator]


def test_the_team_rewords_a_template_and_the_next_deal_starts_with_it(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    old = add_deal(book, seed.acme, "Paint shop")
    seen: dict[str, object] = {}

    def templates(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "Milestone templates"
        panel = dialog.findChild(RecordListPanel, "milestone_template_list")
        assert panel is not None
        seen["count"] = panel.model.row_count()
        seen["first"] = rows(panel.table, 1)[:2]
        user.click_row(panel.table, 0)

        def reword(form: QDialog) -> None:
            text = field(form, QLineEdit, "text_en")
            text.clear()
            user.type(text, "The plant manager admits the line stops too often")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.click(panel.edit_button), reword)
        dialog.reject()

    user.answer(window.milestone_templates_action.trigger, templates)

    assert seen["count"] == 38  # 16 for the sales compass, 22 for project sales
    assert seen["first"] == [
        "The customer agrees there is a problem worth solving",
        "The customer has said what the problem costs the business",
    ]
    new = add_deal(book, seed.acme, "Welding cells")
    reader = window.context.reader
    assert reader.records_of(MILESTONE, new)[0].values["text"] == (
        "The plant manager admits the line stops too often"
    )
    assert reader.records_of(MILESTONE, old)[0].values["text"] == (
        "The customer agrees there is a problem worth solving"
    )


def test_a_visits_page_ticks_the_milestones_it_answered_on_its_day_and_undo_unticks(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    from PySide6.QtWidgets import QListWidget, QTabWidget

    from kamdesk.domain.visits import to_utc
    from kamdesk.ops.kinds import create_record

    deal = add_deal(book, seed.acme, "Paint shop")
    starts = to_utc(dt.datetime(2026, 11, 20, 9, 30), "Asia/Shanghai")
    values = {
        "title": "Pilot review",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=1),
        "time_zone": "Asia/Shanghai",
        "opportunity_id": deal,
    }
    create_record(book, kind("visit"), seed.acme, values)
    page = open_account(window, user, ACME)
    visits = page.record_list("visit")
    page.tabs.setCurrentWidget(visits)
    user.click_row(visits.table, 0)
    seen: dict[str, object] = {}

    def answer(dialog: QDialog) -> None:
        tabs = dialog.findChild(QTabWidget)
        assert tabs is not None
        answered = dialog.findChild(QListWidget, "answered_milestone_list")
        assert answered is not None
        tabs.setCurrentWidget(answered.parentWidget())
        assert answered.count() == 16
        assert answered.item(0).text() == (
            "Intent · The customer agrees there is a problem worth solving"
        )
        answered.setCurrentRow(0)
        answered.setFocus()
        user.press(answered, Qt.Key_Space)
        seen["ticked"] = answered.item(0).checkState() == Qt.CheckState.Checked
        seen["title"] = tabs.tabText(tabs.indexOf(answered.parentWidget()))

    user.answer(lambda: user.press(visits.table, Qt.Key_F2), answer)

    assert seen == {"ticked": True, "title": "Milestones answered (1)"}
    first = window.context.reader.records_of(MILESTONE, deal)[0]
    assert (first.values["done"], first.values["done_on"]) == (True, dt.date(2026, 11, 20))
    deals = deals_of(page)
    page.tabs.setCurrentWidget(deals)
    assert shown(deals, "progress") == ["1/16"]
    user.press(window, Qt.Key_Z, CTRL)  # undo the answer
    assert shown(deals, "progress") == ["0/16"]
    first = window.context.reader.records_of(MILESTONE, deal)[0]
    assert (first.values["done"], first.values["done_on"]) == (False, None)

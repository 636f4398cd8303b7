"""Team → Pipeline: the board by stage, the table, the filters and the weighted forecast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.qtbot import QtBot

from kamdesk.kinds.opportunity import OPPORTUNITY
from kamdesk.ops.kinds import create_record
from kamdesk.settings import DEFAULT_CURRENCY
from kamdesk.store.book import Book
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.pipeline import PipelineWindow, StageColumnView

from .conftest import Seed, User, menu_action, rows, switch_language


def add_deal(book: Book, account_id: str, **values: Any) -> str:
    """A deal added through the same action as the app's New deal form."""
    return create_record(book, OPPORTUNITY, account_id, values)


@pytest.fixture
def deals(book: Book, seed: Seed) -> dict[str, str]:
    """Five deals: three open compass deals (one in dollars), a project deal and a won one."""
    return {
        "robots": add_deal(
            book, seed.acme, name="Robot cells", owner_id=seed.zhou, amount_minor=80_000_000,
            currency="CNY", stage="compass.commercial", probability=60,
            expected_close=dt.date(2027, 2, 15),
        ),
        "mes": add_deal(
            book, seed.suzhou, name="MES 升级", owner_id=seed.chen, amount_minor=12_345_600,
            currency="CNY", stage="compass.intent", probability=10,
            expected_close=dt.date(2027, 5, 1),
        ),
        "cards": add_deal(
            book, seed.bank, name="Card platform", owner_id=seed.chen, amount_minor=5_000_000,
            currency="USD", stage="compass.commercial", probability=50,
        ),
        "warehouse": add_deal(
            book, seed.northwind, name="Warehouse WMS", amount_minor=30_000_000, currency="CNY",
            stage_model="project", stage="project.tender", probability=50,
            expected_close=dt.date(2027, 3, 31),
        ),
        "won": add_deal(
            book, seed.acme, name="Spare parts", owner_id=seed.zhou, amount_minor=1_000_000,
            currency="CNY", stage="compass.closing", probability=100, status="won",
            expected_close=dt.date(2026, 11, 20),
        ),
    }  # fmt: skip


def open_pipeline(window: MainWindow, user: User) -> PipelineWindow:
    """Press Ctrl+Shift+P in the main window; the pipeline window it opens."""
    user.press(window, Qt.Key_P, Qt.ControlModifier | Qt.ShiftModifier)
    pipeline = window.findChild(PipelineWindow)
    assert pipeline is not None and pipeline.isVisible()
    return pipeline


@pytest.fixture
def pipeline(
    qtbot: QtBot, window: MainWindow, user: User, deals: dict[str, str]
) -> Iterator[PipelineWindow]:
    shown = open_pipeline(window, user)
    yield shown
    if shiboken6.isValid(shown):
        shown.close()


def table_rows(pipeline: PipelineWindow) -> list[str]:
    """The deals the Table tab lists, as a user sees them on opening it."""
    pipeline.tabs.setCurrentWidget(pipeline.table)
    return rows(pipeline.table)


def board(pipeline: PipelineWindow) -> dict[str, tuple[str, list[str]]]:
    """Each column's header text (plain) and its cards' first lines (the deal names)."""
    columns = pipeline.findChildren(StageColumnView)
    ordered = [c for c in pipeline.columns if c in columns]
    return {
        c.stage: (c.header.text(), [line.split("\n")[0] for line in rows(c.cards)]) for c in ordered
    }


def cards(pipeline: PipelineWindow, stage: str) -> list[str]:
    column = next(c for c in pipeline.columns if c.stage == stage)
    return rows(column.cards)


def test_ctrl_shift_p_opens_the_board_by_stage_without_blocking_the_window(
    pipeline: PipelineWindow, window: MainWindow
) -> None:
    assert not pipeline.isModal()
    assert QApplication.activeModalWidget() is None
    assert pipeline.windowTitle() == "Pipeline"
    shown = board(pipeline)
    assert list(shown) == [
        "compass.intent", "compass.solution", "compass.commercial", "compass.closing",
    ]  # fmt: skip
    assert shown["compass.commercial"][1] == ["Robot cells", "Card platform"]
    assert shown["compass.intent"][1] == ["MES 升级"]
    assert shown["compass.solution"][1] == []
    assert shown["compass.closing"][1] == []  # the won deal is not open
    header = shown["compass.commercial"][0]
    assert "Commercial" in header and "2 deals" in header
    assert "CN¥800,000.00 · $50,000.00" in header
    assert "Weighted CN¥480,000.00 · $25,000.00" in header
    assert cards(pipeline, "compass.commercial")[0].split("\n") == [
        "Robot cells", "Acme Robotics", "CN¥800,000.00 · 60%", "Closes Feb 15, 2027",
        "Milestones 0/16 · next: The customer has confirmed the budget and its source",
    ]  # fmt: skip
    assert cards(pipeline, "compass.commercial")[1].split("\n")[3] == "No close date"


def test_the_footer_forecasts_in_the_users_currency_and_lists_the_others(
    pipeline: PipelineWindow, window: MainWindow
) -> None:
    # CNY: 800,000.00 × 60 % + 123,456.00 × 10 % = 480,000.00 + 12,345.60.
    footer = pipeline.footer.text()
    assert "Weighted forecast: <b>CN¥492,345.60</b> · $25,000.00" in footer
    assert "3 deals worth CN¥923,456.00 · $50,000.00" in footer

    window.context.settings.set(DEFAULT_CURRENCY, "USD")
    window.context.signals.settings_did_change.emit()
    assert "Weighted forecast: <b>$25,000.00</b> · CN¥492,345.60" in pipeline.footer.text()


def test_the_filters_narrow_board_table_and_forecast_alike(pipeline: PipelineWindow) -> None:
    menu_action(pipeline.owner_filter, "Chen Jing").trigger()
    assert board(pipeline)["compass.commercial"][1] == ["Card platform"]
    assert table_rows(pipeline) == ["MES 升级", "Card platform"]
    assert "Weighted forecast: <b>CN¥12,345.60</b> · $25,000.00" in pipeline.footer.text()

    menu_action(pipeline.quarter_filter, "2027 Q2").trigger()
    assert table_rows(pipeline) == ["MES 升级"]
    assert "Weighted forecast: <b>CN¥12,345.60</b><br>" in pipeline.footer.text()

    pipeline.clear_all_filters()
    menu_action(pipeline.stage_filter, "Commercial").trigger()
    assert table_rows(pipeline) == ["Robot cells", "Card platform"]
    pipeline.clear_all_filters()
    menu_action(pipeline.status_filter, "Won").trigger()  # open and won
    assert board(pipeline)["compass.closing"][1] == ["Spare parts"]
    assert len(table_rows(pipeline)) == 4


def test_the_close_quarters_offered_are_those_of_the_deals(pipeline: PipelineWindow) -> None:
    labels = [a.text() for a in pipeline.quarter_filter.fill_menu()]
    assert labels == ["2027 Q1", "2027 Q2", "No close date"]  # of the open deals shown

    menu_action(pipeline.status_filter, "Won").trigger()  # the won deals are read too

    labels = [a.text() for a in pipeline.quarter_filter.fill_menu()]
    assert labels == ["2026 Q4", "2027 Q1", "2027 Q2", "No close date"]


def test_the_project_model_has_its_six_stages(pipeline: PipelineWindow) -> None:
    pipeline.stage_model.setCurrentIndex(pipeline.stage_model.findData("project"))
    shown = board(pipeline)
    assert len(shown) == 6
    assert next(iter(shown)) == "project.development"
    assert shown["project.tender"][1] == ["Warehouse WMS"]
    assert "Weighted forecast: <b>CN¥150,000.00</b>" in pipeline.footer.text()
    assert pipeline.stage_filter.fill_menu()[0].text() == "Development"


def test_the_table_sorts_by_any_column(pipeline: PipelineWindow, user: User) -> None:
    pipeline.tabs.setCurrentWidget(pipeline.table)
    assert table_rows(pipeline) == ["Robot cells", "MES 升级", "Card platform"]  # by close
    user.click_header(pipeline.table, 6)  # Weighted: the user's currency first
    assert table_rows(pipeline) == ["MES 升级", "Robot cells", "Card platform"]
    user.click_header(pipeline.table, 6)
    assert table_rows(pipeline) == ["Card platform", "Robot cells", "MES 升级"]
    user.click_header(pipeline.table, 1)  # Account: Acme, Blue River, 苏州 (su…)
    assert rows(pipeline.table, 1) == ["Acme Robotics", "Blue River Bank", "苏州分公司"]


def double_click(qtbot: QtBot, view: QAbstractItemView, row: int) -> None:
    """Double-click a row as a mouse does: a press and release, then the double click."""
    centre = view.visualRect(view.model().index(row, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=centre)


def test_double_clicking_a_deal_selects_its_account(
    qtbot: QtBot, pipeline: PipelineWindow, window: MainWindow, seed: Seed
) -> None:
    column = next(c for c in pipeline.columns if c.stage == "compass.intent")
    double_click(qtbot, column.cards, 0)
    assert window.account_list.current_account_id() == seed.suzhou

    pipeline.tabs.setCurrentWidget(pipeline.table)
    double_click(qtbot, pipeline.table, 2)
    assert window.account_list.current_account_id() == seed.bank


def test_a_new_deal_shows_up_at_once(
    pipeline: PipelineWindow, window: MainWindow, book: Book, seed: Seed
) -> None:
    add_deal(
        book, seed.wuxi, name="Line 3", amount_minor=100, currency="CNY", stage="compass.solution"
    )
    window.context.signals.records_did_change.emit("opportunity", seed.wuxi)
    assert board(pipeline)["compass.solution"][1] == ["Line 3"]


def test_an_empty_book_says_how_deals_get_there(empty_window: MainWindow, user: User) -> None:
    pipeline = open_pipeline(empty_window, user)
    assert pipeline.board_stack.currentWidget() is pipeline.board_message
    assert pipeline.board_message.text().startswith("No open deals yet.")
    assert "Weighted forecast: <b>CN¥0.00</b>" in pipeline.footer.text()
    pipeline.close()


def test_a_filter_that_leaves_nothing_says_so(pipeline: PipelineWindow) -> None:
    menu_action(pipeline.owner_filter, "No owner").trigger()  # only the project deal
    assert pipeline.board_message.text().startswith("No deal matches the filters.")
    assert pipeline.table_empty.isVisibleTo(pipeline.table)
    pipeline.clear_all_filters()
    assert pipeline.board_stack.currentWidget() is pipeline.board


def test_the_pipeline_in_chinese(qtbot: QtBot, pipeline: PipelineWindow) -> None:
    switch_language(qtbot, "zh_CN")
    header = board(pipeline)["compass.commercial"][0]
    assert "商务" in header  # the stage's Chinese name, from the book's vocabulary
    assert "¥800,000.00" in header and "CN¥" not in header
    assert "2027年2月15日" in cards(pipeline, "compass.commercial")[0]
    assert pipeline.stage_model.currentText() == "销售罗盘（四阶段）"


def test_the_shortcut_is_listed_once(window: MainWindow) -> None:
    keys = [k.toString() for a in window.actions() for k in a.shortcuts()]
    assert keys.count("Ctrl+Shift+P") == 1
    assert window.pipeline_action in window.team_menu.actions()


def test_a_long_column_shows_its_first_cards_and_says_how_many_more(
    monkeypatch: pytest.MonkeyPatch, pipeline: PipelineWindow
) -> None:
    monkeypatch.setattr("kamdesk.ui.pipeline.CARDS_PER_COLUMN", 1)
    pipeline.refresh()
    column = next(c for c in pipeline.columns if c.stage == "compass.commercial")
    assert [line.split("\n")[0] for line in rows(column.cards)] == ["Robot cells"]
    assert not column.more.isHidden()
    assert column.more.text() == "1 more deal: see the Table tab"
    assert "2 deals" in column.header.text()  # the figures count every deal
    assert len(table_rows(pipeline)) == 3

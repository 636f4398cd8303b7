"""A visit's calendar export and pre-visit briefing, from the Visits tab of the real window."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import vobject
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from kamdesk.domain.visits import to_utc
from kamdesk.kinds import KINDS, kind
from kamdesk.ops import kinds as kind_ops
from kamdesk.store.book import Book
from kamdesk.ui.account_page import AccountPage
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.pdf_preview import PdfPreviewDialog
from kamdesk.ui.record_list import RecordListPanel
from kamdesk.ui.week_view import WeekView

from .conftest import ACME, Seed, User, rows, switch_language

pytestmark = pytest.mark.skipif(
    not any(k.name == "visit" for k in KINDS), reason="visits are not in this book's schema yet"
)

SHANGHAI = "Asia/Shanghai"


def add_visit(book: Book, seed: Seed) -> str:
    return kind_ops.create_record(
        book,
        kind("visit"),
        seed.acme,
        {
            "title": "Solution workshop",
            "starts_at": to_utc(dt.datetime(2026, 12, 8, 9, 30), SHANGHAI),
            "ends_at": to_utc(dt.datetime(2026, 12, 8, 11, 0), SHANGHAI),
            "time_zone": SHANGHAI,
            "place": "Acme HQ, room 4",
            "objective": "Agree the pilot scope",
            "attendees": (seed.alice, seed.brian),
            "our_attendees": (seed.zhou,),
        },
    )


def visits_tab(window: MainWindow, user: User) -> tuple[AccountPage, RecordListPanel]:
    table = window.account_list.table
    user.click_row(table, rows(table).index(ACME))
    page = window.account_page
    panel = page.record_list("visit")
    page.tabs.setCurrentWidget(panel)
    return page, panel


def own_button(panel: RecordListPanel, name: str) -> QPushButton:
    found = panel.findChild(QPushButton, name)
    assert found is not None, name
    return found


def test_export_to_calendar_writes_the_chosen_visit_where_the_user_says(
    window: MainWindow,
    user: User,
    book: Book,
    seed: Seed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    visit_id = add_visit(book, seed)
    _page, panel = visits_tab(window, user)
    export = own_button(panel, "export_visit_calendar")
    assert export.text() == "Export to calendar…"
    assert not export.isEnabled()  # no visit chosen yet
    asked: dict[str, Any] = {}

    def choose_file(*args: Any) -> tuple[str, str]:
        asked["suggested"] = args[2]
        return str(tmp_path / "workshop"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose_file)
    user.click_row(panel.table, 0)
    user.click(export)

    assert Path(asked["suggested"]).name == "Solution workshop.ics"
    written = tmp_path / "workshop.ics"
    event = vobject.readOne(written.read_text(encoding="utf-8")).vevent
    assert event.uid.value == f"{visit_id}@visit.kamdesk"
    assert event.dtstart.value.hour == 9
    assert {a.params["CN"][0] for a in event.attendee_list} == {
        "Alice Walker",
        "Brian Stone",
        "Zhou Min",
    }
    assert str(written) in window.statusBar().currentMessage()


def test_the_briefing_is_previewed_on_one_page_and_saved(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, tmp_path: Path
) -> None:
    add_visit(book, seed)
    _page, panel = visits_tab(window, user)
    user.click_row(panel.table, 0)
    seen: dict[str, Any] = {}
    target = tmp_path / "briefing.pdf"

    def save(dialog: PdfPreviewDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_count() >= 1)
        seen.update(pages=dialog.page_count(), title=dialog.windowTitle())
        dialog.save_to(target)

    user.answer(
        lambda: user.click(own_button(panel, "visit_briefing_pdf")), save, kind=PdfPreviewDialog
    )

    assert seen == {"pages": 1, "title": "Preview: Briefing Solution workshop.pdf"}
    text = "".join(PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text().split())
    for expected in ("Solutionworkshop", "AliceWalker", "BrianStone", "Agreethepilotscope"):
        assert expected in text


def test_a_right_click_on_a_visit_offers_both_and_they_follow_the_language(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed
) -> None:
    add_visit(book, seed)
    _page, panel = visits_tab(window, user)
    seen: list[str] = []

    def read_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.extend(a.text() for a in menu.actions() if a.isEnabled() and a.text())
        menu.close()

    QTimer.singleShot(50, read_menu)
    rect = panel.table.visualRect(panel.model.index(0, 0))
    panel.table.customContextMenuRequested.emit(QPoint(rect.center()))
    assert "Export to calendar…" in seen and "Briefing PDF…" in seen

    switch_language(qtbot, "zh_CN")
    from kamdesk.i18n import _

    assert own_button(panel, "export_visit_calendar").text() == _("Export to calendar…")


def test_file_menu_exports_every_visit_from_today_on(
    window: MainWindow,
    book: Book,
    seed: Seed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = dt.date.today()
    ids = []
    for title, day in (("Last week", -7), ("Tomorrow", 1), ("Next week", 8)):
        starts = to_utc(dt.datetime.combine(today + dt.timedelta(days=day), dt.time(10)), SHANGHAI)
        ids.append(
            kind_ops.create_record(
                book,
                kind("visit"),
                seed.acme,
                {
                    "title": title,
                    "starts_at": starts,
                    "ends_at": starts + dt.timedelta(hours=1),
                    "time_zone": SHANGHAI,
                },
            )
        )
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "upcoming.ics"), "")
    )
    assert window.calendar_action in window.file_menu.actions()
    assert window.calendar_action.text() == "Export upcoming visits to calendar…"

    window.calendar_action.trigger()

    calendar = vobject.readOne((tmp_path / "upcoming.ics").read_text(encoding="utf-8"))
    uids = [event.uid.value for event in calendar.vevent_list]
    assert uids == [f"{ids[1]}@visit.kamdesk", f"{ids[2]}@visit.kamdesk"]
    assert "Saved 2 visits" in window.statusBar().currentMessage()


def test_a_calendar_file_that_cannot_be_written_is_explained_and_nothing_is_left(
    window: MainWindow,
    user: User,
    book: Book,
    seed: Seed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_visit(book, seed)
    _page, panel = visits_tab(window, user)
    user.click_row(panel.table, 0)
    missing = tmp_path / "no such folder" / "visit.ics"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(missing), ""))
    said: list[str] = []

    user.answer(
        lambda: user.click(own_button(panel, "export_visit_calendar")),
        lambda box: said.append(box.text()),
        kind=QMessageBox,
    )

    assert said == [f"The folder {missing.parent} does not exist."]
    assert not missing.parent.exists()
    assert QApplication.overrideCursor() is None


def test_the_week_view_offers_a_visit_s_briefing_on_a_right_click(
    window: MainWindow, user: User, qtbot: QtBot, book: Book, seed: Seed, context: AppContext
) -> None:
    add_visit(book, seed)
    week = WeekView(context, window, today=dt.date(2026, 12, 8))
    qtbot.addWidget(week)
    week.show()
    table = week.tables[0]
    row = next(r for r in range(week.models[0].row_count()) if week.models[0].visit_id(r))
    seen: dict[str, Any] = {}

    def pick_briefing() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        actions = {a.text(): a for a in menu.actions()}
        seen["menu"] = list(actions)
        menu.close()
        actions["Briefing PDF…"].trigger()

    def look(dialog: PdfPreviewDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_count() >= 1)
        seen["pages"] = dialog.page_count()

    def right_click() -> None:
        QTimer.singleShot(50, pick_briefing)
        rect = table.visualRect(week.models[0].index(row, 0))
        table.customContextMenuRequested.emit(QPoint(rect.center()))

    user.answer(right_click, look, kind=PdfPreviewDialog)

    assert seen == {"menu": ["Edit…", "Export to calendar…", "Briefing PDF…"], "pages": 1}

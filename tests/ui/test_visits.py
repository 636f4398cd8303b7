"""Visits through the real window: the Visits tab, the form's times and zones, follow-ups
on the account page and the account list, last contacts, and the week view."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QTabWidget,
)
from pytestqt.qtbot import QtBot

from kamdesk.domain.visits import in_zone, local_zone_name, to_utc
from kamdesk.kinds import kind
from kamdesk.ops import kinds as kind_ops
from kamdesk.store.book import Book
from kamdesk.ui.account_page import AccountPage
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import date_time_text
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.models.account_table import Column as AccountColumn
from kamdesk.ui.models.stakeholder_table import Column as PeopleColumn
from kamdesk.ui.record_list import RecordListPanel
from kamdesk.ui.week_view import PER_DAY, WeekView

from .conftest import (
    ACME,
    BANK,
    Seed,
    User,
    choose,
    error_label,
    field,
    rows,
    switch_language,
)

VISIT = kind("visit")
FOLLOW_UP = kind("follow_up")
DEAL = kind("opportunity")
CTRL = Qt.ControlModifier
CTRL_SHIFT = Qt.ControlModifier | Qt.ShiftModifier
SHANGHAI = "Asia/Shanghai"


def open_account(window: MainWindow, user: User, name: str) -> AccountPage:
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))
    page = window.account_page
    assert page.title.text() == name
    return page


def visits_of(page: AccountPage) -> RecordListPanel:
    return page.record_list("visit")


def shown(panel: RecordListPanel, field_name: str) -> list[str]:
    column = [spec.name for spec in panel.model.columns].index(field_name)
    return rows(panel.table, column)


def add_visit(
    book: Book, account_id: str, title: str, starts: dt.datetime, **values: object
) -> str:
    return kind_ops.create_record(
        book,
        VISIT,
        account_id,
        {
            "title": title,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=1),
            "time_zone": SHANGHAI,
            **values,
        },
    )


def at(text: str, zone: str = SHANGHAI) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(text), zone)


def retype(user: User, widget: QLineEdit, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    user.type(widget, text)


def set_zone(dialog: QDialog, zone: str) -> None:
    field(dialog, QComboBox, "time_zone").setCurrentText(zone)


def ticked(widget: QListWidget) -> list[str]:
    return [
        widget.item(i).text()
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


def test_a_visit_added_on_the_visits_tab_keeps_its_times_zone_and_attendees(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    page = open_account(window, user, ACME)
    panel = visits_of(page)
    assert page.tabs.tabText(page.tabs.indexOf(panel)) == "Visits (0)"

    def fill(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "New visit"
        user.type(field(dialog, QLineEdit, "title"), "Solution workshop")
        set_zone(dialog, SHANGHAI)
        user.type(field(dialog, QLineEdit, "starts_at"), "2026-12-08 09:30")
        user.type(field(dialog, QLineEdit, "ends_at"), "2026-12-08 11:00")
        people = field(dialog, QListWidget, "attendees")
        # Only the account's own people are offered.
        assert [people.item(i).text() for i in range(people.count())] == [
            "Alice Walker",
            "Brian Stone",
        ]
        people.item(0).setCheckState(Qt.CheckState.Checked)
        ours = field(dialog, QListWidget, "our_attendees")
        ours.item(0).setCheckState(Qt.CheckState.Checked)
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.click(panel.add_button), fill)

    assert page.tabs.tabText(page.tabs.indexOf(panel)) == "Visits (1)"
    assert shown(panel, "title") == ["Solution workshop"]
    # At the wall-clock time in Shanghai, not in UTC (01:30), as every date and time reads.
    assert shown(panel, "starts_at") == [date_time_text(dt.datetime(2026, 12, 8, 9, 30))]
    assert shown(panel, "status") == ["Planned"]
    [visit] = context.reader.records_of(VISIT, seed.acme)
    assert visit.values["starts_at"] == dt.datetime(2026, 12, 8, 1, 30, tzinfo=dt.UTC)
    assert visit.values["attendees"] == (seed.alice,)
    assert visit.values["our_attendees"] == (seed.chen,)

    # Editing shows the same wall-clock times and ticks; Ctrl+Z undoes the addition.
    def check(dialog: QDialog) -> None:
        assert field(dialog, QLineEdit, "starts_at").text() == "Dec 8, 2026 09:30"
        assert ticked(field(dialog, QListWidget, "attendees")) == ["Alice Walker"]
        dialog.reject()

    user.click_row(panel.table, 0)
    user.answer(lambda: user.click(panel.edit_button), check)
    user.press(window, Qt.Key_Z, CTRL)
    assert context.reader.records_of(VISIT, seed.acme) == []


def test_a_visit_ending_before_it_starts_is_refused_by_its_end(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    panel = visits_of(open_account(window, user, ACME))
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "title"), "Pilot review")
        set_zone(dialog, SHANGHAI)
        user.type(field(dialog, QLineEdit, "starts_at"), "2026-12-08 14:00")
        user.type(field(dialog, QLineEdit, "ends_at"), "2026-12-08 13:00")
        user.press(dialog, Qt.Key_S, CTRL)
        assert dialog.isVisible()
        seen["ends"] = error_label(dialog, "ends_at").text()
        retype(user, field(dialog, QLineEdit, "ends_at"), "tomorrow-ish")
        user.press(dialog, Qt.Key_S, CTRL)
        seen["unreadable"] = error_label(dialog, "ends_at").text()

    user.answer(lambda: user.click(panel.add_button), fill)
    assert seen["ends"] == "A visit must end after it starts."
    assert seen["unreadable"].startswith("Enter a date and time such as")
    assert context.reader.records_of(VISIT, seed.acme) == []


def test_a_visit_across_a_daylight_saving_change_keeps_its_wall_clock_times(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    panel = visits_of(open_account(window, user, ACME))
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "title"), "Night shift walk-through")
        set_zone(dialog, "Europe/Berlin")
        # 02:30 does not exist in Berlin on 28 March 2027: the clocks go from 2 to 3.
        user.type(field(dialog, QLineEdit, "starts_at"), "2027-03-28 02:30")
        user.type(field(dialog, QLineEdit, "ends_at"), "2027-03-28 03:30")
        user.press(dialog, Qt.Key_S, CTRL)
        assert dialog.isVisible()
        seen["gap"] = error_label(dialog, "starts_at").text()
        retype(user, field(dialog, QLineEdit, "starts_at"), "2027-03-28 01:30")
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.click(panel.add_button), fill)
    assert seen["gap"] == (
        "There is no 02:30 in Europe/Berlin that day: the clocks go forward. "
        "Choose a time before or after the change."
    )
    [visit] = context.reader.records_of(VISIT, seed.acme)
    starts = in_zone(visit.values["starts_at"], "Europe/Berlin")
    ends = in_zone(visit.values["ends_at"], "Europe/Berlin")
    assert (starts.isoformat(), ends.isoformat()) == (
        "2027-03-28T01:30:00+01:00",
        "2027-03-28T03:30:00+02:00",
    )
    assert shown(panel, "starts_at") == [date_time_text(dt.datetime(2027, 3, 28, 1, 30))]

    # Opened again, it shows the times typed, and saving it unchanged changes nothing.
    def reopen(dialog: QDialog) -> None:
        assert field(dialog, QLineEdit, "starts_at").text() == "Mar 28, 2027 01:30"
        assert field(dialog, QLineEdit, "ends_at").text() == "Mar 28, 2027 03:30"
        user.press(dialog, Qt.Key_S, CTRL)

    user.click_row(panel.table, 0)
    user.answer(lambda: user.click(panel.edit_button), reopen)
    assert context.reader.records_of(VISIT, seed.acme)[0].values == visit.values


def test_deleting_a_deal_keeps_its_visits_and_undo_brings_the_link_back(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    deal = kind_ops.create_record(book, DEAL, seed.acme, {"name": "Paint shop", "currency": "CNY"})
    add_visit(book, seed.acme, "Paint shop demo", at("2026-12-08 09:30"), opportunity_id=deal,
              notes="They want it before the summer")  # fmt: skip
    page = open_account(window, user, ACME)
    visits = visits_of(page)
    assert shown(visits, "opportunity_id") == ["Paint shop"]

    deals = page.record_list("opportunity")
    user.click_row(deals.table, 0)
    user.click(deals.delete_button)
    assert shown(visits, "title") == ["Paint shop demo"]
    assert shown(visits, "opportunity_id") == [""]
    [visit] = context.reader.records_of(VISIT, seed.acme)
    assert visit.values["notes"] == "They want it before the summer"

    user.press(window, Qt.Key_Z, CTRL)
    assert shown(visits, "opportunity_id") == ["Paint shop"]


def test_overdue_follow_ups_show_on_the_account_page_and_the_account_list(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    past = dt.date.today() - dt.timedelta(days=20)
    visit = add_visit(
        book, seed.acme, "Review", to_utc(dt.datetime.combine(past, dt.time(10)), SHANGHAI)
    )
    late = kind_ops.create_record(
        book, FOLLOW_UP, visit, {"what": "Send the ROI model", "due": past + dt.timedelta(days=5)}
    )
    kind_ops.create_record(
        book,
        FOLLOW_UP,
        visit,
        {"what": "Plant visit", "due": dt.date.today() + dt.timedelta(days=30)},
    )
    kind_ops.create_record(book, FOLLOW_UP, visit, {"what": "Minutes", "done": True})
    window.context.signals.records_did_change.emit("follow_up", seed.acme)

    table = window.account_list.table
    names = rows(table)
    overdue = rows(table, AccountColumn.OVERDUE)
    assert overdue[names.index(ACME)] == "Overdue"
    assert overdue[names.index(BANK)] == ""

    page = open_account(window, user, ACME)
    follow_ups = page.follow_ups
    assert page.tabs.tabText(page.tabs.indexOf(follow_ups)) == "Follow-ups (2, 1 overdue)"
    tree = follow_ups.tree
    listed = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert listed == ["Send the ROI model", "Plant visit"]
    assert tree.topLevelItem(0).text(3).endswith("(overdue)")
    assert not tree.topLevelItem(1).text(3).endswith("(overdue)")

    # Done: it leaves the page, and the account loses its marker.
    kind_ops.update_record(book, FOLLOW_UP, late, {"done": True})
    window.context.signals.records_did_change.emit("follow_up", seed.acme)
    assert page.tabs.tabText(page.tabs.indexOf(follow_ups)) == "Follow-ups (1)"
    assert rows(table, AccountColumn.OVERDUE)[rows(table).index(ACME)] == ""


def test_last_contacted_comes_from_the_visits_people_attended(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    add_visit(book, seed.acme, "Kick-off", at("2026-11-03 10:00"), attendees=(seed.alice,))
    page = open_account(window, user, ACME)
    people = page.stakeholders
    # Kept out of the way: the table fits without scrolling sideways; the header offers it.
    assert people.isColumnHidden(PeopleColumn.LAST_CONTACTED)
    texts = rows(people, PeopleColumn.LAST_CONTACTED)
    assert texts[rows(people).index("Alice Walker")] == "Nov 3, 2026"
    assert texts[rows(people).index("Brian Stone")] == ""


def test_the_week_view_lists_this_and_next_weeks_visits_and_opens_one(
    window: MainWindow, user: User, book: Book, seed: Seed
) -> None:
    here = local_zone_name()  # the week view shows the user's own days and times
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())

    def wall(days: int, time: dt.time) -> dt.datetime:
        return to_utc(dt.datetime.combine(monday + dt.timedelta(days=days), time), here)

    add_visit(book, seed.acme, "Solution workshop", wall(2, dt.time(9, 30)), time_zone=here)
    add_visit(book, seed.bank, "Risk committee", wall(8, dt.time(14, 0)), time_zone=here)
    add_visit(book, seed.bank, "Far ahead", wall(18, dt.time(14, 0)), time_zone=here)

    user.press(window, Qt.Key_W, CTRL_SHIFT)
    week = window.findChild(WeekView)
    assert week is not None and week.isVisible()
    first, second = week.tables
    assert rows(first, 1) == ["09:30–10:30"]
    assert rows(first, 2) == [ACME]
    assert rows(first, 3) == ["Solution workshop"]
    assert rows(second, 3) == ["Risk committee"]
    assert week.boxes[0].title().startswith("This week: ")
    assert week.boxes[1].title().endswith("(1)")

    def opened(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "Edit visit"
        assert field(dialog, QLineEdit, "title").text() == "Risk committee"
        dialog.reject()

    index = second.model().index(0, 3)
    user.answer(lambda: second.doubleClicked.emit(index), opened)
    QApplication.processEvents()


def test_a_busy_day_lists_its_first_visits_and_says_how_many_more(
    qtbot: QtBot, context: AppContext, book: Book, seed: Seed
) -> None:
    here = local_zone_name()
    day = dt.date(2027, 6, 16)  # a Wednesday
    for n in range(PER_DAY + 3):
        starts = to_utc(dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=n), here)
        add_visit(book, seed.acme, f"Visit {n:02}", starts, time_zone=here)
    week = WeekView(context, today=day)
    qtbot.addWidget(week)
    first = week.tables[0]
    titles = rows(first, 3)
    assert len(titles) == PER_DAY + 1
    assert titles[0] == "Visit 00"
    assert titles[-1] == "… and 3 more visits"
    assert week.models[0].visit_id(PER_DAY) is None  # nothing to open there
    assert week.boxes[0].title().endswith(f"({PER_DAY + 3})")


def test_the_week_view_is_listed_among_the_shortcuts(window: MainWindow) -> None:
    from kamdesk.ui.shortcuts import shortcut_rows

    assert ("Ctrl+Shift+W", "Week view") in shortcut_rows(window.actions())
    assert window.week_action in window.team_menu.actions()
    assert ("Ctrl+Shift+V", "New visit") in shortcut_rows(window.actions())


def test_ctrl_shift_v_plans_a_visit_at_the_selected_account(
    window: MainWindow, user: User, context: AppContext, seed: Seed
) -> None:
    page = open_account(window, user, BANK)

    def fill(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "New visit"
        focus = QApplication.focusWidget()
        assert isinstance(focus, QLineEdit) and focus.objectName() == "field_title"
        user.type(focus, "Risk committee")
        set_zone(dialog, SHANGHAI)
        user.type(field(dialog, QLineEdit, "starts_at"), "2026-12-10 15:00")
        user.type(field(dialog, QLineEdit, "ends_at"), "2026-12-10 16:00")
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.press(window, Qt.Key_V, CTRL_SHIFT), fill)
    assert page.tabs.currentWidget() is visits_of(page)
    assert shown(visits_of(page), "title") == ["Risk committee"]


def test_a_deal_of_the_account_is_picked_from_its_deals(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    ours = kind_ops.create_record(book, DEAL, seed.acme, {"name": "Paint shop", "currency": "CNY"})
    kind_ops.create_record(book, DEAL, seed.bank, {"name": "Core banking", "currency": "CNY"})
    panel = visits_of(open_account(window, user, ACME))

    def fill(dialog: QDialog) -> None:
        deal = field(dialog, QComboBox, "opportunity_id")
        assert [deal.itemText(i) for i in range(deal.count())] == ["—", "Paint shop"]
        choose(deal, ours)
        user.type(field(dialog, QLineEdit, "title"), "Paint shop demo")
        set_zone(dialog, SHANGHAI)
        user.type(field(dialog, QLineEdit, "starts_at"), "2026-12-09 10:00")
        user.type(field(dialog, QLineEdit, "ends_at"), "2026-12-09 11:00")
        user.press(dialog, Qt.Key_S, CTRL)

    user.answer(lambda: user.click(panel.add_button), fill)
    assert shown(panel, "opportunity_id") == ["Paint shop"]
    assert context.reader.records_of(VISIT, seed.acme)[0].values["opportunity_id"] == ours


def test_a_visit_page_lists_its_questions_and_follow_ups_and_refuses_one_due_before_it(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    visit = add_visit(book, seed.acme, "Pilot review", at("2026-12-08 09:30"))
    page = open_account(window, user, ACME)
    panel = visits_of(page)
    page.tabs.setCurrentWidget(panel)
    seen: dict[str, str] = {}

    def on_page(dialog: QDialog) -> None:
        tabs = dialog.findChild(QTabWidget)
        assert tabs is not None
        titles = [tabs.tabText(i) for i in range(tabs.count())]
        assert titles[-3:] == ["Questions (0)", "Follow-ups (0)", "Milestones answered (0)"]
        follow_ups = dialog.findChild(RecordListPanel, "follow_up_list")
        assert follow_ups is not None
        tabs.setCurrentWidget(follow_ups)

        def too_early(form: QDialog) -> None:
            user.type(field(form, QLineEdit, "what"), "Send the ROI model")
            user.type(field(form, QLineEdit, "due"), "2026-12-07")
            user.press(form, Qt.Key_S, CTRL)
            assert form.isVisible()
            seen["due"] = error_label(form, "due").text()
            retype(user, field(form, QLineEdit, "due"), "2026-12-15")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.click(follow_ups.add_button), too_early)
        seen["tab"] = tabs.tabText(tabs.indexOf(follow_ups))

        questions = dialog.findChild(RecordListPanel, "visit_question_list")
        assert questions is not None
        tabs.setCurrentWidget(questions)

        def ask(form: QDialog) -> None:
            bank = field(form, QComboBox, "question_id")
            offered = [bank.itemText(i) for i in range(bank.count())]
            assert "If this were solved, what would it mean for you?" in offered
            bank.setCurrentIndex(offered.index("If this were solved, what would it mean for you?"))
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.click(questions.add_button), ask)
        seen["questions"] = rows(questions.table)[0]
        dialog.reject()

    user.click_row(panel.table, 0)
    user.answer(lambda: user.click(panel.edit_button), on_page)

    assert seen["due"] == "A follow-up cannot be due before its visit."
    assert seen["tab"] == "Follow-ups (1)"
    assert seen["questions"] == "If this were solved, what would it mean for you?"
    [follow_up] = context.reader.records_of(FOLLOW_UP, visit)
    assert follow_up.values["due"] == dt.date(2026, 12, 15)
    assert [page.follow_ups.tree.topLevelItem(0).text(0)] == ["Send the ROI model"]


def test_the_team_keeps_its_question_bank(
    window: MainWindow, user: User, context: AppContext
) -> None:
    seen: dict[str, object] = {}

    def bank(dialog: QDialog) -> None:
        panel = dialog.findChild(RecordListPanel, "question_list")
        assert panel is not None
        seen["before"] = panel.model.row_count()
        assert panel.model.row_count() >= 12  # three of each kind to start with

        def add(form: QDialog) -> None:
            choose(field(form, QComboBox, "question_type"), "value")
            user.type(field(form, QLineEdit, "text_en"), "What would a day of downtime cost?")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.click(panel.add_button), add)
        seen["after"] = panel.model.row_count()
        seen["texts"] = rows(panel.table, 1)
        dialog.reject()

    user.answer(window.questions_action.trigger, bank)
    assert seen["after"] == int(str(seen["before"])) + 1
    assert "What would a day of downtime cost?" in list(seen["texts"])  # type: ignore[call-overload]
    texts = [q.values["text_en"] for q in context.reader.all_of(kind("question"))]
    assert "What would a day of downtime cost?" in texts


def test_a_time_being_typed_follows_a_language_switch_and_reads_back_in_chinese(
    window: MainWindow, user: User, qtbot: QtBot, context: AppContext, seed: Seed
) -> None:
    open_account(window, user, ACME)
    seen: list[str] = []

    def fill(dialog: QDialog) -> None:
        user.type(field(dialog, QLineEdit, "title"), "Workshop")
        set_zone(dialog, SHANGHAI)
        starts = field(dialog, QLineEdit, "starts_at")
        user.type(starts, "Dec 8, 2026 09:30")
        user.type(field(dialog, QLineEdit, "ends_at"), "2026年12月8日 11：00")
        switch_language(qtbot, "zh_CN")
        seen.append(starts.text())
        user.press(dialog, Qt.Key_S, CTRL)  # saved in Chinese: the times still read

    user.answer(lambda: user.press(window, Qt.Key_V, CTRL_SHIFT), fill)
    switch_language(qtbot, "en")
    assert seen == ["2026年12月8日 09:30"]
    [visit] = context.reader.records_of(VISIT, seed.acme)
    assert visit.values["starts_at"] == at("2026-12-08 09:30")
    assert visit.values["ends_at"] == at("2026-12-08 11:00")

"""Fixtures for the UI tests: a real temp book with seed data, the main window on it, and
a ``user`` who types, clicks and answers dialogs through the real widgets.

``tests/conftest.py`` already points ``KAMDESK_HOME`` at a temp folder and runs Qt
offscreen. Every fixture that shows widgets switches the language back to English before
the book closes: a language switch reaches every live widget, and a widget reading a
closed book would fail the next test instead of this one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kamdesk.ops import accounts, stakeholders, team
from kamdesk.settings import LANGUAGE, Settings
from kamdesk.store.book import Book, create_book
from kamdesk.ui.account_list import FilterButton
from kamdesk.ui.app import build_context
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.translation import apply_language

W = TypeVar("W", bound=QWidget)

_HERE = Path(__file__).parent

#: Said by Qt's offscreen platform, not by KAMDesk, when a window or a menu is shown.
OFFSCREEN_NOISE = (
    r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Let the offscreen platform's own warnings pass; any other Qt warning fails a test."""
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


# The seed book ---------------------------------------------------------------

GROUP = "华东制造集团"
SUZHOU = "苏州分公司"
WUXI = "无锡分公司"
ACME = "Acme Robotics"
BANK = "Blue River Bank"
NORTHWIND = "Northwind Logistics"
ALL_ACCOUNTS = (GROUP, SUZHOU, WUXI, ACME, BANK, NORTHWIND)


@dataclass(frozen=True)
class Seed:
    """The ids of the seeded records."""

    chen: str
    zhou: str
    group: str
    suzhou: str
    wuxi: str
    acme: str
    bank: str
    northwind: str
    alice: str
    brian: str
    carol: str
    zhang: str


def seed_book(book: Book) -> Seed:
    """Two team members, a Chinese group with two branches, three English accounts and
    their stakeholders, written through the ops layer as the app writes them."""
    chen = team.create_team_member(book, {"name": "Chen Jing", "role": "account_manager"})
    zhou = team.create_team_member(book, {"name": "Zhou Min", "role": "solution_manager"})

    def account(name: str, **values: Any) -> str:
        return accounts.create_account(book, {"name": name, "currency": "CNY", **values})

    group = account(
        GROUP,
        org_level="group",
        industry="manufacturing",
        tier="A",
        lifecycle_stage="strategic",
        owner_id=chen,
        annual_revenue_minor=500_000_000,
    )
    suzhou = account(
        SUZHOU,
        parent_id=group,
        org_level="branch",
        industry="manufacturing",
        tier="B",
        lifecycle_stage="mature",
        owner_id=zhou,
        annual_revenue_minor=120_000_000,
    )
    wuxi = account(
        WUXI,
        parent_id=group,
        org_level="branch",
        industry="manufacturing",
        tier="C",
        lifecycle_stage="new",
    )
    acme = account(
        ACME,
        industry="internet",
        tier="A",
        lifecycle_stage="mature",
        owner_id=zhou,
        annual_revenue_minor=300_000_000,
        notes="Robot arms for car plants",
    )
    bank = account(
        BANK,
        industry="finance",
        tier="B",
        lifecycle_stage="prospect",
        owner_id=chen,
        annual_revenue_minor=80_000_000,
    )
    northwind = account(
        NORTHWIND,
        industry="logistics",
        tier="C",
        lifecycle_stage="new",
        annual_revenue_minor=15_000_000,
    )

    alice = stakeholders.create_stakeholder(
        book,
        acme,
        {
            "name": "Alice Walker",
            "title": "CTO",
            "level": "executive",
            "buying_role": "EB",
            "force": "E-DB",
            "attitude": "supportive",
            "influence": 5,
            "covered_by": (zhou,),
        },
    )
    brian = stakeholders.create_stakeholder(
        book,
        acme,
        {
            "name": "Brian Stone",
            "title": "IT Manager",
            "level": "middle",
            "buying_role": "TB",
            "attitude": "neutral",
            "influence": 3,
            "reports_to_id": alice,
        },
    )
    carol = stakeholders.create_stakeholder(
        book,
        bank,
        {"name": "Carol Diaz", "level": "staff", "buying_role": "UB", "attitude": "opposed"},
    )
    zhang = stakeholders.create_stakeholder(
        book,
        suzhou,
        {
            "name": "张伟",
            "title": "总经理",
            "level": "executive",
            "buying_role": "EB",
            "attitude": "supportive",
            "covered_by": (chen,),
        },
    )
    return Seed(chen, zhou, group, suzhou, wuxi, acme, bank, northwind, alice, brian, carol, zhang)


def change_log_count(book: Book) -> int:
    """How many change-log entries the book holds (an edit that saved nothing adds none)."""
    return int(book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0])


# Books, settings, context, window ------------------------------------------------------


@pytest.fixture(scope="session")
def template_book_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One freshly migrated book per session: running the migrations takes half a second."""
    path = tmp_path_factory.mktemp("template") / "empty.kamdesk"
    create_book(path)
    return path


@pytest.fixture
def book(book_path: Path, template_book_file: Path) -> Iterator[Book]:
    """A new, empty, writable book (a copy of the session's template), closed afterwards."""
    shutil.copyfile(template_book_file, book_path)
    with Book.open(book_path, create=True) as opened:
        yield opened


@pytest.fixture
def seed(book: Book) -> Seed:
    """The seed data, written into ``book``."""
    return seed_book(book)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings in a temp file, in English whatever the machine's locale."""
    settings = Settings(tmp_path / "settings.json")
    settings.set(LANGUAGE, "en")
    return settings


def settle(qtbot: QtBot) -> None:
    """Let Qt deliver what a language switch posted: the LanguageChange events first, then
    the layout requests the new texts cause (a re-translation can outlast a short wait)."""
    qtbot.wait(10)
    for _round in range(3):
        QApplication.processEvents()


def switch_language(qtbot: QtBot, code: str) -> None:
    """Switch the running app to ``code`` as the Settings dialog does, and let it settle."""
    apply_language(code)
    settle(qtbot)


def back_to_english() -> None:
    """Switch the app back to English and let every widget hear about it."""
    apply_language("en")
    QApplication.processEvents()


@pytest.fixture
def context(qapp: QApplication, book: Book, settings: Settings) -> Iterator[AppContext]:
    """The app's shared objects on the test's book."""
    context = build_context(book, settings)
    yield context
    back_to_english()


def open_window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    """Show the main window on ``context`` and make it active; delete it afterwards."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    back_to_english()
    if shiboken6.isValid(window):
        shiboken6.delete(window)


@pytest.fixture
def window(qtbot: QtBot, seed: Seed, context: AppContext) -> Iterator[MainWindow]:
    """The main window, shown and active, on the seeded book."""
    yield from open_window(qtbot, context)


@pytest.fixture
def empty_window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    """The main window on a book with no accounts."""
    yield from open_window(qtbot, context)


# What a user does ----------------------------------------------------------------------


def field(dialog: QWidget, kind: type[W], name: str) -> W:
    """The editor of field ``name`` in a record dialog."""
    widget = dialog.findChild(kind, f"field_{name}")
    assert widget is not None, f"no {kind.__name__} named field_{name}"
    return widget


def error_label(dialog: QWidget, name: str) -> QLabel:
    """The message line under field ``name``."""
    label = dialog.findChild(QLabel, f"error_{name}")
    assert label is not None, f"no error label for {name}"
    return label


def choose(combo: QComboBox, data: object) -> None:
    """Pick the entry of a drop-down that stands for ``data``."""
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered in {combo.objectName()}"
    combo.setCurrentIndex(index)


def button(dialog: QWidget, which: QDialogButtonBox.StandardButton) -> QWidget:
    """A standard button (Save, Cancel, OK…) of a dialog."""
    for box in dialog.findChildren(QDialogButtonBox):
        found = box.button(which)
        if found is not None:
            return found
    raise AssertionError(f"no {which} button")


def rows(view: QAbstractItemView, column: int = 0, parent: QModelIndex | None = None) -> list[str]:
    """The texts a view shows in ``column``, top to bottom."""
    model = view.model()
    parent = parent or QModelIndex()
    return [model.index(r, column, parent).data() for r in range(model.rowCount(parent))]


def menu_choices(filter_button: FilterButton) -> list[QAction]:
    """Open a filter's drop-down as a click on it does, close it again; its choices."""
    menu = filter_button.menu()
    menu.popup(filter_button.mapToGlobal(QPoint(0, filter_button.height())))
    choices = menu.actions()
    menu.hide()
    return choices


def menu_labels(filter_button: FilterButton) -> list[str]:
    """What a filter's drop-down offers."""
    return [action.text() for action in menu_choices(filter_button)]


def menu_action(filter_button: FilterButton, label: str) -> QAction:
    """The choice labelled ``label`` in a filter's drop-down (``trigger()`` ticks it)."""
    for action in menu_choices(filter_button):
        if action.text() == label:
            return action
    raise AssertionError(f"{label!r} not in {menu_labels(filter_button)}")


class User:
    """Does what a user does: types, presses keys, clicks, answers dialogs."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot

    def type(self, widget: QWidget, text: str) -> None:
        """Type ``text``: key by key for ASCII; Chinese is committed by an input method.

        Qt's test keyboard only knows Latin-1 keys (it aborts on others), and no one types
        汉字 key by key anyway: a pinyin input method commits the chosen characters.
        """
        if text.isascii():
            self.qtbot.keyClicks(widget, text)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(text)
            QApplication.sendEvent(widget, event)

    def press(
        self, widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.NoModifier
    ) -> None:
        """Press a key (a shortcut when ``widget``'s window is active)."""
        self.qtbot.keyClick(widget, key, modifier)

    def click(self, widget: QWidget) -> None:
        """Click a button."""
        self.qtbot.mouseClick(widget, Qt.LeftButton)

    def click_row(self, view: QAbstractItemView, row: int, column: int = 0) -> None:
        """Click a row of a table (which also gives the table the keyboard focus)."""
        index = view.model().index(row, column)
        view.scrollTo(index)
        self.qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(index).center())

    def click_header(self, view: QAbstractItemView, column: int) -> None:
        """Click a column header of a table (sorts by it, or flips the order)."""
        header = view.horizontalHeader()
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        self.qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))

    def answer(
        self,
        trigger: Callable[[], object],
        handler: Callable[[Any], None],
        *,
        kind: type[QDialog] = QDialog,
    ) -> None:
        """Do ``trigger``, which opens a modal dialog and waits in ``exec()``; then
        ``handler(dialog)`` acts on that dialog, from the dialog's own event loop.

        The dialog is always closed afterwards (rejected if the handler left it open), so a
        failing handler fails the test instead of hanging it.
        """
        outer = QApplication.activeModalWidget()
        active = QApplication.activeWindow()
        state: dict[str, Any] = {"finished": False, "seen": False, "error": None}

        def poll(tries_left: int) -> None:
            if state["finished"]:
                return
            dialog = QApplication.activeModalWidget()
            if dialog is None or dialog is outer or not isinstance(dialog, kind):
                if tries_left:
                    QTimer.singleShot(10, lambda: poll(tries_left - 1))
                return
            state["seen"] = True
            try:
                self._give_back_activation(dialog)  # a window manager activates new dialogs
                handler(dialog)
            except BaseException as error:  # re-raised below, once exec() returned
                state["error"] = error
            finally:
                if shiboken6.isValid(dialog) and dialog.isVisible():
                    dialog.reject()

        QTimer.singleShot(0, lambda: poll(500))
        trigger()
        state["finished"] = True
        self._give_back_activation(active)
        if state["error"] is not None:
            raise state["error"]
        assert state["seen"], f"no {kind.__name__} opened"

    def _give_back_activation(self, window: QWidget | None) -> None:
        """Make ``window`` active, as a window manager does when a dialog opens or closes
        (the offscreen platform does not, and shortcuts and focus need an active window)."""
        if window is not None and shiboken6.isValid(window) and window.isVisible():
            window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def expect_no_dialog(self, trigger: Callable[[], object]) -> None:
        """Do ``trigger`` and check that it opens no modal dialog (closing one if it does)."""
        opened: list[str] = []

        def close_any() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is not None:
                opened.append(dialog.windowTitle() or type(dialog).__name__)
                dialog.reject()

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(close_any)
        timer.start()
        try:
            trigger()
            self.qtbot.wait(50)
        finally:
            timer.stop()
        assert not opened, f"a dialog opened: {opened}"


@pytest.fixture
def user(qtbot: QtBot) -> User:
    """A user at the keyboard and mouse."""
    return User(qtbot)

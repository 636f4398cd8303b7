"""The app factory: builds the QApplication, the context and the main window, in one place.

Tests call ``build_context`` and ``MainWindow`` with a temp book and temp settings; the
command line calls ``run_app``. Nothing else constructs these objects.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kamdesk import APP_NAME
from kamdesk.errors import BookError
from kamdesk.i18n import _
from kamdesk.paths import data_dir
from kamdesk.settings import LANGUAGE, Settings
from kamdesk.store.book import Book
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.signals import AppSignals
from kamdesk.ui.translation import apply_language


def build_context(book: Book, settings: Settings) -> AppContext:
    """The shared objects every window gets."""
    return AppContext(book=book, settings=settings, signals=AppSignals(), undo_stack=QUndoStack())


class FirstPaintProbe(QObject):
    """Waits for the account list to paint its first rows, then reports and maybe quits."""

    def __init__(self, viewport: QWidget, started_at: float, exit_after: bool) -> None:
        super().__init__(viewport)
        self._started_at = started_at
        self._exit_after = exit_after
        self._done = False
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Override QObject.eventFilter: the first paint of the account list's viewport."""
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        elapsed = time.perf_counter() - self._started_at
        # Startup's objects live as long as the app: keep the collector off them.
        gc.freeze()
        gc.enable()
        if self._exit_after:
            print(f"startup: {elapsed:.3f} s (window shown, account list painted)", flush=True)
            QApplication.quit()
        else:
            ensure_chinese_font()
            _warm_up_in_background()


def ensure_chinese_font() -> None:
    """Use the bundled Chinese font when the system has none, so names never show as boxes.

    Done after the first paint: checking the font database costs time, and a machine
    with Chinese fonts (most of our users') needs nothing.
    """
    from PySide6.QtGui import QFontDatabase

    from kamdesk.paths import resource

    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        QFontDatabase.addApplicationFont(str(resource("fonts", "wqy-microhei.ttc")))
        for widget in QApplication.topLevelWidgets():
            widget.update()


def _warm_up_in_background() -> None:
    """Load the write path and the PDF builder while the user reads the list.

    The first paint does not wait for SQLAlchemy or ReportLab, nor for parsing the
    bundled CJK font; the first edit and the first PDF should not wait for them either.
    """

    def load() -> None:
        import kamdesk.models
        import kamdesk.reports.account_summary
        import kamdesk.store.changelog  # noqa: F401
        from kamdesk.reports.fonts import register_fonts

        register_fonts()

    threading.Thread(target=load, name="warm-up", daemon=True).start()


def _log_file() -> Path:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "kamdesk.log"


def _install_error_handler(window: QWidget) -> None:
    """Turn an unexpected error into a plain message; the details go to the log file."""

    def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, error, tb))
        try:
            path = _log_file()
            with path.open("a", encoding="utf-8") as fp:
                fp.write(details + "\n")
        except OSError:
            path = None
        print(details, file=sys.stderr)
        QMessageBox.critical(
            window,
            APP_NAME,
            _(
                "Something went wrong and the last action was not completed. Your book is "
                "safe: an action is saved whole or not at all.\n\nDetails were written to {log}."
            ).format(log=path or "stderr"),
        )

    sys.excepthook = handle


def run_app(
    book_path: Path,
    *,
    language: str | None = None,
    exit_after_startup: bool = False,
    started_at: float | None = None,
) -> int:
    """Open the main window on a book; returns the exit code."""
    started_at = started_at if started_at is not None else time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    settings = Settings()
    apply_language(language or settings.get(LANGUAGE))
    try:
        book = Book.open(book_path, create=True)
    except BookError as error:
        if not exit_after_startup:
            QMessageBox.critical(None, APP_NAME, error.message)
        raise
    try:
        context = build_context(book, settings)
        window = MainWindow(context)
        FirstPaintProbe(window.account_list.table.viewport(), started_at, exit_after_startup)
        if not exit_after_startup:
            _install_error_handler(window)
        window.show()
        return app.exec()
    finally:
        book.close()

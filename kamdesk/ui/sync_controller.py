"""When the open book syncs with its folder or server, and what the user sees of it.

A sync starts on demand (Sync → Sync now), a little after the user's last change (so a burst
of typing makes one sync, not one per keystroke), every few minutes, and once soon after
the window opens. It runs on its own thread with its own connection to the book, so the
window never freezes on a slow network drive; SQLite's locking keeps the two apart, and
the merge is one transaction, so the window reads either all of a sync or none of it.

What the user sees lives in ``SyncStatus`` (the status bar): a progress bar while it runs,
then "Synced 14:05", the open conflicts and the changes the server refused as links, or
the error in words.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QWidget

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _, ngettext
from kamdesk.settings import SYNC_EVERY_MINUTES, SYNC_ON_CHANGE, sync_folder_of, sync_server_of
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import date_time_text, time_text

if TYPE_CHECKING:
    from kamdesk.ops.sync import SyncReport
    from kamdesk.sync.crypto import FolderEncryption, TeamKey

log = logging.getLogger(__name__)

#: How long after the last local change the sync starts.
DEBOUNCE_MS = 10_000
#: How long after the window opens the first sync starts: after the first paint.
FIRST_SYNC_MS = 3_000
ERROR_STYLE = "color: #B3261E;"


@dataclass(frozen=True)
class SyncTarget:
    """Where the book syncs: a shared folder or the team's server (one of the two)."""

    folder: Path | None = None
    server: str | None = None

    def __str__(self) -> str:
        return self.server or str(self.folder)


@dataclass
class HeldSecrets:
    """Secrets given in Sync settings on a computer with no keyring.

    They are kept in memory only, until the app closes, and never written anywhere.
    """

    team_key: TeamKey | None = None
    token: str | None = None


class SyncRun(QThread):
    """One sync on its own thread, with its own connection to the book."""

    stepped = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    #: The sync would delete most accounts and applied nothing: (the question to ask).
    needs_consent = Signal(str)

    def __init__(
        self,
        book_path: Path,
        target: SyncTarget,
        secrets: HeldSecrets,
        allow_mass_delete: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.book_path = book_path
        self.target = target
        self.team_key = secrets.team_key
        self.token = secrets.token
        self.allow_mass_delete = allow_mass_delete

    def _find_key(self, folder_id: str, encryption: FolderEncryption) -> TeamKey | None:
        from kamdesk.sync import crypto

        if self.team_key is not None and encryption.opens_with(self.team_key):
            return self.team_key
        return crypto.find_team_key(folder_id, encryption)

    def run(self) -> None:
        """Override QThread.run: sync once and say how it went."""
        from kamdesk.ops.sync import MassDeleteError

        try:
            report = (
                self._sync_with_server(self.target.server)
                if self.target.server is not None
                else self._sync_with_folder(self.target.folder)
            )
        except MassDeleteError as error:
            self.needs_consent.emit(error.message)
        except KamdeskError as error:
            self.failed.emit(error.message)
        except Exception as error:  # a bug must not kill the thread silently
            log.exception("sync failed")
            self.failed.emit(
                _("The sync stopped on an unexpected error ({error}). Nothing was lost.").format(
                    error=type(error).__name__
                )
            )
        else:
            self.succeeded.emit(report)

    def _sync_with_folder(self, folder: Path | None) -> SyncReport:
        from kamdesk.ops.sync import sync_with_folder
        from kamdesk.store.book import Book

        assert folder is not None
        with Book.open(self.book_path) as book:
            return sync_with_folder(
                book,
                folder,
                find_key=self._find_key,
                allow_mass_delete=self.allow_mass_delete,
                progress=self.stepped.emit,
            )

    def _sync_with_server(self, url: str) -> SyncReport:
        """One sync with the server.

        A book the server can no longer bring up to date is rebuilt only with the window
        closed (the window holds the file open), so that is said, not done.
        """
        from kamdesk.ops.server_sync import find_token, sync_with_server
        from kamdesk.store.book import Book
        from kamdesk.sync.http import ServerCursorGoneError, ServerSync

        with ServerSync(url, self.token or find_token(url)) as server:
            try:
                with Book.open(self.book_path) as book:
                    return sync_with_server(
                        book,
                        server,
                        allow_mass_delete=self.allow_mass_delete,
                        progress=self.stepped.emit,
                    )
            except ServerCursorGoneError as error:
                raise KamdeskError(
                    _(
                        "The server no longer keeps the changes since this book last synced, "
                        "so the book must be rebuilt from the server's copy. Close KAMDesk and "
                        "run: kamdesk sync --book {book} --server {url} (the old book is kept)."
                    ).format(book=self.book_path, url=url)
                ) from error


class SyncController(QObject):
    """Starts syncs when they are due and keeps what the status bar shows."""

    #: The state changed (running, progress, finished, failed): the status bar reads it.
    state_did_change = Signal()

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self._window = parent
        self._run: SyncRun | None = None
        self._again = False
        #: The user allowed the deletions the last sync asked about: the next run applies them.
        self._deletions_allowed = False
        self._refreshing = False
        #: The team key or token given in Sync settings (a computer with no keyring).
        self.secrets = HeldSecrets()
        self.step: tuple[str, int, int] | None = None
        self.last_synced: dt.datetime | None = None
        self.last_report: SyncReport | None = None
        self.error: str | None = None
        #: Why automatic syncs are paused (a mass delete the user did not allow).
        self.paused: str | None = None
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self._sync_when_due)
        self.periodic = QTimer(self)
        self.periodic.timeout.connect(self._sync_when_due)
        signals = context.signals
        for local_change in (
            signals.account_did_change,
            signals.stakeholders_did_change,
            signals.records_did_change,
            signals.team_did_change,
        ):
            local_change.connect(self._changed_here)
        signals.settings_did_change.connect(self.configure)
        signals.refusals_did_change.connect(self.state_did_change)
        self.configure()
        if self.target is not None:
            QTimer.singleShot(FIRST_SYNC_MS, self._sync_when_due)

    # Configuration ---------------------------------------------------------

    @property
    def target(self) -> SyncTarget | None:
        """Where the open book syncs on this computer, or None (sync is off)."""
        book = self.context.book
        if book.read_only_reason:
            return None
        server = sync_server_of(self.context.settings, book.path)
        if server is not None:
            return SyncTarget(server=server)
        folder = sync_folder_of(self.context.settings, book.path)
        return SyncTarget(folder=folder) if folder is not None else None

    def configure(self) -> None:
        """Follow the settings: the periodic timer's interval, or no timers at all."""
        minutes = self.context.settings.get(SYNC_EVERY_MINUTES)
        if self.target is None or minutes == 0:
            self.periodic.stop()
        else:
            self.periodic.start(minutes * 60_000)
        if self.target is None:
            self.debounce.stop()
        self.state_did_change.emit()

    @property
    def running(self) -> bool:
        """True while a sync runs."""
        return self._run is not None

    # Starting --------------------------------------------------------------

    def _changed_here(self, *_args: object) -> None:
        if self._refreshing or self.target is None:
            return
        self.state_did_change.emit()  # a resolved conflict leaves the count
        if self.context.settings.get(SYNC_ON_CHANGE):
            self.debounce.start()

    def _sync_when_due(self) -> None:
        if self.paused is None:
            self.sync_now()

    def sync_now(self, *, allow_mass_delete: bool = False) -> bool:
        """Start a sync now; False when sync is off.

        A sync asked for while one runs follows it.
        """
        target = self.target
        if target is None:
            return False
        self.debounce.stop()
        if self._run is not None:
            self._again = True
            return True
        allowed = allow_mass_delete or self._deletions_allowed
        self._deletions_allowed = False
        self.paused = None
        self.error = None
        self.step = (_("Syncing…"), 0, 0)
        run = SyncRun(self.context.book.path, target, self.secrets, allowed, self)
        run.stepped.connect(self._stepped)
        run.succeeded.connect(self._succeeded)
        run.failed.connect(self._failed)
        run.needs_consent.connect(self._ask_consent)
        run.finished.connect(self._finished)
        self._run = run
        run.start()
        self.state_did_change.emit()
        return True

    def wait(self) -> None:
        """Let a running sync finish (the window is closing): a merge is never cut short."""
        if self._run is not None:
            self._run.wait()

    # Hearing back -----------------------------------------------------------

    def _stepped(self, text: str, done: int, total: int) -> None:
        self.step = (text, done, total)
        self.state_did_change.emit()

    def _succeeded(self, report: SyncReport) -> None:
        self.last_synced = dt.datetime.now().astimezone()
        self.last_report = report
        self.error = None
        if report.received:
            self._refresh_views()
        sentences = [*report.warnings, *(p.message for p in report.problems)]
        if report.refused:
            self.context.signals.refusals_did_change.emit()
            sentences.append(
                ngettext(
                    "The server refused {count} change: {reason}",
                    "The server refused {count} changes: {reason}",
                    report.refused,
                ).format(count=report.refused, reason=report.refused_reason)
            )
        for sentence in sentences:
            self.context.signals.notice_did_post.emit(sentence)

    def _failed(self, message: str) -> None:
        self.error = message
        self.context.signals.notice_did_post.emit(message)

    def _ask_consent(self, question: str) -> None:
        self.paused = question
        answer = QMessageBox.question(
            self._window,
            _("Apply these deletions?"),
            question + "\n\n" + _("Apply them now?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._deletions_allowed = True
            self.paused = None
            QTimer.singleShot(0, self.sync_now)

    def _finished(self) -> None:
        run, self._run = self._run, None
        if run is not None:
            run.deleteLater()
        self.step = None
        self.state_did_change.emit()
        if self._again:
            self._again = False
            QTimer.singleShot(0, self._sync_when_due)

    def _refresh_views(self) -> None:
        """Every view reads the book again; the signals are not taken as local changes."""
        signals = self.context.signals
        self.context.forget_cached()
        self._refreshing = True
        try:
            signals.team_did_change.emit()
            signals.account_did_change.emit("")
            signals.book_did_sync.emit()
        finally:
            self._refreshing = False

    # What the status bar says --------------------------------------------------

    def conflict_count(self) -> int:
        """The book's open conflicts (one cheap query when there are none)."""
        if self.target is None:
            return 0
        from kamdesk.ops.conflicts import open_conflicts

        return len(open_conflicts(self.context.book))

    def refused_count(self) -> int:
        """How many of the book's changes the sync server refused (one cheap query)."""
        if self.target is None:
            return 0
        from kamdesk.ops.refusals import refused_count

        return refused_count(self.context.book)

    def summary(self) -> str:
        """The status bar's words: "Synced 14:05", the error, or nothing when off."""
        if self.target is None:
            return ""
        if self.step is not None:
            return self.step[0]
        if self.paused is not None:
            return _("Sync paused: it would delete many accounts")
        if self.error is not None:
            return _("Sync failed")
        if self.last_synced is None:
            return _("Not synced yet")
        return _("Synced {time}").format(time=_moment_text(self.last_synced))


def refused_count_text(count: int) -> str:
    """'2 changes refused', for the status bar's link."""
    return ngettext("{count} change refused", "{count} changes refused", count).format(count=count)


def _moment_text(moment: dt.datetime) -> str:
    """Today's time alone ("14:05"), another day's with its date."""
    return time_text(moment) if moment.date() == dt.date.today() else date_time_text(moment)


class SyncStatus(QWidget):
    """The status bar's sync corner: words, a progress bar while it runs, conflicts."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_status")
        self.controller = controller
        self.label = QLabel()
        self.label.setObjectName("sync_label")
        self.conflicts = QLabel()
        self.conflicts.setObjectName("sync_conflicts")
        #: The changes the server refused, as a link to the Refused changes window.
        self.refused = QLabel()
        self.refused.setObjectName("sync_refused")
        self.progress = QProgressBar()
        self.progress.setObjectName("sync_progress")
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.label)
        layout.addWidget(self.conflicts)
        layout.addWidget(self.refused)
        controller.state_did_change.connect(self.update_view)
        self.update_view()

    def update_view(self, *_args: Any) -> None:
        """Show the controller's state."""
        controller = self.controller
        self.setVisible(controller.target is not None)
        self.label.setText(controller.summary())
        self.label.setStyleSheet(ERROR_STYLE if controller.error or controller.paused else "")
        self.label.setToolTip(controller.error or controller.paused or str(controller.target))
        step = controller.step
        self.progress.setVisible(step is not None)
        if step is not None:
            _text, done, total = step
            self.progress.setMaximum(total)  # 0: busy, length unknown
            self.progress.setValue(min(done, total))
        count = controller.conflict_count() if step is None else 0
        self.conflicts.setVisible(count > 0)
        self.conflicts.setText(
            '<a href="conflicts">'
            + ngettext("{count} conflict", "{count} conflicts", count).format(count=count)
            + "</a>"
        )
        refused = controller.refused_count() if step is None else 0
        self.refused.setVisible(refused > 0)
        self.refused.setText(f'<a href="refused">{refused_count_text(refused)}</a>')
        self.refused.setToolTip(
            _("The server did not take these changes: your team never received them.")
        )

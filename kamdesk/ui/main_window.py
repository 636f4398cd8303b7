"""The main window: lays out the account list and the account page and wires the actions.

It holds no data and does no work of its own: actions call ``kamdesk.ui.editing`` and the
ops layer; views refresh on the app-wide signals.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6 import QtCore  # Qt is read as QtCore.Qt when used: see models/base.py
from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
)

from kamdesk import __version__
from kamdesk.errors import KamdeskError
from kamdesk.i18n import N_, _, ngettext
from kamdesk.ui.account_list import AccountListPanel
from kamdesk.ui.context import AppContext
from kamdesk.ui.shortcuts import key_sequences

if TYPE_CHECKING:
    from kamdesk.ui.account_page import AccountPage
    from kamdesk.ui.record_list import RecordListPanel
    from kamdesk.ui.sync_controller import SyncController, SyncStatus

#: A "New …" action per kind of record listed on the account page: (kind name, key, menu
#: text). The keys are the window's to give out, each once (Help → Keyboard shortcuts
#: lists them), so they are named here beside the others rather than in the declarations.
NEW_RECORD_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("opportunity", "Ctrl+Shift+D", N_("New deal…")),
    ("visit", "Ctrl+Shift+V", N_("New visit…")),
    ("proposal", "Ctrl+Shift+R", N_("New proposal…")),
)


def _editing() -> ModuleType:
    """The editing actions, imported on first use: the first paint does not need forms."""
    from kamdesk.ui import editing

    return editing


class MainWindow(QMainWindow):
    """KAMDesk's one main window."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setObjectName("main_window")
        self.account_list = AccountListPanel(context)
        self._account_page: AccountPage | None = None
        # The account page is built when the first account is selected: the first paint
        # shows only a hint there, so it need not wait for the page's widgets.
        self.page_hint = QLabel()
        self.page_hint.setWordWrap(True)
        # Centred by style sheet, not by Qt.AlignmentFlag: nothing on the way to the first
        # paint touches Qt's enum namespace (see kamdesk.ui.models.base).
        self.page_hint.setStyleSheet(
            "qproperty-alignment: AlignCenter; color: #6D6D6D; font-size: 14px; padding: 24px;"
        )
        self.right_side = QStackedWidget()
        self.right_side.addWidget(self.page_hint)
        self.account_list.current_account_changed.connect(self._show_account)
        self.account_list.current_account_changed.connect(self._update_actions)
        splitter = QSplitter()  # side by side
        splitter.addWidget(self.account_list)
        splitter.addWidget(self.right_side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([600, 720])
        self.setCentralWidget(splitter)

        self.read_only_banner = QLabel()
        self.book_label = QLabel()
        self.count_label = QLabel()
        self._sync: SyncController | None = None
        self._sync_status: SyncStatus | None = None
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.book_label)
        if context.book.read_only:
            self.read_only_banner.setStyleSheet("background: #FFF3CD; color: #664D03;")
            self.statusBar().addWidget(self.read_only_banner)

        self._make_actions()
        self._make_menus()
        if context.book.backup_path is not None:
            self.statusBar().showMessage(
                _("This book was upgraded for this version; the old one was kept at {path}").format(
                    path=context.book.backup_path
                ),
                20000,
            )
        context.signals.notice_did_post.connect(
            lambda text: self.statusBar().showMessage(text, 8000)
        )
        context.signals.language_did_change.connect(lambda _code: self.retranslate())
        context.signals.account_did_come_back.connect(self._show_again)
        self.account_list.model.modelReset.connect(self._update_counts)
        context.undo_stack.cleanChanged.connect(self._update_actions)
        self.resize(1320, 820)
        self.retranslate()
        self._update_actions()

    # The account page ------------------------------------------------------

    @property
    def account_page(self) -> AccountPage:
        """The account page, built on first use."""
        if self._account_page is None:
            from kamdesk.ui.account_page import AccountPage

            page = AccountPage(self.context)
            page.edit_account_requested.connect(self.edit_account)
            page.summary_pdf_requested.connect(self.show_summary_pdf)
            page.new_stakeholder_requested.connect(self.new_stakeholder)
            page.edit_stakeholder_requested.connect(
                lambda sid: _editing().edit_stakeholder(self.context, self, sid)
            )
            page.delete_stakeholder_requested.connect(
                lambda sid: _editing().delete_stakeholder(self.context, self, sid)
            )
            page.stakeholders.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.ActionsContextMenu)
            page.stakeholders.addActions(
                [self.edit_action, self.new_stakeholder_action, self.delete_action]
            )
            native = QKeySequence.SequenceFormat.NativeText
            for kind_name, panel in page.record_lists.items():
                new_action = self.new_record_actions.get(kind_name)
                panel.set_keys(
                    new=new_action.shortcut().toString(native) if new_action else "",
                    edit=self.edit_action.shortcut().toString(native),
                    delete=self.delete_action.shortcut().toString(native),
                )
            self.right_side.addWidget(page)
            self._account_page = page
        return self._account_page

    # Sync ------------------------------------------------------------------------

    @property
    def sync(self) -> SyncController:
        """When the book syncs, and what the status bar says of it.

        Made after the first paint (or on first use): the first paint does not need it.
        """
        if self._sync is None:
            from kamdesk.ui.sync_controller import SyncController, SyncStatus

            self._sync = SyncController(self.context, self)
            status = SyncStatus(self._sync)
            status.conflicts.linkActivated.connect(lambda _link: self.show_conflicts())
            status.refused.linkActivated.connect(lambda _link: self.show_refused())
            # Before the count and the book's path: the first of the permanent widgets,
            # which come after the normal ones (the read-only banner).
            normal = 1 if self.context.book.read_only else 0
            self.statusBar().insertPermanentWidget(normal, status)
            self._sync_status = status
        return self._sync

    @property
    def sync_status(self) -> SyncStatus:
        """The status bar's sync corner."""
        self.sync  # noqa: B018  (makes it)
        assert self._sync_status is not None
        return self._sync_status

    def _show_account(self, account_id: str) -> None:
        if not account_id and self._account_page is None:
            return
        self.account_page.show_account(account_id)
        self.right_side.setCurrentWidget(self.account_page)

    def _current_stakeholder_id(self) -> str | None:
        return self._account_page.current_stakeholder_id() if self._account_page else None

    def _focused_record_list(self) -> RecordListPanel | None:
        """The deal list (or another kind's) on the account page, when it has the focus."""
        return self._account_page.focused_record_list() if self._account_page else None

    # Actions -----------------------------------------------------------------

    def _action(self, slot: object, *shortcuts: QKeySequence.StandardKey | str) -> QAction:
        action = QAction(self)
        action.setShortcuts(key_sequences(*shortcuts))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        keys = QKeySequence.StandardKey
        stack = self.context.undo_stack
        self.new_account_action = self._action(self.new_account, keys.New)
        self.new_stakeholder_action = self._action(self.new_stakeholder, "Ctrl+Shift+N")
        self.new_branch_action = self._action(self.new_branch, "Ctrl+Alt+N")
        #: "New deal…" and the like: kind name → action.
        self.new_record_actions = {
            kind_name: self._action(lambda _c=False, k=kind_name: self.new_record(k), key)
            for kind_name, key, _text in NEW_RECORD_ACTIONS
        }
        self.edit_action = self._action(self.edit_current, "F2")
        self.delete_action = self._action(self.delete_current, keys.Delete)
        self.find_action = self._action(self.account_list.focus_search, keys.Find)
        self.pdf_action = self._action(self.show_summary_pdf, keys.Print)
        self.calendar_action = self._action(self.export_upcoming_visits)
        self.team_action = self._action(self.show_team, "Ctrl+T")
        self.pipeline_action = self._action(self.show_pipeline, "Ctrl+Shift+P")
        self.week_action = self._action(self.show_week_view, "Ctrl+Shift+W")
        self.questions_action = self._action(self.show_question_bank)
        self.milestone_templates_action = self._action(self.show_milestone_templates)
        self.settings_action = self._action(self.show_settings, keys.Preferences, "Ctrl+,")
        self.sync_now_action = self._action(self.sync_now, "F9")
        self.sync_settings_action = self._action(self.show_sync_settings)
        self.conflicts_action = self._action(self.show_conflicts, "Ctrl+Shift+K")
        self.refused_action = self._action(self.show_refused)
        self.quit_action = self._action(self.close, keys.Quit, "Ctrl+Q")
        self.shortcuts_action = self._action(self.show_shortcuts, keys.HelpContents)
        self.about_action = self._action(self.show_about)
        # Our own actions rather than QUndoStack.createUndoAction: Qt fixes that one's
        # "Undo %1" wording when it is made, and it would not follow a language switch.
        self.undo_action = self._action(stack.undo, keys.Undo)
        self.redo_action = self._action(stack.redo, "Ctrl+Shift+Z", keys.Redo)
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(self._label_undo_redo)
        stack.redoTextChanged.connect(self._label_undo_redo)
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        if self.context.book.read_only_reason:
            edits = (
                self.new_account_action, self.new_stakeholder_action, self.edit_action,
                *self.new_record_actions.values(),
            )  # fmt: skip
            for action in (*edits, self.delete_action, self.undo_action, self.redo_action):
                action.setEnabled(False)

    def _label_undo_redo(self, *_args: object) -> None:
        stack = self.context.undo_stack
        undo, redo = stack.undoText(), stack.redoText()
        self.undo_action.setText(_("Undo {action}").format(action=undo) if undo else _("Undo"))
        self.redo_action.setText(_("Redo {action}").format(action=redo) if redo else _("Redo"))

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addActions(
            [self.new_account_action, self.new_branch_action, self.new_stakeholder_action]
        )
        self.file_menu.addActions(list(self.new_record_actions.values()))
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.pdf_action)
        self.file_menu.addAction(self.calendar_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = bar.addMenu("")
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addActions([self.edit_action, self.delete_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.find_action)
        self.team_menu = bar.addMenu("")
        self.team_menu.addAction(self.team_action)
        self.team_menu.addAction(self.pipeline_action)
        self.team_menu.addAction(self.week_action)
        self.team_menu.addAction(self.questions_action)
        self.team_menu.addAction(self.milestone_templates_action)
        self.sync_menu = bar.addMenu("")
        self.sync_menu.addActions(
            [self.sync_now_action, self.conflicts_action, self.refused_action]
        )
        self.sync_menu.addSeparator()
        self.sync_menu.addAction(self.sync_settings_action)
        self.help_menu = bar.addMenu("")
        self.help_menu.addActions([self.shortcuts_action, self.about_action])
        self.account_list.table.doubleClicked.connect(self.edit_account)
        self.account_list.did_finish_startup.connect(self._add_context_menus)
        self.account_list.did_finish_startup.connect(lambda: self.sync)

    def _add_context_menus(self) -> None:
        """Right-click on the list offers what the keys do (set up after the first paint)."""
        table = self.account_list.table
        table.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.ActionsContextMenu)
        actions = [self.edit_action, self.new_branch_action, self.new_stakeholder_action]
        table.addActions([*actions, self.delete_action])

    def _stakeholders_have_focus(self) -> bool:
        focus = QApplication.focusWidget()
        if self._account_page is None:
            return False
        table = self._account_page.stakeholders
        return focus is not None and (focus is table or table.isAncestorOf(focus))

    def _update_actions(self, *_args: object) -> None:
        # Actions on the selected account stay enabled with nothing selected: a disabled
        # action swallows its shortcut in silence, and the user deserves to hear why
        # nothing happened (see ``_selected_account``).
        writable = not self.context.book.read_only_reason
        for action in (
            self.new_stakeholder_action, self.new_branch_action, self.edit_action,
            self.delete_action, *self.new_record_actions.values(),
        ):  # fmt: skip
            action.setEnabled(writable)

    def _selected_account(self, doing: str) -> str:
        """The selected account's id; with none, say in the status bar why nothing happens."""
        account_id = self.account_list.current_account_id()
        if not account_id:
            message = _("Select an account first: {action} works on the selected account.")
            self.statusBar().showMessage(message.format(action=doing), 8000)
        return account_id

    def _update_counts(self) -> None:
        shown = self.account_list.model.rowCount()
        unfiltered = not self.account_list.model.query.is_filtered()
        total = shown if unfiltered else self.context.reader.account_count()
        if shown == total:
            text = ngettext("{count} account", "{count} accounts", total).format(count=total)
        else:
            text = _("{shown} of {total} accounts").format(shown=shown, total=total)
        self.count_label.setText(text)

    # Slots -------------------------------------------------------------------

    def new_account(self) -> None:
        """Add an account (Ctrl+N) and select it."""
        account_id = _editing().new_account(self.context, self)
        if account_id:
            self.account_list.clear_all_filters()
            self.account_list.select_account(account_id)

    def _show_again(self, account_id: str) -> None:
        """Select an account undo brought back, clearing a filter that would hide it."""
        if self.account_list.model.row_of(account_id) is None:
            self.account_list.clear_all_filters()
        self.account_list.select_account(account_id)

    def edit_account(self) -> None:
        """Edit the selected account."""
        account_id = self._selected_account(_("Edit"))
        if account_id:
            _editing().edit_account(self.context, self, account_id)

    def new_branch(self) -> None:
        """Add a branch or subsidiary under the selected account (Ctrl+Alt+N)."""
        parent_id = self._selected_account(_("New branch or subsidiary"))
        if not parent_id:
            return
        account_id = _editing().new_account(self.context, self, parent_account=parent_id)
        if account_id:
            self.account_list.clear_all_filters()
            self.account_list.select_account(account_id)

    def new_stakeholder(self) -> None:
        """Add a stakeholder to the selected account (Ctrl+Shift+N)."""
        account_id = self._selected_account(_("New stakeholder"))
        if account_id:
            _editing().new_stakeholder(self.context, self, account_id)

    def new_record(self, kind_name: str) -> None:
        """Add a record of ``kind_name`` (a deal: Ctrl+Shift+D) to the selected account."""
        text = next(t for k, _key, t in NEW_RECORD_ACTIONS if k == kind_name)
        account_id = self._selected_account(_plain_action_text(_(text)))
        if account_id:
            self.account_page.new_record(kind_name)

    def edit_current(self) -> None:
        """F2: the stakeholder or deal under the cursor if its table has focus, else the account.

        With the focus in such a table and no row under the cursor, nothing happens: a
        key meant for a person must never act on the whole account.
        """
        records = self._focused_record_list()
        if records is not None:
            records.edit_current()
            return
        if self._stakeholders_have_focus():
            stakeholder_id = self._current_stakeholder_id()
            if stakeholder_id:
                _editing().edit_stakeholder(self.context, self, stakeholder_id)
            return
        self.edit_account()

    def delete_current(self) -> None:
        """Delete: the stakeholder (or deal…) when its table has focus, else the account."""
        records = self._focused_record_list()
        if records is not None:
            records.delete_current()
            return
        if self._stakeholders_have_focus():
            stakeholder_id = self._current_stakeholder_id()
            if stakeholder_id:
                _editing().delete_stakeholder(self.context, self, stakeholder_id)
            return
        account_id = self._selected_account(_("Delete"))
        if account_id:
            _editing().delete_account(self.context, self, account_id)

    def show_summary_pdf(self) -> None:
        """Build the selected account's summary PDF and preview it."""
        account_id = self._selected_account(_("Account summary PDF"))
        if not account_id:
            return
        from kamdesk.ops.reports import account_summary_pdf, branding_from
        from kamdesk.ui.pdf_preview import PdfPreviewDialog

        QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            data = account_summary_pdf(
                self.context.book, account_id, branding_from(self.context.settings)
            )
        except KamdeskError as error:
            QMessageBox.warning(self, _("Account summary"), error.message)
            return
        finally:
            QApplication.restoreOverrideCursor()
        values = self.context.reader.account(account_id) or {"name": "account"}
        safe_name = re.sub(r'[\\/:*?"<>|]+', "_", str(values["name"])).strip() or "account"
        dialog = PdfPreviewDialog(data, f"{safe_name}.pdf", self.context.settings, self)
        dialog.exec()

    def export_upcoming_visits(self) -> None:
        """File → Export upcoming visits to calendar…: every visit from today on, as .ics."""
        from kamdesk.ui.visit_exports import export_to_calendar

        export_to_calendar(self.context, self, None)

    def show_team(self) -> None:
        """Open the team dialog (Ctrl+T)."""
        from kamdesk.ui.team_dialog import TeamDialog

        TeamDialog(self.context, self).exec()

    def show_pipeline(self) -> None:
        """Team → Pipeline (Ctrl+Shift+P): every open deal by stage, and the forecast.

        One pipeline window, kept open beside this one; double-clicking a deal in it
        selects the deal's account here.
        """
        from kamdesk.ui.pipeline import PipelineWindow

        pipeline = self.findChild(PipelineWindow)
        if pipeline is None:
            pipeline = PipelineWindow(self.context, self)
            pipeline.account_requested.connect(self._show_again)
        pipeline.show()
        pipeline.raise_()
        pipeline.activateWindow()

    def show_week_view(self) -> None:
        """Team → Week view (Ctrl+Shift+W): this week's and next week's visits, by day.

        One window, kept open beside this one and read again when it is raised.
        """
        from kamdesk.ui.week_view import WeekView

        week = self.findChild(WeekView)
        if week is None:
            week = WeekView(self.context, self)
        else:
            week.reload()
            week.retranslate()
        week.show()
        week.raise_()
        week.activateWindow()

    def show_question_bank(self) -> None:
        """Team → Question bank: the questions a visit picks from, kept by the team."""
        from kamdesk.ui.team_lists import QuestionBankDialog

        QuestionBankDialog(self.context, self).exec()

    def show_milestone_templates(self) -> None:
        """Team → Milestone templates: the checklists new deals start with."""
        from kamdesk.ui.team_lists import MilestoneTemplatesDialog

        MilestoneTemplatesDialog(self.context, self).exec()

    def show_settings(self) -> None:
        """Open the settings (Ctrl+,)."""
        from kamdesk.ui.settings_dialog import SettingsDialog

        SettingsDialog(self.context, self).exec()

    def sync_now(self) -> None:
        """Sync → Sync now (F9): sync with the folder at once (set one up first if none)."""
        if self.context.book.read_only_reason:
            self.statusBar().showMessage(self.context.book.read_only_reason, 8000)
            return
        if not self.sync.sync_now():
            self.show_sync_settings()

    def show_sync_settings(self) -> None:
        """Sync → Sync settings…: the folder or server this book syncs through, how often."""
        from kamdesk.ui.sync_dialog import SyncSettingsDialog

        dialog = SyncSettingsDialog(self.context, self.sync, self)
        if dialog.exec() and self.sync.target is not None:
            self.sync.sync_now()

    def show_conflicts(self) -> None:
        """Sync → Conflicts… (Ctrl+Shift+K): the values a merge kept, to choose from."""
        from kamdesk.ui.conflicts_view import ConflictsWindow

        window = ConflictsWindow(self.context, self)
        window.exec()

    def show_refused(self) -> None:
        """Sync → Refused changes…: this book's changes the sync server did not take."""
        from kamdesk.ui.refused_view import RefusedWindow

        window = RefusedWindow(self.context, self)
        window.exec()
        window.deleteLater()

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts (F1): every key the window answers to."""
        from kamdesk.ui.shortcuts import ShortcutsDialog

        ShortcutsDialog(self.actions(), self).exec()

    def show_about(self) -> None:
        """The About box."""
        from kamdesk.secrets import secret_store_available

        keyring = (
            _("available") if secret_store_available() else _("not available on this computer")
        )
        QMessageBox.about(
            self,
            _("About KAMDesk"),
            _(
                "<h3>KAMDesk {version}</h3><p>The key-account manager's desk: accounts, "
                "stakeholders and relationship maps, offline.</p><p>Book: {book}</p>"
                "<p>Secure password store: {keyring}</p>"
            ).format(version=__version__, book=self.context.book.path, keyring=keyring),
        )

    # Language ----------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("KAMDesk — {book}").format(book=self.context.book.path.name))
        self.page_hint.setText(
            _(
                "Select an account on the left to see its profile and stakeholders,\n"
                "or press Ctrl+N to add an account."
            )
        )
        self.file_menu.setTitle(_("&File"))
        self.edit_menu.setTitle(_("&Edit"))
        self.team_menu.setTitle(_("&Team"))
        self.sync_menu.setTitle(_("&Sync"))
        self.help_menu.setTitle(_("&Help"))
        self.new_account_action.setText(_("New account…"))
        self.new_stakeholder_action.setText(_("New stakeholder…"))
        self.new_branch_action.setText(_("New branch or subsidiary…"))
        for kind_name, _key, text in NEW_RECORD_ACTIONS:
            self.new_record_actions[kind_name].setText(_(text))
        self.edit_action.setText(_("Edit…"))
        self.delete_action.setText(_("Delete"))
        self.find_action.setText(_("Find"))
        self.pdf_action.setText(_("Account summary PDF…"))
        self.calendar_action.setText(_("Export upcoming visits to calendar…"))
        self.team_action.setText(_("Team members…"))
        self.pipeline_action.setText(_("Pipeline…"))
        self.week_action.setText(_("Week view…"))
        self.questions_action.setText(_("Question bank…"))
        self.milestone_templates_action.setText(_("Milestone templates…"))
        self.settings_action.setText(_("Settings…"))
        self.sync_now_action.setText(_("Sync now"))
        self.sync_settings_action.setText(_("Sync settings…"))
        self.conflicts_action.setText(_("Conflicts…"))
        self.refused_action.setText(_("Refused changes…"))
        self.quit_action.setText(_("Quit"))
        self.shortcuts_action.setText(_("Keyboard shortcuts"))
        self.about_action.setText(_("About KAMDesk"))
        self.book_label.setText(str(self.context.book.path))
        if self._sync_status is not None:
            self._sync_status.update_view()
        self._label_undo_redo()
        if self.context.book.read_only:
            self.read_only_banner.setText(f"  {self.context.book.read_only_reason}  ")
        self._update_counts()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Override QWidget.closeEvent: edits are saved already; a running sync finishes.

        A merge is one transaction, so it is let finish rather than cut short.
        """
        if self._sync is not None and self._sync.running:
            self.statusBar().showMessage(_("Finishing the sync…"))
            QApplication.processEvents()
            self.sync.wait()
        event.accept()


def _plain_action_text(text: str) -> str:
    """An action's menu text as its name in a sentence ("New deal"): without its dots."""
    return text.rstrip("…").strip()

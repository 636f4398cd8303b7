"""Sync settings: the folder or server this book syncs through, and how often.

The folder is checked as it is typed or chosen (what it is, how many devices write to it,
whether it is encrypted), and OK starts or joins it through ``kamdesk.ops.sync_setup``
before anything is saved; a server is asked who the token belongs to. A wrong passphrase,
a folder of other files, a wrong token or a server that does not answer is said under the
form, and the settings stay as they were.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.ops.sync_setup import (
    FolderKind,
    FolderState,
    check_server,
    describe_folder,
    keep_server_token,
    keyring_note,
    token_note,
    use_folder,
)
from kamdesk.settings import (
    SYNC_EVERY_MINUTES,
    SYNC_ON_CHANGE,
    set_sync_folder,
    set_sync_server,
    sync_folder_of,
    sync_server_of,
)
from kamdesk.ui.context import AppContext
from kamdesk.ui.forms import ERROR_STYLE
from kamdesk.ui.sync_controller import HeldSecrets, SyncController

HINT_STYLE = "color: #5F6368;"


class SyncSettingsDialog(QDialog):
    """Choose the sync folder (or none) and when to sync; OK checks the folder first."""

    def __init__(
        self, context: AppContext, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sync_settings_dialog")
        self._context = context
        self._controller = controller
        settings = context.settings
        current = sync_folder_of(settings, context.book.path)
        server = sync_server_of(settings, context.book.path)
        self.use_folder = QRadioButton()
        self.use_folder.setObjectName("sync_use_folder")
        self.use_server = QRadioButton()
        self.use_server.setObjectName("sync_use_server")
        (self.use_server if server else self.use_folder).setChecked(True)
        self.use_folder.toggled.connect(self._show_rows)
        self.server = QLineEdit(server or "")
        self.server.setObjectName("sync_server")
        self.server.setPlaceholderText("https://sync.example.com")
        self.token = QLineEdit()
        self.token.setObjectName("sync_token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_note = QLabel()
        self.token_note.setWordWrap(True)
        self.token_note.setStyleSheet(HINT_STYLE)
        self.folder = QLineEdit(str(current) if current else "")
        self.folder.setObjectName("sync_folder")
        self.folder.textChanged.connect(self._describe)
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.folder_row = QHBoxLayout()
        self.folder_row.addWidget(self.folder, 1)
        self.folder_row.addWidget(self.browse)
        self.folder_note = QLabel()
        self.folder_note.setObjectName("sync_folder_note")
        self.folder_note.setWordWrap(True)
        self.folder_note.setStyleSheet(HINT_STYLE)
        self.encrypt = QCheckBox()
        self.encrypt.setObjectName("sync_encrypt")
        self.encrypt.toggled.connect(self._show_passphrase_rows)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("sync_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("sync_passphrase_repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_note = QLabel()
        self.key_note.setWordWrap(True)
        self.key_note.setStyleSheet(HINT_STYLE)
        self.on_change = QCheckBox()
        self.on_change.setObjectName("sync_on_change")
        self.on_change.setChecked(settings.get(SYNC_ON_CHANGE))
        self.every = QSpinBox()
        self.every.setObjectName("sync_every")
        self.every.setRange(0, 240)
        self.every.setValue(settings.get(SYNC_EVERY_MINUTES))
        self.error = QLabel()
        self.error.setObjectName("sync_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

        self.form = QFormLayout()
        self.folder_label = QLabel()
        self.passphrase_label = QLabel()
        self.repeat_label = QLabel()
        self.every_label = QLabel()
        modes = QHBoxLayout()
        modes.addWidget(self.use_folder)
        modes.addWidget(self.use_server)
        modes.addStretch(1)
        self.mode_label = QLabel()
        self.server_label = QLabel()
        self.token_label = QLabel()
        self.form.addRow(self.mode_label, modes)
        self.form.addRow(self.server_label, self.server)
        self.form.addRow(self.token_label, self.token)
        self.form.addRow("", self.token_note)
        self.form.addRow(self.folder_label, self.folder_row)
        self.form.addRow("", self.folder_note)
        self.form.addRow("", self.encrypt)
        self.form.addRow(self.passphrase_label, self.passphrase)
        self.form.addRow(self.repeat_label, self.repeat)
        self.form.addRow("", self.key_note)
        self.form.addRow("", self.on_change)
        self.form.addRow(self.every_label, self.every)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.stop = self.buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.stop.setObjectName("sync_stop")
        self.stop.setEnabled(current is not None or server is not None)
        self.stop.clicked.connect(self.stop_syncing)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self._state: FolderState | None = None
        self.retranslate()
        (self.server if server else self.folder).setFocus()

    # The folder as typed -------------------------------------------------------

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("Choose the sync folder"), self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def _folder_path(self) -> Path | None:
        text = self.folder.text().strip()
        return Path(text).expanduser() if text else None

    def _describe(self) -> None:
        """Say what the folder is, and ask for a passphrase only where one is needed."""
        path = self._folder_path()
        self._state = describe_folder(path) if path is not None else None
        self.folder_note.setText(
            self._state.message if self._state else _("No folder: this book does not sync.")
        )
        starting = self._state is not None and self._state.kind is FolderKind.EMPTY
        self.encrypt.setEnabled(starting)
        if not starting:
            self.encrypt.setChecked(False)
        self._show_passphrase_rows()

    def _show_rows(self, *_args: object) -> None:
        """The folder's rows or the server's, as chosen (whole rows: no gaps left)."""
        by_folder = self.use_folder.isChecked()
        server_rows: tuple[QWidget, ...] = (self.server, self.token, self.token_note)
        for row in server_rows:
            self.form.setRowVisible(row, not by_folder)
        self.form.setRowVisible(self.folder_row, by_folder)
        folder_rows: tuple[QWidget, ...] = (self.folder_note, self.encrypt)
        for row in folder_rows:
            self.form.setRowVisible(row, by_folder)
        self._show_passphrase_rows()

    def _show_passphrase_rows(self, *_args: object) -> None:
        state = self._state
        by_folder = self.use_folder.isChecked()
        starting = by_folder and self.encrypt.isChecked()
        joining = (
            by_folder and state is not None and state.kind is FolderKind.TEAM and state.encrypted
        )
        passphrase_rows: tuple[QWidget, ...] = (self.passphrase, self.key_note)
        for row in passphrase_rows:
            self.form.setRowVisible(row, starting or joining)
        self.form.setRowVisible(self.repeat, starting)
        self.adjustSize()

    # Saving -----------------------------------------------------------------

    def save(self) -> None:
        """Start or join the folder (or check the server), then store the settings.

        On a refusal nothing is changed.
        """
        if self.use_server.isChecked():
            self._save_server()
            return
        path = self._folder_path()
        passphrase = self.passphrase.text() or None
        encrypt = self.encrypt.isChecked()
        if encrypt and passphrase != (self.repeat.text() or None):
            self._refuse(_("The two passphrases differ."))
            return
        settings = self._context.settings
        try:
            if path is not None and path != sync_folder_of(settings, self._context.book.path):
                _state, key = use_folder(path, encrypt=encrypt, passphrase=passphrase)
                self._controller.secrets.team_key = key
            elif path is not None and passphrase:
                _state, key = use_folder(path, passphrase=passphrase)
                self._controller.secrets.team_key = key
            self._save_timing()
            if path is not None or sync_server_of(settings, self._context.book.path) is None:
                set_sync_folder(settings, self._context.book.path, path)
        except KamdeskError as error:
            self._refuse(error.message)
            return
        self._done()

    def _save_server(self) -> None:
        """Ask the server who the token is (it must answer and take it), then keep both."""
        url = self.server.text().strip().rstrip("/")
        token = self.token.text().strip() or None
        try:
            user = check_server(url, token)
            if token is not None:
                self._controller.secrets.token = keep_server_token(url, token)
            self._save_timing()
            set_sync_server(self._context.settings, self._context.book.path, url)
        except KamdeskError as error:
            self._refuse(error.message)
            return
        self._context.signals.notice_did_post.emit(
            _("Syncing with {url} as {name} ({role}, team {team}).").format(url=url, **user)
        )
        self._done()

    def _save_timing(self) -> None:
        settings = self._context.settings
        settings.set(SYNC_ON_CHANGE, self.on_change.isChecked())
        settings.set(SYNC_EVERY_MINUTES, self.every.value())

    def _done(self) -> None:
        for secret in (self.passphrase, self.repeat, self.token):
            secret.clear()
        self.accept()
        self._controller.configure()

    def stop_syncing(self) -> None:
        """Stop syncing this book through its folder (the folder and the book stay)."""
        try:
            set_sync_folder(self._context.settings, self._context.book.path, None)
            set_sync_server(self._context.settings, self._context.book.path, None)
        except KamdeskError as error:
            self._refuse(error.message)
            return
        self._controller.secrets = HeldSecrets()
        self.reject()
        self._controller.configure()

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    # Language ---------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Sync settings"))
        self.intro.setText(
            _(
                "Sync this book through a folder your devices or your team share (a network "
                "drive, a synced cloud folder or a USB stick), or through your team's sync "
                "server. Edits made on two devices to the same field are both kept."
            )
        )
        self.mode_label.setText(_("Sync through"))
        self.use_folder.setText(_("A shared folder"))
        self.use_server.setText(_("The team's sync server"))
        self.server_label.setText(_("Server address"))
        self.token_label.setText(_("Your token"))
        self.token_note.setText(token_note())
        self.folder_label.setText(_("Sync folder"))
        self.browse.setText(_("Browse…"))
        self.encrypt.setText(_("Encrypt the folder end to end (new folder only)"))
        self.passphrase_label.setText(_("Team passphrase"))
        self.repeat_label.setText(_("Repeat the passphrase"))
        self.key_note.setText(keyring_note())
        self.on_change.setText(_("Sync soon after each change"))
        self.every_label.setText(_("Sync every (minutes, 0 = never)"))
        self.stop.setText(_("Stop syncing"))
        self._describe()
        self._show_rows()

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

"""Choosing where a book syncs: what a folder is, joining or starting one, checking a server.

The Sync settings dialog asks these before it saves anything, so a wrong folder or a wrong
passphrase is said at once, in words, and leaves the folder and the settings as they were.
A folder is one of: missing (an unplugged drive), empty (the first device starts it), a
team's sync folder (this device joins it), another program's folder (refused), or a folder
a newer KAMDesk set up (refused, as the sync itself would).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kamdesk.errors import KamdeskError, SecretStoreUnavailableError, SyncFolderError
from kamdesk.i18n import _, ngettext
from kamdesk.secrets import secret_store_available
from kamdesk.sync import crypto
from kamdesk.sync.crypto import FolderEncryption, TeamKey
from kamdesk.sync.folder import DEVICES_DIR, FORMAT_FILE, init_folder, read_format

#: A team passphrase shorter than this is refused when a folder is started.
MIN_PASSPHRASE_LENGTH = 8
#: How long Sync settings waits for a server to say who a token is.
CHECK_TIMEOUT_S = 10.0


class FolderKind(StrEnum):
    """What a chosen folder is, for the dialog's line under the folder."""

    MISSING = "missing"
    EMPTY = "empty"
    TEAM = "team"
    OTHER = "other"
    UNUSABLE = "unusable"


@dataclass(frozen=True)
class FolderState:
    """A folder as the Sync settings dialog describes it."""

    kind: FolderKind
    #: For a team folder: encrypted end to end.
    encrypted: bool
    #: For a team folder: how many devices have written to it.
    devices: int
    #: For a team folder: this computer already holds its key (keyring or environment).
    has_key: bool
    #: One sentence about the folder, in the user's language.
    message: str
    folder_id: str = ""
    encryption: FolderEncryption | None = None


def _device_count(folder: Path) -> int:
    try:
        return sum(1 for child in (folder / DEVICES_DIR).iterdir() if child.is_dir())
    except OSError:
        return 0


def _key_here(folder_id: str, encryption: FolderEncryption) -> bool:
    try:
        return crypto.find_team_key(folder_id, encryption) is not None
    except KamdeskError:
        return False


def describe_folder(folder: Path) -> FolderState:
    """What ``folder`` is; never raises (an unreadable folder is UNUSABLE, with why)."""
    folder = folder.expanduser()
    if not folder.is_dir():
        return FolderState(
            FolderKind.MISSING,
            False,
            0,
            False,
            _("This folder does not exist. Is the drive connected?"),
        )
    try:
        names = [child.name for child in folder.iterdir()]
    except OSError as error:
        reason = error.strerror or str(error)
        return FolderState(
            FolderKind.UNUSABLE,
            False,
            0,
            False,
            _("This folder cannot be read: {reason}").format(reason=reason),
        )
    if not names:
        return FolderState(
            FolderKind.EMPTY,
            False,
            0,
            False,
            _("An empty folder: the first sync makes it the team's sync folder."),
        )
    if FORMAT_FILE not in names:
        return FolderState(
            FolderKind.OTHER,
            False,
            0,
            False,
            _(
                "This folder holds other files. Choose an empty folder, or the folder your "
                "team already syncs through."
            ),
        )
    try:
        found = read_format(folder)
    except SyncFolderError as error:
        return FolderState(FolderKind.UNUSABLE, False, 0, False, error.message)
    devices = _device_count(folder)
    encrypted = found.encryption is not None
    has_key = found.encryption is not None and _key_here(found.folder_id, found.encryption)
    described = ngettext(
        "A team sync folder, written by {count} device.",
        "A team sync folder, written by {count} devices.",
        devices,
    ).format(count=devices)
    if encrypted:
        encryption = (
            _("Encrypted end to end; this computer has the team key.")
            if has_key
            else _("Encrypted end to end: enter the team's passphrase.")
        )
        # Two sentences: English puts a space between them, Chinese none.
        described = _("{sentence} {next_sentence}").format(
            sentence=described, next_sentence=encryption
        )
    return FolderState(
        FolderKind.TEAM, encrypted, devices, has_key, described, found.folder_id, found.encryption
    )


def _keep_key(folder_id: str, encryption: FolderEncryption, passphrase: str) -> TeamKey:
    """Check the passphrase and keep its key in the keyring when there is one.

    Without a keyring the key is only returned: the app holds it until it closes, and
    ``KAMDESK_SYNC_PASSPHRASE`` gives it to later runs.
    """
    try:
        return crypto.remember_passphrase(folder_id, encryption, passphrase)
    except SecretStoreUnavailableError:
        return encryption.unlock(passphrase)


def _check_new_passphrase(passphrase: str | None) -> str:
    if not passphrase:
        raise SyncFolderError(_("Enter a passphrase for the team to encrypt the folder with."))
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise SyncFolderError(
            _("The passphrase needs at least {count} characters.").format(
                count=MIN_PASSPHRASE_LENGTH
            )
        )
    return passphrase


def use_folder(
    folder: Path, *, encrypt: bool = False, passphrase: str | None = None
) -> tuple[FolderState, TeamKey | None]:
    """Make ``folder`` ready for this device: start an empty one, or join a team's.

    An empty folder becomes a sync folder, encrypted with ``passphrase`` when ``encrypt``
    (``encrypt`` means nothing for a folder already set up: that was chosen when it
    started). An encrypted team folder needs its passphrase unless this computer holds
    its key already. Returns the folder as it is now and the team key (None for a plain
    folder). Raises SyncFolderError with the reason, and then nothing was written.
    """
    folder = folder.expanduser().absolute()
    state = describe_folder(folder)
    if state.kind is FolderKind.EMPTY:
        if encrypt:
            passphrase = _check_new_passphrase(passphrase)
        started = init_folder(folder, passphrase=passphrase if encrypt else None)
        key = None
        if started.encryption is not None and passphrase:
            key = _keep_key(started.folder_id, started.encryption, passphrase)
        return describe_folder(folder), key
    if state.kind is not FolderKind.TEAM:
        raise SyncFolderError(state.message)
    if state.encryption is None:
        return state, None
    if passphrase:
        return state, _keep_key(state.folder_id, state.encryption, passphrase)
    key = crypto.find_team_key(state.folder_id, state.encryption)
    if key is None:
        raise SyncFolderError(
            _("This sync folder is encrypted: enter the team's passphrase to join it.")
        )
    return state, key


def keyring_note() -> str:
    """Where a team key will be kept on this computer, for the dialog."""
    if secret_store_available():
        return _("The team key is kept in this computer's keyring, never in a file.")
    if os.environ.get(crypto.PASSPHRASE_VARIABLE):
        return _("This computer has no keyring; the passphrase comes from {variable}.").format(
            variable=crypto.PASSPHRASE_VARIABLE
        )
    return _(
        "This computer has no keyring: the team key is kept only until KAMDesk closes. "
        "Set {variable} to sync encrypted folders on every start."
    ).format(variable=crypto.PASSPHRASE_VARIABLE)


def check_server(url: str, token: str | None) -> dict[str, str]:
    """Who ``token`` (or the one this computer keeps for ``url``) is on the server.

    Raises a KamdeskError saying why in words: not a server address, no token, the
    server does not answer, or it does not take the token.
    """
    from kamdesk.ops.server_sync import find_token
    from kamdesk.sync.http import ServerSync

    if not url.startswith(("http://", "https://")):
        raise KamdeskError(
            _("{url} is not a server address (http://HOST:PORT or https://HOST).").format(url=url)
        )
    with ServerSync(url, token or find_token(url), timeout=CHECK_TIMEOUT_S) as server:
        return server.whoami()


def keep_server_token(url: str, token: str) -> str | None:
    """Keep the token in the keyring; without one, return it for the app to hold in memory."""
    from kamdesk.ops.server_sync import keep_token

    try:
        keep_token(url, token)
    except SecretStoreUnavailableError:
        return token
    return None


def token_note() -> str:
    """Where a server token will be kept on this computer, for the dialog."""
    from kamdesk.ops.server_sync import TOKEN_VARIABLE

    if secret_store_available():
        return _("The token is kept in this computer's keyring, never in a file.")
    if os.environ.get(TOKEN_VARIABLE):
        return _("This computer has no keyring; the token comes from {variable}.").format(
            variable=TOKEN_VARIABLE
        )
    return _(
        "This computer has no keyring: the token is kept only until KAMDesk closes. "
        "Set {variable} to sync on every start."
    ).format(variable=TOKEN_VARIABLE)

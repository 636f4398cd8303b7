"""Typed errors raised by the core; the UI and the CLI turn them into messages.

Every error carries a message a user can read (already translated when raised), so the
layers above never have to show a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class KamdeskError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BookError(KamdeskError):
    """The book cannot be opened or written as asked; nothing was changed."""


class BookNotFoundError(BookError):
    """The book file, or the folder it should be created in, does not exist."""


class NotABookError(BookError):
    """The file is not a KAMDesk book, or it is damaged."""


class BookLockedError(BookError):
    """Another program holds a lock on the book."""


class ReadOnlyBookError(BookError):
    """The book is read-only (file permissions, or a newer schema than this app knows)."""


class NewerBookError(ReadOnlyBookError):
    """The book was written by a newer KAMDesk; this app may read it but not write it."""


class DiskFullError(BookError):
    """The disk has no room for what was being written; nothing of it was saved."""


class NotFoundError(KamdeskError):
    """A record the user named does not exist (or was deleted)."""


class ValidationError(KamdeskError):
    """One or more form fields hold a value the book will not accept.

    ``errors`` maps a field name to the message shown next to that field.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


@dataclass(frozen=True)
class FieldConflict:
    """One field the user changed that someone else changed too, since the form opened.

    ``base`` is the value the form started from, ``theirs`` the value stored now, and
    ``mine`` the value the user typed (all cleaned, as the book stores them).
    """

    base: Any
    theirs: Any
    mine: Any


class EditConflictError(KamdeskError):
    """Someone else changed fields of this record that the user changed too; nothing saved.

    ``conflicts`` maps each such field name to its ``FieldConflict``. The user chooses per
    field: to keep theirs, send the edit again without that field; to keep mine, send it
    again with the field's ``base`` replaced by ``theirs``.
    """

    def __init__(self, message: str, conflicts: Mapping[str, FieldConflict]) -> None:
        super().__init__(message)
        self.conflicts = dict(conflicts)


class UnloggedWriteError(KamdeskError):
    """A write to a synced table that the change log would not see was refused.

    Hard deletes, bulk updates and raw SQL writes bypass the per-field log, so other
    devices would never learn of them; the whole transaction is rolled back instead.
    ``table`` names the table the write aimed at.
    """

    def __init__(self, message: str, table: str) -> None:
        super().__init__(message)
        self.table = table


class UnknownFieldError(KamdeskError):
    """An action was given a field name its kind of record does not have.

    A programming or scripting mistake rather than a user's, but still refused with a
    message and with nothing written.
    """


class SecretStoreUnavailableError(KamdeskError):
    """The operating system offers no keyring, so secrets cannot be kept safely."""


class SyncFolderError(KamdeskError):
    """The shared sync folder cannot be used as asked; nothing was written to it."""


class SyncFolderUnavailableError(SyncFolderError):
    """The sync folder is missing, unmounted, or not a KAMDesk sync folder."""


class NewerSyncFolderError(SyncFolderError):
    """A newer KAMDesk set up the sync folder: this app must not write it.

    Nor read it, when the folder's format is newer than this app knows; when only the
    oldest version allowed to write is newer, reading goes on.
    """


class SyncEncryptionRequiredError(SyncFolderError):
    """The folder is encrypted and this computer has no team key for it."""


class WrongSyncPassphraseError(SyncFolderError):
    """The team passphrase (or the key kept for it) does not open this sync folder."""

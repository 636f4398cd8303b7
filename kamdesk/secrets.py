"""Secrets (sync tokens, team keys) in the operating system's keyring, never on disk.

A headless Linux box may have no keyring at all; then every call raises
``SecretStoreUnavailableError`` with a message the UI shows, instead of quietly writing a
secret somewhere readable. The keyring library is imported only when a secret is needed,
because loading its backends is slow.
"""

from __future__ import annotations

import contextlib

from kamdesk.errors import SecretStoreUnavailableError
from kamdesk.i18n import _

SERVICE = "KAMDesk"


def _keyring_or_raise() -> object:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    # Below priority 1 are backends keyring itself does not recommend, such as the
    # plain-text file of keyrings.alt: a secret there would be a secret in clear.
    if isinstance(backend, fail.Keyring) or backend.priority < 1:
        raise SecretStoreUnavailableError(
            _(
                "This computer has no secure password store (keyring), so KAMDesk cannot keep "
                "secrets such as a sync token. Install and unlock a keyring (for example GNOME "
                "Keyring or KWallet) and try again."
            )
        )
    return backend


def secret_store_available() -> bool:
    """True when secrets can be stored safely."""
    try:
        _keyring_or_raise()
    except SecretStoreUnavailableError:
        return False
    return True


def get_secret(name: str) -> str | None:
    """The secret stored under ``name``, or None."""
    backend = _keyring_or_raise()
    return backend.get_password(SERVICE, name)  # type: ignore[attr-defined, no-any-return]


def set_secret(name: str, value: str) -> None:
    """Store a secret under ``name``."""
    backend = _keyring_or_raise()
    backend.set_password(SERVICE, name, value)  # type: ignore[attr-defined]


def delete_secret(name: str) -> None:
    """Forget the secret stored under ``name`` (no error if there is none)."""
    import keyring.errors

    backend = _keyring_or_raise()
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        backend.delete_password(SERVICE, name)  # type: ignore[attr-defined]

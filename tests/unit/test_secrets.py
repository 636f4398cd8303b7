"""Secrets go to the OS keyring or nowhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import keyring
import keyring.core
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from kamdesk import secrets
from kamdesk.errors import SecretStoreUnavailableError
from tests.keyrings import MemoryKeyring

InstallKeyring = Callable[[KeyringBackend], KeyringBackend]


@pytest.fixture
def use_keyring(monkeypatch: pytest.MonkeyPatch) -> InstallKeyring:
    """Install a keyring backend for one test; the previous one comes back after."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    return install


def test_no_keyring_refuses_to_store_and_says_why(
    use_keyring: InstallKeyring, kamdesk_home: Path
) -> None:
    use_keyring(fail.Keyring())
    assert secrets.secret_store_available() is False
    with pytest.raises(SecretStoreUnavailableError) as raised:
        secrets.set_secret("sync-token", "s3cr3t-value")
    assert "keyring" in raised.value.message
    with pytest.raises(SecretStoreUnavailableError) as raised:
        secrets.get_secret("sync-token")
    assert "keyring" in raised.value.message
    with pytest.raises(SecretStoreUnavailableError):
        secrets.delete_secret("sync-token")
    # Nothing was written anywhere in KAMDesk's folders instead.
    for path in kamdesk_home.rglob("*"):
        assert not path.is_file() or b"s3cr3t-value" not in path.read_bytes()


def test_working_keyring_stores_reads_and_forgets(use_keyring: InstallKeyring) -> None:
    backend = use_keyring(MemoryKeyring())
    assert isinstance(backend, MemoryKeyring)
    assert secrets.secret_store_available() is True
    assert secrets.get_secret("sync-token") is None
    secrets.set_secret("sync-token", "abc")
    assert secrets.get_secret("sync-token") == "abc"
    assert backend.store == {(secrets.SERVICE, "sync-token"): "abc"}
    secrets.delete_secret("sync-token")
    assert secrets.get_secret("sync-token") is None
    secrets.delete_secret("sync-token")  # forgetting twice is not an error


class PlainFileKeyring(MemoryKeyring):
    """Like keyrings.alt's plain-text file: it works, but keyring does not recommend it."""

    priority = 0.5  # type: ignore[assignment]


def test_a_keyring_that_would_keep_secrets_in_clear_is_not_used() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(PlainFileKeyring())
    try:
        assert not secrets.secret_store_available()
        with pytest.raises(secrets.SecretStoreUnavailableError):
            secrets.set_secret("sync-token", "s3cret")
    finally:
        keyring.set_keyring(previous)

"""The team key that encrypts a shared sync folder, and where a computer finds it.

A cloud-synced folder is readable by the cloud provider and by anyone who gets a link to
it, so an encrypted folder keeps every segment as AES-256-GCM ciphertext under one key per
team. The key is derived from a passphrase the team shares, with scrypt: memory-hard, so
guessing passphrases on a GPU costs memory as well as time (``cryptography`` has it, so no
extra dependency; argon2 would need one and buys little at these settings). The folder's
format file keeps the salt, the scrypt settings and a key check value, a fixed text
encrypted with the key, so a wrong passphrase is told at once rather than as a folder of
"damaged" segments.

A computer finds the key in the OS keyring (the derived key, not the passphrase, under a
name per folder), or derives it from ``KAMDESK_SYNC_PASSPHRASE`` where there is no keyring
(a script, a headless box). Never from a command-line argument: those show up in process
lists and shell histories.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kamdesk import secrets
from kamdesk.errors import SecretStoreUnavailableError, SyncFolderError, WrongSyncPassphraseError
from kamdesk.i18n import _

PASSPHRASE_VARIABLE = "KAMDESK_SYNC_PASSPHRASE"
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
_KEY_CHECK_TEXT = b"KAMDesk sync folder key check"
_KEY_CHECK_AAD = b"kamdesk-key-check:"

#: The most memory a folder's scrypt settings may ask for: a format file is data from the
#: folder, and must not be able to make this computer allocate without bound.
_MAX_KDF_MEMORY = 1 << 30


@dataclass(frozen=True)
class KdfParams:
    """The scrypt settings a folder's key is derived with.

    The default (n = 2**16, r = 8: 64 MiB) takes about 0.2 s on a laptop, twice the
    commonly cited n = 2**15 at a cost a user waits for once per computer.
    """

    n: int = 2**16
    r: int = 8
    p: int = 1

    def check(self) -> None:
        """Raise ValueError unless these are settings this app will run."""
        if self.n < 2**10 or self.n & (self.n - 1):
            raise ValueError("scrypt n must be a power of two, at least 1024")
        if not 1 <= self.r <= 32 or not 1 <= self.p <= 16:
            raise ValueError("scrypt r or p out of range")
        if 128 * self.n * self.r > _MAX_KDF_MEMORY:
            raise ValueError("scrypt settings ask for too much memory")


class TeamKey:
    """An AES-256-GCM key and the id of the salt and settings it was derived with.

    The id goes into every segment header, so a segment made under another key (after
    the team changed its passphrase) is told apart from a damaged one.
    """

    def __init__(self, key: bytes, key_id: str) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a team key is 32 bytes")
        self.key = key
        self.key_id = key_id
        self._aead = AESGCM(key)

    def encrypt(self, nonce: bytes, plaintext: bytes, associated: bytes) -> bytes:
        """Ciphertext with its 16-byte tag, binding ``associated`` (the segment header)."""
        return self._aead.encrypt(nonce, plaintext, associated)

    def decrypt(self, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
        """The plaintext; ``cryptography.exceptions.InvalidTag`` if anything was altered."""
        return self._aead.decrypt(nonce, ciphertext, associated)

    def __repr__(self) -> str:
        # Never the key itself: a repr ends up in logs and tracebacks.
        return f"TeamKey(key_id={self.key_id!r})"


def new_nonce() -> bytes:
    """A random 96-bit nonce (one per segment; collisions are negligible at 2**32)."""
    return os.urandom(NONCE_BYTES)


def key_id_for(salt: bytes, params: KdfParams) -> str:
    """A short public id of a salt and its settings (not of the key: it reveals nothing)."""
    material = salt + f":{params.n}:{params.r}:{params.p}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def derive_team_key(passphrase: str, salt: bytes, params: KdfParams) -> TeamKey:
    """The team key for ``passphrase`` with the folder's salt and settings."""
    params.check()
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=params.n, r=params.r, p=params.p)
    key = kdf.derive(passphrase.encode("utf-8"))
    return TeamKey(key, key_id_for(salt, params))


@dataclass(frozen=True)
class FolderEncryption:
    """The ``encryption`` block of a folder's format file: all public, no secret in it."""

    salt: bytes
    params: KdfParams
    key_id: str
    #: Nonce + AES-GCM of a fixed text under the key: proves a key right or wrong.
    key_check: bytes

    @classmethod
    def new(
        cls, passphrase: str, params: KdfParams | None = None
    ) -> tuple[FolderEncryption, TeamKey]:
        """Settings for a newly encrypted folder, and its key."""
        if not passphrase:
            raise SyncFolderError(_("The team passphrase cannot be empty."))
        params = params or KdfParams()
        salt = os.urandom(SALT_BYTES)
        key = derive_team_key(passphrase, salt, params)
        nonce = new_nonce()
        check = nonce + key.encrypt(nonce, _KEY_CHECK_TEXT, _KEY_CHECK_AAD + key.key_id.encode())
        return cls(salt, params, key.key_id, check), key

    def opens_with(self, key: TeamKey) -> bool:
        """True when ``key`` is this folder's key."""
        if key.key_id != self.key_id:
            return False
        nonce, sealed = self.key_check[:NONCE_BYTES], self.key_check[NONCE_BYTES:]
        try:
            plain = key.decrypt(nonce, sealed, _KEY_CHECK_AAD + key.key_id.encode())
        except InvalidTag:
            return False
        return plain == _KEY_CHECK_TEXT

    def unlock(self, passphrase: str) -> TeamKey:
        """The key for ``passphrase``; WrongSyncPassphraseError if it is not the team's."""
        key = derive_team_key(passphrase, self.salt, self.params)
        if not self.opens_with(key):
            raise WrongSyncPassphraseError(
                _(
                    "The passphrase does not open this sync folder. Check it with your team "
                    "(it is case-sensitive); nothing was read or written."
                )
            )
        return key

    def to_json(self) -> dict[str, Any]:
        """The block as stored in the format file."""
        return {
            "cipher": "AES-256-GCM",
            "kdf": "scrypt",
            "n": self.params.n,
            "r": self.params.r,
            "p": self.params.p,
            "salt": _b64(self.salt),
            "key_id": self.key_id,
            "key_check": _b64(self.key_check),
        }

    @classmethod
    def from_json(cls, data: object) -> FolderEncryption:
        """The block ``to_json`` wrote; ValueError if it is not one this app can use."""
        if not isinstance(data, dict):
            raise ValueError("encryption settings are an object")
        if data.get("cipher") != "AES-256-GCM" or data.get("kdf") != "scrypt":
            raise ValueError("unknown cipher or key derivation")
        try:
            params = KdfParams(int(data["n"]), int(data["r"]), int(data["p"]))
            salt = base64.b64decode(data["salt"], validate=True)
            check = base64.b64decode(data["key_check"], validate=True)
            key_id = str(data["key_id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"encryption settings incomplete: {exc}") from exc
        params.check()
        if key_id != key_id_for(salt, params):
            raise ValueError("encryption settings do not match their key id")
        return cls(salt, params, key_id, check)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _secret_name(folder_id: str) -> str:
    return f"sync-folder-key:{folder_id}"


def remember_passphrase(folder_id: str, encryption: FolderEncryption, passphrase: str) -> TeamKey:
    """Check ``passphrase`` and keep the key it gives in the OS keyring for this folder.

    Raises WrongSyncPassphraseError (nothing kept) or SecretStoreUnavailableError when the
    computer has no keyring: then the user sets ``KAMDESK_SYNC_PASSPHRASE`` instead,
    rather than the key going to a file in clear.
    """
    key = encryption.unlock(passphrase)
    secrets.set_secret(_secret_name(folder_id), _b64(key.key))
    return key


def forget_key(folder_id: str) -> None:
    """Remove this folder's key from the keyring (leaving the team, a changed passphrase)."""
    secrets.delete_secret(_secret_name(folder_id))


def find_team_key(folder_id: str, encryption: FolderEncryption) -> TeamKey | None:
    """The key this computer has for the folder: from the keyring, else the environment, else None.

    A key in the keyring that no longer opens the folder (the team changed its passphrase)
    raises WrongSyncPassphraseError rather than being tried on every segment.
    """
    stored: str | None = None
    try:
        stored = secrets.get_secret(_secret_name(folder_id))
    except SecretStoreUnavailableError:
        stored = None
    if stored is not None:
        try:
            key: TeamKey | None = TeamKey(base64.b64decode(stored), encryption.key_id)
        except ValueError:  # not base64, or not 32 bytes: something else wrote it
            key = None
        if key is not None and encryption.opens_with(key):
            return key
        if not os.environ.get(PASSPHRASE_VARIABLE):
            raise WrongSyncPassphraseError(
                _(
                    "The team key saved on this computer no longer opens this sync folder "
                    "(was the passphrase changed?). Enter the new passphrase."
                )
            )
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if passphrase:
        return encryption.unlock(passphrase)
    return None

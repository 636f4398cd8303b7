"""The user's settings, each declared once with its default and its translatable title.

Settings are a small JSON file in the user's config folder, written atomically (a temp
file renamed over the old one) so a crash never leaves half a file. A missing, unreadable
or hand-broken file falls back to the declared defaults: settings must never stop the app
from starting. Secrets never live here; see ``kamdesk.secrets``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from kamdesk.errors import KamdeskError
from kamdesk.i18n import N_, _
from kamdesk.paths import config_dir

T = TypeVar("T")

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _is_color(value: Any) -> bool:
    """``#RRGGBB``."""
    return (
        isinstance(value, str)
        and len(value) == 7
        and value[0] == "#"
        and set(value[1:]) <= _HEX_DIGITS
    )


def _is_currency(value: Any) -> bool:
    """A three-letter ISO 4217 code such as ``CNY``."""
    return isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper()


def system_language() -> str:
    """``zh_CN`` when the system speaks Chinese, else ``en``."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


class Setting(NamedTuple, Generic[T]):
    """One setting: its key in the file, default, title and the check a value must pass."""

    key: str
    default: Callable[[], T]
    title: str
    is_valid: Callable[[Any], bool]


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


LANGUAGE: Setting[str] = Setting(
    "language", system_language, N_("Language"), lambda v: v in ("en", "zh_CN")
)
COMPANY_NAME: Setting[str] = Setting("company_name", lambda: "", N_("Company name"), _is_str)
LOGO_PATH: Setting[str] = Setting("logo_path", lambda: "", N_("Logo on PDFs"), _is_str)
PRIMARY_COLOR: Setting[str] = Setting(
    "primary_color",
    lambda: "#1F4E79",
    N_("Main colour on PDFs"),
    _is_color,
)
ACCENT_COLOR: Setting[str] = Setting(
    "accent_color",
    lambda: "#C0504D",
    N_("Accent colour on PDFs"),
    _is_color,
)
DEFAULT_CURRENCY: Setting[str] = Setting(
    "default_currency",
    lambda: "CNY",
    N_("Default currency"),
    _is_currency,
)
LAST_REPORT_FOLDER: Setting[str] = Setting(
    "last_report_folder", lambda: "", N_("Folder for saved PDFs"), _is_str
)


def _is_folder_map(value: Any) -> bool:
    """A JSON object from book paths to folder paths."""
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


#: Each book's sync folder, by the book's absolute path: a setting of this computer, not
#: of the book, since the same book copied to another laptop finds the folder elsewhere.
SYNC_FOLDERS: Setting[dict[str, str]] = Setting(
    "sync_folders", dict, N_("Sync folder"), _is_folder_map
)
SYNC_ON_CHANGE: Setting[bool] = Setting(
    "sync_on_change", lambda: True, N_("Sync soon after each change"), lambda v: v in (True, False)
)
#: 0 turns the periodic sync off (sync on change and on demand still work).
SYNC_EVERY_MINUTES: Setting[int] = Setting(
    "sync_every_minutes",
    lambda: 5,
    N_("Sync every (minutes)"),
    lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 240,
)


#: Each book's sync server (its URL), by the book's absolute path; a book syncs through
#: a folder or a server, not both. The server's token is in the keyring, never here.
SYNC_SERVERS: Setting[dict[str, str]] = Setting(
    "sync_servers", dict, N_("Sync server"), _is_folder_map
)


def _book_key(book: Path) -> str:
    return str(book.expanduser().absolute())


def sync_server_of(settings: Settings, book: Path) -> str | None:
    """The sync server's URL ``book`` syncs with on this computer, or None."""
    return settings.get(SYNC_SERVERS).get(_book_key(book)) or None


def set_sync_server(settings: Settings, book: Path, url: str | None) -> None:
    """Sync ``book`` with the server at ``url`` from now on, instead of any folder."""
    saved = settings.get(SYNC_SERVERS)
    servers = dict(saved)
    servers.pop(_book_key(book), None)
    if url is not None:
        servers[_book_key(book)] = url.rstrip("/")
        set_sync_folder(settings, book, None)
    settings.set(SYNC_SERVERS, servers)


def sync_folder_of(settings: Settings, book: Path) -> Path | None:
    """The folder ``book`` syncs through on this computer, or None."""
    folder = settings.get(SYNC_FOLDERS).get(_book_key(book))
    return Path(folder) if folder else None


def set_sync_folder(settings: Settings, book: Path, folder: Path | None) -> None:
    """Sync ``book`` through ``folder`` from now on (None: stop syncing it)."""
    saved = settings.get(SYNC_FOLDERS)
    folders = dict(saved)
    key = _book_key(book)
    if folder is None:
        folders.pop(key, None)
    else:
        folders[key] = str(folder.expanduser().absolute())
        set_sync_server(settings, book, None)
    settings.set(SYNC_FOLDERS, folders)


ALL_SETTINGS: tuple[Setting[Any], ...] = (
    LANGUAGE,
    COMPANY_NAME,
    LOGO_PATH,
    PRIMARY_COLOR,
    ACCENT_COLOR,
    DEFAULT_CURRENCY,
    LAST_REPORT_FOLDER,
    SYNC_FOLDERS,
    SYNC_SERVERS,
    SYNC_ON_CHANGE,
    SYNC_EVERY_MINUTES,
)


class Settings:
    """The settings file, read once and written on every change."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.json"
        self._values: dict[str, Any] = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, setting: Setting[T]) -> T:
        """The stored value, or the default when it is missing or not valid."""
        value = self._values.get(setting.key)
        if value is not None and setting.is_valid(value):
            return value  # type: ignore[no-any-return]
        return setting.default()

    def set(self, setting: Setting[T], value: T) -> None:
        """Store a value (refusing one the setting does not accept) and save.

        Raises KamdeskError when the file cannot be written.
        """
        if not setting.is_valid(value):
            raise ValueError(f"{setting.key}: {value!r} is not a valid value")
        self._values[setting.key] = value
        self.save()

    def save(self) -> None:
        """Write the file atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        text = json.dumps(self._values, ensure_ascii=False, indent=2)
        try:
            with partial.open("w", encoding="utf-8") as fp:
                fp.write(text)
                fp.flush()
                os.fsync(fp.fileno())
            os.replace(partial, self.path)
        except OSError as error:
            raise KamdeskError(
                _("The settings could not be saved to {path}: {reason}").format(
                    path=self.path, reason=error.strerror or error
                )
            ) from error
        finally:
            partial.unlink(missing_ok=True)

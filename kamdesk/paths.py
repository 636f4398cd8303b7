"""Where KAMDesk finds its bundled resources and keeps the user's files.

Resources live in ``resources/`` in a source checkout and in ``kamdesk/_resources`` in an
installed wheel; both are looked up here so no other module guesses at paths. The user's
directories come from platformdirs, and can be moved with ``KAMDESK_HOME`` (tests and
portable installs use it) so a test never touches a real user's book or settings.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resources_dir() -> Path:
    """The folder holding fonts, translations and icons."""
    installed = _PACKAGE_DIR / "_resources"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "resources"


def resource(*parts: str) -> Path:
    """A path inside the resources folder."""
    return resources_dir().joinpath(*parts)


def _home_override() -> Path | None:
    home = os.environ.get("KAMDESK_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    """The user's data folder: the default book and its backups live here."""
    home = _home_override()
    if home is not None:
        return home / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir("KAMDesk", appauthor=False))


def config_dir() -> Path:
    """The user's settings folder."""
    home = _home_override()
    if home is not None:
        return home / "config"
    from platformdirs import user_config_dir

    return Path(user_config_dir("KAMDesk", appauthor=False))


def default_book_path() -> Path:
    """The book KAMDesk opens when no ``--book`` is given."""
    return data_dir() / "account-book.kamdesk"

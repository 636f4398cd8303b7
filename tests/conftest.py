"""Fixtures shared by every test suite.

Every test runs with ``KAMDESK_HOME`` pointing at a fresh temporary folder, so no test
reads or writes a real user's book, settings or backups.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must not look for a display: UI tests run offscreen (set before PySide6 is imported).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import settings

from kamdesk.i18n import set_language
from kamdesk.store.book import Book, create_book

# Property tests draw the same examples on every run, so CI never fails on a draw nobody
# can replay; ``HYPOTHESIS_PROFILE=explore`` draws new ones (and more) to hunt for bugs.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def kamdesk_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private KAMDesk home (data, settings, backups) for this test only."""
    home = tmp_path_factory.mktemp("kamdesk-home")
    monkeypatch.setenv("KAMDESK_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages in English, whatever a previous test switched to."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    """Where the test's book lives."""
    return tmp_path / "b.kamdesk"


@pytest.fixture(scope="session")
def empty_book_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book made once by ``create_book`` (migrations are the slow part of creating one)."""
    path = tmp_path_factory.mktemp("template") / "empty.kamdesk"
    create_book(path)
    return path


@pytest.fixture
def book(book_path: Path, empty_book_template: Path) -> Iterator[Book]:
    """A new, empty, writable book, closed after the test."""
    shutil.copyfile(empty_book_template, book_path)
    with Book.open(book_path) as opened:
        yield opened

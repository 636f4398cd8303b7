"""What every window and dialog is given.

The open book, the settings, the undo stack, the app-wide signals and the vocabulary
labels. Built once by the app factory and passed down, so there is no global to reach
for and tests build the same thing on a temp book.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from kamdesk.i18n import current_language
from kamdesk.settings import Settings
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader, TeamMemberRow, TermRow
from kamdesk.ui.signals import AppSignals


class AppContext:
    """The app's shared objects."""

    def __init__(
        self, book: Book, settings: Settings, signals: AppSignals, undo_stack: QUndoStack
    ) -> None:
        self.book = book
        self.settings = settings
        self.signals = signals
        self.undo_stack = undo_stack
        self.reader = BookReader(book.db)
        self._vocabulary: dict[str, list[TermRow]] | None = None
        self._team: list[TeamMemberRow] | None = None
        self._labels: dict[tuple[str, str], str] = {}
        self._labels_language = ""
        self.signals.team_did_change.connect(self._forget_team)

    def _forget_team(self) -> None:
        self._team = None

    def forget_cached(self) -> None:
        """Read the vocabulary and the team again: a sync may have changed them."""
        self._vocabulary = None
        self._team = None
        self._labels_language = ""

    def vocabulary(self, kind: str) -> list[TermRow]:
        """The live terms of a vocabulary list, in order (read once, then cached)."""
        if self._vocabulary is None:
            self._vocabulary = self.reader.vocabulary()
        return [term for term in self._vocabulary.get(kind, []) if not term.archived]

    def label(self, kind: str, code: str | None) -> str:
        """The label of a vocabulary code in the current language ('' for none)."""
        if not code:
            return ""
        language = current_language().code
        if self._labels_language != language:
            if self._vocabulary is None:
                self._vocabulary = self.reader.vocabulary()
            self._labels = {
                (term.kind, term.code): term.label(language)
                for terms in self._vocabulary.values()
                for term in terms
            }
            self._labels_language = language
        return self._labels.get((kind, code), code)

    def team(self) -> list[TeamMemberRow]:
        """Our team members, by name (cached until the team changes)."""
        if self._team is None:
            self._team = self.reader.team_members()
        return self._team

    def member_name(self, member_id: str | None) -> str:
        """A team member's name ('' when unknown or deleted)."""
        return next((m.name for m in self.team() if m.id == member_id), "")

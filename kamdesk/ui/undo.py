"""Undo and redo of every edit, as QUndoCommands over the ops layer.

An action runs first (so a refused value never reaches the stack); its command is pushed
afterwards and skips its first ``redo``. Undoing an edit writes the previous values back
through the same ops, so undo is itself a logged, synced change, like any other edit.
If an undo can no longer apply (the record is gone), the command is dropped and the
user is told, rather than the stack lying about the book.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand

from kamdesk.errors import BookLockedError, EditConflictError, KamdeskError
from kamdesk.i18n import _
from kamdesk.kinds import Kind
from kamdesk.ops import accounts, stakeholders, team
from kamdesk.ops import kinds as kind_ops
from kamdesk.store.book import Book
from kamdesk.ui.context import AppContext


class Update(Protocol):
    """An op that changes fields of one record (see ``kamdesk.ops.records.update``)."""

    def __call__(
        self,
        book: Book,
        record_id: str,
        values: Mapping[str, Any],
        /,
        *,
        base: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Write ``values``; returns the values they replaced."""
        ...


@dataclass(frozen=True)
class RecordActions:
    """How to write one kind of record, and whom to tell afterwards."""

    update: Update
    delete: Callable[[Book, str], None]
    #: Returns the names of other records that had to come back with it.
    restore: Callable[[Book, str], list[str] | None]


ACCOUNT_ACTIONS = RecordActions(
    accounts.update_account, accounts.delete_account, accounts.restore_account
)
STAKEHOLDER_ACTIONS = RecordActions(
    stakeholders.update_stakeholder,
    stakeholders.delete_stakeholder,
    stakeholders.restore_stakeholder,
)
TEAM_MEMBER_ACTIONS = RecordActions(
    team.update_team_member, team.delete_team_member, team.restore_team_member
)

_KIND_ACTIONS: dict[str, RecordActions] = {}


def actions_for(kind: Kind) -> RecordActions:
    """How undo writes records of a declared kind (a deal): the generic ops, bound to it."""
    actions = _KIND_ACTIONS.get(kind.name)
    if actions is None:

        def update(
            book: Book,
            record_id: str,
            values: Mapping[str, Any],
            /,
            *,
            base: Mapping[str, Any] | None = None,
        ) -> dict[str, Any]:
            return kind_ops.update_record(book, kind, record_id, values, base=base)

        actions = _KIND_ACTIONS[kind.name] = RecordActions(
            update,
            lambda book, record_id: kind_ops.delete_record(book, kind, record_id),
            lambda book, record_id: kind_ops.restore_record(book, kind, record_id),
        )
    return actions


class RecordCommand(QUndoCommand):
    """An action already done on one record, which undo reverts and redo does again."""

    def __init__(
        self,
        context: AppContext,
        text: str,
        do: Callable[[], object],
        revert: Callable[[], object],
        announce: Callable[[], None],
    ) -> None:
        super().__init__(text)
        self._context = context
        self._do = do
        self._revert = revert
        self._announce = announce
        # The action ran before the command was pushed, so QUndoStack.push's call to
        # redo() must do nothing; a step the book refused while busy is skipped likewise.
        self._skip_next = True

    def redo(self) -> None:
        """Override QUndoCommand.redo."""
        if self._skip_next:
            self._skip_next = False
            return
        self._run(self._do, undoing=False)

    def undo(self) -> None:
        """Override QUndoCommand.undo."""
        if self._skip_next:
            self._skip_next = False
            return
        self._run(self._revert, undoing=True)

    def _run(self, step: Callable[[], object], *, undoing: bool) -> None:
        try:
            brought_back = step()
        except BookLockedError as error:
            # Busy, not gone: keep the command and put the stack back where it was, so
            # the user can simply try again.
            self._skip_next = True
            stack = self._context.undo_stack
            QTimer.singleShot(0, stack.redo if undoing else stack.undo)
            self._tell(error, undoing)
        except EditConflictError:
            # Someone changed the same field since: their value stays, and this step can
            # no longer be taken without undoing their work.
            self.setObsolete(True)
            message = (
                _("Cannot undo “{action}”: it was changed elsewhere since; that change stays.")
                if undoing
                else _("Cannot redo “{action}”: it was changed elsewhere since; that change stays.")
            )
            self._context.signals.notice_did_post.emit(message.format(action=self.text()))
        except KamdeskError as error:
            # The record is gone or the change no longer fits: drop the command rather
            # than let the stack claim something about the book that is not true.
            self.setObsolete(True)
            self._tell(error, undoing)
        else:
            if isinstance(brought_back, list) and brought_back:
                # A branch restored under a deleted group brought the group back too.
                self._context.signals.notice_did_post.emit(
                    _("{names} came back too.").format(names=", ".join(brought_back))
                )
        self._announce()

    def _tell(self, error: KamdeskError, undoing: bool) -> None:
        message = (
            _("Cannot undo “{action}”: {reason}")
            if undoing
            else _("Cannot redo “{action}”: {reason}")
        )
        self._context.signals.notice_did_post.emit(
            message.format(action=self.text(), reason=error.message)
        )


def edit_command(
    context: AppContext,
    actions: RecordActions,
    record_id: str,
    before: dict[str, Any],
    after: dict[str, Any],
    text: str,
    announce: Callable[[], None],
) -> RecordCommand:
    """The command for an edit that replaced ``before`` with ``after``.

    Undo and redo say what they expect to find (``base``): a field someone else changed
    since is theirs now, and undo refuses rather than silently put the old value back.
    """
    changed_after = {k: v for k, v in after.items() if k in before}
    return RecordCommand(
        context,
        text,
        lambda: actions.update(context.book, record_id, changed_after, base=before),
        lambda: actions.update(context.book, record_id, before, base=changed_after),
        announce,
    )


def create_command(
    context: AppContext,
    actions: RecordActions,
    record_id: str,
    text: str,
    announce: Callable[[], None],
) -> RecordCommand:
    """The command for a record just created: undo deletes it, redo brings it back."""
    return RecordCommand(
        context,
        text,
        lambda: actions.restore(context.book, record_id),
        lambda: actions.delete(context.book, record_id),
        announce,
    )


def delete_command(
    context: AppContext,
    actions: RecordActions,
    record_id: str,
    text: str,
    announce: Callable[[], None],
) -> RecordCommand:
    """The command for a record just deleted: undo restores it."""
    return RecordCommand(
        context,
        text,
        lambda: actions.delete(context.book, record_id),
        lambda: actions.restore(context.book, record_id),
        announce,
    )

"""The concession plan's own actions on a deal's page: Move up and Move down.

Each is undone like any edit (Ctrl+Z moves it back), and the cursor stays on the
concession moved, so pressing the button again keeps moving it.
"""

from __future__ import annotations

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.ops.negotiation import move_concession
from kamdesk.ui.context import AppContext
from kamdesk.ui.editing import account_of
from kamdesk.ui.record_list import RecordListPanel
from kamdesk.ui.undo import RecordCommand


def add_concession_actions(context: AppContext, panel: RecordListPanel) -> None:
    """Give a deal's concessions list its "Move up" and "Move down" actions."""
    panel.add_record_action(
        "move_concession_up", lambda: _("Move up"), lambda cid: _move(context, panel, cid, -1)
    )
    panel.add_record_action(
        "move_concession_down",
        lambda: _("Move down"),
        lambda cid: _move(context, panel, cid, 1),
    )


def _move(context: AppContext, panel: RecordListPanel, concession_id: str, step: int) -> None:
    from kamdesk.kinds import kind

    concessions = kind("concession")
    row = context.reader.record_of(concessions, concession_id)
    if row is None:
        return
    if context.book.read_only_reason:
        context.signals.notice_did_post.emit(context.book.read_only_reason)
        return
    account_id = account_of(context, concessions, row.parent_id)

    def announce() -> None:
        context.signals.records_did_change.emit(concessions.name, account_id)
        panel.select_record(concession_id)

    try:
        moved = move_concession(context.book, concession_id, step)
    except KamdeskError as error:
        context.signals.notice_did_post.emit(error.message)
        return
    if not moved:
        return
    give = str(row.values.get("what_we_give") or "")
    text = (_("Move {name} up") if step < 0 else _("Move {name} down")).format(name=give)
    context.undo_stack.push(
        RecordCommand(
            context,
            text,
            lambda: move_concession(context.book, concession_id, step),
            lambda: move_concession(context.book, concession_id, -step),
            announce,
        )
    )
    announce()

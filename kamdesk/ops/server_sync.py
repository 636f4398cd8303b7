"""Sync a book with the team's sync server.

``sync_with_server`` is one sync, in the same steps and with the same report as a folder
sync (``kamdesk.ops.sync``): this device's entries after the last one the server has go
up, the other devices' entries after the book's cursor come down a page at a time and
are merged with the same merge. The cursor is kept in the book (``book_meta``) after
each page merged, so a sync cut off midway goes on from there. When the server no
longer keeps what came after the cursor, ``sync_book_with_server`` rebuilds the book
from the server's snapshot and keeps the old file beside it.

The token comes from ``KAMDESK_SYNC_TOKEN`` or the OS keyring, never from settings.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from sqlalchemy import text

from kamdesk.errors import KamdeskError, SecretStoreUnavailableError
from kamdesk.i18n import _
from kamdesk.ops.conflicts import open_conflicts
from kamdesk.ops.refusals import keep_refused, latest_reason, refused_count
from kamdesk.ops.sync import (
    SyncProgress,
    SyncReport,
    clock_warnings,
    merge_into,
    own_entries_after,
)
from kamdesk.store.book import Book
from kamdesk.store.sync_log import FieldState, RowState, Snapshot, load_snapshot
from kamdesk.sync import deletions
from kamdesk.sync.entries import WireEntry, refusal_reason
from kamdesk.sync.http import ServerCursorGoneError, ServerSnapshot, ServerSync, SyncServerError

#: Where a script or a headless box gives the token when there is no keyring.
TOKEN_VARIABLE = "KAMDESK_SYNC_TOKEN"
#: The book_meta key of the download cursor (with the server it belongs to).
CURSOR_KEY = "server_cursor"
#: The book_meta key of this device's last change whose refusal, if any, the book knows.
REFUSALS_KEY = "server_refusals_checked"

__all__ = [
    "TOKEN_VARIABLE",
    "ServerCursorGoneError",
    "SyncServerError",
    "forget_token",
    "keep_token",
    "sync_book_with_server",
    "sync_with_server",
]


def _secret_name(url: str) -> str:
    return f"sync-server-token {url.rstrip('/')}"


def find_token(url: str) -> str:
    """The token for ``url``: from KAMDESK_SYNC_TOKEN, else from the OS keyring."""
    from kamdesk.secrets import get_secret

    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return token
    try:
        stored = get_secret(_secret_name(url))
    except SecretStoreUnavailableError as error:
        raise SyncServerError(
            _(
                "There is no token for {url}: this computer has no keyring, so set "
                "{variable} to the token your administrator gave you."
            ).format(url=url, variable=TOKEN_VARIABLE)
        ) from error
    if not stored:
        raise SyncServerError(
            _("There is no token for {url}: add it in Sync settings, or set {variable}.").format(
                url=url, variable=TOKEN_VARIABLE
            )
        )
    return stored


def keep_token(url: str, token: str) -> None:
    """Keep ``token`` for ``url`` in the OS keyring (SecretStoreUnavailableError if none)."""
    from kamdesk.secrets import set_secret

    set_secret(_secret_name(url), token.strip())


def forget_token(url: str) -> None:
    """Forget the token kept for ``url``."""
    from kamdesk.secrets import delete_secret

    delete_secret(_secret_name(url))


def _read_mark(book: Book, key: str, url: str) -> int:
    """A number the book keeps for the server at ``url`` (0: none yet, or another server)."""
    row = book.db.execute("SELECT value FROM book_meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        return 0
    try:
        kept = json.loads(row[0])
        return int(kept["cursor"]) if kept.get("url") == url.rstrip("/") else 0
    except (ValueError, KeyError, TypeError, AttributeError):
        return 0


def _save_mark(book: Book, key: str, url: str, number: int) -> None:
    value = json.dumps({"url": url.rstrip("/"), "cursor": number})
    with book.write(log_changes=False) as session:
        session.execute(
            text("INSERT OR REPLACE INTO book_meta (key, value) VALUES (:key, :value)"),
            {"key": key, "value": value},
        )


def read_cursor(book: Book, url: str) -> int:
    """The book's download cursor on ``url`` (0: from the start, or another server)."""
    return _read_mark(book, CURSOR_KEY, url)


def _save_cursor(book: Book, url: str, cursor: int) -> None:
    _save_mark(book, CURSOR_KEY, url, cursor)


def _send(book: Book, server: ServerSync, report: SyncReport) -> None:
    """Send this device's entries the server lacks; keep the ones it refused.

    First the server is asked which of the changes it already has it refused since the
    last complete upload (an answer lost on the way, a sync cut short), then the new
    ones go up, each request's refusals kept as its answer comes.
    """
    checked = _read_mark(book, REFUSALS_KEY, server.url)
    last, earlier = server.device_state(book.device_id, refused_after=checked)

    def keep(numbers: list[int], code: str, among: list[WireEntry]) -> None:
        report.refused += keep_refused(book, among, numbers, code)
        report.refused_reason = refusal_reason(code)

    if earlier:
        unanswered = [e for e in own_entries_after(book, checked) if e.seq <= last]
        for code in sorted({code for _seq, code in earlier}):
            keep([seq for seq, c in earlier if c == code], code, unanswered)
    mine = own_entries_after(book, last)
    uploaded = server.upload(
        book.device_id, mine, on_refused=lambda numbers, code: keep(numbers, code, mine)
    )
    # Counted as the folder counts them: a delete's word on what it had seen is no change.
    refused = set(uploaded.refused)
    bookkeeping = sum(
        1 for e in mine if deletions.is_deletion_seen(e.column) and e.seq not in refused
    )
    report.sent = max(uploaded.accepted - bookkeeping, 0)
    _save_mark(book, REFUSALS_KEY, server.url, mine[-1].seq if mine else last)


def sync_with_server(
    book: Book,
    server: ServerSync,
    *,
    allow_mass_delete: bool = False,
    progress: SyncProgress | None = None,
) -> SyncReport:
    """Send this device's new entries to ``server`` and merge the others' new ones.

    Changes the server refuses (to an account handed to another team) are kept in the
    book's refusals and counted in the report's ``refused``; the others are sent.
    Raises a SyncServerError subclass when the server cannot be used (no answer, a wrong
    token, a device of another user), ServerCursorGoneError when the book must start again from a
    snapshot, and MassDeleteError (after sending, before applying) for a wall of deletes.
    """

    def tell(step: str, done: int = 0, total: int = 0) -> None:
        if progress is not None:
            progress(step, done, total)

    report = SyncReport()
    tell(_("Sending changes…"))
    _send(book, server, report)
    tell(_("Receiving changes…"))
    cursor = read_cursor(book, server.url)
    merging = _("Merging changes…")
    future: dict[str, int] = {}
    while True:
        try:
            page = server.download(cursor, book.device_id)
        except ServerCursorGoneError as gone:
            # Every refusal the book shows stays in it, the file kept beside the new one.
            gone.sent = report.sent
            gone.refused, gone.refused_reason = refused_count(book), latest_reason(book)
            raise
        total = len(page.entries)
        tell(merging, 0, total)
        result = merge_into(
            book,
            page.entries,
            allow_mass_delete=allow_mass_delete,
            progress=lambda done, total=total: tell(merging, done, total),
        )
        if result.waiting:
            # The server hands out each device's entries in order; a gap means the book
            # and the server disagree, and moving the cursor on would lose entries.
            raise SyncServerError(
                _(
                    "The sync server sent changes out of order; nothing after them was "
                    "taken. Sync again, and tell your administrator if this repeats."
                )
            )
        report.received += result.applied
        for device_id, minutes in result.future_clocks.items():
            future[device_id] = max(future.get(device_id, 0), minutes)
        if page.next_cursor != cursor:
            cursor = page.next_cursor
            _save_cursor(book, server.url, cursor)
        if not page.more:
            break
    report.warnings.extend(clock_warnings(future))
    report.conflicts = len(open_conflicts(book))
    report.refused_pending = refused_count(book)
    if report.refused_pending and not report.refused_reason:
        report.refused_reason = latest_reason(book)
    return report


def _as_snapshot(found: ServerSnapshot) -> Snapshot:
    fields = tuple(FieldState(*state) for state in found.fields)
    rows = tuple(
        RowState(f.table, f.row_id, f.hlc, f.device_id, json.loads(f.value) is not None)
        for f in fields
        if f.column == "deleted_at"
    )
    latest = max((f.hlc for f in fields), default=0)
    return Snapshot("sync-server", latest, found.watermarks, fields, rows)


def rebuild_from_server(path: Path, server: ServerSync) -> Path:
    """Make the book at ``path`` anew from the server's snapshot; return the old file's path.

    The new book is a new device (the old one's entries are on the server already, under
    its own id). The old file is kept beside it, renamed, never deleted.
    """
    found = server.snapshot()
    partial = path.with_name(f".{path.name}.rebuilding")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    with Book.open(partial, create=True) as fresh:
        load_snapshot(fresh, _as_snapshot(found))
        _save_cursor(fresh, server.url, found.cursor)
        fresh.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.stem}.before-resync-{stamp}{path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        old = Path(f"{path}{suffix}")
        if old.exists():
            os.replace(old, Path(f"{kept}{suffix}"))
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    os.replace(partial, path)
    return kept


def sync_book_with_server(
    path: Path,
    url: str,
    *,
    token: str | None = None,
    allow_mass_delete: bool = False,
    progress: SyncProgress | None = None,
) -> SyncReport:
    """One sync of the book at ``path`` (made empty if missing) with the server at ``url``.

    When the server no longer keeps what followed the book's last sync, the book's own
    changes are sent first, then the book is rebuilt from the server's snapshot (the old
    file is kept beside it, and a warning says where) and synced once more.
    """
    if not url.startswith(("http://", "https://")):
        raise KamdeskError(
            _("{url} is not a server address (http://HOST:PORT or https://HOST).").format(url=url)
        )
    with ServerSync(url, token or find_token(url)) as server:
        try:
            with Book.open(path, create=True) as book:
                return sync_with_server(
                    book, server, allow_mass_delete=allow_mass_delete, progress=progress
                )
        except ServerCursorGoneError as gone:
            sent, refused, reason = gone.sent, gone.refused, gone.refused_reason
        kept = rebuild_from_server(path, server)
        with Book.open(path) as book:
            report = sync_with_server(
                book, server, allow_mass_delete=allow_mass_delete, progress=progress
            )
        report.sent += sent
        if refused:
            # They are in the old book, values and all: the new one is the team's copy.
            report.refused_pending += refused
            report.refused_reason = reason
            report.refused_book = kept
        report.warnings.append(
            _(
                "The server no longer kept the changes since this book's last sync, so the "
                "book was made anew from the server's copy; the old one is kept as {path}."
            ).format(path=kept)
        )
        return report

"""The sync server as a transport: the book's entries over HTTP (httpx).

Like the shared folder, it moves entries without knowing what they mean: it sends this
device's entries after the last one the server has, and fetches the others' after a
cursor, a page at a time. Every failure becomes a ``SyncServerError`` whose message a
user can act on (a wrong token, a server that does not answer, refused changes); the
token travels in the Authorization header only and is never part of a message.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from kamdesk import __version__
from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.sync.entries import WireEntry

#: Entries per upload request, and the bytes of values per request, whichever comes first:
#: well under the server's body limit, small enough to retry cheaply.
UPLOAD_ENTRIES = 2000
UPLOAD_BYTES = 4 * 1024 * 1024
#: Entries per download page.
PAGE_SIZE = 5000
#: Tries of one request when the connection drops (every request is safe to repeat).
ATTEMPTS = 3


class SyncServerError(KamdeskError):
    """The sync server could not be used; the message says why."""


class ServerUnreachableError(SyncServerError):
    """No answer from the server (wrong address, server down, network gone)."""


class ServerTokenError(SyncServerError):
    """The server does not take the token (wrong, or revoked)."""


class ServerRefusedError(SyncServerError):
    """The server refused the changes, with its reason."""


class ServerCursorGoneError(SyncServerError):
    """The server no longer keeps what came after the book's cursor: start from a snapshot."""

    #: How many of the book's own entries the sync had sent before it learnt this, and
    #: how many of them the server refused (kept in the book that is replaced).
    sent = 0
    refused = 0
    refused_reason = ""


@dataclass
class Uploaded:
    """What the server did with an upload: how many entries were new, which it refused."""

    accepted: int = 0
    #: The numbers of the changes the server refused (it keeps a place holder for each).
    refused: list[int] = field(default_factory=list)
    #: Why: a code of ``REFUSAL_REASONS``, or the server's words for one it does not know.
    reason: str | None = None


@dataclass(frozen=True)
class ServerPage:
    """One page of the other devices' entries."""

    entries: list[WireEntry]
    next_cursor: int
    more: bool


@dataclass(frozen=True)
class ServerSnapshot:
    """Everything the user may read: each field's latest value, and where to go on from."""

    cursor: int
    watermarks: dict[str, int]
    #: (table, row id, column, value, hlc, device id, writes)
    fields: list[tuple[str, str, str, str, int, str, int]]


def _entry_json(entry: WireEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "hlc": entry.hlc,
        "table": entry.table,
        "row_id": entry.row_id,
        "column": entry.column,
        "value": entry.value,
        "seen_hlc": entry.seen_hlc,
        "seen_device": entry.seen_device,
    }


def _entry_from(found: Any) -> WireEntry:
    return WireEntry(
        str(found["device_id"]),
        int(found["seq"]),
        int(found["hlc"]),
        str(found["table"]),
        str(found["row_id"]),
        str(found["column"]),
        str(found["value"]),
        None if found.get("seen_hlc") is None else int(found["seen_hlc"]),
        None if found.get("seen_device") is None else str(found["seen_device"]),
    )


def upload_batches(entries: Sequence[WireEntry]) -> Iterator[list[WireEntry]]:
    """``entries`` in requests of at most UPLOAD_ENTRIES entries and about UPLOAD_BYTES."""
    batch: list[WireEntry] = []
    size = 0
    for entry in entries:
        batch.append(entry)
        size += len(entry.value) + 200
        if len(batch) >= UPLOAD_ENTRIES or size >= UPLOAD_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class ServerSync:
    """One server, one user's token: the requests a sync makes."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._client = httpx.Client(
            base_url=self.url,
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": f"KAMDesk/{__version__}",
            },
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> ServerSync:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **options: Any) -> Any:
        """The JSON answer of one request, retried when the connection drops."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                answer = self._client.request(method, path, **options)
            except httpx.TransportError as error:
                if attempt == ATTEMPTS:
                    raise ServerUnreachableError(
                        _("The sync server at {url} does not answer: {reason}").format(
                            url=self.url, reason=_reason(error)
                        )
                    ) from error
                time.sleep(0.2 * attempt)
                continue
            if answer.status_code == 503 and attempt < ATTEMPTS:
                time.sleep(0.5 * attempt)
                continue
            return self._checked(answer)
        raise AssertionError("unreachable")  # pragma: no cover

    def _checked(self, answer: httpx.Response) -> Any:
        detail = _detail(answer)
        if answer.status_code == 401:
            raise ServerTokenError(
                _(
                    "The sync server at {url} does not take this token (wrong or revoked); "
                    "ask your administrator for a new one."
                ).format(url=self.url)
            )
        if answer.status_code == 410:
            raise ServerCursorGoneError(detail)
        if answer.status_code in (403, 409):
            raise ServerRefusedError(
                _("The sync server refused the changes: {reason}").format(reason=detail)
            )
        if answer.status_code >= 400:
            raise SyncServerError(
                _("The sync server at {url} answered {status}: {reason}").format(
                    url=self.url, status=answer.status_code, reason=detail
                )
            )
        try:
            return answer.json()
        except ValueError as error:
            raise SyncServerError(
                _("{url} does not answer as a KAMDesk sync server.").format(url=self.url)
            ) from error

    def whoami(self) -> dict[str, str]:
        """The token's user: name, role and team."""
        found: dict[str, str] = self._request("GET", "/v1/me")
        return found

    def device_state(
        self, device_id: str, refused_after: int | None = None
    ) -> tuple[int, list[tuple[int, str]]]:
        """The last of this device's entries the server has, and which it refused.

        The refused ones (asked for with ``refused_after``) are the numbers after it, each
        with its reason's code.
        """
        params = {} if refused_after is None else {"refused_after": refused_after}
        refused: list[tuple[int, str]] = []
        while True:
            found = self._request("GET", f"/v1/devices/{device_id}", params=params)
            refused += [(int(r["seq"]), str(r["code"])) for r in found.get("refused") or ()]
            if not found.get("more_refused") or not refused:
                return int(found["last_seq"]), refused
            params = {"refused_after": refused[-1][0]}  # the server's list is cut short

    def upload(
        self,
        device_id: str,
        entries: Sequence[WireEntry],
        on_refused: Callable[[list[int], str], None] | None = None,
    ) -> Uploaded:
        """Send ``entries`` (in sequence, after the server's last); what the server did.

        The answer counts the entries that were new and names those it refused;
        ``on_refused(numbers, code)`` hears of each request's refusals as they come, so
        they are kept even if a later request fails.
        """
        done = Uploaded()
        for batch in upload_batches(entries):
            body = {"device_id": device_id, "entries": [_entry_json(e) for e in batch]}
            answer = self._request("POST", "/v1/entries", json=body)
            done.accepted += int(answer["accepted"])
            refused = [int(seq) for seq in answer.get("refused") or ()]
            if refused:
                done.refused += refused
                done.reason = str(answer.get("refused_code") or answer.get("refused_reason") or "")
                if on_refused is not None:
                    on_refused(refused, done.reason)
        return done

    def download(self, after: int, device_id: str, limit: int | None = None) -> ServerPage:
        """The other devices' entries after cursor ``after``, one page (PAGE_SIZE by default)."""
        found = self._request(
            "GET",
            "/v1/entries",
            params={"after": after, "limit": limit or PAGE_SIZE, "device_id": device_id},
        )
        return ServerPage(
            [_entry_from(e) for e in found["entries"]],
            int(found["next_cursor"]),
            bool(found["more"]),
        )

    def snapshot(self) -> ServerSnapshot:
        """Everything the user may read, for a book starting again."""
        found = self._request("GET", "/v1/snapshot")
        return ServerSnapshot(
            int(found["cursor"]),
            {str(d): int(s) for d, s in found["watermarks"].items()},
            [
                (
                    str(f["table"]),
                    str(f["row_id"]),
                    str(f["column"]),
                    str(f["value"]),
                    int(f["hlc"]),
                    str(f["device_id"]),
                    int(f["writes"]),
                )
                for f in found["fields"]
            ],
        )


def _detail(answer: httpx.Response) -> str:
    try:
        found = answer.json()
    except ValueError:
        return answer.reason_phrase or str(answer.status_code)
    detail = found.get("detail") if isinstance(found, dict) else None
    if isinstance(detail, str):
        return detail
    return json.dumps(detail, ensure_ascii=False)[:300] if detail else str(answer.status_code)


def _reason(error: httpx.TransportError) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

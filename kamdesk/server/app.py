"""The sync server's HTTP API (FastAPI): upload, download, snapshot, who am I.

Every request but ``/healthz`` carries a bearer token. Bad requests get a 4xx answer
with a reason (``detail``), never a 5xx: bodies are checked against the models below
(the same ones the served OpenAPI description is made from), request bodies have a size
limit, and the relay's refusals have statuses of their own. Tokens travel only in the
Authorization header, which the access log does not print.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from kamdesk import __version__
from kamdesk.server import relay
from kamdesk.server.auth import User, user_for_token
from kamdesk.sync.entries import WireEntry, refusal_reason

#: The largest request body taken, by default (a first sync sends its log in pieces).
DEFAULT_BODY_LIMIT = 16 * 1024 * 1024
#: The largest page a download hands out.
MAX_PAGE = 10_000
MAX_INT = 2**63 - 1

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _storable(text: str) -> str:
    """Text any database keeps: no NUL, no lone surrogate."""
    if "\x00" in text:
        raise ValueError("text may not hold a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("text must be valid Unicode") from error
    return text


def _json_text(text: str) -> str:
    _storable(text)
    try:
        json.loads(text)
    except ValueError as error:
        raise ValueError("an entry's value is JSON text") from error
    return text


Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")]
#: A column, or a delete's word on what it had seen: ``_deletion_seen:`` and the deleting
#: device's id (``kamdesk.sync.deletions``; a book's device id is a UUID, so it fits the
#: server's 64 characters).
ColumnName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^([a-z_][a-z0-9_]*|_deletion_seen:[A-Za-z0-9][A-Za-z0-9._-]*)$",
    ),
]
Id = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_storable)]
DeviceId = Annotated[
    str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
]
Value = Annotated[str, Field(max_length=1_000_000), AfterValidator(_json_text)]
Clock = Annotated[int, Field(ge=0, le=MAX_INT)]
Seq = Annotated[int, Field(ge=1, le=MAX_INT)]


class EntryIn(BaseModel):
    """One change-log entry a device sends: one changed field of one row."""

    seq: Seq
    hlc: Clock
    table: Name
    row_id: Id
    column: ColumnName
    value: Value = Field(description="the new value as JSON text, kept byte for byte")
    seen_hlc: Clock | None = None
    seen_device: DeviceId | None = None


class EntryOut(EntryIn):
    """An entry as a download hands it out, with the device that wrote it."""

    device_id: DeviceId


class UploadIn(BaseModel):
    """Entries of one device, in sequence, following on from its last one on the server."""

    device_id: DeviceId
    entries: list[EntryIn] = Field(max_length=50_000)


class UploadOut(BaseModel):
    """What the server kept: new entries, repeats it already had, the device's last number.

    ``refused`` lists the numbers of the changes the user may not make (to another team's
    account; any, from an administrator's book), which no one receives; ``refused_code``
    says why, for the client to say in its language, and ``refused_reason`` in words.
    The others were kept.
    """

    accepted: int
    duplicates: int
    last_seq: int
    refused: list[int] = Field(default_factory=list)
    refused_code: str | None = Field(None, description="not_your_team or administrator")
    refused_reason: str | None = None


class PageOut(BaseModel):
    """Entries after a cursor; ask again from ``next_cursor`` while ``more`` is true."""

    entries: list[EntryOut]
    next_cursor: int
    more: bool


class RefusedOut(BaseModel):
    """One of the device's changes the server refused, and why (``not_your_team``...)."""

    seq: int
    code: str


class DeviceOut(BaseModel):
    """The last entry of a device the server has (0: none yet).

    With ``refused_after``, also its changes after that number that the server refused.
    """

    device_id: str
    last_seq: int
    refused: list[RefusedOut] = Field(default_factory=list)
    #: The list is cut short: ask again with ``refused_after`` its last number.
    more_refused: bool = False


class FieldOut(BaseModel):
    """A field's latest value in a snapshot, with its clock and how often it was written."""

    table: str
    row_id: str
    column: str
    value: str
    hlc: int
    device_id: str
    writes: int


class SnapshotOut(BaseModel):
    """Everything the user may read, as field values; then download after ``cursor``."""

    cursor: int
    watermarks: dict[str, int]
    fields: list[FieldOut]


class MeOut(BaseModel):
    """Who the token belongs to."""

    name: str
    role: str
    team: str


class Problem(BaseModel):
    """Why a request was refused, in a sentence for the user."""

    detail: str


class SequenceProblem(Problem):
    """An upload that does not follow on from the device's last entry on the server."""

    expected_seq: int = Field(description="the sequence number to send from")


_bearer = HTTPBearer(auto_error=False, description="the token `kamdesk server add-user` printed")


def _refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {"model": SequenceProblem if code == 409 else Problem} for code in (401, 413, *codes)
    }


class BodyLimit:
    """Refuses (413) a request whose body is larger than ``limit`` bytes, before reading it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Override the ASGI call: count the body as it arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(send)
            return
        seen = 0

        async def counted() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLargeError
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLargeError:
            await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps({"detail": f"the request body is larger than {self.limit} bytes"})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})


class _TooLargeError(Exception):
    pass


class ServerTiming:
    """Adds ``Server-Timing: app;dur=MS`` to each answer: the time the server spent on it.

    A client (or the load bench) can then tell the server's time from the network's and
    its own queueing.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Override the ASGI call: stamp the answer's headers as they go out."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def stamped(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                spent = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers") or [])
                headers.append((b"server-timing", f"app;dur={spent:.1f}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, stamped)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The live user whose bearer token the request carries; 401 otherwise."""
    user = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        user = user_for_token(_engine(request), credentials.credentials)
    if user is None:
        raise HTTPException(
            status_code=401,
            detail="the token is missing, wrong or revoked",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


Authorized = Annotated[User, Depends(current_user)]


def create_app(engine: Engine, *, body_limit: int = DEFAULT_BODY_LIMIT) -> FastAPI:
    """The API on ``engine``, whose schema is already at head."""
    from kamdesk.server.visibility import owner_links

    # Read the kinds' declarations (and import the tables) now, not in the first upload.
    owner_links()
    api = FastAPI(
        title="KAMDesk sync server",
        version=__version__,
        description=(
            "Relays the account books' change-log entries between a team's devices. "
            "Upload is idempotent on (device id, seq); download is everything after a "
            "cursor, in pages; a cursor older than the server keeps gets 410 and the book "
            "starts again from /v1/snapshot."
        ),
    )
    api.state.engine = engine

    @api.exception_handler(relay.RelayError)
    async def _refused(_request: Request, error: relay.RelayError) -> JSONResponse:
        content: dict[str, Any] = {"detail": error.message}
        if isinstance(error, relay.OutOfSequenceError):
            content["expected_seq"] = error.expected
        return JSONResponse(status_code=error.status, content=content)

    @api.exception_handler(OperationalError)
    async def _busy(_request: Request, _error: OperationalError) -> JSONResponse:
        return JSONResponse(
            status_code=503,
            content={"detail": "the server's database is busy; try again"},
            headers={"Retry-After": "1"},
        )

    @api.get("/healthz", summary="Whether the server answers")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/v1/me", response_model=MeOut, responses=_refusals())
    def me(user: Authorized) -> MeOut:
        """Who the token belongs to: name, role and team."""
        return MeOut(name=user.name, role=user.role.value, team=user.team)

    @api.get("/v1/devices/{device_id}", response_model=DeviceOut, responses=_refusals(403))
    def device(
        user: Authorized,
        device_id: Annotated[DeviceId, Path()],
        refused_after: Annotated[
            Clock | None, Query(description="list the refused changes after this number")
        ] = None,
    ) -> DeviceOut:
        """The device's last entry the server has: send the ones after it."""
        state = relay.device_state(engine, user, device_id, refused_after)
        return DeviceOut(
            device_id=device_id,
            last_seq=state.last_seq,
            refused=[RefusedOut(seq=seq, code=code) for seq, code in state.refused],
            more_refused=state.more,
        )

    @api.post("/v1/entries", response_model=UploadOut, responses=_refusals(403, 409))
    def upload(user: Authorized, body: UploadIn) -> UploadOut:
        """Keep a device's entries; repeats are skipped, and refused ones are listed."""
        batch = [
            WireEntry(
                body.device_id,
                e.seq,
                e.hlc,
                e.table,
                e.row_id,
                e.column,
                e.value,
                e.seen_hlc,
                e.seen_device,
            )
            for e in body.entries
        ]
        done = relay.upload(engine, user, body.device_id, batch)
        return UploadOut(
            accepted=done.accepted,
            duplicates=done.duplicates,
            last_seq=done.last_seq,
            refused=list(done.refused),
            refused_code=done.reason,
            refused_reason=refusal_reason(done.reason) if done.reason else None,
        )

    @api.get("/v1/entries", response_model=PageOut, responses=_refusals(410))
    def download(
        user: Authorized,
        after: Annotated[Clock, Query(description="the cursor of the last page read")] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 5000,
        device_id: Annotated[DeviceId | None, Query(description="leave this device out")] = None,
    ) -> PageOut:
        """The entries the user may read after ``after``, oldest first."""
        page = relay.download(engine, user, after, limit, device_id)
        return PageOut(
            entries=[
                EntryOut(
                    device_id=e.device_id,
                    seq=e.seq,
                    hlc=e.hlc,
                    table=e.table,
                    row_id=e.row_id,
                    column=e.column,
                    value=e.value,
                    seen_hlc=e.seen_hlc,
                    seen_device=e.seen_device,
                )
                for e in page.entries
            ],
            next_cursor=page.next_cursor,
            more=page.more,
        )

    @api.get("/v1/snapshot", response_model=SnapshotOut, responses=_refusals())
    def snapshot(user: Authorized) -> SnapshotOut:
        """Everything the user may read as field values, for a book starting again."""
        state = relay.snapshot(engine, user)
        return SnapshotOut(
            cursor=state.cursor,
            watermarks=state.watermarks,
            fields=[
                FieldOut(table=t, row_id=r, column=c, value=v, hlc=h, device_id=d, writes=w)
                for t, r, c, v, h, d, w in state.fields
            ],
        )

    api.add_middleware(BodyLimit, limit=body_limit)
    api.add_middleware(ServerTiming)
    return api


#: Where ``serve`` tells its worker processes the database and the body limit.
_DB_VARIABLE = "KAMDESK_SERVER_DB"
_BODY_LIMIT_VARIABLE = "KAMDESK_SERVER_BODY_LIMIT"


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``serve --workers N`` (uvicorn calls it)."""
    from kamdesk.server.db import open_database

    engine = open_database(os.environ[_DB_VARIABLE])
    return create_app(engine, body_limit=int(os.environ[_BODY_LIMIT_VARIABLE]))


def serve(
    url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    certfile: str | None = None,
    keyfile: str | None = None,
    body_limit: int = DEFAULT_BODY_LIMIT,
    workers: int = 1,
) -> None:
    """Run the server until it is stopped (Ctrl+C or SIGTERM).

    ``workers`` above 1 runs that many processes on one port, each with its own
    connections: a process answers requests on one core at a time (Python's GIL), and
    several share one PostgreSQL database as safely as servers behind a load balancer.
    """
    import uvicorn

    from kamdesk.server.db import open_database

    engine = open_database(url)  # created or migrated once, before any worker starts
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "ssl_certfile": certfile,
        "ssl_keyfile": keyfile,
        "log_level": "info",
        "proxy_headers": True,
        # Longer than a client's pause between syncs and than a reverse proxy's own
        # keep-alive, so an idle connection is not closed just as it is reused.
        "timeout_keep_alive": 75,
        "timeout_graceful_shutdown": 5,
    }
    try:
        if workers > 1:
            engine.dispose()
            os.environ[_DB_VARIABLE] = url
            os.environ[_BODY_LIMIT_VARIABLE] = str(body_limit)
            uvicorn.run(
                "kamdesk.server.app:app_from_environment", factory=True, workers=workers, **options
            )
        else:
            uvicorn.run(create_app(engine, body_limit=body_limit), **options)
    finally:
        engine.dispose()

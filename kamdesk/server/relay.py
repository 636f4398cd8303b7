"""What the sync server does with entries: take uploads, hand out pages, hand over accounts.

Uploads are idempotent on (device id, sequence number): entries the server has already
are counted as duplicates and skipped, so a retry after a lost answer never doubles an
edit, and a device's entries are taken only in sequence, without gaps, because a book
merges a device's entries in that order. A change the user may not make (to an account
handed to another team while a rep was offline, or any change from an administrator's
book) is refused alone: the server keeps a place holder in its stead, so the device's
later changes still follow on and its teammates' books count the number as taken, and
the answer names the refused numbers, so the device can show them to its user.

Each upload takes the row lock of the entries counter first, so server sequence
numbers (the download cursor) are given in commit order even with several server
processes on one PostgreSQL database: a client that read up to a cursor never misses an
entry committed later with a lower number.

Each entry is stored with the team that may read it, decided when it arrives: the team
of the account its row hangs off, or the sender's team for a team-wide record. A team's
devices only ever write their team's accounts (their other changes are place holders),
so every device's entries a reader gets come without gaps. A handover
(``move_account``) gives the new team a copy of the account's current state under a
device id of its own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import queue
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.server.auth import User
from kamdesk.server.db import (
    ENTRIES_COUNTER,
    PRUNED_COUNTER,
    accounts,
    counters,
    devices,
    entries,
    rows,
    users,
)
from kamdesk.server.visibility import ACCOUNT, owner_links
from kamdesk.sync.clock import wall_clock_ms
from kamdesk.sync.entries import (
    FROM_AN_ADMINISTRATOR,
    NOT_YOUR_TEAMS,
    REFUSED,
    WireEntry,
    is_refused,
    refused_place,
)

#: How many ids one IN (...) query names.
_CHUNK = 500
#: Device ids of handover copies start so; no book makes such an id (books use UUIDs).
HANDOVER_PREFIX = "handover-"


class RelayError(KamdeskError):
    """A request the server refuses; ``status`` is the HTTP status it answers with."""

    status = 400


class RefusedError(RelayError):
    """The user may not send this device's entries: none of them was kept."""

    status = 403


class OutOfSequenceError(RelayError):
    """The upload does not start right after the device's last entry on the server."""

    status = 409

    def __init__(self, message: str, expected: int) -> None:
        super().__init__(message)
        self.expected = expected


class CursorGoneError(RelayError):
    """The cursor is older than what the server keeps: start again from a snapshot."""

    status = 410


class UnknownAccountError(RelayError):
    """An admin named an account the server has never received."""

    status = 404


@dataclass(frozen=True)
class UploadResult:
    """What an upload did: entries kept, entries the server already had, the device's last.

    ``refused`` are the numbers of the batch's changes the server refused (kept as place
    holders, not relayed), whether refused now or by the try this one repeats; ``reason``
    says why, as a code of ``REFUSAL_REASONS``.
    """

    accepted: int
    duplicates: int
    last_seq: int
    refused: tuple[int, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of entries after a cursor."""

    entries: list[WireEntry]
    next_cursor: int
    more: bool


@dataclass
class SnapshotState:
    """A reader's whole visible state: each field's latest value and the watermarks."""

    cursor: int
    #: (table, row id, column, value, hlc, device id, writes)
    fields: list[tuple[str, str, str, str, int, str, int]] = field(default_factory=list)
    watermarks: dict[str, int] = field(default_factory=dict)


#: Writers of one process take turns here on SQLite, which has one writer at a time
#: anyway: waiting on a lock wakes at once, SQLite's busy handler sleeps and polls.
_SQLITE_WRITER = threading.Lock()


@contextlib.contextmanager
def _writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will take the entries counter's lock."""
    if engine.dialect.name == "sqlite":
        with _SQLITE_WRITER, engine.begin() as db:
            yield db
    else:
        with engine.begin() as db:
            yield db


def _lock_counter(db: Connection) -> int:
    """Take the entries counter's row lock (held to commit); its value."""
    db.execute(
        counters.update().where(counters.c.name == ENTRIES_COUNTER).values(value=counters.c.value)
    )
    return _counter(db, ENTRIES_COUNTER)


def _counter(db: Connection, name: str) -> int:
    return int(db.execute(sa.select(counters.c.value).where(counters.c.name == name)).scalar_one())


def _chunks(items: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(items))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _reference(value: str) -> str | None:
    try:
        named = json.loads(value)
    except ValueError:
        return None
    return named if isinstance(named, str) else None


def _ids_named(batch: Iterable[WireEntry]) -> set[str]:
    """The row ids ``batch`` writes or names in a link to the row it hangs off."""
    links = owner_links()
    wanted: set[str] = set()
    for entry in batch:
        wanted.add(entry.row_id)
        if any(link.column == entry.column for link in links.get(entry.table, ())):
            target = _reference(entry.value)
            if target is not None:
                wanted.add(target)
    return wanted


def _registered_rows(db: Connection, ids: Iterable[str]) -> dict[tuple[str, str], str]:
    """The account each of the known rows among ``ids`` hangs off, by (table, row id)."""
    found: dict[tuple[str, str], str] = {}
    for chunk in _chunks(ids):
        for table, row_id, account_id in db.execute(
            sa.select(rows.c.table_name, rows.c.row_id, rows.c.account_id).where(
                rows.c.row_id.in_(chunk)
            )
        ):
            found[(str(table), str(row_id))] = str(account_id)
    return found


class _Placer:
    """Finds the account each row of an upload hangs off (None: a team-wide record)."""

    def __init__(
        self, batch: Sequence[WireEntry], registered: Mapping[tuple[str, str], str]
    ) -> None:
        links = owner_links()
        #: The newest word of the batch on each row's links: (table, row, column) → id.
        self.named: dict[tuple[str, str, str], str] = {}
        for entry in batch:
            if any(link.column == entry.column for link in links.get(entry.table, ())):
                target = _reference(entry.value)
                if target is not None:
                    self.named[(entry.table, entry.row_id, entry.column)] = target
        self.registered = registered
        self.placed: dict[tuple[str, str], str | None] = {}

    def account_of(self, table: str, row_id: str, depth: int = 0) -> str | None:
        """The account ``row_id`` hangs off: from the batch's links first, then as known."""
        if table == ACCOUNT:
            return row_id
        key = (table, row_id)
        if key in self.placed:
            return self.placed[key]
        found: str | None = None
        if depth < 20:  # a cycle of references in a malicious upload ends here
            for link in owner_links().get(table, ()):
                target = self.named.get((table, row_id, link.column))
                if target is not None:
                    found = self.account_of(link.table, target, depth + 1)
                    if found is not None:
                        break
        if found is None:
            found = self.registered.get(key)
        self.placed[key] = found
        return found


def _account_teams(db: Connection, account_ids: Iterable[str]) -> dict[str, str]:
    teams: dict[str, str] = {}
    for chunk in _chunks(account_ids):
        for account_id, team in db.execute(
            sa.select(accounts.c.account_id, accounts.c.team).where(
                accounts.c.account_id.in_(chunk)
            )
        ):
            teams[str(account_id)] = str(team)
    return teams


def _new_in_sequence(batch: Sequence[WireEntry], last_seq: int) -> tuple[list[WireEntry], int]:
    """The entries after ``last_seq``, checked to follow on without a gap; and the repeats."""
    by_seq: dict[int, WireEntry] = {}
    for entry in batch:
        by_seq.setdefault(entry.seq, entry)
    fresh = [by_seq[s] for s in sorted(by_seq) if s > last_seq]
    for expected, entry in enumerate(fresh, last_seq + 1):
        if entry.seq != expected:
            raise OutOfSequenceError(
                _(
                    "The server has this device's changes up to number {last}; send them "
                    "from number {next} on."
                ).format(last=last_seq, next=last_seq + 1),
                last_seq + 1,
            )
    return fresh, len(batch) - len(fresh)


#: The most refused numbers one answer lists.
MOST_REFUSALS = 10_000


@dataclass(frozen=True)
class DeviceState:
    """How far the server has a device's entries, and which of them it refused (and why).

    ``more``: the list stopped at MOST_REFUSALS; ask again after its last number.
    """

    last_seq: int
    refused: list[tuple[int, str]] = field(default_factory=list)
    more: bool = False


def device_state(
    engine: Engine, user: User, device_id: str, refused_after: int | None = None
) -> DeviceState:
    """The last sequence number the server has of ``device_id`` (0 for a new device).

    With ``refused_after``, also the numbers above it that the server refused, with each
    one's code: a device whose upload's answer was lost learns of them so.
    """
    with engine.connect() as db:
        row = db.execute(sa.select(devices).where(devices.c.device_id == device_id)).first()
        if row is None:
            return DeviceState(0)
        if int(row.user_id) != user.id:
            raise RefusedError(_("This device is registered to another user of the server."))
        refused: list[tuple[int, str]] = []
        if refused_after is not None:
            for seq, value in db.execute(
                sa.select(entries.c.seq, entries.c.value)
                .where(
                    entries.c.device_id == device_id,
                    entries.c.table_name == REFUSED,
                    entries.c.seq > refused_after,
                )
                .order_by(entries.c.seq)
                .limit(MOST_REFUSALS)
            ):
                code = _reference(str(value))
                refused.append((int(seq), code or NOT_YOUR_TEAMS))
    return DeviceState(int(row.last_seq), refused, more=len(refused) == MOST_REFUSALS)


def upload(engine: Engine, user: User, device_id: str, batch: Sequence[WireEntry]) -> UploadResult:
    """Keep ``batch`` (entries of ``device_id``), all of it or none of it.

    Uploads arriving together are written in one transaction (see ``_GroupCommit``).
    """
    return _group_commit(engine).submit(user, device_id, batch)


def _set_counter(db: Connection, value: int) -> None:
    db.execute(counters.update().where(counters.c.name == ENTRIES_COUNTER).values(value=value))


class _Uploads:
    """Several uploads written in one transaction that holds the counter's lock.

    The rows they read (devices, rows, accounts) are read once for all of them, and
    what they write goes in one statement per table; each upload is judged in turn, on
    what the ones before it left, and a refused one is raised before it adds anything.
    """

    def __init__(self, db: Connection, jobs: Sequence[_Job], counter: int) -> None:
        self.db = db
        self.counter = counter
        self.received_at = wall_clock_ms()
        wanted_devices = {job.device_id for job in jobs}
        self.devices: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(wanted_devices):
            for device_id, user_id, last_seq in db.execute(
                sa.select(devices.c.device_id, devices.c.user_id, devices.c.last_seq).where(
                    devices.c.device_id.in_(chunk)
                )
            ):
                self.devices[str(device_id)] = (int(user_id), int(last_seq))
        self.known_devices = set(self.devices)
        named = set().union(*(_ids_named(j.batch) for j in jobs))
        self.registered = _registered_rows(db, named)
        self.known_rows = dict(self.registered)
        self.teams: dict[str, str] = {}
        self.team_asked: set[str] = set()
        self.new_accounts: dict[str, str] = {}
        self.new_entries: list[dict[str, Any]] = []
        # Every account the uploads can place a row under is a row they name or the
        # account of a known row: their teams are read at once, not one query per upload.
        self._teams_of(named | set(self.registered.values()))

    def _teams_of(self, account_ids: set[str]) -> dict[str, str]:
        unknown = account_ids - self.team_asked
        if unknown:
            self.teams.update(_account_teams(self.db, unknown))
            self.team_asked |= unknown
        return self.teams

    def add(self, user: User, device_id: str, batch: Sequence[WireEntry]) -> UploadResult:
        """Judge one upload and queue its writes; RelayError (and nothing queued) if refused."""
        owner, last_seq = self.devices.get(device_id, (user.id, 0))
        if owner != user.id:
            raise RefusedError(_("This device is registered to another user of the server."))
        fresh, duplicates = _new_in_sequence(batch, last_seq)
        if any(is_refused(entry) for entry in fresh):
            raise RelayError(
                _("No change may be sent under the name {name}: the server keeps it.").format(
                    name=REFUSED
                )
            )
        refused = self._refused_before(device_id, batch, last_seq) if duplicates else set()
        reason = FROM_AN_ADMINISTRATOR if user.sees_every_team else NOT_YOUR_TEAMS
        if not fresh:
            return UploadResult(
                0, duplicates, last_seq, tuple(sorted(refused)), reason if refused else None
            )
        if user.sees_every_team:
            placed: list[str | None] = [None] * len(fresh)
            foreign = {entry.seq for entry in fresh}
        else:
            placed, foreign = self._place(user, fresh)
        self.new_entries += [
            self._stored(
                user,
                self.received_at,
                self.counter + number,
                entry,
                account_id,
                refused=reason if entry.seq in foreign else None,
            )
            for number, (entry, account_id) in enumerate(zip(fresh, placed, strict=True), 1)
        ]
        refused |= foreign
        self.counter += len(fresh)
        self.devices[device_id] = (user.id, fresh[-1].seq)
        return UploadResult(
            len(fresh) - len(foreign),
            duplicates,
            fresh[-1].seq,
            tuple(sorted(refused)),
            reason if refused else None,
        )

    def _place(self, user: User, fresh: Sequence[WireEntry]) -> tuple[list[str | None], set[int]]:
        """The account each entry writes, and the numbers of those to another team's account.

        New rows are registered to the account they hang off, the other team's too, so a
        later entry that names no link (the name of a person added under a handed-over
        account) is refused like the first. A known row stays where the server has it:
        an entry moving it to another team's account is refused, and moves nothing.
        """
        placer = _Placer(fresh, self.registered)
        placed = [placer.account_of(e.table, e.row_id) for e in fresh]
        named = {a for a in placed if a is not None}
        teams = self._teams_of(named)
        others = {a for a in named if teams.get(a, user.team) != user.team}
        for new in named - set(teams):
            teams[new] = self.new_accounts[new] = user.team
        for (table, row_id), owner_account in placer.placed.items():
            if owner_account is None or table == ACCOUNT:
                continue
            if owner_account not in others or (table, row_id) not in self.registered:
                self.registered[(table, row_id)] = owner_account
        foreign = {e.seq for e, a in zip(fresh, placed, strict=True) if a in others}
        return placed, foreign

    @staticmethod
    def _stored(
        user: User,
        received_at: int,
        server_seq: int,
        entry: WireEntry,
        account_id: str | None,
        *,
        refused: str | None,
    ) -> dict[str, Any]:
        """The entries row for ``entry`` (its place holder if ``refused``, a reason code)."""
        if refused is not None:
            entry = refused_place(entry.device_id, entry.seq, entry.hlc, refused)
            account_id = None
        return {
            "server_seq": server_seq,
            "device_id": entry.device_id,
            "seq": entry.seq,
            "hlc": entry.hlc,
            "table_name": entry.table,
            "row_id": entry.row_id,
            "column_name": entry.column,
            "value": entry.value,
            "seen_hlc": entry.seen_hlc,
            "seen_device": entry.seen_device,
            "team": user.team,
            "account_id": account_id,
            "handover": False,
            "received_at": received_at,
        }

    def _refused_before(
        self, device_id: str, batch: Sequence[WireEntry], last_seq: int
    ) -> set[int]:
        """The numbers among ``batch``'s repeats that an earlier try had refused.

        The earlier try may be in this very group, its place holders not written yet.
        """
        repeats = [entry.seq for entry in batch if entry.seq <= last_seq]
        if not repeats:
            return set()
        queued = {
            int(row["seq"])
            for row in self.new_entries
            if row["device_id"] == device_id and row["table_name"] == REFUSED
        }
        found = self.db.execute(
            sa.select(entries.c.seq).where(
                entries.c.device_id == device_id,
                entries.c.table_name == REFUSED,
                entries.c.seq.between(min(repeats), max(repeats)),
            )
        )
        return ({int(seq) for (seq,) in found} | queued) & set(repeats)

    def write(self) -> None:
        """Write what the accepted uploads queued, one statement per table."""
        db = self.db
        if not self.new_entries:
            return
        if self.new_accounts:
            db.execute(
                accounts.insert(),
                [{"account_id": a, "team": t} for a, t in sorted(self.new_accounts.items())],
            )
        added = [
            {"table_name": t, "row_id": r, "account_id": a}
            for (t, r), a in sorted(self.registered.items())
            if (t, r) not in self.known_rows
        ]
        moved = [
            {"t": t, "r": r, "a": a}
            for (t, r), a in sorted(self.registered.items())
            if (t, r) in self.known_rows and self.known_rows[(t, r)] != a
        ]
        if added:
            db.execute(rows.insert(), added)
        if moved:
            db.execute(
                rows.update()
                .where(rows.c.table_name == sa.bindparam("t"), rows.c.row_id == sa.bindparam("r"))
                .values(account_id=sa.bindparam("a")),
                moved,
            )
        db.execute(entries.insert(), self.new_entries)
        changed = {d: state for d, state in self.devices.items() if d not in self.known_devices}
        if changed:
            db.execute(
                devices.insert(),
                [{"device_id": d, "user_id": u, "last_seq": s} for d, (u, s) in changed.items()],
            )
        updated = [
            {"d": d, "s": s}
            for d, (_u, s) in sorted(self.devices.items())
            if d in self.known_devices
        ]
        if updated:
            db.execute(
                devices.update()
                .where(devices.c.device_id == sa.bindparam("d"))
                .values(last_seq=sa.bindparam("s")),
                updated,
            )
        _set_counter(db, self.counter)


@dataclass
class _Job:
    """One upload waiting for the writer, and where its answer goes."""

    user: User
    device_id: str
    batch: Sequence[WireEntry]
    done: Future[UploadResult] = field(default_factory=Future)


class _GroupCommit:
    """The uploads that arrive together are written in one transaction (``_Uploads``).

    Uploads take the counter's lock in turn, and each commit waits for the log to reach
    the disk: one upload per transaction, with a few statements each, capped a server at
    about a hundred uploads a second on PostgreSQL. One writer thread per process takes
    every upload waiting, judges them in turn (a refused one writes nothing and is
    answered alone) and commits them all at once.
    """

    #: The most uploads one transaction takes.
    MOST = 200

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.waiting: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._write, name="upload-writer", daemon=True)
        self.writer.start()

    def submit(self, user: User, device_id: str, batch: Sequence[WireEntry]) -> UploadResult:
        """Queue the upload and wait for its transaction."""
        job = _Job(user, device_id, batch)
        self.waiting.put(job)
        return job.done.result()

    def _write(self) -> None:
        while True:
            jobs = [self.waiting.get()]
            while len(jobs) < self.MOST:
                try:
                    jobs.append(self.waiting.get_nowait())
                except queue.Empty:
                    break
            self._write_together(jobs)

    def _write_together(self, jobs: list[_Job]) -> None:
        answers: list[tuple[_Job, UploadResult | None, BaseException | None]] = []
        try:
            with _writing(self.engine) as db:
                uploads = _Uploads(db, jobs, _lock_counter(db))
                for job in jobs:
                    try:
                        answers.append((job, uploads.add(job.user, job.device_id, job.batch), None))
                    except RelayError as refusal:
                        answers.append((job, None, refusal))
                uploads.write()
        except Exception as error:  # the database failed: every upload of the group did
            for job in jobs:
                job.done.set_exception(error)
            return
        for job, answer, refused in answers:
            if refused is not None:
                job.done.set_exception(refused)
            elif answer is not None:
                job.done.set_result(answer)


_GROUPS: dict[int, _GroupCommit] = {}
_GROUPS_LOCK = threading.Lock()


def _group_commit(engine: Engine) -> _GroupCommit:
    with _GROUPS_LOCK:
        found = _GROUPS.get(id(engine))
        if found is None or found.engine is not engine:
            found = _GROUPS[id(engine)] = _GroupCommit(engine)
        return found


def _visible(user: User) -> sa.ColumnElement[bool]:
    if user.sees_every_team:
        # Admins have the original entries: a handover's copies would only double them.
        return entries.c.handover.is_(False)
    return entries.c.team == user.team


def _as_wire(row: Any) -> WireEntry:
    return WireEntry(
        str(row.device_id),
        int(row.seq),
        int(row.hlc),
        str(row.table_name),
        str(row.row_id),
        str(row.column_name),
        str(row.value),
        None if row.seen_hlc is None else int(row.seen_hlc),
        None if row.seen_device is None else str(row.seen_device),
    )


def _both_counters(db: Connection) -> tuple[int, int]:
    """The entries counter and the pruned bound, in one query (a download asks for both)."""
    found = dict(
        db.execute(
            sa.select(counters.c.name, counters.c.value).where(
                counters.c.name.in_((ENTRIES_COUNTER, PRUNED_COUNTER))
            )
        ).all()
    )
    return int(found[ENTRIES_COUNTER]), int(found[PRUNED_COUNTER])


def _check_cursor(cursor: int, counter: int, pruned: int) -> None:
    if cursor < pruned or cursor > counter:
        raise CursorGoneError(
            _(
                "The server no longer keeps the changes after this book's last sync; the book "
                "must start again from the server's copy."
            )
        )


def download(
    engine: Engine, user: User, cursor: int, limit: int, device_id: str | None = None
) -> Page:
    """The entries ``user`` may read after ``cursor``, oldest first, at most ``limit``.

    The reader's own device's entries are left out (it has them).
    """
    with engine.connect() as db:
        counter, pruned = _both_counters(db)
        _check_cursor(cursor, counter, pruned)
        query = (
            sa.select(entries)
            .where(entries.c.server_seq > cursor, entries.c.server_seq <= counter, _visible(user))
            .order_by(entries.c.server_seq)
            .limit(limit)
        )
        if device_id is not None:
            query = query.where(entries.c.device_id != device_id)
        found = db.execute(query).all()
        page = [_as_wire(r) for r in found]
        if user.sees_every_team:
            page = [_seen_as_original(db, e) for e in page]
    if len(found) < limit:
        return Page(page, counter, more=False)
    return Page(page, int(found[-1].server_seq), more=True)


def _seen_as_original(db: Connection, entry: WireEntry) -> WireEntry:
    """``entry`` naming the original writer of a value its team saw as a handover's copy.

    An admin's book has the original entries, not the copies: to it, an edit that
    replaced a copy replaced the original, and is no conflict.
    """
    if entry.seen_device is None or not entry.seen_device.startswith(HANDOVER_PREFIX):
        return entry
    original = db.execute(
        sa.select(entries.c.device_id)
        .where(
            entries.c.table_name == entry.table,
            entries.c.row_id == entry.row_id,
            entries.c.column_name == entry.column,
            entries.c.hlc == entry.seen_hlc,
            entries.c.handover.is_(False),
        )
        .limit(1)
    ).scalar()
    if original is None:
        return entry
    return dataclasses.replace(entry, seen_device=str(original))


def snapshot(engine: Engine, user: User) -> SnapshotState:
    """Everything ``user`` may read, as each field's latest value, up to one cursor.

    Taken under the entries counter's lock, so the watermarks and the state say the same
    moment: a book that loads it and then downloads after its cursor misses nothing.
    """
    with _writing(engine) as db:
        counter = _lock_counter(db)
        state = SnapshotState(counter)
        owners = sa.select(devices.c.device_id, devices.c.last_seq).join(
            users, users.c.id == devices.c.user_id
        )
        if not user.sees_every_team:
            owners = owners.where(users.c.team == user.team)
        for device_id, last_seq in db.execute(owners):
            state.watermarks[str(device_id)] = int(last_seq)
        latest: dict[tuple[str, str, str], list[Any]] = {}
        result = db.execute(
            sa.select(
                entries.c.device_id,
                entries.c.seq,
                entries.c.hlc,
                entries.c.table_name,
                entries.c.row_id,
                entries.c.column_name,
                entries.c.value,
            ).where(
                entries.c.server_seq <= counter,
                entries.c.table_name != REFUSED,  # a place holder is no field of anything
                _visible(user),
            )
        )
        for device_id, seq, hlc, table, row_id, column, value in result:
            device = str(device_id)
            if device.startswith(HANDOVER_PREFIX):
                state.watermarks[device] = max(state.watermarks.get(device, 0), int(seq))
            key = (str(table), str(row_id), str(column))
            held = latest.get(key)
            if held is None:
                latest[key] = [str(value), int(hlc), device, 1]
            else:
                held[3] += 1
                if (int(hlc), device) > (held[1], held[2]):
                    held[0], held[1], held[2] = str(value), int(hlc), device
    state.fields = [(t, r, c, v, h, d, w) for (t, r, c), (v, h, d, w) in sorted(latest.items())]
    return state


def find_account(engine: Engine, account: str) -> str:
    """The id of the account called (or with the id) ``account``."""
    with engine.connect() as db:
        known = db.execute(
            sa.select(accounts.c.account_id).where(accounts.c.account_id == account)
        ).first()
        if known is not None:
            return account
        named = {
            str(r[0])
            for r in db.execute(
                sa.select(entries.c.row_id).where(
                    entries.c.table_name == ACCOUNT,
                    entries.c.column_name == "name",
                    entries.c.value == json.dumps(account, ensure_ascii=False),
                )
            )
        }
    if not named:
        raise UnknownAccountError(
            _("The server has no account called {account}.").format(account=account)
        )
    if len(named) > 1:
        raise RelayError(
            _("Several accounts are called {account}; name one by its id: {ids}").format(
                account=account, ids=", ".join(sorted(named))
            )
        )
    return named.pop()


def move_account(engine: Engine, account: str, team: str) -> int:
    """Hand ``account`` over to ``team``; return how many fields its new team receives.

    From now on only the new team writes it. The new team gets a copy of its current
    state (and of the team-wide records it names, such as its owner) as entries of a
    handover device of its own; the old team keeps what it has but receives nothing new.
    """
    from kamdesk.models import SYNCED_TABLES

    account_id = find_account(engine, account)
    with _writing(engine) as db:
        counter = _lock_counter(db)
        old_team = db.execute(
            sa.select(accounts.c.team).where(accounts.c.account_id == account_id)
        ).scalar_one()
        if old_team == team:
            return 0
        db.execute(accounts.update().where(accounts.c.account_id == account_id).values(team=team))
        latest = _latest_fields(
            db,
            sa.and_(entries.c.team == old_team, entries.c.account_id == account_id),
        )
        named: dict[str, set[str]] = {}
        hanging = {*owner_links(), ACCOUNT}
        for (table, _row, column), (value, *_rest) in latest.items():
            model = SYNCED_TABLES.get(table)
            if model is None or column not in model.__table__.columns:  # type: ignore[attr-defined]
                continue
            for key in model.__table__.columns[column].foreign_keys:  # type: ignore[attr-defined]
                target = key.column.table.name
                reference = _reference(value)
                if target not in hanging and reference is not None:
                    named.setdefault(target, set()).add(reference)
        team_wide: dict[tuple[str, str, str], tuple[str, int, str]] = {}
        for table, ids in named.items():
            for chunk in _chunks(ids):
                team_wide.update(
                    _latest_fields(
                        db,
                        sa.and_(
                            entries.c.team == old_team,
                            entries.c.table_name == table,
                            entries.c.row_id.in_(chunk),
                        ),
                    )
                )
        copies: list[tuple[tuple[str, str, str], tuple[str, int, str], str | None]] = [
            (key, state, account_id) for key, state in sorted(latest.items())
        ]
        copies += [(key, state, None) for key, state in sorted(team_wide.items())]
        if not copies:
            return 0
        handover = f"{HANDOVER_PREFIX}{uuid.uuid4()}"
        db.execute(
            entries.insert(),
            [
                {
                    "server_seq": counter + number,
                    "device_id": handover,
                    "seq": number,
                    "hlc": hlc,
                    "table_name": table,
                    "row_id": row_id,
                    "column_name": column,
                    "value": value,
                    "seen_hlc": None,
                    "seen_device": None,
                    "team": team,
                    "account_id": owner,
                    "handover": True,
                    "received_at": wall_clock_ms(),
                }
                for number, ((table, row_id, column), (value, hlc, _d), owner) in enumerate(
                    copies, 1
                )
            ],
        )
        db.execute(
            counters.update()
            .where(counters.c.name == ENTRIES_COUNTER)
            .values(value=counter + len(copies))
        )
    return len(copies)


def _latest_fields(
    db: Connection, where: sa.ColumnElement[bool]
) -> dict[tuple[str, str, str], tuple[str, int, str]]:
    """Each field's latest (value, hlc, device) among the entries ``where`` picks."""
    latest: dict[tuple[str, str, str], tuple[str, int, str]] = {}
    for table, row_id, column, value, hlc, device in db.execute(
        sa.select(
            entries.c.table_name,
            entries.c.row_id,
            entries.c.column_name,
            entries.c.value,
            entries.c.hlc,
            entries.c.device_id,
        ).where(where)
    ):
        key = (str(table), str(row_id), str(column))
        held = latest.get(key)
        if held is None or (int(hlc), str(device)) > (held[1], held[2]):
            latest[key] = (str(value), int(hlc), str(device))
    return latest


def prune_older_than(engine: Engine, days: float) -> int:
    """Drop entries received more than ``days`` ago, keeping each field's latest; how many went.

    The age is the server's: when an entry arrived, not when its writer typed it, so a
    laptop's week of offline work sent today is as new as today's. The cut is at the
    first entry received since, in server order, and decided under the lock the uploads
    take: a book that synced within ``days`` goes on without a resync.
    """
    cutoff = wall_clock_ms() - int(days * 86_400_000)
    with _writing(engine) as db:
        counter = _lock_counter(db)
        first_recent = db.execute(
            sa.select(sa.func.min(entries.c.server_seq)).where(
                # (before the last cut, only each field's latest is left, old or not)
                entries.c.server_seq > _counter(db, PRUNED_COUNTER),
                entries.c.received_at >= cutoff,
            )
        ).scalar()
        bound = counter if first_recent is None else int(first_recent) - 1
        return _prune_up_to(db, bound)


def prune(engine: Engine, keep: int) -> int:
    """Drop entries older than the last ``keep``, keeping each field's latest; how many went.

    Readers whose cursor is older than what remains get 410 and start from a snapshot.
    """
    with _writing(engine) as db:
        return _prune_up_to(db, _lock_counter(db) - keep)


def _prune_up_to(db: Connection, bound: int) -> int:
    """Drop the overwritten entries up to server number ``bound`` (the counter is locked)."""
    if bound <= _counter(db, PRUNED_COUNTER):
        return 0
    later = entries.alias("later")
    superseded = (
        sa.select(later.c.server_seq)
        .where(
            later.c.team == entries.c.team,
            later.c.table_name == entries.c.table_name,
            later.c.row_id == entries.c.row_id,
            later.c.column_name == entries.c.column_name,
            sa.or_(
                later.c.hlc > entries.c.hlc,
                sa.and_(later.c.hlc == entries.c.hlc, later.c.device_id > entries.c.device_id),
            ),
        )
        .exists()
    )
    gone = db.execute(
        # A handover's copies stay: the snapshot's watermark of their device is theirs.
        # So do the place holders: a device asks for its refusals by them.
        entries.delete().where(
            entries.c.server_seq <= bound,
            entries.c.handover.is_(False),
            entries.c.table_name != REFUSED,
            superseded,
        )
    ).rowcount
    db.execute(counters.update().where(counters.c.name == PRUNED_COUNTER).values(value=bound))
    return int(gone)

"""Opening, creating, migrating and writing an account book (one SQLite file).

Opening is careful and cheap: the file is first read through a read-only connection, so a
corrupt, foreign, locked or newer file is refused (or opened read-only) before anything
could write to it, and a current book is opened without importing SQLAlchemy or Alembic,
which keeps the first paint of the window fast. Writing goes through ``Book.write()``: one
SQLModel session, one transaction, with the change log and search index kept in step.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sqlite3
import stat
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kamdesk import __version__
from kamdesk.errors import (
    BookError,
    BookLockedError,
    BookNotFoundError,
    DiskFullError,
    KamdeskError,
    NewerBookError,
    NotABookError,
    ReadOnlyBookError,
)
from kamdesk.i18n import N_, _
from kamdesk.store.schema import SCHEMA_HEAD, SCHEMA_REVISIONS
from kamdesk.sync.clock import HybridLogicalClock

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlmodel import Session

    from kamdesk.store.changelog import ChangeRecorder

SQLITE_HEADER = b"SQLite format 3\x00"
#: Execution option of a connection whose transactions only read (see ``Book.read``).
READ_ONLY_OPTION = "kamdesk_read_only"
#: How long a write waits for another program's transaction before giving up (ms).
BUSY_TIMEOUT_MS = 3000
#: How long opening waits to see whether another program holds the write lock (s).
OPEN_LOCK_TIMEOUT_S = 1.0


class BookInfo(NamedTuple):
    """What a quick read-only look at a book file tells."""

    revision: str
    device_id: str
    hlc: int


def _uri(path: Path) -> str:
    """The SQLite URI of a file: the characters URIs reserve are escaped, nothing more.

    (urllib.parse would do it too, but costs milliseconds of import before the first paint.)
    """
    escaped = str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return f"file:{escaped}"


def _ro_uri(path: Path) -> str:
    return f"{_uri(path)}?mode=ro"


def _immutable_uri(path: Path) -> str:
    """Read-only, and SQLite creates no -wal/-shm and takes no locks.

    Right only for a file nobody is writing: one with no -wal beside it (so no program
    has it open in WAL mode, and it was closed cleanly) that is read-only on disk.
    """
    return f"{_uri(path)}?mode=ro&immutable=1"


def _is_locked(error: sqlite3.Error) -> bool:
    return "locked" in str(error) or "busy" in str(error)


SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: Below this much free space, a disk I/O error is taken to mean the disk is full:
#: SQLite reports a full disk that way when it cannot even grow its -shm file.
ALMOST_FULL_BYTES = 1024 * 1024
_SQLITE_FULL = 13
_SQLITE_IOERR = 10


def _little_space_left(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < ALMOST_FULL_BYTES
    except OSError:
        return False


def disk_is_full(error: BaseException, folder: Path) -> bool:
    """Whether ``error`` (from SQLite, SQLAlchemy or the OS) means the disk is full.

    SQLite says SQLITE_FULL when a write finds no room, but a -shm or -wal that cannot
    grow shows as a plain "disk I/O error"; that one counts as full only when the disk
    of ``folder`` really has (almost) no space left, so a failing disk is not called full.
    """
    orig = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    if isinstance(orig, OSError):
        return orig.errno in (errno.ENOSPC, errno.EDQUOT)
    if not isinstance(orig, sqlite3.Error):
        return False
    code = getattr(orig, "sqlite_errorcode", 0) & 0xFF
    if code == _SQLITE_FULL or "database or disk is full" in str(orig):
        return True
    io_error = code == _SQLITE_IOERR or "disk I/O error" in str(orig)
    return io_error and _little_space_left(folder)


def _is_read_only_error(error: BaseException) -> bool:
    orig = getattr(error, "orig", None) or error
    if isinstance(orig, OSError):
        return orig.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    return isinstance(orig, sqlite3.Error) and "readonly" in str(orig)


def _nothing_saved(path: Path) -> DiskFullError:
    return DiskFullError(
        _("The disk is full; nothing was saved. Free some space on the disk of {path}.").format(
            path=path
        )
    )


def _folder_is_writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK)


def check_can_create(path: Path) -> None:
    """Refuse, in one sentence, a new book whose folder is missing or read-only."""
    if not path.parent.is_dir():
        raise BookNotFoundError(_("The folder {folder} does not exist.").format(folder=path.parent))
    if not _folder_is_writable(path.parent):
        raise ReadOnlyBookError(
            _("Cannot create {path}: the folder is read-only.").format(path=path)
        )


#: A temporary file untouched for this long, and held open by no process, is a leftover.
STALE_PARTIAL_AFTER_S = 10 * 60


def _held_by_a_process(path: Path) -> bool | None:
    """Whether another process holds a lock on this database, or None if we cannot tell.

    Every SQLite connection in WAL mode keeps a lock on the -shm for as long as it is
    open, and a transaction locks bytes of the main file; a file nobody locks is not
    open in SQLite anywhere. Read from /proc/locks (Linux), which lists every process's
    locks: probing by taking a lock ourselves would mean opening and closing the file,
    and closing any descriptor of a file drops all of this process's POSIX locks on it,
    including those of a SQLite connection we may still hold.
    """
    try:
        table = Path("/proc/locks").read_text()
    except OSError:
        return None
    files = set()
    for file in (path, Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            info = file.stat()
            files.add(f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}")
    me = str(os.getpid())
    for line in table.splitlines():
        # "12: POSIX  ADVISORY  READ 4711 fe:00:1466425 128 128" (waiters add "->")
        fields = [field for field in line.split() if field != "->"]
        if len(fields) >= 6 and fields[5] in files and fields[4] != me:
            return True
    return False


def remove_stale_partials(path: Path) -> list[Path]:
    """Delete what an interrupted creation of ``path`` left beside it; return what went.

    Creating a book (``.{name}.{hex}.creating``) or a demo book (``.{name}.{hex}.demo``,
    which is itself created through a ``.creating`` file) writes under a hidden name and
    renames at the end; a killed process leaves those files, and their -wal/-shm, behind.
    One is stale when nothing has touched it (or its -wal/-shm) for
    ``STALE_PARTIAL_AFTER_S`` *and* no process holds a SQLite lock on it: a running
    creation writes every few seconds and keeps its connection open, so neither rule
    alone could remove a live file, and the age rule also covers the moments between two
    connections when no lock is held (and systems whose locks cannot be listed). Files
    that are not ours by name are never touched.
    """
    own_name = re.compile(r"\.+" + re.escape(path.name) + r"(?:\.[0-9a-f]{32}\.(?:creating|demo))+")
    groups: dict[Path, list[Path]] = {}
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        for suffix in SIDE_SUFFIXES:
            name = name.removesuffix(suffix)
        if own_name.fullmatch(name):
            groups.setdefault(entry.with_name(name), []).append(entry)
    removed: list[Path] = []
    now = time.time()
    for base, files in groups.items():
        try:
            newest = max(file.lstat().st_mtime for file in files)
        except OSError:
            continue
        if now - newest < STALE_PARTIAL_AFTER_S or _held_by_a_process(base) is True:
            continue
        for file in files:
            with contextlib.suppress(OSError):
                file.unlink()
                removed.append(file)
    return removed


def check_file_looks_like_sqlite(path: Path) -> None:
    """Refuse a file that is not SQLite, or is shorter than its own header says."""
    try:
        with path.open("rb") as fp:
            header = fp.read(100)
    except IsADirectoryError as error:
        raise NotABookError(_("{path} is a folder, not a book.").format(path=path)) from error
    except OSError as error:
        message = _("Cannot read {path}: {reason}").format(path=path, reason=error.strerror)
        raise BookError(message) from error
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise NotABookError(_("{path} is not a KAMDesk book.").format(path=path))
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    # The page count in the header is only trustworthy when "valid-for" matches.
    wal = Path(f"{path}-wal")
    # A crash during a checkpoint can leave the main file short while the WAL still holds
    # every page; SQLite recovers that itself, so only judge the size without a WAL.
    has_wal = wal.exists() and wal.stat().st_size > 0
    if not has_wal and change_counter == valid_for and page_count * page_size > path.stat().st_size:
        raise NotABookError(
            _("{path} is damaged: the file is shorter than it should be.").format(path=path)
        )


def damaged_book_error(path: Path, reason: object = None) -> NotABookError:
    """The message for a damaged book: what is wrong, and where a good copy may be."""
    backups = path.parent / f"{path.stem} backups"
    hint = _("Restore it from a backup copy if you have one.")
    with contextlib.suppress(OSError):
        if backups.is_dir() and any(backups.iterdir()):
            hint = _("Restore it from a copy in “{folder}”.").format(folder=backups)
    if reason is None:
        message = _("{path} is damaged (it was not closed properly). {hint}")
    else:
        message = _("{path} is damaged ({reason}). {hint}")
    return NotABookError(message.format(path=path, reason=reason, hint=hint))


def _cannot_open_on_full_disk(path: Path) -> DiskFullError:
    return DiskFullError(
        _("The disk is full, so {path} cannot be opened. Free some space and try again.").format(
            path=path
        )
    )


def _read_version(db: sqlite3.Connection, path: Path) -> tuple[Any, dict[str, str]]:
    """The alembic revision row and the meta table, or a BookError saying why not."""
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"alembic_version", "book_meta"} <= tables:
            raise NotABookError(
                _("{path} is a database, but not a KAMDesk book.").format(path=path)
            )
        revision_row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        meta = dict(db.execute("SELECT key, value FROM book_meta").fetchall())
    except sqlite3.OperationalError as error:
        if _is_locked(error):
            raise BookLockedError(
                _("{path} is locked by another program. Close it there and try again.").format(
                    path=path
                )
            ) from error
        if disk_is_full(error, path.parent):
            raise _cannot_open_on_full_disk(path) from error
        # Reading through a -wal needs a -shm beside it, which a read-only folder cannot
        # take: SQLite says "readonly" or "unable to open" then, not what is wrong.
        if _is_read_only_error(error) or not _folder_is_writable(path.parent):
            raise ReadOnlyBookError(
                _(
                    "{path} cannot be read: it was not closed properly, and its folder is "
                    "read-only, so it cannot be recovered there. Copy it to a folder you "
                    "can write to and open the copy."
                ).format(path=path)
            ) from error
        raise damaged_book_error(path, error) from error
    except sqlite3.DatabaseError as error:
        raise damaged_book_error(path, error) from error
    return revision_row, meta


def _quick_check(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged book before any screen or report trips over it."""
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        if disk_is_full(error, path.parent):
            raise _cannot_open_on_full_disk(path) from error
        raise damaged_book_error(path) from error
    if rows != [("ok",)]:
        raise damaged_book_error(path)


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in SIDE_SUFFIXES]


def _remove_sidecars(path: Path, sidecars: list[Path]) -> None:
    """Remove the -wal/-shm we made beside ``path``, unless another program uses them now.

    Where we cannot tell whether one does, they stay: a -shm left over is harmless, one
    removed under a running program is not.
    """
    if any(side.exists() for side in sidecars) and _held_by_a_process(path) is False:
        for side in sidecars:
            with contextlib.suppress(OSError):
                side.unlink(missing_ok=True)


def wal_in_use(path: Path) -> bool:
    """Whether a -wal (or a rollback journal) lies beside the book.

    Then the book was not closed cleanly, or another program has it open right now.
    Without one, nobody has it open in WAL mode and all of it is in the main file.
    """
    return any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))


def inspect_book(path: Path) -> BookInfo:
    """Read a book's revision, device id and clock without writing a byte.

    A non-empty -wal that no other program holds open means the book was not closed
    cleanly: then SQLite's quick_check runs too, so a damaged book is refused here with a message,
    rather than failing half-way through a screen or a report. Without a -wal the file
    is read as immutable, which creates no -wal/-shm: that works in a read-only folder
    and on a full disk, and leaves the folder of a book we refuse as it was.
    """
    check_file_looks_like_sqlite(path)
    sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    had_sidecars = [p.exists() for p in sidecars]
    # A -wal that another program holds open is its own, current one: no crash there,
    # and the check would cost half a second on a large book for nothing.
    unclean = (
        had_sidecars[0] and sidecars[0].stat().st_size > 0 and _held_by_a_process(path) is not True
    )
    uri = _ro_uri(path) if wal_in_use(path) else _immutable_uri(path)
    try:
        db = sqlite3.connect(uri, uri=True, timeout=OPEN_LOCK_TIMEOUT_S)
    except sqlite3.Error as error:
        raise NotABookError(
            _("{path} cannot be opened: {reason}").format(path=path, reason=error)
        ) from error
    try:
        revision_row, meta = _read_version(db, path)
        if unclean:
            _quick_check(db, path)
    except BaseException:
        db.close()
        # Reading a WAL-mode file creates -wal/-shm beside it; a file we refuse must be
        # left exactly as we found it, folder included.
        for sidecar, existed in zip(sidecars, had_sidecars, strict=True):
            if not existed:
                sidecar.unlink(missing_ok=True)
        raise
    db.close()
    if revision_row is None or "device_id" not in meta:
        raise NotABookError(_("{path} is damaged: its version is missing.").format(path=path))
    return BookInfo(str(revision_row[0]), meta["device_id"], int(meta.get("hlc", "0")))


def _file_is_read_only(path: Path) -> bool:
    # Permission bits, not os.access: an administrator's process may write anything, but
    # a book marked read-only by its owner must still be treated as read-only.
    mode = path.stat().st_mode
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        path.parent, os.W_OK
    )


def sqlite_url(path: Path) -> URL:
    """The SQLAlchemy URL of a book file.

    Built, not formatted, so a '?' or '%' in a path stays part of the file name.
    """
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=str(path))


def _refuse_if_locked(path: Path) -> None:
    """Raise BookLockedError if another program holds the book's write lock now."""
    db = sqlite3.connect(_uri(path), uri=True, timeout=OPEN_LOCK_TIMEOUT_S, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if _is_locked(error):
            raise BookLockedError(
                _(
                    "{path} is being written by another program. Close it there and try again."
                ).format(path=path)
            ) from error
        raise
    finally:
        db.close()


def _transactional_engine(db_path: Path) -> Engine:
    """An engine whose transactions really are transactions, DDL included.

    pysqlite's own transaction handling issues no BEGIN before DDL and commits around
    it; we switch it off and begin every transaction with BEGIN IMMEDIATE ourselves, which
    also takes the write lock up front so a transaction never fails half-way upgrading it.
    """
    from sqlalchemy import create_engine, event

    engine = create_engine(
        sqlite_url(db_path),
        connect_args={"isolation_level": None, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi: sqlite3.Connection, _record: object) -> None:
        dbapi.execute("PRAGMA foreign_keys = ON")
        dbapi.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A look that only reads (checking a form) must not take the write lock, or it
        # would wait behind, and then fail like, another program's write.
        reading = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def _run_migrations(db_path: Path, target: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    # The same transaction handling as writes: without it the sqlite3 driver commits
    # each CREATE TABLE on its own, and a failed upgrade would leave half a schema.
    engine = _transactional_engine(db_path)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
            if target == "head":
                # The search index is derived data, laid out and filled by this version's
                # code: it is rebuilt once the schema is at head, in the same transaction,
                # never by a migration (an older one would write a newer layout).
                from kamdesk.store.search import rebuild_index

                dbapi = connection.connection.dbapi_connection
                assert dbapi is not None
                rebuild_index(dbapi.cursor())  # type: ignore[arg-type]  # sqlite3 underneath
    finally:
        engine.dispose()


def publish_new_file(partial: Path, path: Path) -> None:
    """Give a finished file its name, never replacing a file that appeared meanwhile."""
    try:
        os.link(partial, path)  # fails if ``path`` exists: no overwrite, ever
    except FileExistsError as error:
        raise BookError(_("{path} already exists.").format(path=path)) from error
    except OSError:
        # File systems without hard links (some USB sticks): check, then rename.
        if path.exists():
            raise BookError(_("{path} already exists.").format(path=path)) from None
        os.replace(partial, path)


def create_book(path: Path, *, revision: str = "head") -> None:
    """Write a new, empty book at ``path``, all at once or not at all.

    A missing or read-only folder, or a full disk, is refused with a one-line message.
    What an earlier, interrupted creation left beside ``path`` is cleared first.
    """
    check_can_create(path)
    remove_stale_partials(path)
    import uuid

    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.creating")
    try:
        _run_migrations(partial, revision)
        db = sqlite3.connect(partial)
        try:
            with db:
                db.executemany(
                    "INSERT INTO book_meta (key, value) VALUES (?, ?)",
                    [("device_id", str(uuid.uuid4())), ("created_by", __version__), ("hlc", "0")],
                )
            db.execute("PRAGMA journal_mode=WAL")
        finally:
            db.close()
        publish_new_file(partial, path)
    except BookError:
        raise
    except Exception as error:
        # SQLAlchemy's and SQLite's errors, and the OS's, all become one sentence.
        if disk_is_full(error, path.parent):
            raise DiskFullError(
                _("The disk is full, so {path} could not be created.").format(path=path)
            ) from error
        if _is_read_only_error(error) or not _folder_is_writable(path.parent):
            raise ReadOnlyBookError(
                _("Cannot create {path}: the folder is read-only.").format(path=path)
            ) from error
        reason = getattr(error, "orig", None) or error
        raise BookError(
            _("Cannot create {path}: {reason}").format(path=path, reason=reason)
        ) from error
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)


def backup_book(path: Path, revision: str) -> Path:
    """Copy the book (WAL content included) beside it before a migration touches it."""
    from kamdesk.models.tables import utc_now

    folder = path.parent / f"{path.stem} backups"
    folder.mkdir(exist_ok=True)
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{path.stem}-schema{revision}-{stamp}{path.suffix}"
    partial = target.with_suffix(".partial")
    source = sqlite3.connect(_ro_uri(path), uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        copy.close()
        os.replace(partial, target)
    finally:
        copy.close()
        source.close()
        partial.unlink(missing_ok=True)
    return target


_NEWER_BOOK = N_(
    "This book was written by a newer version of KAMDesk (schema {book}; this "
    "version knows up to {ours}). You can read it; update KAMDesk to edit it."
)
_READ_ONLY_FILE = N_("This book is read-only on disk; edits cannot be saved.")
_DISK_FULL = N_(
    "The disk is full, so this book is open read-only. Free some space and open it again "
    "to edit it."
)


class Book:
    """An open account book: a read connection for the UI, a unit of work for writes."""

    def __init__(
        self,
        path: Path,
        info: BookInfo,
        read_only_cause: str | None,
        new_sidecars: list[Path] | None = None,
    ) -> None:
        self.path = path
        self.device_id = info.device_id
        self.revision = info.revision
        # "newer", "file" or None: kept as a cause, so the reason reads in whatever
        # language is current when it is shown.
        self._read_only_cause = read_only_cause
        #: The backup taken before migrating, when opening migrated the book.
        self.backup_path: Path | None = None
        self.clock = HybridLogicalClock(info.hlc)
        self._engine: Engine | None = None
        self._recorder: ChangeRecorder | None = None
        #: -wal/-shm this book's read-only connection made, removed again on close.
        self._sidecars_to_remove: list[Path] = []
        uri = self._reading_uri(new_sidecars)
        #: The reading connection's URI, for the sessions ``read`` gives on a read-only book.
        self._read_uri = uri
        self._read_engine: Engine | None = None
        try:
            self.db = self._connect(uri)
        except sqlite3.Error as error:
            if read_only_cause == "full" and disk_is_full(error, path.parent):
                # Not even the -shm fits: read the file as it is now (as immutable, which
                # needs no -shm). It is a snapshot; reopening once there is room sees more.
                _remove_sidecars(path, new_sidecars or [])
                try:
                    self._read_uri = _immutable_uri(path)
                    self.db = self._connect(self._read_uri)
                except sqlite3.Error as again:
                    raise _cannot_open_on_full_disk(path) from again
            elif disk_is_full(error, path.parent):
                raise _cannot_open_on_full_disk(path) from error
            elif isinstance(error, sqlite3.OperationalError) and "unable to open" in str(error):
                raise BookError(
                    _("{path} cannot be opened: {reason}").format(path=path, reason=error)
                ) from error
            else:
                raise damaged_book_error(path, error) from error

    def _connect(self, uri: str) -> sqlite3.Connection:
        """The autocommit connection for reads: each query sees the latest committed data."""
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA foreign_keys = ON")
            if self._read_only_cause is not None:
                # A newer book, or one on a full disk, may be read through a normal
                # connection (see ``_reading_uri``): make sure it never writes.
                db.execute("PRAGMA query_only = ON")
                db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _reading_uri(self, new_sidecars: list[Path] | None) -> str:
        """How to connect for reading, so a book we only read gets no -wal/-shm left beside it.

        A writable book uses a normal connection; so does a newer book or one on a full
        disk, when the file itself is writable, since another program may write it
        meanwhile: SQLite itself removes the -wal/-shm when the last connection closes. A
        book that is read-only on disk is read as immutable when no -wal lies beside it,
        since then nobody is writing it (a read-only file cannot be written);
        with a -wal, it is read through that WAL (``mode=ro``), and a -shm we had to
        create for that is removed on close, unless another program holds it by then.
        """
        path = self.path
        cause = self._read_only_cause
        if cause is None or (cause in ("newer", "full") and not _file_is_read_only(path)):
            # Another program may write it meanwhile (a newer KAMDesk; anyone, once the
            # disk has room again): read it live, never as an immutable file.
            return _uri(path)
        if not wal_in_use(path):
            return _immutable_uri(path)
        if new_sidecars is None:
            new_sidecars = [side for side in _sidecars(path) if not side.exists()]
        self._sidecars_to_remove = new_sidecars
        return _ro_uri(path)

    @property
    def read_only_reason(self) -> str | None:
        """Why the book cannot be written, in the current language; None when it can."""
        if self._read_only_cause == "newer":
            return _(_NEWER_BOOK).format(book=self.revision, ours=SCHEMA_HEAD)
        if self._read_only_cause == "file":
            return _(_READ_ONLY_FILE)
        if self._read_only_cause == "full":
            return _(_DISK_FULL)
        return None

    @property
    def is_newer(self) -> bool:
        """Written by a newer KAMDesk: readable, never written by this one."""
        return self._read_only_cause == "newer"

    @property
    def read_only(self) -> bool:
        """True when edits are refused (see ``read_only_reason``)."""
        return self._read_only_cause is not None

    @classmethod
    def open(cls, path: Path | str, *, create: bool = False) -> Book:
        """Open the book at ``path`` (creating it if asked), migrating an older one.

        Raises a ``BookError`` subclass with a message for the user; in every failing
        case the file is left as it was, and so is its folder: a -wal/-shm that the
        attempt made is removed again (unless another program has the book open).
        """
        path = Path(path).expanduser().absolute()
        if not path.exists():
            if not create:
                raise BookNotFoundError(_("There is no book at {path}.").format(path=path))
            create_book(path)
        new_sidecars = [side for side in _sidecars(path) if not side.exists()]
        try:
            return cls._open_existing(path, new_sidecars)
        except BaseException:
            _remove_sidecars(path, new_sidecars)
            raise

    @classmethod
    def _open_existing(cls, path: Path, new_sidecars: list[Path]) -> Book:
        info = inspect_book(path)
        cause: str | None = None
        if info.revision not in SCHEMA_REVISIONS:
            cause = "newer"
        elif _file_is_read_only(path):
            cause = "file"
        backup: Path | None = None
        if cause is None and info.revision != SCHEMA_HEAD:
            try:
                _refuse_if_locked(path)
            except sqlite3.Error as error:
                if disk_is_full(error, path.parent):
                    raise _cannot_open_on_full_disk(path) from error
                raise damaged_book_error(path, error) from error
            try:
                backup = backup_book(path, info.revision)
            except (OSError, sqlite3.Error) as error:
                if disk_is_full(error, path.parent):
                    raise DiskFullError(
                        _(
                            "{path} needs upgrading for this version, but the disk is full, "
                            "so no backup could be made first; it was left as it is."
                        ).format(path=path)
                    ) from error
                raise BookError(
                    _(
                        "{path} needs upgrading for this version, but no backup could be made "
                        "first ({reason}); it was left as it is."
                    ).format(path=path, reason=error)
                ) from error
            try:
                _run_migrations(path)  # one transaction: on failure the book is as it was
            except Exception as error:
                if disk_is_full(error, path.parent):
                    raise DiskFullError(
                        _(
                            "The disk is full, so {path} could not be upgraded for this "
                            "version. It is unchanged, and a copy is at {backup}."
                        ).format(path=path, backup=backup)
                    ) from error
                raise BookError(
                    _(
                        "{path} could not be upgraded for this version ({reason}). It is "
                        "unchanged, and a copy is at {backup}."
                    ).format(path=path, reason=error, backup=backup)
                ) from error
            info = inspect_book(path)
        elif cause is not None and info.revision in SCHEMA_REVISIONS[:-1]:
            raise ReadOnlyBookError(
                _(
                    "This book is from an older version of KAMDesk and must be updated, "
                    "but it is read-only."
                )
            )
        book = cls(path, info, cause, new_sidecars)
        if not book.read_only:
            try:
                book._prepare_for_writing()
            except DiskFullError:
                # A sound book on a full disk still opens to be read; edits wait for space.
                # The attempt may have left a -wal/-shm it could not fill: remove them, or
                # the read would go through them.
                book.close()
                _remove_sidecars(path, new_sidecars)
                book = cls(path, info, "full", new_sidecars)
            except BaseException:
                book.close()
                raise
        book.backup_path = backup
        return book

    def _prepare_for_writing(self) -> None:
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            # Fail now, with a clear message, if another program holds the write lock.
            self.db.execute(f"PRAGMA busy_timeout = {int(OPEN_LOCK_TIMEOUT_S * 1000)}")
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("ROLLBACK")
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # The read connection never writes: every change goes through ``write()``,
            # where the change log sees it. (Closing it still checkpoints the WAL.)
            self.db.execute("PRAGMA query_only = ON")
        except sqlite3.OperationalError as error:
            if _is_locked(error):
                raise BookLockedError(
                    _(
                        "{path} is being written by another program. Close it there and try again."
                    ).format(path=self.path)
                ) from error
            if disk_is_full(error, self.path.parent):
                raise _cannot_open_on_full_disk(self.path) from error
            raise

    def close(self) -> None:
        """Close every connection to the book, and remove the -shm a read-only look made."""
        for engine in (self._engine, self._read_engine):
            if engine is not None:
                engine.dispose()
        self._engine = self._read_engine = None
        self.db.close()
        _remove_sidecars(self.path, self._sidecars_to_remove)
        self._sidecars_to_remove = []

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _reading_engine(self) -> Engine:
        """An engine over connections opened as ``db`` was (read-only, or immutable)."""
        if self._read_engine is None:
            from sqlalchemy import create_engine, event

            uri = self._read_uri
            engine = create_engine("sqlite://", creator=lambda: self._connect(uri))

            @event.listens_for(engine, "begin")
            def _on_begin(connection: Connection) -> None:
                # One snapshot for the whole read, as on a writable book.
                connection.exec_driver_sql("BEGIN")

            self._read_engine = engine
        return self._read_engine

    def _writer(self) -> tuple[Engine, ChangeRecorder]:
        if self._engine is None or self._recorder is None:
            from kamdesk.store.changelog import ChangeRecorder, guard_engine

            engine = _transactional_engine(self.path)
            # Only the engine for edits: migrations may rewrite tables wholesale.
            guard_engine(engine)
            self._engine = engine
            self._recorder = ChangeRecorder(self.device_id, self.clock)
        return self._engine, self._recorder

    @contextlib.contextmanager
    def write(self, *, log_changes: bool = True) -> Iterator[Session]:
        """One user action: a session whose changes commit together or not at all.

        ``log_changes=False`` is for entries applied from other devices, which are
        already in their own device's log.
        """
        reason = self.read_only_reason
        if reason is not None:
            error = NewerBookError if self.is_newer else ReadOnlyBookError
            raise error(reason)
        from sqlalchemy.exc import DatabaseError
        from sqlmodel import Session

        engine, recorder = self._writer()
        recorder.log_changes = log_changes
        try:
            with Session(engine, expire_on_commit=False) as session:
                recorder.attach(session)
                with session.begin():
                    yield session
        except DatabaseError as error:
            mapped = self._write_failed(error.orig)
            if mapped is None:
                raise
            raise mapped from error
        except sqlite3.Error as error:
            # The change log and the search index write through the connection's own
            # cursor, so SQLite's errors can arrive unwrapped (a full disk mid-flush).
            mapped = self._write_failed(error)
            if mapped is None:
                raise
            raise mapped from error
        finally:
            recorder.log_changes = True

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session that only reads, in one consistent snapshot, without the write lock.

        For checks a form makes as the user types: nothing is flushed, and the session
        rolls back at the end.
        """
        from sqlmodel import Session

        if self.read_only_reason is not None:
            # A book we may not write is still read whole: a manager's copy makes its
            # proposal PDFs too. Through connections like ``db``, which never write.
            with Session(bind=self._reading_engine(), autoflush=False) as session:
                try:
                    yield session
                finally:
                    session.rollback()
            return
        engine, _recorder = self._writer()
        with (
            engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as connection,
            Session(bind=connection, autoflush=False) as session,
        ):
            try:
                yield session
            finally:
                session.rollback()

    def _write_failed(self, error: BaseException | None) -> KamdeskError | None:
        """The user's message for a write SQLite refused; None for a caller's mistake."""
        if not isinstance(error, sqlite3.Error):
            return None
        if _is_locked(error):
            return BookLockedError(
                _(
                    "The book is being written by another program; your change was not "
                    "saved. Try again in a moment."
                )
            )
        if disk_is_full(error, self.path.parent):
            return _nothing_saved(self.path)
        if "readonly" in str(error):
            return ReadOnlyBookError(_("The book became read-only; your change was not saved."))
        if "malformed" in str(error) or "not a database" in str(error):
            # Damage found only now (a bad page the opening check could not see).
            return damaged_book_error(self.path, error)
        return None  # a broken constraint or the like: the caller's to handle

    def integrity_check(self) -> list[str]:
        """SQLite's own check of the whole file: ``["ok"]`` when the book is sound."""
        return [row[0] for row in self.db.execute("PRAGMA integrity_check").fetchall()]

"""The server's database: a SQLite file by default, PostgreSQL by URL for teams.

The schema is declared here once, as SQLAlchemy Core tables, and created and migrated
by the server's own Alembic revisions (``kamdesk/server/migrations``), apart from the
book's. Several server processes may share one PostgreSQL database: every upload takes
the row lock of one counter, so entries get their server sequence numbers (the download
cursor) in the order they commit, whichever process wrote them.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _

metadata = sa.MetaData()

users = sa.Table(
    "server_user",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    # SHA-256 of the token: tokens are 256 random bits, so a fast hash is enough and a
    # stolen database gives no token back.
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

devices = sa.Table(
    "server_device",
    metadata,
    sa.Column("device_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("server_user.id"), nullable=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)

entries = sa.Table(
    "server_entry",
    metadata,
    sa.Column("server_seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("device_id", sa.String(100), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hlc", sa.BigInteger, nullable=False),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("row_id", sa.String(64), nullable=False),
    sa.Column("column_name", sa.String(64), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("seen_hlc", sa.BigInteger, nullable=True),
    sa.Column("seen_device", sa.String(100), nullable=True),
    #: The team that may read the entry: its account's team when it was sent, or the
    #: sender's team for a team-wide record.
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("account_id", sa.String(64), nullable=True),
    #: True for the copies a handover makes for the account's new team.
    sa.Column("handover", sa.Boolean, nullable=False),
    #: When the server received it (ms since the epoch, its own clock; for entries from
    #: before s0002, when the server was upgraded).
    sa.Column("received_at", sa.BigInteger, nullable=True),
    sa.UniqueConstraint("device_id", "seq", name="uq_server_entry_device_seq"),
    sa.Index("ix_server_entry_team_seq", "team", "server_seq"),
    sa.Index("ix_server_entry_account", "account_id"),
)

accounts = sa.Table(
    "server_account",
    metadata,
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("team", sa.String(200), nullable=False),
)

rows = sa.Table(
    "server_row",
    metadata,
    sa.Column("table_name", sa.String(64), primary_key=True),
    sa.Column("row_id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False),
)

counters = sa.Table(
    "server_counter",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

#: The last server sequence number given to an entry.
ENTRIES_COUNTER = "entries"
#: Entries up to this server sequence number may have been pruned: older cursors get 410.
PRUNED_COUNTER = "pruned"


class ServerDatabaseError(KamdeskError):
    """The server's database URL is not one it can use."""


def default_database_url() -> str:
    """A SQLite file in the user's data folder: one machine, a small team."""
    from kamdesk.paths import data_dir

    return f"sqlite:///{data_dir() / 'kamdesk-server.sqlite'}"


def engine_url(url: str) -> sa.URL:
    """The SQLAlchemy URL for a ``--db`` URL: sqlite:///PATH or postgresql://…."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as error:
        raise ServerDatabaseError(
            _("{url} is not a database URL (sqlite:///PATH or postgresql://USER@HOST/DB).").format(
                url=url
            )
        ) from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database:
            raise ServerDatabaseError(_("Give the SQLite file's path: sqlite:///PATH."))
        return parsed.set(drivername="sqlite+pysqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    raise ServerDatabaseError(
        _("The server keeps its data in SQLite or PostgreSQL, not {backend}.").format(
            backend=backend
        )
    )


#: Connections kept open: one for each thread the server runs requests on (AnyIO's
#: default is 40), so a busy server never opens and closes connections per request.
POOL_SIZE = 40


def make_engine(url: str) -> Engine:
    """An engine for ``url``, set up for many short transactions from many threads."""
    target = engine_url(url)
    if target.get_backend_name() == "sqlite":
        assert target.database is not None
        Path(target.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            target,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=POOL_SIZE,
            max_overflow=10,
        )

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi: object, _record: object) -> None:
            cursor = dbapi.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # No ping before each use (a round trip per request): a connection PostgreSQL dropped
    # fails its request with 503, which clients retry, and is replaced.
    return sa.create_engine(target, pool_size=POOL_SIZE, max_overflow=10, pool_recycle=3600)


def is_postgresql(engine: Engine) -> bool:
    """Whether ``engine`` talks to PostgreSQL (several processes may share it)."""
    return engine.dialect.name == "postgresql"


#: Any number: PostgreSQL's advisory lock that lets one process migrate at a time.
_MIGRATION_LOCK = 0x4B414D44


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to this version's head, in one transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        if is_postgresql(engine):
            # Two server processes starting together must not both create the tables.
            lock = sa.text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> Engine:
    """The engine for ``url`` with the schema at this version's head."""
    engine = make_engine(url)
    try:
        migrate(engine)
    except sa.exc.OperationalError as error:
        engine.dispose()
        raise ServerDatabaseError(
            _("Cannot open the server's database {url}: {reason}").format(
                url=make_url(engine_url(url)).render_as_string(hide_password=True),
                reason=str(error.orig).strip().splitlines()[0] if error.orig else error,
            )
        ) from error
    return engine

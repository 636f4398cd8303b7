"""The change log, ready for sync: compact entries, field clocks and row clocks.

Revision ID: 0012
Revises: 0011

Moves every entry of ``change_log`` into ``sync_entry``, keyed by (device, sequence),
with device ids and (table, column) names numbered in ``sync_device`` and
``sync_column`` and UUID row ids in 16 bytes: the same device ids, sequence numbers,
clocks, values and ``seen_*`` as before, in about a third of the space. ``change_log``
becomes a read-only view spelling the entries out with the old columns (its ``id`` is
now the entry's clock). ``field_clock`` is filled from the newest entry of each field
(with the number of entries it had), ``row_clock`` from the newest ``deleted_at`` entry
of each row. Downgrading writes the entries back into a ``change_log`` table; the clocks
go (0011 reads them from the log); entries compacted away by then are not brought back.
"""

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen as it stood at this revision (``kamdesk.store.changelog.UNPACK_ROW_ID_SQL``).
_UNPACK = (
    "CASE WHEN typeof({c}) = 'blob' THEN lower(substr(hex({c}), 1, 8) || '-' || "
    "substr(hex({c}), 9, 4) || '-' || substr(hex({c}), 13, 4) || '-' || "
    "substr(hex({c}), 17, 4) || '-' || substr(hex({c}), 21)) ELSE {c} END"
)
#: LEFT JOINs on unique keys: SQLite leaves them out of a query that uses none of their
#: columns, so ``SELECT COUNT(*) FROM change_log`` reads sync_entry alone.
_VIEW = (
    "CREATE VIEW change_log AS SELECT e.hlc AS id, d.device_id AS device_id, "
    "e.seq AS device_seq, e.hlc AS hlc, c.table_name AS table_name, "
    f"{_UNPACK.format(c='e.row_id')} AS row_id, c.column_name AS column_name, "
    "e.value AS value, e.seen_hlc AS seen_hlc, s.device_id AS seen_device "
    "FROM sync_entry e LEFT JOIN sync_device d ON d.idx = e.device_idx "
    "LEFT JOIN sync_column c ON c.idx = e.column_idx "
    "LEFT JOIN sync_device s ON s.idx = e.seen_device_idx"
)


def _pack(row_id: str) -> bytes | str:
    """Frozen ``kamdesk.store.changelog.pack_row_id``: a canonical UUID as 16 bytes."""
    try:
        packed = uuid.UUID(row_id)
    except ValueError:
        return row_id
    return packed.bytes if str(packed) == row_id else row_id


def _row_key() -> sa.Column[Any]:
    return sa.Column("row_id", sa.LargeBinary(), nullable=False)


def _create_tables() -> None:
    op.create_table(
        "sync_device",
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("idx"),
        sa.UniqueConstraint("device_id"),
    )
    op.create_table(
        "sync_column",
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("idx"),
        sa.UniqueConstraint("table_name", "column_name"),
    )
    op.create_table(
        "sync_entry",
        sa.Column("device_idx", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("column_idx", sa.Integer(), nullable=False),
        _row_key(),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("seen_hlc", sa.Integer(), nullable=True),
        sa.Column("seen_device_idx", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("device_idx", "seq"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "field_clock",
        sa.Column("column_idx", sa.Integer(), nullable=False),
        _row_key(),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("device_idx", sa.Integer(), nullable=False),
        sa.Column("writes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("column_idx", "row_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "row_clock",
        sa.Column("column_idx", sa.Integer(), nullable=False),
        _row_key(),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("device_idx", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("column_idx", "row_id"),
        sqlite_with_rowid=False,
    )


def _cursor() -> Any:
    """The DBAPI cursor of the migration's connection, inside its transaction."""
    raw = op.get_bind().connection.dbapi_connection
    assert raw is not None
    return raw.cursor()


def _old_entries(db: Any) -> Iterator[tuple[Any, ...]]:
    yield from db.execute(
        "SELECT e.device_seq, e.hlc, e.row_id, e.value, e.seen_hlc, d.idx, c.idx, s.idx "
        "FROM change_log_0011 e JOIN sync_device d ON d.device_id = e.device_id "
        "JOIN sync_column c ON c.table_name = e.table_name AND c.column_name = e.column_name "
        "LEFT JOIN sync_device s ON s.device_id = e.seen_device ORDER BY e.id"
    )


def upgrade() -> None:
    op.execute("ALTER TABLE change_log RENAME TO change_log_0011")
    _create_tables()
    db = _cursor()
    # The book's own device first, then every other in the order the log first names it.
    db.execute(
        "INSERT INTO sync_device (device_id, last_seq) "
        "SELECT value, 0 FROM book_meta WHERE key = 'device_id'"
    )
    db.execute(
        "INSERT OR IGNORE INTO sync_device (device_id, last_seq) SELECT device_id, 0 FROM "
        "(SELECT device_id, MIN(id) AS first FROM change_log_0011 GROUP BY device_id "
        "UNION ALL SELECT seen_device, MIN(id) FROM change_log_0011 "
        "WHERE seen_device IS NOT NULL GROUP BY seen_device) ORDER BY first"
    )
    db.execute(
        "UPDATE sync_device SET last_seq = COALESCE((SELECT MAX(device_seq) FROM "
        "change_log_0011 WHERE device_id = sync_device.device_id), 0)"
    )
    db.execute(
        "INSERT INTO sync_column (table_name, column_name) SELECT table_name, column_name "
        "FROM change_log_0011 GROUP BY table_name, column_name ORDER BY MIN(id)"
    )
    insert = (
        "INSERT INTO sync_entry (device_idx, seq, hlc, column_idx, row_id, value, seen_hlc, "
        "seen_device_idx) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    batch: list[tuple[Any, ...]] = []
    writer = _cursor()
    for seq, hlc, row_id, value, seen_hlc, device, column, seen_device in _old_entries(db):
        batch.append((device, seq, hlc, column, _pack(row_id), value, seen_hlc, seen_device))
        if len(batch) >= 10_000:
            writer.executemany(insert, batch)
            batch.clear()
    writer.executemany(insert, batch)
    # The newest entry of each field (by clock, then device id: the order of the merge)
    # is its current value's; the tally counts all of them.
    db.execute(
        "INSERT INTO field_clock (column_idx, row_id, hlc, device_idx, writes) "
        "SELECT column_idx, row_id, hlc, device_idx, writes FROM (SELECT e.column_idx, "
        "e.row_id, e.hlc, e.device_idx, COUNT(*) OVER field AS writes, ROW_NUMBER() OVER "
        "(field ORDER BY e.hlc DESC, d.device_id DESC) AS newest FROM sync_entry e "
        "JOIN sync_device d ON d.idx = e.device_idx "
        "WINDOW field AS (PARTITION BY e.column_idx, e.row_id)) WHERE newest = 1"
    )
    # One pass over the entries again, for the deleted_at fields alone (joining each
    # field clock back to its entry would read a device's entries once per row).
    db.execute(
        "INSERT INTO row_clock (column_idx, row_id, hlc, device_idx, deleted) "
        "SELECT column_idx, row_id, hlc, device_idx, value != 'null' FROM (SELECT "
        "e.column_idx, e.row_id, e.hlc, e.device_idx, e.value, ROW_NUMBER() OVER "
        "(PARTITION BY e.column_idx, e.row_id ORDER BY e.hlc DESC, d.device_id DESC) "
        "AS newest FROM sync_entry e JOIN sync_device d ON d.idx = e.device_idx "
        "WHERE e.column_idx IN (SELECT idx FROM sync_column WHERE column_name = 'deleted_at')) "
        "WHERE newest = 1"
    )
    op.execute("DROP TABLE change_log_0011")
    op.execute(_VIEW)


def downgrade() -> None:
    op.create_table(
        "change_log_0012",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("seen_hlc", sa.Integer(), nullable=True),
        sa.Column("seen_device", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("device_id", "device_seq"),
    )
    op.execute(
        "INSERT INTO change_log_0012 (device_id, device_seq, hlc, table_name, row_id, "
        "column_name, value, seen_hlc, seen_device) SELECT device_id, device_seq, hlc, "
        "table_name, row_id, column_name, value, seen_hlc, seen_device FROM change_log "
        "ORDER BY hlc, device_id"
    )
    op.execute("DROP VIEW change_log")
    for table in ("row_clock", "field_clock", "sync_entry", "sync_column", "sync_device"):
        op.drop_table(table)
    op.execute("ALTER TABLE change_log_0012 RENAME TO change_log")
    op.create_index(
        "ix_change_log_field", "change_log", ["table_name", "row_id", "column_name", "hlc"]
    )

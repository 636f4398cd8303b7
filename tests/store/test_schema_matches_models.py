"""The migrations build the schema the models declare: no table, column or index is missed.

A column added to a model without a revision would work in the tests that build tables
from the models, then fail in every user's book; this compares a book migrated from
nothing with ``SQLModel.metadata`` as Alembic's autogenerate sees them.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import kamdesk.models  # noqa: F401  (registers the tables on the metadata)
from kamdesk.store.book import create_book, sqlite_url


def _is_modelled(name: str | None, type_: str, _parent_names: object) -> bool:
    # The rule of kamdesk/store/migrations/env.py: the search index (FTS5 tables made by
    # hand in 0002 and 0003) is derived data with no model.
    return not (type_ == "table" and name is not None and name.startswith("search_"))


def differences(path: Path, metadata: sa.MetaData) -> list[Any]:
    """What Alembic would change in the book at ``path`` to match ``metadata``: tables,
    columns, their types and nullability, indexes, unique and foreign key constraints."""
    engine = sa.create_engine(sqlite_url(path))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": _is_modelled,
                    "compare_type": True,
                    "target_metadata": metadata,
                },
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def default_differences(path: Path, metadata: sa.MetaData) -> list[tuple[str, str, Any, Any]]:
    """Columns whose DEFAULT in the book is not the model's ``server_default``.

    Read from SQLite itself: Alembic's own comparison of SQLite defaults is unreliable
    (it reports ``''`` as differing from ``''``).
    """
    found = []
    with closing(sqlite3.connect(path)) as db:
        for table in metadata.tables.values():
            in_book = {row[1]: row[4] for row in db.execute(f"PRAGMA table_info({table.name})")}
            for column in table.columns:
                default = column.server_default
                wanted = None
                if isinstance(default, sa.DefaultClause) and isinstance(default.arg, str):
                    wanted = "'" + default.arg.replace("'", "''") + "'"
                if in_book.get(column.name) != wanted:
                    found.append((table.name, column.name, in_book.get(column.name), wanted))
    return found


def test_a_book_migrated_to_head_has_exactly_the_modelled_schema(tmp_path: Path) -> None:
    path = tmp_path / "fresh.kamdesk"
    create_book(path)
    assert differences(path, SQLModel.metadata) == []
    assert default_differences(path, SQLModel.metadata) == []


def test_a_column_index_or_default_without_a_migration_is_caught(tmp_path: Path) -> None:
    # The same comparisons on models that grew what no revision makes.
    path = tmp_path / "fresh.kamdesk"
    create_book(path)
    grown = sa.MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(grown)
    grown.tables["opportunity"].append_column(sa.Column("discount", sa.Integer(), nullable=True))
    sa.Index("ix_stage_change_to_stage", grown.tables["stage_change"].c.to_stage)
    grown.tables["stage_change"].c.to_stage.server_default = sa.DefaultClause("none")

    found = sorted(
        (d[0], d[3].name if d[0] == "add_column" else d[1].name) for d in differences(path, grown)
    )

    assert found == [("add_column", "discount"), ("add_index", "ix_stage_change_to_stage")]
    assert default_differences(path, grown) == [("stage_change", "to_stage", None, "'none'")]

"""Alembic environment: migrations run on the connection the book hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import kamdesk.models  # noqa: F401  (registers the tables on the metadata)

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Run the migrations on ``config.attributes['connection']``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        url = context.config.get_main_option("sqlalchemy.url")
        from sqlalchemy import create_engine

        with create_engine(url or "sqlite://").connect() as fresh:
            _run(fresh)
            fresh.commit()
        return
    _run(connection)


def _is_modelled(name: str | None, type_: str, _parent_names: object) -> bool:
    """Leave the search index (FTS5 tables, made by hand in 0002) out of comparisons."""
    return not (type_ == "table" and name is not None and name.startswith("search_"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_is_modelled,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

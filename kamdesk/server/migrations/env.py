"""Alembic environment of the sync server: migrations run on the connection handed over."""

from __future__ import annotations

from alembic import context

from kamdesk.server.db import metadata

target_metadata = metadata


def run_migrations() -> None:
    """Run the migrations on ``config.attributes['connection']``."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        version_table="server_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

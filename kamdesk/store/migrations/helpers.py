"""Steps several revisions take alike, frozen: a revision's meaning must never change.

Only what is the same in every revision that uses it lives here (the shape of the
vocabulary table's seed rows, as revision 0001 made it). Change nothing here once a
revision calls it; a revision that needs something else writes it out itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op

#: (row id, list, code, English label, Chinese label), in the order the list shows them.
SeedTerm = tuple[str, str, str, str, str]


def seed_vocabulary(terms: Iterable[SeedTerm]) -> None:
    """Insert seed terms into the vocabulary, each list's positions counted from 0."""
    table = sa.table(
        "vocabulary",
        sa.column("id", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("kind", sa.String),
        sa.column("code", sa.String),
        sa.column("label_en", sa.String),
        sa.column("label_zh", sa.String),
        sa.column("position", sa.Integer),
        sa.column("archived", sa.Boolean),
    )
    stamp = datetime.datetime(2026, 12, 1)
    positions: dict[str, int] = {}
    rows = []
    for row_id, kind, code, label_en, label_zh in terms:
        position = positions.get(kind, 0)
        positions[kind] = position + 1
        rows.append(
            {
                "id": row_id,
                "created_at": stamp,
                "updated_at": stamp,
                "kind": kind,
                "code": code,
                "label_en": label_en,
                "label_zh": label_zh,
                "position": position,
                "archived": False,
            }
        )
    op.bulk_insert(table, rows)

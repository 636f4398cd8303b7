"""The schema revisions this version of KAMDesk knows, without importing Alembic.

Opening a book compares its ``alembic_version`` with these, so that the common case (the
book is current) costs one query and no Alembic import at startup. A test checks that the
list matches the migration scripts.
"""

from __future__ import annotations

SCHEMA_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
)
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]

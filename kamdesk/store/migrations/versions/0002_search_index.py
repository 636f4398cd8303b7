"""Search index: type-ahead over account and stakeholder names and notes.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One document per account (its texts and its people's), pre-split so that each
    # Chinese character is a token (see kamdesk.store.search for why).
    op.execute("CREATE TABLE search_doc (id INTEGER PRIMARY KEY, account_id TEXT NOT NULL UNIQUE)")
    op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(body, prefix='1 2 3')")
    # The accounts a book already holds are indexed by 0003, which lays the index out
    # as kamdesk.store.search now writes it.


def downgrade() -> None:
    op.execute("DROP TABLE search_fts")
    op.execute("DROP TABLE search_doc")

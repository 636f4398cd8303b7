"""Search index, second layout: pinyin of names, owners, industries, and name sort keys.

Revision ID: 0003
Revises: 0002

The FTS table gains a ``pinyin`` column (names spelled in full pinyin and by initials, so
"huadong" and "hdzz" find 华东制造集团), ``search_doc`` the keys names sort by (Chinese
names by pinyin, among the Latin ones), and ``search_person`` and ``search_member`` hold
the same key for each stakeholder and team member. Every live account is indexed again
once the book reaches the latest revision.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Derived data only: dropped and made again from the accounts.
    op.execute("DROP TABLE search_fts")
    op.execute("DROP TABLE search_doc")
    op.execute(
        "CREATE TABLE search_doc (id INTEGER PRIMARY KEY, account_id TEXT NOT NULL UNIQUE, "
        "sort_key TEXT NOT NULL, owner_key TEXT NOT NULL DEFAULT '')"
    )
    # The account list walks this index for its name order (kamdesk.store.reader).
    op.execute("CREATE INDEX ix_search_doc_sort_key ON search_doc (sort_key, account_id)")
    op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(body, pinyin, prefix='1 2 3')")
    # The key each stakeholder's name sorts by, for the account page's list of people.
    op.execute(
        "CREATE TABLE search_person (stakeholder_id TEXT PRIMARY KEY, "
        "account_id TEXT NOT NULL, sort_key TEXT NOT NULL)"
    )
    op.execute("CREATE INDEX ix_search_person_account_id ON search_person (account_id)")
    # And each team member's, for the team and the Owner choices.
    op.execute(
        "CREATE TABLE search_member (team_member_id TEXT PRIMARY KEY, sort_key TEXT NOT NULL)"
    )
    # Filled once the book is at the latest revision (kamdesk.store.book._run_migrations):
    # indexing here, with whatever layout the code of the day writes, would break as soon
    # as a later revision changes it.


def downgrade() -> None:
    # Back to 0002's layout, keeping the text (0002 reads the body column alone).
    op.execute(
        "CREATE TABLE search_doc_0002 (id INTEGER PRIMARY KEY, account_id TEXT NOT NULL UNIQUE)"
    )
    op.execute("INSERT INTO search_doc_0002 (id, account_id) SELECT id, account_id FROM search_doc")
    op.execute("CREATE VIRTUAL TABLE search_fts_0002 USING fts5(body, prefix='1 2 3')")
    op.execute("INSERT INTO search_fts_0002 (rowid, body) SELECT rowid, body FROM search_fts")
    op.execute("DROP TABLE search_fts")
    op.execute("DROP TABLE search_doc")
    op.execute("DROP TABLE search_person")
    op.execute("DROP TABLE search_member")
    op.execute("ALTER TABLE search_doc_0002 RENAME TO search_doc")
    op.execute("ALTER TABLE search_fts_0002 RENAME TO search_fts")

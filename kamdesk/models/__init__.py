"""SQLModel tables and the domain vocabulary of the account book.

Importing this package registers every table on ``SQLModel.metadata`` (what Alembic and
the tests build the schema from).
"""

from kamdesk.models.tables import (
    SYNCED_TABLES,
    UNLOGGED_COLUMNS,
    Account,
    BookMeta,
    ChangeLogEntry,
    Coverage,
    Record,
    Stakeholder,
    TeamMember,
    VocabularyTerm,
    coverage_id,
    new_id,
    utc_now,
)
from kamdesk.models.opportunity import Opportunity

SYNCED_TABLES["opportunity"] = Opportunity

__all__ = [
    "SYNCED_TABLES",
    "UNLOGGED_COLUMNS",
    "Account",
    "BookMeta",
    "ChangeLogEntry",
    "Coverage",
    "Opportunity",
    "Record",
    "Stakeholder",
    "TeamMember",
    "VocabularyTerm",
    "coverage_id",
    "new_id",
    "utc_now",
]

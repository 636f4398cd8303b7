"""A kind's tallies (``Kind.tallies``): records under each record ticked off, of all.

A deal list's Progress column ("3/12": milestones done of the deal's checklist) is read
in one grouped query per tally for the whole list, its ids passed as one JSON array.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from kamdesk.domain.milestones import Tally
from kamdesk.kinds import Kind, kind


def tally_counts(
    db: sqlite3.Connection, counted: str, flag: str, parent_ids: Sequence[str]
) -> dict[str, Tally]:
    """Live records of kind ``counted`` under each of ``parent_ids``: ticked, of all."""
    child = kind(counted)
    assert child.parent is not None, f"a {counted} belongs to no other record"
    column = child.parent.column
    found = dict.fromkeys(parent_ids, Tally(0, 0))
    sql = (
        f"SELECT {column}, SUM({flag}), COUNT(*) FROM {child.name} "
        f"WHERE deleted_at IS NULL AND {column} IN (SELECT value FROM json_each(?)) "
        f"GROUP BY {column}"
    )
    for parent_id, done, total in db.execute(sql, (json.dumps(list(parent_ids)),)):
        found[parent_id] = Tally(int(done or 0), int(total))
    return found


def tallies(
    db: sqlite3.Connection, of: Kind, record_ids: Sequence[str]
) -> dict[str, dict[str, str]]:
    """The tallies of records of kind ``of`` as their list shows them: id → {name: "3/12"}.

    A record with nothing to count shows nothing (not "0/0").
    """
    texts: dict[str, dict[str, str]] = {record_id: {} for record_id in record_ids}
    for declared in of.tallies:
        for record_id, tally in tally_counts(db, declared.kind, declared.flag, record_ids).items():
            texts[record_id][declared.name] = tally.text()
    return texts

"""The pipeline's read: every live deal of a live account, in one query, on plain sqlite3.

The pipeline window opens on a book of 10,000 accounts and some 30,000 deals, so this
reads them as ``reader.py`` reads accounts: the standard library's sqlite3, one query,
no ORM objects. The stage models and their stage order come from the deal's declaration
(``kamdesk.kinds.opportunity``), the one place they are written down.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection

from kamdesk.domain.pipeline import Deal
from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.kinds.opportunity import OPPORTUNITY, STAGE_PROBABILITY

# A deal whose owner has left the team counts as having none (as an account's does), and
# its account's sort key is its pinyin one, from the search index.
_DEALS_SQL = """
SELECT o.id, o.name, o.account_id, a.name,
       CASE WHEN m.id IS NULL THEN '' ELSE o.owner_id END, COALESCE(m.name, ''),
       o.stage_model, o.stage, o.status, o.amount_minor, o.currency, o.probability,
       o.expected_close, COALESCE(d.sort_key, '')
FROM opportunity o
JOIN account a ON a.id = o.account_id AND a.deleted_at IS NULL
LEFT JOIN team_member m ON m.id = o.owner_id AND m.deleted_at IS NULL
LEFT JOIN search_doc d ON d.account_id = a.id
WHERE o.deleted_at IS NULL{statuses}
ORDER BY o.expected_close IS NULL, o.expected_close, o.name, o.id
"""


def pipeline_deals(
    db: sqlite3.Connection, *, statuses: Collection[str] | None = None
) -> list[Deal]:
    """Every live deal of a live account, soonest expected close first (undated last).

    ``statuses`` limits the read to deals of those statuses (the pipeline shows open
    deals unless asked for more: reading the won and lost ones too would cost it a third
    of its time on a large book). A deal with no probability of its own is weighted by
    its stage's.
    """
    params: list[str] = []
    where = ""
    if statuses:
        params = sorted(statuses)
        where = f" AND o.status IN ({', '.join('?' * len(params))})"
    dates: dict[str, dt.date] = {}  # a few hundred distinct days among thousands of deals
    deals = []
    for row in db.execute(_DEALS_SQL.format(statuses=where), params):
        probability = row[11]
        if probability is None:
            probability = STAGE_PROBABILITY.get(row[7], 0)
        close = row[12]
        if close:
            day = dates.get(close)
            if day is None:
                day = dates[close] = dt.date.fromisoformat(close)
        else:
            day = None
        deals.append(Deal._make((*row[:11], probability, day, row[13])))
    return deals


def stage_models() -> tuple[str, ...]:
    """The stage models a deal can follow, in the order they are offered."""
    return tuple(t.code for t in OPPORTUNITY.vocabulary if t.kind == VocabularyKind.STAGE_MODEL)


def stages_of(stage_model: str) -> tuple[str, ...]:
    """The stages of ``stage_model``, first to last (as the declaration lists them)."""
    prefix = f"{stage_model}."
    return tuple(
        t.code
        for t in OPPORTUNITY.vocabulary
        if t.kind == VocabularyKind.DEAL_STAGE and t.code.startswith(prefix)
    )
